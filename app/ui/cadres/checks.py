"""查岗: presence checks (电话查岗 / 进村抽查 / 集中检查) and their results.

A 不在岗 result is an unexcused absence: its row shows in red, the roster flags the cadre,
and the page says how many the cadre has this year and what that does to the year grade.
A 不在岗 check on a day the attendance book has nothing for offers to mark the day 缺勤.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QWidget,
)
from sqlite_utils import Database

from app.db import cadres as cdb
from app.db import checks as kdb
from app.db.cadres import Batch
from app.db.checks import CheckRow
from app.domain.errors import DomainError
from app.sheets import values as v
from app.sheets.kinds import CHECKS
from app.ui.cadres.roster import (
    OK_STYLE,
    RED,
    WARN_STYLE,
    CadrePage,
    button,
    cadre_columns,
    cadre_label,
    push_batch,
    widen,
)
from app.ui.models.table_model import RowTableModel
from app.ui.undo import TabUndo
from app.ui.widgets.reason import ReasonCancelled, run_with_reason
from app.ui.widgets.record_form import RecordDialog
from app.ui.widgets.tables import read_only_table


class CheckModel(RowTableModel):
    COL_DAY = 0
    COL_CADRE = 1
    COL_METHOD = 2
    COL_RESULT = 3
    COL_CHECKER = 4
    COL_NOTE = 5
    CENTRED = frozenset({COL_RESULT})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [
                self.tr("日期"),
                self.tr("干部"),
                self.tr("方式"),
                self.tr("结果"),
                self.tr("检查人"),
                self.tr("备注"),
            ]
        )

    def value(self, row: CheckRow, column: int):
        return {
            self.COL_DAY: row.day,
            self.COL_CADRE: cadre_label(row.cadre_no, row.cadre_name),
            self.COL_METHOD: row.method,
            self.COL_RESULT: row.result,
            self.COL_CHECKER: row.checker,
            self.COL_NOTE: row.note,
        }[column]

    def foreground(self, row: CheckRow, column: int):
        return QBrush(RED) if row.absent else None

    def tooltip(self, row: CheckRow, column: int) -> str | None:
        if row.absent:
            return self.tr("不在岗：无故脱岗，计入本年度考核")
        return row.note if column == self.COL_NOTE else None


K = CheckModel


class ChecksPage(CadrePage):
    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, undo, clock=clock, parent=parent)
        self.month_combo = QComboBox()
        self.cadre_combo = QComboBox()
        self.cadre_combo.setMinimumContentsLength(10)
        self.result_combo = QComboBox()
        self.result_combo.addItem(self.tr("全部"), None)
        for result in v.RESULTS:
            self.result_combo.addItem(result, result)
        self.count_label = QLabel()
        self.add_button = button(self.tr("新增查岗…"))
        self.edit_button = button(self.tr("编辑…"))
        self.delete_button = button(self.tr("删除"))
        top = QHBoxLayout()
        for label, combo in (
            (self.tr("月份："), self.month_combo),
            (self.tr("干部："), self.cadre_combo),
            (self.tr("结果："), self.result_combo),
        ):
            top.addWidget(QLabel(label))
            top.addWidget(combo)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addSpacing(12)
        for b in (self.add_button, self.edit_button, self.delete_button):
            top.addWidget(b)
        self.model = CheckModel(self)
        self.table = read_only_table(
            self.model,
            {
                K.COL_DAY: 96,
                K.COL_CADRE: 130,
                K.COL_METHOD: 90,
                K.COL_RESULT: 70,
                K.COL_CHECKER: 130,
            },
            stretch=K.COL_NOTE,
        )
        self.year_label = QLabel()  # the chosen cadre's 不在岗 this year and the grade cap
        self.year_label.setWordWrap(True)
        self._lay_out(top, under=(self.year_label,))

        for combo in (self.month_combo, self.cadre_combo, self.result_combo):
            combo.currentIndexChanged.connect(self.reload_rows)
        self.add_button.clicked.connect(self.add_check)
        self.edit_button.clicked.connect(self.edit_check)
        self.delete_button.clicked.connect(self.delete_check)
        self.table.activated.connect(lambda _i: self.edit_check())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_check)

    # -- showing -----------------------------------------------------------------------
    def refresh(self) -> None:
        self._stale = False
        this_month = self._clock().isoformat()[:7]
        months = sorted({this_month, *kdb.check_months(self._db)}, reverse=True)
        for combo, options in (
            (self.month_combo, [(m, m) for m in months]),
            (
                self.cadre_combo,
                [(no, cadre_label(no, name, out)) for no, name, out in cdb.cadre_choices(self._db)],
            ),
        ):
            chosen = combo.currentData() if combo.count() else this_month
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("全部"), None)
            for value, label in options:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
        self.reload_rows()

    def reload_rows(self) -> None:
        chosen = self.current_row()
        rows = kdb.check_rows(
            self._db,
            month=self.month_combo.currentData(),
            cadre_no=self.cadre_combo.currentData(),
            result=self.result_combo.currentData(),
        )
        self.model.set_rows(rows)
        if chosen is not None:
            self.select(chosen.uuid)
        absent = sum(1 for r in rows if r.absent)
        self.count_label.setText(
            self.tr("共 %1 次，不在岗 %2 次")
            .replace("%1", str(len(rows)))
            .replace("%2", str(absent))
        )
        self._show_year()

    def _selection_changed(self) -> None:
        row = self.current_row()
        self.edit_button.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None)
        self._show_year()

    def _show_year(self) -> None:
        """The year's 不在岗 of the cadre filtered on (or of the selected check's cadre)."""
        row = self.current_row()
        cadre_no = self.cadre_combo.currentData() or (row.cadre_no if row else None)
        if cadre_no is None:
            self.year_label.setText(
                self.tr("选中一条记录或一名干部，这里显示其本年度查岗不在岗次数。")
            )
            self.year_label.setStyleSheet("color: #666;")
            return
        year = self._clock().year
        info = kdb.year_absences(self._db, cadre_no, year)
        name = (cdb.cadre(self._db, cadre_no) or {}).get("name", cadre_no)
        if info.count:
            self.year_label.setText(f"{name}：{info.cap_note}")
            self.year_label.setStyleSheet("color: #b00020;")
        else:
            self.year_label.setText(
                self.tr("%1：%2 年没有查岗不在岗记录。")
                .replace("%1", name)
                .replace("%2", str(year))
            )
            self.year_label.setStyleSheet(OK_STYLE)

    # -- edits -------------------------------------------------------------------------
    def _ask_mark_absent(self, values: dict[str, Any]) -> bool:
        if not kdb.needs_absence_mark(self._db, values):
            return False
        answer = QMessageBox.question(
            self,
            self.tr("记为缺勤？"),
            self.tr(
                "%1 这一天考勤簿里没有记录。\n把这一天记为“缺勤”吗？（可按 Ctrl+Z 撤销）"
            ).replace("%1", values["day"]),
        )
        return answer == QMessageBox.StandardButton.Yes

    def _after_save(self, values: dict[str, Any], batch: Batch) -> None:
        name = (cdb.cadre(self._db, values["cadre_no"]) or {}).get("name", values["cadre_no"])
        parts = [self.tr("已保存 %1 的查岗记录。").replace("%1", name)]
        if batch.of("attendance"):
            parts.append(self.tr("%1 已记为缺勤。").replace("%1", values["day"]))
        style = OK_STYLE
        if values["result"] == kdb.ABSENT:
            info = kdb.year_absences(self._db, values["cadre_no"], kdb.year_of(values["day"]))
            parts.append(info.cap_note or "")
            style = WARN_STYLE
        self._note(self.message, "".join(parts), style)
        key = batch.of("checks")[0].key["uuid"]
        if not self.select(key) and self.month_combo.currentData() != values["day"][:7]:
            self.month_combo.setCurrentIndex(max(0, self.month_combo.findData(values["day"][:7])))
            self.select(key)

    def _dialog(
        self,
        title: str,
        save: Callable[[dict[str, Any]], Any],
        record: dict[str, Any],
        exclude: str | None = None,
    ) -> RecordDialog:
        dialog = RecordDialog(
            title,
            cadre_columns(self._db, CHECKS.columns),
            save,
            self,
            record=record,
            check=lambda values: kdb.check_problems(self._db, values, exclude=exclude),
        )
        widen(dialog)
        dialog.form.editors["cadre_no"].setFocus()
        return self._open(dialog)

    def add_check(self) -> RecordDialog:
        def save(values: dict[str, Any]) -> Batch:
            mark = self._ask_mark_absent(values)
            name = (cdb.cadre(self._db, values["cadre_no"]) or {}).get("name", "")
            text = self.tr("查岗 %1 %2").replace("%1", name).replace("%2", values["day"])
            batch, reason = run_with_reason(
                self,
                lambda r: kdb.add_check(self._db, values, mark_absent=mark, reason=r),
                what=self.tr("新增查岗记录：%1").replace("%1", text),
            )
            push_batch(self._undo, batch, text, reason)
            self._after_save(values, batch)
            return batch

        record = {
            "cadre_no": self.cadre_combo.currentData(),
            "day": self._clock().isoformat(),
            "method": v.METHODS[0],
        }
        return self._dialog(self.tr("新增查岗记录"), save, record)

    def edit_check(self) -> RecordDialog | None:
        row = self.current_row()
        record = kdb.check(self._db, row.uuid) if row else None
        if row is None or record is None:
            return None

        def save(values: dict[str, Any]) -> Batch:
            mark = self._ask_mark_absent(values)
            text = self.tr("修改查岗 %1").replace("%1", row.cadre_name)
            batch, reason = run_with_reason(
                self,
                lambda r: kdb.update_check(self._db, row.uuid, values, mark_absent=mark, reason=r),
                what=f"{text} {row.day}",
            )
            if any(c.before != c.after for c in batch.changes):
                push_batch(self._undo, batch, text, reason)
            self._after_save(values, batch)
            return batch

        return self._dialog(
            self.tr("编辑查岗记录：%1 %2").replace("%1", row.cadre_name).replace("%2", row.day),
            save,
            record,
            exclude=row.uuid,
        )

    def delete_check(self) -> bool:
        row = self.current_row()
        if row is None:
            return False
        answer = QMessageBox.question(
            self,
            self.tr("删除查岗记录"),
            self.tr("删除 %1 %2 的%3记录（%4）？可按 Ctrl+Z 撤销。")
            .replace("%1", row.cadre_name)
            .replace("%2", row.day)
            .replace("%3", row.method)
            .replace("%4", row.result),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        text = self.tr("删除查岗 %1").replace("%1", row.cadre_name)
        try:
            change, reason = run_with_reason(
                self,
                lambda r: kdb.delete_check(self._db, row.uuid, reason=r),
                what=f"{text} {row.day} {row.method}",
            )
        except ReasonCancelled:
            return False
        except DomainError as e:
            QMessageBox.warning(self, self.tr("不能删除"), str(e))
            return False
        self._push(change, text, reason)
        return True
