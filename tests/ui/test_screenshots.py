"""Screenshots of every tab in /tmp/ui-shots/ (look at them after a layout change).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/pytest tests/ui/test_screenshots.py
The ``demo`` variant uses ``app.demo.build_demo`` at township scale when it exists.
"""

from pathlib import Path

import pytest

SHOTS = Path("/tmp/ui-shots")


def _shoot(window, qtbot, prefix: str) -> list[Path]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.show()
    qtbot.waitExposed(window)
    saved = []
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        qtbot.wait(50)
        path = SHOTS / f"{prefix}-{i + 1}-{window.tabs.tabText(i)}.png"
        assert window.grab().save(str(path))
        saved.append(path)
    return saved


def test_screenshot_subsidy_without_rates(window, qtbot):
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.subsidy_tab)
    assert window.subsidy_tab.message_label.isVisible()
    assert window.grab().save(str(SHOTS / "fixture-no-rates-补助发放.png"))


def test_screenshots_small_township(window, qtbot, db):
    db["subsidy_rates"].insert_all(
        [
            {"kind": "生活补助", "effective_from": "2020-01-01", "amount_fen": 600},
            {"kind": "交通通讯补助", "effective_from": "2020-01-01", "amount_fen": 4000},
        ]
    )
    db["meetings"].insert_all(
        [
            {
                "id": 1,
                "kind": "周例会",
                "day": "2026-05-11",
                "place": "镇政府三楼会议室",
                "chair": "王建国",
            },
            {
                "id": 2,
                "kind": "月汇报",
                "day": "2026-04-30",
                "place": "西沟村村委会",
                "chair": "王建国",
            },
        ]
    )
    db["meeting_attendees"].insert_all(
        [
            {"meeting_id": 1, "cadre_no": "GB001"},
            {"meeting_id": 1, "cadre_no": "GB002"},
        ]
    )
    db["action_items"].insert({"meeting_id": 1, "task": "西沟村道路硬化", "status": "open"})
    window.refresh_all()
    for path in _shoot(window, qtbot, "fixture"):
        assert path.stat().st_size > 10_000


def test_screenshots_empty_township(qtbot, db_path, today):
    """A new database: every tab explains itself instead of showing a bare grid."""
    from app.db.connection import memory_database
    from app.db.store import initialise
    from app.ui.main_window import MainWindow

    db = memory_database()
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code="610526100",
        township_name="东坡镇",
    )
    window = MainWindow(db, db_path, clock=lambda: today)
    qtbot.addWidget(window)
    _shoot(window, qtbot, "empty")


def test_screenshots_demo_township(qtbot, db_path, today):
    demo = pytest.importorskip("app.demo")
    if not hasattr(demo, "build_demo"):
        pytest.skip("app.demo.build_demo not written yet")
    from app.db.connection import memory_database
    from app.ui.main_window import MainWindow

    db = memory_database()
    demo.build_demo(db, scale="township", seed=1, today=today)
    window = MainWindow(db, db_path, clock=lambda: today)
    qtbot.addWidget(window)
    for path in _shoot(window, qtbot, "demo"):
        assert path.stat().st_size > 10_000


def test_screenshot_import_dialog_with_problems(window, qtbot, tmp_path):
    bad = tmp_path / "村情登记.csv"
    bad.write_text(
        "村代码,村名,村民小组数,户数,人口,农业人口,党员数,主导产业,党组织类别,备注\n"
        "6105261002041,北岭村,3,100,400,380,10,小麦,三类,\n"
        "610526100205,河湾村,3,-5,400,380,10,小麦,五类,\n",
        encoding="utf-8",
    )
    dialog = window.open_import_dialog()
    qtbot.addWidget(dialog)
    dialog.set_kind("villages")
    dialog.set_path(bad)
    dialog.check_button.click()
    qtbot.waitExposed(dialog)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(SHOTS / "dialog-import-problems.png"))
    assert dialog.problem_model.rowCount() >= 3
