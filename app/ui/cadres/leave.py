"""请假/销假: the leave register.

While the clerk types the dates the dialog says who must approve (乡镇党委 up to the
setting in force on the first day, 3 days by default; longer: 县委组织部, calendar days
counted inclusive) and refuses a lower level next to the field, and an end after the
cadre's 退出 day next to the end date. Saving writes the leave and marks its days 请假 in
the attendance book — asking first before replacing days already recorded 在村 or 会议培训.
销假 ends a leave early; deleting takes it away: the days it marked get back what they
held before (the confirmation says what). Each is one undo command (Ctrl+Z).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import cadres as cdb
from app.db import leaves as ldb
from app.db.cadres import Batch
from app.db.leaves import GiveBack, LeaveRow
from app.db.store import leave_township_max_days
from app.domain.errors import DomainError
from app.domain.leave import (
    APPROVAL_LEVELS,
    approval_level,
    approval_problem,
    leave_days,
)
from app.sheets import values as v
from app.sheets.base import Column
from app.ui.cadres.roster import (
    GREY,
    NOTE_STYLE,
    CadrePage,
    button,
    cadre_columns,
    cadre_label,
    date_field,
    push_batch,
    widen,
)
from app.ui.models.table_model import RowTableModel
from app.ui.undo import TabUndo
from app.ui.widgets.reason import ReasonCancelled, run_with_reason
from app.ui.widgets.record_form import RecordDialog
from app.ui.widgets.tables import read_only_table

ON_LEAVE_COLOUR = QColor("#1b5e20")
DATE_HINT = "YYYY-MM-DD，如 2026-05-11"


def leave_columns() -> list[Column]:
    """The leave form (干部 becomes a choice of the roster in the dialog)."""
    return [
        Column("干部编号", "cadre_no", v.identifier, required=True),
        Column("开始日期", "start_date", v.iso_date, required=True, hint=DATE_HINT),
        Column("结束日期", "end_date", v.iso_date, required=True, hint=DATE_HINT + "（含当天）"),
        Column("事由", "reason", v.text, required=True, hint="如 事假：家中老人住院"),
        Column("批准人", "approver", v.text, required=True, hint="批准人姓名或单位"),
        Column(
            "批准层级",
            "approver_level",
            v.choice(APPROVAL_LEVELS),
            required=True,
            hint="天数在乡镇党委的批准限额内选乡镇党委，超过选县委组织部（见上方）",
            choices=("", *APPROVAL_LEVELS),  # blank until the dates say which
        ),
    ]


class LeaveModel(RowTableModel):
    COL_CADRE = 0
    COL_SPAN = 1
    COL_DAYS = 2
    COL_REASON = 3
    COL_APPROVER = 4
    COL_LEVEL = 5
    COL_STATUS = 6
    RIGHT_ALIGNED = frozenset({COL_DAYS})
    CENTRED = frozenset({COL_STATUS})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [
                self.tr("干部"),
                self.tr("起止"),
                self.tr("天数"),
                self.tr("事由"),
                self.tr("批准人"),
                self.tr("批准层级"),
                self.tr("状态"),
            ]
        )

    def value(self, row: LeaveRow, column: int):
        return {
            self.COL_CADRE: cadre_label(row.cadre_no, row.cadre_name),
            self.COL_SPAN: f"{row.start_date} — {row.end_date}",
            self.COL_DAYS: row.days,
            self.COL_REASON: row.reason,
            self.COL_APPROVER: row.approver,
            self.COL_LEVEL: row.approver_level,
            self.COL_STATUS: row.status,
        }[column]

    def display(self, row: LeaveRow, column: int) -> str:
        if column == self.COL_STATUS and row.cancelled_on:
            return self.tr("已销假（%1）").replace("%1", row.cancelled_on[5:])
        return super().display(row, column)

    def foreground(self, row: LeaveRow, column: int):
        if column == self.COL_STATUS:
            return GREY if row.status in (ldb.ENDED, ldb.CANCELLED) else ON_LEAVE_COLOUR
        return None

    def tooltip(self, row: LeaveRow, column: int) -> str | None:
        if column == self.COL_REASON:
            return row.reason
        if column in (self.COL_DAYS, self.COL_STATUS) and row.cancelled_on:
            return (
                self.tr("%1 销假（原定到 %2）")
                .replace("%1", row.cancelled_on)
                .replace("%2", row.end_date)
            )
        return None


L = LeaveModel


def _tr(text: str) -> str:
    return QCoreApplication.translate("LeavePage", text)


def _days(days: list[str]) -> str:
    return "、".join(d[5:] for d in days)


def give_back_text(plan: GiveBack) -> str:
    """What taking a leave's days away does, e.g. "05-11、05-12 改为未记录；05-13 恢复为
    “缺勤”（查岗）"; empty when nothing changes."""
    parts = []
    cleared = [d for d, before in plan.restored if before is None]
    if cleared:
        parts.append(_tr("%1 改为未记录").replace("%1", _days(cleared)))
    back: dict[tuple[str, str], list[str]] = {}
    for d, before in plan.restored:
        if before is not None:
            back.setdefault((before["kind"], before["source"]), []).append(d)
    for (kind, source), ds in back.items():
        parts.append(
            _tr("%1 恢复为“%2”（%3）")
            .replace("%1", _days(ds))
            .replace("%2", kind)
            .replace("%3", source)
        )
    if plan.kept:
        parts.append(_tr("%1 在请假后已另行改动，保持不变").replace("%1", _days(list(plan.kept))))
    return "；".join(parts)


