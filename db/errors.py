"""The one error the persistence layer raises to its callers: a Vietnamese message."""


class StoreError(Exception):
    """A refusal or failure to show the user as it is (``message`` is Vietnamese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(StoreError):
    """The user's text was refused (a number that does not parse, a missing reason)."""


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
            f"Tệp {name} bị hỏng, không đọc được trọn vẹn; đừng ghi thêm vào tệp này: hãy mở bản sao lưu gần nhất "
            "(tệp *.bak.sqlite bên cạnh, hoặc bản chép trên máy khác) và báo người quản trị."
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
