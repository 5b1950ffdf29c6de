"""村级考核: a year's grid of villages × the indicators of the year's template.

Scores are typed into the cells (0 to the indicator's max, at most one decimal); a bad value
is refused: the cell turns red and the reason shows in the status line and the tooltip.
总分 and 类别 follow as soon as a row is complete (``assess_village`` on the year's template),
with 上年类别 and 变化. 保存本行 / 保存全部 write through ``app.db.assessment`` in one
transaction each, as one undo command (Ctrl+Z). Selecting a row lists the village's years.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import assessment as adb
from app.domain.assessment import (
    Template,
    VillageResult,
    assess_village,
    change,
    format_tenths,
    parse_score,
)
from app.domain.errors import DomainError
from app.reports.assessment import village_assessment_report
from app.reports.pdf.village_assessment import build_village_assessment_pdf
from app.ui.cadres.roster import push_batch
from app.ui.undo import TabUndo
from app.ui.widgets.grades import grade_background, grade_foreground
from app.ui.widgets.print_preview import print_report

BAD_BACKGROUND = QBrush(QColor("#f4b6b6"))
BAD_FOREGROUND = QBrush(QColor("#8e1111"))
EDITED_BACKGROUND = QBrush(QColor("#fff6c8"))


def wrap_header(name: str, width: int = 4) -> str:
    """``农民人均纯收入`` → ``农民人均\\n纯收入`` so that narrow columns show whole names."""
    parts = name.replace("（", "\n（").split("\n")
    lines: list[str] = []
    for part in parts:
        lines += [part[i : i + width] for i in range(0, len(part), width)] or [""]
    return "\n".join(lines)


def change_brushes(kind: str | None) -> tuple[QBrush | None, QBrush | None]:
    grade = {"升级": "一类", "降级": "四类"}.get(kind or "")
    return grade_background(grade), grade_foreground(grade)


class VillageGridModel(QAbstractTableModel):
    """Rows of :class:`app.db.assessment.GridRow` with the scores being typed."""

    problem = Signal(str)  # the reason a value was refused

    COL_NAME = 0

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.template: Template | None = None
        self.rows: list[adb.GridRow] = []
        self.pending: dict[str, dict[str, int]] = {}  # code -> indicator -> tenths
        self.bad: dict[str, dict[str, tuple[str, str]]] = {}  # code -> name -> (text, reason)

    # -- columns ---------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.template.indicators) if self.template else 0

    @property
    def col_total(self) -> int:
        return self.n + 1

    @property
    def col_grade(self) -> int:
        return self.n + 2

    @property
    def col_previous(self) -> int:
        return self.n + 3

    @property
    def col_change(self) -> int:
        return self.n + 4

    def indicator_column(self, name: str) -> int:
        assert self.template is not None
        return 1 + [i.name for i in self.template.indicators].index(name)

    def row_of(self, code: str) -> int:
        return next(i for i, r in enumerate(self.rows) if r.code == code)

    # -- loading ---------------------------------------------------------------------------
    def set_grid(self, grid: adb.YearGrid, keep_pending: bool) -> None:
        self.beginResetModel()
        if not keep_pending or self.template != grid.template:
            self.pending, self.bad = {}, {}
        self.template, self.rows = grid.template, grid.rows
        for row in self.rows:  # drop typed values that are now stored
            typed = self.pending.get(row.code, {})
            for name in [k for k, v in typed.items() if row.scores.get(k) == v]:
                del typed[name]
        self.endResetModel()

    # -- values ----------------------------------------------------------------------------
    def scores(self, row: int) -> dict[str, int]:
        r = self.rows[row]
        return r.scores | self.pending.get(r.code, {})

    def is_dirty(self, row: int) -> bool:
        code = self.rows[row].code
        return bool(self.pending.get(code)) or bool(self.bad.get(code))

    def missing(self, row: int) -> list[str]:
        assert self.template is not None
        scores = self.scores(row)
        return [i.name for i in self.template.indicators if i.name not in scores]

    def result(self, row: int) -> VillageResult | None:
        """Total, grade and change of the row as typed; None while incomplete or wrong."""
        if self.template is None or self.bad.get(self.rows[row].code) or self.missing(row):
            return None
        try:
            return assess_village(self.scores(row), self.template, self.rows[row].previous_grade)
        except DomainError:
            return None

    def dirty_rows(self) -> list[int]:
        return [i for i in range(len(self.rows)) if self.is_dirty(i)]

    def clear_pending(self, code: str) -> None:
        self.pending.pop(code, None)
        self.bad.pop(code, None)

    # -- Qt --------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self.template is None else self.n + 5

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or self.template is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == self.COL_NAME:
                return self.tr("村名")
            if 1 <= section <= self.n:
                ind = self.template.indicators[section - 1]
                return f"{wrap_header(ind.name)}\n({format_tenths(ind.max_tenths)})"
            return {
                self.col_total: self.tr("总分"),
                self.col_grade: self.tr("类别"),
                self.col_previous: self.tr("上年\n类别"),
                self.col_change: self.tr("变化"),
            }.get(section)
        if role == Qt.ItemDataRole.ToolTipRole and 1 <= section <= self.n:
            ind = self.template.indicators[section - 1]
            return f"{ind.aspect} · {ind.name}：0 到 {format_tenths(ind.max_tenths)} 分"
        return None

    def flags(self, index: QModelIndex):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if 1 <= index.column() <= self.n:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.template is None:
            return None
        row, col = self.rows[index.row()], index.column()
        code = row.code
        if 1 <= col <= self.n:
            name = self.template.indicators[col - 1].name
            bad = self.bad.get(code, {}).get(name)
            typed = self.pending.get(code, {}).get(name)
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                if bad:
                    return bad[0]
                value = typed if typed is not None else row.scores.get(name)
                return "" if value is None else format_tenths(value)
            if role == Qt.ItemDataRole.BackgroundRole:
                if bad:
                    return BAD_BACKGROUND
                return EDITED_BACKGROUND if typed is not None else None
            if role == Qt.ItemDataRole.ForegroundRole and bad:
                return BAD_FOREGROUND
            if role == Qt.ItemDataRole.ToolTipRole and bad:
                return bad[1]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        return self._summary(index.row(), row, col, role)

    def _summary(self, i: int, row: adb.GridRow, col: int, role):
        result = self.result(i)
        dirty = self.is_dirty(i)
        if col == self.COL_NAME:
            if role == Qt.ItemDataRole.DisplayRole:
                return row.name + (" *" if dirty else "")
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{row.code} {row.name}" + ("（有未保存的改动）" if dirty else "")
            return None
        if result is not None:
            total, grade, kind = result.total_tenths, result.grade, result.change
        elif dirty:
            total = grade = kind = None
        else:
            total, grade = row.total_tenths, row.grade
            kind = change(row.previous_grade, grade)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.col_total:
                return "" if total is None else format_tenths(total)
            if col == self.col_grade:
                return grade or ""
            if col == self.col_previous:
                return row.previous_grade or "—"
            if col == self.col_change:
                return kind or "—"
        summary_tip = role == Qt.ItemDataRole.ToolTipRole and col in (
            self.col_total,
            self.col_grade,
        )
        if summary_tip and dirty and result is None:
            if self.bad.get(row.code):
                return self.tr("有不合格的得分，请改正")
            return self.tr("还缺 %1 项得分").replace("%1", str(len(self.missing(i))))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            align = (
                Qt.AlignmentFlag.AlignRight
                if col == self.col_total
                else Qt.AlignmentFlag.AlignHCenter
            )
            return int(align | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            back = role == Qt.ItemDataRole.BackgroundRole
            if col == self.col_grade:
                return grade_background(grade) if back else grade_foreground(grade)
            if col == self.col_previous:
                g = row.previous_grade
                return grade_background(g) if back else grade_foreground(g)
            if col == self.col_change:
                return change_brushes(kind)[0 if back else 1]
        return None

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (1 <= index.column() <= self.n):
            return False
        assert self.template is not None
        row = self.rows[index.row()]
        indicator = self.template.indicators[index.column() - 1]
        text = str(value).strip()
        typed = self.pending.setdefault(row.code, {})
        bad = self.bad.setdefault(row.code, {})
        bad.pop(indicator.name, None)
        if not text:
            typed.pop(indicator.name, None)  # back to what is stored
        else:
            try:
                tenths = parse_score(text, indicator)
            except DomainError as e:
                bad[indicator.name] = (text, str(e))
                typed.pop(indicator.name, None)
                self.problem.emit(str(e))
            else:
                if row.scores.get(indicator.name) == tenths:
                    typed.pop(indicator.name, None)
                else:
                    typed[indicator.name] = tenths
        if not bad:
            self.bad.pop(row.code)
        if not typed:
            self.pending.pop(row.code)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.n + 4))
        return True


class VillageAssessmentPage(QWidget):
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
        self._year: int | None = None

        self.year_combo = QComboBox()
        self.year_combo.setMinimumContentsLength(6)
        self.template_label = QLabel()
        self.assessor_edit = QLineEdit()
        self.assessor_edit.setPlaceholderText(self.tr("考核人"))
        self.assessor_edit.setMaximumWidth(160)
        self.save_row_button = QPushButton(self.tr("保存本行"))
        self.save_all_button = QPushButton(self.tr("保存全部改动"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度：")))
        top.addWidget(self.year_combo)
        top.addWidget(self.template_label)
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("考核人：")))
        top.addWidget(self.assessor_edit)
        top.addWidget(self.save_row_button)
        top.addWidget(self.save_all_button)
        self.print_button = QToolButton()
        self.print_button.setText(self.tr("打印…"))
        self.print_button.setToolTip(self.tr("打印村级考核表（各村、所选村或空白表）"))
        self.print_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.print_button)
        menu.addAction(self.tr("本年度各村考核表（已评分）…"), lambda: self.print_forms())
        menu.addAction(self.tr("所选村的考核表…"), lambda: self.print_forms(one=True))
        menu.addAction(self.tr("空白考核表（手工填写）…"), lambda: self.print_forms(blank=True))
        self.print_button.setMenu(menu)
        top.addWidget(self.print_button)

        self.model = VillageGridModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)

        self.history_title = QLabel(self.tr("历年考核"))
        self.history = QTableWidget(0, 4)
        self.history.setHorizontalHeaderLabels(
            [self.tr("年度"), self.tr("总分"), self.tr("类别"), self.tr("变化")]
        )
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for col, width in enumerate((40, 40, 40, 40)):
            self.history.setColumnWidth(col, width)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 0, 0, 0)
        side_layout.addWidget(self.history_title)
        side_layout.addWidget(self.history)
        side.setFixedWidth(176)

        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addWidget(side)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        layout.addWidget(self.status_label)

        self.year_combo.currentIndexChanged.connect(self._year_chosen)
        self.save_row_button.clicked.connect(self.save_current_row)
        self.save_all_button.clicked.connect(self.save_all)
        self.model.problem.connect(self._show_problem)
        self.model.dataChanged.connect(self._update_buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_history())
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save_current_row)

    # -- loading ---------------------------------------------------------------------------
    def year(self) -> int | None:
        return self.year_combo.currentData()

    def set_year(self, year: int) -> None:
        index = self.year_combo.findData(year)
        if index >= 0:
            self.year_combo.setCurrentIndex(index)

    def refresh(self) -> None:
        years = adb.grid_years(self._db, self._clock())
        chosen = self.year()
        if chosen is None:  # first time: the newest year with scores, else this year
            scored = [y for y in years if adb.scored_template_id(self._db, y) is not None]
            chosen = scored[0] if scored else self._clock().year
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for y in years:
            self.year_combo.addItem(str(y), y)
        self.year_combo.setCurrentIndex(max(0, years.index(chosen) if chosen in years else 0))
        self.year_combo.blockSignals(False)
        self._load(keep_pending=True)

    def _year_chosen(self) -> None:
        self._load(keep_pending=False)

    def _load(self, *, keep_pending: bool) -> None:
        year = self.year()
        if year is None:
            return
        current = self.table.currentIndex()
        try:
            grid = adb.year_grid(self._db, year)
        except DomainError as e:  # no template at all (a database not yet set up)
            self._show_problem(str(e))
            self.save_row_button.setEnabled(False)
            self.save_all_button.setEnabled(False)
            return
        self.model.set_grid(grid, keep_pending and year == self._year)
        self._year = year
        self.template_label.setText(self.tr("指标模板：%1").replace("%1", grid.template.label))
        self._size_columns()
        if current.isValid() and current.row() < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(current.row(), current.column()))
        self._show_history()
        self._update_buttons()

    def _size_columns(self) -> None:
        m = self.model
        self.table.setColumnWidth(m.COL_NAME, 64)
        for col in range(1, m.n + 1):
            self.table.setColumnWidth(col, 50)
        for col, width in (
            (m.col_total, 44),
            (m.col_grade, 40),
            (m.col_previous, 40),
            (m.col_change, 40),
        ):
            self.table.setColumnWidth(col, width)
        lines = max(
            (m.headerData(c, Qt.Orientation.Horizontal) or "").count("\n") + 1
            for c in range(m.columnCount())
        )
        height = self.table.fontMetrics().height()
        self.table.horizontalHeader().setFixedHeight(lines * height + 10)

    # -- printing --------------------------------------------------------------------------
    def print_forms(
        self, path: Path | None = None, *, one: bool = False, blank: bool = False
    ) -> Path | None:
        """The 100-point forms of the year, one page per village (filled or blank), in the
        print preview; with ``path`` written there."""
        year = self.year()
        if year is None:
            return None
        code = None
        if one:
            index = self.table.currentIndex()
            if not index.isValid():
                QMessageBox.information(self, self.tr("打印考核表"), self.tr("请先选择一个村。"))
                return None
            code = self.model.rows[index.row()].code
        name = f"村级考核表-{year}{'-' + code if code else ''}{'-空白' if blank else ''}.pdf"
        return print_report(
            self,
            lambda: village_assessment_report(self._db, year, village=code, blank=blank)[0],
            build_village_assessment_pdf,
            path,
            file_name=name,
            ask_title=self.tr("打印村级考核表"),
            on_saved=lambda _p: None,
            what=self.tr("村级考核表"),
        )

    # -- history ---------------------------------------------------------------------------
    def _show_history(self) -> None:
        index = self.table.currentIndex()
        self.history.setRowCount(0)
        if not index.isValid():
            self.history_title.setText(self.tr("历年考核（选择一个村）"))
            return
        row = self.model.rows[index.row()]
        self.history_title.setText(self.tr("%1 历年考核").replace("%1", row.name))
        items = adb.village_history(self._db, row.code)
        self.history.setRowCount(len(items))
        for r, h in enumerate(items):
            cells = (str(h.year), format_tenths(h.total_tenths), h.grade, h.change or "—")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if c == 2:
                    item.setBackground(grade_background(h.grade) or QBrush())
                    item.setForeground(grade_foreground(h.grade) or QBrush())
                if c == 3:
                    back, fore = change_brushes(h.change)
                    item.setBackground(back or QBrush())
                    item.setForeground(fore or QBrush())
                self.history.setItem(r, c, item)

    def history_rows(self) -> list[list[str]]:
        return [
            [self.history.item(r, c).text() for c in range(self.history.columnCount())]
            for r in range(self.history.rowCount())
        ]

    # -- saving ----------------------------------------------------------------------------
    def _show_problem(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet("color: #8e1111;")

    def _say(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet("")

    def _update_buttons(self, *_args) -> None:
        dirty = self.model.dirty_rows()
        current = self.table.currentIndex()
        self.save_all_button.setEnabled(bool(dirty))
        self.save_row_button.setEnabled(current.isValid() and current.row() in dirty)

    def _problem_of(self, row: int) -> str | None:
        code = self.model.rows[row].code
        name = self.model.rows[row].name
        if self.model.bad.get(code):
            reason = next(iter(self.model.bad[code].values()))[1]
            return f"{name}：{reason}"
        missing = self.model.missing(row)
        if missing:
            return (
                self.tr("%1 还缺 %2 项得分：%3")
                .replace("%1", name)
                .replace("%2", str(len(missing)))
                .replace("%3", "、".join(missing))
            )
        return None

    def save_current_row(self) -> bool:
        index = self.table.currentIndex()
        if not index.isValid():
            return False
        return self.save_rows([index.row()])

    def save_all(self) -> bool:
        return self.save_rows(self.model.dirty_rows())

    def save_rows(self, rows: list[int]) -> bool:
        """Write the rows (one transaction, one undo command); False with the reason if refused."""
        rows = [r for r in rows if self.model.is_dirty(r)]
        year = self.year()
        if not rows or year is None:
            return False
        for r in rows:
            problem = self._problem_of(r)
            if problem:
                self._show_problem(problem)
                return False
        scores = {self.model.rows[r].code: self.model.scores(r) for r in rows}
        try:
            batch = adb.save_many(
                self._db, year, scores, self.assessor_edit.text().strip(), self._clock()
            )
        except DomainError as e:
            self._show_problem(str(e))
            return False
        names = "、".join(self.model.rows[r].name for r in rows)
        for code in scores:
            self.model.clear_pending(code)
        push_batch(
            self._undo,
            batch,
            self.tr("保存 %1 年考核：%2").replace("%1", str(year)).replace("%2", names),
        )
        self._say(
            self.tr("已保存 %1 年：%2（Ctrl+Z 撤销）").replace("%1", str(year)).replace("%2", names)
        )
        return True
