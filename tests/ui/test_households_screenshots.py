"""Screenshots of the household list and page in /tmp/ui-shots/households-*.png (demo data).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/pytest tests/ui/test_households_screenshots.py
and look at the pictures after a layout change.
"""

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from app.db.connection import memory_database
from app.demo import build_demo
from app.ui.households import HouseholdsPanel
from app.ui.undo import TabUndo

SHOTS = Path("/tmp/ui-shots")
TODAY = date(2026, 5, 15)


def shoot(widget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"households-{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 10_000
    return path


def test_screenshots_with_demo_data(qtbot):
    db = memory_database()
    build_demo(db, scale="township", seed=1, today=TODAY)
    tab = QWidget()
    undo = TabUndo(tab, db, lambda: None)
    panel = HouseholdsPanel(db, undo, parent=tab)
    panel.clock = lambda: TODAY
    QVBoxLayout(tab).addWidget(panel)
    qtbot.addWidget(tab)
    tab.resize(1180, 640)
    tab.show()
    qtbot.waitExposed(tab)
    shoot(tab, "1-list")

    # low-income households named 王…, the richest first
    event = QInputMethodEvent()
    event.setCommitString("王")
    QApplication.sendEvent(panel.filter_edit, event)
    panel.low_income_check.setChecked(True)
    panel.model.sort(panel.model.COL_INCOME, Qt.SortOrder.DescendingOrder)
    panel.table.horizontalHeader().setSortIndicator(
        panel.model.COL_INCOME, Qt.SortOrder.DescendingOrder
    )
    panel.apply_filter()
    panel.table.selectRow(0)
    shoot(tab, "2-filtered")

    village = db.execute("SELECT code FROM villages ORDER BY code LIMIT 1 OFFSET 2").fetchone()[0]
    one = QWidget()
    one_panel = HouseholdsPanel(
        db, TabUndo(one, db, lambda: None), village_code=village, parent=one
    )
    QVBoxLayout(one).addWidget(one_panel)
    qtbot.addWidget(one)
    one.resize(980, 520)
    one.show()
    qtbot.waitExposed(one)
    one_panel.group_combo.setCurrentIndex(3)
    shoot(one, "3-one-village")

    busiest = db.execute(
        "SELECT hh_no FROM household_visits GROUP BY hh_no ORDER BY count(*) DESC, hh_no LIMIT 1"
    ).fetchone()[0]
    page = panel.open_household(busiest)
    qtbot.waitExposed(page)
    page.visit_table.selectRow(0)
    shoot(page, "4-page-with-visits")
    page.add_visit()
    dialog = page.dialog
    qtbot.waitExposed(dialog)
    dialog.form.editors["day"].setText("2026-02-30")
    dialog.form.validate_field("day")
    qtbot.wait(50)  # let the layout make room for the message
    shoot(dialog, "5-visit-bad-date")
    dialog.reject()
    page.reject()

    new = panel.add_household()
    qtbot.waitExposed(new)
    new.form.editors["hh_no"].setText("6127011012019001")
    new.form.editors["village_code"].setText("612701101299")
    new.form.editors["head_name"].setText("赵小满")
    new.form.editors["phone"].setText("13800-abc")
    new.form.submit()
    qtbot.wait(50)
    shoot(new, "6-new-with-problems")
    new.reject()
