"""驻村/兼职安排: who serves in which village, as what, from when to when.

The assign dialog suggests cadres for the chosen village by the seed's matching table
(因村制宜、量才选派), each with its reason; picking one fills 干部. It warns — without
refusing — when the cadre's other posts overlap the new one in time, naming them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import cadres as cdb
from app.db.cadres import CURRENT, AssignmentRow
from app.db.records import Change
from app.domain.errors import DomainError
from app.domain.matching import Suggestion, needs, split_situation
from app.sheets import values as v
from app.sheets.base import Column
from app.sheets.kinds import ASSIGNMENTS
from app.ui.cadres.roster import (
    GREY,
    NOTE_STYLE,
    OK_STYLE,
    WARN_STYLE,
    CadrePage,
    button,
    cadre_columns,
    cadre_label,
    choice_column,
    widen,
)
from app.ui.models.table_model import RowTableModel
from app.ui.undo import TabUndo
from app.ui.widgets.record_form import RecordDialog
from app.ui.widgets.tables import read_only_table

SUGGESTION_ROLE = Qt.ItemDataRole.UserRole


class AssignmentModel(RowTableModel):
    COL_CADRE = 0
    COL_VILLAGE = 1
    COL_ROLE = 2
    COL_SPAN = 3
    COL_STATUS = 4

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [self.tr("干部"), self.tr("村"), self.tr("岗位"), self.tr("起止"), self.tr("状态")]
        )

    def value(self, row: AssignmentRow, column: int):
        if column == self.COL_CADRE:
            return cadre_label(row.cadre_no, row.cadre_name)
        if column == self.COL_VILLAGE:
            return row.village_name
        if column == self.COL_ROLE:
            return row.role
        if column == self.COL_SPAN:
            return f"{row.start_date} — {row.end_date or self.tr('至今')}"
        return row.status

    def foreground(self, row: AssignmentRow, column: int):
        return None if row.status == CURRENT else GREY

    def tooltip(self, row: AssignmentRow, column: int) -> str | None:
        if column == self.COL_VILLAGE:
            return row.village_code
        return None


A = AssignmentModel


def village_label(code: str, name: str) -> str:
    return f"{name}（{code}）"


class AssignDialog(RecordDialog):
    """The assignment form beside the suggestions for its village."""

    def __init__(
        self,
        db: Database,
        title: str,
        on_save: Callable[[dict[str, Any]], Any],
        parent: QWidget,
        *,
        today: date,
        record: dict[str, Any] | None = None,
        exclude: str | None = None,
    ) -> None:
        self._db, self._today, self._exclude = db, today, exclude
        villages = cdb.village_choices(db)
        self._situations = {code: situation for code, _name, situation in villages}
        options = [(code, village_label(code, name)) for code, name, _s in villages]
        hints = {
            "start_date": self.tr("YYYY-MM-DD，如 2026-05-15"),
            "end_date": self.tr("仍在任则留空；YYYY-MM-DD"),
        }
        columns = [
            choice_column(c, self.tr("村"), options, self.tr("村代码不存在：%1"))
            if c.field == "village_code"
            else replace(c, hint=hints.get(c.field, c.hint))
            for c in cadre_columns(db, ASSIGNMENTS.columns)
        ]
        super().__init__(
            title,
            columns,
            on_save,
            parent,
            record=record,
            check=lambda values: cdb.assignment_problems(db, values, exclude=exclude),
        )
        self.overlap_label = QLabel()
        self.overlap_label.setWordWrap(True)
        self.overlap_label.setStyleSheet(WARN_STYLE)
        self.overlap_label.hide()

        self.needs_label = QLabel()
        self.needs_label.setWordWrap(True)
        self.suggestion_list = QListWidget()
        self.suggestion_list.setWordWrap(True)
        self.suggestion_list.setAlternatingRowColors(True)
        self.suggestion_list.setMinimumWidth(400)
        hint = QLabel(self.tr("点选一名干部填入左边的“干部”。空闲（无现任岗位）的排在前面。"))
        hint.setWordWrap(True)
        hint.setStyleSheet(NOTE_STYLE)
        box = QGroupBox(self.tr("按村情推荐（因村制宜、量才选派）"))
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.needs_label)
        box_layout.addWidget(self.suggestion_list, 1)
        box_layout.addWidget(hint)

        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.removeWidget(self.form)
        left = QVBoxLayout()
        left.addWidget(self.form)
        left.addWidget(self.overlap_label)
        left.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(box, 1)
        layout.insertLayout(0, body, 1)
        widen(self, 940)
        self.resize(940, 560)

        editors = self.form.editors
        for field in ("cadre_no", "village_code"):
            combo = editors[field]
            assert isinstance(combo, QComboBox)
            combo.currentIndexChanged.connect(self.update_overlap)
        editors["village_code"].currentIndexChanged.connect(self.update_suggestions)  # type: ignore[attr-defined]
        for field in ("start_date", "end_date"):
            editors[field].textChanged.connect(self.update_overlap)  # type: ignore[attr-defined]
        self.suggestion_list.itemClicked.connect(self.pick)
        self.suggestion_list.itemActivated.connect(self.pick)
        self.update_suggestions()
        self.update_overlap()

    # -- suggestions -------------------------------------------------------------------
    def _value(self, field: str) -> Any:
        col = next(c for c in self.form.columns if c.field == field)
        editor = self.form.editors[field]
        raw = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        try:
            return col.parse(raw.strip()) if raw.strip() else None
        except DomainError:
            return None

    def suggestions(self) -> list[Suggestion]:
        return [
            self.suggestion_list.item(i).data(SUGGESTION_ROLE)
            for i in range(self.suggestion_list.count())
        ]

    def update_suggestions(self) -> None:
        self.suggestion_list.clear()
        code = self._value("village_code")
        if code is None:
            self.needs_label.setText(self.tr("先选择村，这里按村情列出合适的干部。"))
            return
        situation = self._situations.get(code) or ""
        wanted = needs(split_situation(situation))
        self.needs_label.setText(
            self.tr("村情：%1\n需要：%2")
            .replace("%1", situation or self.tr("（未填写）"))
            .replace("%2", "、".join(wanted) or self.tr("（对照表中无对应需求）"))
        )
        for n, s in enumerate(cdb.suggestions(self._db, code, today=self._today), start=1):
            item = QListWidgetItem(f"{n}. {cadre_label(s.cadre_no, s.name)}\n{s.reason}")
            item.setData(SUGGESTION_ROLE, s)
            item.setToolTip(s.reason)
            self.suggestion_list.addItem(item)
        if not self.suggestion_list.count():
            self.suggestion_list.addItem(self.tr("没有合适的在册干部。"))

    def pick(self, item: QListWidgetItem) -> None:
        s = item.data(SUGGESTION_ROLE)
        if s is not None:
            self.form.set_text("cadre_no", cadre_label(s.cadre_no, s.name))

    # -- overlap -----------------------------------------------------------------------
    def overlaps(self) -> list[str]:
        cadre_no, start = self._value("cadre_no"), self._value("start_date")
        if cadre_no is None or start is None:
            return []
        end = self._value("end_date")
        return cdb.overlapping(self._db, cadre_no, start, end, exclude=self._exclude)

    def update_overlap(self) -> None:
        found = self.overlaps()
        self.overlap_label.setText(
            self.tr("注意：与这名干部的其他安排时间重叠：%1").replace("%1", "；".join(found))
            if found
            else ""
        )
        self.overlap_label.setVisible(bool(found))


class AssignmentsPage(CadrePage):
    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, undo, clock=clock, parent=parent)
        self.village_combo = QComboBox()
        self.cadre_combo = QComboBox()
        self.cadre_combo.setMinimumContentsLength(10)
        self.current_box = QCheckBox(self.tr("只看现任"))
        self.count_label = QLabel()
        self.add_button = button(self.tr("新增安排…"))
        self.edit_button = button(self.tr("编辑…"))
        self.end_button = button(self.tr("结束…"))
        self.delete_button = button(self.tr("删除"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("村：")))
        top.addWidget(self.village_combo)
        top.addWidget(QLabel(self.tr("干部：")))
        top.addWidget(self.cadre_combo)
        top.addWidget(self.current_box)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addSpacing(12)
        for b in (self.add_button, self.edit_button, self.end_button, self.delete_button):
            top.addWidget(b)
        self.model = AssignmentModel(self)
        self.table = read_only_table(
            self.model,
            {A.COL_CADRE: 150, A.COL_VILLAGE: 120, A.COL_ROLE: 110, A.COL_SPAN: 210},
            stretch=A.COL_STATUS,
        )
        self._lay_out(top)

        self.village_combo.currentIndexChanged.connect(self.reload_rows)
        self.cadre_combo.currentIndexChanged.connect(self.reload_rows)
        self.current_box.toggled.connect(self.reload_rows)
        self.add_button.clicked.connect(lambda: self.add_assignment())
        self.edit_button.clicked.connect(self.edit_assignment)
        self.end_button.clicked.connect(self.end_assignment)
        self.delete_button.clicked.connect(self.delete_assignment)
        self.table.activated.connect(lambda _i: self.edit_assignment())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

    # -- showing -----------------------------------------------------------------------
    def refresh(self) -> None:
        self._stale = False
        for combo, options in (
            (
                self.village_combo,
                [(c, village_label(c, n)) for c, n, _s in cdb.village_choices(self._db)],
            ),
            (
                self.cadre_combo,
                [(c, cadre_label(c, n, o)) for c, n, o in cdb.cadre_choices(self._db)],
            ),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("全部"), None)
            for value, label in options:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
        self.reload_rows()

    def reload_rows(self) -> None:
        chosen = self.current_key()
        rows = cdb.assignment_rows(
            self._db,
            today=self._clock(),
            cadre_no=self.cadre_combo.currentData(),
            village_code=self.village_combo.currentData(),
            current_only=self.current_box.isChecked(),
        )
        self.model.set_rows(rows)
        for r, row in enumerate(rows):
            if row.uuid == chosen:
                self.table.selectRow(r)
        current = sum(1 for r in rows if r.status == CURRENT)
        self.count_label.setText(
            self.tr("共 %1 条，现任 %2 条")
            .replace("%1", str(len(rows)))
            .replace("%2", str(current))
        )

    def current_key(self) -> str | None:
        row = self.current_row()
        return row.uuid if row else None

    def _update_buttons(self) -> None:
        row = self.current_row()
        for b in (self.edit_button, self.delete_button):
            b.setEnabled(row is not None)
        self.end_button.setEnabled(row is not None and row.end_date is None)

    # -- edits -------------------------------------------------------------------------
    def _saved(self, values: dict[str, Any], key: str, overlaps: list[str]) -> None:
        self.reload_rows()
        self.select(key)
        if overlaps:
            self._note(
                self.message,
                self.tr("已保存。注意：与这名干部的其他安排时间重叠：%1").replace(
                    "%1", "；".join(overlaps)
                ),
                WARN_STYLE,
            )
        else:
            self._note(self.message, self.tr("已保存。"), OK_STYLE)

    def add_assignment(self, village_code: str | None = None) -> AssignDialog:
        """The assign dialog; the village filter (or ``village_code``) is chosen already."""
        today = self._clock()
        village = village_code or self.village_combo.currentData()
        cadre = self.cadre_combo.currentData()

        def save(values: dict[str, Any]) -> Change:
            overlaps = dialog.overlaps()
            change = cdb.add_assignment(self._db, values)
            name = cdb.cadre(self._db, values["cadre_no"])["name"]
            self._push(change, self.tr("新增安排 %1").replace("%1", name))
            self._saved(values, change.key["uuid"], overlaps)
            return change

        record = {"village_code": village, "cadre_no": cadre, "role": "驻村干部"}
        record["start_date"] = today.isoformat()
        dialog = AssignDialog(
            self._db, self.tr("新增驻村/兼职安排"), save, self, today=today, record=record
        )
        return self._open(dialog)  # type: ignore[return-value]

    def edit_assignment(self) -> AssignDialog | None:
        row = self.current_row()
        record = cdb.assignment(self._db, row.uuid) if row else None
        if row is None or record is None:
            return None

        def save(values: dict[str, Any]) -> Change:
            overlaps = dialog.overlaps()
            change = cdb.update_assignment(self._db, row.uuid, values)
            self._push(change, self.tr("修改安排 %1").replace("%1", row.cadre_name))
            self._saved(values, row.uuid, overlaps)
            return change

        dialog = AssignDialog(
            self._db,
            self.tr("编辑安排：%1").replace("%1", row.cadre_name),
            save,
            self,
            today=self._clock(),
            record=record,
            exclude=row.uuid,
        )
        return self._open(dialog)  # type: ignore[return-value]

    def end_assignment(self) -> RecordDialog | None:
        row = self.current_row()
        if row is None or row.end_date is not None:
            return None
        column = Column(
            self.tr("结束日期"),
            "end_date",
            v.iso_date,
            required=True,
            hint=self.tr("不早于开始日期 %1").replace("%1", row.start_date),
        )

        def check(values: dict[str, Any]) -> dict[str, str]:
            if values["end_date"] < row.start_date:
                return {
                    "end_date": self.tr("结束日期应不早于开始日期 %1").replace("%1", row.start_date)
                }
            return {}

        def save(values: dict[str, Any]) -> Change:
            change = cdb.end_assignment(self._db, row.uuid, date.fromisoformat(values["end_date"]))
            self._push(change, self.tr("结束安排 %1").replace("%1", row.cadre_name))
            return change

        title = self.tr("结束安排：%1 %2·%3").replace("%1", row.cadre_name)
        title = title.replace("%2", row.role).replace("%3", row.village_name)
        dialog = RecordDialog(
            title, [column], save, self, record={"end_date": self._clock().isoformat()}, check=check
        )
        return self._open(dialog)

    def delete_assignment(self) -> bool:
        row = self.current_row()
        if row is None:
            return False
        answer = QMessageBox.question(
            self,
            self.tr("删除安排"),
            self.tr(
                "删除 %1 的安排“%2·%3（%4）”？\n只是录错时才删除；调离请用“结束…”。删除后可按 Ctrl+Z 撤销。"
            )
            .replace("%1", row.cadre_name)
            .replace("%2", row.role)
            .replace("%3", row.village_name)
            .replace("%4", row.span),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            change = cdb.delete_assignment(self._db, row.uuid)
        except DomainError as e:
            QMessageBox.warning(self, self.tr("不能删除"), str(e))
            return False
        self._push(change, self.tr("删除安排 %1").replace("%1", row.cadre_name))
        return True
