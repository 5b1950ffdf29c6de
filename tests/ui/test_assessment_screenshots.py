"""Screenshots of the 考核 tab with the demo township: /tmp/ui-shots/assessment-*.png."""

from pathlib import Path

import pytest

SHOTS = Path("/tmp/ui-shots")


def test_screenshots_assessment_demo(qtbot, db_path, today):
    demo = pytest.importorskip("app.demo")
    from app.db.connection import memory_database
    from app.ui.main_window import MainWindow

    db = memory_database()
    demo.build_demo(db, scale="township", seed=1, today=today)
    window = MainWindow(db, db_path, clock=lambda: today)
    qtbot.addWidget(window)
    window.resize(1200, 700)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.assessment_tab)
    tab = window.assessment_tab
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = tab.show_page("villages")
    years = [page.year_combo.itemData(i) for i in range(page.year_combo.count())]
    scored = [y for y in years if page.model.rows and y < today.year]
    if scored:
        page.set_year(scored[0])
    page.table.setCurrentIndex(page.model.index(0, 1))
    m = page.model
    m.setData(m.index(1, 1), "11")  # a refused value, red
    for name, shot in (("villages", "村级考核"), ("templates", "指标模板"), ("cadres", "干部考核")):
        tab.show_page(name)
        qtbot.wait(50)
        path = SHOTS / f"assessment-{shot}.png"
        assert window.grab().save(str(path))
        assert path.stat().st_size > 10_000
    header = page.table.horizontalHeader()
    assert header.length() <= page.table.viewport().width() + 2  # no column cut off
