"""The tree an appendix table draws with its STT column.

Group rows carry ``A``–``E`` (or roman ``I``–``V``), numbered rows ``1``, ``2``,
``1.1``, sub-rows ``+`` or ``-`` (in the STT cell or at the start of the name, as the
seed writes "+ Đàn lợn hiện có") or nothing at all. A numbered row hangs under the
row whose number it extends ("1.1" under "1"), else under its group; a sub-row
under the nearest numbered row above it in the same group. A table with no group row
at all (the government's own tables) is given one, *implied*: the group the user
chose, or none ("Chưa phân nhóm"); there a sub-row needs a numbered row above it.
A ``Trong đó:`` line is such a sub-row, a heading of the ones under it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bkdesk.catalogue import GROUPS, UNGROUPED, UNGROUPED_NAME

ROMAN_GROUPS: dict[str, str] = dict(zip(("I", "II", "III", "IV", "V"), GROUPS, strict=True))
_MARKS = {"+": "+", "-": "-", "–": "-", "—": "-", "\u2212": "-"}
_NUMBERED = re.compile(r"\d+(?:\.\d+)*")
_NAME_MARK = re.compile(r"^([+\-–—\u2212])\s*(?=\S)")
_AMONG_THEM = re.compile(r"trong\s+đó\s*:?", re.IGNORECASE)


class RowKind(StrEnum):
    GROUP = "group"
    NUMBERED = "numbered"
    SUB = "sub"


class SttError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Stt:
    """An STT cell read: the row's kind and the mark bkdesk stores (``A``, ``1.1``, ``+``, ``-``, "")."""

    kind: RowKind
    mark: str


def read_stt(text: str) -> Stt:
    written = text.strip()
    bare = written.rstrip(".)").strip() if len(written) > 1 else written
    if not bare:
        return Stt(RowKind.SUB, "")
    if bare in _MARKS:
        return Stt(RowKind.SUB, _MARKS[bare])
    if bare in GROUPS:
        return Stt(RowKind.GROUP, bare)
    if bare.upper() in ROMAN_GROUPS and bare.isupper():
        return Stt(RowKind.GROUP, ROMAN_GROUPS[bare])
    if _NUMBERED.fullmatch(bare):
        return Stt(RowKind.NUMBERED, ".".join(str(int(part)) for part in bare.split(".")))
    if bare.isupper() and bare.isalpha():
        raise SttError(f'"{written}": chỉ có 5 nhóm chỉ tiêu, A–E (hoặc I–V)')
    raise SttError(
        f'"{written}": STT không đọc được; dùng A–E (hoặc I–V) cho nhóm, 1, 2, 1.1 cho chỉ tiêu, '
        "+ hoặc - (hoặc để trống) cho dòng con"
    )


def split_name_mark(name: str) -> tuple[str, str]:
    """``"+ Đàn lợn hiện có"`` → ``("+", "Đàn lợn hiện có")``; a name without a mark → ``("", name)``."""
    match = _NAME_MARK.match(name)
    if match is None:
        return "", name
    return _MARKS[match.group(1)], name[match.end() :].strip()


def read_group(text: str) -> str:
    """The group a user gives a table with no group rows: ``A``–``E`` (or ``I``–``V``), any case."""
    written = text.strip()
    bare = written.upper()
    if bare in GROUPS:
        return bare
    if bare in ROMAN_GROUPS:
        return ROMAN_GROUPS[bare]
    names = ", ".join(f"{letter} ({name})" for letter, name in GROUPS.items())
    raise SttError(f"nhóm «{written}» không có: chỉ có 5 nhóm chỉ tiêu, {names}")


def is_ungrouped_heading(name: str) -> bool:
    """The "Chưa phân nhóm" row bkdesk prints above a table's rows that have no group."""
    return name.strip().rstrip(":").strip().casefold() == UNGROUPED_NAME.casefold()


def is_among_them(name: str) -> bool:
    """A bare ``Trong đó:`` line, the heading of the sub-rows under it."""
    return _AMONG_THEM.fullmatch(name.strip()) is not None


@dataclass(slots=True)
class FileRow:
    """A data row of the table: its place in the tree and what it says."""

    excel_row: int
    kind: RowKind
    stt: str
    name: str
    unit: str = ""
    target: str | None = None
    code: str = ""
    group: str | None = None
    # Index (in the list of rows) of the row this one hangs under; None for group rows
    # and for rows above the first group row.
    parent: int | None = None
    # The group row of a table that has none, added by the reader (no cell of the file).
    implied: bool = False


def implied_group(excel_row: int, group: str | None) -> FileRow:
    """The group row a table without group rows hangs under: ``group``, or none when not given."""
    mark = group if group is not None else UNGROUPED
    name = GROUPS[mark] if group is not None else UNGROUPED_NAME
    return FileRow(excel_row, RowKind.GROUP, mark, name, implied=True)


@dataclass(frozen=True, slots=True)
class TreeProblem:
    row_index: int
    message: str


def link_rows(rows: Sequence[FileRow]) -> list[TreeProblem]:
    """Set each row's group and parent; return rows that cannot be placed or repeat another."""
    problems: list[TreeProblem] = []
    group: str | None = None
    group_index: int | None = None
    numbered: dict[str, int] = {}
    last_numbered: int | None = None
    groups_seen: dict[str, int] = {}
    sub_names: dict[tuple[int | None, str], int] = {}
    for index, row in enumerate(rows):
        if row.kind is RowKind.GROUP:
            if row.stt in groups_seen:
                first = rows[groups_seen[row.stt]].excel_row
                problems.append(TreeProblem(index, f"nhóm {row.stt} đã có ở dòng {first}"))
            groups_seen[row.stt] = index
            group, group_index, numbered, last_numbered = row.stt, index, {}, None
            row.group = row.stt
            continue
        row.group = group
        if row.kind is RowKind.NUMBERED:
            if row.stt in numbered:
                first = rows[numbered[row.stt]].excel_row
                where = f" trong nhóm {group}" if group else ""
                problems.append(TreeProblem(index, f"STT {row.stt}{where} đã có ở dòng {first}"))
            row.parent = _numbered_parent(row.stt, numbered, group_index)
            numbered[row.stt] = index
            last_numbered = index
        else:
            if last_numbered is None and group_index is not None and rows[group_index].implied:
                problems.append(
                    TreeProblem(
                        index,
                        f"dòng con «{row.name}» không có chỉ tiêu nào ở trên để thuộc về: dòng con (+, -, "
                        "Trong đó) phải nằm ngay dưới chỉ tiêu có số thứ tự của nó",
                    )
                )
                continue
            row.parent = last_numbered if last_numbered is not None else group_index
            key = (row.parent, row.name.casefold())
            if key in sub_names:
                first = rows[sub_names[key]].excel_row
                problems.append(TreeProblem(index, f"dòng «{row.name}» lặp lại dòng {first} (cùng chỉ tiêu cha)"))
            sub_names[key] = index
        if group is None and not row.code:
            problems.append(TreeProblem(index, "chỉ tiêu nằm trên mọi dòng nhóm (A–E): chưa biết thuộc nhóm nào"))
    return problems


def _numbered_parent(stt: str, numbered: dict[str, int], group_index: int | None) -> int | None:
    parts = stt.split(".")
    while len(parts) > 1:
        parts.pop()
        parent = numbered.get(".".join(parts))
        if parent is not None:
            return parent
    return group_index
