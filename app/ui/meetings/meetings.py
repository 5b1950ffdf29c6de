"""会议记录: the meetings of the management cycle, newest first, by kind and period; a new
周例会 in one click (usual weekday, chair, place; the active cadres as attendees).

Also the people's parts of a meeting's page (app/ui/meetings/meeting_page.py): the
attendees (present, or absent with a reason) and the reports per village. The items'
parts are in app/ui/meetings/actions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import cadres as cdb
from app.db import meetings as mdb
from app.db.meetings import Attendee, MeetingRow, Report
from app.db.views import MEETING_KINDS
from app.domain.errors import DomainError
from app.sheets import values as v
from app.sheets.base import Column
from app.ui.cadres.roster import GREY, NOTE_STYLE, CadrePage, button, push_batch, widen
from app.ui.meetings.actions import Names, choice, weekday_name
from app.ui.models.table_model import RowTableModel
from app.ui.undo import TabUndo
from app.ui.widgets.common import LongTextDialog, PeriodPicker
from app.ui.widgets.reason import ReasonCancelled, run_with_reason
from app.ui.widgets.tables import read_only_table

if TYPE_CHECKING:
    from app.ui.meetings.meeting_page import MeetingDialog


# ---- attendees ---------------------------------------------------------------------------


class AttendeesSection(QWidget):
    """参会人员: tick who was present; an absent cadre needs a reason."""

    COL_NAME, COL_PRESENT, COL_REASON = 0, 1, 2
    changed = Signal()

    def __init__(self, names: Names, parent=None) -> None:
        super().__init__(parent)
        self.names = names
        self._rows: list[Attendee] = []  # who, in table order (present/reason read back)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("姓名"), self.tr("出席"), self.tr("缺席原因")]
        )
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setColumnWidth(self.COL_NAME, 130)
        self.table.setColumnWidth(self.COL_PRESENT, 62)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.count_label = QLabel()
        self.add_button = button(self.tr("添加参会人…"))
        self.remove_button = button(self.tr("移除"))
        self.dialog: LongTextDialog | None = None
        bar = QHBoxLayout()
        bar.addWidget(self.add_button)
        bar.addWidget(self.remove_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)
        self.table.itemChanged.connect(self._item_changed)
        self.add_button.clicked.connect(lambda: self.add_attendee())
        self.remove_button.clicked.connect(self.remove_current)

    def set_attendees(self, attendees: list[Attendee]) -> None:
        self._rows = sorted(attendees, key=lambda a: a.cadre_no)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self._rows))
        for r, a in enumerate(self._rows):
            name = QTableWidgetItem(a.name + (self.tr("（已离任）") if a.former else ""))
            name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            name.setToolTip(
                self.tr("%1，现已不在驻村/兼职岗位").replace("%1", a.cadre_no)
                if a.former
                else a.cadre_no
            )
            if a.former:
                name.setForeground(QBrush(GREY))
            present = QTableWidgetItem()
            present.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            present.setCheckState(Qt.CheckState.Checked if a.present else Qt.CheckState.Unchecked)
            present.setText(self.tr("出席") if a.present else self.tr("缺席"))
            reason = QTableWidgetItem(a.reason or "")
            for item, c in ((name, 0), (present, 1), (reason, 2)):
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        self._update_count()

    def row_of(self, cadre_no: str) -> int:
        return next(r for r, a in enumerate(self._rows) if a.cadre_no == cadre_no)

    def attendees(self) -> list[Attendee]:
        out = []
        for r, a in enumerate(self._rows):
            present = self.table.item(r, self.COL_PRESENT).checkState() == Qt.CheckState.Checked
            reason = self.table.item(r, self.COL_REASON).text().strip() or None
            out.append(Attendee(a.cadre_no, a.name, present, None if present else reason, a.former))
        return out

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == self.COL_PRESENT:
            present = item.checkState() == Qt.CheckState.Checked
            self.table.blockSignals(True)
            item.setText(self.tr("出席") if present else self.tr("缺席"))
            reason = self.table.item(item.row(), self.COL_REASON)
            if present:
                reason.setText("")
            self.table.blockSignals(False)
            if not present and not reason.text().strip() and self.table.isVisible():
                self.table.setCurrentItem(reason)
                self.table.editItem(reason)
        self._update_count()
        self.changed.emit()

    def _update_count(self) -> None:
        rows = self.attendees()
        present = sum(1 for a in rows if a.present)
        self.count_label.setText(
            self.tr("应到 %1 人，出席 %2 人，缺席 %3 人")
            .replace("%1", str(len(rows)))
            .replace("%2", str(present))
            .replace("%3", str(len(rows) - present))
        )

    def add_attendee(self) -> LongTextDialog:
        listed = {a.cadre_no for a in self._rows}
        labels = {no: lb for no, lb in self.names.cadre_labels().items() if no not in listed}
        presence = {"1": self.tr("出席"), "0": self.tr("缺席")}
        columns = [
            choice(self.tr("干部"), "cadre_no", labels, required=True),
            choice(self.tr("出席情况"), "present", presence, required=True),
            Column(self.tr("缺席原因"), "reason", v.text, hint=self.tr("缺席时必填")),
        ]

        def check(values: dict[str, Any]) -> dict[str, str]:
            if values["present"] == "0" and not values["reason"]:
                return {"reason": self.tr("缺席须写明原因")}
            return {}

        def save(values: dict[str, Any]) -> None:
            no = values["cadre_no"]
            present = values["present"] == "1"
            attendee = Attendee(no, self.names.cadre(no), present, values["reason"])
            self.set_attendees([*self.attendees(), attendee])
            self.table.selectRow(self.row_of(no))
            self.changed.emit()

        dialog = LongTextDialog(
            self.tr("添加参会人"), columns, save, self, record={"present": "1"}, check=check
        )
        widen(dialog)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        rows = self.attendees()
        del rows[row]
        self.set_attendees(rows)
        self.changed.emit()


# ---- reports per village ----------------------------------------------------------------


class ReportModel(RowTableModel):
    COL_VILLAGE, COL_CADRE, COL_CONTENT = 0, 1, 2

    def __init__(self, names: Names, parent=None) -> None:
        super().__init__(parent)
        self.names = names
        self.set_headers([self.tr("村"), self.tr("汇报人"), self.tr("汇报内容")])

    def value(self, row: Report, column: int):
        return (
            self.names.village(row.village_code),
            self.names.cadre(row.cadre_no),
            row.content.replace("\n", " "),
        )[column]

    def tooltip(self, row: Report, column: int) -> str | None:
        return row.content if column == self.COL_CONTENT else None


class ReportsSection(QWidget):
    """各村汇报: which cadre reported what about which village (add, edit, delete)."""

    changed = Signal()

    def __init__(self, db: Database, names: Names, day: Callable[[], str], parent=None) -> None:
        super().__init__(parent)
        self._db, self.names, self._day = db, names, day
        self.model = ReportModel(names, self)
        self.table = read_only_table(
            self.model,
            {ReportModel.COL_VILLAGE: 80, ReportModel.COL_CADRE: 70},
            stretch=ReportModel.COL_CONTENT,
        )
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setStyleSheet(NOTE_STYLE)
        self.add_button = button(self.tr("添加汇报…"))
        self.edit_button = button(self.tr("修改…"))
        self.delete_button = button(self.tr("删除"))
        self.dialog: LongTextDialog | None = None
        bar = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.delete_button):
            bar.addWidget(b)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(bar)
        self.add_button.clicked.connect(lambda: self.edit_report(None))
        self.edit_button.clicked.connect(lambda: self.edit_report(self.current()))
        self.delete_button.clicked.connect(self.delete_report)
        self.table.activated.connect(lambda i: self.edit_report(i.row()))
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_detail())

    def set_reports(self, reports: list[Report]) -> None:
        self.model.set_rows(reports)
        self._show_detail()

    def reports(self) -> list[Report]:
        return self.model.rows()

    def current(self) -> int | None:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else None

    def _show_detail(self) -> None:
        row = self.current()
        if row is None or row >= self.model.rowCount():
            self.detail.setText(self.tr("选中一条汇报，可在这里看全文；双击修改。"))
            return
        r = self.model.row_at(row)
        self.detail.setText(f"{self.names.cadre(r.cadre_no)}：{r.content}")

    def edit_report(self, row: int | None) -> LongTextDialog:
        reports = self.reports()
        old = reports[row] if row is not None else Report(None, None, None, "")
        columns = [
            choice(self.tr("汇报人"), "cadre_no", self.names.cadre_labels(), required=True),
            choice(self.tr("村"), "village_code", self.names.village_labels()),
            Column(self.tr("汇报内容"), "content", v.text, required=True),
        ]

        def save(values: dict[str, Any]) -> None:
            report = Report(old.uuid, values["cadre_no"], values["village_code"], values["content"])
            if row is None:
                reports.append(report)
            else:
                reports[row] = report
            self.set_reports(reports)
            self.table.selectRow(len(reports) - 1 if row is None else row)
            self.changed.emit()

        record = {
            "cadre_no": old.cadre_no,
            "village_code": old.village_code,
            "content": old.content,
        }
        title = self.tr("添加汇报") if row is None else self.tr("修改汇报")
        dialog = LongTextDialog(title, columns, save, self, record=record, multiline=("content",))
        form = dialog.form
        form.editors["content"].setFixedHeight(form.fontMetrics().lineSpacing() * 7 + 14)
        form.editors["cadre_no"].currentIndexChanged.connect(lambda _i: self._suggest_village(form))
        widen(dialog)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _suggest_village(self, form) -> None:
        """The cadre's village on the meeting day, when no village is chosen yet."""
        if form.raw("village_code"):
            return
        no = next(
            (k for k, lb in self.names.cadre_labels().items() if lb == form.raw("cadre_no")), None
        )
        code = cdb.village_on(self._db, no, self._day()) if no else None
        if code:
            form.set_text("village_code", self.names.village_labels()[code])

    def delete_report(self) -> None:
        row = self.current()
        if row is None:
            return
        reports = self.reports()
        del reports[row]
        self.set_reports(reports)
        self.changed.emit()


