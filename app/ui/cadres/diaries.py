"""民情日记: the cadres' diary entries — list, search, add / edit / evaluate / delete, print.

The list is filtered (cadre, village, month / quarter / year) and searched as the clerk
types (every word must appear in some text field) in SQL, newest first; a click on a
header sorts. The selected entry is shown whole under the list. The form is the record
form of the other tabs (problem under each field, Enter saves, Esc cancels) with the
long texts in multi-line boxes, where Enter starts a new line and Ctrl+Enter saves.
Every saved edit goes to the tab's undo stack. 打印 writes the selected or the filtered
entries to an A4 PDF (one block per entry, the Chinese font embedded).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from reportlab.platypus.doctemplate import LayoutError
from sqlite_utils import Database

from app.db import diaries as ddb
from app.db.diaries import BODY_FIELDS, EVAL_GRADES, FIELD_LABELS, DiaryFilter, DiaryRow
from app.db.records import Change
from app.db.store import identity
from app.domain.errors import DomainError
from app.reports.compliance import period_title
from app.reports.pdf.diaries import build_diaries_pdf, diary_evaluation, diary_heading
from app.sheets import values as v
from app.sheets.base import Column
from app.ui.models.table_model import RowTableModel
from app.ui.undo import TabUndo
from app.ui.widgets.common import (
    MUTED_TEXT,
    LongTextDialog,
    LongTextForm,
    PeriodPicker,
    ask_save_path,
    file_link,
)
from app.ui.widgets.reason import ReasonCancelled, run_with_reason
from app.ui.widgets.record_form import RecordDialog
from app.ui.widgets.tables import read_only_table

MULTILINE = ("situation", "difficulties", "requests", "reflections", "plan")


def _tr(text: str) -> str:
    return QCoreApplication.translate("Diaries", text)


def diary_day(value: object) -> str:
    """A date as the sheets read it (2026-02-30 is refused), without the Excel advice."""
    try:
        return v.iso_date(value)
    except DomainError as e:
        raise DomainError(e.message.split("（", 1)[0]) from None


def labelled(options: Sequence[tuple[str, str]], with_key: bool) -> dict[str, str]:
    """key -> what the clerk sees: the name, with the key when asked or when names repeat."""
    names = [name for _key, name in options]
    return {k: f"{n}（{k}）" if with_key or names.count(n) > 1 else n for k, n in options}


def choice_column(header: str, field: str, labels: dict[str, str], hint: str) -> Column:
    keys = {label: key for key, label in labels.items()}

    def parse(value: object) -> str:
        if str(value) not in keys:
            raise DomainError(_tr("不在列表中：%1").replace("%1", str(value)))
        return keys[str(value)]

    def show(value: object) -> str:
        return "" if value is None else labels.get(str(value), str(value))

    choices = tuple(labels.values())
    return Column(header, field, parse, required=True, show=show, choices=choices, hint=hint)


def evaluation_columns(current: str | None = None) -> list[Column]:
    """评价等次 and 评价人; a grade outside the four (older entries) stays choosable."""
    grades = EVAL_GRADES + ((current,) if current and current not in EVAL_GRADES else ())
    return [
        Column(_tr("评价等次"), "eval_grade", v.choice(grades), choices=grades),
        Column(_tr("评价人"), "evaluator", v.text, hint=_tr("乡镇评价人姓名")),
    ]


def diary_columns(
    cadres: dict[str, str], villages: dict[str, str], grade: str | None = None
) -> list[Column]:
    """The diary form; ``cadres`` and ``villages`` map keys to the labels offered."""
    text = _tr("文字，可空")
    return [
        Column(_tr("日期"), "day", diary_day, required=True, hint=_tr("YYYY-MM-DD，如 2026-05-15")),
        choice_column(_tr("干部"), "cadre_no", cadres, _tr("从干部花名册中选择")),
        choice_column(_tr("村"), "village_code", villages, _tr("走访所在的村")),
        Column(_tr("地点"), "place", v.text, hint=text),
        Column(_tr("走访对象"), "people", v.text, hint=_tr("姓名、人数，可空")),
        Column(_tr("基本情况"), "situation", v.text, required=True, hint=_tr("走访了解到的情况")),
        Column(_tr("存在困难"), "difficulties", v.text, hint=text),
        Column(_tr("群众诉求"), "requests", v.text, hint=text),
        Column(_tr("心得体会"), "reflections", v.text, hint=text),
        Column(_tr("下步打算"), "plan", v.text, hint=text),
        *evaluation_columns(grade),
    ]


# ---- the list, the entry, the print -------------------------------------------------------


class DiaryTableModel(RowTableModel):
    COL_DAY, COL_CADRE, COL_VILLAGE, COL_PLACE = 0, 1, 2, 3
    COL_PEOPLE, COL_SITUATION, COL_GRADE, COL_EVALUATOR = 4, 5, 6, 7

    #: column -> field of the row, also the sort key of :func:`app.db.diaries.entries`
    SORT_KEYS = dict(
        enumerate(
            ("day", "cadre_name", "village_name", "place", "people", "situation")
            + ("eval_grade", "evaluator")
        )
    )
    CENTRED = frozenset({COL_DAY, COL_GRADE})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [self.tr("日期"), self.tr("干部"), self.tr("村"), self.tr("地点")]
            + [self.tr("走访对象"), self.tr("情况摘要"), self.tr("评价等次"), self.tr("评价人")]
        )

    def value(self, row: DiaryRow, column: int) -> Any:
        return getattr(row, self.SORT_KEYS[column])

    def display(self, row: DiaryRow, column: int) -> str:
        if column == self.COL_GRADE and row.eval_grade is None:
            return self.tr("未评价")
        return super().display(row, column).replace("\n", " ")

    def foreground(self, row: DiaryRow, column: int):
        return MUTED_TEXT if column == self.COL_GRADE and row.eval_grade is None else None

    def tooltip(self, row: DiaryRow, column: int) -> str | None:
        if column in (self.COL_PLACE, self.COL_PEOPLE, self.COL_SITUATION):
            return self.value(row, column) or None
        if column == self.COL_CADRE:
            return self.tr("干部编号：%1").replace("%1", row.cadre_no)
        return None


def entry_html(entry: dict[str, Any]) -> str:
    """The whole entry for the pane under the list."""

    def esc(value: object) -> str:
        return html.escape("" if value is None else str(value)).replace("\n", "<br>")

    cells = [(FIELD_LABELS[f], entry.get(f)) for f in BODY_FIELDS]
    rows = "".join(
        f"<tr><td style='color:#555; padding-right:8px' nowrap>{esc(_tr(k))}</td>"
        f"<td>{esc(t)}</td></tr>"
        for k, t in [*cells, ("评价", diary_evaluation(entry))]
    )
    return f"<p><b>{esc(diary_heading(entry))}</b></p><table cellspacing='2'>{rows}</table>"


# ---- the page ----------------------------------------------------------------------------


class DiariesPage(QWidget):
    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._db, self._undo, self._clock = db, undo, clock
        self._sort, self._descending = "day", True
        self._cadres: dict[str, str] = {}
        self._villages: dict[str, str] = {}

        self.cadre_combo, self.village_combo = QComboBox(), QComboBox()
        self.picker = PeriodPicker(clock(), allow_all=True)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("检索日记内容（多个词用空格分开）  Ctrl+F"))
        self.search_edit.setClearButtonEnabled(True)
        top, actions = QHBoxLayout(), QHBoxLayout()
        for label, widget in zip(
            (self.tr("干部："), self.tr("村："), self.tr("期间：")),
            (self.cadre_combo, self.village_combo, self.picker),
            strict=True,
        ):
            top.addWidget(QLabel(label))
            top.addWidget(widget)
            top.addSpacing(6)
        top.addWidget(self.search_edit, 1)
        for name, text, slot in (
            ("add_button", self.tr("新增日记…"), self.add_entry),
            ("edit_button", self.tr("编辑…"), self.edit_current),
            ("evaluate_button", self.tr("评价…"), self.evaluate_current),
            ("delete_button", self.tr("删除"), self.delete_current),
            ("print_button", self.tr("打印 PDF…"), None),
        ):
            button = QPushButton(text)
            button.setAutoDefault(False)
            if slot is not None:
                button.clicked.connect(lambda _c=False, f=slot: f())
            setattr(self, name, button)
            actions.addWidget(button)
        self.print_menu = QMenu(self)
        self.print_selected_action = self.print_menu.addAction("")
        self.print_all_action = self.print_menu.addAction("")
        self.print_button.setMenu(self.print_menu)
        self.status_label, self.count_label = QLabel(), QLabel()
        self.status_label.setOpenExternalLinks(True)
        actions.addSpacing(12)
        actions.addWidget(self.status_label, 1)
        actions.addWidget(self.count_label)

        M = DiaryTableModel
        self.model = DiaryTableModel(self)
        widths = {M.COL_DAY: 92, M.COL_CADRE: 70, M.COL_VILLAGE: 76, M.COL_PLACE: 130}
        widths |= {M.COL_PEOPLE: 150, M.COL_GRADE: 72, M.COL_EVALUATOR: 72}
        self.table = read_only_table(self.model, widths, stretch=M.COL_SITUATION)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSortIndicator(M.COL_DAY, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.detail, self.empty_label = QTextBrowser(), QLabel()
        self.empty_label.hide()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([360, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for part in (top, actions):
            layout.addLayout(part)
        layout.addWidget(self.empty_label)
        layout.addWidget(split, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self.reload_rows)
        self.search_edit.textChanged.connect(self._search_timer.start)
        for signal in (
            self.cadre_combo.currentIndexChanged,
            self.village_combo.currentIndexChanged,
        ):
            signal.connect(self.reload_rows)
        self.picker.changed.connect(self.reload_rows)
        self.model.sort_requested.connect(self._sort_by)
        self.table.activated.connect(lambda _index: self.edit_current())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        self.print_selected_action.triggered.connect(lambda: self.print_pdf(selected_only=True))
        self.print_all_action.triggered.connect(lambda: self.print_pdf(selected_only=False))
        for keys, slot, widget in (
            (QKeySequence.StandardKey.Delete, self.delete_current, self.table),
            (QKeySequence.StandardKey.Find, self.search_edit.setFocus, self),
            (QKeySequence.StandardKey.Print, lambda: self.print_pdf(), self),
            (QKeySequence.StandardKey.New, lambda: self.add_entry(), self),
        ):
            shortcut = QShortcut(QKeySequence(keys), widget)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._selection_changed()

    # -- filters and rows ----------------------------------------------------------------
    def _fill(self, combo: QComboBox, labels: dict[str, str]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("全部"), None)
        for key, label in labels.items():
            combo.addItem(label, key)
        combo.setCurrentIndex(max(0, combo.findData(chosen)))
        combo.blockSignals(False)

    def refresh(self) -> None:
        """Reload the roster, the villages and the rows (after an edit, undo or import)."""
        roster = ddb.cadres(self._db)
        self._cadres = labelled(roster, with_key=True)
        self._villages = labelled(ddb.villages(self._db), with_key=False)
        self._fill(self.cadre_combo, labelled(roster, with_key=False))
        self._fill(self.village_combo, self._villages)
        self.reload_rows()

    def filter(self) -> DiaryFilter:
        period = self.picker.period()
        return DiaryFilter(
            cadre_no=self.cadre_combo.currentData(),
            village_code=self.village_combo.currentData(),
            first=period.first_day if period else None,
            last=period.last_day if period else None,
            text=self.search_edit.text(),
        )

    def reload_rows(self) -> None:
        """The rows under the current filters and sort, keeping the selected entries."""
        self._search_timer.stop()
        chosen, flt = self.selected_uuids(), self.filter()
        rows = ddb.entries(self._db, flt, sort=self._sort, descending=self._descending)
        self.model.set_rows(rows)
        for uuid in chosen:
            self.select(uuid, add=True)
        text = self.tr("共 %1 篇").replace("%1", str(len(rows)))
        if len(rows) >= ddb.LIST_LIMIT:
            text = self.tr("共 %1 篇，只列出前 %2 篇").replace("%1", str(ddb.count(self._db, flt)))
        self.count_label.setText(text.replace("%2", str(len(rows))))
        self.empty_label.setText(
            self.tr("没有符合条件的民情日记。")
            if flt != DiaryFilter()
            else self.tr("还没有民情日记。请点“新增日记…”录入。")
        )
        self.empty_label.setVisible(not rows)

    def _sort_by(self, column: int, order: Qt.SortOrder) -> None:
        if column in DiaryTableModel.SORT_KEYS:
            self._sort = DiaryTableModel.SORT_KEYS[column]
            self._descending = order == Qt.SortOrder.DescendingOrder
            self.reload_rows()

    # -- selection -----------------------------------------------------------------------
    def selected_uuids(self) -> list[str]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.row_at(r).uuid for r in rows if r < self.model.rowCount()]

    def current_uuid(self) -> str | None:
        index = self.table.currentIndex()
        if index.isValid() and self.table.selectionModel().isRowSelected(index.row()):
            return self.model.row_at(index.row()).uuid
        chosen = self.selected_uuids()
        return chosen[0] if chosen else None

    def select(self, uuid: str, *, add: bool = False) -> bool:
        rows = [r for r, row in enumerate(self.model.rows()) if row.uuid == uuid]
        if not rows:
            return False
        if add:
            flags = self.table.selectionModel().SelectionFlag
            self.table.selectionModel().select(
                self.model.index(rows[0], 0), flags.Select | flags.Rows
            )
        else:
            self.table.selectRow(rows[0])
        self.table.scrollTo(self.model.index(rows[0], 0))
        return True

    def _selection_changed(self, *_args) -> None:
        n = len(self.selected_uuids())
        for b in (self.edit_button, self.evaluate_button, self.delete_button):
            b.setEnabled(n > 0)
        self.print_selected_action.setEnabled(n > 0)
        self.print_selected_action.setText(self.tr("打印选中的 %1 篇…").replace("%1", str(n)))
        total = str(self.model.rowCount())
        self.print_all_action.setText(self.tr("打印筛选出的全部 %1 篇…").replace("%1", total))
        self.print_button.setEnabled(self.model.rowCount() > 0)
        uuid = self.current_uuid()
        entry = ddb.full_entries(self._db, uuids=[uuid]) if uuid else []
        self.detail.setHtml(entry_html(entry[0]) if entry else "")

    # -- edits ---------------------------------------------------------------------------
    def _text(self, verb: str, values: dict[str, Any]) -> str:
        """``修改民情日记 2026-05-06 王建国``: the undo step's text."""
        name = self._cadres.get(values.get("cadre_no") or "", "").split("（")[0]
        text = self.tr("%1民情日记 %2 %3").replace("%1", verb)
        return text.replace("%2", str(values.get("day"))).replace("%3", name)

    def _push(
        self, change: Change, verb: str, values: dict[str, Any], reason: str | None = None
    ) -> None:
        self._undo.push(change, self._text(verb, values), reason)
        self.reload_rows()

    def _write(
        self, verb: str, values: dict[str, Any], action: Callable[[str | None], Change]
    ) -> tuple[Change, str | None]:
        """``action(reason)``, asking for the reason when the entry's quarter was sent to
        the county (:func:`app.ui.widgets.reason.run_with_reason`)."""
        return run_with_reason(self, action, what=self._text(verb, values))

    def _check(self, values: dict[str, Any]) -> dict[str, str]:
        problems = {}
        today = self._clock().isoformat()
        if values.get("day") and values["day"] > today:
            problems["day"] = self.tr("日期晚于今天（%1）").replace("%1", today)
        if values.get("eval_grade") and not values.get("evaluator"):
            problems["evaluator"] = self.tr("请填写评价人")
        if values.get("evaluator") and not values.get("eval_grade"):
            problems["eval_grade"] = self.tr("请选择评价等次")
        return problems

    def _suggest_village(self, form: LongTextForm) -> None:
        """When the cadre is chosen and no village yet: the village of the cadre's post."""
        if form.raw("village_code"):
            return
        cadre = {lbl: k for k, lbl in self._cadres.items()}.get(form.raw("cadre_no"))
        try:
            day = date.fromisoformat(diary_day(form.raw("day")))
        except DomainError:
            day = self._clock()
        code = ddb.assigned_village(self._db, cadre, day) if cadre else None
        if code in self._villages:
            form.set_text("village_code", self._villages[code])

    def _open(self, dialog: RecordDialog) -> RecordDialog:
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _diary_dialog(self, title: str, save, record: dict[str, Any]) -> LongTextDialog:
        columns = diary_columns(self._cadres, self._villages, record.get("eval_grade"))
        dialog = LongTextDialog(
            title, columns, save, self, record=record, check=self._check, multiline=MULTILINE
        )
        form = dialog.form
        form.editors["cadre_no"].currentIndexChanged.connect(lambda _i: self._suggest_village(form))
        if record.get("cadre_no") and not record.get("village_code"):
            self._suggest_village(form)
        self._open(dialog)
        return dialog

    def add_entry(self) -> LongTextDialog:
        flt = self.filter()
        record = {"day": self._clock().isoformat(), "cadre_no": flt.cadre_no}

        def save(values: dict[str, Any]) -> Change:
            verb = self.tr("新增")
            change, reason = self._write(
                verb, values, lambda r: ddb.add_entry(self._db, values, reason=r)
            )
            self._push(change, verb, values, reason)
            if not self.select(change.key["uuid"]):
                self.status_label.setText(self.tr("已保存；这篇日记不在当前筛选条件内。"))
            return change

        record["village_code"] = flt.village_code
        return self._diary_dialog(self.tr("新增民情日记"), save, record)

    def _current(self) -> dict[str, Any] | None:
        uuid = self.current_uuid()
        return ddb.entry(self._db, uuid) if uuid else None

    def edit_current(self) -> LongTextDialog | None:
        record = self._current()
        if record is None:
            return None

        def save(values: dict[str, Any]) -> Change:
            verb = self.tr("修改")
            change, reason = self._write(
                verb, values, lambda r: ddb.update_entry(self._db, record["uuid"], values, reason=r)
            )
            if change.before != change.after:
                self._push(change, verb, values, reason)
            return change

        return self._diary_dialog(self.tr("编辑民情日记"), save, record)

    def evaluate_current(self) -> RecordDialog | None:
        """The township's evaluation (评价等次, 评价人) of the current entry."""
        record = self._current()
        if record is None:
            return None
        shown = record | {"evaluator": record["evaluator"] or ddb.last_evaluator(self._db)}

        def save(values: dict[str, Any]) -> Change:
            grade, evaluator = values["eval_grade"], values["evaluator"]
            verb = self.tr("评价")
            change, reason = self._write(
                verb,
                record,
                lambda r: ddb.set_evaluation(self._db, record["uuid"], grade, evaluator, reason=r),
            )
            if change.before != change.after:
                self._push(change, verb, record, reason)
            return change

        title = self.tr("评价民情日记：%1").replace(
            "%1", diary_heading(record | self._names(record))
        )
        columns = evaluation_columns(record["eval_grade"])
        dialog = RecordDialog(title, columns, save, self, record=shown, check=self._check)
        return self._open(dialog)

    def _names(self, record: dict[str, Any]) -> dict[str, str]:
        name = self._cadres.get(record["cadre_no"], "").split("（")[0]
        return {"cadre_name": name, "village_name": self._villages.get(record["village_code"], "")}

    def delete_current(self) -> bool:
        record = self._current()
        if record is None:
            return False
        answer = QMessageBox.question(
            self,
            self.tr("删除民情日记"),
            self.tr("删除这篇民情日记？\n\n%1\n\n删除后可用 Ctrl+Z 撤销。").replace(
                "%1", diary_heading(record | self._names(record))
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        verb = self.tr("删除")
        try:
            change, reason = self._write(
                verb, record, lambda r: ddb.delete_entry(self._db, record["uuid"], reason=r)
            )
        except ReasonCancelled:
            return False
        except DomainError as e:
            QMessageBox.warning(self, self.tr("不能删除"), str(e))
            return False
        self._push(change, verb, record, reason)
        return True

    # -- printing ------------------------------------------------------------------------
    def print_data(self, selected_only: bool) -> dict[str, Any]:
        """What the PDF shows: title, township, period, the filters and the entries."""
        flt, period, ident = self.filter(), self.picker.period(), identity(self._db)
        if selected_only:
            entries = ddb.full_entries(self._db, uuids=self.selected_uuids())
        else:
            entries = ddb.full_entries(self._db, flt=flt)
        span = period_title(period) if period else self.tr("全部")
        if period is None and entries:
            span = f"{entries[0]['day']} 至 {entries[-1]['day']}"
        parts = [
            self.tr("干部：%1").replace("%1", self.cadre_combo.currentText()),
            self.tr("村：%1").replace("%1", self.village_combo.currentText()),
        ]
        if flt.words():
            parts.append(self.tr("检索：%1").replace("%1", " ".join(flt.words())))
        which = self.tr("选中的日记") if selected_only else self.tr("筛选出的日记")
        parts.append(self.tr("%1共 %2 篇").replace("%1", which).replace("%2", str(len(entries))))
        return {
            "title": self.tr("民情日记"),
            "township": ident.display_name if ident else "",
            "period": span,
            "filters": "；".join(parts),
            "entries": entries,
        }

    def print_pdf(self, path: Path | None = None, *, selected_only: bool | None = None):
        """Write the selected entries (default when any is selected) or all the filtered
        ones to a PDF; asks for the file when no ``path`` is given. Returns the path."""
        if selected_only is None:
            selected_only = bool(self.selected_uuids())
        data = self.print_data(selected_only)
        if not data["entries"]:
            return None
        if path is None:
            name = self.tr("民情日记-%1.pdf").replace("%1", data["period"].replace(" ", ""))
            path = ask_save_path(self, self.tr("打印民情日记"), name, self.tr("PDF 文件"))
            if path is None:
                return None
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            written = build_diaries_pdf(data, Path(path))
        except (DomainError, OSError) as e:
            QMessageBox.warning(self, self.tr("打印失败"), str(e))
            return None
        except LayoutError:  # reportlab could not place something on an A4 page
            QMessageBox.warning(
                self,
                self.tr("打印失败"),
                self.tr(
                    "有日记的内容无法排进 A4 页面，PDF 没有写出。"
                    "请把过长的内容分成几篇日记，或缩短后再打印。"
                ),
            )
            return None
        finally:
            self.unsetCursor()
        text = self.tr("已把 %1 篇日记打印到").replace("%1", str(len(data["entries"])))
        self.status_label.setText(file_link(text, written))
        return written
