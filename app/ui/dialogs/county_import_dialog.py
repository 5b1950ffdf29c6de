"""导入乡镇上报文件: import county files into the county database and show the receipt.

:func:`choose_files` asks for the files (several .zip). :class:`CountyImportDialog`
imports them through ``app.exchange.merge.import_files`` in the background (each file
is its own transaction; a progress bar meanwhile, the dialog cannot be closed), then
shows the receipt (导入回执) with 保存回执（PDF）… and 关闭.

A file refused because its signing key differs from the one registered for its township
is not taken on trust: the clerk is shown both fingerprints and asked whether a person
has confirmed with the township that it changed its key; only then is that township's
file imported again with ``accept_key``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from reportlab.platypus.doctemplate import LayoutError
from sqlite_utils import Database

from app.domain.errors import DomainError
from app.exchange.county import latest_files
from app.exchange.merge import Receipt, county_identity, fingerprint, import_files
from app.exchange.receipt import receipt_document, write_receipt
from app.ui.tasks import run_task, to_main
from app.ui.widgets.common import file_link
from app.ui.widgets.print_preview import error_text

log = logging.getLogger(__name__)

#: how ``merge`` begins the message of a file refused for a different signing key
RECEIPT_MODULE = "app.reports.pdf.receipt"


def choose_files(parent: QWidget | None) -> list[Path]:
    """Ask for county files (one or more .zip); [] when cancelled."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    chosen, _ = QFileDialog.getOpenFileNames(
        parent,
        QCoreApplication.translate("CountyImportDialog", "选择乡镇上报文件"),
        folder,
        QCoreApplication.translate("CountyImportDialog", "乡镇上报文件 (*.zip)"),
    )
    return [Path(p) for p in chosen]


@dataclass
class KeyChange:
    """A township whose file(s) came signed with another key than the registered one."""

    township_code: str
    township_name: str
    registered: str  # fingerprints
    offered: str
    indexes: list[int] = field(default_factory=list)  # the files (positions in paths)


def _key_changes(db: Database, paths: list[Path], receipts: list[Receipt]) -> list[KeyChange]:
    """The townships whose files were refused for their key (worker thread)."""
    registered = {f["township_code"]: f.get("public_key") or "" for f in latest_files(db)}
    changes: dict[str, KeyChange] = {}
    for i, r in enumerate(receipts):
        if r.imported or not r.offered_key:
            continue
        known, offered = registered.get(r.township_code), r.offered_key
        if not known or known == offered:
            continue
        change = changes.setdefault(
            r.township_code + offered,
            KeyChange(r.township_code, r.township_name, fingerprint(known), fingerprint(offered)),
        )
        change.indexes.append(i)
    return list(changes.values())


