"""What every writer of figures shares, without the ORM: the fields' names, the audit's wording, the refusals
of a locked period and of a figure on a heading row.

:mod:`db.entry` (one field at a time, through the ORM) and :mod:`db.submission_import`
(a merge's figures in bulk, through :mod:`db.plain`) both store figures; they refuse the
same things with the same words because the rules live here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bkdesk.catalogue import Indicator, PeriodKind
from bkdesk.entry import Field, heading_refusal
from db.errors import InvalidInput, StoreError

VALUE = "value"
NOTE = "note"
TARGET = "target"
# Last year's result, stored as year-1's final figure; what "so với cùng kỳ" is worked out from.
LAST_YEAR = "last_year"
# The "so với cùng kỳ" an imported table printed: stored by the import, never typed.
PRINTED_RATIO = "reported_pct_last_year"
REPORTED_VERDICT = "reported_verdict"
VERDICT = "verdict"

FIELD_LABELS = {
    VALUE: "số liệu",
    NOTE: "ghi chú",
    TARGET: "nhiệm vụ",
    LAST_YEAR: "thực hiện năm trước",
    PRINTED_RATIO: "so với cùng kỳ in trong biểu",
    REPORTED_VERDICT: "đánh giá trong biểu",
    VERDICT: "điều chỉnh đánh giá",
}
# The audit's wording of a change to each field of a figure row.
FIGURE_ACTIONS = {
    VALUE: "sửa giá trị",
    NOTE: "sửa ghi chú",
    PRINTED_RATIO: "nhập từ biểu",
    REPORTED_VERDICT: "nhập từ biểu",
}
# A figure changed under a verdict an imported table printed: the verdict is dropped, and the audit says so.
VERDICT_DROPPED = "bỏ đánh giá trong biểu"
VERDICT_DROPPED_REASON = "giá trị đã thay đổi"


class PeriodState(Protocol):
    """A period as the lock check reads it (``db.models.PeriodRow``, or a row read with plain SQL)."""

    @property
    def year(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def locked(self) -> bool: ...
    @property
    def lock_reason(self) -> str: ...


def refuse_locked(period: PeriodState) -> None:
    if period.locked:
        label = PeriodKind(period.kind).label.lower()
        reason = f" ({period.lock_reason})" if period.lock_reason else ""
        raise StoreError(f"Số liệu {label} năm {period.year} đã được chốt{reason}; cần mở khóa trước khi sửa")


class CatalogueRow(Protocol):
    """An indicator's catalogue row as the heading check reads it."""

    @property
    def code(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def stt(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def parent_id(self) -> int | None: ...


def refuse_heading(indicator: CatalogueRow, has_target: Callable[[], bool]) -> None:
    """Figures go on rows that take them: never on a group A–E or a heading of the catalogue.

    A heading has no unit and no target in any year (``has_target`` asks the database); the
    unit is looked at first, so a row with one costs no query.
    """
    group = indicator.parent_id is None and indicator.stt == indicator.group
    if not group and (indicator.unit.strip() or has_target()):
        return
    row = Indicator(indicator.code, indicator.group, indicator.stt, indicator.name, parent=None if group else "")
    raise InvalidInput(heading_refusal(row, Field.VALUE, f"{indicator.code} {indicator.name}"))
