"""Undo of record edits within a tab (Ctrl+Z / Ctrl+Shift+Z), over ``app.db.records``.

An edit is made first (so its errors reach the form), then pushed as an
:class:`EditCommand`, whose first ``redo`` does nothing. Undo applies the inverse edit;
both are ordinary recorded edits, so the change log tells the whole story.

An undo or redo that would overwrite a later change is refused by ``app.db.records``
(nothing written): the command says why, marks itself obsolete, and the stack drops it,
so the commands below it stay undoable and nothing refers to a state that is gone.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlite_utils import Database

from app.db import records
from app.db.records import Change
from app.domain.errors import DomainError


class EditCommand(QUndoCommand):
    def __init__(
        self,
        db: Database,
        change: Change,
        text: str,
        refresh: Callable[[], None],
        parent_widget: QWidget | None = None,
    ) -> None:
        super().__init__(text)
        self._db, self._change, self._refresh = db, change, refresh
        self._widget = parent_widget
        self._done = True

    def redo(self) -> None:
        if self._done:  # the edit was made before the command was pushed
            return
        if self._apply(
            lambda: records.reapply(self._db, self._change),
            QCoreApplication.translate("EditCommand", "无法重做"),
        ):
            self._done = True

    def undo(self) -> None:
        if self._apply(
            lambda: records.revert(self._db, self._change),
            QCoreApplication.translate("EditCommand", "无法撤销"),
        ):
            self._done = False

    def _apply(self, action: Callable[[], Change], title: str) -> bool:
        """Run the undo or redo; refused, show why and let the stack drop this command."""
        try:
            action()
            return True
        except DomainError as e:
            self.setObsolete(True)  # QUndoStack deletes it after this undo()/redo()
            QMessageBox.warning(self._widget, title, str(e))
            return False
        finally:
            self._refresh()


class TabUndo:
    """One undo stack per tab, with Ctrl+Z and Ctrl+Shift+Z/Ctrl+Y working inside the tab."""

    def __init__(self, tab: QWidget, db: Database, refresh: Callable[[], None]) -> None:
        self.db, self.refresh, self.tab = db, refresh, tab
        self.stack = QUndoStack(tab)
        self.stack.setUndoLimit(50)
        # the platform's Redo keys include Ctrl+Shift+Z (and Ctrl+Y): binding it again
        # would make the shortcut ambiguous, and Qt would then ignore it
        for seq, slot in (
            (QKeySequence.StandardKey.Undo, self.stack.undo),
            (QKeySequence.StandardKey.Redo, self.stack.redo),
        ):
            shortcut = QShortcut(seq, tab)
            shortcut.setContext(shortcut.context().WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def push(self, change: Change, text: str) -> None:
        self.stack.push(EditCommand(self.db, change, text, self.refresh, self.tab))
        self.refresh()