class CountyImportDialog(QDialog):
    """Imports ``paths`` when started; shows the receipt when done."""

    #: files came in (the receipts); the window re-reads its tabs
    imported = Signal(list)

    def __init__(self, db: Database, paths: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("导入乡镇上报文件"))
        self._db = db
        self.paths = [Path(p) for p in paths]
        self.receipts: list[Receipt] = []
        self.document: dict | None = None
        self.key_changes: list[KeyChange] = []
        self._busy = False

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
        self.saved_label = QLabel()
        self.saved_label.setOpenExternalLinks(True)
        self.saved_label.hide()
        self.save_button = QPushButton(self.tr("保存回执（PDF）…"))
        self.save_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved_label, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.resize(760, 560)

        self.save_button.clicked.connect(lambda: self.save_receipt())
        self.close_button.clicked.connect(self.reject)

    # -- importing ----------------------------------------------------------------------------
    def start(self) -> None:
        """Import the files (connect :attr:`imported` first)."""
        self._set_busy(True)
        self.summary_label.setText(
            self.tr("正在校验并导入 %1 个文件，请稍候…").replace("%1", str(len(self.paths)))
        )
        self.progress.setRange(0, max(len(self.paths), 1))
        self.progress.setValue(0)
        db, paths = self._db, list(self.paths)

        def work() -> tuple[list[Receipt], list[KeyChange]]:
            receipts = import_files(db, paths, progress=self._progress)
            return receipts, _key_changes(db, paths, receipts)

        run_task(work, self._imported, self._failed)

    def _progress(self, done: int, total: int, name: str) -> None:
        """Called by ``import_files`` on the worker thread."""
        to_main(lambda: self._show_progress(done, total, name))

    def _show_progress(self, done: int, total: int, name: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(
            self.tr("%1（%2/%3）")
            .replace("%1", name)
            .replace("%2", str(done + 1))
            .replace("%3", str(total))
            if name
            else self.tr("完成")
        )

    def _imported(self, result: tuple[list[Receipt], list[KeyChange]]) -> None:
        self.receipts, self.key_changes = result
        accepted = [c for c in self.key_changes if self.confirm_key_change(c)]
        if not accepted:
            self._finish()
            return
        indexes = sorted(i for c in accepted for i in c.indexes)
        paths = [self.paths[i] for i in indexes]
        self.summary_label.setText(self.tr("正在以确认后的新公钥重新导入…"))
        self.progress.setRange(0, len(paths))
        db = self._db

        def again(receipts: list[Receipt]) -> None:
            for i, r in zip(indexes, receipts, strict=True):
                self.receipts[i] = r
            self._finish()

        run_task(
            lambda: import_files(db, paths, accept_key=True, progress=self._progress),
            again,
            self._failed,
        )

    def confirm_key_change(self, change: KeyChange) -> bool:
        """Ask whether a person has confirmed that the township changed its key."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("签名公钥已更换"))
        box.setText(
            self.tr("%1（%2）的上报文件用另一把密钥签名，与本县登记的公钥不同。")
            .replace("%1", change.township_name)
            .replace("%2", change.township_code)
        )
        box.setInformativeText(
            self.tr(
                "登记的公钥指纹：%1\n本文件的公钥指纹：%2\n\n"
                "乡镇重装电脑或重建数据库后会换用新密钥；但也可能是他人伪造的文件。"
                "请打电话向该乡镇核实：请对方读出其导出上报文件时程序显示的“签名公钥指纹”，"
                "与上面“本文件的公钥指纹”逐组核对。\n\n"
                "是否已有人向该乡镇核实、确认其更换了密钥？"
            )
            .replace("%1", change.registered)
            .replace("%2", change.offered)
        )
        yes = box.addButton(self.tr("已核实，接受新公钥并导入"), QMessageBox.ButtonRole.YesRole)
        no = box.addButton(self.tr("未核实，不导入"), QMessageBox.ButtonRole.NoRole)
        box.setDefaultButton(no)
        box.setEscapeButton(no)
        box.exec()
        return box.clickedButton() is yes

    def _finish(self) -> None:
        self._set_busy(False)
        self.progress.hide()
        ident = county_identity(self._db)
        self.document = receipt_document(ident, self.receipts)
        self.text.setPlainText(self.document["text"])
        ok, refused = self.document["imported"], self.document["refused"]
        text = (
            self.tr("导入 %1 个文件，拒绝 %2 个。")
            .replace("%1", str(ok))
            .replace("%2", str(refused))
        )
        if refused:
            text += self.tr("被拒绝的文件未写入任何数据，原因见下面的回执。")
            self.summary_label.setStyleSheet("color: #b00020; font-weight: bold;")
        else:
            self.summary_label.setStyleSheet("color: #1b5e20; font-weight: bold;")
        self.summary_label.setText(text)
        self.save_button.setEnabled(True)
        self.save_button.setFocus()
        if ok:
            self.imported.emit(list(self.receipts))

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self.progress.hide()
        if isinstance(exc, DomainError | OSError):
            text = self.tr("无法导入：%1").replace("%1", str(exc))
        else:
            log.error("county file import failed", exc_info=exc)
            text = self.tr("导入时出现意外错误：%1。请把此信息告诉维护人员。").replace(
                "%1", f"{type(exc).__name__}: {exc}"
            )
        self.summary_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.summary_label.setText(text)
        # what came in before the error stays in: the window re-reads
        self.imported.emit([])

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.close_button.setEnabled(not busy)

    def reject(self) -> None:
        if self._busy:  # the worker still uses the database: wait for it
            return
        super().reject()

    # -- the receipt ----------------------------------------------------------------------------
    def receipt_text(self) -> str:
        return self.text.toPlainText()

    def save_receipt(self, path: Path | None = None) -> Path | None:
        """Write the receipt (.pdf, or .txt/.json by the name chosen); asks if no path."""
        if self.document is None:
            return None
        if path is None:
            folder = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation
            )
            name = f"导入回执-{datetime.now().strftime('%Y%m%d-%H%M')}.pdf"
            chosen, kind = QFileDialog.getSaveFileName(
                self,
                self.tr("保存导入回执"),
                str(Path(folder) / name),
                self.tr("PDF 文件 (*.pdf);;文本文件 (*.txt);;JSON 文件 (*.json)"),
            )
            if not chosen:
                return None
            path = Path(chosen)
            if path.suffix.lower() not in (".pdf", ".txt", ".json"):
                path = path.with_name(path.name + ("." + kind.rsplit("*.", 1)[-1].rstrip(")")))
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            written = write_receipt(self.document, Path(path))
        except ModuleNotFoundError as e:
            if e.name != RECEIPT_MODULE:
                raise
            QMessageBox.warning(
                self,
                self.tr("无法保存 PDF"),
                self.tr("本版本还不能生成 PDF 回执。请改存为 .txt 或 .json 文件。"),
            )
            return None
        except (DomainError, OSError, LayoutError) as e:  # FontMissing is a DomainError
            QMessageBox.warning(self, *error_text(e, self.tr("导入回执")))
            return None
        finally:
            self.unsetCursor()
        self.saved_label.setText(file_link(self.tr("回执已保存："), written))
        self.saved_label.show()
        return written
