"""A cadre posted in two villages: a present day counts toward the post in the village
where it was recorded, and one rule says which village a day belongs to.

王建国 (GB001) is 兼职书记 of 东坡村 (two days every week) and, in February 2026, also
驻村干部 of 西沟村 (twenty days a month). 李秀英 (GB002) is 驻村干部 of 东坡村 only.
"""

from datetime import date

import pytest

from app.db import diaries
from app.db.attendance_edit import set_cells
from app.db.cadres import village_on, villages_on
from app.db.compliance import cadre_compliance
from app.db.subsidy import base_lines
from app.domain.attendance import Kind
from app.domain.periods import Month

DONGPO, XIGOU = "610526100201", "610526100202"
FEBRUARY = Month(2026, 2)
AS_OF = date(2026, 5, 15)


@pytest.fixture
def db(township_db):
    db = township_db
    db["villages"].insert({"code": XIGOU, "township_code": "610526100", "name": "西沟村"})
    db["assignments"].insert(
        {"cadre_no": "GB001", "village_code": XIGOU, "role": "驻村干部", "start_date": "2026-02-01"}
    )
    return db


def record(db, cadre, village, *days, kind="在村"):
    db["attendance"].insert_all(
        {"cadre_no": cadre, "day": d.isoformat(), "kind": kind, "village_code": village}
        for d in days
    )


def february(db):
    """GB001: Mondays and Tuesdays in 东坡村 (8 days), Wednesday to Friday in 西沟村
    (12 days), Saturdays with no village recorded (4 days). GB002: every weekday, recorded
    (by mistake) in 西沟村."""
    days = FEBRUARY.days()
    record(db, "GB001", DONGPO, *(d for d in days if d.weekday() in (0, 1)))
    record(db, "GB001", XIGOU, *(d for d in days if d.weekday() in (2, 3, 4)))
    record(db, "GB001", None, *(d for d in days if d.weekday() == 5))
    record(db, "GB002", XIGOU, *(d for d in days if d.weekday() < 5))


def test_each_post_is_judged_on_the_days_recorded_in_its_village(db):
    february(db)
    comp = cadre_compliance(db, FEBRUARY.first_day, FEBRUARY.last_day, as_of=AS_OF)
    weeks = [r for r in comp["GB001"].results if r.is_week]
    (month,) = [r for r in comp["GB001"].results if not r.is_week]
    # 东坡村's weeks: Monday, Tuesday and the Saturday of unknown village
    assert [(r.label, r.present, r.met) for r in weeks] == [
        (f"2026-W0{n}", 3, True) for n in (6, 7, 8, 9)
    ]
    # 西沟村's month: 12 days there and 4 of unknown village, not the 8 in 东坡村
    assert (month.present, month.required, month.met) == (16, 20, False)
    # a cadre posted in one village keeps every day, wherever it was recorded
    (stationed,) = comp["GB002"].results
    assert (stationed.present, stationed.met) == (20, True)


def test_the_subsidy_still_pays_every_present_day(db):
    february(db)
    lines = base_lines(db, FEBRUARY)
    assert lines["GB001"].present_days == 24
    assert lines["GB002"].present_days == 20


def test_one_village_per_day_for_the_grid_the_diary_and_everyone(db):
    """The village of the post covering the day; with two, the one started last; none:
    None (no longer 'the nearest post before')."""
    db.execute("UPDATE assignments SET end_date = '2026-04-30' WHERE cadre_no = 'GB002'")
    db.execute("UPDATE assignments SET end_date = '2026-06-30' WHERE village_code = ?", [XIGOU])
    expected = {
        ("GB001", date(2026, 1, 20)): DONGPO,  # one post
        ("GB001", date(2026, 2, 10)): XIGOU,  # two: 西沟村 started later
        ("GB001", date(2026, 7, 1)): DONGPO,  # 西沟村 has ended
        ("GB001", date(2025, 12, 31)): None,  # before any post
        ("GB002", date(2026, 5, 5)): None,  # after his only post ended
    }
    assert villages_on(db, expected) == expected
    for (cadre, day), village in expected.items():
        assert village_on(db, cadre, day) == village
        assert village_on(db, cadre, day.isoformat()) == village  # as leaves and checks call it
        assert diaries.assigned_village(db, cadre, day) == village  # the diary form's suggestion
    set_cells(db, [(cadre, day, Kind.PRESENT) for cadre, day in expected])
    written = {
        (r["cadre_no"], date.fromisoformat(r["day"])): r["village_code"]
        for r in db.query("SELECT cadre_no, day, village_code FROM attendance")
    }
    assert written == expected  # the duty grid writes the same villages
