"""What the appendix says, decided once for the PDF and the Excel file alike.

Which rows are bold, how far a name is indented, what each cell prints, which
verdicts carry a note mark and what the summary under the table holds are all
decided here, from the evaluation and the report settings. The writers only draw
the result, so the PDF and the XLSX cannot disagree. No reportlab, no openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from bkdesk.catalogue import Indicator, PeriodKind, is_numbered_stt
from bkdesk.evaluation import EvaluatedRow, Evaluation, round2
from bkdesk.numbers import format_percent
from bkdesk.quantities import Kind, Quantity
from bkdesk.reports.settings import ReportSettings, date_words
from bkdesk.summary import Counts, group_label, group_name
from bkdesk.text import clean
from bkdesk.verdicts import NOT_EVALUATED, Verdict

SUB_MARKS = ("+", "-")
BLANK_NUMBER = "....."
BLANK_DATE = "ngày ..... tháng ..... năm ......."
BLANK_ISSUER = "....................."
REPORT_SUFFIX = "/BC-UBND"

VERDICT_LABELS: tuple[str, ...] = (
    Verdict.EXCEEDED.value,
    Verdict.ACHIEVED.value,
    Verdict.NOT_ACHIEVED.value,
    NOT_EVALUATED,
)


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


class Level(StrEnum):
    """A row's place in the table: a group (A–E), a numbered indicator, or a sub-row."""

    GROUP = "group"
    ITEM = "item"
    SUB = "sub"


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure cell: the text as printed and, when it is a plain number, its value.

    ``places`` is the number of decimals as written (``56,7`` → 1) and ``digits`` the
    width of a number written with a leading zero (``01`` → 2), so a spreadsheet can
    show the stored number exactly as the officer wrote it.
    """

    text: str
    value: Decimal | None = None
    places: int = 0
    digits: int = 0
    align: Align = Align.RIGHT

    @property
    def is_number(self) -> bool:
        return self.value is not None


EMPTY_FIGURE = Figure("")


@dataclass(frozen=True, slots=True)
class TableRow:
    """One printed row of the appendix."""

    code: str
    level: Level
    stt: str
    name: str
    indent: int
    bold: bool
    unit: str
    target: Figure
    estimate: Figure
    verdict: str
    mark: str
    same_period: Figure

    @property
    def verdict_text(self) -> str:
        """The verdict with its note mark as plain text: ``Đạt (1)``."""
        return f"{self.verdict} ({self.mark})" if self.mark else self.verdict


@dataclass(frozen=True, slots=True)
class Note:
    """A note under the table; ``mark`` is the one printed beside the verdict."""

    mark: str
    text: str

    @property
    def plain(self) -> str:
        return f"({self.mark}) {self.text}"


@dataclass(frozen=True, slots=True)
class GroupLine:
    group: str
    name: str
    counts: Counts

    @property
    def label(self) -> str:
        return group_label(self.group)


@dataclass(frozen=True, slots=True)
class MissedLine:
    """An indicator that did not reach its target, as the summary lists it."""

    ref: str
    name: str
    unit: str
    target: Figure
    estimate: Figure
    pct_plan: Figure


@dataclass(frozen=True, slots=True)
class SummaryLayout:
    heading: str
    phrase: str
    counts_sentence: str
    counted: int
    counts: tuple[tuple[str, int], ...]
    group_heading: str
    group_headers: tuple[str, ...]
    groups: tuple[GroupLine, ...]
    total: Counts
    missed_heading: str
    missed_headers: tuple[str, ...]
    missed: tuple[MissedLine, ...]
    chart_heading: str
    chart_series: tuple[tuple[str, tuple[int, ...]], ...]

    @property
    def chart_categories(self) -> tuple[str, ...]:
        return tuple(line.label for line in self.groups)


@dataclass(frozen=True, slots=True)
class ReportLayout:
    """Everything the appendix prints, in order."""

    year: int
    period: PeriodKind
    title_lines: tuple[str, ...]
    reference: str
    headers: tuple[str, ...]
    rows: tuple[TableRow, ...]
    notes_heading: str
    notes: tuple[Note, ...]
    summary: SummaryLayout

    @property
    def title(self) -> str:
        return " ".join(self.title_lines)


def title_lines(year: int, period: PeriodKind) -> tuple[str, ...]:
    """The title in upper case, broken where the seed's appendix breaks it."""
    head = "BIỂU DỰ ƯỚC KẾT QUẢ THỰC HIỆN" if period is PeriodKind.ESTIMATE else "BIỂU KẾT QUẢ THỰC HIỆN"
    return (f"{head} CÁC CHỈ TIÊU", f"NGHỊ QUYẾT NĂM {year}")


