"""Report benchmark: the appendix PDF and XLSX, in process and as the ``report`` command.

Prints the figures against the goals; it asserts nothing (timings belong here, not in
tests). Run from the repository root: ``python bench/bench_report.py``.

Goals:
- the 2020 demo report (PDF and XLSX written) from its evaluated rows < 0.2 s;
- a 2,000-row table (PDF and XLSX) < 3 s;
- ``python main.py report --year 2020 --pdf … --xlsx …`` (a new process, start-up included)
  faster than LibreOffice converting the same XLSX to PDF (``soffice --headless
  --convert-to pdf``), both timed in the same run.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bkdesk.catalogue import Indicator  # noqa: E402
from bkdesk.evaluation import Evaluation, RowInput, evaluate_table  # noqa: E402
from bkdesk.numbers import format_number  # noqa: E402
from bkdesk.reports import ReportSettings  # noqa: E402

DEMO_GOAL_S = 0.2
BIG_ROWS = 2_000
BIG_GOAL_S = 3.0
RUNS = 5
COMMAND_RUNS = 3
SETTINGS = ReportSettings(issuer="UBND thành phố", number="245")


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def best_and_median(action: Callable[[], object], runs: int) -> tuple[float, float]:
    times = [timed(action) for _ in range(runs)]
    return min(times), statistics.median(times)


def synthetic(count: int) -> Evaluation:
    """``count`` rows in five groups; every seventh name wraps; one row in nine misses its target."""
    rows: list[RowInput] = []
    per_group = count // 5
    for index in range(count):
        group = "ABCDE"[min(index // per_group, 4)]
        if index % per_group == 0:
            rows.append(RowInput(Indicator(group, group, group, f"Nhóm chỉ tiêu {group}")))
        filler = " về phát triển kinh tế - xã hội bền vững" * (index % 4 + 1) if index % 7 == 0 else ""
        name = f"Chỉ tiêu thử số {index:04d}{filler}"
        indicator = Indicator(f"{group}.{index}", group, str(index + 1), name, "%", parent=group, counted=True)
        estimate = "90" if index % 9 == 0 else f"{100 + index % 7},5"
        rows.append(RowInput(indicator, target="100", estimate=estimate, last_year="95"))
    return evaluate_table(2020, rows)


def report(label: str, seconds: float, goal: float | None = None, note: str = "") -> None:
    verdict = "" if goal is None else ("  ✓ đạt" if seconds < goal else "  ✗ CHƯA ĐẠT")
    target = "" if goal is None else f"  (mục tiêu < {goal:.2f} s)"
    print(f"{label:<58} {seconds:8.3f} s{target}{verdict}{note}")


def main() -> int:
    from db.demo import install_demo
    from db.schema import open_database
    from db.tables import evaluate

    with tempfile.TemporaryDirectory(prefix="bkdesk-bench-") as folder:
        work = Path(folder)
        db_path = work / "demo.sqlite"
        database = open_database(db_path)
        install_demo(database, actor="bench")
        demo = evaluate(database, 2020)
        database.dispose()

        start = time.perf_counter()
        from bkdesk.reports.pdf import write_pdf
        from bkdesk.reports.xlsx import write_xlsx

        imports = time.perf_counter() - start
        pdf, xlsx = work / "bieu.pdf", work / "bieu.xlsx"

        def both(evaluation: Evaluation) -> None:
            write_pdf(evaluation, SETTINGS, pdf)
            write_xlsx(evaluation, SETTINGS, xlsx)

        print(f"Biểu năm 2020 của dữ liệu mẫu: {len(demo.rows)} dòng; lần chạy: {RUNS}")
        report("nạp reportlab + openpyxl (một lần mỗi tiến trình)", imports)
        report("lần đầu (đăng ký phông, PDF + XLSX)", timed(lambda: both(demo)), DEMO_GOAL_S)
        pdf_best, pdf_median = best_and_median(lambda: write_pdf(demo, SETTINGS, pdf), RUNS)
        xlsx_best, xlsx_median = best_and_median(lambda: write_xlsx(demo, SETTINGS, xlsx), RUNS)
        report("  PDF (trung vị)", pdf_median, note=f"  tốt nhất {pdf_best:.3f} s")
        report("  XLSX (trung vị)", xlsx_median, note=f"  tốt nhất {xlsx_best:.3f} s")
        report("PDF + XLSX của biểu mẫu (trung vị)", pdf_median + xlsx_median, DEMO_GOAL_S)

        big = synthetic(BIG_ROWS)
        big_pdf = timed(lambda: write_pdf(big, SETTINGS, work / "big.pdf"))
        big_xlsx = timed(lambda: write_xlsx(big, SETTINGS, work / "big.xlsx"))
        print(f"\nBiểu tổng hợp {len(big.rows)} dòng")
        report("  PDF", big_pdf)
        report("  XLSX", big_xlsx)
        report(f"PDF + XLSX, {format_number(BIG_ROWS)} chỉ tiêu", big_pdf + big_xlsx, BIG_GOAL_S)

        command = [
            sys.executable,
            str(ROOT / "main.py"),
            "report",
            "--year",
            "2020",
            "--db",
            str(db_path),
            "--pdf",
            str(work / "cmd.pdf"),
            "--xlsx",
            str(work / "cmd.xlsx"),
        ]
        print("\nLệnh report (tiến trình mới, tính cả khởi động) so với LibreOffice chuyển XLSX sang PDF")
        ours = min(timed(lambda: subprocess.run(command, check=True, capture_output=True)) for _ in range(COMMAND_RUNS))
        report("python main.py report --pdf … --xlsx … (tốt nhất)", ours)
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            print("Không có LibreOffice (soffice): cài gói Debian libreoffice-calc để so sánh.")
            return 0
        profile = (work / "lo-profile").as_uri()
        convert = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "lo"),
            str(work / "cmd.xlsx"),
        ]
        subprocess.run(convert, check=True, capture_output=True)  # first run creates the profile
        theirs = min(
            timed(lambda: subprocess.run(convert, check=True, capture_output=True)) for _ in range(COMMAND_RUNS)
        )
        report("soffice --headless --convert-to pdf cmd.xlsx (tốt nhất)", theirs)
        verdict = "✓ đạt" if ours < theirs else "✗ CHƯA ĐẠT"
        print(f"{'tỉ lệ LibreOffice / report':<58} {theirs / ours:8.2f} ×  (mục tiêu > 1)  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
