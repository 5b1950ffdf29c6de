"""Widgets shared by the pages: a period picker (月 / 季 / 年, optionally 全部), the record
form with multi-line boxes (:class:`LongTextForm` / :class:`LongTextDialog`), and
asking where to save a file."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QStyle,
    QToolButton,
    QWidget,
)

from app.domain.periods import MAX_YEAR, Month, Quarter, Year
from app.ui.widgets.record_form import RecordDialog, RecordForm

MUTED_TEXT = QBrush(QColor("#666666"))
_QUARTER_NAMES = ("第一季度", "第二季度", "第三季度", "第四季度")

PickedPeriod = Month | Quarter | Year


def ask_save_path(parent: QWidget, title: str, name: str, kind: str) -> Path | None:
    """Ask where to save ``name`` (in Documents at first); the suffix of ``name`` is kept."""
    suffix = Path(name).suffix
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    chosen, _ = QFileDialog.getSaveFileName(
        parent, title, str(Path(folder) / name), f"{kind} (*{suffix})"
    )
    if not chosen:
        return None
    return Path(chosen if chosen.lower().endswith(suffix) else chosen + suffix)


def write_xlsx_or_warn(parent: QWidget, table, path: Path) -> Path | None:
    """Write ``table`` as an Excel workbook; say why not (and return None) if it fails."""
    from PySide6.QtWidgets import QMessageBox

    from app.domain.errors import DomainError
    from app.reports.tabular import write_xlsx

    try:
        return write_xlsx(table, Path(path))
    except (DomainError, OSError) as e:
        tr = QCoreApplication.translate
        QMessageBox.warning(
            parent,
            tr("CadrePages", "导出失败"),
            tr("CadrePages", "无法写入 %1：%2（文件是否正在 Excel 中打开？）")
            .replace("%1", str(path))
            .replace("%2", str(e)),
        )
        return None


def file_link(text: str, path: Path) -> str:
    """``text`` and the file's path, with a link that opens the file."""
    url = QUrl.fromLocalFile(str(path)).toString()
    link = QCoreApplication.translate("CadrePages", "打开")
    return f'{html.escape(text)} {html.escape(str(path))} <a href="{url}">{link}</a>'


class LongTextForm(RecordForm):
    """A :class:`RecordForm` whose ``multiline`` fields are multi-line boxes (Enter starts
    a new line, Ctrl+Enter saves, Tab moves on) and whose required choices start blank,
    so nothing is chosen for the clerk."""

    def __init__(self, columns, parent=None, *, check=None, multiline=()) -> None:
        super().__init__(columns, parent, check=check)
        for col in self.columns:
            editor = self.editors[col.field]
            if col.field in multiline:
                edit = QPlainTextEdit()
                edit.setObjectName(col.field)
                edit.setPlaceholderText(col.hint)
                edit.setTabChangesFocus(True)
                edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 14)
                edit.textChanged.connect(lambda f=col.field: self.validate_field(f))
                edit.installEventFilter(self)
                editor.parentWidget().layout().replaceWidget(editor, edit)
                editor.deleteLater()
                self.editors[col.field] = edit  # type: ignore[assignment]
            elif isinstance(editor, QComboBox) and col.mandatory:
                editor.blockSignals(True)
                editor.insertItem(0, "")
                editor.setCurrentIndex(0)
                editor.blockSignals(False)
        order = [self.editors[c.field] for c in self.columns]
        for a, b in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def raw(self, field: str) -> str:
        """The text of a field as typed (stripped)."""
        editor = self.editors[field]
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText().strip()
        return super()._raw(field)

    _raw = raw

    def _put(self, field: str, text: str) -> None:
        editor = self.editors[field]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(text)
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findText(text), 0))
        else:
            editor.setText(text)

    def set_values(self, record) -> None:
        for col in self.columns:
            value = record.get(col.field)
            self._put(col.field, "" if value is None else col.show(value))
        for field in self.errors:
            self._show(field, "")

    def set_text(self, field: str, text: str) -> None:
        self._put(field, text)
        self.validate_field(field)

    def eventFilter(self, obj, event) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(obj, QPlainTextEdit)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.submit()
            return True
        return super().eventFilter(obj, event)


