"""The summary offices write under the table: "Đạt và vượt 49/59 chỉ tiêu; 09/59 chưa đạt"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bkdesk.catalogue import GROUPS
from bkdesk.verdicts import NOT_EVALUATED, Verdict

if TYPE_CHECKING:
    from bkdesk.evaluation import EvaluatedRow


@dataclass(frozen=True, slots=True)
class Counts:
    exceeded: int = 0
    achieved: int = 0
    not_achieved: int = 0
    not_evaluated: int = 0

    @property
    def total(self) -> int:
        return self.exceeded + self.achieved + self.not_achieved + self.not_evaluated

    @property
    def achieved_or_exceeded(self) -> int:
        return self.exceeded + self.achieved

    def add(self, verdict: Verdict | None) -> Counts:
        return Counts(
            self.exceeded + (verdict is Verdict.EXCEEDED),
            self.achieved + (verdict is Verdict.ACHIEVED),
            self.not_achieved + (verdict is Verdict.NOT_ACHIEVED),
            self.not_evaluated + (verdict is None),
        )


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts over the indicators marked as counted, overall and per group."""

    counts: Counts = field(default_factory=Counts)
    by_group: dict[str, Counts] = field(default_factory=dict)
    not_achieved: tuple[EvaluatedRow, ...] = ()

    @property
    def counted(self) -> int:
        return self.counts.total

    def as_dict(self) -> dict[str, int]:
        return {
            "counted": self.counted,
            Verdict.EXCEEDED.value: self.counts.exceeded,
            Verdict.ACHIEVED.value: self.counts.achieved,
            Verdict.NOT_ACHIEVED.value: self.counts.not_achieved,
            NOT_EVALUATED: self.counts.not_evaluated,
        }

    def phrase(self) -> str:
        """The sentence of the report, with two-digit counts as offices write them."""
        total = self.counted
        if total == 0:
            return "Chưa có chỉ tiêu nào được tính vào tổng hợp"
        parts = [
            f"Đạt và vượt {self.counts.achieved_or_exceeded:02d}/{total:02d} chỉ tiêu",
            f"{self.counts.not_achieved:02d}/{total:02d} chỉ tiêu chưa đạt",
        ]
        if self.counts.not_evaluated:
            parts.append(f"{self.counts.not_evaluated:02d}/{total:02d} chỉ tiêu chưa đánh giá")
        return "; ".join(parts)


def group_name(group: str) -> str:
    return GROUPS.get(group, group)


def summarise(rows: Iterable[EvaluatedRow]) -> Summary:
    counts = Counts()
    by_group: dict[str, Counts] = {group: Counts() for group in GROUPS}
    missed: list[EvaluatedRow] = []
    for row in rows:
        if not row.indicator.counted:
            continue
        counts = counts.add(row.verdict)
        group = row.indicator.group
        by_group[group] = by_group.get(group, Counts()).add(row.verdict)
        if row.verdict is Verdict.NOT_ACHIEVED:
            missed.append(row)
    return Summary(counts, by_group, tuple(missed))
