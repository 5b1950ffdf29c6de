"""The side panel of 月度补助表: the days a line counts and the adjustments it carries.

The days are ``app.db.subsidy.line_days``'s (date, kind, the daily rate in force that
day); the line's own figures come from the sheet. Nothing is added up here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.domain.money import format_yuan
from app.domain.periods import Month
from app.domain.subsidy import Adjustment, SheetLine
from app.ui.models.table_model import RowTableModel
from app.ui.subsidy import NOTE_STYLE
from app.ui.widgets.tables import read_only_table

WEEKDAYS = "一二三四五六日"
TAKEN_BACK = QColor("#b00020")


def weekday_date(day: date) -> str:
    return f"{day.isoformat()} 周{WEEKDAYS[day.weekday()]}"


class DaysModel(RowTableModel):
    """The present days of a line (:class:`~app.db.subsidy.LineDay`)."""

    COL_DAY, COL_KIND, COL_RATE = 0, 1, 2
    RIGHT_ALIGNED = frozenset({COL_RATE})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers([self.tr("日期"), self.tr("类别"), self.tr("日标准")])

    def value(self, row, column: int):
        return (row.day, row.kind, row.rate_fen)[column]

    def display(self, row, column: int) -> str:
        if column == self.COL_DAY:
            return weekday_date(row.day)
        if column == self.COL_RATE:
            return format_yuan(row.rate_fen)
        return str(row.kind)


class AdjustmentsModel(RowTableModel):
    """The adjustments a line carries: the month corrected, 补发/扣回, the amount."""

    COL_MONTH, COL_KIND, COL_AMOUNT = 0, 1, 2
    RIGHT_ALIGNED = frozenset({COL_AMOUNT})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers([self.tr("更正月份"), self.tr("补发/扣回"), self.tr("金额")])

    def value(self, row: Adjustment, column: int):
        return (str(row.corrects), row.kind, row.amount_fen)[column]

    def display(self, row: Adjustment, column: int) -> str:
        if column == self.COL_AMOUNT:
            return format_yuan(row.amount_fen)
        return str(self.value(row, column))

    def foreground(self, row: Adjustment, column: int):
        return QBrush(TAKEN_BACK) if row.amount_fen < 0 else None


class LinePanel(QFrame):
    """The days a line counts (date, kind, daily rate) and the adjustments it carries."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-weight: bold;")
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.days_model = DaysModel(self)
        self.days_table = read_only_table(self.days_model, {0: 118, 1: 66}, stretch=2)
        self.days_note = QLabel()
        self.days_note.setWordWrap(True)
        self.days_note.setStyleSheet("color: #8a4b00;")
        self.adjustments_label = QLabel()
        self.adjustments_model = AdjustmentsModel(self)
        self.adjustments_table = read_only_table(self.adjustments_model, {0: 80, 1: 76}, stretch=2)
        rows = self.adjustments_table.verticalHeader().defaultSectionSize()
        self.adjustments_table.setMaximumHeight(rows * 4 + 4)
        self.hint_label = QLabel(self.tr("点击补助表中的一行，查看该干部本月计入的出勤日和调整。"))
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet(NOTE_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        for w in (self.title_label, self.summary_label, self.hint_label):
            layout.addWidget(w)
        layout.addWidget(self.days_table, 1)
        layout.addWidget(self.days_note)
        layout.addWidget(self.adjustments_label)
        layout.addWidget(self.adjustments_table)
        self.show_line(None, None, [])

    def show_line(self, month: Month | None, line: SheetLine | None, days: list[Any]) -> None:
        chosen = line is not None and month is not None
        self.hint_label.setVisible(not chosen)
        for w in (self.title_label, self.summary_label, self.days_table, self.adjustments_label):
            w.setVisible(chosen)
        self.days_model.set_rows(days if chosen else [])
        self.adjustments_model.set_rows(line.adjustments if chosen else [])
        self.adjustments_table.setVisible(chosen and bool(line.adjustments))
        self.days_note.setVisible(False)
        if not chosen:
            return
        self.title_label.setText(f"{line.name}（{line.cadre_no}）· {month}")
        self.summary_label.setText(
            self.tr("出勤 %1 天　生活补助 %2 元\n交通通讯补助 %3 元（按月末的月标准）")
            .replace("%1", str(line.present_days))
            .replace("%2", format_yuan(line.living_fen))
            .replace("%3", format_yuan(line.transport_fen))
        )
        if len(days) != line.present_days:
            self.days_note.setText(
                self.tr(
                    "审批后考勤有更正：现有 %1 天（审批时 %2 天），差额在下一个未审批月份补发/扣回。"
                )
                .replace("%1", str(len(days)))
                .replace("%2", str(line.present_days))
            )
            self.days_note.setVisible(True)
        self.adjustments_label.setText(
            self.tr("调整（更正以前月份）：") if line.adjustments else self.tr("调整：无")
        )
