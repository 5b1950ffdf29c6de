"""Asking the clerk why a frozen record changes (修改原因).

An approved subsidy month or a quarter sent to the county changes only with a reason
(:mod:`app.db.guard`): without one the writers refuse, writing nothing
(:class:`~app.db.guard.ReasonRequired`). The pages run them through
:func:`run_with_reason`, which asks with a :class:`ReasonDialog` — why a reason is
needed, a required text box, 确定/取消 (Enter/Esc) — and runs the writer again with the
reason, which the change log keeps. Cancelling raises :class:`ReasonCancelled`: a
``DomainError`` saying nothing was saved, so a record form stays open showing it, and
other callers simply stop with everything as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.db.guard import ReasonRequired, clean_reason
from app.domain.errors import DomainError

T = TypeVar("T")

WHY_STYLE = "QLabel { background: #fff3cd; color: #7a4f00; padding: 6px 8px; border-radius: 3px; }"
MUTED_STYLE = "QLabel { color: #555; }"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReasonDialog", text)


class ReasonCancelled(DomainError):
    """The clerk did not give the reason asked for: nothing was saved."""

    def __init__(self) -> None:
        super().__init__(_tr("没有保存：未填写修改原因，记录保持原样。"), field="reason")


class ReasonDialog(QDialog):
    """Why a reason is needed, what changes, and a required one-line reason.

    确定 is enabled once the reason is not blank; Enter accepts, Esc cancels.
    """

    def __init__(
        self,
        why: str,
        parent: QWidget | None = None,
        *,
        what: str | None = None,
        note: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("填写修改原因"))
        self.setMinimumWidth(420)
        self.why_label = QLabel(f"{why}，{self.tr('修改需填写原因')}。")
        self.why_label.setObjectName("why")
        self.why_label.setWordWrap(True)
        self.why_label.setStyleSheet(WHY_STYLE)
        self.what_label = QLabel(what or "")
        self.what_label.setWordWrap(True)
        self.what_label.setVisible(bool(what))
        self.note_label = QLabel(note or "")
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(MUTED_STYLE)
        self.note_label.setVisible(bool(note))
        prompt = QLabel(self.tr("修改原因（必填，记入修改记录）："))
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setPlaceholderText(self.tr("如：补录考勤簿漏记的一天；经核实更正"))
        prompt.setBuddy(self.reason_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("确定"))
        self.ok_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(
            lambda text: self.ok_button.setEnabled(clean_reason(text) is not None)
        )
        layout = QVBoxLayout(self)
        for w in (self.why_label, self.what_label, self.note_label, prompt, self.reason_edit):
            layout.addWidget(w)
        layout.addWidget(self.buttons)
        self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def reason(self) -> str | None:
        return clean_reason(self.reason_edit.text())

    def accept(self) -> None:  # Enter with a blank reason does nothing
        if self.reason() is None:
            self.reason_edit.setFocus()
            return
        super().accept()


def ask_reason(
    parent: QWidget | None, why: str, *, what: str | None = None, note: str | None = None
) -> str | None:
    """Ask for the reason; None when the clerk cancels."""
    dialog = ReasonDialog(why, parent, what=what, note=note)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.reason()
    finally:
        dialog.deleteLater()


def run_with_reason(
    parent: QWidget | None,
    action: Callable[[str | None], T],
    *,
    reason: str | None = None,
    what: str | None = None,
    note: str | None = None,
) -> tuple[T, str | None]:
    """``action(reason)``; when it needs a reason it has not got, ask for one and run it
    again with it. Returns (its result, the reason used).

    Raises :class:`ReasonCancelled` when the clerk cancels (nothing was written), and
    whatever else ``action`` raises.
    """
    try:
        return action(reason), clean_reason(reason)
    except ReasonRequired as e:
        if clean_reason(reason) is not None:
            raise
        given = ask_reason(parent, e.why, what=what, note=note)
        if given is None:
            raise ReasonCancelled() from None
        return action(given), given


__all__ = ["ReasonCancelled", "ReasonDialog", "ask_reason", "run_with_reason"]
