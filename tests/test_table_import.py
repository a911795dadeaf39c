"""Reading appendix tables from Excel as offices send them, and storing them (DESIGN §3b)."""

from __future__ import annotations

import datetime
import re
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bkdesk.catalogue import Direction, PeriodKind
from bkdesk.demo import load_demo_data
from bkdesk.exchange import cells
from bkdesk.exchange.cells import CellError
from bkdesk.exchange.header import Role, read_header_text
from bkdesk.exchange.table_import import ImportResult, read_table
from bkdesk.exchange.workbook import MissingWorkbook, WorkbookError
from cli.tables_text import evaluation_json
from db.database import Database
from db.demo import install_demo
from db.entry import set_override
from db.schema import open_database
from db.table_store import TableReport, store_table
from db.tables import catalogue, evaluate, load_rows
from tests.fixtures.workbooks import (
    SEED_HEADER,
    SIGNATURE,
    Cell,
    nfd,
    rewrite_member,
    seed_workbook,
    simple_table,
    write_workbook,
)

COMPARED = (
    "code",
    "stt",
    "name",
    "unit",
    "group",
    "target",
    "estimate",
    "reported_verdict",
    "computed_verdict",
    "pct_plan",
    "pct_last_year",
    "reported_pct_last_year",
)


@pytest.fixture
def db(db_path: Path):  # type: ignore[no-untyped-def]
    database = open_database(db_path)
    yield database
    database.dispose()


def read(db: Database, path: Path, year: int = 2020, period: PeriodKind = PeriodKind.ESTIMATE) -> ImportResult:
    return read_table(path, catalogue(db), year, period)


def store(db: Database, path: Path, year: int = 2020, period: PeriodKind = PeriodKind.ESTIMATE) -> TableReport:
    result = read(db, path, year, period)
    assert not result.problems, [str(p) for p in result.problems]
    with db.begin() as session:
        return store_table(session, result.table, actor="kiểm thử", source=f"biểu {path.name}", kind=period)


def dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def rows_by_code(db: Database, year: int = 2020, period: PeriodKind = PeriodKind.ESTIMATE) -> dict[str, Any]:
    return {row.indicator.code: row for row in load_rows(db, year, period)}


# --- The header --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Uớc thực hiện 2020", Role.VALUE),
        ("Ước thực hiện năm 2020", Role.VALUE),
        (nfd("Ước TH 2020"), Role.VALUE),
        ("Nhiệm vụ 2020", Role.TARGET),
        ("KH 2020", Role.TARGET),
        ("Kế hoạch", Role.TARGET),
        ("Đánh giá", Role.VERDICT),
        ("Thực hiện so với cùng kỳ\n(%)", Role.SAME_PERIOD),
        ("So cùng kì (%)", Role.SAME_PERIOD),
        ("Thực hiện năm 2019", Role.LAST_YEAR),
        ("Các chỉ tiêu, mục tiêu cụ thể", Role.NAME),
        ("Đơn vị tính", Role.UNIT),
        ("ĐVT", Role.UNIT),
        ("STT", Role.NUMBER),
        ("TT", Role.NUMBER),
        ("Mã chỉ tiêu", Role.CODE),
        ("Ghi chú", Role.NOTE),
        ("ƯTH so với KH (%)", None),
        ("% KH", None),
        ("Kế hoạch 2021", None),
        ("Tỷ lệ nước sạch", None),  # "ước" is inside "nước", not a word of its own
        ("Đơn vị thực hiện", None),
        ("", None),
    ],
)
def test_header_cells_are_known_by_their_whole_words(text: str, role: Role | None) -> None:
    assert read_header_text(text, 2020).role is role


def test_each_period_reads_its_own_column() -> None:
    assert read_header_text("Thực hiện 2020", 2020, PeriodKind.RESULT).role is Role.VALUE
    estimate = read_header_text("Thực hiện 2020", 2020, PeriodKind.ESTIMATE)
    assert estimate.role is None and "--period thuc-hien" in estimate.ignored_because
    result = read_header_text("Ước thực hiện 2020", 2020, PeriodKind.RESULT)
    assert result.role is None and "--period uoc" in result.ignored_because


def test_the_seeds_own_header_is_found_below_its_title(tmp_path: Path, db: Database) -> None:
    result = read(db, seed_workbook(tmp_path / "phu-luc.xlsx"))
    header = result.header
    assert header is not None and header.first_row == 5
    found = {role: (column.letter, column.header) for role, column in header.columns.items()}
    assert found == {
        Role.NUMBER: ("A", ""),
        Role.NAME: ("B", "Các chỉ tiêu, mục tiêu cụ thể"),
        Role.UNIT: ("C", "Đơn vị tính"),
        Role.TARGET: ("D", "Nhiệm vụ 2020"),
        Role.VALUE: ("E", "Uớc thực hiện 2020"),
        Role.VERDICT: ("F", "Đánh giá"),
        Role.SAME_PERIOD: ("G", "Thực hiện so với cùng kỳ (%)"),
    }
    assert len(result.table.lines) == 98


def test_a_title_holding_the_header_words_is_not_the_header(tmp_path: Path, db: Database) -> None:
    rows = [
        ("BIỂU DỰ ƯỚC KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT NĂM 2020",),
        ("Chỉ tiêu và kế hoạch năm 2020 của phòng",),
        ("STT", "Chỉ tiêu", "ĐVT", "Kế hoạch 2020", "Ước TH 2020"),
        ("A", "Chỉ tiêu kinh tế"),
        ("1", "Thu ngân sách", "Tỷ đồng", "151,5", "120"),
    ]
    result = read(db, write_workbook(tmp_path / "b.xlsx", rows))
    assert result.header is not None and result.header.first_row == 3
    assert [line.indicator.name for line in result.table.lines] == ["Chỉ tiêu kinh tế", "Thu ngân sách"]


