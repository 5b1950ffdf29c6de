"""The household list (户情档案): filter as you type, sort by any column, open, edit, delete.

Embedded by the village side: for one village (``village_code`` given: a 村民小组 choice)
or for all (a village choice). The rows come from a lazy model over SQL
(:mod:`app.ui.households.model`): however many households there are, the view only ever
reads the pages it shows. Every edit is pushed to the tab's :class:`TabUndo`; the panel
follows that stack, so Ctrl+Z anywhere in the tab shows its effect here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import households, records
from app.db.households import HouseholdFilter
from app.domain.errors import DomainError
from app.sheets.kinds import HOUSEHOLDS
from app.ui.households.model import HouseholdTableModel
from app.ui.households.page import NOTE_STYLE, HouseholdPage, button, village_check
from app.ui.undo import TabUndo
from app.ui.widgets.record_form import RecordDialog
from app.ui.widgets.tables import read_only_table

M = HouseholdTableModel


class HouseholdsPanel(QWidget):
    """The households of one village (``village_code``) or of the whole database."""

    #: typing waits this long for the next key before asking the database (ms)
    FILTER_DELAY_MS = 60

    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        village_code: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._undo = undo
        self._village_code = village_code
        self._sort_key = "hh_no"
        self._descending = False
        self._changes_seen = -1
        #: the dialog or page opened last (tests and the village side look at it)
        self.dialog: RecordDialog | HouseholdPage | None = None
        self.clock: Callable[[], date] = date.today

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("户主姓名、户编号或村民小组"))
        self.filter_edit.setClearButtonEnabled(True)
        self.village_combo = QComboBox()
        self.village_combo.setMaxVisibleItems(20)
        self.village_combo.setMinimumContentsLength(8)
        self.group_combo = QComboBox()
        self.group_combo.setMinimumContentsLength(5)
        self.low_income_check = QCheckBox(self.tr("低收入户"))
        self.count_label = QLabel()

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("筛选：")))
        top.addWidget(self.filter_edit, 1)
        self.village_label = QLabel(self.tr("村："))
        top.addWidget(self.village_label)
        top.addWidget(self.village_combo)
        top.addWidget(QLabel(self.tr("组：")))
        top.addWidget(self.group_combo)
        top.addWidget(self.low_income_check)
        top.addSpacing(12)
        top.addWidget(self.count_label)
        self.village_label.setVisible(village_code is None)
        self.village_combo.setVisible(village_code is None)

        self.add_button = button(self.tr("新增农户"))
        self.edit_button = button(self.tr("编辑"))
        self.delete_button = button(self.tr("删除"))
        self.open_button = button(self.tr("打开"))
        hint = QLabel(self.tr("Enter 或双击打开 · Delete 删除 · Ctrl+Z 撤销"))
        hint.setStyleSheet(NOTE_STYLE)
        actions = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.delete_button, self.open_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(hint)

        self.model = HouseholdTableModel(db, self)
        self.table = read_only_table(
            self.model,
            {
                M.COL_HH_NO: 136,
                M.COL_VILLAGE: 84,
                M.COL_GROUP: 76,
                M.COL_HEAD: 72,
                M.COL_MEMBERS: 48,
                M.COL_PHONE: 112,
                M.COL_INCOME: 100,
                M.COL_LOW_INCOME: 68,
                M.COL_VISITS: 48,
                M.COL_LAST_VISIT: 92,
            },
            stretch=M.COL_SOURCE,
        )
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setColumnHidden(M.COL_VILLAGE, village_code is not None)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicator(M.COL_HH_NO, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)

        self.empty_label = QLabel()
        self.empty_label.setStyleSheet(NOTE_STYLE)
        self.empty_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(self.FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.filter_edit.returnPressed.connect(self._go_to_table)
        self.low_income_check.toggled.connect(self.apply_filter)
        self.village_combo.currentIndexChanged.connect(self._village_changed)
        self.group_combo.currentIndexChanged.connect(self.apply_filter)
        self.model.sort_requested.connect(self._sort_by)
        self.table.activated.connect(lambda _index: self.open_household())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.add_button.clicked.connect(self.add_household)
        self.edit_button.clicked.connect(self.edit_household)
        self.delete_button.clicked.connect(self.delete_household)
        self.open_button.clicked.connect(self.open_household)
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_household)
        undo.stack.indexChanged.connect(self._undo_stack_changed)

        self._fill_villages()
        self._fill_groups()
        self.apply_filter()

    # -- the filter ----------------------------------------------------------------------
    def current_filter(self) -> HouseholdFilter:
        return HouseholdFilter(
            text=self.filter_edit.text(),
            village_code=self._current_village(),
            group=self.group_combo.currentData(),
            low_income=True if self.low_income_check.isChecked() else None,
        )

    def _current_village(self) -> str | None:
        return self._village_code or self.village_combo.currentData()

    def apply_filter(self) -> None:
        """Ask the database for the count under the current filter; rows come when shown."""
        self._filter_timer.stop()
        self.model.set_query(self.current_filter(), self._sort_key, self._descending)
        self._changes_seen = self._db.conn.total_changes
        self._show_count()

    def _show_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(self.tr("共 %n 户", "", n))
        if n:
            self.empty_label.hide()
            return
        chosen = self.current_filter()
        narrowed = chosen.words() or chosen.group or chosen.low_income is not None
        if not narrowed and (self._village_code or not chosen.village_code):
            self.empty_label.setText(
                self.tr("还没有户情档案。点“新增农户”建档，或从“文件 → 导入登记表…”导入户情登记。")
            )
        else:
            self.empty_label.setText(self.tr("没有符合筛选条件的农户。"))
        self.empty_label.show()

    def _sort_by(self, column: int, order: Qt.SortOrder) -> None:
        self._sort_key = M.SORT_KEYS[column]
        self._descending = order == Qt.SortOrder.DescendingOrder
        chosen = self.selected_hh_no()
        self.apply_filter()
        if chosen:
            self.select(chosen)

    def _fill_villages(self) -> None:
        if self._village_code is not None:
            return
        current = self.village_combo.currentData()
        self.village_combo.blockSignals(True)
        self.village_combo.clear()
        self.village_combo.addItem(self.tr("全部村"), None)
        for code, name in households.villages(self._db):
            self.village_combo.addItem(name, code)
            self.village_combo.setItemData(
                self.village_combo.count() - 1, code, Qt.ItemDataRole.ToolTipRole
            )
        self.village_combo.setCurrentIndex(max(0, self.village_combo.findData(current)))
        self.village_combo.blockSignals(False)

    def _fill_groups(self) -> None:
        village = self._current_village()
        current = self.group_combo.currentData()
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        self.group_combo.addItem(self.tr("全部组"), None)
        for name in households.groups(self._db, village) if village else []:
            self.group_combo.addItem(name, name)
        self.group_combo.setCurrentIndex(max(0, self.group_combo.findData(current)))
        self.group_combo.setEnabled(village is not None)
        self.group_combo.blockSignals(False)

    def _village_changed(self) -> None:
        self._fill_groups()
        self.apply_filter()

    def _go_to_table(self) -> None:
        self.apply_filter()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    # -- refreshing ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read everything again (choices, count, rows), keeping the selected household."""
        chosen, row = self.selected_hh_no(), self.selected_row()
        self._fill_villages()
        self._fill_groups()
        self.apply_filter()
        if chosen is not None and not self.select(chosen) and row is not None:
            n = self.model.rowCount()
            if n:
                self.table.selectRow(min(row, n - 1))

    def _undo_stack_changed(self) -> None:
        if self._db.conn.total_changes != self._changes_seen:
            self.refresh()

    # -- selection --------------------------------------------------------------------------
    def selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def selected_hh_no(self) -> str | None:
        row = self.selected_row()
        household = None if row is None else self.model.row_at(row)
        return None if household is None else household["hh_no"]

    def select(self, hh_no: str) -> bool:
        """Select and show ``hh_no`` if the filter keeps it."""
        row = self.model.find(hh_no)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def _update_buttons(self) -> None:
        chosen = self.selected_row() is not None
        for b in (self.edit_button, self.delete_button, self.open_button):
            b.setEnabled(chosen)

    # -- actions ------------------------------------------------------------------------
    def open_household(self, hh_no: str | None = None) -> HouseholdPage | None:
        """The household page of ``hh_no`` (default: the selected one)."""
        hh_no = hh_no or self.selected_hh_no()
        if hh_no is None:
            return None
        return self._open_page(hh_no)

    def add_household(self) -> HouseholdPage:
        """An empty household page (in this panel's village, with the next 户编号)."""
        return self._open_page(None)

    def _open_page(self, hh_no: str | None) -> HouseholdPage:
        page = HouseholdPage(
            self._db,
            self._undo,
            hh_no,
            village_code=self._current_village(),
            clock=self.clock,
            parent=self,
        )
        page.finished.connect(lambda _result: self._page_closed(page))
        self.dialog = page
        page.open()
        return page

    def _page_closed(self, page: HouseholdPage) -> None:
        if page.hh_no is not None:
            self.select(page.hh_no)
        self.table.setFocus()
        page.deleteLater()

    def edit_household(self) -> RecordDialog | None:
        """The base data of the selected household in a form (户编号 fixed)."""
        hh_no = self.selected_hh_no()
        current = households.household(self._db, hh_no) if hh_no else None
        if hh_no is None or current is None:
            return None

        def save(values: dict[str, Any]):
            fields = {k: v for k, v in values.items() if k != "hh_no"}
            change = households.update_household(self._db, hh_no, fields)
            if change.before != change.after:
                self._undo.push(change, self.tr("修改农户 ") + hh_no)
            return change

        dialog = RecordDialog(
            self.tr("编辑农户 – ") + current["head_name"],
            HOUSEHOLDS.columns,
            save,
            self,
            record=current,
            check=village_check(self._db),
            locked=("hh_no",),
        )
        dialog.form.editors["head_name"].setFocus()
        dialog.finished.connect(lambda _result: self.table.setFocus())
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def delete_household(self) -> bool:
        """Delete the selected household (and its visits) after saying what goes with it."""
        hh_no = self.selected_hh_no()
        current = households.household(self._db, hh_no) if hh_no else None
        if hh_no is None or current is None:
            return False
        deps = records.dependents(self._db, "households", {"hh_no": hh_no})
        text = (
            self.tr("删除农户 %1（户主 %2）？")
            .replace("%1", hh_no)
            .replace("%2", current["head_name"])
        )
        if deps:
            text += "\n\n" + self.tr("将一并删除：%1。").replace(
                "%1", records.describe_dependents(deps)
            )
        text += "\n" + self.tr("删除后可按 Ctrl+Z 撤销。")
        answer = QMessageBox.question(self, self.tr("删除农户"), text)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            change = households.delete_household(self._db, hh_no)
        except DomainError as e:
            QMessageBox.warning(self, self.tr("不能删除"), str(e))
            return False
        self._undo.push(change, self.tr("删除农户 ") + hh_no)
        return True
