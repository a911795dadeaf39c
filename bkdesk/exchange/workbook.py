"""Opening an Excel workbook that came from outside, refusing what must never be parsed.

A workbook arrives by e-mail or USB stick: it may be a renamed CSV or PDF, an old
``.xls``, an ``.ods`` from LibreOffice, password-protected, cut short, or a "zip bomb"
whose sheet inflates to gigabytes. What the file is gets decided from its content (the
name's extension says nothing), and each gets a Vietnamese message before openpyxl is
asked to read a byte of XML. Then every sheet is read once as a stream (a few
kilobytes at a time, nothing kept): a sheet past :data:`MAX_ROWS` rows or
:data:`MAX_COLUMNS` columns is refused before the workbook is loaded, whatever its
declared size says, and the stream stops at the first row past the limit.

openpyxl and the XML parser are imported only when a workbook is read, so the
submission reader can use the checks here without paying for them on every JSON file.
"""

from __future__ import annotations

import os
import posixpath
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from bkdesk.exchange.files import FileRefused
from bkdesk.numbers import format_number

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from openpyxl.workbook.workbook import Workbook

# A real appendix is a few hundred kilobytes of XML; 200 MB is far beyond any table
# and still small enough to refuse before memory runs out.
MAX_PART_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 400 * 1024 * 1024
# An appendix has a few hundred rows and a dozen columns; these leave room for any real one.
MAX_ROWS = 20_000
MAX_COLUMNS = 200

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# Office writes a password-protected .xlsx as an OLE container holding this stream.
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ENCRYPTION_SCAN_BYTES = 64 * 1024 * 1024
# A PDF may start with a few bytes of junk before its header; readers look this far.
_PDF_SCAN_BYTES = 1024
_STREAM_CHUNK = 64 * 1024
_SHEET_TYPE = "/worksheet"
_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})?\$?([0-9]{1,7})?")
# Excel's last column (XFD); a row with more cells than this is not a spreadsheet's.
_EXCEL_COLUMNS = 16_384
_MAX_DEPTH = 64
_SPARE_STRINGS = 1_000
_STRINGS_TYPE = "/sharedStrings"
_STRINGS_CONTENT = "spreadsheetml.sharedStrings+xml"
_SAVE_AS_XLSX = "hãy lưu lại thành .xlsx (Excel Workbook) rồi gửi lại"
# What reading a damaged zip raises: a bad stream or CRC, a cut file, an encrypted member, an unknown method.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


