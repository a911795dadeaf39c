"""Writing a report file whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

Output = str | os.PathLike[str] | BinaryIO


@contextmanager
def output_stream(out: Output) -> Iterator[BinaryIO]:
    """Yield a stream for ``out``; a path is written through a temporary file beside it.

    The file appears under its name only once it is complete, so a failed or
    cancelled report never leaves half a PDF where the previous one was.
    """
    if not isinstance(out, str | os.PathLike):
        yield out
        return
    target = Path(out)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or None)
    except OSError as exc:
        raise _about_target(exc, target) from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        # mkstemp makes the file private to its owner; a report is an ordinary document.
        os.chmod(temporary, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise _about_target(exc, target) from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _about_target(error: OSError, target: Path) -> OSError:
    # The user named the report, not the temporary file beside it.
    return OSError(error.errno, error.strerror, str(target))
