"""The pages of 补助发放: 月度补助表 (sheet), 补助标准 (rates), 年度汇总 (year).

What they share: a month picker (‹ yyyy-MM ›), the styles of a banner and a note, and
the page base of the cadre pages (:class:`~app.ui.cadres.roster.CadrePage`: it re-reads
after every edit, undo or redo of the tab's stack, at once when shown, else when next
shown). Every figure comes from ``app.db.subsidy`` / ``app.db.rates``; the pages only
format it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QToolButton, QWidget

from app.domain.periods import Month

BANNER_STYLE = (
    "QLabel { background: #fff3cd; color: #7a4f00; border: 1px solid #f0c78a; padding: 6px 8px; }"
)
MESSAGE_STYLE = (
    "QLabel { background: #fff4e5; color: #7a3d00; border: 1px solid #f0c78a; padding: 8px; }"
)
DRAFT_STYLE = "QLabel { color: #8a4b00; font-weight: bold; }"
APPROVED_STYLE = "QLabel { color: #1b5e20; font-weight: bold; }"
NOTE_STYLE = "color: #555;"


def last_month(today: date) -> Month:
    return Month.of(today).prev()


def tool_button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class MonthPicker(QWidget):
    """‹ yyyy-MM ›: the month shown; ``changed`` carries the new :class:`Month`."""

    changed = Signal(object)

    def __init__(self, month: Month, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._month = month
        self.prev_button = tool_button("‹", self.tr("上个月"))
        self.next_button = tool_button("›", self.tr("下个月"))
        self.edit = QDateEdit()
        self.edit.setDisplayFormat("yyyy-MM")
        self.edit.setDateRange(QDate(2000, 1, 1), QDate(2100, 12, 31))
        self.edit.setDate(QDate(month.year, month.month, 1))
        self.edit.setToolTip(self.tr("月份（可直接输入年、月）"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for w in (self.prev_button, self.edit, self.next_button):
            layout.addWidget(w)
        self.prev_button.clicked.connect(lambda: self.set_month(self._month.prev()))
        self.next_button.clicked.connect(lambda: self.set_month(self._month.next()))
        self.edit.dateChanged.connect(lambda d: self.set_month(Month(d.year(), d.month())))

    def month(self) -> Month:
        return self._month

    def set_month(self, month: Month) -> None:
        if month == self._month:
            return
        self._month = month
        with QSignalBlocker(self.edit):
            self.edit.setDate(QDate(month.year, month.month, 1))
        self.changed.emit(month)


__all__ = [
    "APPROVED_STYLE",
    "BANNER_STYLE",
    "DRAFT_STYLE",
    "MESSAGE_STYLE",
    "NOTE_STYLE",
    "MonthPicker",
    "last_month",
    "tool_button",
]