class WorkbookError(ValueError):
    """The file cannot be read as a table; ``message`` is Vietnamese and names the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MissingWorkbook(WorkbookError):
    """The path names no file."""


def content_refusal(name: str, data: bytes, *, encrypted: bool | None = None) -> str | None:
    """What a file that is not a zip really is, when a person could take it for a workbook; else ``None``.

    ``data`` is the file's start (at least its first kilobyte); ``encrypted`` says
    whether an OLE file holds Office's encryption stream (looked for in ``data`` when
    not given).
    """
    if data.startswith(_OLE_MAGIC):
        if encrypted is None:
            encrypted = _ENCRYPTION_STREAM in data[:_ENCRYPTION_SCAN_BYTES]
        if encrypted:
            return (
                f"Tệp {name} được đặt mật khẩu: hãy mở bằng Excel, bỏ mật khẩu "
                "(Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu: để trống), lưu lại rồi gửi lại"
            )
        return f"Tệp {name} là định dạng Excel 97–2003 (.xls): {_SAVE_AS_XLSX}"
    head = data[:_PDF_SCAN_BYTES]
    if b"%PDF-" in head and not head.lstrip().startswith(b"{"):  # a JSON file may quote anything
        return (
            f"Tệp {name} là tệp PDF (bản in của biểu), không phải bảng tính: bkdesk không đọc được số liệu từ PDF; "
            "hãy gửi tệp Excel (.xlsx) gốc"
        )
    return None


def archive_refusal(name: str, archive: zipfile.ZipFile) -> str | None:
    """What a zip a person could take for a workbook really is (an ``.ods``, an ``.xlsb``…); else ``None``."""
    names = set(archive.namelist())
    if "mimetype" in names:
        info = archive.getinfo("mimetype")
        mimetype = archive.read(info).strip() if info.file_size <= 200 else b""
        if mimetype == _ODS_MIMETYPE:
            return f"Tệp {name} là định dạng OpenDocument (.ods): {_SAVE_AS_XLSX}"
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            return f"Tệp {name} là tài liệu OpenDocument, không phải bảng tính Excel (.xlsx)"
    if "xl/workbook.bin" in names:
        return f"Tệp {name} là định dạng Excel nhị phân (.xlsb): {_SAVE_AS_XLSX}"
    if "word/document.xml" in names:
        return f"Tệp {name} là văn bản Word (.docx), không phải bảng tính Excel (.xlsx)"
    return None


def check_sheet_sizes(archive: zipfile.ZipFile, *, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS) -> None:
    """Refuse (:class:`FileRefused`) a workbook with a sheet past ``max_rows`` rows or ``max_columns`` columns.

    Each sheet's XML is streamed and dropped as it goes, so a sheet of a million rows
    costs the reading of ``max_rows`` of them. A row counts by its number and by its
    place (a file can number its rows falsely, or not at all); the declared dimension
    is believed when it is too big, never when it is small. A column counts only for a
    cell that holds something: LibreOffice writes empty formatted cells out to its
    1,024th column when a whole row is formatted, and a person cannot see those.

    The table of shared strings is loaded whole by any reader, so it may hold no more
    strings than the sheets' cells use (and a little spare): a few megabytes of a
    repeated string inflate to millions of them.
    """
    sheets, string_tables = _parts(archive)
    string_cells = sum(_check_sheet(archive, part, title, max_rows, max_columns) for title, part in sheets)
    for part in string_tables:
        _check_strings(archive, part, string_cells + _SPARE_STRINGS)


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
        head = handle.read(_PDF_SCAN_BYTES)
    if not head.startswith(b"PK"):
        refusal = content_refusal(name, head, encrypted=head.startswith(_OLE_MAGIC) and _is_encrypted(file))
        if refusal is not None:
            raise WorkbookError(refusal)
        raise WorkbookError(f"Tệp {name} không phải tệp Excel (.xlsx){_guess_kind(file, head)}")
    _check_archive(file, max_part_bytes, max_total_bytes)
    from openpyxl import load_workbook

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
            refusal = archive_refusal(name, archive)
            if refusal is not None:
                raise WorkbookError(refusal)
            if "xl/workbook.xml" not in archive.namelist():
                raise WorkbookError(f"Tệp {name} là tệp nén nhưng không phải sổ làm việc Excel (.xlsx)")
            total = 0
            for info in archive.infolist():
                total += info.file_size
                if info.file_size > max_part_bytes or total > max_total_bytes:
                    size = max(info.file_size, total)
                    raise WorkbookError(
                        f"Tệp {name} quá lớn khi giải nén ({info.filename}: {size // (1024 * 1024)} MB): "
                        "một biểu chỉ tiêu không thể lớn như vậy, tệp có thể bị hỏng hoặc độc hại; không nhập"
                    )
            check_sheet_sizes(archive)
    except FileRefused as exc:
        raise WorkbookError(f"Tệp {name}: {exc.message}") from exc
    except ZIP_ERRORS as exc:
        raise WorkbookError(f"Tệp {name} bị hỏng (không giải nén được): hãy mở bằng Excel và lưu lại") from exc


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


def _local(tag: str) -> str:
    """An XML tag without its namespace: Excel, LibreOffice and the strict format use different ones."""
    return tag.rpartition("}")[2]


def _attribute(element: Element, name: str) -> str | None:
    """An attribute by its local name (``r:id`` is ``{…relationships}id``)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _stream(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[str, Element]]:
    """The start and end events of one part, read a chunk at a time.

    An element is dropped from its parent once the caller has seen its end, so memory
    holds only the open elements, however long the part.
    """
    from xml.etree.ElementTree import Element, XMLPullParser

    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    open_elements: list[Element] = []

    def events() -> Iterator[tuple[str, Element]]:
        for item in parser.read_events():
            if len(item) != 2 or not isinstance(item[1], Element):
                continue  # only start and end were asked for: never a namespace or comment event
            event, element = item[0], item[1]
            if event == "start":
                open_elements.append(element)
                if len(open_elements) > _MAX_DEPTH:
                    raise FileRefused(f"phần {part} của sổ làm việc bị hỏng (các thẻ XML lồng nhau quá sâu)")
            yield event, element
            if event == "end":
                open_elements.pop()
                if open_elements:
                    del open_elements[-1][-1]

    with archive.open(part) as stream:
        while chunk := stream.read(_STREAM_CHUNK):
            parser.feed(chunk)
            yield from events()
    parser.close()
    yield from events()


