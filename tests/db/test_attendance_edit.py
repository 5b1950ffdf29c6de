"""Cell edits of the duty grid (one transaction, exact undo/redo) and the month's grid."""

from datetime import date

import pytest

from app.db.attendance_edit import month_grid, reapply, revert, set_cells
from app.db.subsidy import approve_month
from app.domain.attendance import Kind
from app.domain.errors import DomainError
from app.domain.periods import Month

APRIL = Month(2026, 4)
AFTER_APRIL = date(2026, 5, 15)
DONGPO = "610526100201"


def d(day: int, month: int = 4) -> date:
    return date(2026, month, day)


def rows(db):
    return {
        (r["cadre_no"], r["day"]): r
        for r in db.query("SELECT * FROM attendance ORDER BY cadre_no, day")
    }


def log(db):
    return db.execute("SELECT count(*) FROM change_log WHERE table_name = 'attendance'").fetchone()[
        0
    ]


def test_set_cells_inserts_updates_deletes_and_skips_unchanged(township_db):
    db = township_db
    db["attendance"].insert(
        {
            "cadre_no": "GB001",
            "day": "2026-04-07",
            "kind": "在村",
            "source": "民情日记",
            "note": "x",
        }
    )
    db["attendance"].insert({"cadre_no": "GB001", "day": "2026-04-08", "kind": "缺勤"})
    start = log(db)
    batch = set_cells(
        db,
        [
            ("GB001", d(6), Kind.PRESENT),  # new
            ("GB001", d(7), "在村"),  # unchanged: not written, keeps its source
            ("GB001", d(8), Kind.LEAVE),  # changed
            ("GB001", d(9), None),  # not recorded already
            ("GB002", d(6), Kind.MEETING),
            ("GB002", d(6), Kind.PRESENT),  # the last one given wins
        ],
    )
    assert [(c.cadre_no, c.day, c.kind_before, c.kind_after) for c in batch] == [
        ("GB001", d(6), None, Kind.PRESENT),
        ("GB001", d(8), Kind.ABSENT, Kind.LEAVE),
        ("GB002", d(6), None, Kind.PRESENT),
    ]
    assert log(db) == start + 3
    now = rows(db)
    assert now[("GB001", "2026-04-07")]["source"] == "民情日记"
    assert now[("GB001", "2026-04-06")]["village_code"] == DONGPO  # the assignment's village
    assert now[("GB001", "2026-04-08")]["kind"] == "请假"
    assert batch.months == [APRIL]

    cleared = set_cells(db, [("GB001", d(6), None)])
    assert [(c.kind_before, c.kind_after) for c in cleared] == [(Kind.PRESENT, None)]
    assert ("GB001", "2026-04-06") not in rows(db)


def test_revert_and_reapply_restore_exactly(township_db):
    db = township_db
    db["attendance"].insert(
        {
            "cadre_no": "GB002",
            "day": "2026-04-08",
            "kind": "缺勤",
            "source": "查岗",
            "note": "电话未接",
        }
    )
    before = rows(db)
    batch = set_cells(
        db,
        [("GB002", d(8), None), ("GB002", d(9), Kind.PRESENT), ("GB002", d(10), Kind.LEAVE)],
    )
    after = rows(db)
    revert(db, batch)
    assert {k: {**v, "modified_at": None} for k, v in rows(db).items()} == {
        k: {**v, "modified_at": None} for k, v in before.items()
    }  # the deleted record is back with its uuid, source and note
    reapply(db, batch)
    assert {k: {**v, "modified_at": None} for k, v in rows(db).items()} == {
        k: {**v, "modified_at": None} for k, v in after.items()
    }
    assert log(db) == 1 + 3 + 3 + 3  # every step in the change log


def test_revert_is_refused_when_a_cell_changed_elsewhere(township_db):
    db = township_db
    batch = set_cells(db, [("GB001", d(6), Kind.PRESENT), ("GB001", d(7), Kind.PRESENT)])
    set_cells(db, [("GB001", d(7), Kind.ABSENT)], source="查岗")
    with pytest.raises(DomainError, match="2026-04-07"):
        revert(db, batch)
    assert rows(db)[("GB001", "2026-04-06")]["kind"] == "在村"  # nothing undone


