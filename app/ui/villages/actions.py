"""The edits of 村情档案: add, edit and delete a village or a year's figures.

Each opens a :class:`RecordDialog` (validation next to the field, Enter saves, Esc
cancels) and returns it, so a test can fill it in like a clerk. Every saved edit is pushed
to the tab's :class:`TabUndo` (Ctrl+Z). Deleting asks first and is refused, with the
records named, while anything points at the village.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlite_utils import Database

from app.db import villages as vdb
from app.db.records import Change, describe_dependents
from app.domain.errors import DomainError
from app.sheets import values as v
from app.sheets.base import Column
from app.sheets.kinds import VILLAGES
from app.ui.undo import TabUndo
from app.ui.widgets.record_form import RecordDialog

_COUNT_HINT = "不小于 0 的整数，可空"
_MONEY_HINT = "元，最多两位小数，可空"

#: the figures of one village year, with the register sheets' rules
YEAR_COLUMNS: tuple[Column, ...] = (
    Column("年度", "year", v.year, key=True, hint="4 位年份，如 2026"),
    Column("人口", "population", v.count, hint=_COUNT_HINT),
    Column("户数", "households", v.count, hint=_COUNT_HINT),
    Column("党员数", "party_members", v.count, hint=_COUNT_HINT),
    Column(
        "农民人均纯收入（元）",
        "income_per_capita_fen",
        v.yuan,
        show=v.show_yuan,
        hint=_MONEY_HINT,
    ),
    Column(
        "村集体经济收入（元）",
        "collective_income_fen",
        v.yuan,
        show=v.show_yuan,
        hint=_MONEY_HINT,
    ),
    Column("备注", "notes", v.text, hint="文字，可空"),
)


class VillageActions(QObject):
    """Dialogs and confirmations for village edits, each saved edit pushed to the undo stack."""

    #: a village was added or edited (its code), so a view can select it
    village_saved = Signal(str)
    #: a village was deleted (its code)
    village_deleted = Signal(str)

    def __init__(self, db: Database, undo: TabUndo, parent: QWidget) -> None:
        super().__init__(parent)
        self._db = db
        self._undo = undo
        self._parent = parent

    # -- villages ------------------------------------------------------------------------
    def add_village(self) -> RecordDialog:
        def check(values: dict[str, Any]) -> dict[str, str]:
            name = vdb.village_name(self._db, str(values["code"]))
            if name is not None:
                return {"code": self.tr("这个村代码已有：%1").replace("%1", name)}
            return {}

        def save(values: dict[str, Any]) -> Change:
            change = vdb.add_village(self._db, values)
            self._push(change, self.tr("新增村 %1").replace("%1", str(values["name"])))
            self.village_saved.emit(values["code"])
            return change

        return self._open(self.tr("新增村"), VILLAGES.columns, save, check=check)

    def edit_village(self, code: str) -> RecordDialog | None:
        record = vdb.village(self._db, code)
        if record is None:
            return None

        def save(values: dict[str, Any]) -> Change:
            change = vdb.update_village(self._db, code, values)
            if change.before != change.after:
                self._push(change, self.tr("修改村 %1").replace("%1", str(values["name"])))
            self.village_saved.emit(code)
            return change

        title = self.tr("编辑村情：%1").replace("%1", record["name"])
        return self._open(title, VILLAGES.columns, save, record=record, locked=("code",))

    def delete_village(self, code: str) -> bool:
        """Ask, then delete; refused while records point at the village. True if deleted."""
        record = vdb.village(self._db, code)
        if record is None:
            return False
        label = f"「{record['name']}」（{code}）"
        deps = vdb.dependents(self._db, code)
        if deps:
            QMessageBox.warning(
                self._parent,
                self.tr("不能删除"),
                self.tr(
                    "不能删除%1：还有 %2 指向这个村。\n\n"
                    "请先删除这些记录或把它们改到别的村，再删除这个村。"
                )
                .replace("%1", label)
                .replace("%2", describe_dependents(deps)),
            )
            return False
        answer = QMessageBox.question(
            self._parent,
            self.tr("删除村"),
            self.tr("删除%1？\n\n没有其他记录指向这个村。删除后可用 Ctrl+Z 撤销。").replace(
                "%1", label
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            change = vdb.delete_village(self._db, code)
        except DomainError as e:  # something pointed at it meanwhile
            QMessageBox.warning(self._parent, self.tr("不能删除"), str(e))
            return False
        self._push(change, self.tr("删除村 %1").replace("%1", record["name"]))
        self.village_deleted.emit(code)
        return True

    # -- yearly figures ------------------------------------------------------------------
    def add_year(self, code: str, year: int | None = None) -> RecordDialog:
        def check(values: dict[str, Any]) -> dict[str, str]:
            if vdb.year_record(self._db, code, int(values["year"])) is not None:
                return {"year": self.tr("这一年的数据已有，请选中它再编辑")}
            return {}

        def save(values: dict[str, Any]) -> Change:
            change = vdb.add_year(self._db, code, values)
            self._push(change, self._year_text("新增", code, int(values["year"])))
            return change

        record = {"year": year} if year is not None else None
        return self._open(self.tr("新增年度数据"), YEAR_COLUMNS, save, record=record, check=check)

    def edit_year(self, code: str, year: int) -> RecordDialog | None:
        record = vdb.year_record(self._db, code, year)
        if record is None:
            return None

        def save(values: dict[str, Any]) -> Change:
            change = vdb.update_year(self._db, code, year, values)
            if change.before != change.after:
                self._push(change, self._year_text("修改", code, year))
            return change

        title = self.tr("编辑 %1 年数据").replace("%1", str(year))
        return self._open(title, YEAR_COLUMNS, save, record=record, locked=("year",))

    def delete_year(self, code: str, year: int) -> bool:
        answer = QMessageBox.question(
            self._parent,
            self.tr("删除年度数据"),
            self.tr("删除 %1 年的数据？删除后可用 Ctrl+Z 撤销。").replace("%1", str(year)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        change = vdb.delete_year(self._db, code, year)
        self._push(change, self._year_text("删除", code, year))
        return True

    # -- shared --------------------------------------------------------------------------
    def _year_text(self, verb: str, code: str, year: int) -> str:
        name = vdb.village_name(self._db, code) or code
        return (
            self.tr("%1 %2 %3 年数据")
            .replace("%1", verb)
            .replace("%2", name)
            .replace("%3", str(year))
        )

    def _push(self, change: Change, text: str) -> None:
        self._undo.push(change, text)

    def _open(
        self,
        title: str,
        columns: tuple[Column, ...],
        save: Callable[[dict[str, Any]], Any],
        *,
        record: dict[str, Any] | None = None,
        check: Callable[[dict[str, Any]], dict[str, str]] | None = None,
        locked: tuple[str, ...] = (),
    ) -> RecordDialog:
        dialog = RecordDialog(
            title, columns, save, self._parent, record=record, check=check, locked=locked
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog
