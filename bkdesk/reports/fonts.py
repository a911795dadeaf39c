"""The serif family of every report: Times New Roman where Windows has it, else Liberation Serif.

Liberation Serif 2.x has the metrics of Times New Roman and every Vietnamese letter;
it ships in ``resources/fonts`` with its licence. reportlab's built-in Times and
Helvetica have no Vietnamese glyphs, so nothing may fall back to them. The family is
registered once per process: parsing four TrueType files is the costly part.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
FAMILY = "BKSerif"
STYLES = ("regular", "bold", "italic", "bold_italic")

LIBERATION_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bold_italic": "LiberationSerif-BoldItalic.ttf",
}
WINDOWS_TIMES_FILES = {
    "regular": "times.ttf",
    "bold": "timesbd.ttf",
    "italic": "timesi.ttf",
    "bold_italic": "timesbi.ttf",
}


@dataclass(frozen=True, slots=True)
class FontFamily:
    """The registered reportlab names of the four faces, and which fonts they are."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    source: str


class FontMissing(RuntimeError):
    """The bundled fonts are not where bkdesk was installed; ``message`` is Vietnamese."""

    def __init__(self, path: Path) -> None:
        self.message = f"Không tìm thấy phông chữ {path}; hãy cài lại bkdesk"
        super().__init__(self.message)


_lock = threading.Lock()
_registered: FontFamily | None = None


def windows_times() -> dict[str, Path] | None:
    """Times New Roman's four files on Windows, when all of them are installed."""
    if sys.platform != "win32":
        return None
    folder = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    files = {style: folder / name for style, name in WINDOWS_TIMES_FILES.items()}
    return files if all(path.is_file() for path in files.values()) else None


def font_files() -> tuple[dict[str, Path], str]:
    times = windows_times()
    if times is not None:
        return times, "Times New Roman"
    files = {style: FONT_DIR / name for style, name in LIBERATION_FILES.items()}
    for path in files.values():
        if not path.is_file():
            raise FontMissing(path)
    return files, "Liberation Serif"


def serif_family() -> FontFamily:
    """Register the family with reportlab (once) and return its names."""
    global _registered
    with _lock:
        if _registered is not None:
            return _registered
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        files, source = font_files()
        names = {style: FAMILY if style == "regular" else f"{FAMILY}-{style}" for style in STYLES}
        for style in STYLES:
            pdfmetrics.registerFont(TTFont(names[style], str(files[style])))
        # Paragraph markup (<b>, <i>, <super>) finds the faces through the family.
        pdfmetrics.registerFontFamily(
            FAMILY,
            normal=names["regular"],
            bold=names["bold"],
            italic=names["italic"],
            boldItalic=names["bold_italic"],
        )
        _registered = FontFamily(names["regular"], names["bold"], names["italic"], names["bold_italic"], source)
        return _registered
