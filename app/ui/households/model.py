"""The household list as a lazy table model: the database counts and sorts, the view
asks only for the rows it shows.

``rowCount`` is :func:`app.db.households.count` for the current filter; ``data`` reads the
row's page (:data:`PAGE_SIZE` rows, :func:`app.db.households.rows`) on first use and keeps
the last few pages. A new filter or sort replaces everything inside
``beginResetModel()/endResetModel()``. Never put a ``QSortFilterProxyModel`` on top: the
point is that no one ever holds all ≈94,000 rows.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from sqlite_utils import Database

from app.db import households
from app.db.households import HouseholdFilter
from app.sheets.values import show_yuan

SORT_ROLE = Qt.ItemDataRole.UserRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

PAGE_SIZE = 200
CACHE_PAGES = 6

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
_LOW_BACKGROUND = QColor("#fde8d0")
_LOW_FOREGROUND = QColor("#8a3b00")

Index = QModelIndex | QPersistentModelIndex


class HouseholdTableModel(QAbstractTableModel):
    COL_HH_NO = 0
    COL_VILLAGE = 1
    COL_GROUP = 2
    COL_HEAD = 3
    COL_MEMBERS = 4
    COL_PHONE = 5
    COL_INCOME = 6
    COL_LOW_INCOME = 7
    COL_VISITS = 8
    COL_LAST_VISIT = 9
    COL_SOURCE = 10

    #: column → the field of the row shown there
    FIELDS = {
        COL_HH_NO: "hh_no",
        COL_VILLAGE: "village_name",
        COL_GROUP: "group_name",
        COL_HEAD: "head_name",
        COL_MEMBERS: "members",
        COL_PHONE: "phone",
        COL_INCOME: "income_per_capita_fen",
        COL_LOW_INCOME: "low_income",
        COL_VISITS: "visits",
        COL_LAST_VISIT: "last_visit",
        COL_SOURCE: "income_source",
    }
    #: column → sort key of :func:`app.db.households.rows`. The village column sorts by
    #: village code: the official order, which keeps a township's villages together.
    SORT_KEYS = {**FIELDS, COL_VILLAGE: "village_code"}
    RIGHT_ALIGNED = frozenset({COL_MEMBERS, COL_INCOME, COL_VISITS})
    CENTRED = frozenset({COL_LOW_INCOME, COL_LAST_VISIT})

    #: (column, order) asked for by a click on a header; the owner re-queries
    sort_requested = Signal(int, Qt.SortOrder)

    def __init__(self, db: Database, parent=None) -> None:
        super().__init__(parent)
        self._db = db
        self._headers = [
            self.tr("户编号"),
            self.tr("村"),
            self.tr("村民小组"),
            self.tr("户主"),
            self.tr("人口"),
            self.tr("联系电话"),
            self.tr("年人均纯收入"),
            self.tr("低收入户"),
            self.tr("走访"),
            self.tr("最近走访"),
            self.tr("主要收入来源"),
        ]
        self.filter = HouseholdFilter()
        self.sort_key = "hh_no"
        self.descending = False
        self._count = 0
        self._pages: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        #: pages read from the database since the model was made (the tests watch it)
        self.page_fetches = 0

    # -- the query ---------------------------------------------------------------------
    def set_query(self, flt: HouseholdFilter, sort_key: str, descending: bool) -> None:
        """Count the rows of the new filter/order; pages are read when shown."""
        self.beginResetModel()
        self.filter, self.sort_key, self.descending = flt, sort_key, descending
        self._pages.clear()
        self._count = households.count(self._db, flt)
        self.endResetModel()

    def reload(self) -> None:
        """Read the same query again (after an edit)."""
        self.set_query(self.filter, self.sort_key, self.descending)

    def _page(self, page: int) -> list[dict[str, Any]]:
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
            return rows
        rows = households.rows(
            self._db,
            self.filter,
            self.sort_key,
            self.descending,
            offset=page * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
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

    def find(self, hh_no: str) -> int | None:
        """The row showing ``hh_no`` under the current filter and order, if any."""
        return households.position(self._db, self.filter, self.sort_key, self.descending, hh_no)

    # -- showing -----------------------------------------------------------------------
    def value(self, row: dict[str, Any], column: int) -> Any:
        return row[self.FIELDS[column]]

    def display(self, row: dict[str, Any], column: int) -> str:
        value = self.value(row, column)
        if column == self.COL_INCOME:
            return show_yuan(value)
        if column == self.COL_LOW_INCOME:
            return self.tr("是") if value else ""
        if column == self.COL_VISITS:
            return str(value) if value else ""
        return "" if value is None else str(value)

    # -- Qt ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in self.RIGHT_ALIGNED:
                return _RIGHT
            return _CENTRE if column in self.CENTRED else None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ForegroundRole,
            SORT_ROLE,
            ROW_ROLE,
        ):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == SORT_ROLE:
            return self.value(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_VILLAGE:
                return f"{row['village_name']}（{row['village_code']}）"
            if column == self.COL_SOURCE:
                return row["income_source"] or None
            return None
        if row["low_income"] and column == self.COL_LOW_INCOME:
            return _LOW_BACKGROUND if role == Qt.ItemDataRole.BackgroundRole else _LOW_FOREGROUND
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_requested.emit(column, order)
