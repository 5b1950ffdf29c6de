"""文件 → 备份与恢复…: the backups beside the database, 立即备份, 恢复所选…, the folder.

The dialog lists :func:`app.db.backups.list_backups` (newest first: 时间, 类型, 大小,
文件名). Backing up and restoring are the window's (:class:`BackupHost`): it makes the
backup off the GUI thread and remembers it, and a restore closes its connection, puts
the backup in place (the replaced file kept aside as ``<name>.replaced-<时间>.sqlite``),
opens the file again and rebuilds its tabs. Before restoring, the current data is backed
up too (类型 恢复前), so a restore can itself be taken back from this list.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
    SignalInstance,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db.backups import (
    KEEP_DAILY,
    KEEP_MONTHLY,
    KEEP_WEEKLY,
    BackupInfo,
    backup_dir,
    list_backups,
)
from app.db.connection import DatabaseFileError

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex


class BackupHost(Protocol):
    """What the dialog needs of the main window."""

    backup_running_changed: SignalInstance

    @property
    def db_path(self) -> Path: ...

    @property
    def backup_running(self) -> bool: ...

    def database(self) -> Database | None: ...

    def can_back_up(self) -> bool: ...

    def start_backup(
        self,
        kind: str = ...,
        on_done: Callable[[BackupInfo], None] | None = ...,
        on_error: Callable[[Exception], None] | None = ...,
    ) -> bool: ...

    def restore_backup(self, source: Path) -> Path | None: ...


def size_text(size: int) -> str:
    """1 KB … 1023 KB, then MB with one decimal."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def when_text(info: BackupInfo) -> str:
    return f"{info.at:%Y-%m-%d %H:%M:%S}"


