"""Core benchmark: evaluating 10,000 indicators, and importing a 1,000-row appendix table.

Prints the figures against the goals; it asserts nothing (timings belong here, not in
tests). Run from the repository root: ``python bench/bench_core.py``.

Goals: evaluation of 10,000 indicators < 100 ms; ``import-table`` of a 1,000-row
workbook into a fresh SQLite file < 1 s.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from openpyxl.worksheet.worksheet import Worksheet  # noqa: E402

from bkdesk import plausibility, quantities, text  # noqa: E402
from bkdesk.catalogue import GROUPS, Direction, Indicator, PeriodKind  # noqa: E402
from bkdesk.evaluation import RowInput, evaluate_table  # noqa: E402
from bkdesk.numbers import format_number  # noqa: E402
from bkdesk.verdicts import Verdict  # noqa: E402

EVALUATION_ROWS = 10_000
EVALUATION_GOAL_MS = 100.0
IMPORT_ROWS = 1_000
IMPORT_GOAL_MS = 1000.0
RUNS = 7


def synthetic_rows(count: int) -> list[RowInput]:
    """``count`` distinct rows: groups, numbered rows and sub-rows, every kind of target."""
    rows: list[RowInput] = []
    verdicts = (Verdict.EXCEEDED, Verdict.ACHIEVED, Verdict.NOT_ACHIEVED, None)
    for group in GROUPS:
        rows.append(RowInput(Indicator(group, group, group, f"Nhóm {group}")))
        number, parent = 0, group
        for j in range(count // len(GROUPS) - 1):
            i = len(rows)
            base = 1000 + i * 7
            kind = j % 8
            if kind == 0:
                number += 1
                parent = f"{group}.{number}"
                code, stt, target, up = parent, str(number), format_number(base), group
            else:
                code, stt, up = f"{parent}.{kind}", "+" if kind % 2 else "", parent
                target = {
                    1: format_number(base),
                    2: f"{format_number(base)},5",
                    3: f">{i % 90 + 5}",
                    4: f"≥ {i % 90 + 5}",
                    5: f"{i % 50 + 10}-{i % 50 + 12}",
                    6: f"dưới {i % 20 + 2}",
                    7: "Phấn đấu giảm 03 tiêu chí",
                }[kind]
            indicator = Indicator(
                code=code,
                group=group,
                stt=stt,
                name=f"Chỉ tiêu tổng hợp số {i}",
                unit="%" if kind in (3, 4, 5) else "con",
                parent=up,
                direction=Direction.LOWER if kind == 6 else Direction.HIGHER,
                counted=kind == 0,
                sum_of_children=kind == 0 and number % 2 == 0,
            )
            estimate, last_year = base + (i % 13) - 6, base - 40 - i % 5
            # As offices print it: the same-period % agrees with the figures, except in one row of twenty.
            same_period = (Decimal(estimate) * 100 / Decimal(last_year)).quantize(Decimal("0.01"))
            if i % 20 == 0:
                same_period += 5
            rows.append(
                RowInput(
                    indicator=indicator,
                    target=target,
                    estimate=format_number(estimate) if kind != 7 else "Giảm 02 tiêu chí",
                    last_year=format_number(last_year),
                    reported_verdict=verdicts[i % 4],
                    reported_pct_last_year=format_number(same_period),
                )
            )
    return rows


def _vi(number: int) -> str:
    return format_number(number)


def median_ms(action: Callable[[], object], runs: int, before: Callable[[], None] = lambda: None) -> list[float]:
    timings: list[float] = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def report(label: str, timings: list[float], goal: float) -> None:
    median = statistics.median(timings)
    verdict = "đạt" if median < goal else "CHƯA ĐẠT"
    spread = f"min {min(timings):.1f}, max {max(timings):.1f}"
    print(f"{label}: trung vị {median:.1f} ms ({spread}; {len(timings)} lần) — mục tiêu < {goal:.0f} ms: {verdict}")


def _forget_parsed_texts() -> None:
    """Empty the core's caches (parsed texts, evaluated rows, folded names): a first evaluation."""
    for module in (quantities, text, plausibility):
        for cached in (getattr(module, name) for name in dir(module)):
            if callable(getattr(cached, "cache_clear", None)):
                cached.cache_clear()


