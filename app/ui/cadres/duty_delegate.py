"""Painting of the duty grid's day cells.

Weekends shaded, days outside the cadre's assignment hatched, days after today washed
out, each kind a coloured mark on a light tint, a line before every Monday (the weeks
of the 兼职 rule) and a red line under the days of a week judged not met.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.ui.cadres.duty_model import (
    COVERED_ROLE,
    DAY_ROLE,
    FAILED_ROLE,
    FUTURE_ROLE,
    KIND_ROLE,
    KIND_STYLES,
    RED,
    WEEKEND_ROLE,
)

WEEKEND_FILL = QColor("#e6e9ee")
WEEKDAY_FILL = QColor("#ffffff")
HATCH = QColor("#c3c8d0")
WEEK_LINE = QColor("#8d96a3")
FUTURE_WASH = QColor(255, 255, 255, 150)


class DutyCellDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        day = index.data(DAY_ROLE)
        if day is None:  # a summary column
            super().paint(painter, option, index)
            return
        rect: QRect = option.rect
        state = option.state
        painter.save()
        painter.fillRect(rect, WEEKEND_FILL if index.data(WEEKEND_ROLE) else WEEKDAY_FILL)
        if not index.data(COVERED_ROLE):
            painter.fillRect(rect, QBrush(HATCH, Qt.BrushStyle.BDiagPattern))
        kind = index.data(KIND_ROLE)
        style = KIND_STYLES.get(kind) if kind is not None else None
        if style is not None:
            painter.fillRect(rect.adjusted(1, 1, -1, -1), QColor(style.fill))
        if state & QStyle.StateFlag.State_Selected:
            highlight = QColor(option.palette.highlight().color())
            highlight.setAlpha(110)
            painter.fillRect(rect, highlight)
        future = bool(index.data(FUTURE_ROLE))
        if future:
            painter.fillRect(rect, FUTURE_WASH)
        if style is not None:
            colour = QColor(style.colour)
            if future:
                colour.setAlpha(150)
            font = option.font
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(colour)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), style.mark)
        if day.weekday() == 0:
            painter.setPen(QPen(WEEK_LINE, 1))
            painter.drawLine(rect.topLeft(), rect.bottomLeft())
        if index.data(FAILED_ROLE):
            painter.setPen(QPen(QColor(RED), 2))
            y = rect.bottom() - 1
            painter.drawLine(rect.left(), y, rect.right(), y)
        if state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(QPen(QColor("#1a1a1a"), 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.restore()
