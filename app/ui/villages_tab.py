"""村情档案: the villages of the database, filtered and sorted in SQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import views
from app.db.views import VillageRow
from app.domain.assessment import GRADES
from app.ui.models.table_model import RowTableModel
from app.ui.widgets.grades import grade_background, grade_foreground
from app.ui.widgets.tables import read_only_table


class VillageTableModel(RowTableModel):
    COL_CODE = 0
    COL_NAME = 1
    COL_GRADE = 2
    COL_PREVIOUS_GRADE = 3
    COL_HOUSEHOLDS = 4
    COL_POPULATION = 5
    COL_PARTY_MEMBERS = 6
    COL_INDUSTRY = 7
    COL_STATIONED = 8
    COL_PART_TIME = 9

    #: column -> field of the row, also the sort key of :func:`app.db.views.villages`
    SORT_KEYS = {
        COL_CODE: "code",
        COL_NAME: "name",
        COL_GRADE: "grade",
        COL_PREVIOUS_GRADE: "previous_grade",
        COL_HOUSEHOLDS: "households",
        COL_POPULATION: "population",
        COL_PARTY_MEMBERS: "party_members",
        COL_INDUSTRY: "industry",
        COL_STATIONED: "stationed",
        COL_PART_TIME: "part_time",
    }
    RIGHT_ALIGNED = frozenset({COL_HOUSEHOLDS, COL_POPULATION, COL_PARTY_MEMBERS})
    CENTRED = frozenset({COL_GRADE, COL_PREVIOUS_GRADE})
    _GRADE_COLUMNS = (COL_GRADE, COL_PREVIOUS_GRADE)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [
                self.tr("村代码"),
                self.tr("村名"),
                self.tr("本年类别"),
                self.tr("上年类别"),
                self.tr("户数"),
                self.tr("人口"),
                self.tr("党员数"),
                self.tr("主导产业"),
                self.tr("驻村干部"),
                self.tr("兼职书记"),
            ]
        )

    def value(self, row: VillageRow, column: int):
        return getattr(row, self.SORT_KEYS[column])

    def background(self, row: VillageRow, column: int):
        if column in self._GRADE_COLUMNS:
            return grade_background(self.value(row, column))
        return None

    def foreground(self, row: VillageRow, column: int):
        if column in self._GRADE_COLUMNS:
            return grade_foreground(self.value(row, column))
        return None

    def tooltip(self, row: VillageRow, column: int) -> str | None:
        if column in (self.COL_STATIONED, self.COL_PART_TIME, self.COL_INDUSTRY):
            return self.display(row, column) or None
        return None


M = VillageTableModel


class VillagesTab(QWidget):
    """The village list with a text filter, a grade filter and header sorting."""

    def __init__(
        self, db: Database, *, clock: Callable[[], date] = date.today, parent=None
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._clock = clock
        self._sort = "code"
        self._descending = False

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("按村代码、村名或主导产业筛选"))
        self.filter_edit.setClearButtonEnabled(True)
        self.grade_combo = QComboBox()
        self.grade_combo.addItem(self.tr("全部"), None)
        for grade in GRADES:
            self.grade_combo.addItem(self.tr(grade), grade)
        self.count_label = QLabel()

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("筛选：")))
        top.addWidget(self.filter_edit, 1)
        top.addWidget(QLabel(self.tr("类别：")))
        top.addWidget(self.grade_combo)
        top.addStretch(0)
        top.addWidget(self.count_label)

        self.model = VillageTableModel(self)
        self.table = read_only_table(
            self.model,
            {
                M.COL_CODE: 120,
                M.COL_NAME: 90,
                M.COL_GRADE: 76,
                M.COL_PREVIOUS_GRADE: 76,
                M.COL_HOUSEHOLDS: 60,
                M.COL_POPULATION: 64,
                M.COL_PARTY_MEMBERS: 64,
                M.COL_INDUSTRY: 140,
                M.COL_STATIONED: 170,
            },
            stretch=M.COL_PART_TIME,
        )
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicator(M.COL_CODE, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)

        self.empty_label = QLabel()
        self.empty_label.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table)

        # typing re-queries after a short pause, not on every key
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(200)
        self._filter_timer.timeout.connect(self.refresh)
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.grade_combo.currentIndexChanged.connect(self.refresh)
        self.model.sort_requested.connect(self._sort_by)

    def _sort_by(self, column: int, order: Qt.SortOrder) -> None:
        self._sort = M.SORT_KEYS[column]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()

    def refresh(self) -> None:
        self._filter_timer.stop()
        rows = views.villages(
            self._db,
            today=self._clock(),
            text=self.filter_edit.text(),
            grade=self.grade_combo.currentData(),
            sort=self._sort,
            descending=self._descending,
        )
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("共 %n 个村", "", len(rows)))
        filtered = bool(self.filter_edit.text().strip()) or self.grade_combo.currentIndex() > 0
        if filtered:
            self.empty_label.setText(self.tr("没有符合筛选条件的村。"))
        else:
            self.empty_label.setText(
                self.tr("还没有村情档案。请从“文件 → 导入登记表…”导入村情登记。")
            )
        self.empty_label.setVisible(not rows)
