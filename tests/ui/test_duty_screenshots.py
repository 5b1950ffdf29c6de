"""Screenshots of the duty grid with the demo township in /tmp/ui-shots/duty-grid-*.png.

Look at them after a layout change. The page must show a whole month without scrolling
sideways in the tab of a maximised window on a 1366×768 laptop (and in the window's
default 1200×700), with Chinese glyphs, shaded weekends and not-met rows in red.
"""

import time
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QToolTip, QVBoxLayout, QWidget

from app.db.connection import memory_database
from app.demo import build_demo
from app.domain.periods import Month
from app.ui.cadres.duty import DutyGridPage
from app.ui.undo import TabUndo

SHOTS = Path("/tmp/ui-shots")
TODAY = date(2026, 5, 15)
# the tab's room: 1366×768 less the taskbar, title, menu, tab and status bars
MAXIMISED = (1366, 620)
DEFAULT = (1180, 600)  # inside the main window's default 1200×700


@pytest.fixture
def demo_tab(qtbot):
    db = memory_database()
    build_demo(db, scale="township", seed=1, today=TODAY)
    tab = QWidget()
    undo = TabUndo(tab, db, lambda: None)
    page = DutyGridPage(db, undo, clock=lambda: TODAY, parent=tab)
    layout = QVBoxLayout(tab)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(page)
    qtbot.addWidget(tab)
    tab.resize(*MAXIMISED)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    page.refresh()
    return tab, page


def shoot(widget, qtbot, name: str, tooltip_at: QPoint | None = None) -> Path:
    """Save ``widget``; with ``tooltip_at`` (in ``widget``), the tooltip painted left of it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(30)
    pixmap = widget.grab()
    if tooltip_at is not None:  # the tooltip is a window of its own: paint it in
        tip = next(w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel"))
        qtbot.waitUntil(tip.isVisible)
        painter = QPainter(pixmap)
        painter.drawPixmap(tooltip_at - QPoint(tip.width() + 4, -8), tip.grab())
        painter.end()
    path = SHOTS / f"duty-grid-{name}.png"
    assert pixmap.save(str(path))
    assert path.stat().st_size > 10_000
    return path


def fits(page) -> None:
    """The whole month and the summary columns show without scrolling sideways."""
    table = page.table
    assert table.horizontalScrollBar().maximum() == 0
    assert 22 <= table.columnWidth(0) <= 30
    header, metrics = table.horizontalHeader(), table.horizontalHeader().fontMetrics()
    for c in range(page.model.day_count, page.model.columnCount()):
        assert metrics.horizontalAdvance(
            page.model.headerData(c, Qt.Orientation.Horizontal)
        ) + 8 <= (header.sectionSize(c))
        for r in range(page.model.rowCount()):
            text = page.model.index(r, c).data()
            assert table.fontMetrics().horizontalAdvance(text) + 8 <= header.sectionSize(c), text
    rows = table.verticalHeader()
    for r in range(page.model.rowCount()):
        label = page.model.headerData(r, Qt.Orientation.Vertical)
        assert rows.fontMetrics().horizontalAdvance(label) <= rows.width(), label


def key(qtbot, page, k, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(page.table, k, modifier)
    if modifier != Qt.KeyboardModifier.NoModifier:
        qtbot.keyRelease(page.table, Qt.Key.Key_Shift)


def test_screenshots_of_the_duty_grid(demo_tab, qtbot):
    tab, page = demo_tab
    m = page.model
    assert m.rowCount() == 23 and page.month == Month(2026, 5)
    fits(page)
    shoot(tab, qtbot, "1-this-month")

    qtbot.mouseClick(page.prev_button, Qt.MouseButton.LeftButton)
    assert page.month == Month(2026, 4)
    # two cadres fall short: a 兼职 week cleared, a 驻村 week of absences
    for row, day, kind in ((5, 13, Qt.Key.Key_0), (17, 6, Qt.Key.Key_4)):
        page.table.setCurrentIndex(m.index(row, day - 1))
        for _ in range(6):
            key(qtbot, page, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
        started = time.perf_counter()
        key(qtbot, page, kind)  # 7 cells written, the month re-read and shown …
        assert time.perf_counter() - started < 0.25  # … at once, 23 cadres and all
    red = [m.row_at(r).cadre_no for r in range(m.rowCount()) if m.row_at(r).ok is False]
    assert "GB006" in red and "GB018" in red
    fits(page)
    shoot(tab, qtbot, "2-april-not-met")

    page.table.setCurrentIndex(m.index(2, 19))  # a block: 3 cadres × 5 days
    for k in (Qt.Key.Key_Right,) * 4 + (Qt.Key.Key_Down,) * 2:
        key(qtbot, page, k, Qt.KeyboardModifier.ShiftModifier)
    assert len(page.selected_positions()) == 15
    shoot(tab, qtbot, "3-selection")

    status = m.index(5, m.day_count + m.S_STATUS)
    rect = page.table.visualRect(status)
    at = page.table.viewport().mapToGlobal(rect.center())
    QToolTip.showText(at, status.data(Qt.ItemDataRole.ToolTipRole), page.table.viewport())
    shoot(tab, qtbot, "4-tooltip", tooltip_at=tab.mapFromGlobal(at))
    QToolTip.hideText()

    tab.resize(*DEFAULT)
    qtbot.wait(30)
    fits(page)
    shoot(tab, qtbot, "5-default-window")
