"""One village's file: figures with their changes, grades, cadres, household completeness."""

from datetime import date

import pytest

from app.db import records, views
from app.db import villages as vdb
from app.domain.errors import DomainError

V = "610526100201"


def hh(no, group="第一组", visited=False, db=None):
    db["households"].insert(
        {"hh_no": no, "village_code": V, "group_name": group, "head_name": f"户主{no[-1]}"}
    )
    if visited:
        db["household_visits"].insert({"hh_no": no, "day": "2026-04-01", "living": "住房安全"})


def test_completeness_counts_visited_households_against_the_register(township_db):
    db = township_db
    db["villages"].update(V, {"households": 5})
    hh("H1", visited=True, db=db)
    hh("H2", visited=True, db=db)
    db["household_visits"].insert({"hh_no": "H2", "day": "2026-05-01"})  # two visits: one home
    hh("H3", db=db)
    hh("H4", "第二组", db=db)
    c = vdb.completeness(db, V)
    assert (c.register, c.entered, c.filed) == (5, 4, 2)
    assert c.percent == 40 and c.unvisited == 2 and c.not_entered == 1
    assert [(g.group_name, g.entered, g.filed) for g in c.groups] == [
        ("第一组", 3, 2),
        ("第二组", 1, 0),
    ]
    missing = vdb.unvisited_households(db, V)
    assert [m.hh_no for m in missing] == ["H3", "H4"]


def test_completeness_falls_back_to_the_rows_when_the_register_is_empty(township_db):
    db = township_db
    hh("H1", visited=True, db=db)
    hh("H2", db=db)
    hh("H3", db=db)
    c = vdb.completeness(db, V)
    assert c.register is None and c.base == 3 and c.percent == 33 and c.not_entered == 0
    db["villages"].update(V, {"households": 0})
    assert vdb.completeness(db, V).percent == 33
    db["villages"].update(V, {"households": 2})  # fewer than entered: flagged
    assert vdb.completeness(db, V).register_short


def test_nothing_to_count(township_db):
    c = vdb.completeness(township_db, V)
    assert c.percent is None and c.groups == ()


def test_groups_in_their_natural_order(township_db):
    db = township_db
    for i, group in enumerate(["第十一组", "第二组", "第一组", None, "第十组", "东队"]):
        hh(f"H{i}", group, db=db)
    assert [g.group_name for g in vdb.completeness(db, V).groups] == [
        "第一组",
        "第二组",
        "第十组",
        "第十一组",
        "东队",
        None,
    ]


def test_years_with_changes_from_the_year_before(township_db):
    db = township_db
    base = {"village_code": V, "households": 400, "party_members": 30}
    db["village_years"].insert_all(
        [
            {**base, "year": 2023, "population": 1500, "income_per_capita_fen": 1_000_000},
            {**base, "year": 2024, "population": 1512, "income_per_capita_fen": 1_082_000},
            # 2025 missing: 2026 is not compared with 2024
            {**base, "year": 2026, "population": 1490, "collective_income_fen": 35_000},
        ]
    )
    years = vdb.village_years(db, V)
    assert [y.year for y in years] == [2026, 2024, 2023]
    y2024 = years[1]
    assert y2024.changes["population"] == vdb.Delta(12, 8)  # +0.8 %
    assert y2024.changes["income_per_capita_fen"] == vdb.Delta(82_000, 82)  # +8.2 %
    assert y2024.changes["households"] == vdb.Delta(0, 0)
    assert y2024.changes["collective_income_fen"] is None  # not recorded either year
    assert all(d is None for d in years[0].changes.values())
    assert all(d is None for d in years[2].changes.values())


def test_percent_is_rounded_half_up_both_ways():
    assert vdb.delta(1000, 1085).percent_tenths == 85
    assert vdb.delta(2000, 2001).percent_tenths == 1  # 0.05 % → 0.1 % (half up)
    assert vdb.delta(2000, 1999).percent_tenths == -1
    assert vdb.delta(0, 50) == vdb.Delta(50, None)
    assert vdb.delta(None, 5) is None