def test_a_bad_cell_writes_nothing(township_db):
    db = township_db
    with pytest.raises(DomainError):
        set_cells(db, [("GB001", d(6), Kind.PRESENT), ("GB001", d(7), "出差")])
    with pytest.raises(DomainError, match="干部编号"):
        set_cells(db, [("GB001", d(6), Kind.PRESENT), ("GB999", d(7), Kind.PRESENT)])
    assert rows(db) == {}


def test_month_grid_weekly_rule_for_part_time(township_db):
    db = township_db
    # W15 (04-06 … 04-12): two present days, one of them a meeting → met
    # W16 (04-13 … 04-19): one present day → not met
    # W17 (04-20 … 04-26): three weekdays of leave → excused
    set_cells(
        db,
        [
            ("GB001", d(6), Kind.PRESENT),
            ("GB001", d(9), Kind.MEETING),
            ("GB001", d(14), Kind.PRESENT),
            ("GB001", d(15), Kind.ABSENT),
            *[("GB001", d(n), Kind.LEAVE) for n in (20, 21, 22)],
            ("GB001", d(31, 3), Kind.PRESENT),  # March 31 is in W14, which April judges
        ],
    )
    grid = month_grid(db, APRIL, as_of=AFTER_APRIL)
    assert grid.days[0] == d(1) and len(grid.days) == 30 and not grid.approved
    row = grid.row_of("GB001")
    assert row.name == "王建国" and row.roles == ("兼职书记",) and row.villages == ("东坡村",)
    assert (row.present, row.leave, row.absent) == (3, 3, 1)  # the month's days only
    assert row.part_time and not row.stationed and row.weekly_min_days == 2
    weeks = {p.label: p for p in row.periods}
    assert list(weeks) == ["2026-W14", "2026-W15", "2026-W16", "2026-W17", "2026-W18"]
    assert weeks["2026-W14"].present == 1 and weeks["2026-W14"].met is False
    assert weeks["2026-W15"].met is True
    assert weeks["2026-W16"].met is False
    assert weeks["2026-W17"].excused and not weeks["2026-W17"].judged
    assert (row.met, row.judged, row.ok) == (1, 4, False)
    assert row.covers(d(1)) and row.running == ()


def test_month_grid_monthly_rule_for_stationed_and_a_running_month(township_db):
    db = township_db
    set_cells(db, [("GB002", d(n), Kind.LEAVE) for n in (1, 2, 3)])
    set_cells(db, [("GB002", d(n), Kind.PRESENT) for n in range(4, 20)])  # 16 days
    row = month_grid(db, APRIL, as_of=AFTER_APRIL).row_of("GB002")
    assert row.stationed and row.required_days == 17 and row.present == 16
    assert row.ok is False and "要求减为17天" in row.periods[0].note
    set_cells(db, [("GB002", d(20), Kind.PRESENT)])
    row = month_grid(db, APRIL, as_of=AFTER_APRIL).row_of("GB002")
    assert row.ok is True and (row.met, row.judged) == (1, 1)

    # while April runs it is not judged, but the grid still knows its requirement
    running = month_grid(db, APRIL, as_of=d(25)).row_of("GB002")
    assert running.judged == 0 and running.ok is None
    assert running.required_days == 17 and running.running[0].required == 17
    part_time = month_grid(db, APRIL, as_of=d(25)).row_of("GB001")
    assert [p.label for p in part_time.running] == ["2026-W17", "2026-W18"]


def test_month_grid_lists_cadres_by_the_sheet_rule_and_says_approved(township_db):
    db = township_db
    db["cadres"].insert({"cadre_no": "GB003", "township_code": "610526100", "name": "赵六"})
    db["attendance"].insert({"cadre_no": "GB003", "day": "2026-04-03", "kind": "在村"})
    db["assignments"].insert(
        {
            "cadre_no": "GB002",
            "village_code": DONGPO,
            "role": "驻村干部",
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
        }
    )
    grid = month_grid(db, APRIL, as_of=AFTER_APRIL)
    assert [r.cadre_no for r in grid.rows] == ["GB001", "GB002", "GB003"]
    unassigned = grid.row_of("GB003")
    assert unassigned.roles == () and unassigned.periods == () and unassigned.ok is None
    assert unassigned.present == 1 and not unassigned.covers(d(3))
    approve_month(db, APRIL, "张书记")
    assert month_grid(db, APRIL, as_of=AFTER_APRIL).approved
    assert not month_grid(db, Month(2026, 5), as_of=AFTER_APRIL).approved
