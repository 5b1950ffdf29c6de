"""Fixtures for the window: a small township in an in-memory database, synchronous tasks."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from app.db.connection import memory_database  # noqa: E402
from app.db.store import initialise  # noqa: E402
from app.ui import tasks  # noqa: E402

TODAY = date(2026, 5, 15)

VILLAGES = [
    {
        "code": "610526100201",
        "name": "东坡村",
        "register_grade": "三类",
        "groups_count": 6,
        "households": 412,
        "population": 1530,
        "agri_population": 1380,
        "party_members": 38,
        "leading_industry": "生猪养殖",
    },
    {
        "code": "610526100202",
        "name": "西沟村",
        "register_grade": "四类",
        "groups_count": 4,
        "households": 286,
        "population": 1024,
        "agri_population": 990,
        "party_members": 21,
        "leading_industry": "苹果种植",
    },
    {
        "code": "610526100203",
        "name": "南塬村",
        "register_grade": "二类",
        "groups_count": 5,
        "households": 350,
        "population": 1301,
        "agri_population": 1200,
        "party_members": 30,
        "leading_industry": "设施蔬菜",
    },
]
CADRES = [
    {
        "cadre_no": "GB001",
        "name": "王建国",
        "sex": "男",
        "unit": "东坡镇党委",
        "post": "组织委员",
        "expertise": "组织",
        "is_leader": 1,
    },
    {
        "cadre_no": "GB002",
        "name": "李秀兰",
        "sex": "女",
        "unit": "农业综合服务站",
        "post": "技术员",
        "expertise": "技术",
        "is_leader": 0,
    },
]


@pytest.fixture(autouse=True)
def synchronous_tasks():
    tasks.set_synchronous(True)
    yield
    tasks.set_synchronous(False)


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def db():
    """东坡镇 with 3 villages, 2 cadres, 2 assignments and two years of one assessment."""
    db = memory_database()
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code="610526100",
        township_name="东坡镇",
    )
    db["villages"].insert_all([v | {"township_code": "610526100"} for v in VILLAGES])
    db["cadres"].insert_all([c | {"township_code": "610526100"} for c in CADRES])
    db["assignments"].insert_all(
        [
            {
                "cadre_no": "GB002",
                "village_code": "610526100202",
                "role": "驻村干部",
                "start_date": "2026-03-01",
            },
            {
                "cadre_no": "GB001",
                "village_code": "610526100201",
                "role": "兼职第一书记",
                "start_date": "2026-01-01",
            },
            # ended: must not show as a current post
            {
                "cadre_no": "GB001",
                "village_code": "610526100203",
                "role": "兼职书记",
                "start_date": "2025-01-01",
                "end_date": "2025-12-31",
            },
        ]
    )
    template_id = db.execute("SELECT id FROM templates ORDER BY id LIMIT 1").fetchone()[0]
    db["village_assessments"].insert_all(
        [
            {
                "village_code": "610526100201",
                "year": 2024,
                "template_id": template_id,
                "total_tenths": 712,
                "grade": "三类",
            },
            {
                "village_code": "610526100201",
                "year": 2025,
                "template_id": template_id,
                "total_tenths": 845,
                "grade": "二类",
            },
        ]
    )
    # one present day last month, so the subsidy sheet needs a rate
    db["attendance"].insert(
        {"cadre_no": "GB002", "day": "2026-04-10", "village_code": "610526100202", "kind": "在村"}
    )
    return db


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "township.sqlite"


@pytest.fixture
def window(qtbot, db, db_path, today):
    from app.ui.main_window import MainWindow

    w = MainWindow(db, db_path, clock=lambda: today)
    qtbot.addWidget(w)
    return w
