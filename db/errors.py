"""The one error the persistence layer raises to its callers: a Vietnamese message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


class StoreError(Exception):
    """A refusal or failure to show the user as it is (``message`` is Vietnamese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(StoreError):
    """The user's text was refused (a number that does not parse, a missing reason)."""


@dataclass(frozen=True, slots=True)
class StaleField:
    """One stored value that changed after the person saw it: who changed it, to what, and when."""

    code: str
    place: str  # the row as a person names it: "A.8 Đàn lợn"
    field: str
    label: str  # the field in words: "số liệu", "ghi chú", "nhiệm vụ", …
    expected: str  # what the person saw
    stored: str  # what is stored now
    actor: str = ""
    at: datetime | None = None


class StaleValue(StoreError):
    """A person's write refused, nothing written: a value changed since the person saw it.

    ``stale`` holds every such value (the grid reloads their rows); ``total`` is how many
    cells the refused write had. ``message`` names the first value and what the person
    saw; :meth:`describe` words it for a caller that knows when the person saw it.
    """

    def __init__(self, stale: Sequence[StaleField], total: int = 1) -> None:
        self.stale = tuple(stale)
        self.total = total
        super().__init__(self.describe())

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(item.code for item in self.stale))

    def describe(self, after: str | None = None) -> str:
        """``A.8 Đàn lợn: số liệu đã được «Phòng Kinh tế» sửa thành 22.000 lúc 07/12/2026 21:05 {after}; chưa lưu.``

        Without ``after``: "…, không còn là 21.246 như bạn thấy; chưa lưu."
        """
        first = self.stale[0]
        if after is None:
            seen = _shown(first.field, first.expected) if first.expected else "(trống)"
            after = f", không còn là {seen} như bạn thấy"
        else:
            after = f" {after}"
        others = f" (và {len(self.stale) - 1} ô khác cũng đã thay đổi)" if len(self.stale) > 1 else ""
        unsaved = "chưa lưu ô nào" if self.total > 1 else "chưa lưu"
        return f"{stale_sentence(first)}{after}{others}; {unsaved}."


def stale_sentence(item: StaleField) -> str:
    """``A.8 Đàn lợn: số liệu đã được «Phòng Kinh tế» sửa thành 22.000 lúc 07/12/2026 21:05``."""
    who = f" «{item.actor}»" if item.actor else ""
    what = f"sửa thành {_shown(item.field, item.stored)}" if item.stored else "xóa"
    when = f" lúc {item.at.astimezone().strftime('%d/%m/%Y %H:%M')}" if item.at is not None else ""
    return f"{item.place}: {item.label} đã được{who} {what}{when}"


def _shown(field: str, text: str) -> str:
    """Figures as written (``22.000``); notes, verdicts and words in quotes, a long note cut short."""
    if field in ("note", "verdict") or any(ch.isalpha() for ch in text):
        return f"«{text if len(text) <= 60 else text[:59] + '…'}»"
    return text


class DatabaseProblem(StoreError):
    """The database itself cannot be used as asked: damaged, read-only, locked, disk full, gone.

    ``kind`` says which (one of the ``PROBLEM_*`` names below), for a caller that reacts
    to it; the message already says what is wrong and what to do.
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


DAMAGED = "damaged"
READ_ONLY = "read-only"
LOCKED = "locked"
FULL = "full"
MISSING = "missing"
DISK = "disk"

# SQLite's primary result codes (https://www.sqlite.org/rescode.html): an extended code
# carries its primary one in its low byte.
_KINDS = {
    3: READ_ONLY,  # SQLITE_PERM
    5: LOCKED,  # SQLITE_BUSY
    6: LOCKED,  # SQLITE_LOCKED
    8: READ_ONLY,  # SQLITE_READONLY
    10: DISK,  # SQLITE_IOERR
    11: DAMAGED,  # SQLITE_CORRUPT
    13: FULL,  # SQLITE_FULL
    14: MISSING,  # SQLITE_CANTOPEN
    23: READ_ONLY,  # SQLITE_AUTH
    24: DAMAGED,  # SQLITE_FORMAT
    26: DAMAGED,  # SQLITE_NOTADB
}


def problem_message(kind: str, label: str) -> str:
    """One line: what is wrong with the database ``label`` and what the user can do."""
    name = f"cơ sở dữ liệu {label}" if label else "cơ sở dữ liệu"
    if kind == DAMAGED:
        return (
            f"Tệp {name} bị hỏng, không đọc được trọn vẹn; đừng ghi thêm vào tệp này: hãy khôi phục bản sao lưu "
            "gần nhất (Tệp → Sao lưu / Khôi phục…, hoặc lệnh «python main.py backups restore») và báo người quản trị."
        )
    if kind == READ_ONLY:
        return (
            f"Không ghi được vào {name}: tệp hoặc thư mục chứa nó chỉ cho phép đọc (ổ đĩa chỉ đọc, không có quyền "
            "ghi); muốn sửa số liệu, hãy chép tệp sang một thư mục ghi được (hoặc xin quyền ghi) rồi mở bản chép đó."
        )
    if kind == LOCKED:
        return (
            f"{name[0].upper()}{name[1:]} đang bị một chương trình khác giữ để ghi (bkdesk ở cửa sổ hoặc máy khác, "
            "hay một lệnh nhập số liệu đang chạy), chưa làm được gì; hãy đợi chương trình đó xong rồi thử lại."
        )
    if kind == FULL:
        return (
            f"Ổ đĩa chứa {name} đã đầy nên chưa ghi được gì (số liệu đã lưu trước đó vẫn nguyên); "
            "hãy giải phóng bớt dung lượng trên ổ đĩa đó rồi thử lại."
        )
    if kind == MISSING:
        return (
            f"Không mở được tệp {name}: tệp đã bị xóa, đổi tên hoặc ổ đĩa (USB, thư mục mạng) đã ngắt; "
            "hãy kiểm tra tệp còn ở đó rồi mở lại."
        )
    return (
        f"Lỗi đọc ghi ổ đĩa khi dùng {name} (ổ đĩa lỗi, USB hoặc mạng bị ngắt giữa chừng); "
        "hãy kiểm tra ổ đĩa rồi thử lại. Số liệu đã lưu trước đó vẫn nguyên."
    )


def database_problem(exc: BaseException, label: str = "") -> DatabaseProblem | None:
    """The user's message for a SQLite failure, raw (``sqlite3``) or wrapped by SQLAlchemy; else ``None``.

    The one place where SQLite's result codes become words: the engine (``db.database``),
    the file checks done with ``sqlite3`` alone, the CLI and the app all come here.
    """
    if isinstance(exc, DatabaseProblem):
        return exc
    original = getattr(exc, "orig", None) or exc  # SQLAlchemy's DBAPIError keeps the driver's error
    code = getattr(original, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    kind = _KINDS.get(code & 0xFF)
    if kind is None:
        return None
    return DatabaseProblem(problem_message(kind, label), kind)
