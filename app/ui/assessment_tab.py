"""考核: the village assessments of a year, with the change from the year before."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import views
from app.db.views import AssessmentRow
from app.domain.assessment import format_tenths
from app.ui.models.table_model import RowTableModel
from app.ui.widgets.grades import grade_background, grade_foreground
from app.ui.widgets.tables import read_only_table


class AssessmentTableModel(RowTableModel):
    COL_CODE = 0
    COL_NAME = 1
    COL_TOTAL = 2
    COL_GRADE = 3
    COL_PREVIOUS_GRADE = 4
    COL_CHANGE = 5

    _FIELDS = {
        COL_CODE: "code",
        COL_NAME: "name",
        COL_TOTAL: "total_tenths",
        COL_GRADE: "grade",
        COL_PREVIOUS_GRADE: "previous_grade",
        COL_CHANGE: "change",
    }
    RIGHT_ALIGNED = frozenset({COL_TOTAL})
    CENTRED = frozenset({COL_GRADE, COL_PREVIOUS_GRADE, COL_CHANGE})
    _GRADE_COLUMNS = (COL_GRADE, COL_PREVIOUS_GRADE)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [
                self.tr("村代码"),
                self.tr("村名"),
                self.tr("总分"),
                self.tr("类别"),
                self.tr("上年类别"),
                self.tr("变化"),
            ]
        )

    def value(self, row: AssessmentRow, column: int):
        return getattr(row, self._FIELDS[column])

    def display(self, row: AssessmentRow, column: int) -> str:
        if column == self.COL_TOTAL:
            return format_tenths(row.total_tenths)
        if column in (self.COL_PREVIOUS_GRADE, self.COL_CHANGE) and self.value(row, column) is None:
            return "—"
        return super().display(row, column)

    def background(self, row: AssessmentRow, column: int):
        if column in self._GRADE_COLUMNS:
            return grade_background(self.value(row, column))
        if column == self.COL_CHANGE and row.change == "升级":
            return grade_background("一类")
        if column == self.COL_CHANGE and row.change == "降级":
            return grade_background("四类")
        return None

    def foreground(self, row: AssessmentRow, column: int):
        if column in self._GRADE_COLUMNS:
            return grade_foreground(self.value(row, column))
        if column == self.COL_CHANGE and row.change == "升级":
            return grade_foreground("一类")
        if column == self.COL_CHANGE and row.change == "降级":
            return grade_foreground("四类")
        return None


A = AssessmentTableModel


class AssessmentTab(QWidget):
    def __init__(self, db: Database, parent=None) -> None:
        super().__init__(parent)
        self._db = db

        self.year_combo = QComboBox()
        self.year_combo.setMinimumContentsLength(6)
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度：")))
        top.addWidget(self.year_combo)
        top.addStretch(1)
        top.addWidget(self.count_label)

        self.empty_label = QLabel(
            self.tr("还没有村级考核记录。请从“文件 → 导入登记表…”导入村级考核评分。")
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setVisible(False)

        self.model = AssessmentTableModel(self)
        self.table = read_only_table(
            self.model,
            {
                A.COL_CODE: 120,
                A.COL_NAME: 120,
                A.COL_TOTAL: 70,
                A.COL_GRADE: 70,
                A.COL_PREVIOUS_GRADE: 80,
                A.COL_CHANGE: 80,
            },
        )

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table)

        self.year_combo.currentIndexChanged.connect(self._show_year)

    def year(self) -> int | None:
        return self.year_combo.currentData()

    def set_year(self, year: int) -> None:
        index = self.year_combo.findData(year)
        if index >= 0:
            self.year_combo.setCurrentIndex(index)

    def refresh(self) -> None:
        """Reload the years (an import may have added one), keeping the chosen year."""
        chosen = self.year()
        years = views.assessment_years(self._db)
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in years:
            self.year_combo.addItem(str(year), year)
        if chosen in years:
            self.year_combo.setCurrentIndex(years.index(chosen))
        self.year_combo.blockSignals(False)
        self.year_combo.setEnabled(bool(years))
        self.empty_label.setVisible(not years)
        self._show_year()

    def _show_year(self) -> None:
        year = self.year()
        rows = views.village_assessments(self._db, year) if year is not None else []
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("共 %n 个村", "", len(rows)))
