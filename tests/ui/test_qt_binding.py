"""The Qt binding must not leak references to None (PySide6 6.12.0 on Python 3.11 does).

Each leaked reference brings the interpreter closer to freeing None, which aborts the
app ("Fatal Python error: none_dealloc") after a few hundred repaints.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_void_calls_do_not_drop_references_to_none() -> None:
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(1000):
        probe.setObjectName("bkdesk")
    assert abs(sys.getrefcount(None) - before) < 50
