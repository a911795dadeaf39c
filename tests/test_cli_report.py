"""``python main.py report`` and ``python main.py settings`` run as a user runs them, and the stored settings."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bkdesk.reports import ReportSettings

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "main.py"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, str(MAIN), *args], cwd=cwd or ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database made once by ``python main.py demo``; each test works on its own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    result = run("demo", "--db", str(path))
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def db_file(demo_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "bkdesk.sqlite"
    shutil.copy(demo_file, copy)
    return copy


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


def test_report_without_files_writes_bieu_year_pdf_here(db_file: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    result = run("report", "--year", "2020", "--db", str(db_file), cwd=work)
    assert result.returncode == 0, result.stderr
    assert [path.name for path in work.iterdir()] == ["bieu-2020.pdf"]
    assert "bieu-2020.pdf" in result.stdout
    assert "Đạt và vượt 50/59 chỉ tiêu; 09/59 chỉ tiêu chưa đạt." in result.stdout
    text = pdf_text(work / "bieu-2020.pdf")
    assert "BIỂU DỰ ƯỚC KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT NĂM 2020" in text


def test_report_pdf_and_xlsx_in_landscape_with_the_settings(db_file: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    settings = run(
        "settings", "--db", str(db_file), "--issuer", "UBND thành phố", "--number", "245", "--date", "05/02/2021"
    )
    assert settings.returncode == 0, settings.stderr
    pdf, xlsx = tmp_path / "out" / "bieu.pdf", tmp_path / "out" / "bieu.xlsx"
    pdf.parent.mkdir()
    result = run(
        "report", "--year", "2020", "--db", str(db_file), "--pdf", str(pdf), "--xlsx", str(xlsx), "--landscape"
    )
    assert result.returncode == 0, result.stderr
    page = PdfReader(pdf).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    reference = "(Kèm theo Báo cáo số 245/BC-UBND ngày 05 tháng 02 năm 2021 của UBND thành phố)"
    assert reference in pdf_text(pdf)
    assert load_workbook(xlsx)["Biểu"]["A2"].value == reference


def test_report_of_the_final_results_period(db_file: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "th.pdf"
    result = run("report", "--year", "2020", "--period", "thuc-hien", "--db", str(db_file), "--pdf", str(pdf))
    assert result.returncode == 0, result.stderr
    assert "BIỂU KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT NĂM 2020" in pdf_text(pdf)


def test_a_year_without_a_table_is_refused(db_file: Path, tmp_path: Path) -> None:
    result = run("report", "--year", "2019", "--db", str(db_file), "--pdf", str(tmp_path / "x.pdf"))
    assert result.returncode == 1
    assert result.stderr.startswith("Lỗi: Chưa có biểu chỉ tiêu năm 2019")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_settings_show_set_and_refuse_bad_dates(db_file: Path) -> None:
    shown = run("settings", "--db", str(db_file))
    assert shown.returncode == 0, shown.stderr
    assert "Cơ quan ban hành: (chưa đặt)" in shown.stdout and "Ngày báo cáo: (chưa đặt)" in shown.stdout
    for bad, says in (("31/02/2021", "không có ngày 31"), ("2021-02-05", "ngày/tháng/năm")):
        refused = run("settings", "--db", str(db_file), "--date", bad)
        assert refused.returncode == 2
        assert refused.stderr.startswith(f"Lỗi: Ngày báo cáo «{bad}» không hợp lệ")
        assert says in refused.stderr
    saved = run("settings", "--db", str(db_file), "--date", "5/2/2021", "--number", "245")
    assert saved.returncode == 0, saved.stderr
    assert "Ngày báo cáo: 05/02/2021" in saved.stdout and "Số báo cáo: 245" in saved.stdout
    assert "Cơ quan ban hành: (chưa đặt)" in saved.stdout


# The stored settings (db.settings) ---------------------------------------------------------------


def test_settings_round_trip_and_audit(demo_db: Any) -> None:
    from db.audit import history
    from db.settings import ACTION, load_report_settings, save_report_settings

    assert load_report_settings(demo_db) == ReportSettings()
    wanted = ReportSettings(issuer="  UBND  thành phố ", number="245", date=date(2020, 12, 10))
    save_report_settings(demo_db, wanted, actor="kiểm thử")
    assert load_report_settings(demo_db) == ReportSettings("UBND thành phố", "245", date(2020, 12, 10))
    entries = [entry for entry in history(demo_db) if entry.action == ACTION]
    assert {(entry.field, entry.old, entry.new) for entry in entries} == {
        ("report.issuer", "", "UBND thành phố"),
        ("report.number", "", "245"),
        ("report.date", "", "10/12/2020"),
    }
    assert all(entry.actor == "kiểm thử" for entry in entries)
    save_report_settings(demo_db, load_report_settings(demo_db), actor="kiểm thử")
    assert len([entry for entry in history(demo_db) if entry.action == ACTION]) == 3, "no change, no record"
    save_report_settings(demo_db, ReportSettings("UBND thành phố", "", None), actor="kiểm thử")
    assert load_report_settings(demo_db) == ReportSettings("UBND thành phố")


def test_settings_save_is_all_or_nothing(demo_db: Any) -> None:
    from db.errors import InvalidInput
    from db.settings import load_report_settings, save_report_settings

    with pytest.raises(InvalidInput):
        save_report_settings(demo_db, ReportSettings("UBND", "1" * 600, date(2021, 1, 1)), actor="kiểm thử")
    assert load_report_settings(demo_db) == ReportSettings()


def test_a_report_to_a_missing_folder_names_the_file_not_a_temporary_one(tmp_path: Path) -> None:
    from bkdesk.reports.output import output_stream

    target = tmp_path / "khong-co" / "bieu.pdf"
    with pytest.raises(OSError) as caught, output_stream(target) as stream:
        stream.write(b"%PDF")
    assert caught.value.filename == str(target)
    assert not (tmp_path / "khong-co").exists()
