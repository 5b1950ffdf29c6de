"""履职情况: per cadre, required against present days for a month, quarter or year.

The figures are :func:`app.reports.compliance.compliance_report`'s (the command line
prints the same); this page only shows them. Rows whose weeks or months were not all met
are shaded red; a click on a header sorts (in Python: at most a few hundred cadres, the
unjudged last either way); a double click or Enter shows the cadre's weeks or months with
their notes; 导出 Excel writes the rows in the order shown.

The period picker and the file helpers are in :mod:`app.ui.widgets.common`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db.compliance import requirements_in
from app.domain.attendance import Compliance, Requirements
from app.domain.errors import DomainError
from app.domain.periods import Month
from app.reports.compliance import compliance_report, compliance_table, period_title, table_row
from app.ui.models.table_model import RowTableModel
from app.ui.undo import TabUndo
from app.ui.widgets.common import (
    MUTED_TEXT,
    PeriodPicker,
    PickedPeriod,
    ask_save_path,
    file_link,
    write_xlsx_or_warn,
)
from app.ui.widgets.tables import read_only_table

SHORT_FILL = QBrush(QColor("#f9d6d6"))  # a row not fully compliant
SHORT_TEXT = QBrush(QColor("#8e1111"))


def _ratio(row: dict[str, Any]) -> Fraction | None:
    return Compliance.of(row["met"], row["judged"]).ratio


def required_tip(requirements: Sequence[Requirements]) -> str:
    """The 应在村 header's tooltip, with the requirements in force in the period."""
    if not requirements:
        return _tr("考核的各周（兼职）或各月（驻村，请假相应减少）要求之和")

    def days(values: Iterable[int]) -> str:
        return "/".join(str(n) for n in dict.fromkeys(values))

    return (
        _tr("考核的各周（兼职每周 %1 天）或各月（驻村每月 %2 天，请假相应减少）要求之和")
        .replace("%1", days(r.weekly_min_days for r in requirements))
        .replace("%2", days(r.monthly_min_days for r in requirements))
    )


def _tr(text: str) -> str:
    return QCoreApplication.translate("ComplianceTableModel", text)


class ComplianceTableModel(RowTableModel):
    COL_NO, COL_NAME, COL_ROLE, COL_VILLAGES, COL_REQUIRED, COL_PRESENT = range(6)
    COL_PERIODS, COL_RATIO, COL_LEAVE, COL_ABSENT, COL_UNEXCUSED, COL_DIARIES = range(6, 12)

    RIGHT_ALIGNED = frozenset({4, 5, 7, 8, 9, 10, 11})
    CENTRED = frozenset({COL_PERIODS})
    #: columns showing one field of the report's row as it is
    _KEYS = {
        **{COL_NO: "cadre_no", COL_NAME: "name", COL_ROLE: "role"},
        **{COL_REQUIRED: "required_days", COL_PRESENT: "present_days"},
        **{COL_LEAVE: "leave_days", COL_ABSENT: "absent_days"},
        **{COL_UNEXCUSED: "unexcused_absences", COL_DIARIES: "diaries"},
    }

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.header_tips = dict(HEADER_TIPS) | {self.COL_REQUIRED: required_tip(())}
        self.set_headers(
            [self.tr("干部编号"), self.tr("姓名"), self.tr("岗位"), self.tr("村")]
            + [self.tr("应在村"), self.tr("实际在村"), self.tr("达标/考核"), self.tr("达标率")]
            + [self.tr("请假天数"), self.tr("缺勤天数"), self.tr("查岗不在岗"), self.tr("民情日记")]
        )

    def value(self, row: dict[str, Any], column: int) -> Any:
        if column in self._KEYS:
            return row[self._KEYS[column]]
        if column == self.COL_VILLAGES:
            return "、".join(row["villages"])
        if column == self.COL_PERIODS:
            return row["judged"] - row["met"] if row["judged"] else None
        return _ratio(row)

    def display(self, row: dict[str, Any], column: int) -> str:
        return str(table_row(row)[column])

    def background(self, row: dict[str, Any], column: int):
        return SHORT_FILL if row["compliant"] is False else None

    def foreground(self, row: dict[str, Any], column: int):
        if row["compliant"] is False and column in (self.COL_PERIODS, self.COL_RATIO):
            return SHORT_TEXT
        if column == self.COL_UNEXCUSED and row["unexcused_absences"]:
            return SHORT_TEXT
        if row["compliant"] is None and column in (self.COL_PERIODS, self.COL_RATIO):
            return MUTED_TEXT
        return None

    def tooltip(self, row: dict[str, Any], column: int) -> str | None:
        if column in (self.COL_PERIODS, self.COL_RATIO, self.COL_REQUIRED):
            return self.tr("双击查看每周（兼职）或每月（驻村）的情况")
        if column == self.COL_PRESENT:
            return self.tr("本期在村与会议培训天数")
        if column == self.COL_VILLAGES:
            return self.display(row, column) or None
        return None

    def set_requirements(self, requirements: Sequence[Requirements]) -> None:
        """The requirements in force in the period shown (for the 应在村 tooltip)."""
        self.header_tips[self.COL_REQUIRED] = required_tip(requirements)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tips.get(section)
        return super().headerData(section, orientation, role)