def reference_line(settings: ReportSettings) -> str:
    """``(Kèm theo Báo cáo số 245/BC-UBND ngày 10 tháng 12 năm 2020 của UBND thành phố)``.

    Whatever is not set prints as dots, to be filled in by hand; a number typed with
    its own symbol (``245/BC-UBND``) is printed as typed.
    """
    number = clean(settings.number)
    if not number:
        number = BLANK_NUMBER + REPORT_SUFFIX
    elif "/" not in number:
        number += REPORT_SUFFIX
    when = date_words(settings.date) if settings.date is not None else BLANK_DATE
    issuer = clean(settings.issuer) or BLANK_ISSUER
    return f"(Kèm theo Báo cáo số {number} {when} của {issuer})"


def headers(year: int, period: PeriodKind) -> tuple[str, ...]:
    estimate = f"Ước thực hiện {year}" if period is PeriodKind.ESTIMATE else f"Thực hiện {year}"
    return (
        "STT",
        "Các chỉ tiêu, mục tiêu cụ thể",
        "Đơn vị tính",
        f"Nhiệm vụ {year}",
        estimate,
        "Đánh giá",
        "Thực hiện so với cùng kỳ (%)",
    )


def quantity_figure(quantity: Quantity, raw: str) -> Figure:
    """A target or an estimate as printed: its stored text, and its value when it is a plain number."""
    if quantity.kind is Kind.REACH and quantity.low is not None:
        text = quantity.text
        integer, _, fraction = text.lstrip("+-\u2212").partition(",")
        digits = len(integer) if len(integer) > 1 and integer.startswith("0") else 0
        return Figure(text, quantity.low, len(fraction), digits)
    if quantity.is_empty:
        # A text the parser refused is still printed as entered, so nothing typed is hidden.
        return Figure(clean(raw), align=Align.LEFT) if clean(raw) else EMPTY_FIGURE
    if quantity.kind is Kind.QUALITATIVE:
        return Figure(quantity.text, align=Align.LEFT)
    return Figure(quantity.text)


def percent_figure(value: Decimal | None) -> Figure:
    rounded = round2(value)
    return EMPTY_FIGURE if rounded is None else Figure(format_percent(rounded), rounded, 2)


def same_period_figure(row: EvaluatedRow) -> Figure:
    """% so với cùng kỳ: the computed percentage, the ratio as the table printed it while the
    estimate is the one it was printed for, or its words (``Duy trì``)."""
    printed = clean(row.same_period_text)
    if row.pct_last_year is None:
        return Figure(printed, align=Align.CENTER) if printed else EMPTY_FIGURE
    if printed:
        return Figure(printed, row.pct_last_year, len(printed.partition(",")[2]))
    return percent_figure(row.pct_last_year)


def _level(indicator: Indicator) -> Level:
    if indicator.is_group:
        return Level.GROUP
    return Level.ITEM if is_numbered_stt(indicator.stt) else Level.SUB


def table_row(row: EvaluatedRow, mark: str = "") -> TableRow:
    indicator = row.indicator
    level = _level(indicator)
    stt = clean(indicator.stt)
    sign = stt if stt in SUB_MARKS else ""
    name = clean(indicator.name)
    return TableRow(
        code=indicator.code,
        level=level,
        stt="" if sign else stt,
        name=f"{sign} {name}" if sign else name,
        indent=0 if level is Level.GROUP else max(row.depth - 1, 0),
        bold=level is Level.GROUP,
        unit=clean(indicator.unit),
        target=quantity_figure(row.target, row.input.target),
        estimate=quantity_figure(row.estimate, row.input.estimate),
        verdict=row.verdict.value if row.verdict is not None else "",
        mark=mark,
        same_period=same_period_figure(row),
    )


