"""The village list: filters (text, grade, cadre), header sorting in SQL, and the buttons
新增村 / 编辑 / 删除 / 打开. Enter or a double click opens the village page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import views
from app.db.views import VillageRow
from app.domain.assessment import GRADES
from app.ui.models.table_model import RowTableModel
from app.ui.villages.actions import VillageActions
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


class VillageList(QWidget):
    """The villages, filtered and sorted in SQL; ``open_requested(code)`` opens one."""

    open_requested = Signal(str)

    def __init__(
        self,
        db: Database,
        actions: VillageActions,
        *,
        clock: Callable[[], date] = date.today,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._actions = actions
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
        self.cadre_combo = QComboBox()
        self.cadre_combo.setMinimumContentsLength(8)
        self.cadre_combo.setToolTip(self.tr("只看这位干部驻过或兼过职的村（现任和曾任）"))
        self.count_label = QLabel()

        self.add_button = QPushButton(self.tr("新增村…"))
        self.edit_button = QPushButton(self.tr("编辑…"))
        self.delete_button = QPushButton(self.tr("删除"))
        self.open_button = QPushButton(self.tr("打开"))
        self.open_button.setToolTip(self.tr("打开村情页（也可双击或按回车）"))

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("筛选：")))
        top.addWidget(self.filter_edit, 1)
        top.addWidget(QLabel(self.tr("类别：")))
        top.addWidget(self.grade_combo)
        top.addWidget(QLabel(self.tr("干部：")))
        top.addWidget(self.cadre_combo)
        top.addWidget(self.count_label)
        top.addSpacing(12)
        for button in (self.add_button, self.edit_button, self.delete_button, self.open_button):
            top.addWidget(button)

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
        self.empty_label.setWordWrap(True)
        self.empty_label.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table)

        # typing re-queries after a short pause, not on every key
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(200)
        self._filter_timer.timeout.connect(self.reload_rows)
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.grade_combo.currentIndexChanged.connect(self.reload_rows)
        self.cadre_combo.currentIndexChanged.connect(self.reload_rows)
        self.model.sort_requested.connect(self._sort_by)
        self.table.activated.connect(lambda _index: self.open_current())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.add_button.clicked.connect(self._actions.add_village)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.open_button.clicked.connect(self.open_current)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_current)
        self._update_buttons()

    # -- selection ---------------------------------------------------------------------
    def current_code(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_at(index.row()).code

    def select(self, code: str) -> bool:
        for r, row in enumerate(self.model.rows()):
            if row.code == code:
                self.table.selectRow(r)
                self.table.scrollTo(self.model.index(r, 0))
                return True
        return False

    def _update_buttons(self) -> None:
        chosen = self.current_code() is not None
        for button in (self.edit_button, self.delete_button, self.open_button):
            button.setEnabled(chosen)

    def open_current(self) -> None:
        code = self.current_code()
        if code is not None:
            self.open_requested.emit(code)

    def edit_current(self) -> None:
        code = self.current_code()
        if code is not None:
            self._actions.edit_village(code)

    def delete_current(self) -> None:
        code = self.current_code()
        if code is not None:
            self._actions.delete_village(code)

    # -- loading -----------------------------------------------------------------------
    def _sort_by(self, column: int, order: Qt.SortOrder) -> None:
        self._sort = M.SORT_KEYS[column]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload_rows()

    def cadre(self) -> str | None:
        return self.cadre_combo.currentData()

    def set_cadre(self, cadre_no: str | None) -> None:
        index = self.cadre_combo.findData(cadre_no)
        if index < 0:
            raise ValueError(f"no such cadre in the filter: {cadre_no}")
        self.cadre_combo.setCurrentIndex(index)

    def _load_cadres(self) -> None:
        chosen = self.cadre()
        self.cadre_combo.blockSignals(True)
        self.cadre_combo.clear()
        self.cadre_combo.addItem(self.tr("全部"), None)
        for c in views.assigned_cadres(self._db, today=self._clock()):
            label = c.name if c.current else self.tr("%1（曾任）").replace("%1", c.name)
            self.cadre_combo.addItem(label, c.cadre_no)
            self.cadre_combo.setItemData(
                self.cadre_combo.count() - 1,
                self.tr("干部编号：%1").replace("%1", c.cadre_no),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.cadre_combo.setCurrentIndex(max(0, self.cadre_combo.findData(chosen)))
        self.cadre_combo.blockSignals(False)

    def refresh(self) -> None:
        """Reload the cadre choices and the rows (after an edit or an import)."""
        self._load_cadres()
        self.reload_rows()

    def reload_rows(self) -> None:
        """The rows under the current filters and sort, keeping the selected village."""
        self._filter_timer.stop()
        chosen = self.current_code()
        rows = views.villages(
            self._db,
            today=self._clock(),
            text=self.filter_edit.text(),
            grade=self.grade_combo.currentData(),
            cadre=self.cadre(),
            sort=self._sort,
            descending=self._descending,
        )
        self.model.set_rows(rows)
        if chosen is not None:
            self.select(chosen)
        self.count_label.setText(self.tr("共 %n 个村", "", len(rows)))
        filtered = (
            bool(self.filter_edit.text().strip())
            or self.grade_combo.currentIndex() > 0
            or self.cadre_combo.currentIndex() > 0
        )
        if filtered:
            self.empty_label.setText(self.tr("没有符合筛选条件的村。"))
        else:
            self.empty_label.setText(
                self.tr("还没有村情档案。请点“新增村…”，或从“文件 → 导入登记表…”导入村情登记。")
            )
        self.empty_label.setVisible(not rows)
