"""Whatever is accepted prints: a table whose every text cell is at its limit, as PDF and as Excel.

The limits are those of the entry checks: a name 500 characters, a target, an estimate or a
same-period figure 255, a note or a reason 2,000, a unit what its column holds (64). Texts
are Vietnamese prose, single "words" with no space to break at, the widest letters, and
digits. The PDF is read back as a reader gets it (pypdf, column by column across pages);
the workbook as Excel opens it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bkdesk.catalogue import Indicator
from bkdesk.evaluation import Evaluation, Override, RowInput, evaluate_table
from bkdesk.reports import ReportLayoutError, ReportSettings
from bkdesk.reports.layout import ReportLayout, TableRow, build_layout
from bkdesk.verdicts import Verdict
from tests.fixtures.long_cells import FIGURE, NAME, NOTE, prose, word

UNIT, ISSUER = 64, 500
LAST = "Chỉ tiêu cuối bảng"
HEADER = ("STT", "Các chỉ tiêu, mục tiêu cụ thể", "Đơn vị tính", "Nhiệm vụ 2020", "Ước thực hiện 2020", "Đánh giá")
# The rows at the limits; the last row closes the table as an ordinary one.
LONG_CODES = ("A.1", "A.2", "A.3", "A.3.a")
MAX_EXCEL_ROW = 409.0
A4 = (595.28, 841.89)
MM = 72 / 25.4
MARK_SIZE = 10


def limit_rows() -> list[RowInput]:
    def item(code: str, stt: str, name: str, unit: str, parent: str = "A") -> Indicator:
        return Indicator(code, "A", stt, name, unit, parent=parent, counted=True)

    return [
        RowInput(Indicator("A", "A", "A", "Các chỉ tiêu kinh tế")),
        RowInput(
            item("A.1", "1", prose(NAME), prose(UNIT, 7)),
            target=prose(FIGURE, 11),
            estimate=prose(FIGURE, 23),
            reported_pct_last_year=prose(FIGURE, 37),
            override=Override(Verdict.ACHIEVED, prose(NOTE, 41)),
            note=prose(NOTE, 53),
        ),
        RowInput(
            # The longest numbers the entry checks take, as target and estimate: not achieved.
            item("A.2", "2", word(NAME), word(UNIT, "Đơnvịtính")),
            target="999999999999999,999999",
            estimate="100000000000000,000001",
            reported_pct_last_year=word(FIGURE, "Duytrì"),
            note=word(NOTE),
        ),
        RowInput(
            item("A.3", "3", word(NAME, "Ẩ"), word(UNIT, "Ư")),
            target=word(FIGURE, "Ư"),
            estimate=word(FIGURE, "W"),
            reported_pct_last_year=word(FIGURE, "Ễ"),
            override=Override(Verdict.NOT_ACHIEVED, word(NOTE, "Ẫ")),
            note=word(NOTE, "Ẫ"),
        ),
        RowInput(
            # Figures of digits a table may bring, printed as entered.
            item("A.3.a", "+", prose(NAME, 61), "%", parent="A.3"),
            target=word(FIGURE, "1"),
            estimate=word(FIGURE, "2"),
            reported_pct_last_year=word(FIGURE, "3"),
        ),
        RowInput(item("A.4", "4", LAST, "%"), target="100", estimate="100", last_year="95"),
    ]


SETTINGS = ReportSettings(issuer=prose(ISSUER, 3), number="245")


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return evaluate_table(2020, limit_rows())


@pytest.fixture(scope="module")
def layout(evaluation: Evaluation) -> ReportLayout:
    return build_layout(evaluation, SETTINGS)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def cell_texts(row: TableRow) -> list[str]:
    return [row.stt, row.name, row.unit, row.target.text, row.estimate.text, row.verdict, row.same_period.text]


def test_the_rows_are_at_the_limits(layout: ReportLayout) -> None:
    rows = {row.code: row for row in layout.rows}
    for code in LONG_CODES:
        row = rows[code]
        assert len(row.name) >= NAME
        if code != "A.2":
            assert len(row.target.text) == len(row.estimate.text) == len(row.same_period.text) == FIGURE
    assert len(layout.notes) == 2 and all(len(note.text) > NOTE for note in layout.notes)
    assert [line.ref for line in layout.summary.missed] == ["A.2", "A.3"]


# The PDF ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Printed:
    """What a reader finds in the PDF: the regular text of each table column (page, text) in reading
    order across pages, the italic text (reference line and notes), each page's text, and its fonts."""

    fragments: list[list[tuple[int, str]]]
    italic: str
    pages: list[str]
    fonts: list[Any]

    def column(self, index: int) -> str:
        return squeeze("".join(text for _page, text in self.fragments[index]))


