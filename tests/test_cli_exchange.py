"""The exchange commands as a user reads them: status, conflicts, lock/unlock, audit, and side checks."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cli.parser import main
from tests.fixtures.keys import passphrase_file, printed_passphrase

YEAR = "2020"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def offices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """The synthesis office (demo data) and Phòng Kinh tế set up from its issued file."""
    office, kt = str(tmp_path / "tonghop.sqlite"), str(tmp_path / "kt.sqlite")
    setup, secret = str(tmp_path / "kt.setup"), str(passphrase_file(tmp_path / "giay"))
    for step in (
        ("demo", "--db", office),
        (
            "issue-department",
            "--department",
            "KT",
            "--year",
            YEAR,
            "--out",
            setup,
            "--passphrase-file",
            secret,
            "--db",
            office,
        ),
        ("setup", setup, "--passphrase-file", secret, "--db", kt),
    ):
        assert cli(capsys, *step)[0] == 0, step
    return {"office": office, "kt": kt, "folder": str(tmp_path)}


@pytest.fixture
def vietnam_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_issue_and_setup_tell_the_user_what_happened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    office = str(tmp_path / "tonghop.sqlite")
    assert cli(capsys, "demo", "--db", office)[0] == 0
    code, out, _ = cli(
        capsys,
        "issue-department",
        "--department",
        "YT",
        "--year",
        YEAR,
        "--out",
        str(tmp_path / "yt.setup"),
        "--db",
        office,
    )
    assert code == 0
    assert "Đã cấp tệp thiết lập cho phòng YT (Phòng Y tế) năm 2020" in out
    assert "8 chỉ tiêu" in out and "số thứ tự từ 1" in out  # not the heading C.2 above its eight rows
    passphrase = printed_passphrase(out)
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", passphrase)
    assert "qua một đường khác với tệp" in out and "không chép cùng USB" in out
    assert passphrase not in (tmp_path / "yt.setup").read_text(encoding="utf-8")
    # Typed as a person reads it out: lower case, without the dashes.
    monkeypatch.setenv("BKDESK_PASSPHRASE", passphrase.replace("-", "").lower())
    code, out, _ = cli(capsys, "setup", str(tmp_path / "yt.setup"), "--db", str(tmp_path / "yt.sqlite"))
    assert code == 0
    assert "Đã tạo cơ sở dữ liệu" in out and "phòng YT (Phòng Y tế), năm 2020" in out
    assert "Máy này không có kho khóa dùng được" not in out and "kho khóa của hệ điều hành" in out
    code, out, err = cli(
        capsys,
        "issue-department",
        "--department",
        "ZZ",
        "--year",
        YEAR,
        "--out",
        str(tmp_path / "z.setup"),
        "--db",
        office,
    )
    assert code == 1 and "Lỗi: Không có phòng mã ZZ trong danh mục" in err
    assert "Cụm mật khẩu" not in out and not (tmp_path / "z.setup").exists()


def test_commands_of_one_side_say_so_on_the_other(offices: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    folder = offices["folder"]
    cases = [
        (
            ("issue-department", "--department", "KT", "--year", YEAR, "--out", f"{folder}/x", "--db", offices["kt"]),
            "Chỉ văn phòng tổng hợp mới cấp tệp thiết lập",
        ),
        (
            ("import-submissions", f"{folder}/x.json", "--db", offices["kt"]),
            "Chỉ văn phòng tổng hợp mới nhập tệp nộp số liệu",
        ),
        (
            ("conflicts", "resolve", "1", "--keep", "local", "--reason", "x", "--db", offices["kt"]),
            "Chỉ văn phòng tổng hợp mới giải quyết xung đột",
        ),
        (("status", "--year", YEAR, "--db", offices["kt"]), "Chỉ văn phòng tổng hợp mới xem tình hình nộp số liệu"),
        (("lock", "--year", YEAR, "--reason", "x", "--db", offices["kt"]), "Chỉ văn phòng tổng hợp mới chốt số liệu"),
        (
            ("export-submission", "--year", YEAR, "--out", f"{folder}/x.json", "--db", offices["office"]),
            "Chỉ cơ sở dữ liệu của một phòng",
        ),
        (("set-value", "C.2.2", "12", "--db", offices["kt"]), "Không có chỉ tiêu mã C.2.2"),
        (("set-value", "A", "1", "--year", YEAR, "--db", offices["kt"]), "thuộc Phòng Tài chính - Kế hoạch (TCKH)"),
    ]
    for args, message in cases:
        code, _out, err = cli(capsys, *args)
        assert code != 0, args
        assert err.startswith("Lỗi: ") and message in err, (args, err)
        assert "Traceback" not in err


def test_status_json_has_exactly_the_documented_shape(
    offices: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = f"{offices['folder']}/kt-1.json"
    assert cli(capsys, "set-value", "A.2", "", "--db", offices["kt"])[0] == 0
    assert cli(capsys, "export-submission", "--year", YEAR, "--out", out_file, "--db", offices["kt"])[0] == 0
    assert cli(capsys, "import-submissions", out_file, "--db", offices["office"])[0] == 0
    code, out, _ = cli(capsys, "status", "--year", YEAR, "--json", "--db", offices["office"])
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["year", "period", "deadline", "deadline_passed", "locked", "lock_reason", "departments"]
    assert (data["year"], data["period"], data["deadline"], data["locked"]) == (2020, "uoc", None, False)
    keys = [
        "code",
        "name",
        "assigned",
        "sent",
        "entered",
        "open_conflicts",
        "late",
        "standing",
        "issued_at",
        "first_received_at",
        "last_file",
        "last_received_at",
        "last_made_at",
        "last_sequence",
        "signed",
        "template",
        "installations",
        "doubled_setups",
    ]
    assert all(list(line) == keys for line in data["departments"])
    kt = next(line for line in data["departments"] if line["code"] == "KT")
    moments = ("issued_at", "first_received_at", "last_received_at", "last_made_at")
    assert {k: kt[k] for k in keys if k not in moments and k != "installations"} == {
        "code": "KT",
        "name": "Phòng Kinh tế",
        "assigned": 28,
        "sent": 0,  # the file only cleared A.2: no figure of its own in the table
        "entered": 26,
        "open_conflicts": 0,
        "late": False,
        "standing": "đã nộp",
        "last_file": "kt-1.json",
        "last_sequence": 1,
        "signed": True,
        "template": False,
        "doubled_setups": [],
    }
    for moment in moments:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", kt[moment]), moment
    (installed,) = kt["installations"]
    assert list(installed) == [
        "id",
        "installation_id",
        "setup_file",
        "setup_issued_at",
        "first_file_at",
        "last_sequence",
        "last_file",
        "last_received_at",
        "current",
    ]
    assert installed["id"] == installed["installation_id"][:8] and installed["current"] is True
    assert (installed["last_sequence"], installed["last_file"]) == (1, "kt-1.json")
    yt = next(line for line in data["departments"] if line["code"] == "YT")
    assert (yt["last_sequence"], yt["last_received_at"], yt["signed"], yt["standing"]) == (None, None, None, "chưa nộp")
    code, out, _ = cli(capsys, "status", "--year", YEAR, "--db", offices["office"])
    assert "TÌNH HÌNH NỘP SỐ LIỆU ƯỚC THỰC HIỆN NĂM 2020" in out
    when = r"\d\d/\d\d/\d{4} \d\d:\d\d"
    assert re.search(rf"^KT\s+Phòng Kinh tế\s+28\s+0\s+1\s+{when}\s+{when}\s+1\s+đã ký\s+0\s+đã nộp$", out, re.M)
    assert re.search(r"^YT\s+Phòng Y tế\s+8\s+0\s+—\s+—\s+—\s+—\s+—\s+0\s+chưa nộp$", out, re.M)
    assert "1/14 phòng đã nộp" in out


def test_conflicts_are_listed_and_resolved_with_a_reason(
    offices: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = f"{offices['folder']}/kt-1.json"
    assert cli(capsys, "set-value", "A.3", "470", "--year", YEAR, "--db", offices["office"])[0] == 0
    assert cli(capsys, "set-value", "A.3", "480", "--db", offices["kt"])[0] == 0
    assert cli(capsys, "export-submission", "--year", YEAR, "--out", out_file, "--db", offices["kt"])[0] == 0
    code, out, _ = cli(capsys, "import-submissions", out_file, "--db", offices["office"])
    assert code == 0 and "kt-1.json: đã nhận (phòng KT, số thứ tự 1) — 0 giá trị thay đổi, 1 xung đột" in out
    code, out, _ = cli(capsys, "conflicts", "--year", YEAR, "--db", offices["office"])
    assert code == 0
    assert "#1  phòng KT  A.3 Giá trị sản xuất công nghiệp (ước thực hiện 2020), giá trị — chưa giải quyết" in out
    assert "gốc «460,1» · văn phòng tổng hợp «470» · trong tệp «480»" in out
    assert "1 xung đột chưa giải quyết." in out
    code, _out, err = cli(capsys, "conflicts", "resolve", "1", "--keep", "incoming", "--db", offices["office"])
    assert code == 2 and "Cần ghi lý do" in err
    code, out, _ = cli(
        capsys, "conflicts", "resolve", "1", "--keep", "local", "--reason", "Số đã đối chiếu", "--db", offices["office"]
    )
    assert code == 0 and "giữ giá trị của văn phòng tổng hợp «470»" in out
    code, out, _ = cli(capsys, "conflicts", "--year", YEAR, "--db", offices["office"])
    assert "Không có xung đột chưa giải quyết năm 2020." in out
    code, out, _ = cli(capsys, "conflicts", "--year", YEAR, "--all", "--db", offices["office"])
    assert "— đã giải quyết" in out and "quyết định: giữ số của văn phòng · người quyết định: " in out
    assert out.splitlines()[-2].endswith(" · lý do: Số đã đối chiếu")


def test_conflicts_all_keeps_each_conflicts_history_as_it_arose(
    offices: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    import getpass

    folder, office, kt = offices["folder"], offices["office"], offices["kt"]
    assert cli(capsys, "set-value", "A.3", "470", "--year", YEAR, "--db", office)[0] == 0
    for number, figure in ((1, "480"), (2, "485")):  # the phòng sends A.3, then corrects it: both conflicts
        assert cli(capsys, "set-value", "A.3", figure, "--db", kt)[0] == 0
        out_file = f"{folder}/kt-{number}.json"
        assert cli(capsys, "export-submission", "--year", YEAR, "--out", out_file, "--db", kt)[0] == 0
        code, out, _ = cli(capsys, "import-submissions", out_file, "--db", office)
        assert code == 0 and "1 xung đột" in out, out
    reason = "Phòng KT gửi công văn số 12 ngày 20/11"
    code, out, _ = cli(capsys, "conflicts", "resolve", "2", "--keep", "incoming", "--reason", reason, "--db", office)
    assert code == 0
    assert cli(capsys, "set-value", "A.3", "490", "--year", YEAR, "--db", office)[0] == 0  # moved again since

    code, out, _ = cli(capsys, "conflicts", "--year", YEAR, "--all", "--db", office)
    assert code == 0
    when = r"\d\d/\d\d/\d{4} \d\d:\d\d"
    who = re.escape(getpass.getuser())
    name = re.escape("A.3 Giá trị sản xuất công nghiệp (ước thực hiện 2020), giá trị")
    assert re.fullmatch(
        rf"#1  phòng KT  {name} — thay bằng xung đột mới hơn\n"
        rf"    gốc «460,1» · văn phòng tổng hợp «470» \(nay «490»\) · trong tệp «480» "
        rf"\(kt-1\.json, số thứ tự 1, nhận {when}\)\n"
        rf"    đóng lúc {when} khi nhập tệp \(người nhập: {who}\) · lý do: thay bằng xung đột từ kt-2\.json\n"
        rf"#2  phòng KT  {name} — đã giải quyết\n"
        rf"    gốc «480» · văn phòng tổng hợp «470» \(nay «490»\) · trong tệp «485» "
        rf"\(kt-2\.json, số thứ tự 2, nhận {when}\)\n"
        rf"    quyết định: lấy số của phòng · người quyết định: {who} · lúc {when} · lý do: {re.escape(reason)}\n"
        r"0 xung đột chưa giải quyết\.\n",
        out,
    ), out
    code, out, _ = cli(capsys, "conflicts", "--year", YEAR, "--db", office)
    assert out == "Không có xung đột chưa giải quyết năm 2020.\n"


def test_lock_and_unlock_need_a_reason_and_lock_refuses_edits(
    offices: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "lock", "--year", YEAR, "--db", offices["office"])
    assert code == 2 and "Cần ghi lý do khi chốt số liệu" in err
    code, out, _ = cli(capsys, "lock", "--year", YEAR, "--reason", "Đã trình HĐND", "--db", offices["office"])
    assert code == 0
    assert "Ước thực hiện năm 2020: đã chốt (lý do: Đã trình HĐND)." in out
    assert "Thực hiện năm 2020: đã chốt" in out
    code, _, err = cli(capsys, "set-value", "A.2", "1", "--year", YEAR, "--db", offices["office"])
    assert code == 1 and "đã được chốt (Đã trình HĐND); cần mở khóa trước khi sửa" in err
    code, out, _ = cli(
        capsys, "unlock", "--year", YEAR, "--period", "uoc", "--reason", "Bổ sung", "--db", offices["office"]
    )
    assert code == 0 and out.strip() == "Ước thực hiện năm 2020: đã mở khóa (lý do: Bổ sung)."
    assert cli(capsys, "set-value", "A.2", "1", "--year", YEAR, "--db", offices["office"])[0] == 0


def test_audit_shows_old_new_who_when_from_where_and_why(
    offices: dict[str, str], capsys: pytest.CaptureFixture[str], vietnam_clock: None
) -> None:
    from db.audit import history
    from db.schema import open_database

    out_file = f"{offices['folder']}/kt-1.json"
    assert cli(capsys, "set-value", "A.2", "3.100", "--reason", "Theo báo cáo tháng 11", "--db", offices["kt"])[0] == 0
    assert cli(capsys, "export-submission", "--year", YEAR, "--out", out_file, "--db", offices["kt"])[0] == 0
    assert cli(capsys, "import-submissions", out_file, "--db", offices["office"])[0] == 0
    code, out, _ = cli(capsys, "audit", "--year", YEAR, "--indicator", "A.2", "--db", offices["office"])
    assert code == 0
    assert out.startswith("LỊCH SỬ THAY ĐỔI NĂM 2020 — CHỈ TIÊU A.2")
    db = open_database(offices["office"])
    entry = history(db, 2020, "A.2")[-1]
    db.dispose()
    when = entry.at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M")
    assert f"{when}  sửa giá trị  A.2 (ước thực hiện): «3.050» → «3.100»" in out
    assert "nguồn: tệp kt-1.json (phòng KT, số thứ tự 1, SHA-256 " in out
    code, out, _ = cli(capsys, "audit", "--year", YEAR, "--indicator", "A.2", "--db", offices["kt"])
    assert "nguồn: nhập tay; lý do: Theo báo cáo tháng 11" in out
    code, out, _ = cli(capsys, "audit", "--year", "1999", "--db", offices["office"])
    assert out.strip() == "Chưa có thay đổi nào năm 1999."


def test_export_template_then_import_it_with_consent(
    offices: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    template = f"{offices['folder']}/kt.xlsx"
    code, out, _ = cli(
        capsys, "export-template", "--department", "KT", "--year", YEAR, "--out", template, "--db", offices["office"]
    )
    assert code == 0 and "(28 chỉ tiêu)" in out and "--accept-unsigned" in out
    workbook = load_workbook(template)
    sheet = workbook["Nhập số liệu"]
    row = next(r for r in range(4, 40) if sheet.cell(r, 7).value == "A.2")
    sheet.cell(row, 5).value = "3.150"
    sheet.cell(row, 6).value = "Số liệu Chi cục Thống kê"
    workbook.save(template)
    code, out, _ = cli(capsys, "import-submissions", template, "--accept-unsigned", "--db", offices["office"])
    assert code == 0 and "kt.xlsx: đã nhận (phòng KT, biểu mẫu Excel chưa ký) — 1 giá trị thay đổi, 0 xung đột" in out
    code, out, _ = cli(capsys, "status", "--year", YEAR, "--json", "--db", offices["office"])
    kt = next(line for line in json.loads(out)["departments"] if line["code"] == "KT")
    assert (kt["last_sequence"], kt["signed"], kt["template"], kt["sent"]) == (None, False, True, 1)
    code, out, _ = cli(capsys, "audit", "--year", YEAR, "--indicator", "A.2", "--db", offices["office"])
    assert "nguồn: biểu mẫu Excel chưa ký kt.xlsx (phòng KT, SHA-256" in out


def test_a_refused_setup_file_leaves_no_empty_database_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_setup = tmp_path / "KT-1.json"
    not_a_setup.write_text('{"format": "bkdesk-submission"}', encoding="utf-8")
    target = tmp_path / "kt.sqlite"
    assert main(["setup", str(not_a_setup), "--db", str(target)]) == 1
    assert capsys.readouterr().err.startswith("Lỗi: ")
    assert not list(tmp_path.glob("kt.sqlite*"))
