"""The Qt binding keeps Python's reference counts straight.

PySide6-Essentials 6.12.0 on Python 3.11 drops a reference to None (and to True/False)
on every call of a Qt method returning nothing, so a long session ends in
"Fatal Python error: none_dealloc". pyproject.toml keeps it below 6.12; this test
catches a binding that does it again.
"""

import sys

from PySide6.QtWidgets import QLabel


def test_calls_returning_nothing_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before_none, before_true = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(200):
        label.setText(str(i))
        label.isVisible()
    assert sys.getrefcount(None) - before_none > -50
    assert sys.getrefcount(True) - before_true > -50
