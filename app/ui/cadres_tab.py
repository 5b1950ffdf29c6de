"""干部与值班: the cadre roster, assignments, the duty grid, leave, checks, 民情日记 and
履职情况 — one page each (app/ui/cadres/), sharing one undo stack (Ctrl+Z in the tab).

Pages are built when first shown, so opening the window stays quick.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget
from sqlite_utils import Database

from app.ui.undo import TabUndo


def _roster(db, undo, clock):
    from app.ui.cadres.roster import RosterPage

    return RosterPage(db, undo, clock=clock)


def _assignments(db, undo, clock):
    from app.ui.cadres.assignments import AssignmentsPage

    return AssignmentsPage(db, undo, clock=clock)


def _duty(db, undo, clock):
    from app.ui.cadres.duty import DutyGridPage

    return DutyGridPage(db, undo, clock=clock)


def _leave(db, undo, clock):
    from app.ui.cadres.leave import LeavePage

    return LeavePage(db, undo, clock=clock)


def _checks(db, undo, clock):
    from app.ui.cadres.checks import ChecksPage

    return ChecksPage(db, undo, clock=clock)


def _diaries(db, undo, clock):
    from app.ui.cadres.diaries import DiariesPage

    return DiariesPage(db, undo, clock=clock)


def _compliance(db, undo, clock):
    from app.ui.cadres.compliance import CompliancePage

    return CompliancePage(db, undo, clock=clock)


# (attribute, label, factory) in the order of the inner tab bar
PAGES = (
    ("roster", "花名册", _roster),
    ("assignments", "驻村安排", _assignments),
    ("duty", "值班表", _duty),
    ("leave", "请假/销假", _leave),
    ("checks", "查岗", _checks),
    ("diaries", "民情日记", _diaries),
    ("compliance", "履职情况", _compliance),
)


class CadresTab(QWidget):
    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self._db, self._clock = db, clock
        self.undo = TabUndo(self, db, self._refresh_current)
        self.pages = QTabWidget(self)
        self.pages.setDocumentMode(True)
        self._built: dict[str, QWidget] = {}
        for attr, label, _factory in PAGES:
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            holder.setObjectName(attr)
            self.pages.addTab(holder, self.tr(label))
        self.pages.currentChanged.connect(self._ensure_built)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def page(self, attr: str) -> QWidget:
        """The page named ``attr`` (built on first use)."""
        if attr not in self._built:
            index = next(i for i, (a, _l, _f) in enumerate(PAGES) if a == attr)
            page = PAGES[index][2](self._db, self.undo, self._clock)
            self.pages.widget(index).layout().addWidget(page)
            page.refresh()
            self._built[attr] = page
            # an edit of attendance on the grid changes what other pages show
            if hasattr(page, "attendance_changed"):
                page.attendance_changed.connect(self._refresh_others)
        return self._built[attr]

    def __getattr__(self, name: str):
        if name in {a for a, _l, _f in PAGES}:
            return self.page(name)
        raise AttributeError(name)

    def show_page(self, attr: str) -> QWidget:
        page = self.page(attr)
        self.pages.setCurrentIndex(next(i for i, (a, _l, _f) in enumerate(PAGES) if a == attr))
        return page

    def _ensure_built(self, index: int) -> None:
        self.page(PAGES[index][0])

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._ensure_built(self.pages.currentIndex())

    def _refresh_current(self) -> None:
        current = PAGES[self.pages.currentIndex()][0]
        if current in self._built:
            self._built[current].refresh()

    def _refresh_others(self) -> None:
        for attr, page in self._built.items():
            if attr != "duty" and page.isVisible():
                page.refresh()

    def refresh(self) -> None:
        for page in self._built.values():
            page.refresh()