class LeaveDialog(RecordDialog):
    """The leave form, saying who must approve as the dates are typed."""

    def __init__(
        self,
        db: Database,
        on_save: Callable[[dict[str, Any]], Any],
        parent: QWidget,
        *,
        record: dict[str, Any] | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(
            self.tr("请假登记"),
            cadre_columns(db, leave_columns()),
            on_save,
            parent,
            record=record,
            check=lambda values: ldb.leave_problems(db, values),
        )
        self._db = db
        self._today = today or date.today()
        widen(self, 600)
        self.rule_label = QLabel()
        self.rule_label.setWordWrap(True)
        self.rule_label.setObjectName("rule")
        self.note = note = QLabel()
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self.rule_label)
        layout.insertWidget(2, note)
        editors = self.form.editors
        for field in ("start_date", "end_date"):
            editors[field].textChanged.connect(self._dates_changed)  # type: ignore[attr-defined]
        editors["cadre_no"].currentIndexChanged.connect(self.check_end)  # type: ignore[attr-defined]
        level = editors["approver_level"]
        assert isinstance(level, QComboBox)
        level.currentIndexChanged.connect(self.check_level)
        # the level follows the dates until the clerk picks one himself
        self._level_chosen = bool(level.currentText())
        level.activated.connect(self._level_picked)
        self._dates_changed()

    def _level_picked(self, _index: int) -> None:
        self._level_chosen = True

    def _date(self, field: str) -> date | None:
        return date_field(self.form.editors[field].text())  # type: ignore[union-attr]

    def days(self) -> int | None:
        start, end = self._date("start_date"), self._date("end_date")
        if start is None or end is None or end < start:
            return None
        return leave_days(start, end)

    def _cadre_no(self) -> str | None:
        column = next(c for c in self.form.columns if c.field == "cadre_no")
        raw = self.form.editors["cadre_no"].currentText()  # type: ignore[union-attr]
        try:
            return str(column.parse(raw)) if raw else None
        except DomainError:
            return None

    def township_max_days(self) -> int:
        """乡镇党委's limit in force on the first day (today while none is typed)."""
        return leave_township_max_days(self._db, self._date("start_date") or self._today)

    def required_level(self) -> str | None:
        days = self.days()
        return None if days is None else approval_level(days, self.township_max_days())

    def _dates_changed(self) -> None:
        limit = self.township_max_days()
        self.note.setText(
            self.tr(
                "保存时，请假的每一天在考勤中记为“请假”。%1 天以内由乡镇党委批准，超过由县委组织部批准。"
            ).replace("%1", str(limit))
        )
        self.check_end()
        days = self.days()
        if days is None:
            self.rule_label.setText(self.tr("填好起止日期后，这里显示天数和须由谁批准。"))
            self.rule_label.setStyleSheet(NOTE_STYLE)
            return
        required = approval_level(days, limit)
        self.rule_label.setText(
            self.tr("共 %1 天（含首尾两天），须由 %2 批准。")
            .replace("%1", str(days))
            .replace("%2", required)
        )
        self.rule_label.setStyleSheet("font-weight: bold;")
        combo = self.form.editors["approver_level"]
        assert isinstance(combo, QComboBox)
        if not self._level_chosen:  # offer the level needed; the clerk may still change it
            combo.setCurrentIndex(combo.findText(required))
        self.check_level()

    def check_level(self) -> bool:
        """Show, next to 批准层级, a level too low for the days; True when it is fine."""
        days = self.days()
        chosen = self.form.editors["approver_level"].currentText()  # type: ignore[union-attr]
        if days is None or not chosen:
            return True
        problem = approval_problem(days, chosen, self.township_max_days())
        if problem is None:
            return self.form.validate_field("approver_level")
        self.form.show_problem("approver_level", problem)
        return False

    def check_end(self) -> bool:
        """Show, next to 结束日期, an end after the cadre's 退出 day; True when it is fine."""
        end, no = self._date("end_date"), self._cadre_no()
        if end is None or no is None:
            return True
        problem = ldb.retirement_problem(cdb.cadre(self._db, no), end.isoformat())
        if problem is None:
            return self.form.validate_field("end_date")
        self.form.show_problem("end_date", problem)
        return False