M = ComplianceTableModel
#: the header tooltips; 应在村's says the requirements in force (:func:`required_tip`)
HEADER_TIPS = {
    M.COL_PRESENT: "本期内在村与会议培训的天数",
    M.COL_PERIODS: "达标的周（兼职）或月（驻村）数 / 考核的周或月数",
    M.COL_UNEXCUSED: "查岗结果为“不在岗”的次数",
}


class PeriodResultsModel(RowTableModel):
    """One cadre's judged weeks or months (the report's ``periods``)."""

    RIGHT_ALIGNED = frozenset({2, 3, 4, 5})
    CENTRED = frozenset({0, 1, 6})
    _KEYS = ("label", "span", "present", "leave", "absent", "required", "result", "note")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [self.tr("周/月"), self.tr("起止"), self.tr("在村"), self.tr("请假")]
            + [self.tr("缺勤"), self.tr("应在村"), self.tr("结果"), self.tr("说明")]
        )

    def value(self, row: dict[str, Any], column: int) -> Any:
        key = self._KEYS[column]
        if key == "span":
            return f"{row['first']} 至 {row['last']}"
        if key == "result":
            if row["judged"]:
                return self.tr("达标") if row["met"] else self.tr("未达标")
            return self.tr("免考") if row["excused"] else self.tr("不考核")
        return row[key]

    def background(self, row: dict[str, Any], column: int):
        return SHORT_FILL if row["met"] is False else None

    def foreground(self, row: dict[str, Any], column: int):
        return MUTED_TEXT if not row["judged"] else None

    def tooltip(self, row: dict[str, Any], column: int) -> str | None:
        return row["note"] if column == 7 else None


class PeriodResultsDialog(QDialog):
    def __init__(self, row: dict[str, Any], title: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            self.tr("%1（%2）%3 履职情况")
            .replace("%1", row["name"])
            .replace("%2", row["cadre_no"])
            .replace("%3", title)
        )
        self.model = PeriodResultsModel(self)
        self.model.set_rows(row["periods"])
        self.table = read_only_table(
            self.model, {0: 84, 1: 190, 2: 48, 3: 48, 4: 48, 5: 60, 6: 64}, stretch=7
        )
        self.summary_label = QLabel(
            self.tr("%1，%2：应在村 %3 天，实际在村 %4 天，达标 %5，达标率 %6。")
            .replace("%1", row["role"] or "")
            .replace("%2", "、".join(row["villages"]))
            .replace("%3", str(row["required_days"]))
            .replace("%4", str(row["present_days"]))
            .replace("%5", row["periods_label"])
            .replace("%6", row["ratio"] or "—")
        )
        self.summary_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(900, min(620, 150 + 28 * max(len(row["periods"]), 4)))


# ---- the page ----------------------------------------------------------------------------


