"""周例会: the meetings of the management cycle and what follows from them — 会议记录,
督办事项, 办实事 and 例会统计 — one page each (app/ui/meetings/), sharing one undo stack
(Ctrl+Z in the tab).

Pages are built when first shown, so opening the window stays quick.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget
from sqlite_utils import Database

from app.ui.undo import TabUndo


def _meetings(db, undo, clock):
    from app.ui.meetings.meetings import MeetingsPage

    return MeetingsPage(db, undo, clock=clock)


def _actions(db, undo, clock):
    from app.ui.meetings.actions import ActionsPage

    return ActionsPage(db, undo, clock=clock)


def _ledger(db, undo, clock):
    from app.ui.meetings.ledger import PracticalMattersPage

    return PracticalMattersPage(db, undo, clock=clock)


def _cycle(db, undo, clock):
    from app.ui.meetings.cycle import MeetingCyclePage

    return MeetingCyclePage(db, undo, clock=clock)


# (attribute, label, factory) in the order of the inner tab bar
PAGES = (
    ("meetings", "会议记录", _meetings),
    ("actions", "督办事项", _actions),
    ("ledger", "办实事", _ledger),
    ("cycle", "例会统计", _cycle),
)


class MeetingsTab(QWidget):
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

    def refresh(self) -> None:
        for page in self._built.values():
            page.refresh()
