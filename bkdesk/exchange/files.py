"""Reading files that arrive from outside, within limits decided before reading them.

A submission is a few hundred kilobytes at most; a file of hundreds of megabytes, or a
zip (an ``.xlsx`` is one) that would expand without bound, is refused by its size and
its declared sizes before it is read into memory, and decompression is counted as it
streams, so a zip that lies about its sizes is stopped too.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 20 * 1024 * 1024
# A filled template is a few megabytes at most; whatever it expands to, a reader may hold in memory at once.
MAX_EXPANDED_BYTES = 30 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
_CHUNK = 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"


class FileRefused(ValueError):
    """A file that cannot be taken in; ``message`` says why, in Vietnamese, without the file's name."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class RawFile:
    """A file's bytes as read, with the SHA-256 that identifies it in provenance."""

    name: str
    data: bytes
    sha256: str

    @property
    def is_zip(self) -> bool:
        return self.data.startswith(ZIP_MAGIC)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def read_limited(path: str | os.PathLike[str], limit: int | None = None) -> RawFile:
    """Read a file of at most ``limit`` bytes (``MAX_FILE_BYTES``); a bigger one is refused before it is read."""
    limit = MAX_FILE_BYTES if limit is None else limit
    file = Path(path)
    try:
        size = file.stat().st_size
    except FileNotFoundError as exc:
        raise FileRefused("không tìm thấy tệp") from exc
    except OSError as exc:
        raise FileRefused(f"không đọc được tệp ({exc.strerror})") from exc
    if file.is_dir():
        raise FileRefused("đây là một thư mục, không phải tệp")
    if size > limit:
        raise FileRefused(f"tệp quá lớn ({megabytes(size)}; tối đa {megabytes(limit)})")
    try:
        with open(file, "rb") as handle:
            # The size may have grown since stat(), or the path may be a pipe: read one byte past the limit.
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FileRefused(f"không đọc được tệp ({exc.strerror})") from exc
    if len(data) > limit:
        raise FileRefused(f"tệp quá lớn (hơn {megabytes(limit)})")
    if not data:
        raise FileRefused("tệp rỗng")
    return RawFile(file.name, data, hashlib.sha256(data).hexdigest())


def decode_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileRefused(f"tệp không phải văn bản UTF-8 (byte lạ ở vị trí {exc.start})") from exc


def checked_zip(data: bytes, limit: int | None = None) -> zipfile.ZipFile:
    """Open a zip only if everything in it expands to at most ``limit`` bytes (``MAX_EXPANDED_BYTES``).

    Declared sizes are checked first (nothing is decompressed for a zip that admits
    to being huge); then each member is decompressed in chunks and counted, so one
    that declares less than it holds is stopped as soon as it passes its declaration.
    """
    archive = open_zip(data, limit)
    verify_zip(archive, limit)
    return archive


def open_zip(data: bytes, limit: int | None = None) -> zipfile.ZipFile:
    """A zip whose declared sizes add up to at most ``limit`` bytes; nothing is decompressed yet."""
    limit = MAX_EXPANDED_BYTES if limit is None else limit
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileRefused("tệp nén bị hỏng hoặc bị cắt cụt") from exc
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise FileRefused(f"tệp nén có quá nhiều thành phần ({len(members)}; tối đa {MAX_ZIP_MEMBERS})")
    declared = sum(member.file_size for member in members)
    if declared > limit:
        raise FileRefused(f"tệp nén khi giải nén quá lớn ({megabytes(declared)}; tối đa {megabytes(limit)})")
    return archive


def verify_zip(archive: zipfile.ZipFile, limit: int | None = None) -> None:
    """Decompress every member in chunks, counting: damage or more data than declared is refused."""
    limit = MAX_EXPANDED_BYTES if limit is None else limit
    total = 0
    for member in archive.infolist():
        expanded = 0
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    expanded += len(chunk)
                    total += len(chunk)
                    if expanded > member.file_size or total > limit:
                        raise FileRefused("tệp nén chứa nhiều dữ liệu hơn mức khai báo (có thể là tệp độc hại)")
        except FileRefused:
            raise
        except Exception as exc:
            # A damaged stream (BadZipFile, zlib.error, EOFError), an unsupported compression
            # method or an encrypted member (RuntimeError): whatever the library calls it.
            raise FileRefused(f"tệp nén bị hỏng ({member.filename})") from exc
