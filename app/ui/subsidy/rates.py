"""补助标准: the rates with their history — add one from a date, delete one (Ctrl+Z undoes).

生活补助 is paid per present day at the rate in force that day; 交通通讯补助 per month at
the rate in force on the month's last day. A rate dated inside approved months does
not change those sheets: the difference is carried into the next unapproved month as
补发/扣回, which the add dialog says before saving.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QVBoxLayout, QWidget
from sqlite_utils import Database

from app.db.rates import RateRow, add_rate, approved_months_affected, delete_rate, rate_rows
from app.db.subsidy import approved_months
from app.domain.errors import DomainError
from app.domain.money import format_yuan
from app.domain.periods import Month, parse_date
from app.domain.subsidy import RateKind, first_unapproved_after
from app.sheets.kinds import RATES
from app.ui.cadres.roster import OK_STYLE, WARN_STYLE, CadrePage, button, widen
from app.ui.models.table_model import RowTableModel
from app.ui.subsidy import NOTE_STYLE
from app.ui.undo import TabUndo
from app.ui.widgets.record_form import RecordDialog
from app.ui.widgets.tables import read_only_table

KIND_ORDER = {kind: i for i, kind in enumerate(RateKind)}
UNIT = {RateKind.LIVING: "元/天", RateKind.TRANSPORT: "元/月"}
IN_FORCE = QColor("#1b5e20")
PAST = QColor("#777777")


def form_date(value: object) -> str:
    """A date typed in a form (full-width digits accepted) → ``YYYY-MM-DD``."""
    raw = unicodedata.normalize("NFKC", str(value)).strip()
    return parse_date(raw).isoformat()


def affected_text(months: list[Month], approved: dict) -> str:
    """The note under a new rate that reaches into approved months ('' when none)."""
    if not months:
        return ""
    span = str(months[0]) if len(months) == 1 else f"{months[0]} 至 {months[-1]}"
    target = first_unapproved_after(months[-1], approved)
    return (
        f"将影响已审批的 {span}，差额在下一个未审批月份（{target}）补发/扣回；"
        "已审批的补助表本身不变。"
    )


class RatesModel(RowTableModel):
    COL_KIND, COL_FROM, COL_AMOUNT, COL_UNTIL = 0, 1, 2, 3
    RIGHT_ALIGNED = frozenset({COL_AMOUNT})

    def __init__(self, parent=None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.set_headers(
            [self.tr("补助类别"), self.tr("起始日期"), self.tr("标准"), self.tr("适用至")]
        )

    def value(self, row: RateRow, column: int):
        return (row.kind, row.effective_from, row.amount_fen, row.until)[column]

    def display(self, row: RateRow, column: int) -> str:
        if column == self.COL_KIND:
            return str(row.kind)
        if column == self.COL_FROM:
            return row.effective_from.isoformat()
        if column == self.COL_AMOUNT:
            return f"{format_yuan(row.amount_fen)} {UNIT[RateKind(row.kind)]}"
        return row.until.isoformat() if row.until else self.tr("至今")

    def in_force(self, row: RateRow) -> bool:
        today = self.today
        return (
            today is not None
            and row.effective_from <= today
            and (row.until is None or today <= row.until)
        )

    def foreground(self, row: RateRow, column: int):
        if self.in_force(row):
            return QBrush(IN_FORCE)
        if self.today is not None and row.until is not None and row.until < self.today:
            return QBrush(PAST)
        return None

    def tooltip(self, row: RateRow, column: int) -> str | None:
        if self.in_force(row):
            return self.tr("现行标准")
        return None


class RatesPage(CadrePage):
    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, undo, clock=clock, parent=parent)
        self.add_button = button(self.tr("新增标准…"))
        self.add_button.setToolTip(self.tr("自某日起执行新的补助标准（可按 Ctrl+Z 撤销）"))
        self.delete_button = button(self.tr("删除…"))
        top = QHBoxLayout()
        top.addWidget(self.add_button)
        top.addWidget(self.delete_button)
        top.addStretch(1)

        self.model = RatesModel(self, today=clock())
        self.table = read_only_table(
            self.model,
            {
                RatesModel.COL_KIND: 130,
                RatesModel.COL_FROM: 110,
                RatesModel.COL_AMOUNT: 130,
                RatesModel.COL_UNTIL: 110,
            },
        )
        self.table.setFixedWidth(130 + 110 + 130 + 110 + 2 * self.table.frameWidth() + 2)
        self.current_label = QLabel()
        self.current_label.setStyleSheet("font-weight: bold;")
        self.current_label.setWordWrap(True)
        self.rule_label = QLabel(
            self.tr(
                "生活补助：每个在岗日（在村、会议培训）按当天执行的日标准计发。\n"
                "交通通讯补助：当月至少一天在岗时，按月末那天执行的月标准计发。\n"
                "标准调整后，已审批月份的补助表不变，差额在下一个未审批月份补发或扣回。\n"
                "绿色为现行标准，灰色为已停止执行的标准。"
            )
        )
        self.rule_label.setWordWrap(True)
        self.rule_label.setStyleSheet(NOTE_STYLE)
        self.empty_label = QLabel(
            self.tr(
                "还没有补助标准。请点“新增标准…”，分别录入生活补助（每天）和交通通讯补助（每月）。"
            )
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        side = QVBoxLayout()
        for w in (self.current_label, self.empty_label, self.rule_label, self.message):
            side.addWidget(w)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.table)
        body.addSpacing(12)
        body.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(body, 1)

        self.add_button.clicked.connect(lambda: self.add_rate())
        self.delete_button.clicked.connect(lambda: self.delete_rate())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(lambda: self.delete_rate())

    # -- showing -------------------------------------------------------------------------
    def refresh(self) -> None:
        self._stale = False
        chosen = self.current_rate()
        rows = sorted(rate_rows(self._db), key=lambda r: KIND_ORDER[RateKind(r.kind)])
        self.model.today = self._clock()
        self.model.set_rows(rows)
        if chosen is not None:
            self.select(*chosen)
        self.empty_label.setVisible(not rows)
        current = [
            f"{row.kind} {format_yuan(row.amount_fen)} {UNIT[RateKind(row.kind)]}"
            for row in rows
            if self.model.in_force(row)
        ]
        self.current_label.setText(
            self.tr("现行标准（%1）：").replace("%1", self._clock().isoformat())
            + ("；".join(current) if current else self.tr("无"))
        )

    def rows(self) -> list[RateRow]:
        return self.model.rows()

    def current_row(self) -> RateRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_at(index.row())

    def current_rate(self) -> tuple[RateKind, date] | None:
        row = self.current_row()
        return None if row is None else (RateKind(row.kind), row.effective_from)

    def select(self, kind: RateKind | str, effective_from: date) -> bool:
        for r, row in enumerate(self.model.rows()):
            if row.kind == kind and row.effective_from == effective_from:
                self.table.selectRow(r)
                return True
        return False

    def _update_buttons(self) -> None:
        self.delete_button.setEnabled(self.current_row() is not None)

    # -- edits ---------------------------------------------------------------------------
    def _columns(self):
        out = []
        for c in RATES.columns:
            if c.field == "effective_from":
                c = replace(c, parse=form_date, hint=self.tr("自该日起执行，如 2026-10-01"))
            elif c.field == "amount_fen":
                c = replace(c, header=self.tr("标准（元）"), hint=self.tr("最多两位小数，如 6.00"))
            out.append(c)
        return out

    def affected(self, kind: RateKind | str, effective_from: date) -> str:
        """The note for a rate from ``effective_from`` that changes approved months."""
        months = approved_months_affected(self._db, RateKind(kind), effective_from)
        return affected_text(months, approved_months(self._db)) if months else ""

    def add_rate(self) -> RecordDialog:
        def save(values: dict[str, Any]) -> Any:
            kind = RateKind(values["kind"])
            start = date.fromisoformat(values["effective_from"])
            note = self.affected(kind, start)
            change = add_rate(self._db, kind, start, values["amount_fen"])
            shown = f"{format_yuan(values['amount_fen'])} {UNIT[kind]}"
            self._push(
                change,
                self.tr("新增%1标准 %2").replace("%1", str(kind)).replace("%2", shown),
            )
            self.select(kind, start)
            text = (
                self.tr("已新增%1标准 %2，自 %3 起执行。")
                .replace("%1", str(kind))
                .replace("%2", shown)
                .replace("%3", start.isoformat())
            )
            self._note(
                self.message,
                text + (note + "\n" if note else "") + self.tr("按 Ctrl+Z 可撤销。"),
                WARN_STYLE if note else OK_STYLE,
            )
            return change

        dialog = RecordDialog(
            self.tr("新增补助标准"),
            self._columns(),
            save,
            self,
            check=self._check,
            record={"kind": RateKind.TRANSPORT.value},
        )
        note = QLabel()
        note.setObjectName("affected_note")
        note.setWordWrap(True)
        note.setStyleSheet(WARN_STYLE)
        note.hide()
        dialog.layout().insertWidget(1, note)
        dialog.affected_note = note  # type: ignore[attr-defined]
        form = dialog.form

        def update_note(*_args) -> None:
            try:
                kind = RateKind(form.editors["kind"].currentText())
                start = date.fromisoformat(form_date(form.editors["effective_from"].text()))
            except (ValueError, DomainError):
                note.hide()
                return
            text = self.affected(kind, start)
            note.setText(text)
            note.setVisible(bool(text))

        form.editors["kind"].currentIndexChanged.connect(update_note)
        form.editors["effective_from"].textChanged.connect(update_note)
        widen(dialog)
        form.editors["effective_from"].setFocus()
        return self._open(dialog)

    def _check(self, values: dict[str, Any]) -> dict[str, str]:
        kind, start = values.get("kind"), values.get("effective_from")
        if kind and start and self._exists(kind, date.fromisoformat(start)):
            return {
                "effective_from": self.tr("%1在 %2 已有标准；如需更改，请先删除那一条")
                .replace("%1", str(kind))
                .replace("%2", start)
            }
        return {}

    def _exists(self, kind: str, start: date) -> bool:
        return any(r.kind == kind and r.effective_from == start for r in self.model.rows())

    def delete_rate(self) -> bool:
        """Delete the selected rate after asking (Ctrl+Z brings it back)."""
        row = self.current_row()
        if row is None:
            return False
        kind = RateKind(row.kind)
        shown = f"{str(kind)} {format_yuan(row.amount_fen)} {UNIT[kind]}"
        note = self.affected(kind, row.effective_from)
        text = (
            self.tr("删除 %1 起执行的%2？")
            .replace("%1", row.effective_from.isoformat())
            .replace("%2", shown)
        )
        if note:
            text += "\n\n" + note.replace("将影响", "删除后将影响")
        answer = QMessageBox.question(self, self.tr("删除补助标准"), text)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            change = delete_rate(self._db, kind, row.effective_from)
        except DomainError as e:
            QMessageBox.warning(self, self.tr("不能删除"), str(e))
            return False
        self._push(
            change,
            self.tr("删除%1标准（%2 起）")
            .replace("%1", str(kind))
            .replace("%2", row.effective_from.isoformat()),
        )
        self._note(
            self.message,
            self.tr("已删除 %1 起执行的%2。按 Ctrl+Z 可撤销。")
            .replace("%1", row.effective_from.isoformat())
            .replace("%2", shown),
        )
        return True
