"""The Excel template as a phòng without bkdesk sees it, fills it, and sometimes damages it."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from bkdesk.catalogue import Department, PeriodKind
from bkdesk.exchange.files import FileRefused
from bkdesk.exchange.merge import Figure
from bkdesk.exchange.template import SHEET, TemplateInfo, TemplateRow, read_template, write_template

INFO = TemplateInfo(
    "mau-1", Department("KT", "Phòng Kinh tế"), 2020, PeriodKind.ESTIMATE, datetime(2020, 11, 20, tzinfo=UTC), "0.1.0"
)
ROWS = (
    TemplateRow("A.2", "2", "Tổng mức bán lẻ hàng hóa", "Tỷ đồng", "3.200", Figure("3.050", ""), 1),
    TemplateRow("A.8", "8", "Đàn lợn", "con", "25.500", Figure("21.246", "ước"), 1),
    TemplateRow("A.8.a", "+", "=Lợn hiện có", "con", "5.500", Figure(), 2),
)


def edited(data: bytes, **cells: object) -> bytes:
    """The template after a phòng opened it in a spreadsheet, typed into ``cells`` and saved."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook[SHEET]
    for coordinate, value in cells.items():
        sheet[coordinate] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def template() -> bytes:
    return write_template(INFO, ROWS)


def test_the_template_shows_the_rows_locks_all_but_two_columns_and_explains_itself(template: bytes) -> None:
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook[SHEET]
    assert sheet.protection.sheet
    assert "Hướng dẫn" in sheet["A2"].value and "3.050; 95,3" in sheet["A2"].value
    assert [sheet.cell(3, c).value for c in range(1, 8)] == [
        "STT",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Nhiệm vụ (KH) năm 2020",
        "Ước thực hiện năm 2020",
        "Ghi chú",
        "Mã chỉ tiêu",
    ]
    assert [sheet.cell(4, c).value for c in range(1, 8)] == [
        "2",
        "Tổng mức bán lẻ hàng hóa",
        "Tỷ đồng",
        "3.200",
        "3.050",
        None,
        "A.2",
    ]
    assert sheet.column_dimensions["G"].hidden
    for row in (4, 5, 6):
        assert not sheet.cell(row, 5).protection.locked and not sheet.cell(row, 6).protection.locked
        assert sheet.cell(row, 5).number_format == "@"
        for column in (1, 2, 3, 4, 7):
            assert sheet.cell(row, column).protection.locked
    assert sheet["B6"].data_type == "s"  # a name starting with "=" stays text, never a formula
    ranges = {str(v.sqref): v.type for v in sheet.data_validations.dataValidation}
    assert ranges == {"E4:E6": "textLength", "F4:F6": "textLength"}
    assert workbook["bkdesk"].sheet_state == "veryHidden"


def test_an_untouched_template_reads_back_its_own_figures(template: bytes) -> None:
    filled = read_template(template)
    assert filled.info == INFO
    assert filled.rows == ROWS
    assert [(v.code, v.value, v.note) for v in filled.values] == [
        ("A.2", "3.050", ""),
        ("A.8", "21.246", "ước"),
        ("A.8.a", "", ""),
    ]


def test_what_the_phong_types_is_read_numbers_the_vietnamese_way(template: bytes) -> None:
    data = edited(template, E4="3.100", F4="  theo   báo cáo ", E5=21300, E6=95.3, F5=None)
    filled = read_template(data)
    assert [(v.code, v.value, v.note) for v in filled.values] == [
        ("A.2", "3.100", "theo báo cáo"),
        ("A.8", "21.300", ""),
        ("A.8.a", "95,3", ""),
    ]
    assert filled.base()["A.8"] == Figure("21.246", "ước")


