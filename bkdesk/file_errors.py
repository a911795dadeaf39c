"""Why a file could not be read or written, in words an office worker can act on."""

from __future__ import annotations

import errno
from pathlib import Path

_WINDOWS_SHARING_VIOLATION = 32
_WINDOWS_LOCK_VIOLATION = 33


def describe_file_error(path: Path, error: OSError) -> str:
    """Why ``path`` could not be written, in words an office worker can act on."""
    return f'Không ghi được tệp "{path}": {file_error_reason(error)}'


def file_error_reason(error: OSError) -> str:
    code = error.errno
    if getattr(error, "winerror", None) in (_WINDOWS_SHARING_VIOLATION, _WINDOWS_LOCK_VIOLATION):
        return "tệp đang được mở trong một chương trình khác (Excel, trình đọc PDF…). Hãy đóng tệp đó rồi lưu lại."
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "ổ đĩa đã đầy. Hãy giải phóng bớt dung lượng hoặc lưu vào ổ khác."
    if code == errno.EROFS:
        return "ổ đĩa hoặc thư mục này chỉ cho phép đọc. Hãy chọn nơi lưu khác."
    if isinstance(error, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return (
            "không có quyền ghi vào đó, hoặc tệp đang được mở trong một chương trình khác. "
            "Hãy đóng tệp hoặc chọn thư mục khác."
        )
    if isinstance(error, IsADirectoryError):
        return "đã có một thư mục trùng tên. Hãy chọn tên tệp khác."
    if isinstance(error, FileNotFoundError) or code == errno.ENOENT:
        return "không tìm thấy tệp hoặc thư mục chứa tệp (có thể ổ USB đã được rút ra). Hãy chọn nơi khác."
    if code == errno.ENAMETOOLONG:
        return "tên hoặc đường dẫn của tệp quá dài. Hãy chọn tên ngắn hơn."
    return f"lỗi của hệ điều hành ({error.strerror or error})."
