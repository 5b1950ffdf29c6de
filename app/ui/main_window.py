"""The main window: five tabs over one database, a file menu and a status bar.

A county database has a sixth tab first, 县级汇总 (the townships' county files), and
文件 → 导入乡镇上报文件…; a township database has 文件 → 导出上报文件….

It gets its database and the file's path through the constructor; the tabs get the
database from it. Tabs load when first shown and again after an import, which also
clears every tab's undo history.

Given the database opened for work (``opened``: :func:`app.db.startup.open_for_work`,
its lock held), the window owns it: it makes the automatic backups (checked every
:data:`BACKUP_CHECK_MS`, made off the GUI thread when :func:`app.db.backups.backup_due`)
and a verified one when it closes after changes, then lets go of the file. 文件 →
备份与恢复… restores a backup: the connection is closed, the file replaced (the old one
kept aside), opened again, and every tab built anew over it.
"""

from __future__ import annotations

import html
import logging
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QTabWidget,
    QWidget,
)
from sqlite_utils import Database

from app.db.backup import restore
from app.db.backups import (
    BackupInfo,
    backup_dir,
    backup_due,
    backup_file,
    last_change,
    list_backups,
    record_backup,
    rotate,
)
from app.db.connection import DatabaseFileError
from app.db.schema import SCHEMA_VERSION
from app.db.startup import Opened, open_for_work
from app.db.store import identity
from app.domain.periods import Quarter
from app.reports.pdf.quarterly import build_quarterly_pdf
from app.reports.quarterly import quarterly_report
from app.ui.assessment_tab import AssessmentTab
from app.ui.cadres_tab import CadresTab
from app.ui.county.township_export import TownshipExport
from app.ui.county_tab import CountyTab
from app.ui.dialogs.backup_dialog import BackupDialog
from app.ui.dialogs.change_log_dialog import ChangeLogDialog
from app.ui.dialogs.county_import_dialog import CountyImportDialog, choose_files
from app.ui.dialogs.import_dialog import ImportDialog
from app.ui.meetings_tab import MeetingsTab
from app.ui.subsidy_tab import SubsidyTab
from app.ui.tasks import run_task
from app.ui.undo import TabUndo
from app.ui.villages_tab import VillagesTab
from app.ui.widgets.elided_label import ElidedLabel
from app.ui.widgets.print_preview import print_report

DEFAULT_SIZE = (1200, 700)  # leaves room for the taskbar on a 1366×768 screen
BACKUP_CHECK_MS = 5 * 60 * 1000  # how often to ask whether an automatic backup is due

log = logging.getLogger(__name__)


def program_version() -> str:
    try:
        return version("township-office")
    except PackageNotFoundError:
        return "0+unknown"


