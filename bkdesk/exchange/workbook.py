"""Opening an Excel workbook that came from outside, refusing what must never be parsed.

A workbook arrives by e-mail or USB stick: it may be a renamed CSV, an old ``.xls``,
password-protected, cut short, or a "zip bomb" whose sheet inflates to gigabytes.
Each gets a Vietnamese message before openpyxl is asked to read a byte of XML.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

# A real appendix is a few hundred kilobytes of XML; 200 MB is far beyond any table
# and still small enough to refuse before memory runs out.
MAX_PART_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 400 * 1024 * 1024

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# Office writes a password-protected .xlsx as an OLE container holding this stream.
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ENCRYPTION_SCAN_BYTES = 64 * 1024 * 1024


class WorkbookError(ValueError):
    """The file cannot be read as a table; ``message`` is Vietnamese and names the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MissingWorkbook(WorkbookError):
    """The path names no file."""


def open_workbook(
    path: str | os.PathLike[str],
    *,
    max_part_bytes: int = MAX_PART_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> Workbook:
    """The workbook at ``path`` with formulas kept as formulas (``data_only=False``)."""
    file = Path(path)
    name = file.name
    if not file.exists():
        raise MissingWorkbook(f"Không có tệp {file}")
    if file.is_dir():
        raise WorkbookError(f"{file} là một thư mục, không phải tệp Excel")
    with open(file, "rb") as handle:
        head = handle.read(8)
    if head.startswith(_OLE_MAGIC):
        if _is_encrypted(file):
            raise WorkbookError(
                f"Tệp {name} được đặt mật khẩu: hãy mở bằng Excel, bỏ mật khẩu "
                "(Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu: để trống), lưu lại rồi nhập"
            )
        raise WorkbookError(
            f"Tệp {name} là tệp Excel 97-2003 (.xls): hãy mở bằng Excel và lưu thành Sổ làm việc Excel (.xlsx)"
        )
    if not head.startswith(b"PK"):
        raise WorkbookError(f"Tệp {name} không phải tệp Excel (.xlsx){_guess_kind(file, head)}")
    _check_archive(file, max_part_bytes, max_total_bytes)
    try:
        with open(file, "rb") as handle, warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation extensions,
            # slicers…); they do not matter for reading figures.
            warnings.simplefilter("ignore")
            return load_workbook(handle, data_only=False, keep_links=False)
    except Exception as exc:  # any parser failure means a damaged or foreign file
        raise WorkbookError(f"Tệp {name} bị hỏng hoặc không đúng định dạng .xlsx ({type(exc).__name__})") from exc


def _check_archive(file: Path, max_part_bytes: int, max_total_bytes: int) -> None:
    name = file.name
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            names = {info.filename for info in members}
            if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
                raise WorkbookError(
                    f"Tệp {name} là bảng tính LibreOffice (.ods): hãy lưu thành Sổ làm việc Excel (.xlsx)"
                )
    except zipfile.BadZipFile as exc:
        raise WorkbookError(f"Tệp {name} bị hỏng (không giải nén được): hãy mở bằng Excel và lưu lại") from exc
    if "xl/workbook.xml" not in names:
        raise WorkbookError(f"Tệp {name} là tệp nén nhưng không phải sổ làm việc Excel (.xlsx)")
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > max_part_bytes or total > max_total_bytes:
            size = max(info.file_size, total)
            raise WorkbookError(
                f"Tệp {name} quá lớn khi giải nén ({info.filename}: {size // (1024 * 1024)} MB): "
                "một biểu chỉ tiêu không thể lớn như vậy, tệp có thể bị hỏng hoặc độc hại; không nhập"
            )


def _is_encrypted(file: Path) -> bool:
    with open(file, "rb") as handle:
        return _ENCRYPTION_STREAM in handle.read(_ENCRYPTION_SCAN_BYTES)


def _guess_kind(file: Path, head: bytes) -> str:
    suffix = file.suffix.casefold()
    if suffix == ".csv":
        return ": đây là tệp CSV; hãy mở bằng Excel và lưu thành .xlsx"
    if head.lstrip().startswith(b"<"):
        return ": nội dung là HTML/XML (tệp tải từ web?); hãy mở bằng Excel và lưu thành .xlsx"
    if not head:
        return ": tệp rỗng"
    return ""