def bench_evaluation() -> None:
    rows = synthetic_rows(EVALUATION_ROWS)
    assert len({row.indicator.code for row in rows}) == len(rows) == EVALUATION_ROWS
    # Cold: every target and estimate parsed afresh, as when a year's table is opened.
    cold = median_ms(lambda: evaluate_table(2020, rows), RUNS, _forget_parsed_texts)
    report(f"Đánh giá {_vi(EVALUATION_ROWS)} chỉ tiêu (lần đầu, chưa có bộ nhớ đệm)", cold, EVALUATION_GOAL_MS)
    # Again after an edit, as the app does: one row changed, the previous evaluation passed on.
    previous = evaluate_table(2020, rows)
    edited = list(rows)
    middle = len(edited) // 2
    edited[middle] = dataclasses.replace(edited[middle], estimate=format_number(123456))
    warm = median_ms(lambda: evaluate_table(2020, edited, previous=previous), RUNS)
    report(f"Đánh giá lại {_vi(EVALUATION_ROWS)} chỉ tiêu sau một lần sửa", warm, EVALUATION_GOAL_MS)


def import_workbook(path: Path, count: int) -> Path:
    """An appendix of ``count`` rows as an office sends it: title, the seed's header, figures as text and numbers."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on its one worksheet
    sheet.append(["BIỂU DỰ ƯỚC KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT NĂM 2020"])
    sheet.append([])
    sheet.append(
        [
            "",
            "Các chỉ tiêu, mục tiêu cụ thể",
            "Đơn vị tính",
            "Nhiệm vụ 2020",
            "Uớc thực hiện 2020",
            "Đánh giá",
            "Thực hiện so với cùng kỳ (%)",
        ]
    )
    for group in GROUPS:
        sheet.append([group, f"Các chỉ tiêu nhóm {group}"])
        number = 0
        for j in range(count // len(GROUPS) - 1):
            written = sheet.max_row
            if j % 4 == 0:
                number += 1
                stt, name = str(number), f"Chỉ tiêu {group}{number}"
            else:
                stt, name = "", f"+ Thành phần {j % 4} của {group}{number}"
            target: object = 1000 + written if written % 2 else format_number(1000 + written)
            estimate: object = 990.5 + written if written % 3 else format_number(1005 + written)
            verdict = ("Vượt", "Đạt", "Không đạt", "Chưa đạt")[written % 4]
            sheet.append([stt, name, "con", target, estimate, verdict, f"{100 + written % 7},{written % 10}"])
    sheet.append([])
    sheet.append(["", "Người lập biểu", "", "", "Thủ trưởng đơn vị"])
    workbook.save(path)
    return path


def bench_import() -> None:
    from cli.parser import main as cli_main
    from db.schema import open_database
    from db.tables import load_rows

    with tempfile.TemporaryDirectory() as folder:
        workbook = import_workbook(Path(folder) / "bieu-1000.xlsx", IMPORT_ROWS)
        databases = iter(Path(folder) / f"run-{n}.sqlite" for n in range(RUNS + 1))

        def run() -> None:
            with contextlib.redirect_stdout(io.StringIO()) as out:
                status = cli_main(["import-table", str(workbook), "--year", "2020", "--db", str(next(databases))])
            assert status == 0, out.getvalue()

        timings = median_ms(run, RUNS)
        report(f"Nhập biểu {_vi(IMPORT_ROWS)} dòng (import-table, tệp SQLite mới)", timings, IMPORT_GOAL_MS)
        check = open_database(Path(folder) / "run-0.sqlite")
        stored = len(load_rows(check, 2020, PeriodKind.ESTIMATE))
        check.dispose()
        print(f"  (kiểm tra: {stored} dòng đã lưu)")
        _phases(workbook, Path(folder) / "phases.sqlite")


def _phases(workbook: Path, database: Path) -> None:
    """Where the import's time goes: opening the file, reading the table, storing it."""
    from bkdesk.exchange.table_import import read_workbook
    from bkdesk.exchange.workbook import open_workbook
    from db.schema import open_database
    from db.table_store import store_table
    from db.tables import catalogue

    start = time.perf_counter()
    opened = open_workbook(workbook)
    loaded = time.perf_counter()
    db = open_database(database)
    result = read_workbook(opened, catalogue(db), 2020)
    read = time.perf_counter()
    with db.begin() as session:
        store_table(session, result.table, actor="bench", source="bench")
    stored = time.perf_counter()
    db.dispose()
    print(
        f"  các bước: mở tệp {(loaded - start) * 1000:.0f} ms, đọc và đối chiếu {(read - loaded) * 1000:.0f} ms, "
        f"lưu {(stored - read) * 1000:.0f} ms"
    )


def main() -> int:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"Python {sys.version.split()[0]}; {os.cpu_count()} lõi, tải máy {load}; trung vị của {RUNS} lần đo.")
    bench_evaluation()
    bench_import()
    return 0


if __name__ == "__main__":
    sys.exit(main())
