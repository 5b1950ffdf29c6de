"""办实事 in the database: filters, exact totals in fen, breakdowns, edits with undo."""

from datetime import date

import pytest

from app.db import practical as pdb
from app.db import records
from app.db.practical import PracticalFilter, Totals
from app.domain.errors import DomainError

DONGPO, XIGOU = "610526100201", "610526100202"


def add(db, day, fen, village=DONGPO, category="水", households=10, **fields):
    values = {
        "day": day,
        "village_code": village,
        "cadre_no": "GB001",
        "category": category,
        "description": f"{category}：{day}",
        "funds_fen": fen,
        "households": households,
        "status": "已办结",
    }
    return pdb.add_matter(db, values | fields)


@pytest.fixture
def db(township_db):
    db = township_db
    db["villages"].insert({"code": XIGOU, "township_code": "610526100", "name": "西沟村"})
    add(db, "2026-01-15", 123450, households=12)  # 1,234.50
    add(db, "2026-02-03", 5, category="路", households=3)  # 0.05
    add(db, "2026-04-20", 99_999_999_999, village=XIGOU, category="水", households=0)
    add(db, "2026-05-02", 0, village=XIGOU, category="医疗", status="办理中", households=7)
    return db


def test_totals_are_exact_sums_of_fen(db):
    q1 = PracticalFilter(first=date(2026, 1, 1), last=date(2026, 3, 31))
    assert pdb.totals(db, q1) == Totals(2, 123455, 15)  # 1,234.50 + 0.05 = 1,234.55
    assert pdb.totals(db, PracticalFilter()) == Totals(4, 100_000_123_454, 22)
    assert pdb.totals(db, PracticalFilter(village_code="610526100299")) == Totals(0, 0, 0)
    assert isinstance(pdb.totals(db, PracticalFilter()).funds_fen, int)


def test_filters_and_words(db):
    def days(**flt):
        return [r.day for r in pdb.matters(db, PracticalFilter(**flt))]

    assert days() == ["2026-05-02", "2026-04-20", "2026-02-03", "2026-01-15"]
    assert days(category="水") == ["2026-04-20", "2026-01-15"]
    assert days(status="办理中") == ["2026-05-02"]
    assert days(village_code=XIGOU, category="水") == ["2026-04-20"]
    assert days(text="西沟") == ["2026-05-02", "2026-04-20"]  # the village's name
    assert days(text="王建国 路") == ["2026-02-03"]  # the cadre's name and the description
    assert days(text="100%") == []  # LIKE wildcards taken literally
    rows = pdb.matters(db, PracticalFilter(), sort="funds", descending=False)
    assert [r.funds_fen for r in rows] == [0, 5, 123450, 99_999_999_999]


def test_breakdowns_by_village_category_month_and_quarter(db):
    flt = PracticalFilter()
    by_village = [
        (g.label, g.count, g.funds_fen, g.households) for g in pdb.breakdown(db, flt, "village")
    ]
    assert by_village == [("东坡村", 2, 123455, 15), ("西沟村", 2, 99_999_999_999, 7)]
    by_category = [(g.key, g.count, g.funds_fen) for g in pdb.breakdown(db, flt, "category")]
    assert by_category == [("水", 2, 100_000_123_449), ("路", 1, 5), ("医疗", 1, 0)]  # county order
    months = [(g.key, g.label, g.count) for g in pdb.breakdown(db, flt, "month")]
    assert months == [
        ("2026-01", "2026年1月", 1),
        ("2026-02", "2026年2月", 1),
        ("2026-04", "2026年4月", 1),
        ("2026-05", "2026年5月", 1),
    ]
    quarters = [(g.key, g.label, g.funds_fen) for g in pdb.breakdown(db, flt, "quarter")]
    assert quarters == [
        ("2026Q1", "2026年第一季度", 123455),
        ("2026Q2", "2026年第二季度", 99_999_999_999),
    ]
    # the breakdowns follow the filters and add up to the totals
    water = PracticalFilter(category="水")
    groups = pdb.breakdown(db, water, "village")
    assert sum(g.funds_fen for g in groups) == pdb.totals(db, water).funds_fen


def test_source_names_the_meeting_or_the_diary(db):
    db["meetings"].insert({"id": 7, "kind": "周例会", "day": "2026-05-11"})
    db["diaries"].insert(
        {"id": 3, "cadre_no": "GB002", "day": "2026-05-09", "village_code": DONGPO}
    )
    add(db, "2026-05-12", 100, meeting_id=7)
    add(db, "2026-05-13", 100, diary_id=3)
    rows = {r.day: r for r in pdb.matters(db, PracticalFilter())}
    assert rows["2026-05-12"].source == "周例会 2026-05-11"
    assert rows["2026-05-13"].source == "民情日记 2026-05-09（李秀英）"
    assert rows["2026-01-15"].source == ""
    meetings = pdb.meeting_choices(db, since=date(2026, 5, 1))
    assert meetings == [(7, "2026-05-11 周例会")]
    assert pdb.meeting_choices(db, since=date(2026, 6, 1), include=7) == meetings
    assert pdb.diary_choices(db, since=date(2026, 6, 1)) == []
    assert pdb.diary_choices(db, since=date(2026, 5, 1)) == [
        (3, "2026-05-09 李秀英·东坡村", DONGPO)
    ]


def test_edits_are_checked_and_undone(db):
    bad = {"day": "2026-05-01", "village_code": DONGPO, "category": "水", "description": "x"}
    for values, field in (
        (bad | {"funds_fen": -1, "households": 0, "status": "已办结"}, "funds_fen"),
        (bad | {"funds_fen": 0, "households": 0, "status": "完成"}, "status"),
        (
            bad | {"funds_fen": 0, "households": 0, "status": "已办结", "meeting_id": 99},
            "meeting_id",
        ),
        (
            bad | {"category": "水利", "funds_fen": 0, "households": 0, "status": "已办结"},
            "category",
        ),
    ):
        with pytest.raises(DomainError) as e:
            pdb.add_matter(db, values)
        assert e.value.field == field
    assert pdb.totals(db, PracticalFilter()).count == 4

    change = add(db, "2026-06-01", 5000, households=4)
    uuid = change.key["uuid"]
    edit = pdb.update_matter(db, uuid, pdb.matter(db, uuid) | {"funds_fen": 6000})
    assert pdb.matter(db, uuid)["funds_fen"] == 6000
    records.revert(db, edit)
    assert pdb.matter(db, uuid)["funds_fen"] == 5000
    gone = pdb.delete_matter(db, uuid)
    assert pdb.matter(db, uuid) is None
    records.revert(db, gone)
    assert pdb.matter(db, uuid)["uuid"] == uuid  # the same record back, same uuid
    records.revert(db, change)
    assert pdb.totals(db, PracticalFilter()).count == 4
