"""县级汇总 (the county database's view of the townships' county files).

``data`` turns what ``app.exchange.county`` computes into the rows the pages show (no
Qt); ``models`` are their table models; ``files_page``, ``villages_page`` (with the bars
of ``grade_bars``) and ``duty_page`` are the three pages of
:class:`app.ui.county_tab.CountyTab`; ``township_export`` is the township side
(文件 → 导出上报文件…). The import dialog is ``app.ui.dialogs.county_import_dialog``.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ui.models.table_model import ROW_ROLE, SORT_ROLE

NOTE_STYLE = "color: #555;"
EMPTY_STYLE = (
    "QLabel { background: #f4f7fb; color: #333; border: 1px solid #c9d6e6; padding: 16px; }"
)
WARN_COLOUR = "#b00020"


def sorted_view(view: QTableView) -> QSortFilterProxyModel:
    """Put a sorting proxy between ``view`` and its model: a click on a header sorts by
    the raw value (``SORT_ROLE``). For the small tables of this tab (≤ 300 rows)."""
    source = view.model()
    proxy = QSortFilterProxyModel(view)
    proxy.setSourceModel(source)
    proxy.setSortRole(SORT_ROLE)
    proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.horizontalHeader().setSortIndicatorShown(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the order given until a click
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return proxy


def empty_stack(empty_label: QLabel, content: QWidget) -> QStackedWidget:
    """``content`` (index 1), or ``empty_label`` at the top of the page (index 0)."""
    empty = QWidget()
    layout = QVBoxLayout(empty)
    layout.setContentsMargins(24, 24, 24, 24)
    layout.addWidget(empty_label)
    layout.addStretch(1)
    stack = QStackedWidget()
    stack.addWidget(empty)
    stack.addWidget(content)
    return stack


def fit_rows(table: QTableView, rows: int, most: int) -> None:
    """Make ``table`` as high as ``rows`` rows (at least one, at most ``most``) and its header."""
    shown = max(1, min(rows, most))
    header = (
        table.horizontalHeader().sizeHint().height()
        if not table.horizontalHeader().isHidden()
        else 0
    )
    height = header + shown * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth()
    if rows > most and table.horizontalScrollBar().isVisible():
        height += table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(height)


class TownshipSelection:
    """A page whose ``table`` (over ``proxy``) lists townships: the current one, and
    selecting a row or a township by code. ``CODE`` names the row's code attribute."""

    CODE = "township_code"
    table: QTableView
    proxy: QSortFilterProxyModel

    def current_township(self) -> str | None:

        index = self.table.selectionModel().currentIndex()
        return getattr(index.data(ROW_ROLE), self.CODE) if index.isValid() else None

    def select_row(self, row: int) -> None:
        if 0 <= row < self.proxy.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.proxy.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def select_township(self, code: str) -> bool:

        for r in range(self.proxy.rowCount()):
            if getattr(self.proxy.index(r, 0).data(ROW_ROLE), self.CODE) == code:
                self.select_row(r)
                return True
        return False
