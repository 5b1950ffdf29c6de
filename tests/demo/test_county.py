"""Demo data at county scale: the county of the seed report (20 townships, 266 villages)."""

from __future__ import annotations

from datetime import date

import pytest

from app.db import store
from app.db.connection import memory_database
from app.demo import build_demo
from app.demo.build import TABLES

TODAY = date(2026, 11, 28)


@pytest.mark.slow
def test_county_scale():
    db = memory_database()
    summary = build_demo(db, scale="county", seed=3, today=TODAY)

    def scalar(sql: str) -> object:
        return db.execute(sql).fetchone()[0]

    assert store.require_identity(db).kind == "county"
    assert (summary.townships, summary.villages, summary.cadres) == (20, 266, 269)
    assert (summary.stationed, summary.part_time) == (150, 119)
    assert abs(summary.households - 94_000) <= 940
    assert summary.first_day == date(2024, 1, 1)
    for table in TABLES:
        assert summary.counts[table] > 0, table
    per_township = [
        r[0] for r in db.execute("SELECT count(*) FROM villages GROUP BY township_code")
    ]
    assert len(per_township) == 20 and min(per_township) >= 9 and max(per_township) <= 18
    assert len(set(per_township)) > 3  # spread unevenly
    assert (
        scalar("""SELECT count(*) FROM villages v JOIN townships t ON t.code = v.township_code
                     WHERE substr(v.code, 1, 9) <> t.code OR length(v.code) <> 12""")
        == 0
    )
    assert scalar("""SELECT count(*) FROM townships WHERE substr(code, 1, 6) <> county_code""") == 0
    good = scalar("SELECT count(*) FROM villages WHERE register_grade IN ('一类', '二类')")
    assert 10 <= good <= 22
    roles = dict(
        db.execute("""SELECT role = '驻村干部', count(DISTINCT cadre_no)
                               FROM assignments GROUP BY 1""").fetchall()
    )
    assert roles == {1: 150, 0: 119}
    # cadre numbers carry their township, and cadres belong to the township of their villages
    assert (
        scalar("""SELECT count(*) FROM assignments a JOIN cadres c USING (cadre_no)
                     JOIN villages v ON v.code = a.village_code
                     WHERE v.township_code <> c.township_code""")
        == 0
    )
    assert {r[0] for r in db.execute("SELECT DISTINCT year FROM village_assessments")} == {
        2024,
        2025,
        2026,
    }
    assert scalar("SELECT min(day) FROM attendance") >= "2024-01-01"
    assert scalar("SELECT max(day) FROM attendance") == "2026-11-27"
    assert scalar("SELECT count(DISTINCT cadre_no) FROM checks WHERE result = '不在岗'") > 0
    assert scalar("SELECT count(*) FROM subsidy_months") == 0
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
