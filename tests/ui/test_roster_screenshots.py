"""Screenshots of the cadre pages with the demo township in /tmp/ui-shots/cadres-*.png.

Look at them after a layout change: the pages must fit a 1366×768 laptop (the window
is 1200×700), Chinese glyphs must show, and no header may be clipped.
"""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTabWidget

from app.db.connection import memory_database
from app.demo import build_demo
from app.ui.cadres.assignments import AssignmentsPage
from app.ui.cadres.checks import ChecksPage
from app.ui.cadres.leave import LeavePage
from app.ui.cadres.roster import RosterPage
from app.ui.undo import TabUndo
from tests.ui.test_roster import pick, retype, type_chinese
from tests.ui.test_villages_screenshots import cells_fit, headers_fit

SHOTS = Path("/tmp/ui-shots")
TODAY = date(2026, 5, 15)


@pytest.fixture
def demo_tab(qtbot):
    db = memory_database()
    build_demo(db, scale="township", seed=1, today=TODAY)
    tab = QTabWidget()
    tab.setDocumentMode(True)
    qtbot.addWidget(tab)
    undo = TabUndo(tab, db, lambda: None)
    pages = {}
    for cls, label in (
        (RosterPage, "花名册"),
        (AssignmentsPage, "驻村/兼职安排"),
        (LeavePage, "请假/销假"),
        (ChecksPage, "查岗"),
    ):
        pages[cls] = cls(db, undo, clock=lambda: TODAY)
        tab.addTab(pages[cls], label)
    tab.resize(1200, 640)  # the main window's tab area at its default size
    tab.show()
    qtbot.waitExposed(tab)
    return tab, pages, db


def shoot(widget, qtbot, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(30)
    path = SHOTS / f"cadres-{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 10_000
    return path


def test_screenshots_of_the_cadre_pages(demo_tab, qtbot):
    tab, pages, _db = demo_tab

    roster = pages[RosterPage]
    assert roster.model.rowCount() == 23
    assert headers_fit(roster.table) == []
    assert cells_fit(roster.table) == []
    flagged = [r.cadre_no for r in roster.rows() if r.unexcused]
    assert flagged  # the demo has failed checks this year
    shoot(tab, qtbot, "1-roster")

    tab.setCurrentWidget(pages[AssignmentsPage])
    assignments = pages[AssignmentsPage]
    assert headers_fit(assignments.table) == []
    assert cells_fit(assignments.table) == []
    shoot(tab, qtbot, "2-assignments")
    dialog = assignments.add_assignment()
    qtbot.waitExposed(dialog)
    pick(dialog.form.editors["village_code"], "双峪村（612701101216）")
    assert dialog.suggestions()
    assert dialog.width() <= 1366 and dialog.height() <= 768
    shoot(dialog, qtbot, "3-assign-dialog")
    dialog.reject()

    tab.setCurrentWidget(pages[LeavePage])
    leave = pages[LeavePage]
    assert headers_fit(leave.table) == []
    dialog = leave.add_leave()
    qtbot.waitExposed(dialog)
    pick(dialog.form.editors["cadre_no"], "于亮（GB011）")
    retype(qtbot, dialog.form.editors["start_date"], "2026-05-18")
    qtbot.keyClicks(dialog.form.editors["end_date"], "2026-05-22")
    type_chinese(dialog.form.editors["reason"], "病假：住院治疗")
    dialog.form.editors["approver_level"].setCurrentIndex(1)  # 乡镇党委: too low
    dialog.check_level()
    assert dialog.form.errors["approver_level"].isVisible()
    shoot(dialog, qtbot, "4-leave-dialog")
    dialog.reject()
    shoot(tab, qtbot, "5-leave")

    tab.setCurrentWidget(pages[ChecksPage])
    checks = pages[ChecksPage]
    pick(checks.month_combo, "全部")
    pick(checks.result_combo, "不在岗")
    checks.table.selectRow(0)
    assert headers_fit(checks.table) == []
    assert checks.model.rowCount() > 0
    shoot(tab, qtbot, "6-checks")


def test_screenshot_of_the_check_dialog(demo_tab, qtbot):
    tab, pages, _db = demo_tab
    tab.setCurrentWidget(pages[ChecksPage])
    dialog = pages[ChecksPage].add_check()
    qtbot.waitExposed(dialog)
    pick(dialog.form.editors["cadre_no"], "于亮（GB011）")
    pick(dialog.form.editors["result"], "不在岗")
    type_chinese(dialog.form.editors["checker"], "杨安贵")
    shoot(dialog, qtbot, "7-check-dialog")
    dialog.reject()