class CompliancePage(QWidget):
    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._db, self._undo, self._clock = db, undo, clock
        self.data: dict[str, Any] | None = None
        self._sort: tuple[int, bool] | None = None  # (column, descending)

        today = clock()
        self.picker = PeriodPicker(today)
        self.picker.set_period(Month.of(today).prev())  # the last whole month
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        self.export_button.setAutoDefault(False)
        self.summary_label = QLabel()
        self.status_label = QLabel()
        self.status_label.setOpenExternalLinks(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("期间：")))
        top.addWidget(self.picker)
        top.addSpacing(12)
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.export_button)

        self.model = ComplianceTableModel(self)
        self.table = read_only_table(
            self.model,
            {
                M.COL_NO: 80,
                M.COL_NAME: 64,
                M.COL_ROLE: 96,
                M.COL_REQUIRED: 60,
                M.COL_PRESENT: 72,
                M.COL_PERIODS: 86,
                M.COL_RATIO: 64,
                M.COL_LEAVE: 72,
                M.COL_ABSENT: 72,
                M.COL_UNEXCUSED: 84,
                M.COL_DIARIES: 72,
            },
            stretch=M.COL_VILLAGES,
        )
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicator(M.COL_NO, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table)
        layout.addWidget(self.status_label)

        self.picker.changed.connect(self.refresh)
        self.model.sort_requested.connect(self._sort_by)
        self.table.activated.connect(lambda index: self.open_details(index.row()))
        self.export_button.clicked.connect(lambda: self.export_xlsx())

    # -- loading -----------------------------------------------------------------------
    def period(self) -> PickedPeriod:
        period = self.picker.period()
        assert period is not None
        return period

    def set_period(self, period: PickedPeriod) -> None:
        self.picker.set_period(period)

    def refresh(self) -> None:
        """Recompute the report for the period shown (as of the clock's today)."""
        period = self.period()
        try:
            self.data, _table = compliance_report(self._db, period, as_of=self._clock())
        except DomainError as e:
            self.data = None
            self.model.set_rows([])
            self.empty_label.setText(str(e))
            self.empty_label.show()
            return
        self.model.set_requirements(requirements_in(self._db, period.first_day, period.last_day))
        self._show_rows()
        summary = self.data["summary"]
        self.summary_label.setText(
            self.tr("%1：%2 名干部，未全部达标 %3 名（红底）；统计至 %4。")
            .replace("%1", self.data["title"])
            .replace("%2", str(summary["cadres"]))
            .replace("%3", str(summary["not_compliant"]))
            .replace("%4", self.data["as_of"])
        )
        self.empty_label.setText(self.tr("这一期间没有驻村或兼职的干部。"))
        self.empty_label.setVisible(not self.data["cadres"])
        self.export_button.setEnabled(bool(self.data["cadres"]))

    def _show_rows(self) -> None:
        rows = list(self.data["cadres"]) if self.data else []
        if self._sort is not None:
            column, descending = self._sort
            known = [r for r in rows if self.model.value(r, column) is not None]
            unknown = [r for r in rows if self.model.value(r, column) is None]
            known.sort(key=lambda r: self.model.value(r, column), reverse=descending)
            rows = known + unknown  # the unjudged last, whichever the order
        self.model.set_rows(rows)

    def _sort_by(self, column: int, order: Qt.SortOrder) -> None:
        if not 0 <= column < self.model.columnCount():
            return
        self._sort = (column, order == Qt.SortOrder.DescendingOrder)
        self._show_rows()

    def sort_by(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort as a click on the header does."""
        self.table.sortByColumn(column, order)

    # -- details and export --------------------------------------------------------------
    def open_details(self, row: int) -> PeriodResultsDialog | None:
        if not 0 <= row < self.model.rowCount() or self.data is None:
            return None
        dialog = PeriodResultsDialog(self.model.row_at(row), self.data["title"], self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def export_xlsx(self, path: Path | None = None) -> Path | None:
        """Write the rows as shown (same order) to an xlsx file; asks for the file if no path."""
        if self.data is None:
            return None
        if path is None:
            name = self.tr("履职情况-%1.xlsx").replace("%1", self.data["period"])
            path = ask_save_path(self, self.tr("导出履职情况"), name, self.tr("Excel 工作簿"))
        if path is None:
            return None
        table = compliance_table(self.data, self.model.rows())
        written = write_xlsx_or_warn(self, table, Path(path))
        if written is None:
            return None
        text = self.tr("已导出 %1 行到").replace("%1", str(len(table.rows)))
        self.status_label.setText(file_link(text, written))
        return written


__all__ = ["CompliancePage", "PeriodPicker", "period_title"]
