"""``python main.py status`` as the synthesis office runs it: the deadline, who is late, one count everywhere."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from tests.fixtures.commands import dump, run_main
from tests.fixtures.keys import passphrase_file

YEAR = "2020"


def ok(*args: str | Path) -> str:
    done = run_main(*args)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert not done.stderr, done.stderr
    return done.stdout


def status_json(office: Path, *extra: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok("status", "--year", YEAR, "--json", *extra, "--db", office))
    return data


class Exchanged(NamedTuple):
    folder: Path
    said: dict[str, str]  # what each command of the exchange printed


@pytest.fixture(scope="module")
def exchanged(tmp_path_factory: pytest.TempPathFactory) -> Exchanged:
    """The synthesis office with the demo; KT and YT issued their setup files, KT's first file taken in."""
    folder = tmp_path_factory.mktemp("exchanged")
    path = folder / "tonghop.sqlite"
    said = {"demo": ok("demo", "--db", path)}
    secret = ("--passphrase-file", passphrase_file(folder / "giay"))
    for code in ("KT", "YT"):
        said[f"issue {code}"] = ok(
            "issue-department",
            "--department",
            code,
            "--year",
            YEAR,
            "--out",
            folder / f"{code}.setup",
            *secret,
            "--db",
            path,
        )
    said["setup"] = ok("setup", folder / "KT.setup", *secret, "--db", folder / "KT.sqlite")
    ok("set-value", "A.2", "3.100", "--db", folder / "KT.sqlite")
    said["export-submission"] = ok(
        "export-submission", "--year", YEAR, "--out", folder / "KT-1.json", "--db", folder / "KT.sqlite"
    )
    ok("import-submissions", folder / "KT-1.json", "--db", path)
    return Exchanged(folder, said)


@pytest.fixture
def office(exchanged: Exchanged, tmp_path: Path) -> Path:
    """A copy of the exchanged databases of the test's own (the commands are slow to run again for each test)."""
    copy = tmp_path / "office"
    shutil.copytree(exchanged.folder, copy)
    return copy / "tonghop.sqlite"


def test_every_command_counts_kt_s_indicators_alike(exchanged: Exchanged, office: Path) -> None:
    said = exchanged.said
    template = ok(
        "export-template", "--department", "KT", "--year", YEAR, "--out", office.with_name("KT.xlsx"), "--db", office
    )
    kt = next(line for line in status_json(office)["departments"] if line["code"] == "KT")
    assert "\n28 chỉ tiêu; khóa " in said["issue KT"]
    assert "28 chỉ tiêu của phòng;" in said["setup"]
    assert "27/28 chỉ tiêu đã có số liệu" in said["export-submission"]
    assert "(28 chỉ tiêu)" in template
    assert kt["assigned"] == 28


def test_status_deadline_sets_it_and_marks_who_is_late(office: Path) -> None:
    out = ok("status", "--year", YEAR, "--deadline", "15/12/2020", "--db", office)
    assert out.startswith("Đã đặt hạn nộp số liệu ước thực hiện năm 2020: 15/12/2020.\n")
    assert "Hạn nộp: 15/12/2020 (đã qua)" in out and "Số liệu kỳ này: đang mở" in out
    when = r"\d\d/\d\d/\d{4} \d\d:\d\d"
    day = r"\d\d/\d\d/\d{4}"
    assert re.search(
        rf"^KT\s+Phòng Kinh tế\s+28\s+1\s+1\s+{when}\s+{when}\s+1\s+đã ký\s+0\s+"
        rf"NỘP MUỘN: tệp đầu tiên nhận ngày {day}$",
        out,
        re.M,
    )
    assert re.search(
        rf"^YT\s+Phòng Y tế\s+8\s+0\s+—\s+—\s+—\s+—\s+—\s+0\s+QUÁ HẠN: đã cấp tệp thiết lập ngày {day}, chưa nộp$",
        out,
        re.M,
    )
    assert re.search(r"^TNMT\s+.*\s+QUÁ HẠN: chưa nộp$", out, re.M)
    assert "Quá hạn, chưa nộp: 13 phòng (VP, TCKH, QLDT, TNMT, GDDT, YT, " in out
    assert out.rstrip().endswith("; nộp muộn: 1 phòng (KT).")

    data = status_json(office)
    assert (data["deadline"], data["deadline_passed"], data["locked"]) == ("2020-12-15", True, False)
    found = {line["code"]: line for line in data["departments"]}
    assert (found["KT"]["late"], found["KT"]["sent"], found["KT"]["last_file"]) == (True, 1, "KT-1.json")
    assert found["KT"]["standing"].startswith("NỘP MUỘN: tệp đầu tiên nhận ngày ")
    assert found["YT"]["late"] and found["YT"]["issued_at"] is not None and found["YT"]["last_file"] is None
    assert found["YT"]["standing"].startswith("QUÁ HẠN: đã cấp tệp thiết lập ngày ")

    audit = ok("audit", "--year", YEAR, "--db", office)
    assert "đặt hạn nộp  — (ước thực hiện): «» → «15/12/2020»" in audit
    # The other period has its own deadline; the same date again changes nothing.
    assert status_json(office, "--period", "thuc-hien")["deadline"] is None
    again = ok("status", "--year", YEAR, "--deadline", "15/12/2020", "--db", office)
    assert again.startswith("Hạn nộp số liệu ước thực hiện năm 2020 vẫn là 15/12/2020; không có gì thay đổi.")