# --- The seed's appendix reproduces the demo ---------------------------------------------------


@pytest.mark.parametrize("excel_numbers", [False, True], ids=["figures-as-text", "figures-as-excel-numbers"])
def test_the_seed_appendix_imported_into_an_empty_database_gives_the_demos_figures(
    tmp_path: Path, excel_numbers: bool
) -> None:
    demo = open_database(tmp_path / "demo.sqlite")
    install_demo(demo, actor="kiểm thử")
    imported = open_database(tmp_path / "imported.sqlite")
    report = store(imported, seed_workbook(tmp_path / "phu-luc.xlsx", excel_numbers=excel_numbers))
    assert len(report.added) == 98
    expected = evaluation_json(evaluate(demo, 2020))["rows"]
    got = evaluation_json(evaluate(imported, 2020))["rows"]
    assert [row["code"] for row in got] == [row["code"] for row in expected]
    # The workbook cannot say that the A 1 economic-structure shares have no better
    # direction (the demo's catalogue does): a new row is "higher is better", so only
    # their computed verdict may differ.
    no_direction = {i["code"] for i in load_demo_data()["indicators"] if i["direction"] == Direction.NONE}
    assert no_direction == {"A.1.a", "A.1.b", "A.1.c"}
    for want, have in zip(expected, got, strict=True):
        fields = [f for f in COMPARED if not (f == "computed_verdict" and want["code"] in no_direction)]
        assert {f: have[f] for f in fields} == {f: want[f] for f in fields}, want["code"]
    assert [got_row["computed_verdict"] for got_row in got if got_row["code"] in no_direction] == [
        "Vượt",
        "Đạt",
        "Không đạt",
    ]
    # With the demo's one verdict set by hand, the summary is the report's.
    override = load_demo_data()["overrides"][0]
    set_override(imported, "D.5", 2020, evaluate(demo, 2020).row("D.5").verdict, override["reason"], actor="x")
    assert evaluate(imported, 2020).summary.phrase() == "Đạt và vượt 50/59 chỉ tiêu; 09/59 chỉ tiêu chưa đạt"
    demo.dispose()
    imported.dispose()


def test_the_seed_appendix_imported_over_the_demo_changes_nothing(tmp_path: Path, demo_db: Database) -> None:
    report = store(demo_db, seed_workbook(tmp_path / "phu-luc.xlsx", excel_numbers=True))
    assert report.added == [] and report.changes == []


# --- Messy workbooks ---------------------------------------------------------------------------


def test_shuffled_columns_and_decomposed_unicode_are_read(tmp_path: Path, db: Database) -> None:
    header = (nfd("Ước thực hiện năm 2020"), "TT", nfd("Ghi chú"), nfd("Tên chỉ tiêu"), "KH 2020", nfd("Đơn vị"))
    rows = [
        (nfd("BÁO CÁO CỦA PHÒNG KINH TẾ"),),
        (),
        header,
        ("", "A", "", nfd("Chỉ tiêu kinh tế")),
        ("21.246", "1", nfd("Giảm do dịch tả lợn"), nfd("Đàn lợn"), "25.500", "con"),
        ("4.631", "", "", nfd("+ Đàn lợn hiện có"), "5.500", "con"),
    ]
    report = store(db, write_workbook(tmp_path / "kinh-te.xlsx", rows))
    assert report.added == ["A", "A.1", "A.1.a"]
    pig = rows_by_code(db)["A.1"]
    assert (pig.indicator.name, pig.indicator.unit, pig.target, pig.estimate) == ("Đàn lợn", "con", "25.500", "21.246")
    assert pig.note == "Giảm do dịch tả lợn"
    kept = rows_by_code(db)["A.1.a"].indicator
    assert (kept.stt, kept.name, kept.parent) == ("+", "Đàn lợn hiện có", "A.1")
    assert kept.name == "Đàn lợn hiện có"  # stored NFC: equal to the precomposed text


def test_a_two_row_header_with_column_numbers_and_last_years_result(tmp_path: Path, db: Database) -> None:
    rows = [
        ("BIỂU KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM 2020",),
        ("STT", "Chỉ tiêu", "ĐVT", "Năm 2019", "", "Năm 2020", "", "ƯTH so với KH (%)"),
        ("", "", "", "Kế hoạch", "Thực hiện", "Kế hoạch", "Ước thực hiện"),
        ("(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)=(7)/(6)"),
        ("A", "Chỉ tiêu kinh tế"),
        ("1", "Đàn lợn", "con", "24.000", "14.698", "25.500", "21.246", Cell("=G6/F6", formula=True)),
    ]
    merges = ("A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:G2", "H2:H3")
    result = read(db, write_workbook(tmp_path / "hai-dong.xlsx", rows, merges=merges))
    header = result.header
    assert header is not None and (header.first_row, header.last_row) == (2, 4)
    letters = {role: column.letter for role, column in header.columns.items()}
    assert letters == {
        Role.NUMBER: "A",
        Role.NAME: "B",
        Role.UNIT: "C",
        Role.LAST_YEAR: "E",
        Role.TARGET: "F",
        Role.VALUE: "G",
    }
    assert {(c.letter, c.reason) for c in header.ignored} == {
        ("D", "ghi năm 2019, không phải năm 2020 của biểu"),
        ("H", "tỷ lệ do bkdesk tự tính"),
    }
    store(db, tmp_path / "hai-dong.xlsx")
    pig = evaluate(db, 2020).row("A.1")
    assert (pig.target.text, pig.estimate.text, pig.input.last_year) == ("25.500", "21.246", "14.698")
    assert round(pig.pct_last_year, 2) == Decimal("144.55")  # type: ignore[arg-type]
    assert rows_by_code(db, 2019, PeriodKind.RESULT)["A.1"].estimate == "14.698"


