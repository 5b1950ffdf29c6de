"""First run: no database yet — name the township (or county) and create the file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import store
from app.domain.errors import DomainError


class InitDialog(QDialog):
    """Asks for the 统计用区划代码 and names; validation is shown next to each field."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新建数据库"))
        self.path = path
        intro = QLabel(
            self.tr(
                "尚未找到数据库。请填写本乡镇的统计用区划代码和名称，程序将在\n{0}\n创建数据库。"
            ).format(path)
        )
        intro.setWordWrap(True)
        self.county_code = QLineEdit(placeholderText=self.tr("6 位数字，如 610526"))
        self.county_name = QLineEdit(placeholderText=self.tr("如 蒲城县"))
        self.township_code = QLineEdit(placeholderText=self.tr("9 位数字，如 610526100"))
        self.township_name = QLineEdit(placeholderText=self.tr("如 东坡镇"))
        self.county_only = QCheckBox(self.tr("县级汇总数据库（合并各乡镇上报文件）"))
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("县代码"), self.county_code)
        form.addRow(self.tr("县名称"), self.county_name)
        form.addRow(self.tr("乡镇代码"), self.township_code)
        form.addRow(self.tr("乡镇名称"), self.township_name)
        form.addRow("", self.county_only)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("创建"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.setMinimumWidth(460)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for edit in (self.county_code, self.county_name, self.township_code, self.township_name):
            edit.textChanged.connect(self.validate)
        self.county_only.toggled.connect(self.validate)
        self.validate()

    def values(self) -> dict[str, str | None]:
        county = self.county_only.isChecked()
        return {
            "county_code": self.county_code.text().strip(),
            "county_name": self.county_name.text().strip(),
            "township_code": None if county else self.township_code.text().strip(),
            "township_name": None if county else self.township_name.text().strip(),
        }

    def validate(self) -> bool:
        county = self.county_only.isChecked()
        self.township_code.setEnabled(not county)
        self.township_name.setEnabled(not county)
        try:
            store.validate_identity(**self.values())
            self.error.setText("")
            ok = True
        except DomainError as e:
            self.error.setText(str(e))
            ok = False
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        return ok

    def keyPressEvent(self, event) -> None:  # Enter creates only when valid
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.validate():
            return
        super().keyPressEvent(event)


def create_database_interactively(path: Path) -> Database | None:
    from app.db.connection import open_database

    dialog = InitDialog(path)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    db = open_database(path, create=True)
    store.initialise(db, **dialog.values())
    return db
