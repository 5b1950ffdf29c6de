"""文件 → 修改记录…: the change log, newest first, filtered by date, table and record.

The log grows with every edit, so it is never read whole: the model counts the rows of
the filter and reads the page it shows (``LIMIT``/``OFFSET``, :data:`PAGE_SIZE` rows, the
last few pages kept), like the household list. Selecting a row shows what changed: for
an update only the fields that differ (before → after), for a new or deleted record all
its fields, named as the register sheets name them (``app.sheets``), else by the
program's field labels, else by the column name.

Times are stored in UTC (``…Z``) and shown in local time; the date filter turns the local
days chosen into UTC bounds, so it uses the index on ``change_log.at``.

The reading is ``app.db.change_log`` (:class:`ChangeFilter`, :func:`count_changes`,
:func:`change_page`).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db.change_log import ChangeFilter, change_page, count_changes
from app.db.records import FIELD_LABELS, TABLE_LABELS
from app.db.schema import LOGGED_TABLES
from app.sheets import KINDS

PAGE_SIZE = 200
CACHE_PAGES = 6
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex

# ---- naming and showing ------------------------------------------------------------------

ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除", "note": "说明"}
TABLES: dict[str, str] = TABLE_LABELS

#: table -> field -> the register sheet's column (its header and how it shows a value)
SHEET_COLUMNS: dict[str, dict[str, Any]] = {}
for _kind in KINDS.values():
    for _column in _kind.columns:
        SHEET_COLUMNS.setdefault(_kind.table, {}).setdefault(_column.field, _column)

BOOKKEEPING = frozenset({"modified_at"})  # changes with every edit: not itself a change


def table_label(table: str) -> str:
    return TABLES.get(table, table)


def field_label(table: str, field: str) -> str:
    column = SHEET_COLUMNS.get(table, {}).get(field)
    if column is not None:
        return column.header
    return FIELD_LABELS.get(field, field)


def value_text(table: str, field: str, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    column = SHEET_COLUMNS.get(table, {}).get(field)
    if column is not None:
        try:
            shown = column.show(value)
        except (TypeError, ValueError):
            shown = str(value)
        return shown if shown != "" else "（空）"
    return str(value)


def local_time(at: str) -> str:
    """``2026-05-15T02:03:04.567Z`` as the clerk's clock showed it: 2026-05-15 10:03:04."""
    try:
        moment = datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return str(at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _fields(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"?": text}
    return value if isinstance(value, dict) else {"?": value}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str  # "" where the record did not exist
    after: str


def differences(row: dict[str, Any]) -> list[FieldChange]:
    """What one log row changed: the differing fields of an update (``modified_at`` only
    when nothing else differs), every field of a new or deleted record, nothing for a
    note."""
    table, action = row["table_name"], row["action"]
    before, after = _fields(row.get("before")), _fields(row.get("after"))
    if action == "update":
        names = [k for k in dict.fromkeys([*after, *before]) if before.get(k) != after.get(k)]
        if any(k not in BOOKKEEPING for k in names):
            names = [k for k in names if k not in BOOKKEEPING]
    elif action == "insert":
        names = list(after)
    elif action == "delete":
        names = list(before)
    else:
        return []
    out = []
    for k in names:
        out.append(
            FieldChange(
                k,
                field_label(table, k),
                value_text(table, k, before.get(k)) if action != "insert" else "",
                value_text(table, k, after.get(k)) if action != "delete" else "",
            )
        )
    return out


# ---- the model ---------------------------------------------------------------------------


class ChangeLogModel(QAbstractTableModel):
    COL_TIME = 0
    COL_TABLE = 1
    COL_RECORD = 2
    COL_ACTION = 3
    COL_REASON = 4

    def __init__(self, db: Database, parent=None) -> None:
        super().__init__(parent)
        self._db = db
        self._headers = [
            self.tr("时间"),
            self.tr("表"),
            self.tr("记录"),
            self.tr("操作"),
            self.tr("原因"),
        ]
        self.filter = ChangeFilter()
        self._count = 0
        self._pages: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self.page_fetches = 0  # pages read since the model was made (the tests watch it)

    def set_filter(self, flt: ChangeFilter) -> None:
        self.beginResetModel()
        self.filter = flt
        self._pages.clear()
        self._count = count_changes(self._db, flt)
        self.endResetModel()

    def _page(self, page: int) -> list[dict[str, Any]]:
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
            return rows
        rows = change_page(self._db, self.filter, page * PAGE_SIZE, PAGE_SIZE)
        self.page_fetches += 1
        self._pages[page] = rows
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)
        return rows

    def row_at(self, row: int) -> dict[str, Any] | None:
        if not 0 <= row < self._count:
            return None
        rows = self._page(row // PAGE_SIZE)
        i = row % PAGE_SIZE
        return rows[i] if i < len(rows) else None

    def display(self, row: dict[str, Any], column: int) -> str:
        if column == self.COL_TIME:
            return local_time(row["at"])
        if column == self.COL_TABLE:
            return table_label(row["table_name"])
        if column == self.COL_RECORD:
            return row["record"] or ""
        if column == self.COL_ACTION:
            return ACTIONS.get(row["action"], row["action"])
        return row["reason"] or ""

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            ROW_ROLE,
        ):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        if role == ROW_ROLE:
            return row
        text = self.display(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return text if index.column() in (self.COL_RECORD, self.COL_REASON) and text else None
        return text


# ---- the dialog --------------------------------------------------------------------------


class ChangeLogDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None, *, today: date) -> None:
        super().__init__(parent)
        self._db = db
        self.setWindowTitle(self.tr("修改记录"))

        self.by_date = QCheckBox(self.tr("日期(&D)"))
        self.start_edit = QDateEdit(QDate(today - timedelta(days=30)))
        self.end_edit = QDateEdit(QDate(today))
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.table_box = QComboBox()
        self.table_box.addItem(self.tr("全部"), None)
        for table in [*LOGGED_TABLES, "demo"]:
            self.table_box.addItem(table_label(table), table)
        self.table_box.setMaxVisibleItems(20)
        self.record_edit = QLineEdit()
        self.record_edit.setPlaceholderText(self.tr("编号的一部分，如 GB001、村代码、户编号"))
        self.record_edit.setClearButtonEnabled(True)
        self.count_label = QLabel()

        table_label_widget = QLabel(self.tr("表(&T)"))
        table_label_widget.setBuddy(self.table_box)
        record_label = QLabel(self.tr("记录(&R)"))
        record_label.setBuddy(self.record_edit)
        filters = QHBoxLayout()
        filters.addWidget(self.by_date)
        filters.addWidget(self.start_edit)
        filters.addWidget(QLabel(self.tr("至")))
        filters.addWidget(self.end_edit)
        filters.addSpacing(12)
        filters.addWidget(table_label_widget)
        filters.addWidget(self.table_box)
        filters.addSpacing(12)
        filters.addWidget(record_label)
        filters.addWidget(self.record_edit, 1)
        filters.addSpacing(12)
        filters.addWidget(self.count_label)

        self.model = ChangeLogModel(db, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((0, 150), (1, 110), (2, 280), (3, 56)):
            self.view.setColumnWidth(column, width)

        self.detail_title = QLabel()
        self.detail_title.setWordWrap(True)
        self.detail_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QTableWidget(0, 3)
        self.detail.setHorizontalHeaderLabels(
            [self.tr("字段"), self.tr("修改前"), self.tr("修改后")]
        )
        self.detail.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.detail.setTabKeyNavigation(False)
        self.detail.verticalHeader().hide()
        self.detail.verticalHeader().setDefaultSectionSize(24)
        self.detail.setWordWrap(False)
        detail_header = self.detail.horizontalHeader()
        detail_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        detail_header.setStretchLastSection(True)
        self.detail.setColumnWidth(0, 150)
        self.detail.setColumnWidth(1, 330)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail_title)
        detail_layout.addWidget(self.detail, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        self.resize(1000, 620)

        # a new filter as soon as something is chosen; typing waits for a pause
        self._applied = False
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(300)
        self._typing.timeout.connect(self.apply_filter)
        self.by_date.toggled.connect(self._date_toggled)
        self.start_edit.dateChanged.connect(lambda _d: self.apply_filter())
        self.end_edit.dateChanged.connect(lambda _d: self.apply_filter())
        self.table_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.record_edit.textChanged.connect(lambda _t: self._typing.start())
        self.record_edit.returnPressed.connect(self.apply_filter)
        self.view.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.show_row(cur.row())
        )
        self.apply_filter()
        self.view.setFocus()

    # -- filtering -----------------------------------------------------------------------
    def current_filter(self) -> ChangeFilter:
        start = end = None
        if self.by_date.isChecked():
            start = self.start_edit.date().toPython()
            end = self.end_edit.date().toPython()
            if start > end:
                start, end = end, start
        return ChangeFilter(start, end, self.table_box.currentData(), self.record_edit.text())

    def _date_toggled(self, on: bool) -> None:
        self.start_edit.setEnabled(on)
        self.end_edit.setEnabled(on)
        self.apply_filter()

    def apply_filter(self) -> None:
        self._typing.stop()
        flt = self.current_filter()
        if self._applied and flt == self.model.filter:
            return  # e.g. a date changed while dates are not used
        self._applied = True
        self.model.set_filter(flt)
        self.count_label.setText(self.tr("共 %1 条").replace("%1", f"{self.model.rowCount():,}"))
        if self.model.rowCount():
            self.view.selectRow(0)
        else:
            self.show_row(-1)

    # -- the selected row ----------------------------------------------------------------
    def show_row(self, row: int) -> None:
        data = self.model.row_at(row)
        self.detail.setRowCount(0)
        if data is None:
            self.detail_title.setText(
                self.tr("没有符合条件的修改记录。") if not self.model.rowCount() else ""
            )
            return
        action = data["action"]
        title = "　".join(
            x
            for x in (
                local_time(data["at"]),
                table_label(data["table_name"]),
                data["record"] or "",
                ACTIONS.get(action, action),
            )
            if x
        )
        if data["reason"]:
            title += "　" + self.tr("原因：%1").replace("%1", data["reason"])
        self.detail_title.setText(title)
        changes = differences(data)
        self.detail.setRowCount(len(changes))
        muted = QColor("#888888")
        for i, change in enumerate(changes):
            for j, text in enumerate((change.label, change.before, change.after)):
                item = QTableWidgetItem(text)
                item.setToolTip(text if j else change.field)
                if text == "（空）":
                    item.setForeground(muted)
                self.detail.setItem(i, j, item)
        self.detail.setColumnHidden(1, action == "insert")
        self.detail.setColumnHidden(2, action == "delete")
        headers = {
            "insert": (self.tr("字段"), "", self.tr("新增的值")),
            "delete": (self.tr("字段"), self.tr("删除前的值"), ""),
        }.get(action, (self.tr("字段"), self.tr("修改前"), self.tr("修改后")))
        self.detail.setHorizontalHeaderLabels(list(headers))

    def detail_rows(self) -> list[tuple[str, str, str]]:
        """(field, before, after) as shown below the list."""
        return [
            tuple(self.detail.item(i, j).text() for j in range(3))  # type: ignore[misc]
            for i in range(self.detail.rowCount())
        ]
