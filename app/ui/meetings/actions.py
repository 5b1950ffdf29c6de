"""督办事项: the action items of every meeting (open / overdue / done), closed from here or
at a later meeting; the section of a meeting's page listing the items raised at it; and
the names, choices and words the meeting pages share.

An item open past its due date is overdue: red, with the days it is late.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import lookups
from app.db import meetings as mdb
from app.db.meetings import DONE, OPEN, ActionItem, Item
from app.domain.errors import DomainError
from app.sheets import values as v
from app.sheets.base import Column
from app.ui.cadres.roster import RED, CadrePage, button, widen
from app.ui.models.table_model import RowTableModel
from app.ui.undo import TabUndo
from app.ui.widgets.common import LongTextDialog
from app.ui.widgets.reason import run_with_reason
from app.ui.widgets.record_form import RecordDialog
from app.ui.widgets.tables import read_only_table

DATE_HINT = "YYYY-MM-DD，如 2026-05-15"
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def _tr(text: str, *args: object) -> str:
    out = QCoreApplication.translate("MeetingPages", text)
    for i, arg in enumerate(args, start=1):
        out = out.replace(f"%{i}", str(arg))
    return out


def weekday_name(day: str) -> str:
    try:
        return _tr(WEEKDAYS[date.fromisoformat(day).weekday()])
    except ValueError:
        return ""


# ---- names and choices -------------------------------------------------------------------


class Names:
    """Cadre and village names for the labels of a page, read once."""

    def __init__(self, db: Database) -> None:
        self.cadres = {no: (name, out) for no, name, out in lookups.cadre_choices(db)}
        self.villages = {code: name for code, name, _s in lookups.village_choices(db)}

    def cadre(self, no: str | None) -> str:
        if not no:
            return ""
        return self.cadres.get(no, (no, None))[0]

    def village(self, code: str | None) -> str:
        return "" if not code else self.villages.get(code, code)

    def cadre_labels(self) -> dict[str, str]:
        return {
            no: f"{name}（{no}）" + (_tr("·已退出") if out else "")
            for no, (name, out) in self.cadres.items()
        }

    def village_labels(self) -> dict[str, str]:
        return {code: f"{name}（{code}）" for code, name in self.villages.items()}


def choice(header: str, field: str, labels: dict[str, str], *, required: bool = False) -> Column:
    """A column offering ``labels`` {stored value: label}; stores the value."""
    keys = {label: key for key, label in labels.items()}

    def parse(value: object) -> str:
        if str(value) not in keys:
            raise DomainError(_tr("不在列表中：%1", value))
        return keys[str(value)]

    def show(value: object) -> str:
        return "" if value is None else labels.get(str(value), str(value))

    return Column(
        header, field, parse, required=required, show=show, choices=tuple(labels.values())
    )


STATUS_LABELS = {OPEN: "未办结", DONE: "已办结"}


def status_text(status: str, days_overdue: int = 0) -> str:
    if status == OPEN and days_overdue > 0:
        return _tr("逾期 %1 天", days_overdue)
    return _tr(STATUS_LABELS.get(status, status))


def item_columns(names: Names) -> list[Column]:
    return [
        Column(_tr("督办事项"), "task", v.text, required=True, hint=_tr("要办的事，写清楚")),
        choice(_tr("责任人"), "owner_cadre_no", names.cadre_labels()),
        choice(_tr("村"), "village_code", names.village_labels()),
        Column(_tr("办结期限"), "due_date", v.iso_date, hint=DATE_HINT),
        choice(_tr("状态"), "status", {k: _tr(t) for k, t in STATUS_LABELS.items()}, required=True),
        Column(_tr("办理结果"), "result", v.text, hint=_tr("办结时填写")),
        Column(_tr("办结日期"), "done_on", v.iso_date, hint=DATE_HINT),
    ]


def close_columns(*, with_day: bool) -> list[Column]:
    columns = [Column(_tr("办理结果"), "result", v.text, hint=_tr("如 已完成并报送"))]
    if with_day:
        columns.append(
            Column(_tr("办结日期"), "done_on", v.iso_date, required=True, hint=DATE_HINT)
        )
    return columns


# ---- the items raised at a meeting (kept in memory until the meeting is saved) ----------


class DraftItemModel(RowTableModel):
    COL_TASK, COL_OWNER, COL_VILLAGE, COL_DUE, COL_STATUS, COL_DONE, COL_RESULT = range(7)
    CENTRED = frozenset({COL_STATUS})

    def __init__(self, names: Names, parent=None) -> None:
        super().__init__(parent)
        self.names = names
        self.today = date.today()
        self.set_headers(
            [
                self.tr("督办事项"),
                self.tr("责任人"),
                self.tr("村"),
                self.tr("办结期限"),
                self.tr("状态"),
                self.tr("办结日期"),
                self.tr("办理结果"),
            ]
        )

    def _late(self, row: Item) -> int:
        if row.status != OPEN or not row.due_date:
            return 0
        return max((self.today - date.fromisoformat(row.due_date)).days, 0)

    def value(self, row: Item, column: int):
        return (
            row.task,
            self.names.cadre(row.owner_cadre_no),
            self.names.village(row.village_code),
            row.due_date,
            status_text(row.status, self._late(row)),
            row.done_on,
            row.result,
        )[column]

    def foreground(self, row: Item, column: int):
        return QBrush(RED) if self._late(row) else None

    def tooltip(self, row: Item, column: int) -> str | None:
        return row.task if column == self.COL_TASK else None


class ItemsSection(QWidget):
    """本次督办事项: add, edit, delete the items raised at this meeting (in memory)."""

    changed = Signal()

    def __init__(self, names: Names, day: Callable[[], str], today: date, parent=None) -> None:
        super().__init__(parent)
        self.names, self._day = names, day
        self.model = DraftItemModel(names, self)
        self.model.today = today
        M = DraftItemModel
        self.table = read_only_table(
            self.model,
            {M.COL_OWNER: 70, M.COL_VILLAGE: 70, M.COL_DUE: 92, M.COL_STATUS: 82, M.COL_DONE: 92},
            stretch=M.COL_TASK,
        )
        self.table.setColumnWidth(M.COL_RESULT, 120)
        self.add_button = button(self.tr("添加督办事项…"))
        self.edit_button = button(self.tr("修改…"))
        self.delete_button = button(self.tr("删除"))
        self.dialog: RecordDialog | None = None
        bar = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.delete_button):
            bar.addWidget(b)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)
        self.add_button.clicked.connect(lambda: self.edit_item(None))
        self.edit_button.clicked.connect(lambda: self.edit_item(self.current()))
        self.delete_button.clicked.connect(self.delete_item)
        self.table.activated.connect(lambda i: self.edit_item(i.row()))

    def set_items(self, items: list[Item]) -> None:
        self.model.set_rows(items)

    def items(self) -> list[Item]:
        return self.model.rows()

    def current(self) -> int | None:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else None

    def edit_item(self, row: int | None) -> RecordDialog:
        items = self.items()
        old = items[row] if row is not None else Item(None, "", status=OPEN)
        record = {f: getattr(old, f) for f in mdb.ITEM_FIELDS}

        def check(values: dict[str, Any]) -> dict[str, str]:
            return mdb.item_problems(Item(None, **values), self._day())

        def save(values: dict[str, Any]) -> Item:
            item = Item(old.uuid, **values)
            if row is None:
                items.append(item)
            else:
                items[row] = item
            self.set_items(items)
            self.table.selectRow(len(items) - 1 if row is None else row)
            self.changed.emit()
            return item

        title = self.tr("添加督办事项") if row is None else self.tr("修改督办事项")
        dialog = LongTextDialog(
            title, item_columns(self.names), save, self, record=record, check=check,
            multiline=("task", "result"),
        )  # fmt: skip
        widen(dialog)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def delete_item(self) -> None:
        row = self.current()
        if row is None:
            return
        items = self.items()
        del items[row]
        self.set_items(items)
        self.changed.emit()


# ---- the 督办事项 page -------------------------------------------------------------------


class ActionModel(RowTableModel):
    COL_MEETING, COL_TASK, COL_OWNER, COL_VILLAGE, COL_DUE = range(5)
    COL_STATUS, COL_DONE, COL_RESULT = 5, 6, 7
    CENTRED = frozenset({COL_STATUS})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [
                self.tr("提出会议"),
                self.tr("督办事项"),
                self.tr("责任人"),
                self.tr("村"),
                self.tr("办结期限"),
                self.tr("状态"),
                self.tr("办结日期"),
                self.tr("办理结果"),
            ]
        )

    def value(self, row: ActionItem, column: int):
        return (
            f"{row.meeting_day} {row.meeting_kind}",
            row.task,
            row.owner_name,
            row.village_name,
            row.due_date,
            status_text(row.status, row.days_overdue),
            row.done_on,
            row.result,
        )[column]

    def foreground(self, row: ActionItem, column: int):
        return QBrush(RED) if row.overdue else None

    def tooltip(self, row: ActionItem, column: int) -> str | None:
        if column == self.COL_TASK:
            return row.task
        if column == self.COL_STATUS and row.done and row.closed_meeting_day:
            return self.tr("在 %1 的会议上办结").replace("%1", row.closed_meeting_day)
        if column == self.COL_RESULT:
            return row.result
        return None


A = ActionModel
STATUS_FILTERS = (("open", "未办结"), ("overdue", "已逾期"), ("done", "已办结"), ("all", "全部"))


class ActionsPage(CadrePage):
    """All 督办事项 across meetings; close one (result and date); open its meeting."""

    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, undo, clock=clock, parent=parent)
        self.status_combo = QComboBox()
        for key, label in STATUS_FILTERS:
            self.status_combo.addItem(self.tr(label), key)
        self.owner_combo = QComboBox()
        self.village_combo = QComboBox()
        self.count_label = QLabel()
        self.close_button = button(self.tr("办结…"))
        self.open_button = button(self.tr("打开会议"))
        top = QHBoxLayout()
        for label, combo in (
            (self.tr("状态："), self.status_combo),
            (self.tr("责任人："), self.owner_combo),
            (self.tr("村："), self.village_combo),
        ):
            top.addWidget(QLabel(label))
            top.addWidget(combo)
            top.addSpacing(8)
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.close_button)
        top.addWidget(self.open_button)
        self.model = ActionModel(self)
        self.table = read_only_table(
            self.model,
            {
                A.COL_MEETING: 130,
                A.COL_OWNER: 70,
                A.COL_VILLAGE: 76,
                A.COL_DUE: 92,
                A.COL_STATUS: 82,
                A.COL_DONE: 92,
                A.COL_RESULT: 170,
            },
            stretch=A.COL_TASK,
        )
        self._lay_out(top, empty=True)
        for combo in (self.status_combo, self.owner_combo, self.village_combo):
            combo.currentIndexChanged.connect(self.refresh)
        self.close_button.clicked.connect(lambda: self.close_item())
        self.open_button.clicked.connect(lambda: self.open_meeting())
        self.table.activated.connect(lambda _i: self.open_meeting())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

    def _fill(self, combo: QComboBox, first: str, options: list[tuple[str, str]]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(first, None)
        for key, label in options:
            combo.addItem(label, key)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.blockSignals(False)

    def refresh(self) -> None:
        self._stale = False
        self._fill(self.owner_combo, self.tr("全部"), mdb.item_owners(self._db))
        self._fill(self.village_combo, self.tr("全部"), mdb.item_villages(self._db))
        chosen = self.current_item()
        rows = mdb.action_items(
            self._db,
            today=self._clock(),
            status=self.status_combo.currentData(),
            owner=self.owner_combo.currentData(),
            village=self.village_combo.currentData(),
        )
        self.model.set_rows(rows)
        if chosen is not None:
            self.select(chosen.uuid)
        late = sum(1 for r in rows if r.overdue)
        text = self.tr("共 %1 件").replace("%1", str(len(rows)))
        if late:
            text += self.tr("，逾期 %1 件").replace("%1", str(late))
        self.count_label.setText(text)
        self.empty_label.setText(self.tr("没有符合条件的督办事项。"))
        self.empty_label.setVisible(not rows)

    def rows(self) -> list[ActionItem]:
        return self.model.rows()

    def set_status(self, key: str) -> None:
        self.status_combo.setCurrentIndex(self.status_combo.findData(key))

    def current_item(self) -> ActionItem | None:
        return self.current_row()

    def _update_buttons(self) -> None:
        row = self.current_item()
        self.close_button.setEnabled(row is not None and not row.done)
        self.open_button.setEnabled(row is not None)

    def close_item(self) -> RecordDialog | None:
        row = self.current_item()
        if row is None or row.done:
            return None

        def save(values: dict[str, Any]) -> None:
            text = self.tr("督办事项办结：%1").replace("%1", row.task[:20])
            change, reason = run_with_reason(
                self,
                lambda r: mdb.close_item(
                    self._db,
                    row.uuid,
                    result=values["result"],
                    done_on=date.fromisoformat(values["done_on"]),
                    reason=r,
                ),
                what=f"{text}（{values['done_on']}）",
            )
            self._push(change, text, reason)
            self._note(self.message, self.tr("已办结。按 Ctrl+Z 可撤销。"))

        dialog = RecordDialog(
            self.tr("督办事项办结：%1").replace("%1", row.task[:20]),
            close_columns(with_day=True),
            save,
            self,
            record={"done_on": self._clock().isoformat()},
        )
        dialog.setMinimumWidth(520)
        return self._open(dialog)

    def open_meeting(self):
        row = self.current_item()
        if row is None:
            return None
        from app.ui.meetings.meeting_page import MeetingDialog

        dialog = MeetingDialog.edit(
            self._db, self._undo, row.meeting_id, clock=self._clock, parent=self
        )
        if dialog is not None:
            dialog.show_item(row.uuid)
            self._open(dialog)
        return dialog