def test_a_deadline_not_yet_reached_marks_nobody_and_an_empty_one_removes_it(office: Path) -> None:
    data = status_json(office, "--deadline", "31/12/2099")
    assert (data["deadline"], data["deadline_passed"]) == ("2099-12-31", False)
    found = {line["code"]: line for line in data["departments"]}
    assert not any(line["late"] for line in data["departments"])
    assert (found["KT"]["standing"], found["TNMT"]["standing"]) == ("đã nộp đúng hạn", "chưa nộp")
    out = ok("status", "--year", YEAR, "--deadline", "", "--db", office)
    assert out.startswith("Đã bỏ hạn nộp số liệu ước thực hiện năm 2020 (trước đó: 31/12/2099).")
    assert "Hạn nộp: chưa đặt (đặt bằng: status --year 2020 --deadline dd/mm/yyyy)" in out


def test_a_wrong_deadline_is_refused_in_vietnamese_and_nothing_is_written(office: Path) -> None:
    before = dump(office)
    for text, message in (
        ("31/02/2020", "Lỗi: Hạn nộp «31/02/2020»: tháng 2 năm 2020 không có ngày 31\n"),
        ("2020-12-15", "Lỗi: Hạn nộp «2020-12-15»: ngày phải viết theo dạng ngày/tháng/năm, ví dụ 05/02/2021\n"),
        (
            "15/12/2019",
            "Lỗi: Hạn nộp 15/12/2019 trước năm 2020: hạn nộp số liệu năm 2020 phải từ ngày 01/01/2020 trở đi\n",
        ),
    ):
        done = run_main("status", "--year", YEAR, "--deadline", text, "--db", office)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", message)
    phong = run_main("status", "--year", YEAR, "--deadline", "15/12/2020", "--db", office.with_name("KT.sqlite"))
    assert phong.returncode == 1 and phong.stderr.startswith("Lỗi: Chỉ văn phòng tổng hợp mới đặt hạn nộp")
    assert "Traceback" not in phong.stderr
    assert dump(office) == before


def test_the_lock_is_in_the_status(office: Path) -> None:
    ok("lock", "--year", YEAR, "--period", "uoc", "--reason", "Đã trình HĐND", "--db", office)
    out = ok("status", "--year", YEAR, "--db", office)
    assert "Số liệu kỳ này: ĐÃ CHỐT (lý do: Đã trình HĐND); không nhận thêm tệp nào" in out
    data = status_json(office)
    assert (data["locked"], data["lock_reason"]) == (True, "Đã trình HĐND")


def test_status_lists_a_phongs_installations_and_one_setup_file_on_two_pcs_stands_out(office: Path) -> None:
    folder = office.parent
    secret = ("--passphrase-file", folder / "giay" / "cum-mat-khau.txt")
    ok("setup", folder / "KT.setup", *secret, "--db", folder / "KT-may-2.sqlite")  # the same file, a second PC
    ok("set-value", "A.12", "57", "--db", folder / "KT-may-2.sqlite")
    ok("export-submission", "--year", YEAR, "--out", folder / "KT-may-2-1.json", "--db", folder / "KT-may-2.sqlite")
    said = ok("import-submissions", folder / "KT-may-2-1.json", "--db", office)
    assert "Chú ý: tệp thiết lập KT.setup của phòng KT đã được cài trên 2 máy" in said

    kt = next(line for line in status_json(office)["departments"] if line["code"] == "KT")
    first, second = kt["installations"]
    assert first["id"] != second["id"] and len(first["id"]) == len(second["id"]) == 8
    assert [(i["setup_file"], i["last_sequence"], i["last_file"], i["current"]) for i in (first, second)] == [
        ("KT.setup", 1, "KT-1.json", True),
        ("KT.setup", 1, "KT-may-2-1.json", True),
    ]
    moment = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"
    for installed in (first, second):
        for key in ("setup_issued_at", "first_file_at", "last_received_at"):
            assert re.fullmatch(moment, installed[key]), key
    assert kt["doubled_setups"] == ["KT.setup"]
    yt = next(line for line in status_json(office)["departments"] if line["code"] == "YT")
    assert (yt["installations"], yt["doubled_setups"]) == ([], [])

    out = ok("status", "--year", YEAR, "--db", office)
    when, day = r"\d\d/\d\d/\d{4} \d\d:\d\d", r"\d\d/\d\d/\d{4}"
    rows = out.splitlines()
    (at,) = [n for n, row in enumerate(rows) if row.startswith("KT ")]
    assert re.fullmatch(rf"KT\s+Phòng Kinh tế\s+28\s+2\s+2\s+{when}\s+{when}\s+1\s+đã ký\s+0\s+đã nộp", rows[at])
    for row, installed in zip(rows[at + 1 : at + 3], (first, second), strict=True):
        assert re.fullmatch(
            rf"\s+bản cài {installed['id']}: tệp thiết lập KT\.setup \(cấp ngày {day}\); tệp đầu tiên ngày {day}; "
            rf"số thứ tự cuối 1; tệp cuối {re.escape(installed['last_file'])}, nhận lúc {when}",
            row,
        ), row
    assert rows[at + 3].strip() == (
        f"Chú ý: tệp thiết lập KT.setup của phòng KT được cài trên 2 máy (bản cài {first['id']}, {second['id']}): "
        "hãy hỏi phòng vì sao cài trên nhiều máy."
    )
    assert rows[at + 4].startswith("TCKH ")  # the next phòng's line
    assert re.search(rf"^YT\s+Phòng Y tế\s+8\s+0\s+—\s+—\s+—\s+—\s+—\s+0\s+đã cấp tệp thiết lập ngày {day}", out, re.M)
    assert "Tệp thiết lập cài trên nhiều máy: 1 phòng (KT)." in out