def test_the_table_ends_at_the_signature_block_or_a_note(tmp_path: Path, db: Database) -> None:
    rows = simple_table(
        [
            ("A", "Chỉ tiêu kinh tế"),
            ("1", "Vốn đầu tư", "Tỷ đồng", "100", "120"),
            ("", "Nguồn vốn ngân sách", "Tỷ đồng", "60", "70"),
            ("Ghi chú: số liệu ước đến 30/11/2020",),
            ("2", "Không phải chỉ tiêu", "", "1", "1"),
        ]
    )
    result = read(db, write_workbook(tmp_path / "ghi-chu.xlsx", rows))
    assert [line.indicator.name for line in result.table.lines] == [
        "Chỉ tiêu kinh tế",
        "Vốn đầu tư",
        "Nguồn vốn ngân sách",
    ]
    signed = simple_table([("A", "Chỉ tiêu kinh tế"), ("1", "Vốn đầu tư", "Tỷ đồng", "100", "120"), SIGNATURE])
    result = read(db, write_workbook(tmp_path / "ky.xlsx", signed))
    assert [line.indicator.code for line in result.table.lines] == ["A", "A.1"] and not result.problems


def test_rows_left_below_a_blank_row_are_pointed_out(tmp_path: Path, db: Database) -> None:
    rows = simple_table(
        [("A", "Chỉ tiêu kinh tế"), ("1", "Thu ngân sách", "Tỷ đồng", "150"), (), ("2", "Chi", "Tỷ", "9")]
    )
    result = read(db, write_workbook(tmp_path / "dong-trong.xlsx", rows))
    assert [line.indicator.code for line in result.table.lines] == ["A", "A.1"]
    assert result.warnings == (
        "Biểu dừng ở dòng trống 6; dòng 7 bên dưới vẫn có chỉ tiêu nhưng không được nhập "
        "(xóa dòng trống rồi nhập lại nếu cần)",
    )
    signed = simple_table([("A", "Chỉ tiêu kinh tế"), ("1", "Thu ngân sách", "Tỷ đồng", "150"), (), SIGNATURE])
    assert read(db, write_workbook(tmp_path / "ky.xlsx", signed)).warnings == ()


def test_a_header_repeated_for_the_next_printed_page_is_skipped(tmp_path: Path, db: Database) -> None:
    header = ("STT", "Chỉ tiêu", "ĐVT", "Kế hoạch 2020", "Ước thực hiện 2020")
    numbers = ("(1)", "(2)", "(3)", "(4)", "(5)")
    rows = [header, numbers, ("A", ""), ("1", "Thu", "Tỷ", "1"), header, numbers, ("B", ""), ("1", "Rừng", "%", "65")]
    result = read(db, write_workbook(tmp_path / "nhieu-trang.xlsx", rows))
    assert not result.problems
    names = [(line.indicator.code, line.indicator.name) for line in result.table.lines]
    assert names == [("A", "Chỉ tiêu kinh tế"), ("A.1", "Thu"), ("B", "Chỉ tiêu về môi trường"), ("B.1", "Rừng")]


def test_roman_groups_and_numbered_sub_rows(tmp_path: Path, db: Database) -> None:
    rows = simple_table(
        [
            ("I", "Chỉ tiêu kinh tế"),
            ("1", "Đàn gia súc"),
            ("1.1", "Đàn trâu", "con", "450", "373"),
            ("-", "Trâu cày", "con", "100", "90"),
            ("II", "Chỉ tiêu môi trường"),
            ("1", "Che phủ rừng", "%", "65", "65,79"),
        ]
    )
    result = read(db, write_workbook(tmp_path / "la-ma.xlsx", rows))
    placed = [(line.indicator.code, line.indicator.stt, line.indicator.parent) for line in result.table.lines]
    assert placed == [
        ("A", "A", None),
        ("A.1", "1", "A"),
        ("A.1.1", "1.1", "A.1"),
        ("A.1.1.a", "-", "A.1.1"),
        ("B", "B", None),
        ("B.1", "1", "B"),
    ]
    counted = [line.indicator.counted for line in result.table.lines]
    assert counted == [False, False, True, False, False, True]


def test_the_next_years_targets_need_no_estimate_column(tmp_path: Path, db: Database) -> None:
    rows = [
        ("STT", "Chỉ tiêu", "ĐVT", "Kế hoạch 2021"),
        ("A", "Chỉ tiêu kinh tế"),
        ("1", "Thu ngân sách", "Tỷ đồng", "155,5"),
    ]
    store(db, write_workbook(tmp_path / "ke-hoach.xlsx", rows), year=2021)
    budget = rows_by_code(db, 2021)["A.1"]
    assert (budget.target, budget.estimate) == ("155,5", "")


