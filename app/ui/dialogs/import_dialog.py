"""导入登记表…: choose a kind of register sheet and a file, check it, then load it.

检查 reads the file and shows the rows as they will be written (row number, 新增 / 修改 /
不变, the cells, changed cells marked) or every problem (row, column, reason) — nothing
is written. 导入 loads it (all or nothing) with a progress bar and reports the counts;
:attr:`ImportDialog.imported` then tells the window to refresh. Both run off the GUI
thread through :func:`app.ui.tasks.run_task`. Rows in an approved subsidy month or a
quarter sent to the county load only with a reason: 导入 asks for it first
(:mod:`app.ui.widgets.reason`), and cancelling loads nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.domain.errors import DomainError
from app.sheets import KINDS, NEW, UNCHANGED, UPDATED, SheetError, check_sheet, load_sheet
from app.ui.models.table_model import RowTableModel
from app.ui.tasks import run_task, to_main
from app.ui.widgets.reason import ask_reason
from app.ui.widgets.tables import read_only_table

log = logging.getLogger(__name__)

#: rows read to size the preview's columns (the rest may be wider: their tooltip shows it)
PREVIEW_SAMPLE_ROWS = 200

#: ``(db, kind, path, progress=callable(done, total))``, like ``app.sheets.check_sheet``
Checker = Callable[..., Any]
#: ``(db, kind, path, progress=callable(done, total)[, reason=...])``, like
#: ``app.sheets.load_sheet`` (``reason`` only for rows in a frozen period)
Loader = Callable[..., Any]


class ProblemTableModel(RowTableModel):
    """Problems of a sheet (``app.sheets.Problem``: row, column, reason)."""

    COL_ROW = 0
    COL_COLUMN = 1
    COL_REASON = 2

    RIGHT_ALIGNED = frozenset({COL_ROW})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers([self.tr("行"), self.tr("列"), self.tr("问题")])

    def value(self, row: Any, column: int):
        if column == self.COL_ROW:
            return getattr(row, "row", None)
        if column == self.COL_COLUMN:
            return getattr(row, "column", None)
        if column == self.COL_REASON:
            return getattr(row, "reason", row)
        raise IndexError(column)

    def display(self, row: Any, column: int) -> str:
        value = self.value(row, column)
        if value is None:
            return "—"
        return str(value)

    def tooltip(self, row: Any, column: int) -> str | None:
        return self.display(row, self.COL_REASON) if column == self.COL_REASON else None


class PreviewTableModel(RowTableModel):
    """The rows of a checked sheet as they will be written (``app.sheets.PreviewRow``)."""

    COL_ROW = 0
    COL_STATUS = 1
    FIRST_CELL = 2

    RIGHT_ALIGNED = frozenset({COL_ROW})
    CENTRED = frozenset({COL_STATUS})
    STATUS_COLOURS = {NEW: "#d7eed9", UPDATED: "#fde3bd"}
    CHANGED_CELL = "#fde3bd"
    UNCHANGED_INK = "#6b6b6b"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.cell_headers: list[str] = []
        self.bold_font = QFont()
        self.bold_font.setBold(True)
        self.set_cell_headers([])

    def set_cell_headers(self, headers: list[str]) -> None:
        self.cell_headers = list(headers)
        self.set_headers([self.tr("行"), self.tr("导入后"), *self.cell_headers])

    def set_preview(self, rows: list[Any], headers: list[str]) -> None:
        """Columns: the sheet's headers first, then any other cell the rows carry."""
        columns = list(headers)
        if rows:
            cells = rows[0].cells
            columns = [h for h in headers if h in cells]
            columns += [h for h in cells if h not in columns]
        self.set_cell_headers(columns)
        self.set_rows(rows)

    def _header(self, column: int) -> str:
        return self.cell_headers[column - self.FIRST_CELL]

    def value(self, row: Any, column: int):
        if column == self.COL_ROW:
            return row.row
        if column == self.COL_STATUS:
            return row.status_label
        return row.cells.get(self._header(column), "")

    def display(self, row: Any, column: int) -> str:
        text = super().display(row, column)
        if not text and column >= self.FIRST_CELL and self._header(column) in row.changed:
            return self.tr("（清空）")  # a blank cell erases what is stored
        return text

    def background(self, row: Any, column: int):
        if column == self.COL_STATUS and row.status in self.STATUS_COLOURS:
            return QBrush(QColor(self.STATUS_COLOURS[row.status]))
        if column >= self.FIRST_CELL and self._header(column) in row.changed:
            return QBrush(QColor(self.CHANGED_CELL))
        return None

    def foreground(self, row: Any, column: int):
        return QBrush(QColor(self.UNCHANGED_INK)) if row.status == UNCHANGED else None

    def tooltip(self, row: Any, column: int) -> str | None:
        if column == self.COL_STATUS and row.changed:
            return self.tr("将修改：%1").replace("%1", "、".join(row.changed))
        if column < self.FIRST_CELL:
            return None
        text = self.display(row, column)
        if self._header(column) in row.changed:
            return f"{text}\n" + self.tr("与数据库中的值不同，导入后改为此值")
        return text or None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.FontRole
            and index.isValid()
            and index.column() >= self.FIRST_CELL
            and self._header(index.column()) in self.row_at(index.row()).changed
        ):
            return self.bold_font
        return super().data(index, role)


