"""乡镇与上报文件: one row per township that has sent a county file — its latest file,
how many have come, what the latest did to the rows, and the key it is signed with.

Townships that have sent nothing are not known to the county database, so they are not
listed; without any file the page says how to import one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.reports.tabular import Table
from app.ui.county import EMPTY_STYLE, NOTE_STYLE, TownshipSelection, fit_rows, sorted_view
from app.ui.county.data import FileRow, file_rows, local_time
from app.ui.county.models import FilesModel
from app.ui.models.table_model import ROW_ROLE
from app.ui.widgets.tables import read_only_table

M = FilesModel


class FilesPage(TownshipSelection, QWidget):
    #: the 导入乡镇上报文件… button
    import_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FilesModel(self)
        self.table = read_only_table(
            self.model,
            {
                M.COL_CODE: 84,
                M.COL_NAME: 64,
                M.COL_PERIOD: 110,
                M.COL_CREATED: 122,
                M.COL_IMPORTED: 122,
                M.COL_COUNT: 66,
                M.COL_NEW: 60,
                M.COL_UPDATED: 60,
                M.COL_DELETED: 60,
                M.COL_REFUSED: 60,
                M.COL_KEY: 160,
                M.COL_HOW: 84,
            },
            stretch=M.COL_FILE,
        )
        self.proxy = sorted_view(self.table)
        self.count_label = QLabel()
        self.note_label = QLabel(
            self.tr(
                "列出已报送过上报文件的乡镇（尚未报送的乡镇不在此列）。行数为该乡镇最新一个文件的导入结果。"
                "公钥指纹用于电话核对：乡镇更换密钥后，其文件会被拒绝，须人工确认后才能导入。"
            )
        )
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(NOTE_STYLE)
        self.import_button = QPushButton(self.tr("导入乡镇上报文件…"))
        self.import_button.clicked.connect(self.import_requested)
        top = QHBoxLayout()
        top.addWidget(self.count_label, 1)
        top.addWidget(self.import_button)
        self.receipt_label = QLabel()
        self.receipt_text = QPlainTextEdit()
        self.receipt_text.setReadOnly(True)
        listing = QWidget()
        lay = QVBoxLayout(listing)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.table)
        lay.addWidget(self.note_label)
        lay.addSpacing(6)
        lay.addWidget(self.receipt_label)
        lay.addWidget(self.receipt_text, 1)

        self.empty_label = QLabel(
            self.tr(
                "<h3>还没有导入任何乡镇的上报文件</h3>"
                "<p>各乡镇每季度在本程序中用 <b>文件 → 导出上报文件…</b> 生成一个带签名的"
                "上报文件（.zip），经 U 盘或内网报送到县里。</p>"
                "<p>收到后，在这里用 <b>文件 → 导入乡镇上报文件…</b>（或下面的按钮）选择一个或"
                "多个文件导入。每个文件都会先校验签名和内容，导入后给出回执，可保存为 PDF。</p>"
                "<p>第一次导入某乡镇的文件时会登记它的签名公钥；以后该乡镇的文件必须用同一密钥签名。</p>"
            )
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        self.empty_label.setStyleSheet(EMPTY_STYLE)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.empty_button = QPushButton(self.tr("导入乡镇上报文件…"))
        self.empty_button.clicked.connect(self.import_requested)
        empty = QWidget()
        e = QVBoxLayout(empty)
        e.setContentsMargins(24, 24, 24, 24)
        e.addWidget(self.empty_label)
        row = QHBoxLayout()
        row.addWidget(self.empty_button)
        row.addStretch(1)
        e.addLayout(row)
        e.addStretch(1)

        self.stack = QStackedWidget()
        self.stack.addWidget(empty)
        self.stack.addWidget(listing)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.stack)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_receipt())

    def set_files(self, files: list[dict]) -> None:
        chosen = self.current_township()
        rows = file_rows(files)
        self.model.set_rows(rows)
        fit_rows(self.table, len(rows), 10)
        self.stack.setCurrentIndex(1 if rows else 0)
        if not (chosen and self.select_township(chosen)):
            self.select_row(0)
        self._show_receipt()
        if rows:
            latest = max(rows, key=lambda r: r.imported_at)
            self.count_label.setText(
                self.tr("已有 %1 个乡镇报送上报文件，共导入 %2 个文件；最近一次导入：%3（%4）")
                .replace("%1", str(len(rows)))
                .replace("%2", str(sum(r.files for r in rows)))
                .replace("%3", local_time(latest.imported_at))
                .replace("%4", latest.township_name)
            )

    def _show_receipt(self) -> None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            self.receipt_label.setText("")
            self.receipt_text.setPlainText("")
            return
        row: FileRow = index.data(ROW_ROLE)
        self.receipt_label.setText(
            self.tr("<b>%1</b> 最新文件（%2）的导入回执：")
            .replace("%1", row.township_name)
            .replace("%2", row.file_name)
        )
        self.receipt_text.setPlainText(row.receipt or self.tr("（没有保存回执）"))

    def is_empty(self) -> bool:
        return self.model.rowCount() == 0

    def rows(self) -> list[FileRow]:
        """The rows in the order shown (sorted as the header says)."""
        return [self.proxy.index(r, 0).data(ROW_ROLE) for r in range(self.proxy.rowCount())]

    def table_for_export(self, county_name: str) -> Table | None:
        rows = self.rows()
        if not rows:
            return None
        m = self.model
        shown = [[m.display(r, c) for c in range(m.columnCount())] for r in rows]
        for line, r in zip(shown, rows, strict=True):
            for c in (M.COL_COUNT, M.COL_NEW, M.COL_UPDATED, M.COL_DELETED, M.COL_REFUSED):
                line[c] = m.value(r, c)
        return Table(
            title=self.tr("%1乡镇上报文件登记").replace("%1", county_name),
            header=[m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())],
            rows=shown,
            sheet_name=self.tr("上报文件"),
            number_columns=frozenset(FilesModel.RIGHT_ALIGNED),
        )