def test_the_result_period_reads_a_thuc_hien_column(tmp_path: Path, db: Database) -> None:
    rows = [
        ("STT", "Chỉ tiêu", "Kế hoạch 2020", "Ước thực hiện 2020", "Thực hiện 2020"),
        ("A", "Kinh tế"),
        ("1", "Thu ngân sách", "151,5", "120", "125"),
    ]
    store(db, write_workbook(tmp_path / "thuc-hien.xlsx", rows), period=PeriodKind.RESULT)
    assert rows_by_code(db, 2020, PeriodKind.RESULT)["A.1"].estimate == "125"
    assert rows_by_code(db, 2020, PeriodKind.ESTIMATE)["A.1"].estimate == ""


# --- Cells -------------------------------------------------------------------------------------


class FakeCell:
    def __init__(self, value: Any, number_format: str = "General", data_type: str = "n") -> None:
        self.value = value
        self.number_format = number_format
        self.data_type = "s" if isinstance(value, str) and data_type == "n" else data_type


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (3050, "General", "3.050"),
        (3050.0, "General", "3.050"),
        (56.7, "General", "56,7"),
        (0.953, "0.0%", "95,3"),
        (1.4455, "0.00%", "144,55"),
        (1, "0%", "100"),
        (95.3, '0.0"%"', "95,3"),  # a quoted % sign does not scale
        (92.23000000000001, "General", "92,23"),  # binary noise beyond Excel's 15 digits
        (1932.5, "#,##0.0", "1.932,5"),
        (1, "00", "01"),
        (-2.5, "General", "-2,5"),
    ],
)
def test_excel_numbers_become_vietnamese_text(value: float, number_format: str, text: str) -> None:
    assert cells.figure(FakeCell(value, number_format)) == text


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (FakeCell(float("nan")), "không hữu hạn"),
        (FakeCell(float("inf")), "không hữu hạn"),
        (FakeCell(1e20), "số quá lớn"),
        (FakeCell(datetime.datetime(2020, 12, 1)), "ngày tháng 01/12/2020"),
        (FakeCell("=SUM(D5:D9)", data_type="f"), "công thức «=SUM\\(D5:D9\\)»"),
        *[
            (FakeCell(error, data_type="e"), f"báo lỗi Excel {re.escape(error)};")
            for error in ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!")
        ],
        (FakeCell(True, data_type="b"), "đúng/sai \\(TRUE\\)"),
        (FakeCell(False, data_type="b"), "đúng/sai \\(FALSE\\)"),
        (FakeCell("NaN"), "hữu hạn"),
    ],
)
def test_cells_that_are_not_figures_are_refused(cell: FakeCell, message: str) -> None:
    with pytest.raises(CellError, match=message):
        cells.figure(cell)


def test_empty_and_no_figure_marks_are_not_entered() -> None:
    for value in (None, "", "   ", "-", "x"):
        assert cells.figure(FakeCell(value)) is None


def test_same_period_keeps_words_and_drops_the_percent_sign() -> None:
    assert cells.same_period(FakeCell("Duy trì")) == "Duy trì"
    assert cells.same_period(FakeCell("Đạt")) == "Đạt"
    assert cells.same_period(FakeCell("144,55%")) == "144,55"
    assert cells.same_period(FakeCell(1.4455, "0.00%")) == "144,55"
    with pytest.raises(CellError, match="dấu chấm"):
        cells.same_period(FakeCell("1.5"))


def test_reported_verdicts_are_read_as_offices_write_them() -> None:
    assert cells.verdict(FakeCell("Không Đạt")) == "Không đạt"
    assert cells.verdict(FakeCell("Vượt ")) == "Vượt"
    assert cells.verdict(FakeCell("Chưa đạt")) == "Không đạt"
    with pytest.raises(CellError, match="Vượt, Đạt hoặc Không đạt"):
        cells.verdict(FakeCell("Tốt"))


def test_an_stt_turned_into_a_date_by_excel_is_explained() -> None:
    with pytest.raises(CellError, match="định dạng cột STT là Văn bản"):
        cells.stt_text(FakeCell(datetime.datetime(2020, 1, 1)))
    assert cells.stt_text(FakeCell(1.1)) == "1.1"
    assert cells.stt_text(FakeCell(3)) == "3"


# --- Bad workbooks store nothing ---------------------------------------------------------------


def bad_rows() -> list[Any]:
    return simple_table(
        [
            ("A", "Chỉ tiêu kinh tế"),
            ("1", "Thu ngân sách", "Tỷ đồng", "151,5", "1.5", "Không Đạt"),
            ("2", "Giá trị sản xuất", "Tỷ đồng", "12a", "45O", "Tốt"),
            ("3", "Diện tích", "ha", "1,2,3", ">", "Vượt "),
            ("4", "Tỷ lệ", "%", "33-", "≥≥5", "Chưa đạt"),
            ("5", "Đàn lợn", "con", Cell("=D7+1", formula=True), "#DIV/0!"),
            ("6", "Đàn bò", "con", datetime.date(2020, 1, 2), 1e20),
            ("7", "Đàn dê", "con", "10", "11", "", Cell("= kế hoạch", text=True)),
        ]
    )


