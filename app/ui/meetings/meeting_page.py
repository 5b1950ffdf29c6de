"""The meeting page: date, kind, place, chair, recorder; who attended and who was absent
(and why); agenda, reports per village, minutes, decisions; the 督办事项 raised and the
open items of earlier meetings reviewed.

Everything is edited in memory and written by 保存 as one batch: one Ctrl+Z undoes it.
A cadre who no longer holds a post still shows among the attendees, marked （已离任）.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import meetings as mdb
from app.db.meetings import ActionItem, MeetingDraft
from app.db.views import MEETING_KINDS
from app.domain.errors import DomainError
from app.sheets import values as v
from app.sheets.base import Column
from app.ui.cadres.roster import GREY, NOTE_STYLE, OK_STYLE, RED, WARN_STYLE, button, push_batch
from app.ui.meetings.actions import (
    DATE_HINT,
    OPEN,
    ItemsSection,
    Names,
    close_columns,
    status_text,
    weekday_name,
)
from app.ui.meetings.meetings import AttendeesSection, ReportsSection
from app.ui.models.table_model import RowTableModel
from app.ui.undo import TabUndo
from app.ui.widgets.common import ask_save_path
from app.ui.widgets.print_preview import print_report, show_link
from app.ui.widgets.reason import run_with_reason
from app.ui.widgets.record_form import ERROR_STYLE, RecordDialog, RecordForm
from app.ui.widgets.tables import read_only_table


def _tr(text: str) -> str:
    return QCoreApplication.translate("MeetingPages", text)


def header_columns() -> list[Column]:
    return [
        Column(_tr("日期"), "day", v.iso_date, required=True, hint=DATE_HINT),
        Column(_tr("类别"), "kind", v.choice(MEETING_KINDS), required=True, choices=MEETING_KINDS),
        Column(_tr("地点"), "place", v.text, hint=_tr("如 镇政府二楼会议室")),
        Column(_tr("主持人"), "chair", v.text, required=True, hint=_tr("姓名")),
        Column(_tr("记录人"), "recorder", v.text, hint=_tr("姓名")),
    ]


def _box(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    lay = QVBoxLayout(box)
    lay.setContentsMargins(6, 4, 6, 6)
    lay.addWidget(widget)
    return box


# ---- the open items of earlier meetings, reviewed at this one ----------------------------


class EarlierItemModel(RowTableModel):
    COL_MEETING, COL_TASK, COL_OWNER, COL_VILLAGE, COL_DUE, COL_STATUS, COL_RESULT = range(7)
    CENTRED = frozenset({COL_STATUS})

    def __init__(self, names: Names, parent=None) -> None:
        super().__init__(parent)
        self.names = names
        self.closures: dict[str, str | None] = {}
        self.set_headers(
            [
                self.tr("提出会议"),
                self.tr("督办事项"),
                self.tr("责任人"),
                self.tr("村"),
                self.tr("办结期限"),
                self.tr("状态"),
                self.tr("办理结果"),
            ]
        )

    def value(self, row: ActionItem, column: int):
        closed = row.uuid in self.closures
        return (
            row.meeting_day,
            row.task,
            row.owner_name,
            row.village_name,
            row.due_date,
            self.tr("本次办结") if closed else status_text(OPEN, row.days_overdue),
            self.closures.get(row.uuid) if closed else "",
        )[column]

    def foreground(self, row: ActionItem, column: int):
        if row.uuid in self.closures:
            return QBrush(GREY)
        return QBrush(RED) if row.overdue else None

    def tooltip(self, row: ActionItem, column: int) -> str | None:
        if column == self.COL_MEETING:
            return f"{row.meeting_day} {row.meeting_kind}"
        return row.task if column == self.COL_TASK else None


class EarlierSection(QWidget):
    """上次会议未办结事项: each closed here (result; done on this meeting's day) or left open."""

    changed = Signal()

    def __init__(self, names: Names, parent=None) -> None:
        super().__init__(parent)
        self.model = EarlierItemModel(names, self)
        M = EarlierItemModel
        self.table = read_only_table(
            self.model,
            {M.COL_MEETING: 92, M.COL_OWNER: 70, M.COL_VILLAGE: 70, M.COL_DUE: 92},
            stretch=M.COL_TASK,
        )
        self.table.setColumnWidth(M.COL_STATUS, 82)
        self.table.setColumnWidth(M.COL_RESULT, 120)
        note = QLabel(
            self.tr(
                "此前会议提出、尚未办结的督办事项，逐项听取办理情况：已办结的点“本次办结…”"
                "填写办理结果（办结日期记为本次会议日期），未办结的留待下次会议。"
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        self.empty_label = QLabel(self.tr("此前的会议没有未办结的督办事项。"))
        self.empty_label.setStyleSheet(OK_STYLE)
        self.close_button = button(self.tr("本次办结…"))
        self.reopen_button = button(self.tr("改回未办结"))
        self.dialog: RecordDialog | None = None
        bar = QHBoxLayout()
        bar.addWidget(self.close_button)
        bar.addWidget(self.reopen_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)
        self.close_button.clicked.connect(lambda: self.close_item())
        self.reopen_button.clicked.connect(lambda: self.reopen_item())
        self.table.activated.connect(lambda _i: self.close_item())

    def set_items(self, rows: list[ActionItem], closures: dict[str, str | None]) -> None:
        self.model.closures = {k: r for k, r in closures.items() if any(x.uuid == k for x in rows)}
        self.model.set_rows(rows)
        self.empty_label.setVisible(not rows)

    def closures(self) -> dict[str, str | None]:
        return dict(self.model.closures)

    def open_count(self) -> int:
        return sum(1 for r in self.model.rows() if r.uuid not in self.model.closures)

    def select(self, item_uuid: str) -> bool:
        for r, row in enumerate(self.model.rows()):
            if row.uuid == item_uuid:
                self.table.selectRow(r)
                return True
        return False

    def _current(self) -> ActionItem | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def close_item(self) -> RecordDialog | None:
        row = self._current()
        if row is None:
            return None

        def save(values: dict[str, Any]) -> None:
            self.model.closures[row.uuid] = values["result"]
            self.set_items(self.model.rows(), self.model.closures)
            self.select(row.uuid)
            self.changed.emit()

        dialog = RecordDialog(
            self.tr("本次办结：%1").replace("%1", row.task[:20]),
            close_columns(with_day=False),
            save,
            self,
            record={"result": self.model.closures.get(row.uuid)},
        )
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def reopen_item(self) -> None:
        row = self._current()
        if row is not None and row.uuid in self.model.closures:
            del self.model.closures[row.uuid]
            self.set_items(self.model.rows(), self.model.closures)
            self.select(row.uuid)
            self.changed.emit()


# ---- the page ----------------------------------------------------------------------------


class MeetingDialog(QDialog):
    """One meeting, new or saved; 保存 writes it all as one undo step."""

    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        draft: MeetingDraft,
        *,
        meeting_id: int | None = None,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._undo, self._clock = db, undo, clock
        self.meeting_id = meeting_id
        self.names = Names(db)
        self.setWindowTitle(self._title(draft))

        self.form = RecordForm(header_columns(), self)
        self.form.set_values(
            {f: getattr(draft, f) for f in ("day", "kind", "place", "chair", "recorder")}
        )
        people = sorted({name for name, _out in self.names.cadres.values()})
        for field in ("chair", "recorder"):
            completer = QCompleter(people, self)
            self.form.editors[field].setCompleter(completer)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARN_STYLE)
        self.attendees = AttendeesSection(self.names, self)
        self.attendees.set_attendees(list(draft.attendees))

        self.reports = ReportsSection(db, self.names, self._day, self)
        self.reports.set_reports(list(draft.reports))
        self.agenda_edit = QPlainTextEdit(draft.agenda or "")
        self.agenda_edit.setObjectName("agenda")
        self.agenda_edit.setFixedHeight(self.agenda_edit.fontMetrics().lineSpacing() * 3 + 14)
        self.minutes_edit = QPlainTextEdit(draft.minutes or "")
        self.minutes_edit.setObjectName("minutes")
        self.decisions_edit = QPlainTextEdit("\n".join(draft.decisions))
        self.decisions_edit.setObjectName("decisions")
        self.decisions_edit.setPlaceholderText(self.tr("每行一条决定"))
        self.decisions_edit.setFixedHeight(self.decisions_edit.fontMetrics().lineSpacing() * 5 + 14)
        notes = QWidget()
        nl = QVBoxLayout(notes)
        for label, edit, stretch in (
            (self.tr("议程"), self.agenda_edit, 0),
            (self.tr("会议纪要"), self.minutes_edit, 1),
            (self.tr("会议决定（每行一条）"), self.decisions_edit, 0),
        ):
            nl.addWidget(QLabel(label))
            nl.addWidget(edit, stretch)
        self.items = ItemsSection(self.names, self._day, clock(), self)
        self.items.set_items(list(draft.items))
        self.earlier = EarlierSection(self.names, self)
        self._earlier_day = ""
        self._load_earlier(draft.closures)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.reports, "")
        self.tabs.addTab(notes, self.tr("议程、纪要与决定"))
        self.tabs.addTab(self.items, "")
        self.tabs.addTab(self.earlier, "")

        left = QWidget()
        left.setFixedWidth(350)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.title_label = QLabel(self._title(draft))
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title_label.setFont(font)
        ll.addWidget(self.title_label)
        ll.addWidget(_box(self.tr("会议"), self.form))
        ll.addWidget(self.warning)
        ll.addWidget(_box(self.tr("参会人员"), self.attendees), 1)
        body = QHBoxLayout()
        body.addWidget(left)
        body.addWidget(self.tabs, 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setOpenExternalLinks(True)
        self.message.hide()
        self.print_button = button(self.tr("打印纪要…"))
        self.print_button.setToolTip(self.tr("把已保存的会议纪要打印成 PDF（含签字栏）"))
        self.print_button.setEnabled(meeting_id is not None)
        self.save_button = button(self.tr("保存"))
        self.cancel_button = button(self.tr("取消"))
        keys = QLabel(self.tr("保存后可在列表中按 Ctrl+Z 撤销这次保存"))
        keys.setStyleSheet(NOTE_STYLE)
        bottom = QHBoxLayout()
        bottom.addWidget(self.print_button)
        bottom.addWidget(keys, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)

        self.form.saved.connect(lambda _values: self.save())
        self.form.cancelled.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.print_button.clicked.connect(lambda: self.print_minutes())
        self.form.editors["day"].editingFinished.connect(self._day_changed)
        for section in (self.reports, self.items, self.earlier):
            section.changed.connect(self._update_tabs)
        self._update_tabs()
        self._update_warning()
        self._initial = self.draft()
        self.resize(1160, 680)

    # -- opening -----------------------------------------------------------------------
    @classmethod
    def new(cls, db, undo, kind: str, *, clock=date.today, parent=None) -> MeetingDialog:
        return cls(db, undo, mdb.new_meeting(db, kind, clock()), clock=clock, parent=parent)

    @classmethod
    def edit(cls, db, undo, meeting_id: int, *, clock=date.today, parent=None):
        draft = mdb.meeting(db, meeting_id, today=clock())
        if draft is None:
            return None
        return cls(db, undo, draft, meeting_id=meeting_id, clock=clock, parent=parent)

    def _title(self, draft: MeetingDraft) -> str:
        if self.meeting_id is None:
            return self.tr("新建%1").replace("%1", draft.kind)
        return f"{draft.kind} {draft.day}（{weekday_name(draft.day)}）"

    def show_item(self, item_uuid: str) -> None:
        """Show the item: among those raised here, or among the earlier ones reviewed."""
        if self.earlier.select(item_uuid):
            self.tabs.setCurrentWidget(self.earlier)
            return
        for r, item in enumerate(self.items.items()):
            if item.uuid == item_uuid:
                self.tabs.setCurrentWidget(self.items)
                self.items.table.selectRow(r)

    # -- the day and what depends on it -------------------------------------------------
    def _text(self, field: str) -> str:
        editor = self.form.editors[field]
        return (editor.currentText() if hasattr(editor, "currentText") else editor.text()).strip()

    def _day(self) -> str:
        try:
            return v.iso_date(self.form.editors["day"].text())
        except DomainError:
            return self._earlier_day or self._clock().isoformat()

    def _load_earlier(self, closures: dict[str, str | None]) -> None:
        day = self._day()
        rows = mdb.open_items_before(
            self._db,
            date.fromisoformat(day),
            meeting_id=self.meeting_id,
            today=date.fromisoformat(day),
        )
        self.earlier.set_items(rows, closures)
        self._earlier_day = day

    def _day_changed(self) -> None:
        if self.form.validate_field("day") and self._day() != self._earlier_day:
            self._load_earlier(self.earlier.closures())
            self._update_tabs()
            self._update_warning()

    def _update_warning(self) -> None:
        same_week = []
        if self._text("kind") == mdb.WEEKLY:
            same_week = mdb.weekly_meetings_in_week(
                self._db, date.fromisoformat(self._day()), exclude=self.meeting_id
            )
        self.warning.setText(
            self.tr("注意：这一周已有周例会（%1）。").replace("%1", "、".join(same_week))
            if same_week
            else ""
        )
        self.warning.setVisible(bool(same_week))

    def _update_tabs(self) -> None:
        self.tabs.setTabText(
            0, self.tr("各村汇报（%1）").replace("%1", str(len(self.reports.reports())))
        )
        self.tabs.setTabText(
            2, self.tr("本次督办事项（%1）").replace("%1", str(len(self.items.items())))
        )
        n = self.earlier.open_count()
        self.tabs.setTabText(3, self.tr("上次会议未办结事项（%1）").replace("%1", str(n)))
        self.tabs.tabBar().setTabTextColor(3, Qt.GlobalColor.darkRed if n else Qt.GlobalColor.black)

    # -- saving ------------------------------------------------------------------------
    def draft(self, header: dict[str, Any] | None = None) -> MeetingDraft | None:
        """The meeting as shown; None while a field of the header has a problem."""
        if header is None:
            header = {}
            for col in self.form.columns:
                try:
                    raw = self._text(col.field)
                    header[col.field] = col.parse(raw) if raw else col.default
                except DomainError:
                    return None
        return MeetingDraft(
            kind=header["kind"],
            day=header["day"],
            place=header["place"],
            chair=header["chair"],
            recorder=header["recorder"],
            agenda=self.agenda_edit.toPlainText().strip() or None,
            minutes=self.minutes_edit.toPlainText().strip() or None,
            attendees=self.attendees.attendees(),
            reports=self.reports.reports(),
            decisions=[
                t.strip() for t in self.decisions_edit.toPlainText().splitlines() if t.strip()
            ],
            items=self.items.items(),
            closures=self.earlier.closures(),
        )

    def is_dirty(self) -> bool:
        return self.draft() != self._initial

    def _show_message(self, text: str, style: str = ERROR_STYLE) -> None:
        self.message.setStyleSheet(style)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def save(self) -> bool:
        """Check and write the meeting; closes the dialog when saved."""
        header = self.form.values()
        if header is None:
            self._show_message(self.tr("请先改正标红的项目。"))
            return False
        draft = self.draft(header)
        assert draft is not None
        problems = mdb.draft_problems(draft)
        if problems:
            where, problem = next(iter(problems.items()))
            self._show_problem(where, problem)
            return False
        text = self.tr("保存会议 %1 %2").replace("%1", draft.day).replace("%2", draft.kind)
        try:
            (meeting_id, batch), reason = run_with_reason(
                self,
                lambda r: mdb.save_meeting(self._db, draft, meeting_id=self.meeting_id, reason=r),
                what=text,
            )
        except DomainError as e:  # a cancelled reason too: the page stays open as it was
            self._show_problem(e.field or "", str(e))
            return False
        if batch.changes:
            push_batch(self._undo, batch, text, reason)
        self.meeting_id = meeting_id
        self._initial = draft
        self.accept()
        return True

    def _show_problem(self, where: str, problem: str) -> None:
        if where in self.form.editors:
            self.form.show_problem(where, problem)
            self.form.editors[where].setFocus()
        tab = {"reports": self.reports, "items": self.items}.get(where)
        if tab is not None:
            self.tabs.setCurrentWidget(tab)
        if where == "attendees":
            self.attendees.table.setFocus()
        self._show_message(problem)

    def reject(self) -> None:
        if self.is_dirty():
            answer = QMessageBox.question(
                self,
                self.tr("放弃修改"),
                self.tr("这次会议记录有未保存的修改，确定放弃吗？"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    # -- printing ----------------------------------------------------------------------
    def print_minutes(self, path: Path | None = None) -> Path | None:
        """The saved minutes as a PDF with signature lines, written to ``path`` (returned), or
        without one opened in the print preview; None when refused."""
        try:
            from app.reports.meeting import meeting_report
            from app.reports.pdf.meeting import build_meeting_pdf
        except ImportError:
            self._show_message(self.tr("这个版本还不能打印会议纪要。"))
            return None
        if self.meeting_id is None or self.is_dirty():
            self._show_message(self.tr("请先保存会议记录，再打印纪要。"))
            return None
        draft = self._initial
        meeting_id = self.meeting_id
        name = self.tr("会议纪要-%1-%2.pdf").replace("%1", draft.day).replace("%2", draft.kind)
        return print_report(
            self,
            lambda: meeting_report(self._db, meeting_id, today=self._clock())[0],
            build_meeting_pdf,
            path,
            file_name=name,
            ask_title=self.tr("打印会议纪要"),
            on_saved=lambda written: show_link(self.message, self.tr("已打印会议纪要到"), written),
            what=self.tr("会议纪要"),
            asker=ask_save_path,
        )
