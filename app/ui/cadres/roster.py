"""花名册: the cadre roster — add, edit, retire (undo brings the cadre back).

Also the pieces the other pages of 干部与值班 share: :class:`CadrePage` (constructor,
re-reading after any edit of the tab), undo of a batch of changes, choice columns for a
cadre or a village in a :class:`RecordDialog`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut, QUndoCommand
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import cadres as cdb
from app.db.cadres import Batch, RosterRow
from app.db.records import Change
from app.domain.errors import DomainError
from app.domain.matching import EXPERTISES
from app.sheets import values as v
from app.sheets.base import Column
from app.sheets.kinds import CADRES
from app.ui.models.table_model import RowTableModel
from app.ui.undo import REDO, UNDO, TabUndo, run_step
from app.ui.widgets.record_form import RecordDialog
from app.ui.widgets.tables import read_only_table

RED = QColor("#b00020")
PINK = QColor("#fde7ea")
GREY = QColor("#888888")
WARN_STYLE = "color: #8a4b00;"
OK_STYLE = "color: #1b5e20;"
NOTE_STYLE = "color: #666;"


def _tr(text: str) -> str:
    return QCoreApplication.translate("CadrePages", text)


# ---- shared by the pages of the tab ------------------------------------------------------


class BatchCommand(QUndoCommand):
    """Undo/redo of a :class:`Batch` (several records changed together), in one transaction.

    A batch made with a reason (a frozen period) is undone and redone with it
    (:func:`app.ui.undo.run_step`)."""

    def __init__(self, undo: TabUndo, batch: Batch, text: str, reason: str | None = None) -> None:
        super().__init__(text)
        self._undo, self._batch = undo, batch
        self.reason = reason
        self._done = True  # made before it was pushed

    def redo(self) -> None:
        if self._done:
            return
        self._apply(cdb.reapply_batch, REDO)
        self._done = True

    def undo(self) -> None:
        self._apply(cdb.revert_batch, UNDO)
        self._done = False

    def _apply(self, action: Callable[[Database, Batch, str | None], None], direction: str) -> None:
        db, batch = self._undo.db, self._batch
        if not run_step(self._undo.tab, lambda r: action(db, batch, r), self.reason, direction):
            self.setObsolete(True)
        self._undo.refresh()


def push_batch(undo: TabUndo, batch: Batch, text: str, reason: str | None = None) -> None:
    """Push a batch already made (with ``reason`` when its period is frozen)."""
    undo.stack.push(BatchCommand(undo, batch, text, reason))
    undo.refresh()


def button(text: str) -> QPushButton:
    """A push button that Enter never presses by accident."""
    b = QPushButton(text)
    b.setAutoDefault(False)
    b.setDefault(False)
    return b


def cadre_label(cadre_no: str, name: str, retired_on: str | None = None) -> str:
    label = f"{name}（{cadre_no}）"
    return label + _tr("·已退出") if retired_on else label


def choice_column(
    base: Column, header: str, options: Sequence[tuple[str, str]], missing: str
) -> Column:
    """``base`` shown as a choice of ``options`` [(stored value, label)]; stores the value.

    A mandatory column starts blank, so that a forgotten choice is 必填, not the first one.
    """
    labels = {value: label for value, label in options}
    values = {label: value for value, label in options}

    def parse(raw: object) -> str:
        try:
            return values[str(raw)]
        except KeyError:
            raise DomainError(missing.replace("%1", str(raw))) from None

    def show(value: object) -> str:
        return "" if value is None else labels.get(str(value), str(value))

    choices = tuple(labels.values())
    return replace(
        base,
        header=header,
        parse=parse,
        show=show,
        choices=("", *choices) if base.mandatory else choices,
    )


def cadre_columns(db: Database, columns: Sequence[Column], header: str = "") -> list[Column]:
    """``columns`` with 干部编号 as a choice of the roster's cadres (name and number)."""
    options = [(no, cadre_label(no, name, out)) for no, name, out in cdb.cadre_choices(db)]
    return [
        choice_column(c, header or _tr("干部"), options, _tr("不在干部花名册中：%1"))
        if c.field == "cadre_no"
        else c
        for c in columns
    ]


