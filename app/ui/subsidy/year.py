"""年度汇总: per cadre, each month's sheet total and the year's; a totals row per month.

The figures are ``app.db.subsidy.year_view``'s (approved months as frozen, the others as
drafts, adjustments included). An approved month's header is marked ✓. A double click on
a month's cell opens that month's sheet.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget
from sqlite_utils import Database

from app.db.subsidy import YearRow, YearView, year_view
from app.domain.errors import DomainError
from app.domain.money import capital_amount, format_yuan
from app.domain.periods import MAX_YEAR, Month
from app.ui.cadres.roster import CadrePage
from app.ui.models.table_model import RowTableModel
from app.ui.subsidy import MESSAGE_STYLE, NOTE_STYLE, last_month, tool_button
from app.ui.undo import TabUndo
from app.ui.widgets.tables import read_only_table

TOTALS_BACKGROUND = QColor("#eef3f8")
DRAFT_HEADER = QColor("#8a4b00")


class YearModel(RowTableModel):
    """Rows are :class:`YearRow`: one per cadre, or (``totals_only``) the one row
    (``totals``) that adds up each month, shown under the cadres' table."""

    COL_NO, COL_NAME = 0, 1
    FIRST_MONTH = 2

    def __init__(self, parent=None, *, totals_only: bool = False) -> None:
        super().__init__(parent)
        self.totals_only = totals_only
        self.view: YearView | None = None
        self.totals: YearRow | None = None
        self.set_view(None)

    @property
    def col_total(self) -> int:
        return self.FIRST_MONTH + len(self.months())

    def months(self) -> list[Month]:
        return list(self.view.months) if self.view else []

    def set_view(self, view: YearView | None) -> None:
        self.view = view
        months = self.months()
        statuses = view.statuses if view else {}
        headers = [self.tr("干部编号"), self.tr("姓名")]
        for m in months:
            mark = "✓" if statuses.get(m) == "approved" else ""
            headers.append(self.tr("%1月").replace("%1", str(m.month)) + mark)
        headers.append(self.tr("全年合计"))
        self.set_headers(headers)
        self.RIGHT_ALIGNED = frozenset(range(self.FIRST_MONTH, self.col_total + 1))
        if view is None:
            self.totals = None
            self.set_rows([])
            return
        self.totals = YearRow("", self.tr("合计"), dict(view.month_totals), view.total_fen)
        if not view.rows:
            self.set_rows([])
        else:
            self.set_rows([self.totals] if self.totals_only else view.rows)

    def month_of(self, column: int) -> Month | None:
        months = self.months()
        i = column - self.FIRST_MONTH
        return months[i] if 0 <= i < len(months) else None

    def value(self, row: YearRow, column: int):
        if column == self.COL_NO:
            return row.cadre_no
        if column == self.COL_NAME:
            return row.name
        if column == self.col_total:
            return row.total_fen
        month = self.month_of(column)
        return None if month is None else row.totals.get(month)

    def display(self, row: YearRow, column: int) -> str:
        value = self.value(row, column)
        if column >= self.FIRST_MONTH:
            return "" if value is None else format_yuan(value)
        return "" if value is None else str(value)

    def background(self, row: YearRow, column: int):
        return QBrush(TOTALS_BACKGROUND) if self.totals_only else None

    def tooltip(self, row: YearRow, column: int) -> str | None:
        if self.totals_only and column == self.col_total:
            return capital_amount(row.total_fen)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if (
            role == Qt.ItemDataRole.FontRole
            and index.isValid()
            and (self.totals_only or index.column() == self.col_total)
        ):
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        month = self.month_of(section) if orientation == Qt.Orientation.Horizontal else None
        if month is not None and self.view is not None:
            approved = self.view.statuses.get(month) == "approved"
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    self.tr("%1 已审批").replace("%1", str(month))
                    if approved
                    else self.tr("%1 草稿（未审批）").replace("%1", str(month))
                )
            if role == Qt.ItemDataRole.ForegroundRole and not approved:
                return QBrush(DRAFT_HEADER)
        return super().headerData(section, orientation, role)