def read_pdf(path: Path, landscape: bool) -> Printed:
    from pypdf import PdfReader

    from bkdesk.reports import pdf
    from tests.test_report_pdf import fonts_in

    page_width, page_height = (A4[1], A4[0]) if landscape else A4
    fixed = [width * MM for width in (pdf.LANDSCAPE_COLUMNS if landscape else pdf.PORTRAIT_COLUMNS)]
    widths = [fixed[0], page_width - pdf.LEFT - pdf.RIGHT - sum(fixed), *fixed[1:]]
    edges = [pdf.LEFT + sum(widths[: index + 1]) for index in range(len(widths))]
    fragments: list[list[tuple[int, str]]] = [[] for _ in widths]
    italic: list[str] = []
    reader = PdfReader(path)
    for number, page in enumerate(reader.pages, start=1):
        found: list[tuple[float, float, str, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float, into: list[Any] = found) -> None:
            # Note marks are superscripts, set smaller than any text of a cell or a note.
            if text.strip() and font is not None and size >= MARK_SIZE:
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                into.append((-y, x, text, str(font.get("/BaseFont", ""))))

        page.extract_text(visitor_text=visit)
        for minus_y, x, text, font in sorted(found):
            if -minus_y > page_height - pdf.TOP:
                continue  # the page number
            if "Italic" in font:
                italic.append(text)
            elif "Bold" not in font:  # the header row and the group rows are bold
                column = next((index for index, edge in enumerate(edges) if x < edge), len(edges) - 1)
                fragments[column].append((number, text))
    return Printed(
        fragments=fragments,
        italic=squeeze("".join(italic)),
        pages=[re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages],
        fonts=[font for page in reader.pages for font in fonts_in(page.get("/Resources"))],
    )


@pytest.fixture(scope="module", params=[False, True], ids=["portrait", "landscape"])
def printed(request: pytest.FixtureRequest, evaluation: Evaluation, tmp_path_factory: Any) -> Printed:
    from bkdesk.reports.pdf import write_pdf

    landscape: bool = request.param
    path = tmp_path_factory.mktemp("long") / f"bieu-{'ngang' if landscape else 'doc'}.pdf"
    seen: list[tuple[int, int]] = []
    write_pdf(evaluation, SETTINGS, path, landscape=landscape, progress=lambda done, total: seen.append((done, total)))
    total = len(evaluation.rows)
    assert seen[-1] == (total, total)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen) and all(done <= total for done, _ in seen)
    return read_pdf(path, landscape)


def test_every_cell_is_printed_whole_in_its_column(printed: Printed, layout: ReportLayout) -> None:
    columns = [printed.column(index) for index in range(7)]
    for row in layout.rows:
        if not row.bold:
            for index, text in enumerate(cell_texts(row)):
                assert squeeze(text) in columns[index], f"{row.code}, cột {index + 1}"


def test_every_note_and_the_reference_line_are_printed_whole(printed: Printed, layout: ReportLayout) -> None:
    for note in layout.notes:
        assert squeeze(note.text) in printed.italic
    assert squeeze(layout.reference) in printed.italic


def test_a_cell_taller_than_a_page_goes_on_under_the_repeated_header(printed: Printed) -> None:
    estimate = printed.fragments[4]
    pages = {page for page, text in estimate if set(text.strip()) == {"W"}}
    assert len(pages) >= 2, "the estimate of A.3 is longer than a page"
    last_table_page = next(index for index, text in enumerate(printed.pages) if LAST in text)
    for text in printed.pages[: last_table_page + 1]:
        for header in HEADER:
            assert header in text


def test_the_missed_indicators_are_listed_whole(printed: Printed, layout: ReportLayout) -> None:
    names = printed.column(1)  # the summary's name column starts inside the table's
    for line in layout.summary.missed:
        assert names.count(squeeze(line.name)) == 2, line.ref  # in the table and in the summary


def test_only_the_embedded_font_is_used(printed: Printed) -> None:
    from tests.test_report_pdf import BASE_14

    assert printed.fonts
    for font in printed.fonts:
        name = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
        assert name.startswith("LiberationSerif") and name not in BASE_14, name
        descriptor = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        assert "/FontFile2" in descriptor["/FontDescriptor"].get_object(), f"{name} is not embedded"