def widen(dialog: RecordDialog, width: int = 560) -> None:
    """Choices as wide as the text fields, and room for a problem on one line."""
    for editor in dialog.form.editors.values():
        if isinstance(editor, QComboBox):
            editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    dialog.setMinimumWidth(width)


def date_field(text: str) -> date | None:
    try:
        return date.fromisoformat(v.iso_date(text))
    except DomainError:
        return None


class CadrePage(QWidget):
    """A page of 干部与值班: re-reads after any edit, undo or redo of the tab's stack
    (at once when shown, else when next shown)."""

    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._undo, self._clock = db, undo, clock
        self._stale = True
        self.dialog: RecordDialog | None = None  # the dialog opened last, if any
        undo.stack.indexChanged.connect(self._stack_changed)

    def _stack_changed(self, _index: int) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:  # pragma: no cover - every page overrides
        raise NotImplementedError

    # -- shared by the list pages (self.table over self.model, rows with a uuid) ----------
    def current_row(self):
        """The selected row of the page's table, or None."""
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_at(index.row())

    def select(self, key: str) -> bool:
        """Select the row whose ``uuid`` is ``key``; False when it is not listed."""
        for r, row in enumerate(self.model.rows()):
            if row.uuid == key:
                self.table.selectRow(r)
                self.table.scrollTo(self.model.index(r, 0))
                return True
        return False

    def _lay_out(
        self, top: QHBoxLayout, *, empty: bool = False, under: tuple[QWidget, ...] = ()
    ) -> None:
        """The page's layout: filters on top, the table, ``under`` and a message line under
        it (and an "empty" note above the table when ``empty``)."""
        if empty:
            self.empty_label = QLabel()
            self.empty_label.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        if empty:
            layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        for widget in under:
            layout.addWidget(widget)
        layout.addWidget(self.message)

    def _push(self, change: Change, text: str, reason: str | None = None) -> None:
        if change.before != change.after:
            self._undo.push(change, text, reason)

    def _open(self, dialog: RecordDialog) -> RecordDialog:
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _note(self, label: QLabel, text: str, style: str = OK_STYLE) -> None:
        label.setStyleSheet(style)
        label.setText(text)
        label.setVisible(bool(text))


# ---- the roster --------------------------------------------------------------------------


class RosterModel(RowTableModel):
    COL_NO = 0
    COL_NAME = 1
    COL_UNIT = 2
    COL_POST = 3
    COL_EXPERTISE = 4
    COL_LEADER = 5
    COL_POSTS = 6
    COL_UNEXCUSED = 7

    _FIELDS = {
        COL_NO: "cadre_no",
        COL_NAME: "name",
        COL_UNIT: "unit",
        COL_POST: "post",
        COL_EXPERTISE: "expertise",
        COL_LEADER: "is_leader",
        COL_POSTS: "posts",
        COL_UNEXCUSED: "unexcused",
    }
    RIGHT_ALIGNED = frozenset({COL_UNEXCUSED})
    CENTRED = frozenset({COL_LEADER})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [
                self.tr("干部编号"),
                self.tr("姓名"),
                self.tr("单位"),
                self.tr("职务"),
                self.tr("专长类别"),
                self.tr("乡镇领导"),
                self.tr("当前岗位"),
                self.tr("本年查岗不在岗"),
            ]
        )

    def value(self, row: RosterRow, column: int):
        return getattr(row, self._FIELDS[column])

    def display(self, row: RosterRow, column: int) -> str:
        if column == self.COL_LEADER:
            return self.tr("是") if row.is_leader else self.tr("否")
        if column == self.COL_POSTS and row.retired:
            return self.tr("（%1 退出）").replace("%1", str(row.retired_on))
        if column == self.COL_UNEXCUSED:
            return str(row.unexcused) if row.unexcused else ""
        return super().display(row, column)

    def foreground(self, row: RosterRow, column: int):
        if row.unexcused and column in (self.COL_NAME, self.COL_UNEXCUSED):
            return QBrush(RED)
        if row.retired:
            return QBrush(GREY)
        return None

    def background(self, row: RosterRow, column: int):
        return QBrush(PINK) if row.unexcused and column == self.COL_UNEXCUSED else None

    def tooltip(self, row: RosterRow, column: int) -> str | None:
        if row.unexcused and column in (self.COL_NAME, self.COL_UNEXCUSED):
            return row.cap_note
        if column == self.COL_POSTS:
            return row.posts or None
        return None