class LongTextDialog(RecordDialog):
    """A :class:`RecordDialog` (a problem under each field, Enter saves, Esc cancels;
    ``on_save`` may raise ``DomainError``, shown here) around a :class:`LongTextForm`."""

    def __init__(
        self, title, columns, on_save, parent=None, *, record=None, check=None, multiline=()
    ):
        super().__init__(title, columns, on_save, parent, check=check)
        plain = self.form
        self.form = LongTextForm(columns, self, check=check, multiline=multiline)
        self.layout().replaceWidget(plain, self.form)
        plain.deleteLater()
        buttons = self.findChild(QDialogButtonBox)
        buttons.accepted.disconnect()
        buttons.accepted.connect(self.form.submit)
        self.form.saved.connect(self._save)
        self.form.cancelled.connect(self.reject)
        if record is not None:
            self.form.set_values(record)
        keys = QLabel(self.tr("Enter 保存（多行文字框中按 Ctrl+Enter），Esc 取消"))
        keys.setStyleSheet("color: #666;")
        self.layout().insertWidget(self.layout().count() - 1, keys)
        self.resize(680, self.sizeHint().height())


class PeriodPicker(QWidget):
    """月 / 季 / 年 (and 全部 when ``allow_all``) with the year and the month or quarter;
    ``changed`` is emitted with every change."""

    changed = Signal()

    def __init__(self, today: date, *, allow_all: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.kind_combo = QComboBox()
        if allow_all:
            self.kind_combo.addItem(self.tr("全部日期"), "all")
        self.kind_combo.addItem(self.tr("月"), "month")
        self.kind_combo.addItem(self.tr("季"), "quarter")
        self.kind_combo.addItem(self.tr("年"), "year")
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, MAX_YEAR)
        self.year_spin.setSuffix(self.tr(" 年"))
        self.year_spin.setValue(today.year)
        self.part_combo = QComboBox()
        for combo in (self.kind_combo, self.part_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.prev_button = QToolButton()
        self.prev_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowLeft))
        self.prev_button.setToolTip(self.tr("上一期"))
        self.next_button = QToolButton()
        self.next_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowRight))
        self.next_button.setToolTip(self.tr("下一期"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for w in (
            self.kind_combo,
            self.prev_button,
            self.year_spin,
            self.part_combo,
            self.next_button,
        ):
            layout.addWidget(w)
        self._fill_parts(today.month)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.year_spin.valueChanged.connect(self._emit)
        self.part_combo.currentIndexChanged.connect(self._emit)
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self._update_visible()

    def kind(self) -> str:
        return self.kind_combo.currentData()

    def _fill_parts(self, month: int) -> None:
        self.part_combo.blockSignals(True)
        self.part_combo.clear()
        if self.kind() == "quarter":
            self.part_combo.addItems([self.tr(n) for n in _QUARTER_NAMES])
            self.part_combo.setCurrentIndex((month - 1) // 3)
        else:
            self.part_combo.addItems([self.tr("%1 月").replace("%1", str(m)) for m in range(1, 13)])
            self.part_combo.setCurrentIndex(month - 1)
        self.part_combo.blockSignals(False)

    def _month_shown(self) -> int:
        i = max(self.part_combo.currentIndex(), 0)
        return 3 * i + 1 if self.part_combo.count() == 4 else i + 1

    def _kind_changed(self) -> None:
        self._fill_parts(self._month_shown())
        self._update_visible()
        self._emit()

    def _update_visible(self) -> None:
        kind = self.kind()
        for w in (self.year_spin, self.prev_button, self.next_button):
            w.setVisible(kind != "all")
        self.part_combo.setVisible(kind in ("month", "quarter"))

    def _emit(self) -> None:
        self.changed.emit()

    def period(self) -> PickedPeriod | None:
        """The period shown, or None for 全部."""
        kind, year = self.kind(), self.year_spin.value()
        if kind == "month":
            return Month(year, self.part_combo.currentIndex() + 1)
        if kind == "quarter":
            return Quarter(year, self.part_combo.currentIndex() + 1)
        if kind == "year":
            return Year(year)
        return None

    def set_period(self, period: PickedPeriod | None) -> None:
        kind = {Month: "month", Quarter: "quarter", Year: "year"}.get(type(period), "all")
        index = self.kind_combo.findData(kind)
        if index < 0:
            raise ValueError(f"this picker offers no {kind}")
        for w in (self.kind_combo, self.year_spin, self.part_combo):
            w.blockSignals(True)
        self.kind_combo.setCurrentIndex(index)
        if period is not None:
            self.year_spin.setValue(period.year)
            month = period.first_day.month
            self._fill_parts(month)
        self._update_visible()
        for w in (self.kind_combo, self.year_spin, self.part_combo):
            w.blockSignals(False)
        self._emit()

    def step(self, n: int) -> None:
        """Show the period one later (``n`` > 0) or one earlier."""
        period = self.period()
        other = None if period is None else period.next() if n > 0 else period.prev()
        if other is not None and 2000 <= other.year <= MAX_YEAR:
            self.set_period(other)


# ---- the table ---------------------------------------------------------------------------