@pytest.mark.parametrize(
    ("cells", "place"),
    [
        ({"D4": "3.500"}, "D4"),
        ({"B5": "Đàn trâu"}, "B5"),
        ({"G4": "A.3"}, "G4"),
        ({"A1": "Biểu khác"}, "A1"),
        ({"H9": "thêm"}, "H9"),
        ({"D5": None}, "D5"),
    ],
)
def test_an_edited_locked_cell_is_named_and_refused(template: bytes, cells: dict[str, object], place: str) -> None:
    with pytest.raises(FileRefused) as caught:
        read_template(edited(template, **cells))
    assert f"ô khóa {place}" in caught.value.message


def test_a_formula_in_an_editable_cell_is_refused(template: bytes) -> None:
    with pytest.raises(FileRefused) as caught:
        read_template(edited(template, E4="=D4*0.95"))
    assert caught.value.message == (
        "trang «Nhập số liệu», ô E4 (A.2 Tổng mức bán lẻ hàng hóa): ô có công thức «=D4*0.95»; "
        "hãy dán giá trị (Paste Values)"
    )


def test_an_edited_hidden_record_fails_its_fingerprint(template: bytes) -> None:
    workbook = load_workbook(io.BytesIO(template))
    workbook["bkdesk"]["E12"] = "9.999"  # the target recorded for A.2
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(FileRefused) as caught:
        read_template(buffer.getvalue())
    assert "dấu vân tay" in caught.value.message


def test_a_workbook_not_made_by_bkdesk_is_refused() -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Biểu của phòng"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(FileRefused) as caught:
        read_template(buffer.getvalue())
    assert "không phải biểu mẫu Excel do bkdesk tạo" in caught.value.message


def formatted(data: bytes, **cells: tuple[object, str]) -> bytes:
    """The template after a spreadsheet stored what was typed as a value with a number format (0.953, ``0.0%``)."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook[SHEET]
    for coordinate, (value, number_format) in cells.items():
        sheet[coordinate] = value
        sheet[coordinate].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_percent_typed_into_a_cell_is_read_as_the_percent_the_sheet_shows(template: bytes) -> None:
    # Typing 95,3% makes Excel and LibreOffice store 0.953 with a percent format; 0.953 × 100 in floating
    # point is 95.30000000000001, and 0.07 × 100 is 7.000000000000001: neither may reach the table.
    data = formatted(template, E4=(0.953, "0.0%"), E5=(0.07, "0%"), E6=(1.4455, "0.00%;[Red]\\-0.00%"))
    assert [v.value for v in read_template(data).values] == ["95,3", "7", "144,55"]
    quoted = formatted(template, E4=(95.3, '0.0"%"'), E5=(21300, "#,##0"), E6=(0.5, "General"))
    assert [v.value for v in read_template(quoted).values] == ["95,3", "21.300", "0,5"]


@pytest.mark.parametrize(
    ("value", "holds"),
    [
        (datetime(2020, 3, 1), "ô chứa ngày tháng 01/03/2020, không phải số liệu"),
        ("=D5*0.9", "ô có công thức «=D5*0.9»; hãy dán giá trị (Paste Values)"),
        (True, "ô chứa giá trị đúng/sai (TRUE), không phải số hay chữ"),
        *[
            (error, f"ô báo lỗi Excel {error}; hãy sửa hoặc xóa ô này")
            for error in ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!")
        ],
    ],
)
def test_an_input_cell_holding_no_figure_is_refused_naming_the_sheet_cell_and_row(
    template: bytes, value: object, holds: str
) -> None:
    with pytest.raises(FileRefused) as caught:
        read_template(edited(template, E5=value))
    assert caught.value.message.startswith(f"trang «Nhập số liệu», ô E5 (A.8 Đàn lợn): {holds}")


def test_a_note_refuses_an_excel_error_but_keeps_a_date_as_written(template: bytes) -> None:
    with pytest.raises(FileRefused) as caught:
        read_template(edited(template, F5="#N/A"))
    assert (
        caught.value.message == "trang «Nhập số liệu», ô F5 (A.8 Đàn lợn): ô báo lỗi Excel #N/A; hãy sửa hoặc xóa ô này"
    )
    dated = read_template(edited(template, F5=datetime(2020, 11, 30)))
    assert [v.note for v in dated.values] == ["", "30/11/2020", ""]
