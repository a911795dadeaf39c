"""What a file handed to ``import-submissions`` is: a signed submission or a filled Excel template.

Both come out as one :class:`Incoming`, so the merge that follows treats them alike;
only the signature check (done against the key the database holds) and the
``signed`` mark differ.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bkdesk.catalogue import Department, PeriodKind
from bkdesk.exchange.files import FileRefused, RawFile, decode_utf8
from bkdesk.exchange.merge import Figure
from bkdesk.exchange.submission import BaseRef, SignedSubmission, SubmittedValue, read_submission
from bkdesk.exchange.workbook import ZIP_ERRORS, archive_refusal, content_refusal

if TYPE_CHECKING:
    # The template reader is imported when a file is a workbook: a batch of signed files never needs it.
    from bkdesk.exchange.template import FilledTemplate

log = logging.getLogger("bkdesk.exchange")


@dataclass(frozen=True, slots=True)
class Incoming:
    """A parsed file, not yet checked against the database."""

    file: RawFile
    department: Department
    year: int
    kind: PeriodKind
    made_at: datetime
    values: tuple[SubmittedValue, ...]
    sequence: int | None = None
    signed: SignedSubmission | None = None
    template: FilledTemplate | None = None

    @property
    def is_signed(self) -> bool:
        return self.signed is not None

    @property
    def installation_id(self) -> str:
        """The installation that made a signed file; empty for a first-format file or a template."""
        return self.signed.submission.installation_id if self.signed is not None else ""

    @property
    def base(self) -> BaseRef | None:
        return self.signed.submission.base if self.signed is not None else None

    def template_base(self) -> dict[str, Figure]:
        return self.template.base() if self.template is not None else {}


def parse_incoming(file: RawFile) -> Incoming:
    """Recognise and parse a file; :class:`FileRefused` for anything else, anything damaged, any reader failure.

    A reader that fails in a way nobody foresaw (a library's own exception on a damaged
    sheet) still refuses only this file: the details go to the log file, the user gets
    a sentence naming the file.
    """
    try:
        return _parse(file)
    except FileRefused:
        raise
    except Exception as exc:
        log.exception("reading %s failed", file.name)
        raise FileRefused(
            f"không đọc được tệp (lỗi {type(exc).__name__} khi đọc; chi tiết đã ghi vào tệp nhật ký): "
            "tệp có thể bị hỏng, hãy xuất hoặc lưu lại tệp rồi gửi lại"
        ) from exc


def _parse(file: RawFile) -> Incoming:
    if file.is_zip:
        refusal = _archive_refusal(file)
        if refusal is not None:
            raise FileRefused(refusal)
        from bkdesk.exchange.template import read_template

        template = read_template(file.data)
        info = template.info
        return Incoming(
            file=file,
            department=info.department,
            year=info.year,
            kind=info.kind,
            made_at=template.saved_at or info.created_at,
            values=template.values,
            template=template,
        )
    refusal = content_refusal(file.name, file.data)
    if refusal is not None:
        raise FileRefused(refusal)
    if not decode_utf8(file.data).lstrip().startswith("{"):
        raise FileRefused("không phải tệp nộp số liệu (JSON) hay biểu mẫu Excel (.xlsx) của bkdesk")
    signed = read_submission(file.data)
    submission = signed.submission
    return Incoming(
        file=file,
        department=submission.department,
        year=submission.year,
        kind=submission.kind,
        made_at=submission.created_at,
        values=submission.values,
        sequence=submission.sequence,
        signed=signed,
    )


@dataclass(frozen=True, slots=True)
class Heading:
    """What a file says it is: enough to order a batch and to ask about it by name before importing."""

    department: Department
    year: int
    kind: PeriodKind
    sequence: int | None
    is_signed: bool


def read_heading(file: RawFile) -> Heading:
    """The heading of a file, or :class:`FileRefused` as :func:`parse_incoming` says it.

    A submission's heading is looked at in its JSON without the checks of its values and
    signature, which the import makes anyway (read twice, they were a fifth of the app's
    import); anything unexpected in it is left to the full reading, which then says what.
    """
    if not file.is_zip and file.data[:1] == b"{":
        try:
            payload = json.loads(file.data)["payload"]
            department, period, sequence = payload["department"], payload["period"], payload["sequence"]
            if isinstance(sequence, int) and isinstance(period["year"], int):
                code, name = department["code"], department["name"]
                if isinstance(code, str) and isinstance(name, str):
                    return Heading(Department(code, name), period["year"], PeriodKind(period["kind"]), sequence, True)
        except (ValueError, KeyError, TypeError):
            pass
    incoming = parse_incoming(file)
    return Heading(incoming.department, incoming.year, incoming.kind, incoming.sequence, incoming.is_signed)


def _archive_refusal(file: RawFile) -> str | None:
    """An ``.ods`` or other zip that is no ``.xlsx``, told by name; a damaged zip is left to the template reader."""
    try:
        with zipfile.ZipFile(io.BytesIO(file.data)) as archive:
            return archive_refusal(file.name, archive)
    except (*ZIP_ERRORS, ValueError, OSError):
        return None
