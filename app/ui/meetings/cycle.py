"""例会统计: weekly meetings expected against held, and the reviews due and done.

For a quarter (or a whole year) the page lists every week that owes a 周例会 (one per
ISO week whose Thursday falls in the period) with the day it was held, or 未开 in red,
and every review the period owes (月汇报 each month, 季小结, 半年初评 in the second
quarter, 年终总评 in the fourth) with 已开 and its date, 未开 in red, or 未到期. The
figures come from :func:`app.db.cycle.cycle`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget
from sqlite_utils import Database

from app.db import cycle as cydb
from app.db.cycle import HELD, MISSING, NOT_DUE, Cycle, ReviewStatus, WeekStatus
from app.domain.periods import Quarter, Year
from app.ui.cadres.roster import CadrePage
from app.ui.models.table_model import RowTableModel
from app.ui.undo import TabUndo
from app.ui.widgets.common import MUTED_TEXT, PeriodPicker
from app.ui.widgets.tables import read_only_table

RED = QBrush(QColor("#b00020"))
PINK = QBrush(QColor("#fde7ea"))
GREEN = QBrush(QColor("#1b5e20"))
MISSING_STYLE = "color: #b00020;"


def _paint(status: str, column: int, status_column: int):
    if status == MISSING:
        return RED
    if status == HELD and column == status_column:
        return GREEN
    return None if status == HELD else MUTED_TEXT


class WeeksModel(RowTableModel):
    COL_WEEK, COL_SPAN, COL_HELD, COL_STATUS = range(4)
    CENTRED = frozenset({COL_WEEK, COL_STATUS})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [self.tr("周次"), self.tr("起止日期"), self.tr("召开日期"), self.tr("状态")]
        )

    def value(self, row: WeekStatus, column: int) -> Any:
        if column == self.COL_WEEK:
            return self.tr("第 %1 周").replace("%1", str(row.week.week))
        if column == self.COL_SPAN:
            return f"{row.week.monday.isoformat()} 至 {row.week.sunday.isoformat()}"
        if column == self.COL_HELD:
            return "、".join(d.isoformat() for d in row.held_on)
        return self.tr(cydb.STATUS_LABELS[row.status])

    def foreground(self, row: WeekStatus, column: int):
        return _paint(row.status, column, self.COL_STATUS)

    def background(self, row: WeekStatus, column: int):
        return PINK if row.status == MISSING else None


class ReviewsModel(RowTableModel):
    COL_KIND, COL_PERIOD, COL_DEADLINE, COL_STATUS = range(4)
    CENTRED = frozenset({COL_KIND})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [self.tr("会议"), self.tr("所属期间"), self.tr("应开（期限）"), self.tr("召开情况")]
        )

    def value(self, row: ReviewStatus, column: int) -> Any:
        if column == self.COL_KIND:
            return row.due.kind
        if column == self.COL_PERIOD:
            return row.due.label
        if column == self.COL_DEADLINE:
            return self.tr("应开，%1 前").replace("%1", row.due.deadline.isoformat())
        return row.text if row.status != NOT_DUE else self.tr(cydb.STATUS_LABELS[NOT_DUE])

    def foreground(self, row: ReviewStatus, column: int):
        return _paint(row.status, column, self.COL_STATUS)

    def background(self, row: ReviewStatus, column: int):
        return PINK if row.status == MISSING else None


class MeetingCyclePage(CadrePage):
    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, undo, clock=clock, parent=parent)
        self.data: Cycle | None = None
        today = clock()
        self.picker = PeriodPicker(today)
        combo = self.picker.kind_combo
        combo.removeItem(combo.findData("month"))  # a quarter or a year
        self.picker.set_period(Quarter.of(today))
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("期间：")))
        top.addWidget(self.picker)
        top.addStretch(1)

        self.weeks_title, self.reviews_title = QLabel(), QLabel()
        self.missing_label = QLabel()
        self.missing_label.setWordWrap(True)
        self.missing_label.setStyleSheet(MISSING_STYLE)
        self.weeks_model, self.reviews_model = WeeksModel(self), ReviewsModel(self)
        W, R = WeeksModel, ReviewsModel
        self.weeks_table = read_only_table(
            self.weeks_model,
            {W.COL_WEEK: 72, W.COL_SPAN: 190, W.COL_STATUS: 70},
            stretch=W.COL_HELD,
        )
        self.reviews_table = read_only_table(
            self.reviews_model,
            {R.COL_KIND: 80, R.COL_PERIOD: 130, R.COL_DEADLINE: 150},
            stretch=R.COL_STATUS,
        )
        left, right = QWidget(), QWidget()
        for part, title, extra, table in (
            (left, self.weeks_title, self.missing_label, self.weeks_table),
            (right, self.reviews_title, None, self.reviews_table),
        ):
            lay = QVBoxLayout(part)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(title)
            if extra is not None:
                lay.addWidget(extra)
            lay.addWidget(table, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([520, 640])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(split, 1)
        self.picker.changed.connect(self.refresh)

    def period(self) -> Quarter | Year:
        period = self.picker.period()
        assert isinstance(period, Quarter | Year)
        return period

    def set_period(self, period: Quarter | Year) -> None:
        self.picker.set_period(period)

    def refresh(self) -> None:
        self._stale = False
        data = cydb.cycle(self._db, self.period(), as_of=self._clock())
        self.data = data
        self.weeks_model.set_rows(list(data.weeks))
        self.reviews_model.set_rows(list(data.reviews))
        missing, later = data.missing_weeks, data.not_due_weeks
        text = (
            self.tr("%1：应开周例会 %2 次，已开 %3 次")
            .replace("%1", data.title)
            .replace("%2", str(data.expected))
            .replace("%3", str(data.held))
        )
        if missing:
            text += self.tr("，未开 %1 次").replace("%1", str(len(missing)))
        if later:
            text += self.tr("，尚未到期 %1 次").replace("%1", str(len(later)))
        reviews = data.reviews
        done = sum(1 for r in reviews if r.status == HELD)
        text += (
            self.tr("；应开月汇报、季小结等 %1 次，已开 %2 次")
            .replace("%1", str(len(reviews)))
            .replace("%2", str(done))
        )
        if data.missing_reviews:
            text += self.tr("，未开 %1 次").replace("%1", str(len(data.missing_reviews)))
        self.summary_label.setText(
            text + self.tr("（统计至 %1）。").replace("%1", data.as_of.isoformat())
        )
        self.weeks_title.setText(self.tr("周例会（每周一次，按周四所在期间计）"))
        self.reviews_title.setText(self.tr("月汇报、季小结、半年初评、年终总评"))
        self.missing_label.setText(
            self.tr("未开周例会的周：%1").replace("%1", "、".join(w.label for w in missing))
        )
        self.missing_label.setVisible(bool(missing))
