"""A read-only table model over a list of row objects (Vorta's pattern).

Subclasses name their columns with ``COL_*`` constants, give the headers and say how a
row shows in a column. Rows are replaced whole, inside ``beginResetModel()`` /
``endResetModel()``. ``SORT_ROLE`` returns the raw value, ``ROW_ROLE`` the row object.
Sorting is not done here: :meth:`sort` emits :attr:`sort_requested` so the owner can ask
the database for the rows in the new order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

SORT_ROLE = Qt.ItemDataRole.UserRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)

Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel):
    """Rows of any kind; subclasses implement :meth:`value` (and maybe :meth:`display`)."""

    #: (column, order) asked for by a click on a header; the owner re-queries.
    sort_requested = Signal(int, Qt.SortOrder)

    #: columns shown right-aligned (numbers, money) and centred (short codes)
    RIGHT_ALIGNED: frozenset[int] = frozenset()
    CENTRED: frozenset[int] = frozenset()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._headers: list[str] = []
        self._rows: list[Any] = []

    def set_headers(self, headers: Sequence[str]) -> None:
        """The column titles (translated by the subclass, which knows its context)."""
        self.beginResetModel()
        self._headers = list(headers)
        self.endResetModel()

    # -- rows ------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    # -- what subclasses say ---------------------------------------------------------
    def value(self, row: Any, column: int) -> Any:
        """The raw value of ``row`` in ``column`` (also the sort role)."""
        raise NotImplementedError

    def display(self, row: Any, column: int) -> str:
        value = self.value(row, column)
        return "" if value is None else str(value)

    def background(self, row: Any, column: int) -> Any:
        return None

    def foreground(self, row: Any, column: int) -> Any:
        return None

    def tooltip(self, row: Any, column: int) -> str | None:
        return None

    # -- Qt --------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == SORT_ROLE:
            return self.value(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in self.RIGHT_ALIGNED:
                return _RIGHT
            if column in self.CENTRED:
                return _CENTRE
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.background(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_requested.emit(column, order)
