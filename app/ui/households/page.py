"""The household page: its base data (the register-sheet form) and its 三深入三查看 visits.

Opened from the household list for an existing household, or empty for a new one (the
visits open up once the household is saved). Every edit — base data or visit — is pushed
to the tab's undo stack; Ctrl+Z here undoes it (when the cursor is not in a text field,
where Ctrl+Z undoes the typing). If an undo takes the household itself away, the page
says so and waits: redo brings it back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import households
from app.domain.errors import DomainError
from app.sheets.kinds import HOUSEHOLDS
from app.ui.households.visits import VisitTableModel, visit_columns
from app.ui.models.table_model import ROW_ROLE
from app.ui.undo import TabUndo
from app.ui.widgets.record_form import ERROR_STYLE, RecordDialog, RecordForm
from app.ui.widgets.tables import read_only_table

OK_STYLE = "color: #1b5e20;"
NOTE_STYLE = "color: #666;"


def village_check(db: Database) -> Callable[[dict[str, Any]], dict[str, str]]:
    """The form's database rule: the household's village must be on file."""

    def check(values: dict[str, Any]) -> dict[str, str]:
        code = values.get("village_code")
        if code and not households.village_exists(db, code):
            problem = QCoreApplication.translate(
                "HouseholdPage", "村代码不存在：%1（请先建立该村的村情档案）"
            )
            return {"village_code": problem.replace("%1", code)}
        return {}

    return check


def button(text: str) -> QPushButton:
    """A push button that Enter never presses by accident (Enter saves the form)."""
    b = QPushButton(text)
    b.setAutoDefault(False)
    b.setDefault(False)
    return b


class HouseholdPage(QDialog):
    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        hh_no: str | None = None,
        *,
        village_code: str | None = None,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._undo, self._clock = db, undo, clock
        self.hh_no = hh_no
        self._loaded: dict[str, Any] | None = None
        self.dialog: RecordDialog | None = None  # the visit dialog open now, if any
        self.resize(1040, 620)

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.form = RecordForm(
            HOUSEHOLDS.columns,
            self,
            check=village_check(db),
            locked=("hh_no",) if hh_no else (),
        )
        self.save_button = button(self.tr("保存"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        base = QGroupBox(self.tr("基本情况"))
        base_layout = QVBoxLayout(base)
        base_layout.addWidget(self.form)
        base_layout.addStretch(1)
        base_layout.addWidget(self.message)
        save_row = QHBoxLayout()
        save_row.addWidget(QLabel(self.tr("Enter 保存 · Esc 关闭")))
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        base_layout.addLayout(save_row)
        base.setMinimumWidth(400)

        self.visit_model = VisitTableModel(self)
        m = VisitTableModel
        self.visit_table = read_only_table(self.visit_model, {m.COL_DAY: 92, m.COL_CADRE: 76})
        self.visit_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for column in (m.COL_LIVING, m.COL_INCOME, m.COL_PROSPECTS, m.COL_NOTES):
            # a household has a few dozen visits at most: sharing the width is cheap
            self.visit_table.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.Stretch
            )
        self.visit_detail = QLabel()
        self.visit_detail.setWordWrap(True)
        self.visit_detail.setTextFormat(Qt.TextFormat.PlainText)
        self.visit_detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.visit_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.visit_detail.setMinimumHeight(6 * self.fontMetrics().lineSpacing() + 4)
        self.add_visit_button = button(self.tr("新增走访"))
        self.edit_visit_button = button(self.tr("编辑"))
        self.delete_visit_button = button(self.tr("删除"))
        self.visits_note = QLabel()
        self.visits_note.setStyleSheet(NOTE_STYLE)
        self.visits_box = QGroupBox(self.tr("三深入三查看走访记录"))
        visits_layout = QVBoxLayout(self.visits_box)
        visit_buttons = QHBoxLayout()
        for b in (self.add_visit_button, self.edit_visit_button, self.delete_visit_button):
            visit_buttons.addWidget(b)
        visit_buttons.addStretch(1)
        visit_buttons.addWidget(self.visits_note)
        visits_layout.addLayout(visit_buttons)
        visits_layout.addWidget(self.visit_table, 1)
        visits_layout.addWidget(self.visit_detail)

        self.close_button = button(self.tr("关闭"))
        body = QHBoxLayout()
        body.addWidget(base, 0)
        body.addWidget(self.visits_box, 1)
        bottom = QHBoxLayout()
        hint = QLabel(self.tr("Ctrl+Z 撤销 · Ctrl+Y 重做"))
        hint.setStyleSheet(NOTE_STYLE)
        bottom.addWidget(hint)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)

        self.save_button.clicked.connect(self.form.submit)
        self.form.saved.connect(self._save)
        self.form.cancelled.connect(self.reject)
        self.close_button.clicked.connect(self.reject)
        self.add_visit_button.clicked.connect(self.add_visit)
        self.edit_visit_button.clicked.connect(self.edit_visit)
        self.delete_visit_button.clicked.connect(self.delete_visit)
        self.visit_table.activated.connect(lambda _i: self.edit_visit())
        self.visit_table.selectionModel().selectionChanged.connect(self._update_buttons)
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.visit_table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_visit)
        # the tab's Ctrl+Z does not reach a dialog: the same stack, bound here too
        # (StandardKey.Redo is Ctrl+Y and Ctrl+Shift+Z: binding the latter again would
        # make it ambiguous, and Qt would do nothing)
        for seq, slot in (
            (QKeySequence.StandardKey.Undo, undo.stack.undo),
            (QKeySequence.StandardKey.Redo, undo.stack.redo),
        ):
            QShortcut(seq, self).activated.connect(slot)
        undo.stack.indexChanged.connect(self.refresh)
        self._following = True
        self.finished.connect(self._stop_following)

        if hh_no is None:
            new: dict[str, Any] = {"low_income": 0}
            if village_code:
                new |= {
                    "village_code": village_code,
                    "hh_no": households.next_hh_no(db, village_code),
                }
            self.form.set_values(new)
        self.refresh()
        first = "hh_no" if hh_no is None and not village_code else "head_name"
        self.form.editors[first].setFocus()

    def _stop_following(self) -> None:
        """A closed page no longer re-reads on every edit of the tab."""
        if self._following:
            self._undo.stack.indexChanged.disconnect(self.refresh)
            self._following = False

    # -- showing -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the household and its visits again (after an edit, undo or redo)."""
        row = households.household(self._db, self.hh_no) if self.hh_no else None
        gone = self.hh_no is not None and row is None
        self.form.setEnabled(not gone)
        self.save_button.setEnabled(not gone)
        if gone:
            self._note(
                self.tr("这户已不在户情档案中（新增已撤销或已删除）。按 Ctrl+Y 可恢复。"),
                error=True,
            )
        elif row is not None and row != self._loaded:
            self.form.set_values(row)
            self._loaded = row
        chosen = self.selected_visit()
        visits = households.visits(self._db, self.hh_no) if row is not None else []
        self.visit_model.set_rows(visits)
        if chosen is not None:  # keep the visit selected across an edit or an undo
            for i, visit in enumerate(visits):
                if visit["uuid"] == chosen["uuid"]:
                    self.visit_table.selectRow(i)
        self.visits_box.setEnabled(row is not None)
        if row is None and not gone:
            self.visits_note.setText(self.tr("保存基本情况后可记录走访"))
        else:
            self.visits_note.setText(self.tr("共 %n 次走访", "", len(visits)))
        self._show_title(row)
        self._update_buttons()

    def _show_title(self, row: dict[str, Any] | None) -> None:
        if row is None:
            self.setWindowTitle(self.tr("新增农户"))
            self.title.setText(self.tr("新增农户"))
            return
        village = households.village_name(self._db, row["village_code"]) or row["village_code"]
        parts = [village, row["group_name"] or "", self.tr("户主 ") + row["head_name"]]
        text = " · ".join(p for p in parts if p)
        self.setWindowTitle(self.tr("户情档案 – ") + row["head_name"])
        self.title.setText(f"{text}  （{row['hh_no']}）")

    def _note(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _update_buttons(self) -> None:
        visit = self.selected_visit()
        self.edit_visit_button.setEnabled(visit is not None)
        self.delete_visit_button.setEnabled(visit is not None)
        if visit is None:
            self.visit_detail.setText(
                self.tr("选中一条走访记录，这里显示全文。") if self.visit_model.rowCount() else ""
            )
            return
        lines = [f"{visit['day']}  {visit['cadre_name'] or ''}".rstrip()]
        for label, field in (
            (self.tr("生活情况"), "living"),
            (self.tr("收入来源"), "income_sources"),
            (self.tr("增收前景"), "prospects"),
            (self.tr("备注"), "notes"),
        ):
            if visit[field]:
                lines.append(f"{label}：{visit[field]}")
        self.visit_detail.setText("\n".join(lines))

    # -- base data -----------------------------------------------------------------------
    def _save(self, values: dict[str, Any]) -> None:
        try:
            if self.hh_no is None:
                change = households.add_household(self._db, values)
                self.hh_no = values["hh_no"]
                self.form.editors["hh_no"].setEnabled(False)
                self._loaded = change.after
                self._undo.push(change, self.tr("新增农户 ") + self.hh_no)
                self._note(self.tr("已保存。现在可以记录走访。"))
                return
            fields = {k: v for k, v in values.items() if k != "hh_no"}
            change = households.update_household(self._db, self.hh_no, fields)
        except DomainError as e:
            self._note(str(e), error=True)
            return
        if change.before == change.after:
            self._note(self.tr("没有修改。"))
            return
        self._loaded = change.after
        self._undo.push(change, self.tr("修改农户 ") + self.hh_no)
        self._note(self.tr("已保存。"))

    # -- visits ------------------------------------------------------------------------------
    def selected_visit(self) -> dict[str, Any] | None:
        rows = self.visit_table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def _visit_dialog(
        self, title: str, save: Callable[[dict[str, Any]], Any], record: dict[str, Any]
    ) -> RecordDialog:
        dialog = RecordDialog(
            title, visit_columns(households.cadres(self._db)), save, self, record=record
        )
        dialog.form.editors["day"].setFocus()
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_visit(self) -> RecordDialog | None:
        hh_no = self.hh_no
        if hh_no is None or households.household(self._db, hh_no) is None:
            return None

        def save(values: dict[str, Any]):
            change = households.add_visit(self._db, hh_no, values)
            self._undo.push(change, self.tr("新增走访记录 ") + values["day"])
            return change

        return self._visit_dialog(self.tr("新增走访记录"), save, {"day": self._clock().isoformat()})

    def edit_visit(self) -> RecordDialog | None:
        visit = self.selected_visit()
        if visit is None:
            return None

        def save(values: dict[str, Any]):
            change = households.update_visit(self._db, visit["uuid"], values)
            if change.before != change.after:
                self._undo.push(change, self.tr("修改走访记录 ") + values["day"])
            return change

        return self._visit_dialog(self.tr("编辑走访记录"), save, visit)

    def delete_visit(self) -> bool:
        visit = self.selected_visit()
        if visit is None:
            return False
        answer = QMessageBox.question(
            self,
            self.tr("删除走访记录"),
            self.tr("删除 %1 的走访记录？\n删除后可按 Ctrl+Z 撤销。").replace("%1", visit["day"]),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            change = households.delete_visit(self._db, visit["uuid"])
        except DomainError as e:
            QMessageBox.warning(self, self.tr("不能删除"), str(e))
            return False
        self._undo.push(change, self.tr("删除走访记录 ") + visit["day"])
        return True
