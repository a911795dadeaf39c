"""The appendix: its layout (shared by PDF and Excel), the heading's date words, and the PDF as a reader gets it."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bkdesk.catalogue import Indicator, PeriodKind
from bkdesk.evaluation import Evaluation, RowInput, evaluate_table
from bkdesk.reports import ReportCancelled, ReportSettings
from bkdesk.reports.layout import Align, Level, build_layout, reference_line
from bkdesk.reports.settings import DateTextError, date_words, format_date, parse_date

ROOT = Path(__file__).resolve().parent.parent
A4 = (595.28, 841.89)
TOP_MARGIN = 20 / 25.4 * 72
BASE_14 = {
    "Courier",
    "Courier-Bold",
    "Courier-Oblique",
    "Courier-BoldOblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-Oblique",
    "Helvetica-BoldOblique",
    "Times-Roman",
    "Times-Bold",
    "Times-Italic",
    "Times-BoldItalic",
    "Symbol",
    "ZapfDingbats",
}
SETTINGS = ReportSettings(issuer="UBND thành phố", number="245", date=date(2021, 2, 5))
HEADER = ("STT", "Các chỉ tiêu, mục tiêu cụ thể", "Đơn vị tính", "Nhiệm vụ 2020", "Ước thực hiện 2020", "Đánh giá")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def evaluation(demo_evaluation: Evaluation) -> Evaluation:
    return demo_evaluation


def synthetic(count: int, *, missed_every: int = 0) -> Evaluation:
    """A table of ``count`` rows in five groups, all names unique, every seventh one wrapping on 2–4 lines."""
    rows: list[RowInput] = []
    per_group = max(count // 5, 1)
    for index in range(count):
        group = "ABCDE"[min(index // per_group, 4)]
        if index % per_group == 0:
            rows.append(RowInput(Indicator(group, group, group, f"Nhóm {group}")))
        filler = " về phát triển kinh tế - xã hội bền vững" * (index % 4 + 1) if index % 7 == 0 else ""
        estimate = "90" if missed_every and index % missed_every == 0 else str(100 + index % 7)
        indicator = Indicator(
            f"{group}.{index}",
            group,
            str(index + 1),
            f"Chỉ tiêu thử số {index:04d}{filler} hết",
            "%",
            parent=group,
            counted=True,
        )
        rows.append(RowInput(indicator, target="100", estimate=estimate, last_year="95"))
    return evaluate_table(2020, rows)


def write(evaluation: Evaluation, path: Path, **options: Any) -> Path:
    from bkdesk.reports.pdf import write_pdf

    write_pdf(evaluation, SETTINGS, path, **options)
    return path


def page_texts(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [normalise(page.extract_text()) for page in PdfReader(path).pages]


# Date words and settings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (date(2021, 2, 5), "ngày 05 tháng 02 năm 2021"),
        (date(2020, 1, 1), "ngày 01 tháng 01 năm 2020"),
        (date(2020, 3, 9), "ngày 09 tháng 3 năm 2020"),
        (date(2020, 12, 10), "ngày 10 tháng 12 năm 2020"),
        (date(2020, 10, 31), "ngày 31 tháng 10 năm 2020"),
    ],
)
def test_dates_are_written_as_decree_30_writes_them(value: date, words: str) -> None:
    assert date_words(value) == words


def test_parse_date_reads_day_month_year() -> None:
    assert parse_date(" 5/2/2021 ") == date(2021, 2, 5)
    assert parse_date("05/02/2021") == date(2021, 2, 5)
    assert parse_date("") is None
    assert format_date(date(2021, 2, 5)) == "05/02/2021"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("31/02/2021", "không có ngày 31"),
        ("2021-02-05", "ngày/tháng/năm"),
        ("05/13/2021", "không có tháng 13"),
        ("05/02/21", "ngày/tháng/năm"),
        ("00/01/2021", "không có ngày 0"),
    ],
)
def test_parse_date_refuses_impossible_dates(text: str, says: str) -> None:
    with pytest.raises(DateTextError) as caught:
        parse_date(text)
    assert says in caught.value.message


def test_reference_line_fills_in_the_settings_or_leaves_dots() -> None:
    assert reference_line(SETTINGS) == "(Kèm theo Báo cáo số 245/BC-UBND ngày 05 tháng 02 năm 2021 của UBND thành phố)"
    blank = reference_line(ReportSettings())
    assert blank.startswith("(Kèm theo Báo cáo số .")
    assert "/BC-UBND ngày ." in blank and "tháng ." in blank and "năm ." in blank and blank.endswith(".)")
    assert "số 12/BC-UBND ngày" in reference_line(ReportSettings(number="12/BC-UBND"))


# Layout (no reportlab, no openpyxl) -------------------------------------------------------------


def test_layout_modules_import_neither_reportlab_nor_openpyxl() -> None:
    code = (
        "import sys, bkdesk, bkdesk.reports, bkdesk.reports.layout, bkdesk.reports.settings;"
        "heavy = {m.split('.')[0] for m in sys.modules} & {'reportlab', 'openpyxl'};"
        "sys.exit(1 if heavy else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_layout_titles_follow_the_period(evaluation: Evaluation) -> None:
    layout = build_layout(evaluation, SETTINGS)
    assert layout.title == "BIỂU DỰ ƯỚC KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT NĂM 2020"
    assert layout.headers == (*HEADER, "Thực hiện so với cùng kỳ (%)")
    result = Evaluation(2020, PeriodKind.RESULT, evaluation.rows, evaluation.summary)
    later = build_layout(result, SETTINGS)
    assert later.title == "BIỂU KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT NĂM 2020"
    assert later.headers[4] == "Thực hiện 2020"


def test_layout_rows_as_the_seed_prints_them(evaluation: Evaluation) -> None:
    rows = {row.code: row for row in build_layout(evaluation, SETTINGS).rows}
    assert len(rows) == len(evaluation.rows)
    assert sorted(code for code, row in rows.items() if row.bold) == ["A", "B", "C", "D", "E"]
    assert all(row.level is Level.GROUP for row in rows.values() if row.bold)
    pigs = rows["A.8"]
    assert (pigs.stt, pigs.name, pigs.indent, pigs.level) == ("8", "Đàn lợn", 0, Level.ITEM)
    sub = next(row for row in rows.values() if row.name == "+ Đàn lợn hiện có")
    assert (sub.stt, sub.level) == ("", Level.SUB) and sub.indent > pigs.indent
    retail = rows["A.2"]
    assert (retail.target.text, retail.estimate.text, retail.verdict) == ("3.200", "3.050", "Không đạt")
    assert (retail.target.value, retail.estimate.value) == (3200, 3050)
    assert retail.same_period.text == "100"
    assert rows["A.1.a"].target.text == "56,7" and rows["A.1.a"].target.places == 1
    assert rows["A.4"].target.text == ">50" and not rows["A.4"].target.is_number
    water = next(row for row in rows.values() if row.same_period.text == "Duy trì")
    assert water.same_period.align is Align.CENTER and not water.same_period.is_number


def test_layout_prints_computed_verdicts_and_marks_the_override(evaluation: Evaluation) -> None:
    layout = build_layout(evaluation, SETTINGS)
    rows = {row.code: row for row in layout.rows}
    assert (rows["C.1.3"].verdict, rows["C.2.7"].verdict, rows["E.3"].verdict) == ("Đạt", "Vượt", "Vượt")
    assert all(not rows[code].mark for code in ("C.1.3", "C.2.7", "E.3"))
    overridden = rows["D.5"]
    assert (overridden.verdict, overridden.mark, overridden.verdict_text) == ("Đạt", "1", "Đạt (1)")
    assert [note.mark for note in layout.notes] == ["1"]
    reason = evaluation.row("D.5").input.override.reason  # type: ignore[union-attr]
    assert layout.notes[0].text.startswith("D.5 Giảm cả 3 tiêu chí")
    assert reason in layout.notes[0].text


def test_layout_summary_counts_and_lists_the_missed(evaluation: Evaluation) -> None:
    summary = build_layout(evaluation, SETTINGS).summary
    assert summary.phrase == "Đạt và vượt 50/59 chỉ tiêu; 09/59 chỉ tiêu chưa đạt."
    assert dict(summary.counts)["Không đạt"] == 9
    assert len(summary.missed) == 9
    first = summary.missed[0]
    assert (first.ref, first.name, first.target.text, first.estimate.text, first.pct_plan.text) == (
        "A.2",
        "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ",
        "3.200",
        "3.050",
        "95,31",
    )
    assert [line.group for line in summary.groups] == ["A", "B", "C", "D", "E"]
    per_group = [sum(values) for values in zip(*(values for _label, values in summary.chart_series), strict=True)]
    assert per_group == [line.counts.total for line in summary.groups]
    assert sum(per_group) == summary.counted == 59


# The PDF as a reader gets it ---------------------------------------------------------------------


def test_pdf_text_is_vietnamese_exactly(evaluation: Evaluation, tmp_path: Path) -> None:
    texts = page_texts(write(evaluation, tmp_path / "bieu.pdf"))
    whole = " ".join(texts)
    assert texts[0].startswith("BIỂU DỰ ƯỚC KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT NĂM 2020")
    assert "(Kèm theo Báo cáo số 245/BC-UBND ngày 05 tháng 02 năm 2021 của UBND thành phố)" in whole
    for expected in (
        "Không đạt",
        "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ",
        "3.050",
        "+ Đàn lợn hiện có",
        "- Trồng cây phân tán",
        "Duy trì",
        "Đạt và vượt 50/59 chỉ tiêu; 09/59 chỉ tiêu chưa đạt.",
        "Chưa đánh giá",
    ):
        assert expected in whole, expected
    assert re.search(r"Đạt ?1", whole), "the overridden verdict carries its note mark"
    assert "Lý do: Chỉ tiêu định tính" in whole


def fonts_in(resources: Any, seen: set[int] | None = None) -> list[Any]:
    """Every font of a resource dictionary, following form XObjects (charts, templates)."""
    seen = set() if seen is None else seen
    found: list[Any] = []
    if resources is None:
        return found
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        found.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        target = xobject.get_object()
        marker = id(target)
        if marker in seen or target.get("/Subtype") != "/Form":
            continue
        seen.add(marker)
        found.extend(fonts_in(target.get("/Resources"), seen))
    return found


def test_every_font_is_embedded_and_none_is_built_in(evaluation: Evaluation, tmp_path: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(write(evaluation, tmp_path / "bieu.pdf"))
    fonts = [font for page in reader.pages for font in fonts_in(page.get("/Resources"))]
    assert fonts
    for font in fonts:
        name = str(font["/BaseFont"]).lstrip("/")
        assert name.split("+")[-1] not in BASE_14, name
        descriptor = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        assert "/FontFile2" in descriptor["/FontDescriptor"].get_object(), f"{name} is not embedded"
    assert {str(font["/BaseFont"]).split("+")[-1] for font in fonts} >= {"LiberationSerif", "LiberationSerif-Bold"}


def test_page_size_is_a4_portrait_or_landscape(evaluation: Evaluation, tmp_path: Path) -> None:
    from pypdf import PdfReader

    for landscape, expected in ((False, A4), (True, A4[::-1])):
        reader = PdfReader(write(evaluation, tmp_path / f"bieu-{landscape}.pdf", landscape=landscape))
        for page in reader.pages:
            size = (float(page.mediabox.width), float(page.mediabox.height))
            assert size == pytest.approx(expected, abs=0.01)


def test_header_on_every_table_page_and_page_numbers_from_page_two(evaluation: Evaluation, tmp_path: Path) -> None:
    from pypdf import PdfReader

    path = write(evaluation, tmp_path / "bieu.pdf")
    texts = page_texts(path)
    last_row = "Tỷ lệ cung cấp dịch vụ công trực tuyến cấp thành phố theo mức độ 4"
    table_pages = next(index for index, text in enumerate(texts) if last_row in text) + 1
    assert table_pages >= 3
    for text in texts[:table_pages]:
        for header in HEADER:
            assert header in text
    reader = PdfReader(path)
    for number, page in enumerate(reader.pages, start=1):
        in_margin: list[str] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: Any, found: list[str] = in_margin) -> None:
            if text.strip() and cm[5] + tm[5] * cm[3] > A4[1] - TOP_MARGIN:
                found.append(text.strip())

        page.extract_text(visitor_text=visit)
        assert in_margin == ([] if number == 1 else [str(number)])


def test_two_thousand_rows_lay_out_without_splitting_a_row(tmp_path: Path) -> None:
    evaluation = synthetic(2000)
    seen: list[tuple[int, int]] = []
    path = write(evaluation, tmp_path / "big.pdf", progress=lambda done, total: seen.append((done, total)))
    texts = page_texts(path)
    for row in evaluation.rows:
        if row.indicator.is_group:
            continue
        pages = [number for number, text in enumerate(texts, start=1) if row.indicator.name in text]
        assert len(pages) == 1, f"{row.indicator.name} on pages {pages}"
    assert seen[-1] == (len(evaluation.rows), len(evaluation.rows))
    assert len(seen) > 10
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_cancelling_stops_and_leaves_no_file(tmp_path: Path) -> None:
    calls: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append(done)

    target = tmp_path / "bieu.pdf"
    with pytest.raises(ReportCancelled):
        write(synthetic(600), target, progress=progress, cancelled=lambda: len(calls) >= 2)
    assert list(tmp_path.iterdir()) == []
    assert len(calls) == 2


def test_writes_to_a_binary_stream(evaluation: Evaluation) -> None:
    from bkdesk.reports.pdf import write_pdf

    buffer = io.BytesIO()
    write_pdf(evaluation, ReportSettings(), buffer)
    assert buffer.getvalue().startswith(b"%PDF-")
