"""Taking in the phòng's files at the synthesis office, as two tasks run off the GUI thread.

First each file is read to learn what it is (a signed submission, an unsigned Excel
template, or something bkdesk cannot take), so the user can be asked about templates
by name before anything is written. Then the files are imported one at a time, each in
its own transaction through :class:`db.submission_import.SubmissionImporter`, oldest
first within a phòng as that service orders them; the user may stop between two files,
and what was applied before stays applied.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bkdesk.catalogue import Department, PeriodKind
from ui.workers import Cancelled, Job

if TYPE_CHECKING:
    from db.database import Database
    from db.submission_import import ImportOutcome

DECLINED = "chưa nhập — biểu mẫu Excel chưa ký mà bạn đã chọn không nhập"
STOPPED = "chưa nhập — đã dừng trước khi đến tệp này"


@dataclass(frozen=True, slots=True)
class Scanned:
    """What a file turned out to be; ``department`` is ``None`` when it could not be read (the import says why)."""

    index: int
    path: Path
    department: Department | None = None
    year: int | None = None
    kind: PeriodKind | None = None
    sequence: int | None = None
    unsigned: bool = False


@dataclass(frozen=True, slots=True)
class FileLine:
    """One line of the result: the service's outcome, or why the file was not imported."""

    path: Path
    outcome: ImportOutcome | None = None
    skipped: str = ""

    @property
    def message(self) -> str:
        return self.outcome.message if self.outcome is not None else f"{self.path.name}: {self.skipped}"


@dataclass(frozen=True, slots=True)
class ImportRun:
    lines: tuple[FileLine, ...]
    stopped: bool

    def outcomes(self) -> list[ImportOutcome]:
        return [line.outcome for line in self.lines if line.outcome is not None]


def distinct_files(paths: Sequence[Path]) -> list[Path]:
    """The same file dropped twice is taken once; the order given is kept."""
    seen: set[Path] = set()
    files = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)
    return files


def scan_task(paths: Sequence[Path]) -> Callable[[Job], list[Scanned]]:
    def task(job: Job) -> list[Scanned]:
        from bkdesk.exchange.files import read_limited
        from bkdesk.exchange.incoming import read_heading

        found = []
        for index, path in enumerate(paths):
            job.status(f"Đang đọc tệp {index + 1}/{len(paths)}: {path.name}")
            try:
                heading = read_heading(read_limited(path))
            except Exception:  # unreadable, whatever the reason: the import refuses it and says why
                found.append(Scanned(index, path))
            else:
                found.append(
                    Scanned(
                        index,
                        path,
                        heading.department,
                        heading.year,
                        heading.kind,
                        heading.sequence,
                        unsigned=not heading.is_signed,
                    )
                )
            job.progress(index + 1, len(paths))
        return found

    return task


def import_order(scanned: Sequence[Scanned]) -> list[Scanned]:
    """Unreadable files first (refused at once), then by sequence number, then unsigned templates as given.

    The service orders a batch the same way; here each file is its own call, so the
    order is set before: a phòng's second file must not arrive before its first.
    """
    return sorted(
        scanned,
        key=lambda item: (item.department is not None, item.sequence is None, item.sequence or 0, item.index),
    )


def import_task(
    db: Database, scanned: Sequence[Scanned], accepted_unsigned: set[Path], *, actor: str
) -> Callable[[Job], ImportRun]:
    """Import every scanned file except unsigned ones not in ``accepted_unsigned``."""

    def task(job: Job) -> ImportRun:
        from bkdesk.backups import BackupReason
        from db.backups import before
        from db.submission_import import SubmissionImporter

        wanted = [item for item in import_order(scanned) if not item.unsigned or item.path in accepted_unsigned]
        outcomes: dict[int, ImportOutcome] = {}
        stopped = False
        if wanted:
            job.status("Đang sao lưu cơ sở dữ liệu trước khi nhập…")
            before(db, BackupReason.IMPORT)  # one copy for the whole batch; none made: nothing is imported
            with SubmissionImporter(db, actor=actor) as importer:
                for done, item in enumerate(wanted):
                    if job.cancelled:
                        stopped = True
                        break
                    job.status(f"Đang nhập tệp {done + 1}/{len(wanted)}: {item.path.name}")
                    accept = item.path in accepted_unsigned
                    outcomes[item.index] = importer.take([item.path], accept_unsigned=accept)[0]
                    with contextlib.suppress(Cancelled):  # a stop asked now is seen before the next file
                        job.progress(done + 1, len(wanted))
        lines = []
        for item in sorted(scanned, key=lambda s: s.index):
            if item.index in outcomes:
                lines.append(FileLine(item.path, outcomes[item.index]))
            elif item.unsigned and item.path not in accepted_unsigned:
                lines.append(FileLine(item.path, skipped=DECLINED))
            else:
                lines.append(FileLine(item.path, skipped=STOPPED))
        return ImportRun(tuple(lines), stopped)

    return task
