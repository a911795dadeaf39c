"""The summary offices write under the table: "Đạt và vượt 49/59 chỉ tiêu; 09/59 chưa đạt"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bkdesk.catalogue import GROUPS, UNGROUPED, UNGROUPED_NAME
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
    return GROUPS.get(group, group) if group != UNGROUPED else UNGROUPED_NAME


def group_label(group: str) -> str:
    """``A. Chỉ tiêu kinh tế``; the rows with no group are "Chưa phân nhóm" alone."""
    return f"{group}. {group_name(group)}" if group else group_name(group)


def summarise(rows: Iterable[EvaluatedRow]) -> Summary:
    # Plain tallies first: building a frozen Counts per row would cost more than the rest.
    tallies: dict[str, list[int]] = {group: [0, 0, 0, 0] for group in GROUPS}
    slot = {Verdict.EXCEEDED: 0, Verdict.ACHIEVED: 1, Verdict.NOT_ACHIEVED: 2, None: 3}
    missed: list[EvaluatedRow] = []
    for row in rows:
        if not row.indicator.counted:
            continue
        tallies.setdefault(row.indicator.group, [0, 0, 0, 0])[slot[row.verdict]] += 1
        if row.verdict is Verdict.NOT_ACHIEVED:
            missed.append(row)
    by_group = {group: Counts(*tally) for group, tally in tallies.items()}
    total = Counts(*(sum(tally[i] for tally in tallies.values()) for i in range(4)))
    return Summary(total, by_group, tuple(missed))
