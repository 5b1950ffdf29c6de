"""Undo of record edits within a tab (Ctrl+Z / Ctrl+Shift+Z), over ``app.db.records``.

An edit is made first (so its errors reach the form), then pushed as an
:class:`EditCommand`, whose first ``redo`` does nothing. Undo applies the inverse edit;
both are ordinary recorded edits, so the change log tells the whole story.

An undo or redo that would overwrite a later change is refused by ``app.db.records``
(nothing written): the command says why, marks itself obsolete, and the stack drops it,
so the commands below it stay undoable and nothing refers to a state that is gone.

A record in a frozen period (an approved subsidy month, a quarter sent to the county)
changes only with a reason (:mod:`app.db.guard`). An edit made with one keeps it: its
undo records ``撤销：<reason>`` and its redo ``重做：<reason>`` without asking again (the
clerk is taking back, or putting back, the change he just explained). An edit made
before its period was frozen has none: its undo asks (:mod:`app.ui.widgets.reason`);
cancelling leaves the record as it is and drops the step, like a refused undo.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlite_utils import Database

from app.db import records
from app.db.guard import undo_reason
from app.db.records import Change
from app.domain.errors import DomainError
from app.ui.widgets.reason import ReasonCancelled, run_with_reason

UNDO, REDO = "撤销", "重做"


def run_step(
    widget: QWidget | None,
    action: Callable[[str | None], object],
    reason: str | None,
    direction: str,
) -> bool:
    """Run the undo (``撤销``) or redo (``重做``) ``action(reason)`` of an edit made with
    ``reason`` (see the module). False when it was refused (the clerk is told why) or the
    clerk cancelled the reason asked for: the caller's command then marks itself obsolete.
    """
    tr = QCoreApplication.translate
    title = tr("EditCommand", "无法撤销") if direction == UNDO else tr("EditCommand", "无法重做")
    try:
        run_with_reason(widget, action, reason=undo_reason(reason, direction))
        return True
    except ReasonCancelled:
        QMessageBox.information(
            widget,
            title,
            QCoreApplication.translate(
                "EditCommand", "没有填写修改原因，记录保持原样；这一步已从撤销列表中移除。"
            ),
        )
        return False
    except DomainError as e:
        QMessageBox.warning(widget, title, str(e))
        return False


class EditCommand(QUndoCommand):
    def __init__(
        self,
        db: Database,
        change: Change,
        text: str,
        refresh: Callable[[], None],
        parent_widget: QWidget | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(text)
        self._db, self._change, self._refresh = db, change, refresh
        self._widget = parent_widget
        self.reason = reason  # the edit's reason (a frozen period), kept for undo and redo
        self._done = True

    def redo(self) -> None:
        if self._done:  # the edit was made before the command was pushed
            return
        if self._apply(lambda r: records.reapply(self._db, self._change, r), REDO):
            self._done = True

    def undo(self) -> None:
        if self._apply(lambda r: records.revert(self._db, self._change, r), UNDO):
            self._done = False

    def _apply(self, action: Callable[[str | None], Change], direction: str) -> bool:
        """Run the undo or redo; refused, show why and let the stack drop this command."""
        try:
            if run_step(self._widget, action, self.reason, direction):
                return True
            self.setObsolete(True)  # QUndoStack deletes it after this undo()/redo()
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

    def push(self, change: Change, text: str, reason: str | None = None) -> None:
        """Push an edit already made (with ``reason`` when its period is frozen)."""
        self.stack.push(EditCommand(self.db, change, text, self.refresh, self.tab, reason))
        self.refresh()
