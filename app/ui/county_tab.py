"""县级汇总: the county database's view of the townships' county files.

Three pages (app/ui/county/): 乡镇与上报文件 (the latest file of each township), 村级类别
(villages by grade, upgrades, every village) and 履职与补助 (per township, its cadres
when picked). A quarter picker above them (first: the latest period among the imported
files) chooses the figures; 导出 Excel… writes the page in view, 打印季度小结… prints
the county's quarterly summary (the same PDF as 文件 → 打印季度小结…).

A township's figures take about half a second the first time a quarter is asked for
(the back end keeps them after that), so they are read through ``run_task`` with a
progress bar; meanwhile ``busy_changed(True)`` asks the window to keep other tabs and
menus from the database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db.store import identity
from app.domain.errors import DomainError
from app.domain.periods import Quarter
from app.exchange.county import latest_files
from app.reports.pdf.quarterly import build_quarterly_pdf
from app.ui.county import NOTE_STYLE
from app.ui.county.data import (
    CountyView,
    default_quarter,
    load_view,
    offered_quarters,
    quarter_label,
)
from app.ui.county.duty_page import DutyPage
from app.ui.county.files_page import FilesPage
from app.ui.county.villages_page import VillagesPage
from app.ui.tasks import run_task, to_main
from app.ui.widgets.common import ask_save_path, file_link, write_xlsx_or_warn
from app.ui.widgets.print_preview import print_report

ERROR_STYLE = "color: #b00020;"


class CountyTab(QWidget):
    #: 导入乡镇上报文件… asked for from a page
    import_requested = Signal()
    #: True while figures are computed in the background (the database is in use)
    busy_changed = Signal(bool)

    PAGES = (("files", "乡镇与上报文件"), ("villages", "村级类别"), ("duty", "履职与补助"))

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self._db, self._clock = db, clock
        ident = identity(db)
        self.county_name = ident.county_name if ident else ""
        self.view: CountyView | None = None
        self.files: list[dict] = []
        self._chosen: Quarter | None = None  # picked by the clerk; else the default
        self._busy = False
        self._stale = False

        self.quarter_combo = QComboBox()
        self.quarter_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        quarter_label_ = QLabel(self.tr("季度(&Q)："))
        quarter_label_.setBuddy(self.quarter_combo)
        self.status_label = QLabel()
        self.status_label.setStyleSheet(NOTE_STYLE)
        self.status_label.setOpenExternalLinks(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        self.export_button.setToolTip(self.tr("把当前页的表格（按显示的顺序和筛选）导出为 Excel"))
        self.print_button = QPushButton(self.tr("打印季度小结…"))
        self.print_button.setToolTip(
            self.tr("全县（各乡镇合计）的季度工作小结，打印预览后可存为 PDF")
        )
        top = QHBoxLayout()
        top.setContentsMargins(6, 6, 6, 0)
        top.addWidget(quarter_label_)
        top.addWidget(self.quarter_combo)
        top.addSpacing(12)
        top.addWidget(self.status_label, 1)
        top.addWidget(self.export_button)
        top.addWidget(self.print_button)

        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()

        self.files_page = FilesPage()
        self.villages_page = VillagesPage()
        self.duty_page = DutyPage()
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        for page, (attr, label) in zip(
            (self.files_page, self.villages_page, self.duty_page), self.PAGES, strict=True
        ):
            page.setObjectName(attr)
            self.pages.addTab(page, self.tr(label))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.error_label)
        layout.addWidget(self.pages, 1)

        self.files_page.import_requested.connect(self.import_requested)
        self.quarter_combo.currentIndexChanged.connect(self._quarter_picked)
        self.export_button.clicked.connect(lambda: self.export_excel())
        self.print_button.clicked.connect(lambda: self.print_quarterly())

    # -- pages ------------------------------------------------------------------------------
    def page(self, attr: str) -> QWidget:
        return {"files": self.files_page, "villages": self.villages_page, "duty": self.duty_page}[
            attr
        ]

    def show_page(self, attr: str) -> QWidget:
        page = self.page(attr)
        self.pages.setCurrentWidget(page)
        return page

    # -- quarter ----------------------------------------------------------------------------
    def quarter(self) -> Quarter | None:
        data = self.quarter_combo.currentData()
        return Quarter.parse(data) if data else None

    def set_quarter(self, quarter: Quarter) -> None:
        """Show ``quarter`` (as if picked)."""
        self._chosen = quarter
        self._fill_quarters()
        self._load()

    def _fill_quarters(self) -> None:
        today = self._clock()
        offered = offered_quarters(self.files, today)
        want = self._chosen or default_quarter(self.files, today)
        if want not in offered:
            offered = sorted({*offered, want}, reverse=True)
        periods = {f["period"] for f in self.files}
        self.quarter_combo.blockSignals(True)
        self.quarter_combo.clear()
        for q in offered:
            text = quarter_label(q)
            if str(q) in periods:
                text += self.tr("（有上报）")
            self.quarter_combo.addItem(text, str(q))
        self.quarter_combo.setCurrentIndex(max(self.quarter_combo.findData(str(want)), 0))
        self.quarter_combo.blockSignals(False)

    def _quarter_picked(self, _index: int) -> None:
        q = self.quarter()
        if q is not None:
            self._chosen = q
            self._load()

    # -- loading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the files and the figures of the quarter shown (in the background)."""
        if self._busy:
            self._stale = True
            return
        self._stale = False
        self.files = latest_files(self._db)
        self.files_page.set_files(self.files)
        self._fill_quarters()
        self._load()

    def _load(self) -> None:
        quarter = self.quarter()
        self.error_label.hide()
        if not self.files or quarter is None:
            self.quarter_combo.setEnabled(False)  # nothing to sum up yet
            self._show(None)
            self.status_label.setText(self.tr("尚未导入乡镇上报文件。") if not self.files else "")
            return
        self._set_busy(True)
        self.progress.setRange(0, len(self.files))
        self.progress.setValue(0)
        self.progress.setFormat(
            self.tr("正在汇总 %1 的各乡镇数据…").replace("%1", quarter_label(quarter))
        )
        self.progress.show()
        db = self._db
        run_task(
            lambda: load_view(db, quarter, self._progress),
            self._loaded,
            self._failed,
        )

    def _progress(self, done: int, total: int, name: str) -> None:
        """Called by the back end on the worker thread."""
        to_main(lambda: self._show_progress(done, total, name))

    def _show_progress(self, done: int, total: int, name: str) -> None:
        if not self._busy:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if name:
            self.progress.setFormat(
                self.tr("正在汇总 %1（%2/%3）…")
                .replace("%1", name)
                .replace("%2", str(done + 1))
                .replace("%3", str(total))
            )

    def _loaded(self, view: CountyView) -> None:
        self._set_busy(False)
        self._show(view)
        self.status_label.setText(
            self.tr("%1：%2 个乡镇的上报数据")
            .replace("%1", quarter_label(view.quarter))
            .replace("%2", str(len(view.figures)))
        )
        if self._stale:
            self.refresh()

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self._show(None)
        if isinstance(exc, DomainError | OSError):
            text = self.tr("无法汇总：%1").replace("%1", str(exc))
        else:
            text = self.tr("汇总时出现意外错误：%1。请把此信息告诉维护人员。").replace(
                "%1", f"{type(exc).__name__}: {exc}"
            )
        self.error_label.setText(text)
        self.error_label.show()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        if not busy:
            self.progress.hide()
        for w in (self.quarter_combo, self.export_button, self.print_button):
            w.setEnabled(not busy)
        self.quarter_combo.setEnabled(not busy and bool(self.files))
        self.files_page.import_button.setEnabled(not busy)
        self.busy_changed.emit(busy)

    def is_busy(self) -> bool:
        return self._busy

    def _show(self, view: CountyView | None) -> None:
        self.view = view
        self.villages_page.set_view(view)
        self.duty_page.set_view(view)
        has = view is not None and bool(view.figures)
        self.print_button.setEnabled(has and not self._busy)
        self.export_button.setEnabled(bool(self.files) and not self._busy)

    # -- printing and export --------------------------------------------------------------------
    def print_quarterly(self, path: Path | None = None) -> Path | None:
        """The county's 季度小结 for the quarter shown: print preview, or written to ``path``."""
        view = self.view
        if view is None:
            return None
        data = view.county  # what quarterly_report gives for this county and quarter
        return print_report(
            self,
            lambda: data,
            build_quarterly_pdf,
            path,
            file_name=f"季度小结-{view.quarter}.pdf",
            ask_title=self.tr("打印季度小结"),
            on_saved=lambda p: self._said(self.tr("季度小结已保存到"), p),
            what=self.tr("季度小结"),
        )

    def export_excel(self, path: Path | None = None) -> Path | None:
        """The page in view as an Excel workbook (rows as shown); asks for the file if no path."""
        page = self.pages.currentWidget()
        table = page.table_for_export(self.county_name)  # type: ignore[attr-defined]
        if table is None:
            return None
        if path is None:
            path = ask_save_path(
                self, self.tr("导出 Excel"), table.title + ".xlsx", self.tr("Excel 工作簿")
            )
            if path is None:
                return None
        written = write_xlsx_or_warn(self, table, Path(path))
        if written is None:
            return None
        self._said(self.tr("已导出 %1 行到").replace("%1", str(len(table.rows))), written)
        return written

    def _said(self, text: str, path: Path) -> None:
        self.status_label.setText(file_link(text, path))