def reference_of(row: EvaluatedRow, rows_by_code: dict[str, EvaluatedRow]) -> str:
    """``A.8`` for row 8 of group A and for its sub-rows; the group letter when nothing is numbered."""
    current: EvaluatedRow | None = row
    seen: set[str] = set()
    while current is not None and current.code not in seen:
        seen.add(current.code)
        stt = clean(current.indicator.stt)
        if is_numbered_stt(stt):
            group = current.indicator.group
            return f"{group}.{stt.rstrip('.')}" if group else stt.rstrip(".")
        parent = current.indicator.parent
        current = rows_by_code.get(parent) if parent is not None else None
    return row.indicator.group


def override_note(row: EvaluatedRow, mark: str, ref: str) -> Note:
    computed = row.computed_verdict.value if row.computed_verdict is not None else None
    rule = f"theo quy tắc: {computed}" if computed else "không tự đánh giá được theo quy tắc"
    reason = clean(row.input.override.reason) if row.input.override is not None else ""
    verdict = row.verdict.value if row.verdict is not None else NOT_EVALUATED
    return Note(
        mark,
        f"{ref} {clean(row.indicator.name)}: đánh giá «{verdict}» do cơ quan tổng hợp điều chỉnh ({rule}). "
        f"Lý do: {reason}",
    )


def counts_sentence(counts: Counts) -> str:
    if counts.total == 0:
        return ""  # the phrase already says that nothing is counted
    return (
        f"Trong {counts.total} chỉ tiêu được tính vào tổng hợp: vượt {counts.exceeded}, đạt {counts.achieved}, "
        f"không đạt {counts.not_achieved}, chưa đánh giá {counts.not_evaluated}."
    )


def _counts_tuple(counts: Counts) -> tuple[int, int, int, int]:
    return (counts.exceeded, counts.achieved, counts.not_achieved, counts.not_evaluated)


def summary_layout(evaluation: Evaluation, rows_by_code: dict[str, EvaluatedRow]) -> SummaryLayout:
    summary = evaluation.summary
    groups = tuple(
        GroupLine(group, group_name(group), counts) for group, counts in summary.by_group.items() if counts.total
    )
    missed = tuple(
        MissedLine(
            ref=reference_of(row, rows_by_code),
            name=clean(row.indicator.name),
            unit=clean(row.indicator.unit),
            target=quantity_figure(row.target, row.input.target),
            estimate=quantity_figure(row.estimate, row.input.estimate),
            pct_plan=percent_figure(row.pct_plan),
        )
        for row in summary.not_achieved
    )
    series = tuple(
        (label, tuple(_counts_tuple(line.counts)[index] for line in groups))
        for index, label in enumerate(VERDICT_LABELS)
    )
    estimate = "Ước thực hiện" if evaluation.period is PeriodKind.ESTIMATE else "Thực hiện"
    return SummaryLayout(
        heading=f"TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ CÁC CHỈ TIÊU NĂM {evaluation.year}",
        phrase=summary.phrase() + ".",
        counts_sentence=counts_sentence(summary.counts),
        counted=summary.counted,
        counts=tuple(zip(VERDICT_LABELS, _counts_tuple(summary.counts), strict=True)),
        group_heading="Kết quả theo nhóm chỉ tiêu",
        group_headers=("Nhóm chỉ tiêu", "Số chỉ tiêu", *VERDICT_LABELS),
        groups=groups,
        total=summary.counts,
        missed_heading="Các chỉ tiêu chưa đạt",
        missed_headers=("Mục", "Chỉ tiêu", "Đơn vị tính", "Nhiệm vụ", estimate, "% KH"),
        missed=missed,
        chart_heading="Biểu đồ kết quả đánh giá theo nhóm chỉ tiêu",
        chart_series=series,
    )


def build_layout(evaluation: Evaluation, settings: ReportSettings) -> ReportLayout:
    """Lay out the appendix of ``evaluation`` with the heading of ``settings``."""
    rows_by_code = {row.code: row for row in evaluation.rows}
    rows: list[TableRow] = []
    notes: list[Note] = []
    for row in evaluation.rows:
        mark = ""
        if row.overridden:
            mark = str(len(notes) + 1)
            notes.append(override_note(row, mark, reference_of(row, rows_by_code)))
        rows.append(table_row(row, mark))
    return ReportLayout(
        year=evaluation.year,
        period=evaluation.period,
        title_lines=title_lines(evaluation.year, evaluation.period),
        reference=reference_line(settings),
        headers=headers(evaluation.year, evaluation.period),
        rows=tuple(rows),
        notes_heading="Ghi chú:",
        notes=tuple(notes),
        summary=summary_layout(evaluation, rows_by_code),
    )
