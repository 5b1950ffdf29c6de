"""月度补助表: a month's sheet (draft or approved), the days a line counts, approval.

Every figure comes from ``app.db.subsidy`` (``sheet_for_month``, ``line_days``,
``approval_info``); this page only formats. The table is read-only: a sheet's figures
follow from attendance and rates. 审批 freezes the month; 撤销审批 (the latest approved
month only) needs a reason, which goes to the change log. 打印 writes the sheet the
finance office signs (``report subsidy`` as PDF); 导出 writes it as .xlsx or .csv.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db.subsidy import (
    approval_info,
    approve_month,
    approved_months,
    line_days,
    sheet_for_month,
    unapprove_month,
)
from app.domain.errors import DomainError
from app.domain.money import capital_amount, format_yuan
from app.domain.periods import Month
from app.domain.subsidy import Sheet, SheetLine
from app.reports.pdf.subsidy import build_subsidy_pdf
from app.reports.subsidy import subsidy_report
from app.reports.tabular import write_report
from app.sheets.base import Column
from app.ui.cadres.roster import CadrePage, button, widen
from app.ui.models.table_model import RowTableModel
from app.ui.subsidy import (
    APPROVED_STYLE,
    BANNER_STYLE,
    DRAFT_STYLE,
    MESSAGE_STYLE,
    MonthPicker,
    last_month,
)
from app.ui.subsidy.panel import TAKEN_BACK, LinePanel
from app.ui.undo import TabUndo
from app.ui.widgets.common import ask_save_path, file_link
from app.ui.widgets.print_preview import print_report, show_link
from app.ui.widgets.record_form import RecordDialog
from app.ui.widgets.tables import read_only_table

APPROVED_BANNER = "已审批，不可修改；之后的考勤更正将在下月以补发/扣回计入"
ADJUSTED = QColor("#fff3cd")


def approved_at_text(at: str) -> str:
    """``2026-11-05T10:32:07`` → ``2026-11-05 10:32``."""
    return at.replace("T", " ")[:16]


# ---- the sheet's lines -------------------------------------------------------------------


class SheetModel(RowTableModel):
    """Rows are ``(序号, SheetLine)``."""

    COL_SEQ = 0
    COL_NO = 1
    COL_NAME = 2
    COL_DAYS = 3
    COL_LIVING = 4
    COL_TRANSPORT = 5
    COL_ADJUSTMENT = 6
    COL_TOTAL = 7
    COL_NOTES = 8

    RIGHT_ALIGNED = frozenset({COL_DAYS, COL_LIVING, COL_TRANSPORT, COL_ADJUSTMENT, COL_TOTAL})
    CENTRED = frozenset({COL_SEQ})
    _MONEY = {
        COL_LIVING: "living_fen",
        COL_TRANSPORT: "transport_fen",
        COL_ADJUSTMENT: "adjustment_fen",
        COL_TOTAL: "total_fen",
    }

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [
                self.tr("序号"),
                self.tr("干部编号"),
                self.tr("姓名"),
                self.tr("出勤天数"),
                self.tr("生活补助"),
                self.tr("交通通讯补助"),
                self.tr("调整"),
                self.tr("合计"),
                self.tr("备注"),
            ]
        )

    def set_lines(self, lines: tuple[SheetLine, ...] | list[SheetLine]) -> None:
        self.set_rows(list(enumerate(lines, start=1)))

    def line_at(self, row: int) -> SheetLine:
        return self.row_at(row)[1]

    def lines(self) -> list[SheetLine]:
        return [line for _no, line in self.rows()]

    def value(self, row: tuple[int, SheetLine], column: int):
        no, line = row
        if column == self.COL_SEQ:
            return no
        if column == self.COL_NO:
            return line.cadre_no
        if column == self.COL_NAME:
            return line.name
        if column == self.COL_DAYS:
            return line.present_days
        if column in self._MONEY:
            return getattr(line, self._MONEY[column])
        if column == self.COL_NOTES:
            return "；".join(line.notes)
        raise IndexError(column)

    def display(self, row: tuple[int, SheetLine], column: int) -> str:
        if column in self._MONEY:
            return format_yuan(self.value(row, column))
        return super().display(row, column)

    def background(self, row: tuple[int, SheetLine], column: int):
        if row[1].adjustments and column in (self.COL_ADJUSTMENT, self.COL_NOTES):
            return QBrush(ADJUSTED)
        return None

    def foreground(self, row: tuple[int, SheetLine], column: int):
        if column == self.COL_ADJUSTMENT and row[1].adjustment_fen < 0:
            return QBrush(TAKEN_BACK)
        return None

    def tooltip(self, row: tuple[int, SheetLine], column: int) -> str | None:
        line = row[1]
        if column in (self.COL_ADJUSTMENT, self.COL_NOTES) and line.adjustments:
            return "\n".join(f"{a.note}：{format_yuan(a.amount_fen)} 元" for a in line.adjustments)
        return None


S = SheetModel


# ---- the page ----------------------------------------------------------------------------


class SheetPage(CadrePage):
    """A month's subsidy sheet with its status, total, approval, printing and export."""

    #: approval or its withdrawal changed what the other pages show
    approval_changed = Signal()

    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, undo, clock=clock, parent=parent)
        self.sheet: Sheet | None = None
        self.last_approver = ""  # the name typed at the last approval, offered next time
        self.picker = MonthPicker(last_month(clock()))
        self.status_label = QLabel()
        self.approve_button = button(self.tr("审批…"))
        self.approve_button.setToolTip(self.tr("审批本月补助表：记录审批人和时间，之后不可修改"))
        self.unapprove_button = button(self.tr("撤销审批…"))
        self.unapprove_button.setToolTip(self.tr("撤销最近一个已审批月份的审批（须写明原因）"))
        self.print_button = button(self.tr("打印…"))
        self.print_button.setToolTip(self.tr("打印补助发放表（A4 横向 PDF，含领款人签字栏）"))
        self.xlsx_button = button(self.tr("导出 Excel…"))
        self.csv_button = button(self.tr("导出 CSV…"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("月份：")))
        top.addWidget(self.picker)
        top.addSpacing(12)
        top.addWidget(self.status_label)
        top.addStretch(1)
        for b in (
            self.approve_button,
            self.unapprove_button,
            self.print_button,
            self.xlsx_button,
            self.csv_button,
        ):
            top.addWidget(b)

        self.banner = QLabel(self.tr(APPROVED_BANNER))
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(MESSAGE_STYLE)
        self.message_label.hide()

        self.model = SheetModel(self)
        self.table = read_only_table(
            self.model,
            {
                S.COL_SEQ: 44,
                S.COL_NO: 82,
                S.COL_NAME: 70,
                S.COL_DAYS: 70,
                S.COL_LIVING: 76,
                S.COL_TRANSPORT: 100,
                S.COL_ADJUSTMENT: 70,
                S.COL_TOTAL: 80,
            },
            stretch=S.COL_NOTES,
        )
        self.table.setMinimumWidth(640)
        self.panel = LinePanel()
        self.panel.setMinimumWidth(300)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([840, 320])

        self.total_label = QLabel()
        self.total_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.total_label.setStyleSheet("font-weight: bold;")
        self.note_label = QLabel()  # what the last action did, with a link to a written file
        self.note_label.setOpenExternalLinks(True)
        self.note_label.setWordWrap(True)
        self.note_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.message_label)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.total_label)
        layout.addWidget(self.note_label)

        self.picker.changed.connect(lambda _m: self.refresh())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._show_line())
        self.approve_button.clicked.connect(lambda: self.approve())
        self.unapprove_button.clicked.connect(lambda: self.unapprove())
        self.print_button.clicked.connect(lambda: self.print_sheet())
        self.xlsx_button.clicked.connect(lambda: self.export_sheet(".xlsx"))
        self.csv_button.clicked.connect(lambda: self.export_sheet(".csv"))

    # -- showing -----------------------------------------------------------------------
    def month(self) -> Month:
        return self.picker.month()

    def set_month(self, month: Month) -> None:
        self.picker.set_month(month)

    def refresh(self) -> None:
        self._stale = False
        month = self.month()
        chosen = self.current_cadre()
        try:
            sheet = sheet_for_month(self._db, month)
        except DomainError as e:
            self.sheet = None
            self.model.set_lines([])
            self._show_status(None)
            self.total_label.setText("")
            self.message_label.setText(
                self.tr("无法生成 %1 的补助表：%2").replace("%1", str(month)).replace("%2", str(e))
            )
            self.message_label.show()
            self._show_line()
            self._update_buttons()
            return
        self.sheet = sheet
        self.model.set_lines(sheet.lines)
        self._show_status(sheet)
        total = sheet.total_fen
        self.total_label.setText(
            self.tr("合计：%1 人　%2 元　大写：%3")
            .replace("%1", str(len(sheet.lines)))
            .replace("%2", format_yuan(total))
            .replace("%3", capital_amount(total))
        )
        if sheet.lines:
            self.message_label.hide()
        else:
            self.message_label.setText(
                self.tr("%1 没有驻村或兼职安排，也没有出勤记录，补助表为空。").replace(
                    "%1", str(month)
                )
            )
            self.message_label.show()
        if chosen is None or not self.select(chosen):
            self._show_line()
        self._update_buttons()

    def _show_status(self, sheet: Sheet | None) -> None:
        approved = sheet is not None and sheet.status == "approved"
        self.banner.setVisible(approved)
        if sheet is None:
            self.status_label.setText("")
            return
        info = approval_info(self._db, sheet.month) if approved else None
        if info is not None:
            self.status_label.setText(
                self.tr("已审批（审批人 %1，%2）")
                .replace("%1", info.approved_by)
                .replace("%2", approved_at_text(info.approved_at))
            )
            self.status_label.setStyleSheet(APPROVED_STYLE)
        else:
            self.status_label.setText(self.tr("草稿"))
            self.status_label.setStyleSheet(DRAFT_STYLE)

    def _update_buttons(self) -> None:
        sheet = self.sheet
        approved = sheet is not None and sheet.status == "approved"
        self.approve_button.setEnabled(sheet is not None and not approved and bool(sheet.lines))
        self.unapprove_button.setEnabled(approved)
        for b in (self.print_button, self.xlsx_button, self.csv_button):
            b.setEnabled(sheet is not None)

    def lines(self) -> list[SheetLine]:
        return self.model.lines()

    def current_line(self) -> SheetLine | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.line_at(index.row())

    def current_cadre(self) -> str | None:
        line = self.current_line()
        return None if line is None else line.cadre_no

    def select(self, cadre_no: str) -> bool:
        for r, line in enumerate(self.model.lines()):
            if line.cadre_no == cadre_no:
                self.table.selectRow(r)
                self.table.scrollTo(self.model.index(r, 0))
                self._show_line()
                return True
        return False

    def _show_line(self) -> None:
        line = self.current_line()
        if line is None or self.sheet is None:
            self.panel.show_line(None, None, [])
            return
        month = self.sheet.month
        try:
            days = line_days(self._db, month, line.cadre_no)
        except DomainError as e:
            self.panel.show_line(month, line, [])
            self.panel.days_note.setText(str(e))
            self.panel.days_note.show()
            return
        self.panel.show_line(month, line, days)

    def _say(self, text: str) -> None:
        self._note(self.note_label, text)

    # -- approval ------------------------------------------------------------------------
    def _default_approver(self) -> str:
        if self.last_approver:
            return self.last_approver
        approved = approved_months(self._db)
        info = approval_info(self._db, max(approved)) if approved else None
        return info.approved_by if info else ""

    def approve(self) -> RecordDialog | None:
        """Ask who approves, confirm, then freeze the month (审批)."""
        sheet = self.sheet
        if sheet is None or sheet.status == "approved" or not sheet.lines:
            return None
        month, total = sheet.month, sheet.total_fen
        column = Column(self.tr("审批人"), "approved_by", required=True, hint=self.tr("如 李会计"))

        def save(values: dict[str, Any]) -> Sheet | None:
            name = values["approved_by"].strip()
            answer = QMessageBox.question(
                self,
                self.tr("确认审批"),
                self.tr(
                    "审批 %1 的补助表？\n合计 %2 元（%3），审批人：%4。\n\n"
                    "审批后该月冻结，不可修改；之后的考勤更正将在下月以补发/扣回计入。"
                )
                .replace("%1", str(month))
                .replace("%2", format_yuan(total))
                .replace("%3", capital_amount(total))
                .replace("%4", name),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
            frozen = approve_month(self._db, month, name)
            self.last_approver = name
            self.refresh()
            self._say(
                self.tr("已审批 %1 的补助表（审批人 %2），合计 %3 元。")
                .replace("%1", str(month))
                .replace("%2", name)
                .replace("%3", format_yuan(frozen.total_fen))
            )
            self.approval_changed.emit()
            return frozen

        dialog = RecordDialog(
            self.tr("审批 %1 补助表").replace("%1", str(month)),
            [column],
            save,
            self,
            record={"approved_by": self._default_approver()},
        )
        info = QLabel(
            self.tr(
                "%1 补助表：%2 人，合计 %3 元（%4）。\n"
                "审批后该月冻结，不可修改；之后的考勤更正将在下月以补发/扣回计入。"
            )
            .replace("%1", str(month))
            .replace("%2", str(len(sheet.lines)))
            .replace("%3", format_yuan(total))
            .replace("%4", capital_amount(total))
        )
        info.setWordWrap(True)
        info.setObjectName("approve_info")
        dialog.layout().insertWidget(0, info)
        widen(dialog)
        return self._open(dialog)

    def unapprove(self) -> RecordDialog | None:
        """Withdraw the approval of the shown month, if it is the latest approved one."""
        sheet = self.sheet
        if sheet is None or sheet.status != "approved":
            return None
        month = sheet.month
        later = [m for m in approved_months(self._db) if m > month]
        if later:
            first = min(later)
            QMessageBox.warning(
                self,
                self.tr("不能撤销审批"),
                self.tr(
                    "只能撤销最近一个已审批月份的审批。%1 已审批：请先撤销 %1 的审批，再撤销 %2。"
                )
                .replace("%1", str(first))
                .replace("%2", str(month)),
            )
            return None
        columns = [
            Column(
                self.tr("撤销原因"),
                "reason",
                required=True,
                hint=self.tr("如 考勤录入有误，需重新核对"),
            ),
            Column(self.tr("操作人"), "by", required=True),
        ]

        def save(values: dict[str, Any]) -> Month:
            unapprove_month(self._db, month, values["reason"].strip(), values["by"].strip())
            self.refresh()
            self._say(
                self.tr("已撤销 %1 的审批，该月恢复为草稿（原因：%2）。")
                .replace("%1", str(month))
                .replace("%2", values["reason"].strip())
            )
            self.approval_changed.emit()
            return month

        dialog = RecordDialog(
            self.tr("撤销 %1 补助表的审批").replace("%1", str(month)),
            columns,
            save,
            self,
            record={"by": self._default_approver()},
        )
        info = QLabel(
            self.tr(
                "撤销后 %1 恢复为草稿，按现有考勤和补助标准重新计算。原因将记入修改记录。"
            ).replace("%1", str(month))
        )
        info.setWordWrap(True)
        info.setObjectName("unapprove_info")
        dialog.layout().insertWidget(0, info)
        widen(dialog)
        return self._open(dialog)

    # -- printing and export ---------------------------------------------------------------
    def _file_name(self, suffix: str) -> str:
        return self.tr("补助发放表-%1").replace("%1", str(self.month())) + suffix

    def print_sheet(self, path: Path | None = None) -> Path | None:
        """The month's sheet as an A4 landscape PDF for signatures, written to ``path``
        (returned), or without one opened in the print preview; None when refused."""
        month = self.month()
        told = self.tr("已把 %1 补助发放表打印到").replace("%1", f"{month.year}年{month.month}月")
        return print_report(
            self,
            lambda: subsidy_report(self._db, month)[0],
            build_subsidy_pdf,
            path,
            file_name=self._file_name(".pdf"),
            ask_title=self.tr("打印补助发放表"),
            on_saved=lambda written: show_link(self.note_label, told, written),
            what=self.tr("补助表"),
            asker=ask_save_path,
        )

    def export_sheet(self, suffix: str, path: Path | None = None) -> Path | None:
        """The month's sheet as ``.xlsx`` or ``.csv``; asks for the file when no ``path``."""
        month = self.month()
        if path is None:
            kind = self.tr("Excel 工作簿") if suffix == ".xlsx" else self.tr("CSV 文件")
            path = ask_save_path(self, self.tr("导出补助发放表"), self._file_name(suffix), kind)
            if path is None:
                return None
        try:
            data, table = subsidy_report(self._db, month)
            written = write_report(data, table, Path(path))
        except (DomainError, OSError) as e:
            QMessageBox.warning(self, self.tr("导出失败"), str(e))
            return None
        text = self.tr("已把 %1 补助发放表导出到").replace("%1", f"{month.year}年{month.month}月")
        self.note_label.setText(file_link(text, written))
        self.note_label.setStyleSheet("")
        self.note_label.show()
        return written