class YearPage(CadrePage):
    #: a double click on a month's cell: show that month's sheet
    open_month = Signal(object)

    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, undo, clock=clock, parent=parent)
        self.prev_button = tool_button("‹", self.tr("上一年"))
        self.next_button = tool_button("›", self.tr("下一年"))
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, MAX_YEAR)
        self.year_spin.setSuffix(self.tr(" 年"))
        self.year_spin.setValue(last_month(clock()).year)
        self.legend_label = QLabel(
            self.tr(
                "月份后标 ✓ 的为已审批月份，其余为草稿；金额含补发/扣回。双击金额可打开该月补助表。"
            )
        )
        self.legend_label.setStyleSheet(NOTE_STYLE)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度：")))
        for w in (self.prev_button, self.year_spin, self.next_button):
            top.addWidget(w)
        top.addSpacing(12)
        top.addWidget(self.legend_label, 1)

        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(MESSAGE_STYLE)
        self.message_label.hide()
        self.model = YearModel(self)
        self.table = read_only_table(self.model)
        # the month totals stay in view under the cadres, however far the list scrolls
        self.totals_model = YearModel(self, totals_only=True)
        self.totals_table = read_only_table(self.totals_model)
        self.totals_table.horizontalHeader().hide()
        self.totals_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.totals_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.totals_table.setFixedHeight(
            self.totals_table.verticalHeader().defaultSectionSize()
            + 2 * self.totals_table.frameWidth()
        )
        self.table.horizontalScrollBar().valueChanged.connect(
            self.totals_table.horizontalScrollBar().setValue
        )
        self.total_label = QLabel()
        self.total_label.setStyleSheet("font-weight: bold;")
        self.total_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.message_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals_table)
        layout.addWidget(self.total_label)

        self.prev_button.clicked.connect(lambda: self.year_spin.stepBy(-1))
        self.next_button.clicked.connect(lambda: self.year_spin.stepBy(1))
        self.year_spin.valueChanged.connect(lambda _y: self.refresh())
        self.table.doubleClicked.connect(self._double_clicked)
        self.totals_table.doubleClicked.connect(self._double_clicked)

    def year(self) -> int:
        return self.year_spin.value()

    def set_year(self, year: int) -> None:
        with QSignalBlocker(self.year_spin):
            self.year_spin.setValue(year)
        self.refresh()

    def refresh(self) -> None:
        self._stale = False
        year = self.year()
        try:
            view = year_view(self._db, year, last=Month.of(self._clock()))
        except DomainError as e:
            self.model.set_view(None)
            self.totals_model.set_view(None)
            self.totals_table.hide()
            self.total_label.setText("")
            self.message_label.setText(
                self.tr("无法汇总 %1 年的补助：%2").replace("%1", str(year)).replace("%2", str(e))
            )
            self.message_label.show()
            return
        self.model.set_view(view)
        self.totals_model.set_view(view)
        self._size_columns()
        self.totals_table.setVisible(bool(view.rows))
        if view.rows:
            self.message_label.hide()
            self.total_label.setText(
                self.tr("%1 年合计：%2 人　%3 元　大写：%4")
                .replace("%1", str(year))
                .replace("%2", str(len(view.rows)))
                .replace("%3", format_yuan(view.total_fen))
                .replace("%4", capital_amount(view.total_fen))
            )
        else:
            self.total_label.setText("")
            self.message_label.setText(self.tr("%1 年没有补助记录。").replace("%1", str(year)))
            self.message_label.show()

    def _size_columns(self) -> None:
        m = self.model
        widths = {m.COL_NO: 82, m.COL_NAME: 64, m.col_total: 92}
        for table in (self.table, self.totals_table):
            for c in range(m.columnCount()):
                table.setColumnWidth(c, widths.get(c, 72))

    def _double_clicked(self, index: QModelIndex) -> None:
        month = self.model.month_of(index.column())
        if month is not None:
            self.open_month.emit(month)
