"""The appendix as an Excel workbook, reopened as a user would open it."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bkdesk.catalogue import Indicator
from bkdesk.evaluation import Evaluation, RowInput, evaluate_table
from bkdesk.reports import ReportSettings
from bkdesk.reports.layout import build_layout

SETTINGS = ReportSettings(issuer="UBND thành phố", number="245", date=date(2020, 12, 10))


@pytest.fixture(scope="module")
def evaluation(demo_evaluation: Evaluation) -> Evaluation:
    return demo_evaluation


@pytest.fixture
def workbook(evaluation: Evaluation, tmp_path: Path) -> Any:
    from openpyxl import load_workbook

    from bkdesk.reports.xlsx import write_xlsx

    path = tmp_path / "bieu.xlsx"
    write_xlsx(evaluation, SETTINGS, path)
    return load_workbook(path)


def rows_by_name(sheet: Any) -> dict[str, tuple[Any, ...]]:
    return {row[1].value: row for row in sheet.iter_rows(min_row=5) if isinstance(row[1].value, str)}


def test_sheets_title_and_header(workbook: Any) -> None:
    assert workbook.sheetnames == ["Biểu", "Tổng hợp"]
    sheet = workbook["Biểu"]
    assert sheet["A1"].value == "BIỂU DỰ ƯỚC KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT NĂM 2020"
    assert sheet["A2"].value == "(Kèm theo Báo cáo số 245/BC-UBND ngày 10 tháng 12 năm 2020 của UBND thành phố)"
    assert {"A1:G1", "A2:G2"} <= {str(merged) for merged in sheet.merged_cells.ranges}
    assert sheet["A1"].font.b and sheet["A2"].font.i
    header = [cell.value for cell in sheet[4]]
    assert header == [
        "STT",
        "Các chỉ tiêu, mục tiêu cụ thể",
        "Đơn vị tính",
        "Nhiệm vụ 2020",
        "Ước thực hiện 2020",
        "Đánh giá",
        "Thực hiện so với cùng kỳ (%)",
    ]
    assert all(cell.font.b and cell.alignment.wrap_text and cell.border.left.style == "thin" for cell in sheet[4])


def test_print_setup_freeze_and_widths(workbook: Any) -> None:
    sheet = workbook["Biểu"]
    assert sheet.freeze_panes == "A5"
    assert sheet.print_title_rows == "$4:$4"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_margins.left == pytest.approx(30 / 25.4)
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFG"}
    assert widths["B"] == max(widths.values()), "the name column is the widest"
    assert widths["F"] >= 10, "Không đạt fits in the verdict column"


def test_numbers_are_stored_as_numbers_equal_to_the_data(workbook: Any, evaluation: Evaluation) -> None:
    sheet = workbook["Biểu"]
    rows = rows_by_name(sheet)
    retail = rows["Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ"]
    assert [cell.value for cell in retail[2:7]] == ["Tỷ đồng", 3200, 3050, "Không đạt", 100]
    # The seed's printed "100" keeps its places (none): the ratio is shown as the table printed it.
    assert retail[3].number_format == "#,##0" and retail[6].number_format == "0"
    trade = rows["Thương mại - dịch vụ"]
    assert (trade[3].value, trade[3].number_format) == (56.7, "#,##0.0")
    assert rows["Thu nhập bình quân đầu người"][3].value == ">50"
    assert rows["Thu ngân sách"][6].value == 88.08
    assert rows["Số thôn, tổ có đường liên thôn, tổ được bê tông hoá"][6].value == "Duy trì"
    layout = build_layout(evaluation, SETTINGS)
    data_rows = list(sheet.iter_rows(min_row=5, max_row=4 + len(layout.rows)))
    for row, cells in zip(layout.rows, data_rows, strict=True):
        assert cells[1].value == row.name
        for figure, cell in ((row.target, cells[3]), (row.estimate, cells[4]), (row.same_period, cells[6])):
            if figure.is_number:
                assert isinstance(cell.value, int | float) and cell.value == float(figure.value), row.code
            else:
                assert cell.value == (figure.text or None), row.code


def test_rows_bold_indented_and_tall_enough(workbook: Any) -> None:
    sheet = workbook["Biểu"]
    rows = rows_by_name(sheet)
    assert rows["Chỉ tiêu kinh tế"][1].font.b and not rows["Đàn lợn"][1].font.b
    sub = rows["+ Đàn lợn hiện có"]
    assert sub[0].value is None and sub[1].alignment.indent >= 1
    heights = {cell.row: sheet.row_dimensions[cell.row].height for cell in sheet["B"][4:]}
    long_name = rows["Diên tích đất nông nghiệp chuyển đổi từ trồng lúa, ngô sang trồng cây có giá trị kinh tế cao"]
    short_name = rows["Đàn lợn"]
    assert heights[long_name[1].row] >= 2 * heights[short_name[1].row] - 5
    assert all(height for height in heights.values() if height is not None)


def test_override_verdict_and_its_note(workbook: Any) -> None:
    sheet = workbook["Biểu"]
    verdicts = [row[5].value for row in sheet.iter_rows(min_row=5)]
    assert "Đạt (1)" in verdicts
    notes = [row[0].value for row in sheet.iter_rows(min_row=5) if isinstance(row[0].value, str)]
    assert any(note.startswith("(1) D.5 Giảm cả 3 tiêu chí") for note in notes)


def test_summary_sheet(workbook: Any, evaluation: Evaluation) -> None:
    sheet = workbook["Tổng hợp"]
    texts = [cell.value for cell in sheet["A"] if isinstance(cell.value, str)]
    assert "Đạt và vượt 50/59 chỉ tiêu; 09/59 chỉ tiêu chưa đạt." in texts
    groups = {
        row[0].value: [cell.value for cell in row[2:7]] for row in sheet.iter_rows() if row[0].value in tuple("ABCDE")
    }
    for group, counts in evaluation.summary.by_group.items():
        expected = [counts.total, counts.exceeded, counts.achieved, counts.not_achieved, counts.not_evaluated]
        assert groups[group] == expected
    missed = [row for row in sheet.iter_rows() if row[0].value == "A.2"]
    assert [cell.value for cell in missed[0][1:6]] == [
        "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ",
        "Tỷ đồng",
        3200,
        3050,
        95.31,
    ]
    assert len(sheet._charts) == 1


def test_formula_looking_text_stays_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from bkdesk.reports.xlsx import write_xlsx

    tricky = ["=SUM(A1:A9)", "+1+1", "-2", '@HYPERLINK("x")', "=1+1"]
    rows = [RowInput(Indicator("A", "A", "A", "=Nhóm"))]
    for index, text in enumerate(tricky):
        indicator = Indicator(f"A.{index}", "A", str(index + 1), text, unit=text, parent="A", counted=True)
        rows.append(RowInput(indicator, target="100", estimate="100", reported_pct_last_year="=cmd|' /C calc'!A0"))
    path = tmp_path / "tricky.xlsx"
    write_xlsx(evaluate_table(2020, rows), ReportSettings(issuer="=HYPERLINK(1)"), path)
    sheet = load_workbook(path)["Biểu"]
    values = {cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert set(tricky) <= values and "=Nhóm" in values and "=cmd|' /C calc'!A0" in values
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                assert cell.quotePrefix, f"{cell.coordinate} {cell.value} is typed as text in Excel too"
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


def test_writes_to_a_binary_stream(evaluation: Evaluation) -> None:
    from bkdesk.reports.xlsx import write_xlsx

    buffer = io.BytesIO()
    write_xlsx(evaluation, ReportSettings(), buffer)
    assert zipfile.ZipFile(io.BytesIO(buffer.getvalue())).testzip() is None


def test_control_characters_pasted_into_a_name_do_not_break_the_file(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from bkdesk.reports.xlsx import write_xlsx

    indicator = Indicator("A.1", "A", "1", "Số hộ\x01 nghèo\x07", "hộ", counted=True)
    path = tmp_path / "control.xlsx"
    write_xlsx(evaluate_table(2020, [RowInput(indicator, target="10", estimate="9")]), ReportSettings(), path)
    assert load_workbook(path)["Biểu"]["B5"].value == "Số hộ nghèo"
