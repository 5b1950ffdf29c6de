"""A form for one record, built from the register-sheet columns (same rules, same words).

Each field shows its problem right under it as the clerk types; Enter saves (only when
every field is valid), Esc cancels. Values come back parsed, as the database stores them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DomainError
from app.sheets.base import Column

ERROR_STYLE = "color: #b00020;"


class RecordForm(QWidget):
    saved = Signal(dict)
    cancelled = Signal()

    def __init__(
        self,
        columns: Sequence[Column],
        parent: QWidget | None = None,
        *,
        check: Callable[[dict[str, Any]], Mapping[str, str]] | None = None,
        locked: Sequence[str] = (),
    ) -> None:
        """``check`` gets the parsed values and returns {field: problem} for rules that
        span fields or need the database (e.g. the village must exist)."""
        super().__init__(parent)
        self.columns = list(columns)
        self._check = check
        self.editors: dict[str, QLineEdit | QComboBox] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for col in self.columns:
            if col.choices:
                editor: QLineEdit | QComboBox = QComboBox()
                options = list(col.choices) if col.mandatory else ["", *col.choices]
                editor.addItems(options)
                editor.currentIndexChanged.connect(lambda _i, f=col.field: self.validate_field(f))
            else:
                editor = QLineEdit()
                editor.setPlaceholderText(col.hint)
                editor.textEdited.connect(lambda _t, f=col.field: self.validate_field(f))
            editor.setObjectName(col.field)
            editor.setEnabled(col.field not in locked)
            error = QLabel()
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.setObjectName(f"{col.field}_error")
            error.hide()
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(1)
            lay.addWidget(editor)
            lay.addWidget(error)
            label = col.header + ("*" if col.mandatory else "")
            form.addRow(label, box)
            self.editors[col.field] = editor
            self.errors[col.field] = error

    # -- values ------------------------------------------------------------------------
    def _raw(self, field: str) -> str:
        editor = self.editors[field]
        return (editor.currentText() if isinstance(editor, QComboBox) else editor.text()).strip()

    def set_values(self, record: Mapping[str, Any]) -> None:
        for col in self.columns:
            value = record.get(col.field)
            shown = "" if value is None else col.show(value)
            editor = self.editors[col.field]
            if isinstance(editor, QComboBox):
                i = editor.findText(shown)
                editor.setCurrentIndex(max(i, 0))
            else:
                editor.setText(shown)
        for field in self.errors:
            self._show(field, "")

    def set_text(self, field: str, text: str) -> None:
        editor = self.editors[field]
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findText(text), 0))
        else:
            editor.setText(text)
        self.validate_field(field)

    def _parse(self, col: Column) -> Any:
        raw = self._raw(col.field)
        if not raw:
            if col.mandatory:
                raise DomainError("必填")
            return col.default
        return col.parse(raw)

    def _show(self, field: str, problem: str) -> None:
        self.errors[field].setText(problem)
        self.errors[field].setVisible(bool(problem))

    def validate_field(self, field: str) -> bool:
        col = next(c for c in self.columns if c.field == field)
        try:
            self._parse(col)
        except DomainError as e:
            self._show(field, str(e))
            return False
        self._show(field, "")
        return True

    def values(self) -> dict[str, Any] | None:
        """Parsed values, or None with every problem shown next to its field."""
        out: dict[str, Any] = {}
        ok = True
        for col in self.columns:
            try:
                out[col.field] = self._parse(col)
                self._show(col.field, "")
            except DomainError as e:
                self._show(col.field, str(e))
                ok = False
        if ok and self._check is not None:
            for field, problem in self._check(out).items():
                self._show(field, problem)
                ok = False
        if not ok:
            first = next((f for f, e in self.errors.items() if e.text()), None)
            if first is not None:
                self.editors[first].setFocus()
        return out if ok else None

    def show_problem(self, field: str, problem: str) -> None:
        self._show(field, problem)

    def problems(self) -> dict[str, str]:
        return {f: e.text() for f, e in self.errors.items() if e.text()}

    # -- keys --------------------------------------------------------------------------
    def submit(self) -> bool:
        values = self.values()
        if values is None:
            return False
        self.saved.emit(values)
        return True

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
        else:
            super().keyPressEvent(event)


class RecordDialog(QDialog):
    """A modal dialog around a :class:`RecordForm`; ``on_save(values)`` may raise
    ``DomainError`` (e.g. a duplicate 户编号), shown in the dialog, which stays open."""

    def __init__(
        self,
        title: str,
        columns: Sequence[Column],
        on_save: Callable[[dict[str, Any]], Any],
        parent: QWidget | None = None,
        *,
        record: Mapping[str, Any] | None = None,
        check: Callable[[dict[str, Any]], Mapping[str, str]] | None = None,
        locked: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.form = RecordForm(columns, self, check=check, locked=locked)
        if record is not None:
            self.form.set_values(record)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.form.submit)
        buttons.rejected.connect(self.reject)
        self.form.saved.connect(self._save)
        self.form.cancelled.connect(self.reject)
        self._on_save = on_save
        self.result_value: Any = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _save(self, values: dict[str, Any]) -> None:
        try:
            self.result_value = self._on_save(values)
        except DomainError as e:
            self.message.setText(str(e))
            self.message.show()
            return
        self.accept()

    def keyPressEvent(self, event) -> None:  # Enter saves through the form's rules
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.form.submit()
            return
        super().keyPressEvent(event)