def test_grade_history_shows_the_upgrade(township_db):
    db = township_db
    template = db.execute("SELECT id FROM templates LIMIT 1").fetchone()[0]
    for year, total, grade in [(2024, 712, "三类"), (2025, 845, "二类"), (2026, 851, "二类")]:
        db["village_assessments"].insert(
            {
                "village_code": V,
                "year": year,
                "template_id": template,
                "total_tenths": total,
                "grade": grade,
            }
        )
    history = vdb.grade_history(db, V)
    assert [(g.year, g.label, g.change) for g in history] == [
        (2026, "二类→二类", "持平"),
        (2025, "三类→二类", "升级"),
        (2024, None, None),
    ]


def test_cadres_now_and_before(township_db):
    db = township_db
    db["assignments"].insert(
        {
            "cadre_no": "GB002",
            "village_code": V,
            "role": "驻村干部",
            "start_date": "2024-01-01",
            "end_date": "2025-06-30",
        }
    )
    rows = vdb.village_cadres(db, V, today=date(2026, 5, 15))
    assert [(r.name, r.role, r.status) for r in rows] == [
        ("王建国", "兼职书记", "现任"),
        ("李秀英", "驻村干部", "现任"),
        ("李秀英", "驻村干部", "曾任"),
    ]
    assert vdb.village_cadres(db, V, today=date(2025, 12, 1))[0].status == "待任"


def test_filter_by_cadre_includes_former_posts(township_db):
    db = township_db
    db["villages"].insert({"code": "610526100202", "township_code": "610526100", "name": "西沟村"})
    db["assignments"].insert(
        {
            "cadre_no": "GB002",
            "village_code": "610526100202",
            "role": "驻村干部",
            "start_date": "2024-01-01",
            "end_date": "2025-06-30",
        }
    )
    today = date(2026, 5, 15)
    assert [v.name for v in views.villages(db, today=today, cadre="GB002")] == ["东坡村", "西沟村"]
    assert [v.name for v in views.villages(db, today=today, cadre="GB001")] == ["东坡村"]
    cadres = views.assigned_cadres(db, today=today)
    assert [(c.cadre_no, c.current) for c in cadres] == [("GB001", True), ("GB002", True)]


def test_add_edit_delete_a_village_and_undo(township_db):
    db = township_db
    change = vdb.add_village(db, {"code": "610526100209", "name": "北岭村"})
    assert vdb.village(db, "610526100209")["township_code"] == "610526100"
    edit = vdb.update_village(db, "610526100209", {"code": "610526100209", "name": "北岭新村"})
    assert edit.after["name"] == "北岭新村"
    gone = vdb.delete_village(db, "610526100209")
    records.revert(db, gone)
    assert vdb.village_name(db, "610526100209") == "北岭新村"
    records.revert(db, edit)
    records.revert(db, change)
    assert vdb.village(db, "610526100209") is None
    actions = [
        r[0]
        for r in db.execute(
            "SELECT action FROM change_log WHERE record = '610526100209' ORDER BY id"
        ).fetchall()
    ]
    assert actions == ["insert", "update", "delete", "insert", "update", "delete"]


def test_a_village_others_point_at_is_not_deleted(township_db):
    hh("H1", db=township_db)
    assert vdb.dependents(township_db, V) == [("户情档案", 1), ("驻村/兼职安排", 2)]
    with pytest.raises(DomainError, match="户情档案 1 条"):
        vdb.delete_village(township_db, V)
    assert vdb.village(township_db, V) is not None


def test_year_figures_edits(township_db):
    db = township_db
    vdb.add_year(db, V, {"year": 2025, "population": 1500, "income_per_capita_fen": 900_000})
    with pytest.raises(DomainError, match="重复"):
        vdb.add_year(db, V, {"year": 2025})
    change = vdb.update_year(db, V, 2025, {"year": 2025, "population": 1510})
    assert change.after["population"] == 1510 and change.after["income_per_capita_fen"] == 900_000
    vdb.delete_year(db, V, 2025)
    assert vdb.village_years(db, V) == []