class LeavePage(CadrePage):
    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, undo, clock=clock, parent=parent)
        self.cadre_combo = QComboBox()
        self.cadre_combo.setMinimumContentsLength(10)
        self.year_combo = QComboBox()
        self.on_leave_box = QCheckBox(self.tr("只看在假和未开始"))
        self.count_label = QLabel()
        self.add_button = button(self.tr("请假登记…"))
        self.cancel_button = button(self.tr("销假…"))
        self.cancel_button.setToolTip(
            self.tr("提前结束假期：之后的请假日恢复为请假前的考勤（原来未记录的改为未记录）")
        )
        self.delete_button = button(self.tr("删除"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("干部：")))
        top.addWidget(self.cadre_combo)
        top.addWidget(QLabel(self.tr("年度：")))
        top.addWidget(self.year_combo)
        top.addWidget(self.on_leave_box)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addSpacing(12)
        for b in (self.add_button, self.cancel_button, self.delete_button):
            top.addWidget(b)
        self.model = LeaveModel(self)
        self.table = read_only_table(
            self.model,
            {
                L.COL_CADRE: 130,
                L.COL_SPAN: 190,
                L.COL_DAYS: 48,
                L.COL_APPROVER: 130,
                L.COL_LEVEL: 90,
                L.COL_STATUS: 120,
            },
            stretch=L.COL_REASON,
        )
        self._lay_out(top)

        self.cadre_combo.currentIndexChanged.connect(self.reload_rows)
        self.year_combo.currentIndexChanged.connect(self.reload_rows)
        self.on_leave_box.toggled.connect(self.reload_rows)
        self.add_button.clicked.connect(self.add_leave)
        self.cancel_button.clicked.connect(self.cancel_leave)
        self.delete_button.clicked.connect(self.delete_leave)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

    # -- showing -----------------------------------------------------------------------
    def refresh(self) -> None:
        self._stale = False
        chosen = self.cadre_combo.currentData()
        self.cadre_combo.blockSignals(True)
        self.cadre_combo.clear()
        self.cadre_combo.addItem(self.tr("全部"), None)
        for no, name, out in cdb.cadre_choices(self._db):
            self.cadre_combo.addItem(cadre_label(no, name, out), no)
        self.cadre_combo.setCurrentIndex(max(0, self.cadre_combo.findData(chosen)))
        self.cadre_combo.blockSignals(False)
        if not self.year_combo.count():
            this_year = self._clock().year
            self.year_combo.blockSignals(True)
            self.year_combo.addItem(self.tr("全部"), None)
            for year in range(this_year, this_year - 5, -1):
                self.year_combo.addItem(str(year), year)
            self.year_combo.setCurrentIndex(1)
            self.year_combo.blockSignals(False)
        self.reload_rows()

    def reload_rows(self) -> None:
        chosen = self.current_row()
        rows = ldb.leave_rows(
            self._db,
            today=self._clock(),
            cadre_no=self.cadre_combo.currentData(),
            year=self.year_combo.currentData(),
        )
        if self.on_leave_box.isChecked():
            rows = [r for r in rows if r.status in (ldb.ON_LEAVE, ldb.COMING)]
        self.model.set_rows(rows)
        if chosen is not None:
            self.select(chosen.uuid)
        self.count_label.setText(self.tr("共 %n 次请假", "", len(rows)))

    def _update_buttons(self) -> None:
        row = self.current_row()
        self.delete_button.setEnabled(row is not None)
        self.cancel_button.setEnabled(
            row is not None and row.cancelled_on is None and row.start_date < row.end_date
        )

    # -- edits -------------------------------------------------------------------------
    def add_leave(self) -> LeaveDialog:
        def save(values: dict[str, Any]) -> Batch:
            start, end = values["start_date"], values["end_date"]
            present = ldb.present_days(self._db, values["cadre_no"], start, end)
            overwrite = False
            if present:
                answer = QMessageBox.question(
                    self,
                    self.tr("已有出勤记录"),
                    self.tr(
                        "这几天考勤已记为出勤：%1。\n\n改为请假吗？\n"
                        "“是”：改为请假；“否”：保留这几天的记录，其余日期记为请假；"
                        "“取消”：不保存。"
                    ).replace("%1", "、".join(f"{d[5:]} {k}" for d, k in present)),
                    QMessageBox.StandardButton.Yes
                    | QMessageBox.StandardButton.No
                    | QMessageBox.StandardButton.Cancel,
                    QMessageBox.StandardButton.Cancel,
                )
                if answer == QMessageBox.StandardButton.Cancel:
                    raise DomainError(self.tr("没有保存：请核对考勤后再登记。"))
                overwrite = answer == QMessageBox.StandardButton.Yes
            name = cdb.cadre(self._db, values["cadre_no"])["name"]
            batch, reason = run_with_reason(
                self,
                lambda r: ldb.add_leave(self._db, values, overwrite_present=overwrite, reason=r),
                what=self.tr("登记 %1 %2 至 %3 的请假")
                .replace("%1", name)
                .replace("%2", start)
                .replace("%3", end),
            )
            push_batch(self._undo, batch, self.tr("%1 请假").replace("%1", name), reason)
            marked = len(batch.of("attendance"))
            self._note(
                self.message,
                self.tr("已登记 %1 请假 %2 天，考勤中 %3 天记为请假。")
                .replace("%1", name)
                .replace("%2", str(leave_days(date.fromisoformat(start), date.fromisoformat(end))))
                .replace("%3", str(marked)),
            )
            self.select(batch.changes[0].key["uuid"])
            return batch

        record = {
            "cadre_no": self.cadre_combo.currentData(),
            "start_date": self._clock().isoformat(),
        }
        dialog = LeaveDialog(self._db, save, self, record=record, today=self._clock())
        dialog.form.editors["start_date"].setFocus()
        return self._open(dialog)  # type: ignore[return-value]

    def cancel_leave(self) -> RecordDialog | None:
        """销假: the leave ends on the date given; its later days get back what they held."""
        row = self.current_row()
        if row is None or row.cancelled_on is not None:
            return None
        column = Column(
            self.tr("最后请假日"),
            "cancelled_on",
            v.iso_date,
            required=True,
            hint=self.tr("请假到这一天为止（含当天），之后的请假日恢复为请假前的考勤"),
        )

        last_possible = (date.fromisoformat(row.end_date) - timedelta(days=1)).isoformat()

        def check(values: dict[str, Any]) -> dict[str, str]:
            if not row.start_date <= values["cancelled_on"] <= last_possible:
                return {
                    "cancelled_on": self.tr("应在 %1 到 %2 之间（原定到 %3；整次不要了请删除）")
                    .replace("%1", row.start_date)
                    .replace("%2", last_possible)
                    .replace("%3", row.end_date)
                }
            return {}

        def save(values: dict[str, Any]) -> Batch:
            day = date.fromisoformat(values["cancelled_on"])
            plan = ldb.cancel_plan(self._db, row.uuid, day)
            batch, reason = run_with_reason(
                self,
                lambda r: ldb.cancel_leave(self._db, row.uuid, day, reason=r),
                what=self.tr("%1 销假，最后请假日 %2")
                .replace("%1", row.cadre_name)
                .replace("%2", day.isoformat()),
            )
            push_batch(self._undo, batch, self.tr("%1 销假").replace("%1", row.cadre_name), reason)
            done = give_back_text(plan)
            self._note(
                self.message,
                self.tr("%1 已销假：考勤中 %2。").replace("%1", row.cadre_name).replace("%2", done)
                if done
                else self.tr("%1 已销假。").replace("%1", row.cadre_name),
            )
            return batch

        # the cadre back today: yesterday was the last day of leave
        yesterday = (self._clock() - timedelta(days=1)).isoformat()
        default = max(row.start_date, min(yesterday, last_possible))
        dialog = RecordDialog(
            self.tr("销假：%1 %2").replace("%1", row.cadre_name).replace("%2", row.start_date),
            [column],
            save,
            self,
            record={"cancelled_on": default},
            check=check,
        )
        return self._open(dialog)

    def delete_leave(self) -> bool:
        row = self.current_row()
        if row is None:
            return False
        try:
            done = give_back_text(ldb.delete_plan(self._db, row.uuid))
        except DomainError as e:
            QMessageBox.warning(self, self.tr("不能删除"), str(e))
            return False
        answer = QMessageBox.question(
            self,
            self.tr("删除请假"),
            self.tr("删除 %1 %2 至 %3 的请假？\n%4\n可按 Ctrl+Z 撤销。")
            .replace("%1", row.cadre_name)
            .replace("%2", row.start_date)
            .replace("%3", row.last_day)
            .replace(
                "%4",
                self.tr("考勤中：%1。").replace("%1", done)
                if done
                else self.tr("考勤中没有要恢复的请假记录。"),
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            batch, reason = run_with_reason(
                self,
                lambda r: ldb.delete_leave(self._db, row.uuid, reason=r),
                what=self.tr("删除 %1 %2 至 %3 的请假")
                .replace("%1", row.cadre_name)
                .replace("%2", row.start_date)
                .replace("%3", row.last_day),
            )
        except ReasonCancelled:
            return False
        except DomainError as e:
            QMessageBox.warning(self, self.tr("不能删除"), str(e))
            return False
        text = self.tr("删除 %1 的请假").replace("%1", row.cadre_name)
        push_batch(self._undo, batch, text, reason)
        return True
