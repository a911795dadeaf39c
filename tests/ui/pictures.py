"""Screenshots that are checked as a user would look at them: what a region of the picture shows.

A screenshot is saved to ``tests/out`` for people to look at, read back from the file, and
then asked questions: is this cell drawn in its verdict's colour, is there text in that box.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QAbstractItemView, QWidget

OUT = Path(__file__).resolve().parent.parent / "out"

# Text is anti-aliased: a glyph's stems hold the pen's colour, give or take rounding.
NEAR = 24


def screenshot(widget: QWidget, name: str) -> QImage:
    """Save ``widget`` as it is on screen to ``tests/out/NAME`` and read the picture back from the file."""
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / name
    assert widget.grab().save(str(target))
    picture = QImage(str(target))
    assert not picture.isNull(), f"{target} cannot be read back"
    ratio = widget.devicePixelRatioF()
    assert (picture.width(), picture.height()) == (round(widget.width() * ratio), round(widget.height() * ratio))
    picture.setDevicePixelRatio(ratio)
    return picture


def region_of(widget: QWidget, within: QWidget, rect: QRect | None = None) -> QRect:
    """Where ``rect`` of ``widget`` (all of it by default) lies in a screenshot of ``within``."""
    area = rect if rect is not None else widget.rect()
    return QRect(widget.mapTo(within, area.topLeft()), area.size())


def cell_region(view: QAbstractItemView, index: QModelIndex, within: QWidget) -> QRect:
    """Where a view's cell lies in a screenshot of ``within`` (the cell must be scrolled into sight)."""
    rect = view.visualRect(index)
    assert view.viewport().rect().contains(rect), "the cell is not on screen"
    return region_of(view.viewport(), within, rect)


def _pixels(picture: QImage, region: QRect) -> list[QColor]:
    ratio = picture.devicePixelRatio()
    left, top = round(region.left() * ratio), round(region.top() * ratio)
    right = min(picture.width(), round((region.right() + 1) * ratio))
    bottom = min(picture.height(), round((region.bottom() + 1) * ratio))
    return [picture.pixelColor(QPoint(x, y)) for y in range(top, bottom) for x in range(left, right)]


def _near(a: QColor, b: QColor, tolerance: int = NEAR) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= tolerance


def pixels_of(picture: QImage, region: QRect, colour: QColor, tolerance: int = NEAR) -> int:
    """How many pixels of ``region`` are drawn in ``colour``."""
    return sum(_near(pixel, colour, tolerance) for pixel in _pixels(picture, region))


def colours(picture: QImage, region: QRect | None = None) -> int:
    """How many distinct colours ``region`` (the whole picture by default) holds: 1 for a blank area."""
    if region is None:
        ratio = picture.devicePixelRatio()
        region = QRect(0, 0, round(picture.width() / ratio), round(picture.height() / ratio))
    return len({pixel.rgb() for pixel in _pixels(picture, region)})


def ink(picture: QImage, region: QRect, darker_than: int = 100) -> int:
    """How many pixels of ``region`` are dark (text, lines) rather than background."""
    return sum(pixel.lightness() < darker_than for pixel in _pixels(picture, region))
