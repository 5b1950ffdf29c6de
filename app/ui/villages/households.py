"""The households panel (户情档案 table with its household page), as 村情档案 embeds it.

The village side needs only :class:`HouseholdsView`: ``refresh()`` and
``open_household(hh_no)``; a test may hand the tab a stand-in through ``panel_factory``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlite_utils import Database

from app.ui.households.panel import HouseholdsPanel
from app.ui.undo import TabUndo


class HouseholdsView(Protocol):
    def refresh(self) -> None: ...

    def open_household(self, hh_no: str | None = None) -> Any: ...


#: ``(db, undo, village_code)`` → a widget showing households (all when the code is None)
PanelFactory = Callable[[Database, TabUndo, "str | None"], Any]


def households_panel(
    db: Database, undo: TabUndo, village_code: str | None = None
) -> HouseholdsPanel:
    """A :class:`HouseholdsPanel` over all households, or one village's."""
    return HouseholdsPanel(db, undo, village_code=village_code)