def test_every_bad_cell_is_listed_with_its_place_and_nothing_is_stored(tmp_path: Path, demo_db: Database) -> None:
    path = write_workbook(tmp_path / "sai.xlsx", bad_rows())
    before = dump(demo_db.path)  # type: ignore[arg-type]
    result = read(demo_db, path)
    assert [str(p) for p in result.problems] == [
        'Dòng 5 (A.5), cột E (Ước thực hiện 2020): "1.5": dấu chấm chỉ dùng để tách hàng nghìn; số thập phân viết 1,5',
        'Dòng 6, cột D (Kế hoạch 2020): "12a": có chữ "a" trong số; chỉ dùng chữ số, dấu chấm tách hàng nghìn '
        "và dấu phẩy thập phân",
        'Dòng 6, cột E (Ước thực hiện 2020): "45O": có chữ "O" trong số (chữ O thay cho số 0?); chỉ dùng chữ số, '
        "dấu chấm tách hàng nghìn và dấu phẩy thập phân",
        'Dòng 6, cột F (Đánh giá): "Tốt": đánh giá phải là Vượt, Đạt hoặc Không đạt (Chưa đạt)',
        'Dòng 7, cột D (Kế hoạch 2020): "1,2,3": có nhiều dấu phẩy; số thập phân chỉ có một dấu phẩy, ví dụ 1.932,5',
        'Dòng 7, cột E (Ước thực hiện 2020): ">": thiếu số sau ">"; ví dụ viết >50',
        'Dòng 8, cột D (Kế hoạch 2020): "33-": khoảng giá trị thiếu số cuối; ví dụ viết 33-34',
        'Dòng 8, cột E (Ước thực hiện 2020): "≥≥5": dấu so sánh bị lặp; chỉ viết một dấu, ví dụ ≥50',
        "Dòng 9 (A.8), cột D (Kế hoạch 2020): ô có công thức «=D7+1»; hãy dán giá trị (Paste Values)",
        "Dòng 9 (A.8), cột E (Ước thực hiện 2020): ô báo lỗi Excel #DIV/0!; hãy sửa hoặc xóa ô này",
        "Dòng 10, cột D (Kế hoạch 2020): ô chứa ngày tháng 02/01/2020, không phải số; hãy định dạng ô là Số (Number) "
        "hoặc Văn bản (Text) rồi nhập lại",
        "Dòng 10, cột E (Ước thực hiện 2020): số quá lớn: phần nguyên tối đa 15 chữ số",
        "Dòng 11, cột G (Ghi chú): ghi chú bắt đầu bằng «=» như một công thức bảng tính; bkdesk chỉ lưu số liệu "
        "và chữ, không lưu công thức",
    ]
    assert dump(demo_db.path) == before  # type: ignore[arg-type]


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_refused(tmp_path: Path, db: Database) -> None:
    rows = simple_table(
        [
            ("A", "Chỉ tiêu kinh tế"),
            ("1", Cell("=Tổng số hộ", text=True), "Hộ", "10", "11", "", Cell("= kế hoạch", text=True)),
            ("2", "@x", "Hộ", "+cmd", "5"),
            ("", "+ Đàn lợn hiện có", "con", "10", Cell("-A1", text=True)),
            ("3", "-(tổng)", "con", "10", "5"),
            ("4", "- (tổng) là dòng con", "con", "10", "5"),
        ]
    )
    problems = [str(p) for p in read(db, write_workbook(tmp_path / "bang.xlsx", rows)).problems]
    formula = "như một công thức bảng tính; bkdesk chỉ lưu số liệu và chữ, không lưu công thức"
    assert problems == [
        f"Dòng 5, cột B (Chỉ tiêu): tên chỉ tiêu bắt đầu bằng «=» {formula}",
        f"Dòng 5, cột G (Ghi chú): ghi chú bắt đầu bằng «=» {formula}",
        f"Dòng 6, cột B (Chỉ tiêu): tên chỉ tiêu bắt đầu bằng «@» {formula}",
        f"Dòng 6, cột D (Kế hoạch 2020): số liệu bắt đầu bằng «+» {formula}",
        f"Dòng 7, cột E (Ước thực hiện 2020): số liệu bắt đầu bằng «-» {formula}",
        f"Dòng 8, cột B (Chỉ tiêu): tên chỉ tiêu bắt đầu bằng «-» {formula}",
    ]
    assert rows_by_code(db) == {}


def test_an_infinite_number_written_into_the_file_is_refused(tmp_path: Path, db: Database) -> None:
    path = write_workbook(
        tmp_path / "vo-cung.xlsx", simple_table([("A", "Kinh tế"), ("1", "Thu", "Tỷ", 123456789, "1")])
    )
    rewrite_member(path, "xl/worksheets/sheet1.xml", b"<v>123456789</v>", b"<v>1E+999</v>")
    assert [str(p) for p in read(db, path).problems] == [
        "Dòng 5, cột D (Kế hoạch 2020): ô chứa số không hữu hạn (NaN hoặc vô cùng); hãy nhập số cụ thể"
    ]


def test_repeated_rows_are_problems(tmp_path: Path, db: Database) -> None:
    rows = simple_table([("A", "Kinh tế"), ("1", "Thu", "Tỷ", "1"), ("1", "Chi", "Tỷ", "2"), ("A", "Lại nhóm A")])
    problems = [str(p) for p in read(db, write_workbook(tmp_path / "lap.xlsx", rows)).problems]
    assert problems == [
        "Dòng 6, cột A (STT): STT 1 trong nhóm A đã có ở dòng 5",
        "Dòng 7, cột A (STT): nhóm A đã có ở dòng 4",
    ]


