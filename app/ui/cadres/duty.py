"""值班表: a month of attendance, one row per cadre and one column per day.

Entered like a spreadsheet: a key writes the cell and moves right (1/Z 在村, 2/H 会议培训,
3/J 请假, 4/Q 缺勤, 0 clears; Delete/Backspace clear without moving); with several
cells selected one key fills them all. Ctrl+C / Ctrl+V copy a block of cells (a week,
say) and paste it elsewhere. Every action is one :func:`app.db.attendance_edit.set_cells`
transaction and one undo command, so Ctrl+Z takes back a whole fill or paste. The
summary columns show :func:`app.db.attendance_edit.month_grid`'s results, re-read after
every edit. 打印考勤表 writes the month's attendance table (the command line's
``report attendance``) to an A4 PDF.

A month whose subsidy is approved, or a quarter sent to the county, changes only with a
reason: the grid shows the note, and a key pressed there asks why (:mod:`app.ui.widgets.
reason`) before anything is written; cancelled, the cells stay as they were. Undo and
redo of such an edit keep its reason (``撤销：…``) and do not ask again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import attendance_edit
from app.db.attendance_edit import CellBatch
from app.domain.attendance import Kind
from app.domain.errors import DomainError
from app.domain.periods import Month
from app.reports.attendance import attendance_report
from app.reports.pdf.attendance import build_attendance_pdf
from app.ui.cadres.duty_delegate import DutyCellDelegate
from app.ui.cadres.duty_model import (
    APPROVED_NOTE,
    KIND_STYLES,
    DutyGridModel,
    kind_text,
    mark_of,
    parse_mark,
)
from app.ui.undo import REDO, UNDO, TabUndo, run_step
from app.ui.widgets.common import ask_save_path
from app.ui.widgets.print_preview import print_report, show_link
from app.ui.widgets.reason import ReasonCancelled, run_with_reason

K = Qt.Key
KIND_KEYS: dict[int, Kind] = {
    K.Key_1: Kind.PRESENT,
    K.Key_Z: Kind.PRESENT,
    K.Key_2: Kind.MEETING,
    K.Key_H: Kind.MEETING,
    K.Key_3: Kind.LEAVE,
    K.Key_J: Kind.LEAVE,
    K.Key_4: Kind.ABSENT,
    K.Key_Q: Kind.ABSENT,
}
#: what the reason dialog adds for a cell of an approved month
CARRY_NOTE = "保存后，差额将在下一个未审批月份的补助表中补发或扣回。"
SUMMARY_WIDTHS = (40, 36, 52, 92)  # 出勤, 请假, 要求, 达标
DAY_WIDTH = (22, 26, 30)  # narrowest, preferred, widest


class CellsCommand(QUndoCommand):
    """A batch of cell edits already made; undo reverts the whole batch, redo reapplies it
    (with the batch's ``reason`` when it was made in a frozen period)."""

    def __init__(
        self,
        db: Database,
        batch: CellBatch,
        text: str,
        refresh: Callable[[], None],
        parent_widget: QWidget | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(text)
        self._db, self._batch, self._refresh = db, batch, refresh
        self._widget = parent_widget
        self.reason = reason
        self._done = True

    def redo(self) -> None:
        if self._done:  # made before the command was pushed
            return
        self._apply(attendance_edit.reapply, True, REDO)

    def undo(self) -> None:
        self._apply(attendance_edit.revert, False, UNDO)

    def _apply(
        self,
        action: Callable[[Database, CellBatch, str | None], CellBatch],
        done: bool,
        direction: str,
    ) -> None:
        db, batch = self._db, self._batch
        if run_step(self._widget, lambda r: action(db, batch, r), self.reason, direction):
            self._done = done
        else:
            self.setObsolete(True)
        self._refresh()


class DutyTableView(QTableView):
    """The grid's view: single keys write cells, the cursor keeps to the day columns."""

    #: (Kind or None for "not recorded", move right afterwards)
    kind_typed = Signal(object, bool)
    copy_requested = Signal()
    paste_requested = Signal()
    resized = Signal()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def day_model(self) -> DutyGridModel:
        model = self.model()
        assert isinstance(model, DutyGridModel)
        return model

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_requested.emit()
            return
        plain = (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier) == (
            Qt.KeyboardModifier.NoModifier
        )
        key = event.key()
        if plain and key in KIND_KEYS:
            self.kind_typed.emit(KIND_KEYS[key], True)
            return
        if plain and key == K.Key_0:
            self.kind_typed.emit(None, True)
            return
        if plain and key in (K.Key_Delete, K.Key_Backspace):
            self.kind_typed.emit(None, False)
            return
        if plain and key in (K.Key_Return, K.Key_Enter):
            self.go_to(self.moveCursor(self.CursorAction.MoveDown, event.modifiers()))
            return
        super().keyPressEvent(event)

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        model = self.day_model()
        current = self.currentIndex()
        last = model.day_count - 1
        if last < 0 or model.rowCount() == 0:
            return QModelIndex()
        if cursorAction == self.CursorAction.MoveNext and current.isValid():
            return self.next_cell(current)
        if cursorAction == self.CursorAction.MovePrevious and current.isValid():
            row, col = current.row(), current.column() - 1
            if col < 0:
                row, col = max(0, row - 1), last if row > 0 else 0
            return model.index(row, min(col, last))
        index = super().moveCursor(cursorAction, modifiers)
        if index.isValid() and index.column() > last:
            index = model.index(index.row(), last)
        return index

    def next_cell(self, index: QModelIndex) -> QModelIndex:
        """The cell to the right; after the month's last day, the next cadre's first day."""
        model = self.day_model()
        row, col = index.row(), index.column() + 1
        if col >= model.day_count:
            if row + 1 >= model.rowCount():
                return model.index(row, model.day_count - 1)
            row, col = row + 1, 0
        return model.index(row, col)

    def go_to(self, index: QModelIndex) -> None:
        if index.isValid():
            self.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.scrollTo(index)

    def advance(self) -> None:
        if self.currentIndex().isValid():
            self.go_to(self.next_cell(self.currentIndex()))


class DutyGridPage(QWidget):
    """The month's duty grid. Edits are pushed to ``undo`` (the tab's undo stack).

    :attr:`attendance_changed` is emitted after every edit, undo and redo, for the
    tab's other pages that show attendance.
    """

    attendance_changed = Signal()

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
        self.month = Month.of(clock())
        self._clip: list[list[Kind | None]] | None = None
        self._clip_text = ""
        self._shown = False

        self.prev_button = self._tool_button("‹", self.tr("上个月"))
        self.next_button = self._tool_button("›", self.tr("下个月"))
        self.month_edit = QDateEdit()
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.month_edit.setDateRange(QDate(2000, 1, 1), QDate(2100, 12, 31))
        self.month_edit.setDate(QDate(self.month.year, self.month.month, 1))
        self.month_edit.setToolTip(self.tr("月份（可直接输入年、月）"))
        self.this_month_button = self._tool_button(self.tr("本月"), self.tr("回到本月"))
        self.prev_button.clicked.connect(lambda: self.set_month(self.month.prev()))
        self.next_button.clicked.connect(lambda: self.set_month(self.month.next()))
        self.this_month_button.clicked.connect(lambda: self.set_month(Month.of(self._clock())))
        self.month_edit.dateChanged.connect(lambda d: self.set_month(Month(d.year(), d.month())))
        self.count_label = QLabel()
        self.approved_label = QLabel(self.tr(APPROVED_NOTE))
        self.approved_label.setStyleSheet(
            "QLabel { background: #fff3cd; color: #7a4f00; padding: 2px 6px; border-radius: 3px; }"
        )
        self.approved_label.setVisible(False)

        top = QHBoxLayout()
        for w in (self.prev_button, self.month_edit, self.next_button, self.this_month_button):
            top.addWidget(w)
        top.addSpacing(12)
        top.addWidget(self.count_label)
        top.addSpacing(12)
        top.addWidget(self.approved_label)
        top.addStretch(1)
        self.kind_buttons: dict[Kind | None, QToolButton] = {}
        for kind in (*KIND_STYLES, None):
            button = self._kind_button(kind)
            self.kind_buttons[kind] = button
            top.addWidget(button)
        top.addSpacing(12)
        self.print_button = QPushButton(self.tr("打印考勤表…"))
        self.print_button.setAutoDefault(False)
        self.print_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.print_button.setToolTip(self.tr("把本月考勤表打印到 A4 横向 PDF（可直接打印、签字）"))
        self.print_button.clicked.connect(lambda: self.print_attendance())
        top.addWidget(self.print_button)

        self.model = DutyGridModel(self)
        self.table = DutyTableView()
        self._setup_table()

        self.legend_label = QLabel(
            self.tr(
                "键盘：1/Z 在村　2/H 会议培训　3/J 请假　4/Q 缺勤　0 清除并右移　Del 清除　"
                "方向键、Tab、Home/End 移动　Shift+方向键 选择　Ctrl+C / Ctrl+V 复制粘贴　"
                "Ctrl+Z 撤销"
            )
        )
        self.legend_label.setStyleSheet("QLabel { color: #555; }")
        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.printed_label = QLabel()  # where the last print went, with a link to open it
        self.printed_label.setOpenExternalLinks(True)
        self.printed_label.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.printed_label)
        layout.addWidget(self.legend_label)

    # -- building ------------------------------------------------------------------------
    def _tool_button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def _kind_button(self, kind: Kind | None) -> QToolButton:
        if kind is None:
            button = self._tool_button(self.tr("清除"), self.tr("清除所选格（0 / Delete）"))
        else:
            style = KIND_STYLES[kind]
            button = self._tool_button(
                f"{style.mark} {self.tr(style.label)}",
                self.tr("所选格填为“%1”（%2）")
                .replace("%1", style.label)
                .replace("%2", style.keys),
            )
            button.setStyleSheet(
                f"QToolButton {{ color: {style.colour}; background: {style.fill};"
                f" border: 1px solid {style.colour}; border-radius: 3px; padding: 2px 6px; }}"
            )
        button.clicked.connect(lambda: self.apply_kind(kind, advance=False))
        return button

    def _setup_table(self) -> None:
        t = self.table
        t.setModel(self.model)
        t.setItemDelegate(DutyCellDelegate(t))
        t.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setTabKeyNavigation(True)
        t.setWordWrap(False)
        t.setCornerButtonEnabled(False)
        t.setGridStyle(Qt.PenStyle.SolidLine)
        t.setStyleSheet("QTableView { gridline-color: #d5d9df; }")
        rows = t.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(t.fontMetrics().height() + 8)
        header = t.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setMinimumSectionSize(16)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        t.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        t.customContextMenuRequested.connect(self._context_menu)
        t.kind_typed.connect(lambda kind, advance: self.apply_kind(kind, advance=advance))
        t.resized.connect(self._fit_columns)
        t.copy_requested.connect(self.copy_cells)
        t.paste_requested.connect(self.paste_cells)
        t.selectionModel().currentChanged.connect(lambda *_: self._show_current())
        t.selectionModel().selectionChanged.connect(lambda *_: self._show_current())

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # its shortcuts only show keys
        for kind, button in self.kind_buttons.items():
            action = QAction(button.text(), menu)
            keys = KIND_STYLES[kind].keys if kind is not None else "0 / Del"
            action.setShortcut(QKeySequence(keys.split(" / ")[0]))
            action.triggered.connect(lambda _=False, k=kind: self.apply_kind(k, advance=False))
            menu.addAction(action)
        menu.addSeparator()
        copy = menu.addAction(self.tr("复制"), self.copy_cells)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        paste = menu.addAction(self.tr("粘贴"), self.paste_cells)
        paste.setShortcut(QKeySequence.StandardKey.Paste)
        paste.setEnabled(self._clip is not None or bool(QGuiApplication.clipboard().text()))
        menu.popup(self.table.viewport().mapToGlobal(pos))

    # -- month and refresh ----------------------------------------------------------------
    def set_month(self, month: Month) -> None:
        if month != self.month:
            self.month = month
            self.refresh()
        if (self.month_edit.date().year(), self.month_edit.date().month()) != (
            month.year,
            month.month,
        ):
            self.month_edit.setDate(QDate(month.year, month.month, 1))

    def refresh(self) -> None:
        """Re-read the month (cells and compliance); keeps the cursor and the selection."""
        today = self._clock()
        current = self.current_cell()
        grid = attendance_edit.month_grid(self._db, self.month, as_of=today)
        self.model.set_grid(grid, today)
        self._fit_columns()
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self._restore(current, today)
        not_met = sum(1 for r in grid.rows if r.ok is False)
        text = self.tr("%1 名干部").replace("%1", str(len(grid.rows)))
        if not_met:
            text += self.tr("，<span style='color:#c62828'><b>%1 名未达标</b></span>").replace(
                "%1", str(not_met)
            )
        self.count_label.setText(text)
        self.approved_label.setVisible(grid.approved)
        self._show_current()

    def _restore(self, cell: tuple[str, date] | None, today: date) -> None:
        """Put the cursor back on the cadre and day it was on, else today (or day 1)."""
        row = 0
        if cell is not None:
            try:
                row = self.model.row_of(cell[0])
            except StopIteration:
                row = 0
        days = self.model.grid.days if self.model.grid else ()
        day = cell[1] if cell and cell[1] in days else today if today in days else days[0]
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, self.model.column_of(day)),
            QItemSelectionModel.SelectionFlag.ClearAndSelect,
        )

    def _fit_columns(self) -> None:
        n = self.model.day_count
        if not n:
            return
        for i, width in enumerate(SUMMARY_WIDTHS):
            self.table.setColumnWidth(n + i, width)
        scrollbar = self.table.verticalScrollBar().sizeHint().width()
        room = (
            self.table.width()
            - self.table.verticalHeader().sizeHint().width()
            - scrollbar
            - 2 * self.table.frameWidth()
            - sum(SUMMARY_WIDTHS)
        )
        narrow, preferred, wide = DAY_WIDTH
        width = max(narrow, min(wide, room // n)) if room > 0 else preferred
        for c in range(n):
            self.table.setColumnWidth(c, width)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._shown:  # the clerk starts typing in the grid, not in the month
            self._shown = True
            if self.model.grid is None:
                self.refresh()
            self.table.setFocus()

    # -- the cells the clerk points at -------------------------------------------------------
    def current_cell(self) -> tuple[str, date] | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.model.is_day(index.column()):
            return None
        return self.model.row_at(index.row()).cadre_no, self.model.day_at(index.column())

    def selected_positions(self) -> list[tuple[int, int]]:
        """(row, column) of the selected day cells, else of the current cell."""
        cells = sorted(
            (i.row(), i.column())
            for i in self.table.selectionModel().selectedIndexes()
            if self.model.is_day(i.column())
        )
        if not cells and self.current_cell() is not None:
            index = self.table.currentIndex()
            cells = [(index.row(), index.column())]
        return cells

    def _cells(self, positions: Iterable[tuple[int, int]], kinds) -> list:
        return [
            (self.model.row_at(r).cadre_no, self.model.day_at(c), kind)
            for (r, c), kind in zip(positions, kinds, strict=True)
        ]

    # -- entering --------------------------------------------------------------------------
    def apply_kind(self, kind: Kind | None, *, advance: bool = False) -> CellBatch | None:
        """Write ``kind`` into the selection; a single cell then moves right if ``advance``."""
        positions = self.selected_positions()
        if not positions:
            return None
        cells = self._cells(positions, [kind] * len(positions))
        text = (
            self.tr("清除 %1 格").replace("%1", str(len(cells)))
            if kind is None
            else self.tr("填入%1 %2 格")
            .replace("%1", kind_text(kind))
            .replace("%2", str(len(cells)))
        )
        batch = self.write(cells, text)
        if advance and len(positions) == 1 and batch is not None:
            self.table.advance()
        return batch

    def write(self, cells: list, text: str) -> CellBatch | None:
        """One action: one transaction, one undo command, one refresh.

        In an approved month or a quarter sent to the county the clerk is asked why first;
        cancelled, nothing is written (None)."""
        approved = self.model.grid is not None and self.model.grid.approved
        try:
            batch, reason = run_with_reason(
                self,
                lambda r: attendance_edit.set_cells(self._db, cells, reason=r),
                what=self._describe(cells, text),
                note=self.tr(CARRY_NOTE) if approved else None,
            )
        except ReasonCancelled:
            self.status_label.setText(self.tr("没有修改：未填写修改原因。"))
            return None
        except DomainError as e:
            QMessageBox.warning(self, self.tr("考勤未保存"), str(e))
            return None
        if batch:
            command = CellsCommand(
                self._db, batch, text, lambda: self.show_batch(batch), self, reason
            )
            self._undo.stack.push(command)
            self.refresh()
            self.attendance_changed.emit()
        return batch

    def _describe(self, cells: list, text: str) -> str:
        """What a write changes, for the reason dialog: ``李秀英 4月7日 → 在村``."""
        if len(cells) != 1 or self.model.grid is None:
            return text
        cadre_no, day, kind = cells[0]
        row = self.model.grid.row_of(cadre_no)
        name = row.name if row else cadre_no
        return f"{name} {day.month}月{day.day}日 → {kind_text(kind)}"

    def show_batch(self, batch: CellBatch) -> None:
        """After an undo or redo: the batch's month, its cells selected, all re-read."""
        months = batch.months
        if months and self.month not in months:
            self.set_month(months[0])
        self.refresh()
        selection = QItemSelection()
        shown = (
            {r.cadre_no: i for i, r in enumerate(self.model.grid.rows)} if self.model.grid else {}
        )
        for change in batch:
            if change.cadre_no in shown and Month.of(change.day) == self.month:
                index = self.model.index(shown[change.cadre_no], self.model.column_of(change.day))
                selection.select(index, index)
        if not selection.isEmpty():
            self.table.selectionModel().select(
                selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        self.attendance_changed.emit()

    # -- copy and paste ----------------------------------------------------------------------
    def copy_cells(self) -> None:
        positions = self.selected_positions()
        if not positions:
            return
        r0, r1 = min(r for r, _ in positions), max(r for r, _ in positions)
        c0, c1 = min(c for _, c in positions), max(c for _, c in positions)
        block = [
            [self.model.row_at(r).cells.get(self.model.day_at(c)) for c in range(c0, c1 + 1)]
            for r in range(r0, r1 + 1)
        ]
        self._clip = block
        self._clip_text = "\n".join("\t".join(mark_of(k) for k in line) for line in block)
        QGuiApplication.clipboard().setText(self._clip_text)
        self.status_label.setText(
            self.tr("已复制 %1 行 × %2 天")
            .replace("%1", str(len(block)))
            .replace("%2", str(len(block[0])))
        )

    def _clipboard_block(self) -> list[list[Kind | None]] | None:
        text = QGuiApplication.clipboard().text()
        if self._clip is not None and (not text or text == self._clip_text):
            return self._clip
        if not text.strip("\r\n"):
            return None
        lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
        return [[parse_mark(cell) for cell in line.split("\t")] for line in lines]

    def paste_cells(self) -> CellBatch | None:
        try:
            block = self._clipboard_block()
        except DomainError as e:
            QMessageBox.warning(
                self, self.tr("无法粘贴"), self.tr("剪贴板内容不是考勤标记：") + str(e)
            )
            return None
        positions = self.selected_positions()
        if not block or not positions:
            return None
        r0, r1 = min(r for r, _ in positions), max(r for r, _ in positions)
        c0, c1 = min(c for _, c in positions), max(c for _, c in positions)
        h, w = len(block), max(len(line) for line in block)
        sel_h, sel_w = r1 - r0 + 1, c1 - c0 + 1
        # a selection a whole number of blocks high and wide is tiled with the block
        out_h, out_w = (sel_h, sel_w) if sel_h % h == 0 and sel_w % w == 0 else (h, w)
        out_h = min(out_h, self.model.rowCount() - r0)
        out_w = min(out_w, self.model.day_count - c0)
        positions, kinds = [], []
        for i in range(out_h):
            line = block[i % h]
            for j in range(out_w):
                if j % w < len(line):
                    positions.append((r0 + i, c0 + j))
                    kinds.append(line[j % w])
        batch = self.write(
            self._cells(positions, kinds), self.tr("粘贴 %1 格").replace("%1", str(len(positions)))
        )
        selection = QItemSelection(
            self.model.index(r0, c0), self.model.index(r0 + out_h - 1, c0 + out_w - 1)
        )
        self.table.selectionModel().select(
            selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        return batch

    # -- printing ---------------------------------------------------------------------------
    def print_attendance(self, path: Path | None = None) -> Path | None:
        """The month's 考勤表 (judged as of the clock's today) as an A4 PDF written to ``path``
        (returned), or without one opened in the print preview; None when refused."""
        month = self.month
        told = self.tr("已把 %1 考勤表打印到").replace("%1", f"{month.year}年{month.month}月")
        return print_report(
            self,
            lambda: attendance_report(self._db, month, as_of=self._clock())[0],
            build_attendance_pdf,
            path,
            file_name=self.tr("考勤表-%1.pdf").replace("%1", str(month)),
            ask_title=self.tr("打印考勤表"),
            on_saved=lambda written: show_link(self.printed_label, told, written),
            what=self.tr("考勤表"),
            asker=ask_save_path,
        )

    # -- status line ----------------------------------------------------------------------
    def _show_current(self) -> None:
        cell = self.current_cell()
        if cell is None or self.model.grid is None:
            self.status_label.setText("")
            return
        index = self.table.currentIndex()
        row = self.model.row_at(index.row())
        text = self.model.cell_tooltip(row, cell[1]).replace("\n", "　")
        n = len(self.selected_positions())
        if n > 1:
            text = self.tr("已选 %1 格　").replace("%1", str(n)) + text
        self.status_label.setText(text)