def _parts(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str]], list[str]]:
    """(title, part) of every worksheet, and every table of shared strings, wherever a reader could find them."""
    names = set(archive.namelist())
    targets: dict[str, str] = {}
    strings: set[str] = set()
    if "xl/_rels/workbook.xml.rels" in names:
        for event, element in _safe_stream(archive, "xl/_rels/workbook.xml.rels"):
            if event == "start" and _local(element.tag) == "Relationship":
                kind, target, key = element.get("Type", ""), element.get("Target", ""), element.get("Id", "")
                path = posixpath.normpath(
                    target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
                )
                if kind.endswith(_SHEET_TYPE) and target:
                    targets[key] = path
                elif kind.endswith(_STRINGS_TYPE) and target:
                    strings.add(path)
    if "[Content_Types].xml" in names:
        # openpyxl finds the shared strings by their content type, not by the workbook's relationships.
        for event, element in _safe_stream(archive, "[Content_Types].xml"):
            if event == "start" and element.get("ContentType", "").endswith(_STRINGS_CONTENT):
                strings.add(posixpath.normpath(element.get("PartName", "").lstrip("/")))
    strings.add("xl/sharedStrings.xml")
    parts: dict[str, str] = {}
    for event, element in _safe_stream(archive, "xl/workbook.xml"):
        if event == "start" and _local(element.tag) == "sheet":
            part = targets.get(_attribute(element, "id") or "")
            if part in names:
                parts.setdefault(part, element.get("name") or part)
    for name in sorted(names):
        if name.startswith("xl/worksheets/") and name.endswith(".xml") and name.count("/") == 2:
            parts.setdefault(name, posixpath.basename(name))
    return [(title, part) for part, title in parts.items()], sorted(strings & names)


def _check_strings(archive: zipfile.ZipFile, part: str, allowed: int) -> None:
    count = 0
    for event, element in _safe_stream(archive, part):
        if event == "start" and _local(element.tag) == "si":
            count += 1
            if count > allowed:
                raise FileRefused(
                    f"sổ làm việc chứa hơn {format_number(allowed)} chuỗi chữ mà các trang không dùng đến (tệp bị "
                    "hỏng hoặc do một chương trình lạ tạo ra); hãy mở bằng Excel, lưu lại rồi gửi lại"
                )


def _safe_stream(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[str, Element]]:
    """Events of a part the workbook must have; a damaged one is refused by name."""
    from xml.etree.ElementTree import ParseError

    try:
        yield from _stream(archive, part)
    except ParseError as exc:
        raise FileRefused(f"phần {part} của sổ làm việc bị hỏng (XML sai ở dòng {exc.position[0]})") from exc


def _check_sheet(archive: zipfile.ZipFile, part: str, title: str, max_rows: int, max_columns: int) -> int:
    """Refuse a sheet too long or too wide; the number of its cells that use a shared string."""

    def too_long(row: int) -> FileRefused:
        return FileRefused(
            f"trang «{title}» dài đến dòng {format_number(row)}, quá giới hạn {format_number(max_rows)} dòng "
            "của một biểu; hãy xóa các dòng thừa ở cuối trang, lưu lại rồi gửi lại"
        )

    def too_wide(column: int) -> FileRefused:
        return FileRefused(
            f"trang «{title}» có dữ liệu ở cột {_letters(column)} (cột thứ {format_number(column)}), quá giới hạn "
            f"{format_number(max_columns)} cột của một biểu; hãy xóa các cột thừa, lưu lại rồi gửi lại"
        )

    from xml.etree.ElementTree import ParseError

    row = rows = column = cells = strings = 0
    holds = False
    try:
        for event, element in _stream(archive, part):
            tag = _local(element.tag)
            if event == "start":
                if tag == "c":
                    cells += 1
                    strings += element.get("t") == "s"
                    cell_column, cell_row = _reference(element.get("r", ""))
                    column = cell_column or column + 1
                    holds = False
                    if cell_row > max_rows:
                        raise too_long(cell_row)
                    if max(column, cells) > _EXCEL_COLUMNS:
                        raise too_wide(max(column, cells))
                elif tag in ("v", "f", "is"):
                    holds = True
                elif tag == "row":
                    rows += 1
                    number = element.get("r", "")
                    row = int(number) if number.isdigit() else row + 1
                    column = cells = 0
                    if max(row, rows) > max_rows:
                        raise too_long(max(row, rows))
                elif tag == "dimension":
                    declared = _reference(element.get("ref", "").rpartition(":")[2])[1]
                    if declared > max_rows:
                        raise too_long(declared)
            elif tag == "c" and holds and column > max_columns:
                raise too_wide(column)
            elif tag == "sheetData":
                break  # what follows (merged cells, print settings) holds no cell
    except ParseError as exc:
        raise FileRefused(
            f"trang «{title}» bị hỏng (XML sai ở dòng {exc.position[0]} của {part}); hãy mở bằng Excel, lưu lại "
            "rồi gửi lại"
        ) from exc
    return strings


def _reference(text: str) -> tuple[int, int]:
    """``AB12`` → (28, 12); a missing part is 0."""
    found = _CELL_REFERENCE.fullmatch(text.strip())
    if found is None:
        return 0, 0
    letters, digits = found.groups()
    column = 0
    for letter in (letters or "").upper():
        column = column * 26 + ord(letter) - 64
    return column, int(digits) if digits else 0


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