# ---- the list ----------------------------------------------------------------------------


class MeetingListModel(RowTableModel):
    COL_DAY, COL_WEEKDAY, COL_KIND, COL_PLACE, COL_CHAIR, COL_PRESENT, COL_ITEMS = range(7)
    CENTRED = frozenset({COL_WEEKDAY, COL_PRESENT, COL_ITEMS})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [
                self.tr("日期"),
                self.tr("星期"),
                self.tr("类别"),
                self.tr("地点"),
                self.tr("主持人"),
                self.tr("出席/应到"),
                self.tr("督办（未办结/全部）"),
            ]
        )

    def value(self, row: MeetingRow, column: int):
        return (
            row.day,
            weekday_name(row.day),
            row.kind,
            row.place,
            row.chair,
            row.present,
            row.open_items,
        )[column]

    def display(self, row: MeetingRow, column: int) -> str:
        if column == self.COL_PRESENT:
            return f"{row.present}/{row.expected}" if row.expected else "—"
        if column == self.COL_ITEMS:
            return f"{row.open_items}/{row.items}" if row.items else "—"
        return super().display(row, column)


ML = MeetingListModel


class MeetingsPage(CadrePage):
    """The list of meetings; 新建周例会 / 新建会议… / 打开 / 删除 (Ctrl+Z undoes)."""

    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, undo, clock=clock, parent=parent)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(self.tr("全部"), None)
        for kind in MEETING_KINDS:
            self.kind_combo.addItem(self.tr(kind), kind)
        self.period = PeriodPicker(clock(), allow_all=True)
        self.period.set_period(None)
        self.count_label = QLabel()
        self.weekly_button = button(self.tr("新建周例会"))
        self.weekly_button.setToolTip(
            self.tr("按惯常的星期、主持人和地点，本周在岗的驻村干部和兼职书记为参会人员")
        )
        self.new_button = button(self.tr("新建会议…"))
        self.new_menu = QMenu(self)
        self.new_actions: dict[str, QAction] = {}
        for kind in MEETING_KINDS:
            action = self.new_menu.addAction(self.tr(kind))
            action.triggered.connect(lambda _c=False, k=kind: self.new_meeting(k))
            self.new_actions[kind] = action
        self.new_button.setMenu(self.new_menu)
        self.open_button = button(self.tr("打开"))
        self.delete_button = button(self.tr("删除"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("类别：")))
        top.addWidget(self.kind_combo)
        top.addSpacing(8)
        top.addWidget(QLabel(self.tr("时间：")))
        top.addWidget(self.period)
        top.addSpacing(8)
        top.addWidget(self.count_label)
        top.addStretch(1)
        for b in (self.weekly_button, self.new_button, self.open_button, self.delete_button):
            top.addWidget(b)
        self.model = MeetingListModel(self)
        self.table = read_only_table(
            self.model,
            {
                ML.COL_DAY: 100,
                ML.COL_WEEKDAY: 70,
                ML.COL_KIND: 90,
                ML.COL_CHAIR: 90,
                ML.COL_PRESENT: 90,
                ML.COL_ITEMS: 150,
            },
            stretch=ML.COL_PLACE,
        )
        self._lay_out(top, empty=True)

        self.kind_combo.currentIndexChanged.connect(self.refresh)
        self.period.changed.connect(self.refresh)
        self.weekly_button.clicked.connect(lambda: self.new_meeting(mdb.WEEKLY))
        self.open_button.clicked.connect(lambda: self.open_meeting())
        self.delete_button.clicked.connect(lambda: self.delete_meeting())
        self.table.activated.connect(lambda _i: self.open_meeting())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.table)
        delete.setContext(delete.context().WidgetShortcut)
        delete.activated.connect(lambda: self.delete_meeting())

    # -- showing -----------------------------------------------------------------------
    def refresh(self) -> None:
        self._stale = False
        chosen = self.current_meeting()
        period = self.period.period()
        rows = mdb.meeting_rows(
            self._db,
            kind=self.kind_combo.currentData(),
            first=period.first_day if period else None,
            last=period.last_day if period else None,
        )
        self.model.set_rows(rows)
        if chosen is not None:
            self.select(chosen)
        self.count_label.setText(self.tr("共 %1 次会议").replace("%1", str(len(rows))))
        filtered = self.kind_combo.currentData() is not None or period is not None
        self.empty_label.setText(
            self.tr("没有符合条件的会议。")
            if filtered
            else self.tr("还没有会议记录。点“新建周例会”记下本周的例会。")
        )
        self.empty_label.setVisible(not rows)

    def rows(self) -> list[MeetingRow]:
        return self.model.rows()

    def current_meeting(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_at(index.row()).id

    def select(self, meeting_id: int) -> bool:
        for r, row in enumerate(self.model.rows()):
            if row.id == meeting_id:
                self.table.selectRow(r)
                self.table.scrollTo(self.model.index(r, 0))
                return True
        return False

    def _update_buttons(self) -> None:
        chosen = self.current_meeting() is not None
        self.open_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # -- edits -------------------------------------------------------------------------
    def _opened(self, dialog: MeetingDialog) -> MeetingDialog:
        dialog.accepted.connect(lambda: self._saved(dialog))
        self._open(dialog)  # type: ignore[arg-type]
        return dialog

    def _saved(self, dialog: MeetingDialog) -> None:
        self.refresh()
        if dialog.meeting_id is not None:
            self.select(dialog.meeting_id)
            self._note(
                self.message,
                self.tr("已保存 %1 的会议记录。按 Ctrl+Z 可撤销这次保存。").replace(
                    "%1", mdb.meeting_label(self._db, dialog.meeting_id)
                ),
            )
        self.table.setFocus()

    def new_meeting(self, kind: str) -> MeetingDialog:
        """A new meeting of ``kind`` with the usual day, chair, place and attendees."""
        from app.ui.meetings.meeting_page import MeetingDialog

        return self._opened(
            MeetingDialog.new(self._db, self._undo, kind, clock=self._clock, parent=self)
        )

    def open_meeting(self, meeting_id: int | None = None) -> MeetingDialog | None:
        meeting_id = meeting_id or self.current_meeting()
        if meeting_id is None:
            return None
        from app.ui.meetings.meeting_page import MeetingDialog

        dialog = MeetingDialog.edit(
            self._db, self._undo, meeting_id, clock=self._clock, parent=self
        )
        return None if dialog is None else self._opened(dialog)

    def delete_meeting(self) -> bool:
        meeting_id = self.current_meeting()
        if meeting_id is None:
            return False
        label = mdb.meeting_label(self._db, meeting_id)
        answer = QMessageBox.question(
            self,
            self.tr("删除会议"),
            self.tr(
                "删除 %1 的会议记录？参会人员、汇报、决定和这次会议提出的督办事项一并删除。"
                "删除后可用 Ctrl+Z 撤销。"
            ).replace("%1", label),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        text = self.tr("删除会议 %1").replace("%1", label)
        try:
            batch, reason = run_with_reason(
                self, lambda r: mdb.delete_meeting(self._db, meeting_id, reason=r), what=text
            )
        except ReasonCancelled:
            return False
        except DomainError as e:
            QMessageBox.warning(self, self.tr("不能删除"), str(e))
            return False
        push_batch(self._undo, batch, text, reason)
        self._note(
            self.message, self.tr("已删除 %1 的会议记录。按 Ctrl+Z 可撤销。").replace("%1", label)
        )
        return True