def test_a_row_that_cannot_be_laid_out_is_named_in_vietnamese(
    evaluation: Evaluation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bkdesk.reports import pdf

    # Kept whole, a row taller than a page cannot be laid out: what any other failure would look like.
    monkeypatch.setattr(pdf, "KEEP_LINES", 100_000)
    target = tmp_path / "bieu.pdf"
    with pytest.raises(ReportLayoutError) as caught:
        pdf.write_pdf(evaluation, SETTINGS, target)
    message = caught.value.message
    # A.3 is the first row taller than a page.
    assert message.startswith("Không dàn trang được biểu năm 2020: chỉ tiêu A.3 (ẨẨẨ")
    assert "trang A4 dọc" in message and "rút gọn" in message
    assert "Flowable" not in message and "LayoutError" not in message and len(message) < 300
    assert list(tmp_path.iterdir()) == []


def test_a_missed_indicator_that_cannot_be_laid_out_is_named(
    evaluation: Evaluation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bkdesk.reports import pdf

    real = pdf._Builder.missed_table

    def unsplittable(builder: Any, summary: Any) -> Any:
        with monkeypatch.context() as patch:
            patch.setattr(pdf, "KEEP_LINES", 100_000)
            return real(builder, summary)

    monkeypatch.setattr(pdf._Builder, "missed_table", unsplittable)
    with pytest.raises(ReportLayoutError) as caught:
        pdf.write_pdf(evaluation, SETTINGS, tmp_path / "bieu.pdf", landscape=True)
    message = caught.value.message
    assert message.startswith("Không dàn trang được biểu năm 2020: chỉ tiêu A.3 (ẨẨẨ")
    assert "trong danh sách các chỉ tiêu chưa đạt không xếp vừa trang A4 ngang" in message


# The workbook ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(evaluation: Evaluation, tmp_path_factory: Any) -> Any:
    from openpyxl import load_workbook

    from bkdesk.reports.xlsx import write_xlsx

    path = tmp_path_factory.mktemp("long") / "bieu.xlsx"
    write_xlsx(evaluation, SETTINGS, path)
    return load_workbook(path)


def sheet_columns(sheet: Any, first_row: int) -> list[str]:
    """Each column's text from ``first_row`` down, in order: a cell continued over rows reads whole."""
    columns = ["" for _ in range(sheet.max_column)]
    for row in sheet.iter_rows(min_row=first_row, values_only=True):
        for index, value in enumerate(row):
            if value is not None:
                columns[index] += str(value)
    return [squeeze(text) for text in columns]


def test_the_workbook_holds_every_cell_and_note_whole(workbook: Any, layout: ReportLayout) -> None:
    sheet = workbook["Biểu"]
    assert [cell.value for cell in sheet[4]][:6] == list(HEADER)
    columns = sheet_columns(sheet, 5)
    for row in layout.rows:
        if row.code in LONG_CODES:
            for index, text in enumerate(cell_texts(row)):
                assert squeeze(text) in columns[index], f"{row.code}, cột {index + 1}"
    for note in layout.notes:
        assert squeeze(note.plain) in columns[0]
    assert sheet["A2"].value == layout.reference


def test_no_row_is_taller_than_excel_can_show(workbook: Any) -> None:
    for sheet in workbook:
        heights = [dimension.height for dimension in sheet.row_dimensions.values() if dimension.height]
        assert heights and max(heights) <= MAX_EXCEL_ROW, sheet.title


def test_numbers_excel_cannot_keep_exactly_are_stored_as_written(workbook: Any, layout: ReportLayout) -> None:
    sheet = workbook["Biểu"]
    rows = {row.code: row for row in layout.rows}
    by_stt = {row[0].value: row for row in sheet.iter_rows(min_row=5) if row[0].value}
    longest = by_stt["2"]
    assert (longest[3].value, longest[4].value) == (rows["A.2"].target.text, rows["A.2"].estimate.text)
    assert by_stt["4"][3].value == 100 and by_stt["4"][6].value == pytest.approx(105.26)


def test_the_summary_sheet_lists_the_missed_whole(workbook: Any, layout: ReportLayout) -> None:
    columns = sheet_columns(workbook["Tổng hợp"], 1)
    for line in layout.summary.missed:
        for index, text in enumerate((line.ref, line.name, line.unit, line.target.text, line.estimate.text)):
            assert squeeze(text) in columns[index], f"{line.ref}, cột {index + 1}"


def test_split_lines_keeps_the_text_and_fits_each_part() -> None:
    from bkdesk.reports.xlsx import MAX_LINES, split_lines, wrapped_lines

    for text in (prose(5000), word(3000), prose(2000) + word(1500) + prose(900)):
        parts = split_lines(text, 20)
        assert len(parts) > 1
        assert all(wrapped_lines(part, 20) <= MAX_LINES for part in parts)
        assert squeeze("".join(parts)) == squeeze(text)
        assert " ".join(parts) == text or "".join(parts) == text or _rejoins(parts, text)


def _rejoins(parts: list[str], text: str) -> bool:
    """Each cut drops the one space it was made at, or none when made inside a word."""
    rest = text
    for part in parts:
        if not rest.startswith(part):
            return False
        rest = rest[len(part) :]
        rest = rest[1:] if rest.startswith(" ") else rest
    return rest == ""


# Past the limits -------------------------------------------------------------------------------


def test_text_stored_past_the_limits_still_prints_whole(tmp_path: Path) -> None:
    """A name of 3,000 characters and a reason of 10,000, as an older file or database may hold."""
    from openpyxl import load_workbook

    from bkdesk.reports.pdf import write_pdf
    from bkdesk.reports.xlsx import write_xlsx

    rows = [
        RowInput(Indicator("A", "A", "A", "Các chỉ tiêu kinh tế")),
        RowInput(
            Indicator("A.1", "A", "1", prose(3000), "Tấn", parent="A", counted=True),
            target="4.093",
            estimate=prose(2000, 5),
            override=Override(Verdict.ACHIEVED, word(4000) + " " + prose(6000, 9)),
        ),
        RowInput(Indicator("A.2", "A", "2", LAST, "%", parent="A", counted=True), target="100", estimate="100"),
    ]
    evaluation = evaluate_table(2020, rows)
    layout = build_layout(evaluation, SETTINGS)
    long_row = layout.rows[1]
    for landscape in (False, True):
        path = tmp_path / f"bieu-{landscape}.pdf"
        write_pdf(evaluation, SETTINGS, path, landscape=landscape)
        printed = read_pdf(path, landscape)
        for index, text in enumerate(cell_texts(long_row)):
            assert squeeze(text) in printed.column(index)
        assert squeeze(layout.notes[0].text) in printed.italic
        assert len({page for page, _text in printed.fragments[1]}) >= 3  # the name goes on over pages

    path = tmp_path / "bieu.xlsx"
    write_xlsx(evaluation, SETTINGS, path)
    sheet = load_workbook(path)["Biểu"]
    columns = sheet_columns(sheet, 5)
    for index, text in enumerate(cell_texts(long_row)):
        if index != 3:  # the target is the number 4093
            assert squeeze(text) in columns[index]
    assert squeeze(layout.notes[0].plain) in columns[0]
    heights = [dimension.height for dimension in sheet.row_dimensions.values() if dimension.height]
    assert max(heights) <= MAX_EXCEL_ROW
    # The row goes on in the sheet rows under it, outlined as one cell: ruled above its first part and
    # below its last, never between; its number and verdict stay in the first part.
    parts = []
    for row in sheet.iter_rows(min_row=6):
        parts.append(row)
        if ruled(row[0].border.bottom):
            break
    assert len(parts) >= 2 and parts[0][0].value == "1" and parts[-1][0].value is None
    assert parts[0][3].value == 4093 and all(part[3].value is None for part in parts[1:])
    assert ruled(parts[0][1].border.top) and not any(ruled(part[1].border.top) for part in parts[1:])
    assert not any(ruled(part[1].border.bottom) for part in parts[:-1])
    assert all(ruled(part[1].border.left) and ruled(part[1].border.right) for part in parts)
    assert all(part[1].alignment.vertical == "top" for part in parts)
    assert sheet.cell(row=6 + len(parts), column=2).value == LAST
    # A note longer than one Excel row goes on in merged rows under it.
    notes = [str(cells) for cells in sheet.merged_cells.ranges if cells.min_row > 6 + len(parts)]
    assert len(notes) >= 3  # the heading and the note in two rows or more


def ruled(side: Any) -> bool:
    return side is not None and side.style == "thin"


# The command, on a database -------------------------------------------------------------------


def test_report_prints_a_database_holding_long_cells(demo_db: Any, db_path: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from openpyxl import load_workbook

    from tests.fixtures.long_cells import store_long_cells

    stored = store_long_cells(demo_db)
    main = Path(__file__).resolve().parent.parent / "main.py"
    for landscape in (False, True):
        pdf, xlsx = tmp_path / f"bieu-{landscape}.pdf", tmp_path / f"bieu-{landscape}.xlsx"
        command = [sys.executable, str(main), "report", "--year", "2020", "--db", str(db_path)]
        command += ["--pdf", str(pdf), "--xlsx", str(xlsx)] + (["--landscape"] if landscape else [])
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stderr == "" and f"ra tệp PDF {pdf}" in result.stdout
        printed = read_pdf(pdf, landscape)
        assert squeeze(stored.name) in printed.column(1)
        assert squeeze(stored.estimate) in printed.column(4)
        assert squeeze(stored.old_estimate) in printed.column(4)
        assert squeeze(stored.reason) in printed.italic
        assert len({page for page, text in printed.fragments[4] if set(text.strip()) == {"W"}}) >= 2
        columns = sheet_columns(load_workbook(xlsx)["Biểu"], 5)
        assert squeeze(stored.name) in columns[1] and squeeze(stored.reason) in columns[0]
        assert squeeze(stored.estimate) in columns[4] and squeeze(stored.old_estimate) in columns[4]
