"""干部考核: each cadre's year — 驻村时限, 工作业绩, 群众满意度, total and grade.

The figures are :func:`app.reports.assessment.cadre_assessment_report`'s (the command
line and the PDF form print the same); this page shows them and lets the clerk enter a
cadre's 工作业绩, the votes, and the scores entered by hand (满意度 when there are no
votes, 驻村时限 when no week or month was judged). Rows whose grade the absence cap
lowered are shaded amber, with the cap explained in words. Saving is undone by Ctrl+Z.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from app.db import cadre_assessment as cadb
from app.domain.assessment import Indicator
from app.domain.attendance import Role
from app.domain.errors import DomainError
from app.reports.assessment import cadre_assessment_report
from app.reports.pdf.cadre_assessment import build_cadre_assessment_pdf
from app.sheets import values as v
from app.sheets.base import Column
from app.ui.cadres.roster import NOTE_STYLE, CadrePage, button
from app.ui.models.table_model import RowTableModel
from app.ui.undo import TabUndo
from app.ui.widgets.print_preview import print_report
from app.ui.widgets.record_form import RecordDialog
from app.ui.widgets.tables import read_only_table

CAPPED_FILL = QBrush(QColor("#ffe8b3"))  # amber: the grade was lowered by the cap
CAPPED_TEXT = QBrush(QColor("#8a4b00"))
OUTSTANDING_TEXT = QBrush(QColor("#1b5e20"))
MUTED = QBrush(QColor("#888888"))
OUTSTANDING_FLAG = "可享受副科级待遇/优先提拔"


def _tr(text: str) -> str:
    return QCoreApplication.translate("CadreAssessmentPage", text)


def default_year(today: date) -> int:
    """The year to assess: this year once it has ended (its last day), else the last one."""
    return today.year if (today.month, today.day) == (12, 31) else today.year - 1


def period_unit(role: str | None) -> str:
    """周 for a part-time post (judged by weeks), 月 for a stationed cadre."""
    if not role:
        return ""
    try:
        return _tr("周") if Role.parse(role).is_part_time else _tr("月")
    except DomainError:
        return ""


def time_by_hand(row: dict[str, Any]) -> bool:
    return not row["judged_periods"] and row["time_score"] is not None


def satisfaction_by_hand(row: dict[str, Any]) -> bool:
    votes = row["votes"]
    return row["satisfaction_score"] is not None and (votes is None or not any(votes.values()))


class CadreAssessmentModel(RowTableModel):
    COL_NO, COL_NAME, COL_ROLE, COL_TIME, COL_PERFORMANCE, COL_SATISFACTION = range(6)
    COL_TOTAL, COL_UNEXCUSED, COL_GRADE, COL_BEFORE, COL_NOTE, COL_FLAG = range(6, 12)

    RIGHT_ALIGNED = frozenset({COL_PERFORMANCE, COL_SATISFACTION, COL_TOTAL, COL_UNEXCUSED})
    CENTRED = frozenset({COL_GRADE, COL_BEFORE})
    _KEYS = {
        COL_NO: "cadre_no",
        COL_NAME: "name",
        COL_ROLE: "role",
        COL_PERFORMANCE: "performance_score",
        COL_TOTAL: "total",
        COL_UNEXCUSED: "unexcused_absences",
        COL_GRADE: "grade",
        COL_BEFORE: "grade_before_cap",
        COL_NOTE: "cap_note",
    }
    HEADER_TIPS = {
        COL_TIME: "按全年考勤的达标比例计算（兼职按周、驻村按月）；无考核周期时手填",
        COL_SATISFACTION: "按满意、基本满意、不满意票数计算；没有投票时手填",
        COL_UNEXCUSED: "本年度查岗结果为“不在岗”的次数",
        COL_GRADE: "按总分定等次，再按查岗不在岗次数封顶",
        COL_FLAG: "等次为优秀的干部可享受副科级待遇或优先提拔",
    }

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_headers(
            [self.tr("干部编号"), self.tr("姓名"), self.tr("岗位"), self.tr("驻村时限")]
            + [self.tr("工作业绩"), self.tr("群众满意度"), self.tr("总分")]
            + [self.tr("查岗不在岗"), self.tr("等次"), self.tr("封顶前等次")]
            + [self.tr("说明"), self.tr("优秀待遇")]
        )

    def value(self, row: dict[str, Any], column: int) -> Any:
        if column in self._KEYS:
            return row[self._KEYS[column]]
        if column == self.COL_TIME:
            return row["time_score"]
        if column == self.COL_SATISFACTION:
            return row["satisfaction_score"]
        return OUTSTANDING_FLAG if row["outstanding"] else None

    def display(self, row: dict[str, Any], column: int) -> str:
        if column == self.COL_TIME:
            score = row["time_score"] or ""
            if time_by_hand(row):
                return f"{score} {self.tr('手填')}"
            if not row["judged_periods"]:
                return self.tr("无考核周期")
            met = (
                self.tr("达标 %1/%2 %3")
                .replace("%1", str(row["met_periods"]))
                .replace("%2", str(row["judged_periods"]))
                .replace("%3", period_unit(row["role"]))
            )
            return f"{score}（{met.strip()}）"
        if column == self.COL_SATISFACTION:
            score = row["satisfaction_score"] or ""
            return f"{score} {self.tr('手填')}" if satisfaction_by_hand(row) else score
        if column == self.COL_UNEXCUSED:
            return str(row["unexcused_absences"] or "")
        value = self.value(row, column)
        return "" if value is None else str(value)

    def background(self, row: dict[str, Any], column: int):
        return CAPPED_FILL if self.capped(row) else None

    def foreground(self, row: dict[str, Any], column: int):
        if column == self.COL_GRADE and self.capped(row):
            return CAPPED_TEXT
        if column == self.COL_FLAG:
            return OUTSTANDING_TEXT
        if column == self.COL_TIME and not row["judged_periods"] and not time_by_hand(row):
            return MUTED
        return None

    def tooltip(self, row: dict[str, Any], column: int) -> str | None:
        if column == self.COL_NOTE:
            return row["cap_note"]
        if column == self.COL_SATISFACTION and row["votes"] and any(row["votes"].values()):
            votes = row["votes"]
            return (
                self.tr("满意 %1 票，基本满意 %2 票，不满意 %3 票")
                .replace("%1", str(votes["satisfied"]))
                .replace("%2", str(votes["basic"]))
                .replace("%3", str(votes["unsatisfied"]))
            )
        if row["total"] is None and column in (self.COL_TOTAL, self.COL_GRADE):
            return self.tr("分项未录全，双击录入")
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            tip = self.HEADER_TIPS.get(section)
            return self.tr(tip) if tip else None
        return super().headerData(section, orientation, role)

    @staticmethod
    def capped(row: dict[str, Any]) -> bool:
        return bool(row["grade"]) and row["grade"] != row["grade_before_cap"]


M = CadreAssessmentModel


def score_column(header: str, field: str, maximum: int, hint: str) -> Column:
    """A score in tenths, 0..``maximum`` points, one decimal (the rules' own parser)."""
    return Column(
        header,
        field,
        parse=v.score(Indicator("", header, maximum * 10)),
        show=v.show_tenths,
        hint=hint,
    )


def entry_columns(rules) -> list[Column]:
    return [
        score_column(
            _tr("工作业绩"),
            "performance_tenths",
            rules.performance_max,
            _tr("0 到 %1 分，最多一位小数").replace("%1", str(rules.performance_max)),
        ),
        Column(_tr("满意票"), "votes_satisfied", parse=v.count, default=0, hint="0"),
        Column(_tr("基本满意票"), "votes_basic", parse=v.count, default=0, hint="0"),
        Column(_tr("不满意票"), "votes_unsatisfied", parse=v.count, default=0, hint="0"),
        score_column(
            _tr("群众满意度（手填）"),
            "satisfaction_manual_tenths",
            rules.satisfaction_max,
            _tr("没有投票时填写，0 到 %1 分").replace("%1", str(rules.satisfaction_max)),
        ),
        score_column(
            _tr("驻村时限（手填）"),
            "time_manual_tenths",
            rules.time_max,
            _tr("没有考核周期时填写，0 到 %1 分").replace("%1", str(rules.time_max)),
        ),
    ]


class CadreAssessmentPage(CadrePage):
    def __init__(
        self,
        db: Database,
        undo: TabUndo,
        *,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, undo, clock=clock, parent=parent)
        self.data: dict[str, Any] | None = None
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setSuffix(self.tr(" 年度"))
        self.year_spin.setValue(default_year(clock()))
        self.summary_label = QLabel()
        self.enter_button = button(self.tr("录入…"))
        self.enter_button.setToolTip(self.tr("录入所选干部的工作业绩、满意度票数（Enter 或双击）"))

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("考核年度：")))
        top.addWidget(self.year_spin)
        top.addSpacing(12)
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.enter_button)
        self.print_button = QPushButton(self.tr("打印考核表…"))
        top.addWidget(self.print_button)

        self.model = CadreAssessmentModel(self)
        self.table = read_only_table(
            self.model,
            {
                M.COL_NO: 64,
                M.COL_NAME: 56,
                M.COL_ROLE: 92,
                M.COL_TIME: 148,
                M.COL_PERFORMANCE: 64,
                M.COL_SATISFACTION: 84,
                M.COL_TOTAL: 48,
                M.COL_UNEXCUSED: 76,
                M.COL_GRADE: 64,
                M.COL_BEFORE: 76,
                M.COL_FLAG: 170,
            },
            stretch=M.COL_NOTE,
        )
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.legend_label = QLabel(
            self.tr("琥珀色底：因查岗不在岗，等次被封顶。标“手填”的分数为手工录入。")
        )
        self.legend_label.setStyleSheet(NOTE_STYLE)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table)
        layout.addWidget(self.legend_label)

        self.year_spin.valueChanged.connect(lambda _y: self.refresh())
        self.table.activated.connect(lambda index: self.open_entry(index.row()))
        self.enter_button.clicked.connect(lambda: self.open_entry())
        self.print_button.clicked.connect(lambda: self.print_forms())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    # -- printing --------------------------------------------------------------------------
    def print_forms(self, path: Path | None = None) -> Path | None:
        """The year's cadre assessment forms (one page per cadre) in the print preview."""
        year = self.year()
        return print_report(
            self,
            lambda: cadre_assessment_report(self._db, year)[0],
            build_cadre_assessment_pdf,
            path,
            file_name=f"干部考核表-{year}.pdf",
            ask_title=self.tr("打印干部考核表"),
            on_saved=lambda _p: None,
            what=self.tr("干部考核表"),
        )

    # -- loading -------------------------------------------------------------------------
    def year(self) -> int:
        return self.year_spin.value()

    def set_year(self, year: int) -> None:
        self.year_spin.setValue(year)

    def refresh(self) -> None:
        self._stale = False
        selected = self.current_cadre()
        try:
            self.data, _table = cadre_assessment_report(self._db, self.year())
        except DomainError as e:
            self.data = None
            self.model.set_rows([])
            self.empty_label.setText(str(e))
            self.empty_label.show()
            self._update_buttons()
            return
        rows = self.data["cadres"]
        self.model.set_rows(rows)
        if selected:
            self.select(selected)
        graded = [r for r in rows if r["grade"]]
        self.summary_label.setText(
            self.tr("%1 名干部，已定等次 %2 名，其中优秀 %3 名、因查岗封顶 %4 名。")
            .replace("%1", str(len(rows)))
            .replace("%2", str(len(graded)))
            .replace("%3", str(sum(1 for r in rows if r["outstanding"])))
            .replace("%4", str(sum(1 for r in rows if M.capped(r))))
        )
        self.empty_label.setText(self.tr("这一年度没有驻村或兼职的干部，也没有录入考核。"))
        self.empty_label.setVisible(not rows)
        self._update_buttons()

    # -- selection -----------------------------------------------------------------------
    def current_cadre(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(rows[0].row())["cadre_no"]

    def select(self, cadre_no: str) -> bool:
        for r, row in enumerate(self.model.rows()):
            if row["cadre_no"] == cadre_no:
                self.table.selectRow(r)
                self.table.scrollTo(self.model.index(r, 0))
                return True
        return False

    def _update_buttons(self) -> None:
        self.enter_button.setEnabled(self.current_cadre() is not None)

    # -- entering ------------------------------------------------------------------------
    def open_entry(self, row: int | None = None) -> RecordDialog | None:
        """The 录入 dialog for the cadre of ``row`` (default: the one selected)."""
        if row is None:
            selected = self.table.selectionModel().selectedRows()
            if not selected:
                return None
            row = selected[0].row()
        if not 0 <= row < self.model.rowCount():
            return None
        line = self.model.row_at(row)
        cadre_no, year = line["cadre_no"], self.year()
        rules = cadb.rules_for_year(self._db, year)
        stored = cadb.cadre_scores(self._db, cadre_no, year) or {}
        judged = line["judged_periods"]

        def save(values: dict[str, Any]) -> Any:
            try:
                change = cadb.save_cadre_scores(self._db, cadre_no, year, values)
            except DomainError as e:
                if e.field in dialog.form.editors:
                    dialog.form.show_problem(e.field, str(e))
                raise
            self._push(
                change,
                self.tr("录入 %1 %2 年度考核").replace("%1", line["name"]).replace("%2", str(year)),
            )
            return change

        dialog = RecordDialog(
            self.tr("%1（%2）%3 年度考核录入")
            .replace("%1", line["name"])
            .replace("%2", cadre_no)
            .replace("%3", str(year)),
            entry_columns(rules),
            save,
            self,
            record=stored,
            locked=("time_manual_tenths",) if judged else (),
        )
        form = dialog.form
        if judged:
            form.editors["time_manual_tenths"].setToolTip(
                self.tr("本年度有 %1 个考核周期，驻村时限按考勤计算").replace("%1", str(judged))
            )
        votes = [form.editors[f] for f in cadb.VOTE_FIELDS]
        manual = form.editors["satisfaction_manual_tenths"]

        def votes_changed() -> None:
            has_votes = any(e.text().strip() not in ("", "0") for e in votes)
            if has_votes and manual.text():
                manual.clear()
                form.validate_field("satisfaction_manual_tenths")
            manual.setEnabled(not has_votes)
            manual.setToolTip(self.tr("已有投票，满意度按票数计算") if has_votes else "")

        for editor in votes:
            assert isinstance(editor, QLineEdit)
            editor.textChanged.connect(lambda _t: votes_changed())
        votes_changed()
        return self._open(dialog)


__all__ = ["OUTSTANDING_FLAG", "CadreAssessmentModel", "CadreAssessmentPage", "default_year"]
