"""One season of figures on one machine, as separate ``python main.py …`` processes.

Three phòng databases are made from issued setup files; each exports a submission; the
synthesis office imports them all, sees completeness, resolves a conflict, refuses a
tampered file (its database unchanged), and locks the period.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.keys import printed_passphrase

ROOT = Path(__file__).resolve().parent.parent
YEAR = "2020"
PHONG = ("KT", "YT", "GDDT")


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, "TZ": "Asia/Ho_Chi_Minh", **(env or {})},
    )


def ok(*args: str | Path, env: dict[str, str] | None = None) -> str:
    result = run(*args, env=env)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


@pytest.mark.slow
def test_a_season_of_submissions_from_three_phong(tmp_path: Path) -> None:
    office = tmp_path / "tonghop.sqlite"
    ok("demo", "--db", office)
    for code in PHONG:
        issued = ok(
            "issue-department",
            "--department",
            code,
            "--year",
            YEAR,
            "--out",
            tmp_path / f"{code}.setup",
            "--db",
            office,
        )
        # The passphrase printed once at the office, given to the phòng by another channel than the file.
        secret = {"BKDESK_PASSPHRASE": printed_passphrase(issued)}
        out = ok("setup", tmp_path / f"{code}.setup", "--db", tmp_path / f"{code}.sqlite", env=secret)
        assert f"cho phòng {code}" in out

    # Each phòng enters its estimates; the synthesis office meanwhile corrects one of KT's.
    ok("set-value", "A.2", "3.100", "--note", "Theo báo cáo tháng 11", "--db", tmp_path / "KT.sqlite")
    ok("set-value", "A.3", "480", "--db", tmp_path / "KT.sqlite")
    ok("set-value", "A.13", "", "--db", tmp_path / "KT.sqlite")
    ok("set-value", "A.3", "470", "--year", YEAR, "--reason", "Số của Cục Thống kê", "--db", office)
    ok("set-value", "C.2.2", "12,1", "--db", tmp_path / "YT.sqlite")
    refused = run("set-value", "A.2", "1", "--db", tmp_path / "YT.sqlite")
    assert refused.returncode != 0 and "Không có chỉ tiêu mã A.2" in refused.stderr
    files = []
    for code in PHONG:
        files.append(tmp_path / f"{code}-1.json")
        out = ok("export-submission", "--year", YEAR, "--out", files[-1], "--db", tmp_path / f"{code}.sqlite")
        assert "Số thứ tự 1" in out

    out = ok("import-submissions", *files, "--db", office)
    assert "KT-1.json: đã nhận (phòng KT, số thứ tự 1) — 2 giá trị thay đổi, 1 xung đột" in out
    assert "YT-1.json: đã nhận (phòng YT, số thứ tự 1) — 1 giá trị thay đổi, 0 xung đột" in out
    assert "GDDT-1.json: đã nhận (phòng GDDT, số thứ tự 1) — 0 giá trị thay đổi, 0 xung đột" in out
    again = ok("import-submissions", *files, "--db", office)
    assert "0 đã nhận, 3 không thay đổi, 0 bị từ chối" in again

    status = {
        line["code"]: line for line in json.loads(ok("status", "--year", YEAR, "--json", "--db", office))["departments"]
    }
    for code in PHONG:
        assert (status[code]["last_sequence"], status[code]["signed"]) == (1, True)
    assert (status["KT"]["assigned"], status["KT"]["entered"], status["KT"]["open_conflicts"]) == (27, 26, 1)
    assert status["CA"]["last_submitted_at"] is None
    assert "3/14 phòng đã nộp; 1 xung đột chưa giải quyết" in ok("status", "--year", YEAR, "--db", office)

    listing = ok("conflicts", "--year", YEAR, "--db", office)
    assert "#1  phòng KT  A.3" in listing and "văn phòng tổng hợp «470» · trong tệp «480»" in listing
    out = ok("conflicts", "resolve", "1", "--keep", "incoming", "--reason", "Phòng KT gửi số liệu mới", "--db", office)
    assert "giữ giá trị trong tệp của phòng «480»" in out
    estimates = {
        r["code"]: r["estimate"] for r in json.loads(ok("evaluate", "--year", YEAR, "--json", "--db", office))["rows"]
    }
    assert (estimates["A.2"], estimates["A.3"], estimates["A.13"], estimates["C.2.2"]) == ("3.100", "480", "", "12,1")

    # A tampered file: one digit changed after signing.
    ok("set-value", "A.6", "4.400", "--db", tmp_path / "KT.sqlite")
    ok("export-submission", "--year", YEAR, "--out", tmp_path / "KT-2.json", "--db", tmp_path / "KT.sqlite")
    data = (tmp_path / "KT-2.json").read_bytes()
    tampered = tmp_path / "KT-2-sua.json"
    tampered.write_bytes(data.replace(b'"value": "4.400"', b'"value": "4.900"'))
    before = dump(office)
    result = run("import-submissions", tampered, "--db", office)
    assert result.returncode == 1
    assert "KT-2-sua.json: bị từ chối — chữ ký không hợp lệ" in result.stdout
    assert result.stderr.startswith("Lỗi: 1 tệp bị từ chối")
    assert dump(office) == before

    out = ok("lock", "--year", YEAR, "--reason", "Đã trình kỳ họp HĐND", "--db", office)
    assert "Ước thực hiện năm 2020: đã chốt (lý do: Đã trình kỳ họp HĐND)." in out
    late = run("import-submissions", tmp_path / "KT-2.json", "--db", office)
    assert late.returncode == 1 and "đã được chốt (Đã trình kỳ họp HĐND)" in late.stdout
    edit = run("set-value", "A.2", "1", "--year", YEAR, "--db", office)
    assert edit.returncode == 1 and "cần mở khóa trước khi sửa" in edit.stderr

    history = ok("audit", "--year", YEAR, "--indicator", "A.3", "--db", office)
    assert "giải quyết xung đột  A.3 (ước thực hiện): «470» → «480»" in history
    assert "lý do: giữ giá trị trong tệp: Phòng KT gửi số liệu mới" in history
    assert "nguồn: nhập tay; lý do: Số của Cục Thống kê" in history
    whole_year = ok("audit", "--year", YEAR, "--db", office)
    assert "chốt số liệu  — (ước thực hiện): «đang mở» → «đã chốt»" in whole_year