def test_rows_above_any_group_and_unreadable_stt_are_problems(tmp_path: Path, db: Database) -> None:
    rows = simple_table([("1", "Thu", "Tỷ", "1"), ("A", "Kinh tế"), ("a)", "Chi", "Tỷ", "2"), ("F", "Nhóm lạ")])
    rows.append(("3", "", "", "5", "6"))
    problems = [str(p) for p in read(db, write_workbook(tmp_path / "stt.xlsx", rows)).problems]
    assert problems[0] == "Dòng 4, cột A (STT): chỉ tiêu nằm trên mọi dòng nhóm (A–E): chưa biết thuộc nhóm nào"
    assert problems[1].startswith('Dòng 6, cột A (STT): "a)": STT không đọc được')
    assert problems[2] == 'Dòng 7, cột A (STT): "F": chỉ có 5 nhóm chỉ tiêu, A–E (hoặc I–V)'
    assert problems[3] == "Dòng 8, cột B (Chỉ tiêu): thiếu tên chỉ tiêu"
    assert len(problems) == 4


# --- Importing again ---------------------------------------------------------------------------


def test_importing_again_updates_and_never_duplicates(tmp_path: Path, demo_db: Database) -> None:
    size = len(catalogue(demo_db))
    rows = [
        ("STT", "Chỉ tiêu", "ĐVT", "Nhiệm vụ 2020", "Ước thực hiện 2020"),
        ("A", "Chỉ tiêu kinh tế"),
        ("8", "ĐÀN LỢN", "con", "25.500", "21.300"),
        ("", "+ Đàn lợn hiện có", "con", "", "4.700"),
    ]
    report = store(demo_db, write_workbook(tmp_path / "sua.xlsx", rows))
    assert report.added == []
    assert {(c.code, c.field, c.old, c.new) for c in report.changes} == {
        ("A.8", "value", "21.246", "21.300"),
        ("A.8.a", "value", "4.631", "4.700"),
    }
    assert len(catalogue(demo_db)) == size
    again = store(demo_db, tmp_path / "sua.xlsx")
    assert again.added == [] and again.changes == []
    rows_now = rows_by_code(demo_db)
    # The stored flags of existing indicators stay; an empty target cell keeps the target.
    assert rows_now["A.8"].indicator.sum_of_children and rows_now["A.8"].indicator.department == "KT"
    assert rows_now["A.8.a"].target == "5.500"
    assert len(rows_now) == 98  # rows missing from the file stay


def test_an_empty_cell_keeps_the_stored_value(tmp_path: Path, db: Database) -> None:
    first = simple_table([("A", "Kinh tế"), ("1", "Thu ngân sách", "Tỷ đồng", "151,5", "120", "Không đạt", "ước")])
    store(db, write_workbook(tmp_path / "lan-1.xlsx", first))
    second = simple_table([("A", "Kinh tế"), ("1", "Thu ngân sách", "", "155", "", "", "")])
    report = store(db, write_workbook(tmp_path / "lan-2.xlsx", second))
    assert [(c.field, c.old, c.new) for c in report.changes] == [("target", "151,5", "155")]
    row = rows_by_code(db)["A.1"]
    assert (row.target, row.estimate, row.note, row.indicator.unit) == ("155", "120", "ước", "Tỷ đồng")
    assert row.reported_verdict is not None and row.reported_verdict.value == "Không đạt"


def test_a_row_inserted_above_keeps_the_codes_of_the_rows_below(tmp_path: Path, db: Database) -> None:
    first = simple_table(
        [
            ("A", "Kinh tế"),
            ("1", "Thu ngân sách", "Tỷ đồng", "150"),
            ("2", "Đàn lợn", "con", "25.500"),
            ("", "+ Lợn thịt", "con", "20.000"),
        ]
    )
    store(db, write_workbook(tmp_path / "cu.xlsx", first))
    second = simple_table(
        [
            ("A", "Kinh tế"),
            ("1", "Giá trị sản xuất", "Tỷ đồng", "465,5"),
            ("2", "Thu ngân sách", "Tỷ đồng", "150"),
            ("3", "Đàn lợn", "con", "25.500"),
            ("", "+ Lợn nái", "con", "5.500"),
            ("", "+ Lợn thịt", "con", "20.000"),
        ]
    )
    report = store(db, write_workbook(tmp_path / "moi.xlsx", second))
    assert report.added == ["A.3", "A.2.b"]
    rows = rows_by_code(db)
    assert (rows["A.1"].indicator.name, rows["A.1"].indicator.stt) == ("Thu ngân sách", "2")
    assert (rows["A.2"].indicator.name, rows["A.2"].indicator.stt) == ("Đàn lợn", "3")
    assert (rows["A.3"].indicator.name, rows["A.3"].indicator.stt) == ("Giá trị sản xuất", "1")
    assert rows["A.2.a"].indicator.name == "Lợn thịt" and rows["A.2.b"].indicator.name == "Lợn nái"
    assert rows["A.2.b"].indicator.parent == "A.2"


def test_a_code_column_matches_by_code(tmp_path: Path, demo_db: Database) -> None:
    rows = [
        ("Mã", "STT", "Chỉ tiêu", "ĐVT", "Kế hoạch 2020", "Ước thực hiện 2020"),
        ("A.8", "8", "Tổng đàn lợn", "con", "", "21.500"),
        ("C.9", "9", "Chỉ tiêu mới có mã", "%", "10", "9"),
    ]
    report = store(demo_db, write_workbook(tmp_path / "ma.xlsx", rows))
    assert report.added == ["C.9"]
    assert rows_by_code(demo_db)["A.8"].indicator.name == "Tổng đàn lợn"
    assert rows_by_code(demo_db)["A.8"].estimate == "21.500"


