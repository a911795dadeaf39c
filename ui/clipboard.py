"""Blocks of cells as Excel puts them on the clipboard: tab between cells, newline between rows.

A cell holding a tab, a newline or a quote is quoted, as Excel does, so a note written on
two lines survives the round trip. A trailing newline (Excel always adds one) is no row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence


def parse_block(text: str) -> list[list[str]]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quotechar='"', strict=False)
    return [list(row) if row else [""] for row in reader]


def _quoted(cell: str) -> str:
    if any(ch in cell for ch in '\t\n"'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def format_block(rows: Sequence[Sequence[str]]) -> str:
    return "\n".join("\t".join(_quoted(cell) for cell in row) for row in rows)