R = RosterModel


class RosterPage(CadrePage):
    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, undo, clock=clock, parent=parent)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("按编号、姓名、单位、职务或专长筛选"))
        self.filter_edit.setClearButtonEnabled(True)
        self.retired_box = QCheckBox(self.tr("显示已退出"))
        self.count_label = QLabel()
        self.add_button = button(self.tr("新增干部…"))
        self.edit_button = button(self.tr("编辑…"))
        self.retire_button = button(self.tr("退出…"))
        self.retire_button.setToolTip(self.tr("干部调离或退休：结束其现任岗位（可按 Ctrl+Z 撤销）"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("筛选：")))
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.retired_box)
        top.addWidget(self.count_label)
        top.addSpacing(12)
        for b in (self.add_button, self.edit_button, self.retire_button):
            top.addWidget(b)

        self.model = RosterModel(self)
        self.table = read_only_table(
            self.model,
            {
                R.COL_NO: 80,
                R.COL_NAME: 72,
                R.COL_UNIT: 130,
                R.COL_POST: 120,
                R.COL_EXPERTISE: 130,
                R.COL_LEADER: 70,
                R.COL_UNEXCUSED: 112,
            },
            stretch=R.COL_POSTS,
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.empty_label = QLabel()
        self.empty_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(200)
        self._filter_timer.timeout.connect(self.refresh)
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.retired_box.toggled.connect(self.refresh)
        self.add_button.clicked.connect(self.add_cadre)
        self.edit_button.clicked.connect(self.edit_cadre)
        self.retire_button.clicked.connect(self.retire_cadre)
        self.table.activated.connect(lambda _i: self.edit_cadre())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        edit = QShortcut(QKeySequence(Qt.Key.Key_F2), self.table)
        edit.setContext(Qt.ShortcutContext.WidgetShortcut)
        edit.activated.connect(self.edit_cadre)

    # -- showing -----------------------------------------------------------------------
    def refresh(self) -> None:
        self._stale = False
        self._filter_timer.stop()
        chosen = self.current_cadre()
        rows = cdb.roster(
            self._db,
            today=self._clock(),
            text=self.filter_edit.text(),
            show_retired=self.retired_box.isChecked(),
        )
        self.model.set_rows(rows)
        if chosen is not None:
            self.select(chosen)
        self.count_label.setText(self.tr("共 %n 名干部", "", len(rows)))
        filtered = bool(self.filter_edit.text().strip())
        self.empty_label.setText(
            self.tr("没有符合筛选条件的干部。")
            if filtered
            else self.tr("还没有干部。请点“新增干部…”，或从“文件 → 导入登记表…”导入干部花名册。")
        )
        self.empty_label.setVisible(not rows)

    def rows(self) -> list[RosterRow]:
        return self.model.rows()

    def current_cadre(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_at(index.row()).cadre_no

    def select(self, cadre_no: str) -> bool:
        for r, row in enumerate(self.model.rows()):
            if row.cadre_no == cadre_no:
                self.table.selectRow(r)
                self.table.scrollTo(self.model.index(r, 0))
                return True
        return False

    def _update_buttons(self) -> None:
        no = self.current_cadre()
        row = next((r for r in self.model.rows() if r.cadre_no == no), None)
        self.edit_button.setEnabled(row is not None)
        self.retire_button.setEnabled(row is not None and not row.retired)

    # -- edits -------------------------------------------------------------------------
    def _columns(self) -> list[Column]:
        """The roster sheet's columns; 专长类别 offered as a choice, free text allowed."""
        return [
            replace(c, choices=EXPERTISES) if c.field == "expertise" else c for c in CADRES.columns
        ]

    def _dialog(
        self,
        title: str,
        save: Callable[[dict[str, Any]], Any],
        record: dict[str, Any] | None = None,
        locked: tuple[str, ...] = (),
    ) -> RecordDialog:
        dialog = RecordDialog(title, self._columns(), save, self, record=record, locked=locked)
        combo = dialog.form.editors["expertise"]
        assert isinstance(combo, QComboBox)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setToolTip(self.tr("可从列表选，也可直接输入"))
        combo.setEditText((record or {}).get("expertise") or "")
        widen(dialog)
        dialog.form.editors["name" if locked else "cadre_no"].setFocus()
        return self._open(dialog)

    def add_cadre(self) -> RecordDialog:
        def save(values: dict[str, Any]) -> Change:
            change = cdb.add_cadre(self._db, values)
            self._push(change, self.tr("新增干部 %1").replace("%1", values["name"]))
            self.select(values["cadre_no"])
            self._note(self.message, self.tr("已新增 %1。").replace("%1", values["name"]))
            return change

        return self._dialog(self.tr("新增干部"), save, {"is_leader": 0})

    def edit_cadre(self) -> RecordDialog | None:
        no = self.current_cadre()
        record = cdb.cadre(self._db, no) if no else None
        if record is None:
            return None

        def save(values: dict[str, Any]) -> Change:
            change = cdb.update_cadre(self._db, record["cadre_no"], values)
            self._push(change, self.tr("修改干部 %1").replace("%1", values["name"]))
            return change

        title = self.tr("编辑干部：%1").replace("%1", record["name"])
        return self._dialog(title, save, record, locked=("cadre_no",))

    def retire_cadre(self) -> RecordDialog | None:
        """Ask the date the cadre leaves; his open posts end that day (Ctrl+Z undoes both)."""
        no = self.current_cadre()
        record = cdb.cadre(self._db, no) if no else None
        if record is None or record["retired_on"] is not None:
            return None
        name = record["name"]
        column = Column(
            self.tr("退出日期"),
            "retired_on",
            v.iso_date,
            required=True,
            hint=self.tr("调离或退休的日期，如 2026-05-15"),
        )

        def save(values: dict[str, Any]) -> Batch:
            day = date.fromisoformat(values["retired_on"])
            batch = cdb.retire(self._db, record["cadre_no"], day)
            push_batch(self._undo, batch, self.tr("%1 退出").replace("%1", name))
            ended = len(batch.of("assignments"))
            self._note(
                self.message,
                self.tr("%1 已于 %2 退出，结束了 %3 个岗位。按 Ctrl+Z 可撤销。")
                .replace("%1", name)
                .replace("%2", values["retired_on"])
                .replace("%3", str(ended)),
            )
            return batch

        dialog = RecordDialog(
            self.tr("干部退出：%1").replace("%1", name),
            [column],
            save,
            self,
            record={"retired_on": self._clock().isoformat()},
        )
        posts = [f"{r.role}·{r.village_name}" for r in self._current_posts(no)]
        info = QLabel(
            self.tr("%1 退出后不再出现在花名册（可勾选“显示已退出”查看）。").replace("%1", name)
            + (
                self.tr("\n现任岗位在退出日期这一天结束：%1").replace("%1", "、".join(posts))
                if posts
                else ""
            )
        )
        info.setWordWrap(True)
        info.setObjectName("retire_info")
        dialog.layout().insertWidget(0, info)
        return self._open(dialog)

    def _current_posts(self, cadre_no: str | None):
        if cadre_no is None:
            return []
        return cdb.assignment_rows(
            self._db, today=self._clock(), cadre_no=cadre_no, current_only=True
        )
