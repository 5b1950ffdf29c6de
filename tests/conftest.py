import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from app.db.connection import memory_database  # noqa: E402
from app.db.store import initialise  # noqa: E402


@pytest.fixture
def township_db():
    db = memory_database()
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code="610526100",
        township_name="东坡镇",
    )
    db["villages"].insert(
        {
            "code": "610526100201",
            "township_code": "610526100",
            "name": "东坡村",
            "register_grade": "三类",
        }
    )
    db["cadres"].insert_all(
        [
            {"cadre_no": "GB001", "township_code": "610526100", "name": "王建国"},
            {"cadre_no": "GB002", "township_code": "610526100", "name": "李秀英"},
        ]
    )
    db["assignments"].insert_all(
        [
            {
                "cadre_no": "GB001",
                "village_code": "610526100201",
                "role": "兼职书记",
                "start_date": "2026-01-01",
            },
            {
                "cadre_no": "GB002",
                "village_code": "610526100201",
                "role": "驻村干部",
                "start_date": "2026-01-01",
            },
        ]
    )
    db["subsidy_rates"].insert_all(
        [
            {"kind": "生活补助", "effective_from": "2026-01-01", "amount_fen": 600},
            {"kind": "交通通讯补助", "effective_from": "2026-01-01", "amount_fen": 4000},
        ]
    )
    return db