def test_a_new_row_takes_its_parents_department(tmp_path: Path, demo_db: Database) -> None:
    rows = simple_table([("A", "Chỉ tiêu kinh tế"), ("8", "Đàn lợn", "con"), ("", "+ Lợn nái", "con", "1.000")])
    report = store(demo_db, write_workbook(tmp_path / "nai.xlsx", rows))
    assert report.added == ["A.8.c"]
    sow = rows_by_code(demo_db)["A.8.c"].indicator
    assert (sow.department, sow.direction, sow.counted) == ("KT", Direction.HIGHER, False)


# --- Columns that fit one role -----------------------------------------------------------------


def test_the_column_naming_the_tables_year_wins(tmp_path: Path, db: Database) -> None:
    rows = [
        ("STT", "Chỉ tiêu", "Kế hoạch", "Kế hoạch 2020", "Ước thực hiện"),
        ("A", "Kinh tế"),
        ("1", "Thu", "1", "2", "3"),
    ]
    result = read(db, write_workbook(tmp_path / "hai-ke-hoach.xlsx", rows))
    assert result.table.lines[1].target == "2"


def test_two_columns_for_one_role_without_a_year_is_an_error(tmp_path: Path, db: Database) -> None:
    rows = [("STT", "Chỉ tiêu", "Kế hoạch", "Nhiệm vụ", "Ước thực hiện"), ("A", "Kinh tế")]
    with pytest.raises(WorkbookError, match=r"nhiều cột cùng là «Nhiệm vụ/Kế hoạch»: C \(Kế hoạch\), D \(Nhiệm vụ\)"):
        read(db, write_workbook(tmp_path / "trung.xlsx", rows))


# --- Files that are not tables -----------------------------------------------------------------


