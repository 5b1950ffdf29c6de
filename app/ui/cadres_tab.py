"""干部与值班: the cadre roster with today's posts and this month's present days.

Read-only for now; the duty grid (one column per day) comes later.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import views
from app.db.views import CadreRow
from app.domain.periods import Month
from app.ui.models.table_model import RowTableModel
from app.ui.widgets.tables import read_only_table


class CadreTableModel(RowTableModel):
    COL_NO = 0
    COL_NAME = 1
    COL_UNIT = 2
    COL_POST = 3
    COL_EXPERTISE = 4
    COL_LEADER = 5
    COL_POSTS = 6
    COL_PRESENT = 7

    _FIELDS = {
        COL_NO: "cadre_no",
        COL_NAME: "name",
        COL_UNIT: "unit",
        COL_POST: "post",
        COL_EXPERTISE: "expertise",
        COL_LEADER: "is_leader",
        COL_POSTS: "posts",
        COL_PRESENT: "present_days",
    }
    RIGHT_ALIGNED = frozenset({COL_PRESENT})
    CENTRED = frozenset({COL_LEADER})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_present_header("")

    def set_present_header(self, month: str) -> None:
        present = self.tr("本月出勤") if not month else self.tr("%1出勤").replace("%1", month)
        self.set_headers(
            [
                self.tr("干部编号"),
                self.tr("姓名"),
                self.tr("单位"),
                self.tr("职务"),
                self.tr("专长类别"),
                self.tr("乡镇领导"),
                self.tr("当前岗位"),
                present,
            ]
        )

    def value(self, row: CadreRow, column: int):
        return getattr(row, self._FIELDS[column])

    def display(self, row: CadreRow, column: int) -> str:
        if column == self.COL_LEADER:
            return self.tr("是") if row.is_leader else self.tr("否")
        return super().display(row, column)

    def tooltip(self, row: CadreRow, column: int) -> str | None:
        if column == self.COL_POSTS:
            return row.posts or None
        if column == self.COL_PRESENT:
            return self.tr("在村与会议培训天数")
        return None


C = CadreTableModel


class CadresTab(QWidget):
    def __init__(
        self, db: Database, *, clock: Callable[[], date] = date.today, parent=None
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._clock = clock

        self.count_label = QLabel()
        self.month_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.month_label)
        top.addStretch(1)
        top.addWidget(self.count_label)

        self.model = CadreTableModel(self)
        self.table = read_only_table(
            self.model,
            {
                C.COL_NO: 90,
                C.COL_NAME: 80,
                C.COL_UNIT: 150,
                C.COL_POST: 120,
                C.COL_EXPERTISE: 140,
                C.COL_LEADER: 70,
                C.COL_PRESENT: 130,
            },
            stretch=C.COL_POSTS,
        )
        self.empty_label = QLabel(self.tr("还没有干部。请从“文件 → 导入登记表…”导入干部花名册。"))
        self.empty_label.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table)

    def refresh(self) -> None:
        today = self._clock()
        month = Month.of(today)
        rows = views.cadres(self._db, today=today, first=month.first_day, last=month.last_day)
        self.model.set_present_header(str(month))
        self.model.set_rows(rows)
        self.month_label.setText(
            self.tr("当前岗位按 %1 计；出勤为 %2 的在村与会议培训天数。")
            .replace("%1", today.isoformat())
            .replace("%2", str(month))
        )
        self.count_label.setText(self.tr("共 %n 名干部", "", len(rows)))
        self.empty_label.setVisible(not rows)