class MainWindow(QMainWindow):
    #: an automatic or manual backup started (True) or ended (False)
    backup_running_changed = Signal(bool)

    def __init__(
        self,
        db: Database,
        db_path: Path,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], date] = date.today,
        opened: Opened | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._clock = db, clock
        self._db_path = Path(db_path)
        self._opened = opened  # owned: backed up and let go of when the window closes
        self._backup_running = False
        self._closing = False  # the backup before closing is running
        self._lost = False  # the database could not be opened again after a restore
        self._actions: list[QAction] = []
        self._stale: set[QWidget] = set()

        self.name_label = QLabel()
        self.path_label = ElidedLabel(self.tr("数据库：%1").replace("%1", str(self._db_path)))
        self.backup_label = QLabel()
        self.statusBar().addWidget(self.name_label)
        self.statusBar().addWidget(self.path_label, 1)
        self.statusBar().addPermanentWidget(self.backup_label)

        self._build_for_database()

        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(BACKUP_CHECK_MS)
        self.backup_timer.timeout.connect(self.backup_if_due)
        if self.auto_backups():
            self.backup_timer.start()
        self.resize(*DEFAULT_SIZE)

    def _build_for_database(self) -> None:
        """Title, tabs and menus for ``self._db`` (again after a restore)."""
        db, clock = self._db, self._clock
        self.identity = identity(db)
        self.display_name = (
            self.identity.display_name if self.identity else self.tr("（数据库尚未初始化）")
        )
        self.setWindowTitle(self.tr("乡镇驻村工作台 — %1").replace("%1", self.display_name))

        self.villages_tab = VillagesTab(db, clock=clock)
        self.cadres_tab = CadresTab(db, clock=clock)
        self.meetings_tab = MeetingsTab(db, clock=clock)
        self.subsidy_tab = SubsidyTab(db, clock=clock)
        self.assessment_tab = AssessmentTab(db, clock=clock)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for tab, label in (
            (self.villages_tab, self.tr("村情档案")),
            (self.cadres_tab, self.tr("干部与值班")),
            (self.meetings_tab, self.tr("周例会")),
            (self.subsidy_tab, self.tr("补助发放")),
            (self.assessment_tab, self.tr("考核")),
        ):
            self.tabs.addTab(tab, label)
        # a county database: the townships' files first; the tabs above then show the
        # county's own directly entered rows (the county demo)
        self.county_tab: CountyTab | None = None
        if self.is_county():
            self.county_tab = CountyTab(db, clock=clock)
            self.tabs.insertTab(0, self.county_tab, self.tr("县级汇总"))
            self.tabs.setCurrentIndex(0)
            self.county_tab.import_requested.connect(lambda: self.open_county_import())
            self.county_tab.busy_changed.connect(self._county_busy)
        self.setCentralWidget(self.tabs)  # deletes the tabs of the database before

        self._build_menus()
        self.name_label.setText(self.display_name)
        self.show_last_backup()
        self.tabs.currentChanged.connect(self._tab_shown)
        self.refresh_all()

    # -- menus -------------------------------------------------------------------------
    def _build_menus(self) -> None:
        self.menuBar().clear()
        for action in self._actions:  # those of the database before a restore
            action.deleteLater()
        self._actions = []
        file_menu = self.menuBar().addMenu(self.tr("文件"))
        self.import_action = self._action(
            file_menu, self.tr("导入登记表…"), self.open_import_dialog
        )
        self.county_import_action: QAction | None = None
        self.county_export_action: QAction | None = None
        if self.is_county():
            self.county_import_action = self._action(
                file_menu, self.tr("导入乡镇上报文件…"), lambda: self.open_county_import()
            )
        elif self.identity is not None:
            self.county_export_action = self._action(
                file_menu, self.tr("导出上报文件…"), lambda: self.export_county_file()
            )
        self.quarterly_action = self._action(
            file_menu, self.tr("打印季度小结…"), lambda: self.print_quarterly()
        )
        file_menu.addSeparator()
        self.backup_action = self._action(
            file_menu, self.tr("备份与恢复…"), lambda: self.open_backup_dialog()
        )
        self.change_log_action = self._action(
            file_menu, self.tr("修改记录…"), lambda: self.open_change_log()
        )
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, self.tr("退出"), self.close)
        self.quit_action.setShortcut(QKeySequence(self.tr("Ctrl+Q")))

        help_menu = self.menuBar().addMenu(self.tr("帮助"))
        self.about_action = self._action(help_menu, self.tr("关于…"), self.show_about)

    def _action(self, menu, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self._actions.append(action)
        return action

    def print_quarterly(
        self, quarter: Quarter | None = None, path: Path | None = None
    ) -> Path | None:
        """The quarterly summary (季度小结) in the print preview; the quarter is asked for
        (the last ended one first) unless given."""
        if quarter is None:
            last = Quarter.of(self._clock())
            choices = []
            q = last
            for _ in range(8):
                choices.append(q)
                q = Quarter(q.year - 1, 4) if q.q == 1 else Quarter(q.year, q.q - 1)
            labels = [f"{c.year}年第{c.q}季度" for c in choices]
            label, ok = QInputDialog.getItem(
                self, self.tr("打印季度小结"), self.tr("季度："), labels, 1, False
            )
            if not ok:
                return None
            quarter = choices[labels.index(label)]
        return print_report(
            self,
            lambda: quarterly_report(self._db, quarter)[0],
            build_quarterly_pdf,
            path,
            file_name=f"季度小结-{quarter}.pdf",
            ask_title=self.tr("打印季度小结"),
            on_saved=lambda _p: None,
            what=self.tr("季度小结"),
        )

    def about_text(self) -> str:
        return (
            self.tr(
                "<h3>乡镇驻村工作台</h3>"
                "<p>驻村干部、兼职书记、村情档案、补助发放与考核的离线工作台。</p>"
                "<p>程序版本：%1<br>数据结构版本：%2<br>单位：%3<br>数据库：%4<br>备份文件夹：%5</p>"
            )
            .replace("%1", html.escape(program_version()))
            .replace("%2", str(SCHEMA_VERSION))
            .replace("%3", html.escape(self.display_name))
            .replace("%4", html.escape(str(self._db_path)))
            .replace("%5", html.escape(str(backup_dir(self._db_path))))
        )

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("关于乡镇驻村工作台"), self.about_text())

    def open_import_dialog(self) -> ImportDialog:
        dialog = ImportDialog(self._db, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(lambda _result: self._after_import())
        dialog.open()
        return dialog

    # -- county files ------------------------------------------------------------------
    def is_county(self) -> bool:
        return self.identity is not None and self.identity.kind == "county"

    def open_county_import(self, paths: list[Path] | None = None) -> CountyImportDialog | None:
        """文件 → 导入乡镇上报文件… (county): asks for the files unless given."""
        if paths is None:
            paths = choose_files(self)
        if not paths:
            return None
        dialog = CountyImportDialog(self._db, paths, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(lambda _receipts: self._after_import())
        dialog.open()
        dialog.start()
        return dialog

    def export_county_file(
        self, quarter: Quarter | None = None, path: Path | None = None
    ) -> TownshipExport | None:
        """文件 → 导出上报文件… (township): asks for what is not given."""
        assert self.identity is not None
        export = TownshipExport(
            self, self._db, self.identity, self._clock(), quarter=quarter, path=path
        )
        return export if export.start() else None

    def _county_busy(self, busy: bool) -> None:
        """While the county tab computes in the background, the database is its alone."""
        self.tabs.tabBar().setEnabled(not busy)
        self.menuBar().setEnabled(not busy)

    def _after_import(self) -> None:
        """An import is not undone edit by edit, and older commands would refer to rows it
        may have changed: every tab's undo history ends here. Then the tabs reload."""
        for stack in self.undo_stacks():
            stack.clear()
        self.refresh_all()

    def undo_stacks(self) -> list[QUndoStack]:
        """The undo stack of every tab that has one (its ``undo``, a :class:`TabUndo`)."""
        tabs = [self.tabs.widget(i) for i in range(self.tabs.count())]
        undos = [getattr(tab, "undo", None) for tab in tabs]
        return [u.stack for u in undos if isinstance(u, TabUndo)]

    # -- refreshing --------------------------------------------------------------------
    def refresh_all(self) -> None:
        """Reload the visible tab now and every other tab when it is next shown."""
        self._stale = {self.tabs.widget(i) for i in range(self.tabs.count())}
        self._tab_shown(self.tabs.currentIndex())

    def _tab_shown(self, index: int) -> None:
        tab = self.tabs.widget(index)
        if tab in self._stale:
            self._stale.discard(tab)
            tab.refresh()

    # -- backups -----------------------------------------------------------------------
    def database(self) -> Database | None:
        """The database the window works on (None after it could not be opened again)."""
        return None if self._lost else self._db

    @property
    def db_path(self) -> Path:
        return self._db_path

    def can_back_up(self) -> bool:
        """The database is a file that can be copied (not an in-memory one)."""
        return not self._lost and self._db_path.is_file()

    def auto_backups(self) -> bool:
        """Automatic backups are the window's job when it owns the opened file."""
        return self._opened is not None and self.can_back_up()

    @property
    def backup_running(self) -> bool:
        return self._backup_running

    def _set_backup_running(self, running: bool) -> None:
        self._backup_running = running
        self.backup_running_changed.emit(running)

    def show_last_backup(self) -> None:
        """The status bar's 上次备份 (the newest backup in the backup folder)."""
        self.backup_label.setStyleSheet("")
        self.backup_label.setToolTip("")
        if not self.can_back_up():
            self.backup_label.setText("")
            return
        backups = list_backups(self._db_path)
        if backups:
            self.backup_label.setText(
                self.tr("上次备份：%1").replace("%1", f"{backups[0].at:%Y-%m-%d %H:%M}")
            )
            self.backup_label.setToolTip(str(backups[0].path))
        else:
            self.backup_label.setText(self.tr("尚未备份"))

    def start_backup(
        self,
        kind: str = "auto",
        on_done: Callable[[BackupInfo], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> bool:
        """Make a verified backup of ``kind`` off the GUI thread, then remember it (and
        rotate the automatic ones) here. False when one is running already or the
        database is not a file. Without ``on_error`` a failure shows in the status bar."""
        if self._backup_running or not self.can_back_up():
            return False
        db, path = self._db, self._db_path
        change = last_change(db)  # what the copy is sure to hold

        def done(info: BackupInfo) -> None:
            try:
                record_backup(db, info, change)
                rotate(path, date.today())  # file names carry the real date
            except (sqlite3.Error, OSError) as e:
                failed(e)
                return
            self._set_backup_running(False)
            self.show_last_backup()
            if on_done is not None:
                on_done(info)

        def failed(e: Exception) -> None:
            log.error("backup failed", exc_info=e)
            self._set_backup_running(False)
            (on_error or self._auto_backup_failed)(e)

        self._set_backup_running(True)
        run_task(lambda: backup_file(path, kind), done, failed)
        return True

    def backup_if_due(self) -> bool:
        """The timer's check: start an automatic backup when one is due."""
        if not self.auto_backups() or self._backup_running:
            return False
        try:
            due = backup_due(self._db, datetime.now())
        except sqlite3.Error as e:
            self._auto_backup_failed(e)
            return False
        return due and self.start_backup("auto")

    def _auto_backup_failed(self, error: Exception) -> None:
        self.backup_label.setText(self.tr("自动备份失败，稍后再试"))
        self.backup_label.setToolTip(str(error))
        self.backup_label.setStyleSheet("color: #b00020;")

    def wait_for_backup(self, label: str, finished: Callable[[], bool] | None = None) -> None:
        """Keep the window alive under a small modal message until ``finished()`` (by
        default: no backup is running)."""
        finished = finished or (lambda: not self._backup_running)
        if finished():
            return
        progress = QProgressDialog(label, "", 0, 0, self)
        progress.setWindowTitle(self.tr("备份"))
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        progress.setMinimumDuration(0)
        loop = QEventLoop()
        self.backup_running_changed.connect(loop.quit)
        progress.show()
        try:
            while not finished():
                loop.exec()
        finally:
            self.backup_running_changed.disconnect(loop.quit)
            progress.close()
            progress.deleteLater()

    def backup_before_closing(self) -> bool:
        """A verified backup when there are changes since the last; False when it failed
        and the clerk chose to stay."""
        if not self.auto_backups():
            return True
        self.wait_for_backup(self.tr("正在等待备份完成…"))
        try:
            due = backup_due(self._db, datetime.now(), closing=True)
        except sqlite3.Error as e:
            log.error("cannot tell whether a backup is due", exc_info=e)
            due = True  # try: the backup says what is wrong
        if not due:
            return True
        outcome: dict[str, object] = {}
        if not self.start_backup(
            "auto",
            lambda info: outcome.update(info=info),
            lambda e: outcome.update(error=e),
        ):
            outcome["error"] = DatabaseFileError(
                self.tr("数据库文件不存在：%1").replace("%1", str(self._db_path)), self._db_path
            )
        self.wait_for_backup(self.tr("正在备份…"), lambda: bool(outcome))
        if "error" not in outcome:
            return True
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("备份没有完成"),
            self.tr("关闭前的自动备份没有完成：%1").replace("%1", str(outcome["error"])),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("close-backup-failed")
        box.setInformativeText(
            self.tr(
                "数据本身没有受影响，只是这次的修改还没有备份。可以返回程序稍后再试，或者仍然退出。"
            )
        )
        stay = box.addButton(self.tr("返回"), QMessageBox.ButtonRole.RejectRole)
        leave = box.addButton(self.tr("仍然退出"), QMessageBox.ButtonRole.AcceptRole)
        stay.setObjectName("stay")
        leave.setObjectName("quit")
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        box.exec()
        return box.clickedButton() is leave

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing:  # the backup before closing is still running
            event.ignore()
            return
        self._closing = True
        try:
            may_close = self.backup_before_closing()
        finally:
            self._closing = False
        if not may_close:
            event.ignore()
            return
        self.backup_timer.stop()
        super().closeEvent(event)
        self.release_database()

    def release_database(self) -> None:
        """Close the database the window owns and let go of its lock (once)."""
        if self._opened is not None:
            opened, self._opened = self._opened, None
            opened.close()

    # -- restoring -----------------------------------------------------------------------
    def restore_backup(self, source: Path) -> Path | None:
        """Put the backup ``source`` in the database's place and work on it.

        The connection is closed, the file replaced by :func:`app.db.backup.restore` (the
        replaced file kept aside: its path is returned), opened again and every tab built
        anew over it; the undo histories end. When restoring fails the error is raised
        after the database is opened again as it was. When it cannot be opened again the
        window says so and closes (``database()`` is then None).
        """
        self.wait_for_backup(self.tr("正在等待备份完成…"))
        self.backup_timer.stop()
        for stack in self.undo_stacks():
            stack.clear()
        failure: Exception | None = None
        kept: Path | None = None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if self._opened is not None:
                self.release_database()
            else:
                self._db.conn.close()
            try:
                kept = restore(Path(source), self._db_path)
            except (DatabaseFileError, OSError, sqlite3.Error) as e:
                failure = e
            try:
                opened = open_for_work(self._db_path)
            except (DatabaseFileError, OSError, sqlite3.Error) as e:
                self._database_lost(e)
                raise
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._opened, self._db = opened, opened.db
        self._build_for_database()
        if self.auto_backups():
            self.backup_timer.start()
        if failure is not None:
            raise failure
        return kept

    def _database_lost(self, error: Exception) -> None:
        self._lost = True
        QMessageBox.critical(
            self,
            self.tr("无法重新打开数据库"),
            self.tr("数据库 %1 无法重新打开：%2\n程序将关闭，请重新启动程序。")
            .replace("%1", str(self._db_path))
            .replace("%2", str(error)),
        )
        QTimer.singleShot(0, self.close)

    # -- dialogs -------------------------------------------------------------------------
    def open_backup_dialog(self) -> BackupDialog:
        """文件 → 备份与恢复…"""
        dialog = BackupDialog(self, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_change_log(self) -> ChangeLogDialog:
        """文件 → 修改记录…"""
        dialog = ChangeLogDialog(self._db, self, today=self._clock())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
