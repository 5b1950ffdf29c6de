"""办实事台账: the practical things done for villagers, filtered, totalled and exported.

The list, the totals under it and the three breakdowns (by village, by category, by
month or quarter) all follow the same filters (period, village, category, status,
words) and come from :mod:`app.db.practical`, which adds up integer fen in SQL; money
is shown with :func:`format_yuan_grouped` and exported as ``Decimal``. Edits go through
a :class:`RecordDialog` (a problem under each field) and the tab's undo stack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import cadres as cdb
from app.db import practical as pdb
from app.db import store
from app.db.practical import CATEGORIES, STATUSES, Group, MatterRow, PracticalFilter, Totals
from app.db.records import Change
from app.domain.errors import DomainError
from app.domain.money import fen_to_decimal, format_yuan_grouped
from app.reports.compliance import period_title
from app.reports.tabular import Table
from app.sheets import values as v
from app.sheets.base import Column
from app.ui.cadres.roster import CadrePage, button, cadre_label, choice_column, widen
from app.ui.models.table_model import RowTableModel
from app.ui.undo import TabUndo
from app.ui.widgets.common import PeriodPicker, ask_save_path, file_link, write_xlsx_or_warn
from app.ui.widgets.reason import ReasonCancelled, run_with_reason
from app.ui.widgets.record_form import RecordDialog
from app.ui.widgets.tables import read_only_table

IN_PROGRESS = QBrush(QColor("#8a4b00"))
MEETINGS_SINCE_DAYS = 183  # meetings offered as the source: about half a year back
DIARIES_SINCE_DAYS = 120
HEADERS = ("日期", "村", "干部", "类别", "事项", "投入资金（元）", "受益户数", "状态", "来源")


def choice(base: Column, header: str, options: list[tuple[str, str]], missing: str) -> Column:
    """:func:`choice_column`, offered as a list even when ``options`` is empty."""
    col = choice_column(base, header, options, missing)
    return col if col.choices else replace(col, choices=("",))


def matter_day(value: object) -> str:
    """A date as the sheets read it (2026-02-30 is refused), without the Excel advice."""
    try:
        return v.iso_date(value)
    except DomainError as e:
        raise DomainError(e.message.split("（", 1)[0]) from None


class LedgerModel(RowTableModel):
    COL_DAY, COL_VILLAGE, COL_CADRE, COL_CATEGORY, COL_TEXT = range(5)
    COL_FUNDS, COL_HOUSEHOLDS, COL_STATUS, COL_SOURCE = range(5, 9)
    #: column -> sort key of :func:`app.db.practical.matters`
    SORT_KEYS = dict(
        enumerate(
            ("day", "village", "cadre", "category", "description", "funds")
            + ("households", "status", "source")
        )
    )
    RIGHT_ALIGNED = frozenset({COL_FUNDS, COL_HOUSEHOLDS})
    CENTRED = frozenset({COL_DAY, COL_CATEGORY, COL_STATUS})
    _FIELDS = ("day", "village_name", "cadre_name", "category", "description", "funds_fen")
    _FIELDS += ("households", "status", "source")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers([self.tr(h) for h in HEADERS])

    def value(self, row: MatterRow, column: int) -> Any:
        return getattr(row, self._FIELDS[column])

    def display(self, row: MatterRow, column: int) -> str:
        if column == self.COL_FUNDS:
            return format_yuan_grouped(row.funds_fen)
        return super().display(row, column)

    def foreground(self, row: MatterRow, column: int):
        return IN_PROGRESS if column == self.COL_STATUS and row.status == "办理中" else None

    def tooltip(self, row: MatterRow, column: int) -> str | None:
        if column in (self.COL_TEXT, self.COL_SOURCE):
            return self.display(row, column) or None
        return None


class GroupModel(RowTableModel):
    """One breakdown: name, 件数, 资金（元）, 户数."""

    RIGHT_ALIGNED = frozenset({1, 2, 3})

    def __init__(self, first: str, parent=None) -> None:
        super().__init__(parent)
        self.set_headers([first, self.tr("件数"), self.tr("资金（元）"), self.tr("户数")])

    def value(self, row: Group, column: int) -> Any:
        return (row.label, row.count, row.funds_fen, row.households)[column]

    def display(self, row: Group, column: int) -> str:
        return format_yuan_grouped(row.funds_fen) if column == 2 else super().display(row, column)


def ledger_table(
    title: str, rows: list[MatterRow], totals: Totals, groups: dict[str, list[Group]]
) -> Table:
    """The filtered list with its totals and breakdowns, as one sheet."""
    body = [
        (
            r.day,
            r.village_name or r.village_code,
            r.cadre_name or "",
            r.category,
            r.description,
            fen_to_decimal(r.funds_fen),
            r.households,
            r.status,
            r.source,
        )
        for r in rows
    ]
    funds = fen_to_decimal(totals.funds_fen)
    footer: list[tuple[object, ...]] = [
        ("合计", "", "", "", f"{totals.count} 件", funds, totals.households, "", "")
    ]
    for name, items in groups.items():
        footer.append(())
        footer.append((f"{name}汇总",))
        footer += [
            ("", g.label, "", "", f"{g.count} 件", fen_to_decimal(g.funds_fen), g.households)
            for g in items
        ]
    return Table(
        title, HEADERS, body, footer, sheet_name="办实事台账", number_columns=frozenset({5, 6})
    )


class PracticalMattersPage(CadrePage):
    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, undo, clock=clock, parent=parent)
        self._sort, self._descending = "day", True
        self._totals = Totals(0, 0, 0)

        self.picker = PeriodPicker(clock(), allow_all=True)
        self.picker.set_period(None)
        self.village_combo, self.category_combo = QComboBox(), QComboBox()
        self.status_combo = QComboBox()
        self.category_combo.addItem(self.tr("全部类别"), None)
        for c in CATEGORIES:
            self.category_combo.addItem(c, c)
        self.status_combo.addItem(self.tr("全部状态"), None)
        for s in STATUSES:
            self.status_combo.addItem(s, s)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("检索事项、村名或干部姓名"))
        self.search_edit.setClearButtonEnabled(True)
        top = QHBoxLayout()
        for label, widget in (
            (self.tr("期间："), self.picker),
            (self.tr("村："), self.village_combo),
            (self.tr("类别："), self.category_combo),
            (self.tr("状态："), self.status_combo),
        ):
            top.addWidget(QLabel(label))
            top.addWidget(widget)
            top.addSpacing(6)
        top.addWidget(self.search_edit, 1)

        self.add_button = button(self.tr("新增办实事…"))
        self.edit_button = button(self.tr("编辑…"))
        self.delete_button = button(self.tr("删除"))
        self.export_button = button(self.tr("导出 Excel…"))
        self.status_label, self.count_label = QLabel(), QLabel()
        self.status_label.setOpenExternalLinks(True)
        actions = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.delete_button, self.export_button):
            actions.addWidget(b)
        actions.addSpacing(12)
        actions.addWidget(self.status_label, 1)
        actions.addWidget(self.count_label)

        M = LedgerModel
        self.model = LedgerModel(self)
        widths = {M.COL_DAY: 90, M.COL_VILLAGE: 76, M.COL_CADRE: 64, M.COL_CATEGORY: 48}
        widths |= {M.COL_FUNDS: 112, M.COL_HOUSEHOLDS: 80, M.COL_STATUS: 60, M.COL_SOURCE: 230}
        self.table = read_only_table(self.model, widths, stretch=M.COL_TEXT)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicator(M.COL_DAY, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.empty_label = QLabel()
        self.empty_label.hide()

        self.totals_label = QLabel()
        self.totals_label.setObjectName("totals")
        self.totals_label.setStyleSheet("font-weight: bold;")
        self.by_village = GroupModel(self.tr("村"), self)
        self.by_category = GroupModel(self.tr("类别"), self)
        self.by_period = GroupModel(self.tr("期间"), self)
        self.period_combo = QComboBox()
        self.period_combo.addItem(self.tr("按月"), "month")
        self.period_combo.addItem(self.tr("按季"), "quarter")
        groups = QHBoxLayout()
        groups.setContentsMargins(0, 0, 0, 0)
        self.group_tables = []
        for title, model, extra in (
            (self.tr("按村汇总"), self.by_village, None),
            (self.tr("按类别汇总"), self.by_category, None),
            (self.tr("按期间汇总"), self.by_period, self.period_combo),
        ):
            box = QVBoxLayout()
            head = QHBoxLayout()
            label = QLabel(title)
            label.setMinimumHeight(self.period_combo.sizeHint().height())  # titles in line
            head.addWidget(label)
            if extra is not None:
                head.addWidget(extra)
            head.addStretch(1)
            box.addLayout(head)
            table = read_only_table(model, {1: 48, 2: 112, 3: 64}, stretch=0)
            table.setSortingEnabled(False)
            self.group_tables.append(table)
            box.addWidget(table)
            groups.addLayout(box, 1)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 4, 0, 0)
        bottom_layout.addWidget(self.totals_label)
        bottom_layout.addLayout(groups, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([330, 220])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.empty_label)
        layout.addWidget(split, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self.reload_rows)
        self.search_edit.textChanged.connect(self._search_timer.start)
        for combo in (self.village_combo, self.category_combo, self.status_combo):
            combo.currentIndexChanged.connect(self.reload_rows)
        self.picker.changed.connect(self._period_changed)
        self._default_grouping()
        self.period_combo.currentIndexChanged.connect(self._reload_groups)
        self.model.sort_requested.connect(self._sort_by)
        self.add_button.clicked.connect(lambda: self.add_matter())
        self.edit_button.clicked.connect(lambda: self.edit_current())
        self.delete_button.clicked.connect(lambda: self.delete_current())
        self.export_button.clicked.connect(lambda: self.export_xlsx())
        self.table.activated.connect(lambda _i: self.edit_current())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        for keys, slot, widget in (
            (QKeySequence.StandardKey.Delete, self.delete_current, self.table),
            (QKeySequence.StandardKey.New, self.add_matter, self),
            (QKeySequence.StandardKey.Find, self.search_edit.setFocus, self),
        ):
            shortcut = QShortcut(QKeySequence(keys), widget)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- filters and rows ----------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the villages and the rows (after an edit, undo or import)."""
        self._stale = False
        chosen = self.village_combo.currentData()
        self.village_combo.blockSignals(True)
        self.village_combo.clear()
        self.village_combo.addItem(self.tr("全部村"), None)
        for code, name, _situation in cdb.village_choices(self._db):
            self.village_combo.addItem(name, code)
        self.village_combo.setCurrentIndex(max(0, self.village_combo.findData(chosen)))
        self.village_combo.blockSignals(False)
        self.reload_rows()

    def filter(self) -> PracticalFilter:
        period = self.picker.period()
        return PracticalFilter(
            first=period.first_day if period else None,
            last=period.last_day if period else None,
            village_code=self.village_combo.currentData(),
            category=self.category_combo.currentData(),
            status=self.status_combo.currentData(),
            text=self.search_edit.text(),
        )

    def _default_grouping(self) -> None:
        """Months under a month or a quarter, quarters under a year or everything."""
        by = "month" if self.picker.kind() in ("month", "quarter") else "quarter"
        self.period_combo.blockSignals(True)
        self.period_combo.setCurrentIndex(self.period_combo.findData(by))
        self.period_combo.blockSignals(False)

    def _period_changed(self) -> None:
        self._default_grouping()
        self.reload_rows()

    def reload_rows(self) -> None:
        """Rows, totals and breakdowns under the current filters, keeping the selection."""
        self._search_timer.stop()
        chosen, flt = self.current_uuid(), self.filter()
        rows = pdb.matters(self._db, flt, sort=self._sort, descending=self._descending)
        self.model.set_rows(rows)
        if chosen:
            self.select(chosen)
        self._totals = pdb.totals(self._db, flt)
        t = self._totals
        self.totals_label.setText(
            self.tr("合计：%1 件　投入资金 %2 元　受益 %3 户")
            .replace("%1", str(t.count))
            .replace("%2", format_yuan_grouped(t.funds_fen))
            .replace("%3", str(t.households))
        )
        text = self.tr("共 %1 件").replace("%1", str(t.count))
        if len(rows) < t.count:
            text += self.tr("，只列出前 %1 件").replace("%1", str(len(rows)))
        self.count_label.setText(text)
        self.empty_label.setText(
            self.tr("没有符合筛选条件的办实事记录。")
            if flt != PracticalFilter()
            else self.tr("还没有办实事记录。请点“新增办实事…”录入。")
        )
        self.empty_label.setVisible(not rows)
        self.export_button.setEnabled(bool(rows))
        self._reload_groups()

    def _reload_groups(self) -> None:
        flt = self.filter()
        self.by_village.set_rows(pdb.breakdown(self._db, flt, "village"))
        self.by_category.set_rows(pdb.breakdown(self._db, flt, "category"))
        self.by_period.set_rows(pdb.breakdown(self._db, flt, self.period_combo.currentData()))

    def groups(self) -> dict[str, list[Group]]:
        """The breakdowns shown: {"按村": [...], "按类别": [...], "按月" or "按季": [...]}."""
        return {
            self.tr("按村"): self.by_village.rows(),
            self.tr("按类别"): self.by_category.rows(),
            self.period_combo.currentText(): self.by_period.rows(),
        }

    def totals(self) -> Totals:
        return self._totals

    def _sort_by(self, column: int, order: Qt.SortOrder) -> None:
        if column in LedgerModel.SORT_KEYS:
            self._sort = LedgerModel.SORT_KEYS[column]
            self._descending = order == Qt.SortOrder.DescendingOrder
            self.reload_rows()

    # -- selection -----------------------------------------------------------------------
    def current_uuid(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_at(index.row()).uuid

    def select(self, uuid: str) -> bool:
        for r, row in enumerate(self.model.rows()):
            if row.uuid == uuid:
                self.table.selectRow(r)
                self.table.scrollTo(self.model.index(r, 0))
                return True
        return False

    def _update_buttons(self, *_args) -> None:
        chosen = self.current_uuid() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # -- the form ------------------------------------------------------------------------
    def _columns(self, record: dict[str, Any]) -> tuple[list[Column], list[tuple], list[tuple]]:
        today = self._clock()
        meetings = pdb.meeting_choices(
            self._db,
            since=today - timedelta(days=MEETINGS_SINCE_DAYS),
            include=record.get("meeting_id"),
        )
        diaries = pdb.diary_choices(
            self._db,
            since=today - timedelta(days=DIARIES_SINCE_DAYS),
            include=record.get("diary_id"),
        )
        villages = [(code, name) for code, name, _s in cdb.village_choices(self._db)]
        cadres = [(no, cadre_label(no, name, out)) for no, name, out in cdb.cadre_choices(self._db)]
        missing = self.tr("不在列表中：%1")
        yuan_hint = self.tr("以元为单位，最多两位小数，如 1234.50；没有资金可留空")
        text_hint = self.tr("办了什么事，如：为三组铺设自来水管道 800 米")
        count_hint = self.tr("不小于 0 的整数，可留空")
        cat, funds = self.tr("类别"), self.tr("投入资金（元）")
        meeting_options = [(str(i), label) for i, label in meetings]
        diary_options = [(str(i), label) for i, label, _village in diaries]
        columns = [
            Column(self.tr("日期"), "day", matter_day, required=True, hint="YYYY-MM-DD"),
            choice(Column("", "village_code", required=True), self.tr("村"), villages, missing),
            choice(Column("", "cadre_no"), self.tr("干部"), cadres, missing),
            Column(cat, "category", v.choice(CATEGORIES), required=True, choices=("", *CATEGORIES)),
            Column(self.tr("事项"), "description", v.text, required=True, hint=text_hint),
            Column(funds, "funds_fen", v.yuan, default=0, show=v.show_yuan, hint=yuan_hint),
            Column(self.tr("受益户数"), "households", v.count, default=0, hint=count_hint),
            Column(self.tr("状态"), "status", v.choice(STATUSES), required=True, choices=STATUSES),
            choice(Column("", "meeting_id"), self.tr("出自会议"), meeting_options, missing),
            choice(Column("", "diary_id"), self.tr("出自民情日记"), diary_options, missing),
        ]
        return columns, villages, diaries

    def _check(self, values: dict[str, Any]) -> dict[str, str]:
        problems = pdb.problems(self._db, self._stored(values))
        today = self._clock().isoformat()
        if values.get("day") and values["day"] > today:
            problems["day"] = self.tr("日期晚于今天（%1）").replace("%1", today)
        return problems

    @staticmethod
    def _stored(values: dict[str, Any]) -> dict[str, Any]:
        """The form's values as stored: the meeting and diary ids as numbers."""
        out = dict(values)
        for field in ("meeting_id", "diary_id"):
            out[field] = int(out[field]) if out.get(field) else None
        return out

    def _dialog(self, title: str, save, record: dict[str, Any]) -> RecordDialog:
        columns, villages, diaries = self._columns(record)
        shown = {**record}
        for field in ("meeting_id", "diary_id"):
            if shown.get(field) is not None:
                shown[field] = str(shown[field])
        dialog = RecordDialog(title, columns, save, self, record=shown, check=self._check)
        widen(dialog, 620)
        form = dialog.form
        village, diary = form.editors["village_code"], form.editors["diary_id"]
        assert isinstance(village, QComboBox) and isinstance(diary, QComboBox)
        by_label = {name: code for code, name in villages}

        def offer_diaries() -> None:
            """Only the chosen village's diary entries (and the one linked already)."""
            code, kept = by_label.get(village.currentText()), diary.currentText()
            diary.blockSignals(True)
            diary.clear()
            diary.addItem("")
            for _i, label, place in diaries:
                if code is None or place == code or label == kept:
                    diary.addItem(label)
            diary.setCurrentIndex(max(0, diary.findText(kept)))
            diary.blockSignals(False)

        village.currentIndexChanged.connect(lambda _i: offer_diaries())
        offer_diaries()
        for combo in form.editors.values():  # an empty list shows one blank, not two
            while isinstance(combo, QComboBox) and combo.count() > 1 and not combo.itemText(1):
                combo.removeItem(1)
        return self._open(dialog)

    def add_matter(self) -> RecordDialog:
        flt = self.filter()
        record = {
            "day": self._clock().isoformat(),
            "village_code": flt.village_code,
            "category": flt.category,
            "status": "已办结",
        }

        def save(values: dict[str, Any]) -> Change:
            text = self.tr("新增办实事 %1").replace("%1", values["description"][:20])
            change, reason = run_with_reason(
                self,
                lambda r: pdb.add_matter(self._db, self._stored(values), reason=r),
                what=f"{text}（{values['day']}）",
            )
            self._push(change, text, reason)
            if not self.select(change.key["uuid"]):
                self.status_label.setText(self.tr("已保存；这条记录不在当前筛选条件内。"))
            return change

        return self._dialog(self.tr("新增办实事"), save, record)

    def _current(self) -> dict[str, Any] | None:
        uuid = self.current_uuid()
        return pdb.matter(self._db, uuid) if uuid else None

    def edit_current(self) -> RecordDialog | None:
        record = self._current()
        if record is None:
            return None

        def save(values: dict[str, Any]) -> Change:
            text = self.tr("修改办实事 %1").replace("%1", values["description"][:20])
            change, reason = run_with_reason(
                self,
                lambda r: pdb.update_matter(
                    self._db, record["uuid"], self._stored(values), reason=r
                ),
                what=f"{text}（{record['day']}）",
            )
            self._push(change, text, reason)
            return change

        return self._dialog(self.tr("编辑办实事"), save, record)

    def delete_current(self) -> bool:
        record = self._current()
        if record is None:
            return False
        answer = QMessageBox.question(
            self,
            self.tr("删除办实事"),
            self.tr("删除这条办实事记录？\n\n%1 %2\n\n删除后可用 Ctrl+Z 撤销。")
            .replace("%1", record["day"])
            .replace("%2", record["description"]),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        text = self.tr("删除办实事 %1").replace("%1", record["description"][:20])
        try:
            change, reason = run_with_reason(
                self,
                lambda r: pdb.delete_matter(self._db, record["uuid"], reason=r),
                what=f"{text}（{record['day']}）",
            )
        except ReasonCancelled:
            return False
        except DomainError as e:
            QMessageBox.warning(self, self.tr("不能删除"), str(e))
            return False
        self._push(change, text, reason)
        return True

    # -- export --------------------------------------------------------------------------
    def title(self) -> str:
        ident = store.identity(self._db)
        period = self.picker.period()
        name = (ident.township_name or ident.display_name) if ident else ""
        when = period_title(period) if period else self.tr("全部")
        return self.tr("%1办实事台账（%2）").replace("%1", name).replace("%2", when)

    def export_xlsx(self, path: Path | None = None) -> Path | None:
        """Write the filtered rows (in the order shown), the totals and the breakdowns."""
        if path is None:
            path = ask_save_path(
                self, self.tr("导出办实事台账"), self.title() + ".xlsx", self.tr("Excel 工作簿")
            )
        if path is None:
            return None
        table = ledger_table(self.title(), self.model.rows(), self._totals, self.groups())
        written = write_xlsx_or_warn(self, table, Path(path))
        if written is None:
            return None
        text = self.tr("已导出 %1 件到").replace("%1", str(len(table.rows)))
        self.status_label.setText(file_link(text, written))
        return written
