"""Fonts that show every Vietnamese diacritic, on Windows and on Linux.

The system sans-serif stays the UI font when it covers Vietnamese (it does on Windows,
and on Linux with DejaVu or Noto). Where it does not, the Liberation Serif files bundled
in ``resources/fonts`` are loaded and become the application font, so no letter ever
falls back to a box.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

FONT_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"
BUNDLED_FAMILY = "Liberation Serif"
# Letters that a font without Vietnamese support lacks: horn, hook above, dot below, tilde
# over a circumflex, the barred d.
PROBE = "ƯưƠơẠạẶặỄễĐđỷỹ"

_loaded: list[str] = []


def covers_vietnamese(font: QFont) -> bool:
    metrics = QFontMetrics(font)
    return all(metrics.inFontUcs4(ord(letter)) for letter in PROBE)


def load_bundled_fonts(folder: Path = FONT_DIR) -> list[str]:
    """Register the bundled TTFs once; returns the families they provide."""
    if _loaded:
        return list(_loaded)
    families: set[str] = set()
    for file in sorted(folder.glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(file))
        if font_id >= 0:
            families.update(QFontDatabase.applicationFontFamilies(font_id))
    _loaded.extend(sorted(families))
    return list(_loaded)


def ensure_vietnamese_font(app: QApplication) -> QFont:
    """Keep the system UI font if it covers Vietnamese, else switch to the bundled one."""
    font = app.font()
    if covers_vietnamese(font):
        return font
    families = load_bundled_fonts()
    if families:
        replacement = QFont(BUNDLED_FAMILY if BUNDLED_FAMILY in families else families[0], font.pointSize())
        app.setFont(replacement)
        return replacement
    return font
