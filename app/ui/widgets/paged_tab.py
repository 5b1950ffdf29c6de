"""A main-window tab made of pages (an inner tab bar) sharing one undo stack.

Subclasses list their pages in ``PAGES`` as (attribute, label, "module:Class"); a page
class takes ``(db, undo, *, clock=...)`` and has ``refresh()``. Pages are imported and
built when first shown, so opening the window stays quick. A page that keeps a ``_stale``
flag (see ``app.ui.cadres.roster.CadrePage``) re-reads when next shown after another
page or tab changed something; others re-read at once.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget
from sqlite_utils import Database

from app.ui.undo import TabUndo


class PagedTab(QWidget):
    PAGES: tuple[tuple[str, str, str], ...] = ()
    #: re-read a page each time it is switched to (pages that change each other)
    REFRESH_ON_SWITCH = False

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
        for attr, label, _target in self.PAGES:
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            holder.setObjectName(attr)
            self.pages.addTab(holder, self.tr(label))
        self.pages.currentChanged.connect(self._ensure_built)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    # -- pages -------------------------------------------------------------------------
    def _index(self, attr: str) -> int:
        return next(i for i, (a, _l, _t) in enumerate(self.PAGES) if a == attr)

    def page(self, attr: str) -> QWidget:
        """The page named ``attr`` (built, and read, on first use)."""
        if attr not in self._built:
            index = self._index(attr)
            module, _, name = self.PAGES[index][2].partition(":")
            cls = getattr(importlib.import_module(module), name)
            page = cls(self._db, self.undo, clock=self._clock)
            self.pages.widget(index).layout().addWidget(page)
            self._built[attr] = page
            page.show()  # a child added to a shown widget stays hidden until shown
            page.refresh()
            if hasattr(page, "_stale"):
                page._stale = False
            self.page_built(attr, page)
        return self._built[attr]

    def page_built(self, attr: str, page: QWidget) -> None:
        """Hook for subclasses: connect a new page's signals."""

    def __getattr__(self, name: str):
        if name in {a for a, _l, _t in type(self).PAGES}:
            return self.page(name)
        raise AttributeError(name)

    def show_page(self, attr: str) -> QWidget:
        page = self.page(attr)
        self.pages.setCurrentIndex(self._index(attr))
        return page

    # -- refreshing --------------------------------------------------------------------
    def _ensure_built(self, index: int) -> None:
        attr = self.PAGES[index][0]
        if self.REFRESH_ON_SWITCH and attr in self._built:
            self._built[attr].refresh()
        else:
            self.page(attr)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._ensure_built(self.pages.currentIndex())

    def hideEvent(self, event) -> None:
        # another tab may change what the pages show: re-read when shown again
        super().hideEvent(event)
        for page in self._built.values():
            if hasattr(page, "_stale"):
                page._stale = True

    def _refresh_current(self) -> None:
        current = self.PAGES[self.pages.currentIndex()][0]
        if current in self._built:
            self._built[current].refresh()

    def refresh_others(self, source: str) -> None:
        """After ``source`` changed data: pages in view re-read now, the others when shown."""
        for attr, page in self._built.items():
            if attr == source:
                continue
            if page.isVisible() or not hasattr(page, "_stale"):
                page.refresh()
            else:
                page._stale = True

    def refresh(self) -> None:
        """Re-read the page in view; the others re-read when next shown."""
        current = self.PAGES[self.pages.currentIndex()][0]
        for attr, page in self._built.items():
            if attr == current or not hasattr(page, "_stale"):
                page.refresh()
            else:
                page._stale = True
        self.page(current)