class ImportDialog(QDialog):
    """Check, then load, one register sheet."""

    #: the ``ImportResult`` of a load that went through
    imported = Signal(object)

    def __init__(
        self,
        db: Database,
        parent=None,
        *,
        checker: Checker = check_sheet,
        loader: Loader = load_sheet,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._checker = checker
        self._loader = loader
        self._busy = False
        self._checked_for: tuple[str, str] | None = None
        self._frozen_why: str | None = None  # rows of the checked sheet in a frozen period
        self._preview_rows: list[Any] = []
        self._preview_headers: list[str] = []
        self._written = False
        self.setWindowTitle(self.tr("导入登记表"))
        self.resize(980, 600)

        labels = {
            "villages": self.tr("村情登记"),
            "households": self.tr("户情登记"),
            "cadres": self.tr("干部花名册"),
            "assignments": self.tr("驻村/兼职安排"),
            "attendance": self.tr("考勤"),
            "checks": self.tr("查岗"),
            "rates": self.tr("补助标准"),
            "scores": self.tr("村级考核评分"),
            "cadre-scores": self.tr("干部考核评分"),
        }
        self.kind_combo = QComboBox()
        for kind in KINDS:
            self.kind_combo.addItem(labels.get(kind, kind), kind)

        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(self.tr("选择 .xlsx 或 .csv 文件"))
        self.browse_button = QPushButton(self.tr("选择文件…"))
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)

        form = QFormLayout()
        form.addRow(self.tr("登记表类别："), self.kind_combo)
        form.addRow(self.tr("文件："), file_row)

        self.summary_label = QLabel(
            self.tr("先“检查”：只读取文件、列出问题，不写入任何数据；检查通过后再“导入”。")
        )
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)

        self.problem_model = ProblemTableModel(self)
        self.problem_table = read_only_table(
            self.problem_model,
            {ProblemTableModel.COL_ROW: 60, ProblemTableModel.COL_COLUMN: 120},
            stretch=ProblemTableModel.COL_REASON,
        )
        self.preview_model = PreviewTableModel(self)
        self.preview_table = read_only_table(self.preview_model)
        self.changes_only = QCheckBox(self.tr("只显示新增和修改的行"))
        rows_page = QWidget()
        rows_layout = QVBoxLayout(rows_page)
        rows_layout.setContentsMargins(0, 4, 0, 0)
        rows_layout.addWidget(self.changes_only)
        rows_layout.addWidget(self.preview_table, 1)
        self.results = QTabWidget()
        self.rows_index = self.results.addTab(rows_page, self.tr("将写入的行"))
        self.problems_index = self.results.addTab(self.problem_table, self.tr("问题与提醒"))

        self.check_button = QPushButton(self.tr("检查"))
        self.import_button = QPushButton(self.tr("导入"))
        self.import_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("关闭"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.results, 1)
        layout.addLayout(buttons)

        self.browse_button.clicked.connect(self._browse)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.load)
        self.close_button.clicked.connect(self.reject)
        self.kind_combo.currentIndexChanged.connect(self._inputs_changed)
        self.path_edit.textChanged.connect(self._inputs_changed)
        self.changes_only.toggled.connect(self._show_rows)

    # -- inputs ------------------------------------------------------------------------
    def kind(self) -> str:
        return self.kind_combo.currentData()

    def set_kind(self, kind: str) -> None:
        index = self.kind_combo.findData(kind)
        if index < 0:
            raise ValueError(f"unknown sheet kind: {kind}")
        self.kind_combo.setCurrentIndex(index)

    def path(self) -> Path | None:
        text = self.path_edit.text().strip()
        return Path(text) if text else None

    def set_path(self, path: Path | str) -> None:
        self.path_edit.setText(str(path))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("选择登记表"),
            str(self.path().parent) if self.path() else "",
            self.tr("登记表 (*.xlsx *.csv)"),
        )
        if chosen:
            self.set_path(chosen)

    def _inputs_changed(self) -> None:
        self._checked_for = None
        self.import_button.setEnabled(False)
        self._set_preview([], [])

    def _current(self) -> tuple[str, str] | None:
        path = self.path()
        return (self.kind(), str(path)) if path else None

    # -- check -------------------------------------------------------------------------
    def check(self) -> None:
        path = self.path()
        if path is None:
            self._say(self.tr("请先选择要导入的文件。"))
            return
        kind = self.kind()
        self._start(self.tr("正在检查 %1 …").replace("%1", path.name))
        run_task(
            lambda: self._checker(self._db, kind, path, progress=self._progress),
            lambda preview: self._checked(preview, (kind, str(path))),
            self._failed,
        )

    def _checked(self, preview: Any, checked_for: tuple[str, str]) -> None:
        self._stop()
        warnings = list(getattr(preview, "warnings", None) or [])
        problems = list(getattr(preview, "problems", None) or [])
        if problems:
            self._show_problems(problems)
            return
        self.problem_model.set_rows(warnings)
        self._set_preview(
            list(getattr(preview, "rows", None) or []),
            list(getattr(preview, "headers", None) or []),
        )
        self._set_problem_title(self.tr("提醒（%1）").replace("%1", str(len(warnings))))
        self.results.setCurrentIndex(self.rows_index)
        text = self.tr("检查通过，尚未写入。导入后将新增 %1 条、更新 %2 条，%3 条不变。")
        text = self._counts(text, preview)
        if warnings:
            text += self.tr("另有 %n 条提醒（见“提醒”页），不影响导入。", "", len(warnings))
        self._say(text)
        self._checked_for = checked_for
        self._frozen_why = getattr(preview, "frozen_why", None)
        self.import_button.setEnabled(self._current() == checked_for)

    # -- load --------------------------------------------------------------------------
    def load(self) -> None:
        path = self.path()
        if path is None or self._checked_for != self._current():
            self._say(self.tr("请先检查文件，检查通过后才能导入。"))
            return
        kind = self.kind()
        extra: dict[str, Any] = {}
        if self._frozen_why:
            reason = ask_reason(
                self,
                self.tr("表中有已审批或已上报的记录"),
                what=self._frozen_why,
                note=self.tr("原因记入这些记录的修改记录。"),
            )
            if reason is None:
                self._say(self.tr("没有导入：未填写修改原因，数据库未改动。"))
                return
            extra["reason"] = reason
        self._start(self.tr("正在导入 %1 …").replace("%1", path.name))
        run_task(
            lambda: self._loader(self._db, kind, path, progress=self._progress, **extra),
            self._loaded,
            self._failed,
        )

    def _loaded(self, result: Any) -> None:
        self._stop()
        self._checked_for = None
        self.import_button.setEnabled(False)
        warnings = list(getattr(result, "warnings", None) or [])
        self.problem_model.set_rows(warnings)
        text = self._counts(self.tr("导入完成：新增 %1 条，更新 %2 条，%3 条不变。"), result)
        if warnings:
            text += self.tr("另有 %n 条提醒（见“提醒”页）。", "", len(warnings))
        self._say(text)
        self._written = True
        self._show_rows()
        self.imported.emit(result)

    # -- shared ------------------------------------------------------------------------
    def _failed(self, exc: Exception) -> None:
        self._stop()
        self._checked_for = None
        self.import_button.setEnabled(False)
        self._set_preview([], [])
        if isinstance(exc, SheetError):
            self._show_problems(exc.problems)
            return
        self.problem_model.set_rows([])
        if isinstance(exc, (DomainError, OSError)):
            self._say(self.tr("无法读取：%1。未写入任何数据。").replace("%1", str(exc)))
            return
        log.error("sheet import failed", exc_info=exc)
        self._say(
            self.tr("出现意外错误：%1。未写入任何数据；请把此信息告诉维护人员。").replace(
                "%1", f"{type(exc).__name__}: {exc}"
            )
        )

    def _set_preview(self, rows: list[Any], headers: list[str]) -> None:
        self._preview_rows, self._preview_headers = rows, headers
        self._written = False
        self._show_rows()

    def _show_rows(self) -> None:
        rows = self._preview_rows
        if self.changes_only.isChecked():
            rows = [r for r in rows if r.status != UNCHANGED]
        self.preview_model.set_preview(rows, self._preview_headers)
        self._fit_columns()
        total = len(self._preview_rows)
        title = self.tr("已写入的行") if self._written else self.tr("将写入的行")
        if total:
            title += f"（{len(rows)}）" if len(rows) == total else f"（{len(rows)}/{total}）"
        self.results.setTabText(self.rows_index, title)

    def _fit_columns(self) -> None:
        """Widths from the header and the first rows only: never from every row."""
        metrics = self.preview_table.fontMetrics()
        bold = QFontMetrics(self.preview_model.bold_font)
        model = self.preview_model
        sample = range(min(model.rowCount(), PREVIEW_SAMPLE_ROWS))
        self.preview_table.setColumnWidth(PreviewTableModel.COL_ROW, 48)
        self.preview_table.setColumnWidth(PreviewTableModel.COL_STATUS, 64)
        for i, header in enumerate(model.cell_headers):
            column = PreviewTableModel.FIRST_CELL + i
            texts = (model.index(r, column).data() or "" for r in sample)
            widest = max((bold.horizontalAdvance(t) for t in texts), default=0)
            width = max(metrics.horizontalAdvance(header) + 28, widest + 16, 56)
            self.preview_table.setColumnWidth(column, min(240, width))

    def _set_problem_title(self, title: str) -> None:
        self.results.setTabText(self.problems_index, title)

    def _show_problems(self, problems: list[Any]) -> None:
        self.problem_model.set_rows(problems)
        self._set_problem_title(self.tr("问题（%1）").replace("%1", str(len(problems))))
        self.results.setCurrentIndex(self.problems_index)
        if len(problems) == 1 and getattr(problems[0], "row", None) is None:
            # a fault of the whole file (not found, wrong headers …): say it right here
            self._say(self.tr("无法导入：%1。未写入任何数据。").replace("%1", problems[0].reason))
            return
        self._say(
            self.tr("发现 %n 处问题，未写入任何数据。请在表格中改正后重新检查。", "", len(problems))
        )

    def _counts(self, text: str, result: Any) -> str:
        return (
            text.replace("%1", str(getattr(result, "new", 0)))
            .replace("%2", str(getattr(result, "updated", 0)))
            .replace("%3", str(getattr(result, "unchanged", 0)))
        )

    def _progress(self, done: int, total: int) -> None:
        """Called by the sheet code on the worker thread."""
        to_main(lambda: self._show_progress(done, total))

    def _show_progress(self, done: int, total: int) -> None:
        if self._busy and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _say(self, text: str) -> None:
        self.summary_label.setText(text)

    def _start(self, text: str) -> None:
        self._busy = True
        self._say(text)
        self.progress.setRange(0, 0)  # busy until the sheet code reports a row count
        self.progress.setVisible(True)
        for w in (
            self.check_button,
            self.import_button,
            self.close_button,
            self.kind_combo,
            self.path_edit,
            self.browse_button,
        ):
            w.setEnabled(False)

    def _stop(self) -> None:
        self._busy = False
        self.progress.setVisible(False)
        for w in (
            self.check_button,
            self.close_button,
            self.kind_combo,
            self.path_edit,
            self.browse_button,
        ):
            w.setEnabled(True)

    def reject(self) -> None:
        if self._busy:  # the worker still uses the database; wait for it
            return
        super().reject()
