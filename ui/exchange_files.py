"""The files of the exchange as the app proposes them: names, folders, and the file choosers.

Names say what a file is when it sits among others on a USB stick or in a mail:
``KT-2020-uoc-so3-d1c08215.json`` is Phòng Kinh tế's third submission of the 2020 estimate
from installation ``d1c08215…``: two PCs of one phòng number their files alike, and their
files must not overwrite each other in the synthesis office's folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from bkdesk.catalogue import PeriodKind

SUBMISSION_FILTER = "Tệp nộp số liệu bkdesk (*.json)"
SETUP_FILTER = "Tệp thiết lập bkdesk (*.setup)"
TEMPLATE_FILTER = "Biểu mẫu Excel (*.xlsx)"
FEEDBACK_FILTER = "Tệp phản hồi bkdesk (*.json)"
DATABASE_FILTER = "Cơ sở dữ liệu bkdesk (*.sqlite)"
INCOMING_FILTER = "Tệp nộp số liệu và biểu mẫu Excel (*.json *.xlsx)"
ANY_FILTER = "Mọi tệp (*)"
_UNSAFE = re.compile(r"[^0-9A-Za-z_-]+")


def _safe(code: str) -> str:
    """A phòng code fit for a file name on every system (codes are short capitals, but come from a file)."""
    return _UNSAFE.sub("_", code).strip("_") or "phong"


def submission_name(code: str, year: int, kind: PeriodKind, sequence: int, installation: str = "") -> str:
    mark = f"-{_safe(installation[:8])}" if installation else ""
    return f"{_safe(code)}-{year}-{kind.value}-so{sequence}{mark}.json"


def setup_name(code: str, year: int) -> str:
    return f"thiet-lap-{_safe(code)}-{year}.setup"


def feedback_name(code: str, year: int) -> str:
    return f"{_safe(code)}-{year}-phanhoi.json"


def template_name(code: str, year: int, kind: PeriodKind) -> str:
    return f"bieu-mau-{_safe(code)}-{year}-{kind.value}.xlsx"


def department_database(code: str) -> Path:
    """``bkdesk-KT.sqlite`` beside the default database, in the user's data folder."""
    from db.database import default_db_path

    return default_db_path().with_name(f"bkdesk-{_safe(code)}.sqlite")


def documents_folder() -> str:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return folder or str(Path.home())


def ask_save(
    parent: QWidget, title: str, suggested: Path, file_filter: str, *, confirm_overwrite: bool = True
) -> Path | None:
    options = QFileDialog.Option(0) if confirm_overwrite else QFileDialog.Option.DontConfirmOverwrite
    name, _chosen = QFileDialog.getSaveFileName(
        parent, title, str(suggested), f"{file_filter};;{ANY_FILTER}", "", options
    )
    return Path(name) if name else None


def ask_open(parent: QWidget, title: str, folder: str, file_filter: str) -> Path | None:
    name, _chosen = QFileDialog.getOpenFileName(parent, title, folder, f"{file_filter};;{ANY_FILTER}")
    return Path(name) if name else None


def ask_open_many(parent: QWidget, title: str, folder: str, file_filter: str) -> list[Path]:
    names, _chosen = QFileDialog.getOpenFileNames(parent, title, folder, f"{file_filter};;{ANY_FILTER}")
    return [Path(name) for name in names]
