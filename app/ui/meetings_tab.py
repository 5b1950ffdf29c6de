"""周例会: the meetings of the management cycle, newest first, filtered by kind."""

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
from app.db.views import MEETING_KINDS, MeetingRow
from app.ui.models.table_model import RowTableModel
from app.ui.widgets.tables import read_only_table


class MeetingTableModel(RowTableModel):
    COL_DAY = 0
    COL_KIND = 1
    COL_PLACE = 2
    COL_CHAIR = 3
    COL_PRESENT = 4
    COL_ITEMS = 5

    RIGHT_ALIGNED = frozenset({COL_PRESENT})
    CENTRED = frozenset({COL_ITEMS})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [
                self.tr("日期"),
                self.tr("类别"),
                self.tr("地点"),
                self.tr("主持人"),
                self.tr("出席人数"),
                self.tr("督办事项（未办结/全部）"),
            ]
        )

    def value(self, row: MeetingRow, column: int):
        if column == self.COL_DAY:
            return row.day
        if column == self.COL_KIND:
            return row.kind
        if column == self.COL_PLACE:
            return row.place
        if column == self.COL_CHAIR:
            return row.chair
        if column == self.COL_PRESENT:
            return row.present
        if column == self.COL_ITEMS:
            return row.open_items
        raise IndexError(column)

    def display(self, row: MeetingRow, column: int) -> str:
        if column == self.COL_ITEMS:
            return f"{row.open_items}/{row.items}" if row.items else "—"
        return super().display(row, column)


MT = MeetingTableModel


class MeetingsTab(QWidget):
    def __init__(self, db: Database, parent=None) -> None:
        super().__init__(parent)
        self._db = db

        self.kind_combo = QComboBox()
        self.kind_combo.addItem(self.tr("全部"), None)
        for kind in MEETING_KINDS:
            self.kind_combo.addItem(self.tr(kind), kind)
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("类别：")))
        top.addWidget(self.kind_combo)
        top.addStretch(1)
        top.addWidget(self.count_label)

        self.model = MeetingTableModel(self)
        self.table = read_only_table(
            self.model,
            {
                MT.COL_DAY: 100,
                MT.COL_KIND: 90,
                MT.COL_CHAIR: 90,
                MT.COL_PRESENT: 80,
                MT.COL_ITEMS: 170,
            },
            stretch=MT.COL_PLACE,
        )

        self.empty_label = QLabel()
        self.empty_label.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table)

        self.kind_combo.currentIndexChanged.connect(self.refresh)

    def refresh(self) -> None:
        kind = self.kind_combo.currentData()
        rows = views.meetings(self._db, kind=kind)
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("共 %n 次会议", "", len(rows)))
        if kind is None:
            self.empty_label.setText(self.tr("还没有会议记录。"))
        else:
            self.empty_label.setText(self.tr("没有“%1”记录。").replace("%1", kind))
        self.empty_label.setVisible(not rows)
