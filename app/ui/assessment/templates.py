"""指标模板: the versions of the village assessment template, a new version, a year's choice.

A new version starts as a copy of the one selected and is edited in :class:`TemplateDialog`;
it is refused (nothing written) unless ``Template.validate`` accepts it — maxima summing to
100, bands strictly decreasing down to 0. A year uses the version chosen for it; a year that
already has scores keeps the version it was scored with.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import assessment as adb
from app.db import store
from app.domain.assessment import (
    FULL_MARKS_TENTHS,
    Band,
    Indicator,
    Template,
    format_tenths,
    parse_score,
)
from app.domain.errors import DomainError
from app.ui.undo import TabUndo

_ANY = Indicator("", "分数", FULL_MARKS_TENTHS)


def _table(headers: list[str], widths: list[int], editable: bool) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(22)
    for col, width in enumerate(widths):
        table.setColumnWidth(col, width)
    table.horizontalHeader().setStretchLastSection(False)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    if not editable:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(text))


def indicator_rows(template: Template) -> list[tuple[str, ...]]:
    return [(i.aspect, i.name, format_tenths(i.max_tenths)) for i in template.indicators]


def band_rows(template: Template) -> list[tuple[str, ...]]:
    return [(b.grade, format_tenths(b.min_tenths)) for b in template.bands]


class TemplateDialog(QDialog):
    """Edit a copy of a template; 确定 saves through ``save`` or shows why it is refused."""

    def __init__(
        self, base: Template, version: int, save: Callable[[Template], object], parent=None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新建指标模板版本"))
        self._save = save
        self.saved: Template | None = None
        self.name_edit = QLineEdit(base.name)
        self.version = version
        self.indicators = _table(
            [self.tr("方面"), self.tr("指标"), self.tr("满分")], [90, 200, 60], True
        )
        _fill(self.indicators, indicator_rows(base))
        self.bands = _table([self.tr("类别"), self.tr("分数线（≥）")], [80, 100], True)
        self.bands.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        _fill(self.bands, band_rows(base))
        add = QPushButton(self.tr("加一项指标"))
        remove = QPushButton(self.tr("删去所选指标"))
        add.clicked.connect(lambda: self.indicators.insertRow(self.indicators.rowCount()))
        remove.clicked.connect(self._remove_indicator)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #8e1111;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)

        head = QHBoxLayout()
        head.addWidget(QLabel(self.tr("名称：")))
        head.addWidget(self.name_edit)
        head.addWidget(QLabel(self.tr("版本 v%1").replace("%1", str(version))))
        edit_row = QHBoxLayout()
        edit_row.addWidget(add)
        edit_row.addWidget(remove)
        edit_row.addStretch(1)
        tables = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("指标（满分合计应为 100）")))
        left.addWidget(self.indicators)
        left.addLayout(edit_row)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("类别分档（从高到低）")))
        right.addWidget(self.bands)
        tables.addLayout(left, 3)
        tables.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(tables)
        layout.addWidget(self.message_label)
        layout.addWidget(buttons)
        self.resize(720, 560)

    def _remove_indicator(self) -> None:
        rows = sorted({i.row() for i in self.indicators.selectedIndexes()}, reverse=True)
        for r in rows:
            self.indicators.removeRow(r)

    def _text(self, table: QTableWidget, r: int, c: int) -> str:
        item = table.item(r, c)
        return item.text().strip() if item else ""

    def set_cell(self, table: QTableWidget, r: int, c: int, text: str) -> None:
        table.setItem(r, c, QTableWidgetItem(text))

    def template(self) -> Template:
        """The template as edited (DomainError for a value that is not a number)."""
        indicators = []
        for r in range(self.indicators.rowCount()):
            aspect, name, maximum = (self._text(self.indicators, r, c) for c in range(3))
            if not (aspect or name or maximum):
                continue
            label = name or self.tr("第 %1 项指标").replace("%1", str(r + 1))
            try:
                tenths = parse_score(maximum, _ANY)
            except DomainError:
                raise DomainError(
                    f"{label}的满分应为 0 到 100 之间、最多一位小数的数：{maximum}"
                ) from None
            indicators.append(Indicator(aspect, name, tenths))
        bands = []
        for r in range(self.bands.rowCount()):
            grade, line = self._text(self.bands, r, 0), self._text(self.bands, r, 1)
            if not (grade or line):
                continue
            try:
                tenths = parse_score(line, _ANY)
            except DomainError:
                raise DomainError(f"{grade}的分数线应为 0 到 100 之间的数：{line}") from None
            bands.append(Band(grade, tenths))
        return Template(
            self.name_edit.text().strip(), self.version, tuple(indicators), tuple(bands)
        )

    def try_accept(self) -> bool:
        try:
            template = self.template()
            template.validate()
            self._save(template)
        except DomainError as e:
            self.message_label.setText(str(e))
            return False
        self.saved = template
        self.accept()
        return True


class TemplatesPage(QWidget):
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
        self.versions = QListWidget()
        self.versions.setMaximumWidth(260)
        self.new_button = QPushButton(self.tr("以所选版本为底新建版本…"))
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(clock().year)
        self.use_button = QPushButton(self.tr("该年度使用所选版本"))
        self.year_label = QLabel()
        self.year_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)

        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("模板版本")))
        left.addWidget(self.versions, 1)
        left.addWidget(self.new_button)
        year_row = QHBoxLayout()
        year_row.addWidget(QLabel(self.tr("年度：")))
        year_row.addWidget(self.year_spin)
        year_row.addStretch(1)
        left.addLayout(year_row)
        left.addWidget(self.year_label)
        left.addWidget(self.use_button)
        left.addWidget(self.message_label)
        left.addStretch(0)

        self.title_label = QLabel()
        self.indicators = _table(
            [self.tr("方面"), self.tr("指标"), self.tr("满分")], [90, 220, 60], False
        )
        self.bands = _table([self.tr("类别"), self.tr("分数线（≥）")], [70, 100], False)
        self.bands.setMaximumWidth(200)
        right = QHBoxLayout()
        right.addWidget(self.indicators, 3)
        right.addWidget(self.bands, 1)
        body = QVBoxLayout()
        body.addWidget(self.title_label)
        body.addLayout(right, 1)

        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(body, 1)

        self.versions.currentRowChanged.connect(lambda *_: self._show_version())
        self.new_button.clicked.connect(self.new_version)
        self.use_button.clicked.connect(self.use_for_year)
        self.year_spin.valueChanged.connect(lambda *_: self._show_year())

    def refresh(self) -> None:
        chosen = self.selected_id()
        rows = adb.versions(self._db)
        self.versions.blockSignals(True)
        self.versions.clear()
        for v in rows:
            years = "、".join(str(y) for y in v.years)
            text = v.label + (self.tr("（%1 年使用）").replace("%1", years) if years else "")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, v.template_id)
            self.versions.addItem(item)
        ids = [v.template_id for v in rows]
        if ids:
            self.versions.setCurrentRow(ids.index(chosen) if chosen in ids else len(ids) - 1)
        self.versions.blockSignals(False)
        self._show_version()
        self._show_year()

    def selected_id(self) -> int | None:
        item = self.versions.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def select(self, template_id: int) -> None:
        for r in range(self.versions.count()):
            if self.versions.item(r).data(Qt.ItemDataRole.UserRole) == template_id:
                self.versions.setCurrentRow(r)

    def selected_template(self) -> Template | None:
        tid = self.selected_id()
        return None if tid is None else store.load_template(self._db, tid)

    def _show_version(self) -> None:
        template = self.selected_template()
        if template is None:
            self.title_label.setText(self.tr("还没有指标模板"))
            _fill(self.indicators, [])
            _fill(self.bands, [])
            return
        self.title_label.setText(
            self.tr("%1：%2 项指标，满分合计 %3")
            .replace("%1", template.label)
            .replace("%2", str(len(template.indicators)))
            .replace("%3", format_tenths(template.max_tenths))
        )
        _fill(self.indicators, indicator_rows(template))
        _fill(self.bands, band_rows(template))

    def _show_year(self) -> None:
        year = self.year_spin.value()
        try:
            _tid, template = adb.year_template(self._db, year)
        except DomainError:
            self.year_label.setText("")
            return
        scored = adb.scored_template_id(self._db, year) is not None
        text = self.tr("%1 年使用 %2").replace("%1", str(year)).replace("%2", template.label)
        if scored:
            text += self.tr("（已有评分，版本不再更换）")
        self.year_label.setText(text)

    def dialog(self) -> TemplateDialog | None:
        base = self.selected_template()
        if base is None:
            return None
        version = adb.next_version(self._db, base.name)
        return TemplateDialog(base, version, self._save_version, self)

    def _save_version(self, template: Template) -> None:
        template = Template(
            template.name,
            adb.next_version(self._db, template.name),
            template.indicators,
            template.bands,
        )
        tid = adb.save_version(self._db, template)
        self.refresh()
        self.select(tid)
        self.message_label.setText(self.tr("已保存新版本 %1").replace("%1", template.label))

    def new_version(self) -> None:
        dialog = self.dialog()
        if dialog is not None:
            dialog.exec()

    def use_for_year(self) -> bool:
        tid = self.selected_id()
        year = self.year_spin.value()
        if tid is None:
            return False
        try:
            changed = adb.choose_template(self._db, year, tid)
        except DomainError as e:
            self.message_label.setText(str(e))
            self.message_label.setStyleSheet("color: #8e1111;")
            return False
        self.message_label.setStyleSheet("")
        self.message_label.setText(
            self.tr("%1 年使用 %2")
            .replace("%1", str(year))
            .replace("%2", self.versions.currentItem().text())
        )
        if changed is not None:
            self._undo.push(changed, self.tr("%1 年更换指标模板").replace("%1", str(year)))
        return True
