"""The main window: five tabs over one database, a file menu and a status bar.

A county database has a sixth tab first, 县级汇总 (the townships' county files), and
文件 → 导入乡镇上报文件…; a township database has 文件 → 导出上报文件….

It gets its database and the file's path through the constructor; the tabs get the
database from it. Tabs load when first shown and again after an import, which also
clears every tab's undo history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)
from sqlite_utils import Database

from app.db.schema import SCHEMA_VERSION
from app.db.store import identity
from app.domain.periods import Quarter
from app.reports.pdf.quarterly import build_quarterly_pdf
from app.reports.quarterly import quarterly_report
from app.ui.assessment_tab import AssessmentTab
from app.ui.cadres_tab import CadresTab
from app.ui.county.township_export import TownshipExport
from app.ui.county_tab import CountyTab
from app.ui.dialogs.county_import_dialog import CountyImportDialog, choose_files
from app.ui.dialogs.import_dialog import ImportDialog
from app.ui.meetings_tab import MeetingsTab
from app.ui.subsidy_tab import SubsidyTab
from app.ui.undo import TabUndo
from app.ui.villages_tab import VillagesTab
from app.ui.widgets.elided_label import ElidedLabel
from app.ui.widgets.print_preview import print_report

DEFAULT_SIZE = (1200, 700)  # leaves room for the taskbar on a 1366×768 screen


def program_version() -> str:
    try:
        return version("township-office")
    except PackageNotFoundError:
        return "0+unknown"


class MainWindow(QMainWindow):
    def __init__(
        self,
        db: Database,
        db_path: Path,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self._db, self._clock = db, clock
        self._db_path = Path(db_path)
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
        self.setCentralWidget(self.tabs)
        self._stale: set[QWidget] = set()

        self._build_menus()

        self.name_label = QLabel(self.display_name)
        self.path_label = ElidedLabel(self.tr("数据库：%1").replace("%1", str(self._db_path)))
        self.statusBar().addWidget(self.name_label)
        self.statusBar().addWidget(self.path_label, 1)

        self.resize(*DEFAULT_SIZE)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.refresh_all()

    # -- menus -------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("文件"))
        self.import_action = QAction(self.tr("导入登记表…"), self)
        self.import_action.triggered.connect(self.open_import_dialog)
        file_menu.addAction(self.import_action)
        self.county_import_action: QAction | None = None
        self.county_export_action: QAction | None = None
        if self.is_county():
            self.county_import_action = QAction(self.tr("导入乡镇上报文件…"), self)
            self.county_import_action.triggered.connect(lambda: self.open_county_import())
            file_menu.addAction(self.county_import_action)
        elif self.identity is not None:
            self.county_export_action = QAction(self.tr("导出上报文件…"), self)
            self.county_export_action.triggered.connect(lambda: self.export_county_file())
            file_menu.addAction(self.county_export_action)
        self.quarterly_action = QAction(self.tr("打印季度小结…"), self)
        self.quarterly_action.triggered.connect(lambda: self.print_quarterly())
        file_menu.addAction(self.quarterly_action)
        file_menu.addSeparator()
        self.quit_action = QAction(self.tr("退出"), self)
        self.quit_action.setShortcut(QKeySequence(self.tr("Ctrl+Q")))
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        help_menu = self.menuBar().addMenu(self.tr("帮助"))
        self.about_action = QAction(self.tr("关于…"), self)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

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
                "<p>程序版本：%1<br>数据结构版本：%2<br>单位：%3<br>数据库：%4</p>"
            )
            .replace("%1", program_version())
            .replace("%2", str(SCHEMA_VERSION))
            .replace("%3", self.display_name)
            .replace("%4", str(self._db_path))
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
