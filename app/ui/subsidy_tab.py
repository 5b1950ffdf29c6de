"""补助发放: a month's subsidy sheet (draft or approved) as ``sheet_for_month`` gives it.

Every figure comes from the :class:`~app.domain.subsidy.Sheet`; this module only
formats. A rule the data breaks (no rate in force, …) is shown as a message in the tab.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db.subsidy import sheet_for_month
from app.domain.errors import DomainError
from app.domain.money import capital_amount, format_yuan
from app.domain.periods import Month
from app.domain.subsidy import Sheet, SheetLine
from app.ui.models.table_model import RowTableModel
from app.ui.widgets.tables import read_only_table

SheetSource = Callable[[Database, Month], Sheet]


class SubsidyTableModel(RowTableModel):
    COL_NO = 0
    COL_NAME = 1
    COL_DAYS = 2
    COL_LIVING = 3
    COL_TRANSPORT = 4
    COL_ADJUSTMENT = 5
    COL_TOTAL = 6
    COL_NOTES = 7

    RIGHT_ALIGNED = frozenset({COL_DAYS, COL_LIVING, COL_TRANSPORT, COL_ADJUSTMENT, COL_TOTAL})
    _MONEY = {
        COL_LIVING: "living_fen",
        COL_TRANSPORT: "transport_fen",
        COL_ADJUSTMENT: "adjustment_fen",
        COL_TOTAL: "total_fen",
    }

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [
                self.tr("干部编号"),
                self.tr("姓名"),
                self.tr("出勤天数"),
                self.tr("生活补助"),
                self.tr("交通通讯补助"),
                self.tr("调整"),
                self.tr("合计"),
                self.tr("备注"),
            ]
        )

    def value(self, row: SheetLine, column: int):
        if column == self.COL_NO:
            return row.cadre_no
        if column == self.COL_NAME:
            return row.name
        if column == self.COL_DAYS:
            return row.present_days
        if column in self._MONEY:
            return getattr(row, self._MONEY[column])
        if column == self.COL_NOTES:
            return "；".join(row.notes)
        raise IndexError(column)

    def display(self, row: SheetLine, column: int) -> str:
        if column in self._MONEY:
            return format_yuan(self.value(row, column))
        return super().display(row, column)


S = SubsidyTableModel


def last_month(today: date) -> Month:
    return Month.of(today).prev()


class SubsidyTab(QWidget):
    """Month picker, status, total and the lines of the month's sheet."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], date] = date.today,
        sheet_source: SheetSource = sheet_for_month,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._sheet_source = sheet_source
        self.sheet: Sheet | None = None

        start = last_month(clock())
        self.month_edit = QDateEdit()
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.month_edit.setCalendarPopup(False)
        self.month_edit.setDate(QDate(start.year, start.month, 1))
        self.status_label = QLabel()
        self.total_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("月份：")))
        top.addWidget(self.month_edit)
        top.addSpacing(16)
        top.addWidget(self.status_label)
        top.addStretch(1)
        top.addWidget(self.total_label)

        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(
            "QLabel { background: #fff4e5; color: #7a3d00; border: 1px solid #f0c78a;"
            " padding: 8px; }"
        )
        self.message_label.setVisible(False)

        self.model = SubsidyTableModel(self)
        self.table = read_only_table(
            self.model,
            {
                S.COL_NO: 90,
                S.COL_NAME: 80,
                S.COL_DAYS: 80,
                S.COL_LIVING: 90,
                S.COL_TRANSPORT: 110,
                S.COL_ADJUSTMENT: 80,
                S.COL_TOTAL: 90,
            },
            stretch=S.COL_NOTES,
        )

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message_label)
        layout.addWidget(self.table)

        self.month_edit.dateChanged.connect(self.refresh)

    def month(self) -> Month:
        d = self.month_edit.date()
        return Month(d.year(), d.month())

    def set_month(self, month: Month) -> None:
        self.month_edit.setDate(QDate(month.year, month.month, 1))

    def refresh(self) -> None:
        month = self.month()
        try:
            sheet = self._sheet_source(self._db, month)
        except DomainError as e:
            self.sheet = None
            self.model.set_rows([])
            self.status_label.setText("")
            self.total_label.setText("")
            self.message_label.setText(
                self.tr("无法生成 %1 的补助表：%2").replace("%1", str(month)).replace("%2", str(e))
            )
            self.message_label.setVisible(True)
            return
        self.sheet = sheet
        self.model.set_rows(sheet.lines)
        if sheet.status == "approved":
            self.status_label.setText(self.tr("状态：已审批"))
        else:
            self.status_label.setText(self.tr("状态：草稿"))
        total = sheet.total_fen
        self.total_label.setText(
            self.tr("合计：%1 元（大写：%2）")
            .replace("%1", format_yuan(total))
            .replace("%2", capital_amount(total))
        )
        if sheet.lines:
            self.message_label.setVisible(False)
        else:
            self.message_label.setText(
                self.tr("%1 没有驻村或兼职安排，也没有出勤记录，补助表为空。").replace(
                    "%1", str(month)
                )
            )
            self.message_label.setVisible(True)