def test_files_that_cannot_be_read_are_refused_with_a_reason(tmp_path: Path, db: Database) -> None:
    with pytest.raises(MissingWorkbook, match="Không có tệp"):
        read(db, tmp_path / "khong-co.xlsx")
    csv = tmp_path / "bieu.csv"
    csv.write_text("STT;Chỉ tiêu\n1;Thu\n", encoding="utf-8")
    with pytest.raises(WorkbookError, match=r"không phải tệp Excel .*tệp CSV"):
        read(db, csv)
    locked = tmp_path / "mat-khau.xlsx"
    locked.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512 + "EncryptionInfo".encode("utf-16-le"))
    with pytest.raises(WorkbookError, match="được đặt mật khẩu"):
        read(db, locked)
    old = tmp_path / "cu.xls"
    old.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512)
    with pytest.raises(WorkbookError) as caught:
        read(db, old)
    assert caught.value.message == (
        "Tệp cu.xls là định dạng Excel 97–2003 (.xls): hãy lưu lại thành .xlsx (Excel Workbook) rồi gửi lại"
    )
    good = seed_workbook(tmp_path / "tot.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(WorkbookError, match="bị hỏng"):
        read(db, cut)
    no_header = write_workbook(tmp_path / "khong-tieu-de.xlsx", [("Danh sách",), ("1", "Thu", "2")])
    with pytest.raises(WorkbookError, match="Không tìm thấy dòng tiêu đề"):
        read(db, no_header)


def test_a_workbook_that_inflates_beyond_the_limit_is_refused_before_parsing(tmp_path: Path, db: Database) -> None:
    path = seed_workbook(tmp_path / "lon.xlsx")
    with pytest.raises(WorkbookError, match="quá lớn khi giải nén"):
        read_table(path, [], 2020, max_part_bytes=10_000)


def test_the_first_sheet_with_a_header_is_read(tmp_path: Path, db: Database) -> None:
    rows = [("Hướng dẫn: điền số liệu vào trang Biểu",)]
    table = [SEED_HEADER, ("A", "Chỉ tiêu kinh tế"), ("1", "Thu ngân sách", "Tỷ đồng", "151,5", "120")]
    path = write_workbook(tmp_path / "hai-trang.xlsx", rows, sheet_title="Hướng dẫn", extra_sheets=[("Biểu", table)])
    result = read(db, path)
    assert result.sheet == "Biểu" and len(result.table.lines) == 2


# --- Slips in an imported table (issue 10) --------------------------------------------------------


def test_a_name_of_2000_characters_is_refused_and_nothing_stored(tmp_path: Path, db: Database) -> None:
    long_name = ("Số hộ được hỗ trợ " * 200)[:2000]
    rows = simple_table(
        [("A", "Chỉ tiêu kinh tế"), ("1", long_name, "Hộ", "10", "11"), ("2", "Thu ngân sách", "Tỷ", "5")]
    )
    path = write_workbook(tmp_path / "ten-dai.xlsx", rows)
    before = dump(db.path)  # type: ignore[arg-type]
    assert [str(p) for p in read(db, path).problems] == [
        "Dòng 5, cột B (Chỉ tiêu): tên chỉ tiêu dài 2.000 ký tự; tối đa 500 ký tự"
    ]
    assert dump(db.path) == before  # type: ignore[arg-type]


def test_control_characters_that_a_workbook_can_hold_are_refused(tmp_path: Path, db: Database) -> None:
    # XML keeps C1 controls and bidirectional marks (not NUL or ESC, which openpyxl cannot even write).
    rows = simple_table(
        [
            ("A", "Chỉ tiêu kinh tế"),
            ("1", "Thu\u202e ngân sách", "Tỷ đồng", "151,5", "120"),
            ("2", "Chi ngân sách", "Tỷ\u200f đồng", "5\u202e0", "12", "", "Đã rà soát\x9b31m"),
        ]
    )
    problems = [str(p) for p in read(db, write_workbook(tmp_path / "an.xlsx", rows)).problems]
    assert problems == [
        "Dòng 5, cột B (Chỉ tiêu): ô tên chỉ tiêu có ký tự điều khiển hướng chữ U+202E (ẩn, làm chữ hiện ra khác "
        "với nội dung); hãy xóa ký tự đó",
        "Dòng 6, cột C (ĐVT): ô đơn vị tính có ký tự điều khiển hướng chữ U+200F (ẩn, làm chữ hiện ra khác với "
        "nội dung); hãy xóa ký tự đó",
        "Dòng 6, cột D (Kế hoạch 2020): có ký tự điều khiển hướng chữ U+202E (ẩn, làm chữ hiện ra khác với nội "
        "dung); hãy xóa ký tự đó rồi nhập lại",
        "Dòng 6, cột G (Ghi chú): có ký tự điều khiển U+009B (không in được); hãy xóa ký tự đó rồi nhập lại",
    ]


def test_a_figure_of_256_characters_is_refused(tmp_path: Path, db: Database) -> None:
    rows = simple_table([("A", "Chỉ tiêu kinh tế"), ("1", "Thu ngân sách", "Tỷ đồng", "151,5", "Đạt" * 85 + "!")])
    assert [str(p) for p in read(db, write_workbook(tmp_path / "dai.xlsx", rows)).problems] == [
        "Dòng 5, cột E (Ước thực hiện 2020): số liệu dài 256 ký tự; tối đa 255 ký tự"
    ]


def test_figures_on_group_rows_and_headings_are_refused(tmp_path: Path, db: Database) -> None:
    rows = simple_table(
        [
            ("A", "Chỉ tiêu kinh tế", "", "", "5"),
            ("1", "Cơ cấu kinh tế", "", "", "100"),
            ("", "+ Thương mại - dịch vụ", "%", "56,7", "56,9"),
            ("2", "Trồng rừng", "ha", "", "120"),  # a unit: not a heading, though without a target
        ]
    )
    path = write_workbook(tmp_path / "tieu-de.xlsx", rows)
    assert [str(p) for p in read(db, path).problems] == [
        "Dòng 4, cột E (Ước thực hiện 2020): A Chỉ tiêu kinh tế: dòng nhóm A là tiêu đề, không nhập số liệu",
        "Dòng 5, cột E (Ước thực hiện 2020): A.1 Cơ cấu kinh tế: dòng tiêu đề (không có đơn vị tính và nhiệm vụ), "
        "không nhập số liệu",
    ]
    # A row with a target in another year's table is no heading.
    targeted = read_table(path, catalogue(db), 2020, targeted={"A.1"}).problems
    assert [str(p) for p in targeted] == [
        "Dòng 4, cột E (Ước thực hiện 2020): A Chỉ tiêu kinh tế: dòng nhóm A là tiêu đề, không nhập số liệu"
    ]


def test_slips_in_a_table_are_kept_with_a_warning(tmp_path: Path, demo_db: Database) -> None:
    rows = simple_table(
        [
            ("A", "Chỉ tiêu kinh tế"),
            ("6", "Sản lượng Lương thực có hạt", "Tấn/năm", "4.093", "4,450"),
            ("8", "Đàn lợn", "con", "25.500", "Đạt kế hoạch"),
            ("", "+ Đàn lợn hiện có", "con", "5.500", "-5"),
            ("2", "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ", "Tỷ đồng", "40", "43,787"),
        ]
    )
    result = read(demo_db, write_workbook(tmp_path / "nham.xlsx", rows))
    assert not result.problems, [str(p) for p in result.problems]
    assert list(result.warnings) == [
        "dòng 5: A.6 Sản lượng Lương thực có hạt: Ước thực hiện 4,450 nhỏ hơn 1/20 nhiệm vụ (4.093): 4,450 được "
        "đọc là bốn phẩy bốn năm; nếu là bốn nghìn bốn trăm năm mươi, hãy viết 4.450",
        "dòng 6: A.8 Đàn lợn: «Đạt kế hoạch» là chữ, còn nhiệm vụ là số (25.500): lưu như một nhận xét bằng chữ, "
        "không đánh giá tự động",
        "dòng 7: A.8.a Đàn lợn hiện có: Ước thực hiện -5 nhỏ hơn 1/20 nhiệm vụ (5.500): kiểm tra lại",
        "dòng 7: A.8.a Đàn lợn hiện có: Ước thực hiện là số âm (-5) với đơn vị «con»: kiểm tra lại",
    ]
    with demo_db.begin() as session:
        store_table(session, result.table, actor="kiểm thử", source="biểu nham.xlsx")
    stored = rows_by_code(demo_db)
    assert (stored["A.6"].estimate, stored["A.8"].estimate, stored["A.2"].estimate) == (
        "4,450",
        "Đạt kế hoạch",
        "43,787",
    )


def test_the_seed_table_imports_with_no_slip(tmp_path: Path, db: Database) -> None:
    for excel_numbers in (False, True):
        result = read(db, seed_workbook(tmp_path / f"seed-{excel_numbers}.xlsx", excel_numbers=excel_numbers))
        assert not result.problems and result.warnings == ()
