"""Answering the reason dialog (修改原因) the way a clerk does, from a test.

The dialog is modal (``exec``): the answer is scheduled before the action that opens it
and given from inside its event loop.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from app.ui.widgets.reason import ReasonDialog


def type_chinese(edit, text: str) -> None:
    """What a Chinese input method does: commit the composed text (keyClicks is ASCII only)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


class ReasonAnswer:
    """What the dialog showed (``why``, ``what``, ``note``) once it was answered."""

    def __init__(self) -> None:
        self.asked = 0
        self.why = self.what = self.note = ""
        self.ok_enabled_when_blank: bool | None = None
        self.grab = None  # the dialog's picture, when asked for

    def __bool__(self) -> bool:
        return self.asked > 0


def answer_reason(
    qtbot, text: str | None, *, grab: bool = False, before=None, tries: int = 50
) -> ReasonAnswer:
    """When the reason dialog opens: type ``text`` and press Enter, or press Esc (None).

    ``before(dialog)`` runs first (e.g. to take a picture of the window behind it).
    """
    answer = ReasonAnswer()

    def respond(left: int = tries) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ReasonDialog):
            if left:
                QTimer.singleShot(20, lambda: respond(left - 1))
            return
        answer.asked += 1
        answer.why = dialog.why_label.text()
        answer.what = dialog.what_label.text() if dialog.what_label.isVisibleTo(dialog) else ""
        answer.note = dialog.note_label.text() if dialog.note_label.isVisibleTo(dialog) else ""
        answer.ok_enabled_when_blank = dialog.ok_button.isEnabled()
        if before is not None:
            before(dialog)
        if grab:
            answer.grab = dialog.grab()
        if text is None:
            qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Escape)
        else:
            type_chinese(dialog.reason_edit, text)
            qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)

    QTimer.singleShot(0, respond)
    return answer