class BackupListModel(QAbstractTableModel):
    COL_TIME = 0
    COL_KIND = 1
    COL_SIZE = 2
    COL_NAME = 3

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._headers = [self.tr("时间"), self.tr("类型"), self.tr("大小"), self.tr("文件名")]
        self._rows: list[BackupInfo] = []

    def set_backups(self, backups: list[BackupInfo]) -> None:
        self.beginResetModel()
        self._rows = list(backups)
        self.endResetModel()

    def backup_at(self, row: int) -> BackupInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, path: Path) -> int | None:
        for i, info in enumerate(self._rows):
            if info.path == path:
                return i
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        info = self.backup_at(index.row()) if index.isValid() else None
        if info is None:
            return None
        column = index.column()
        if role == ROW_ROLE:
            return info
        if role == SORT_ROLE:
            return (info.at, info.kind, info.size, info.path.name)[column]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_TIME:
                return when_text(info)
            if column == self.COL_KIND:
                return info.kind_text
            if column == self.COL_SIZE:
                return size_text(info.size)
            return info.path.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(info.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class BackupDialog(QDialog):
    def __init__(self, host: BackupHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._host = host
        self._busy = False
        self.setWindowTitle(self.tr("备份与恢复"))
        folder = backup_dir(host.db_path)
        intro = QLabel(
            self.tr(
                "备份保存在 %1。\n"
                "有修改时每 30 分钟自动备份一次，关闭程序时再备份一次；每份备份都经过完整性校验。"
                "自动备份保留最近 %2 天、%3 周、%4 个月各一份，手动备份和恢复前的备份不会自动删除。"
            )
            .replace("%1", str(folder))
            .replace("%2", str(KEEP_DAILY))
            .replace("%3", str(KEEP_WEEKLY))
            .replace("%4", str(KEEP_MONTHLY))
        )
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = BackupListModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.setTabKeyNavigation(False)
        header = self.view.horizontalHeader()
        for column, width in ((0, 160), (1, 70), (2, 90)):
            self.view.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.empty_label = QLabel(self.tr("还没有备份。点“立即备份”做第一份。"))
        self.empty_label.setStyleSheet("color: #666666;")

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        status = QHBoxLayout()
        status.addWidget(self.status_label, 1)
        status.addWidget(self.progress)

        self.backup_button = QPushButton(self.tr("立即备份(&B)"))
        self.restore_button = QPushButton(self.tr("恢复所选(&R)…"))
        self.folder_button = QPushButton(self.tr("打开备份文件夹(&O)"))
        for button in (self.backup_button, self.restore_button, self.folder_button):
            button.setAutoDefault(False)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.folder_button.clicked.connect(self.open_folder)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.folder_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(status)
        layout.addLayout(row)
        self.resize(760, 460)

        host.backup_running_changed.connect(lambda _running: self._update_buttons())
        if not host.can_back_up():
            self.status_label.setText(self.tr("这个数据库不是文件，不能备份。"))
        self.reload()
        self.view.setFocus()

    # -- the list ------------------------------------------------------------------------
    def reload(self, select: Path | None = None) -> None:
        backups = list_backups(self._host.db_path)
        self.model.set_backups(backups)
        self.empty_label.setVisible(not backups)
        row = self.model.row_of(select) if select is not None else None
        if row is None and backups:
            row = 0
        if row is not None:
            self.view.selectRow(row)
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.backup_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        idle = not self._busy and not self._host.backup_running and self._host.can_back_up()
        self.backup_button.setEnabled(idle)
        self.restore_button.setEnabled(idle and self.selected() is not None)
        self.buttons.setEnabled(not self._busy)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        self.status_label.setText(text)
        self._update_buttons()
        if busy:
            self.status_label.repaint()

    # -- backing up ----------------------------------------------------------------------
    def back_up_now(self) -> None:
        """立即备份: a verified manual backup, made off the GUI thread."""
        self._set_busy(True, self.tr("正在备份并校验…"))
        if not self._host.start_backup("manual", self._backed_up, self._backup_failed):
            self._set_busy(False, self.tr("正在进行另一项备份，请稍后再试。"))

    def _backed_up(self, info: BackupInfo) -> None:
        self._set_busy(False, self.tr("已备份并校验：%1").replace("%1", info.path.name))
        self.reload(select=info.path)

    def _backup_failed(self, error: Exception) -> None:
        self._set_busy(False)
        self._tell(
            QMessageBox.Icon.Warning,
            self.tr("备份失败"),
            self.tr("备份没有完成：%1").replace("%1", str(error)),
            "backup-failed",
        )

    def _tell(
        self, icon: QMessageBox.Icon, title: str, text: str, name: str, informative: str = ""
    ) -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName(name)
        box.button(QMessageBox.StandardButton.Ok).setObjectName("ok")
        if informative:
            box.setInformativeText(informative)
        box.exec()

    # -- restoring -----------------------------------------------------------------------
    def confirm_text(self, info: BackupInfo) -> tuple[str, str]:
        path = self._host.db_path
        text = self.tr("用 %1 的%2备份恢复数据库？").replace("%1", when_text(info))
        text = text.replace("%2", info.kind_text)
        informative = (
            self.tr(
                "恢复后，数据回到 %1 时的样子，此后所做的修改不在其中。\n\n"
                "当前的数据库文件不会删除：它会改名另存为 %2.replaced-<恢复时间>.sqlite"
                "（在 %3），恢复前还会先备份一份（列表中的“恢复前”）。\n\n"
                "各页的撤销记录将被清空。"
            )
            .replace("%1", when_text(info))
            .replace("%2", path.stem)
            .replace("%3", str(path.parent))
        )
        return text, informative

    def _ask(self, title: str, text: str, informative: str, yes: str, name: str) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, self
        )
        box.setObjectName(name)
        box.setInformativeText(informative)
        go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        go.setObjectName("restore")
        cancel.setObjectName("cancel")
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        return box.clickedButton() is go

    def restore_selected(self) -> None:
        """恢复所选…: confirm, back up the current data (恢复前), then restore."""
        info = self.selected()
        if info is None:
            return
        text, informative = self.confirm_text(info)
        if not self._ask(
            self.tr("恢复备份"), text, informative, self.tr("恢复"), "confirm-restore"
        ):
            return
        self._set_busy(True, self.tr("正在备份当前数据（恢复前）…"))
        if not self._host.start_backup(
            "restore", lambda _made: self._restore(info), lambda e: self._before_failed(info, e)
        ):
            self._set_busy(False, self.tr("正在进行另一项备份，请稍后再试。"))

    def _before_failed(self, info: BackupInfo, error: Exception) -> None:
        self._set_busy(False)
        informative = self.tr(
            "当前的数据库文件仍会改名另存为 %1.replaced-<恢复时间>.sqlite，不会删除。"
        ).replace("%1", self._host.db_path.stem)
        if self._ask(
            self.tr("恢复前的备份没有完成"),
            self.tr("恢复前的备份没有完成：%1。仍要恢复吗？").replace("%1", str(error)),
            informative,
            self.tr("仍要恢复"),
            "restore-without-backup",
        ):
            self._restore(info)

    def _restore(self, info: BackupInfo) -> None:
        self._set_busy(True, self.tr("正在恢复…"))
        try:
            kept = self._host.restore_backup(info.path)
        except (DatabaseFileError, OSError, sqlite3.Error) as e:
            self._set_busy(False)
            if self._host.database() is None:  # the window is closing: it said why
                self.reject()
                return
            self.reload()
            self._tell(
                QMessageBox.Icon.Warning,
                self.tr("恢复失败"),
                self.tr("没能用 %1 恢复：%2").replace("%1", info.path.name).replace("%2", str(e)),
                "restore-failed",
                self.tr("数据库仍是恢复前的样子。"),
            )
            return
        self._set_busy(False, self.tr("已恢复到 %1 的备份。").replace("%1", when_text(info)))
        self.reload()
        self._tell(
            QMessageBox.Icon.Information,
            self.tr("已恢复"),
            self.tr("已恢复到 %1 的备份，各页已重新载入。").replace("%1", when_text(info)),
            "restored",
            self.tr("原来的数据库文件另存为：\n%1").replace("%1", str(kept)) if kept else "",
        )

    # -- the folder ----------------------------------------------------------------------
    def open_folder(self) -> bool:
        folder = backup_dir(self._host.db_path)
        folder.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # -- closing -------------------------------------------------------------------------
    def reject(self) -> None:
        if self._busy and self._host.database() is not None:
            return  # a backup or restore is running: it ends by itself
        super().reject()
