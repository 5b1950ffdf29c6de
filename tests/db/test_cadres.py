"""Roster and assignment edits: retiring ends the open posts in one undo-able batch."""

from datetime import date

import pytest

from app.db import cadres, records
from app.domain.errors import DomainError

TODAY = date(2026, 5, 15)
VILLAGE = "610526100201"


def posts(db, cadre_no):
    return [
        (r["role"], r["start_date"], r["end_date"])
        for r in db.query(
            "SELECT * FROM assignments WHERE cadre_no = ? ORDER BY start_date", [cadre_no]
        )
    ]


def test_add_and_edit_a_cadre_and_undo(township_db):
    db = township_db
    change = cadres.add_cadre(
        db, {"cadre_no": "GB009", "name": "赵敏", "phone": "13800000000", "is_leader": 0}
    )
    assert cadres.cadre(db, "GB009")["township_code"] == "610526100"
    with pytest.raises(DomainError, match="已有"):
        cadres.add_cadre(db, {"cadre_no": "GB009", "name": "重复", "is_leader": 0})
    edit = cadres.update_cadre(db, "GB009", {"expertise": "技术", "is_leader": 1})
    assert cadres.cadre(db, "GB009")["is_leader"] == 1
    records.revert(db, edit)
    records.revert(db, change)
    assert cadres.cadre(db, "GB009") is None


def test_retire_ends_the_open_post_that_day_in_one_batch(township_db):
    db = township_db
    batch = cadres.retire(db, "GB002", date(2026, 4, 30))
    assert cadres.cadre(db, "GB002")["retired_on"] == "2026-04-30"
    assert posts(db, "GB002") == [("驻村干部", "2026-01-01", "2026-04-30")]
    assert [c.table for c in batch.changes] == ["assignments", "cadres"]
    rows = cadres.roster(db, today=TODAY)
    assert [r.cadre_no for r in rows] == ["GB001"]  # retired cadres hidden by default
    shown = cadres.roster(db, today=TODAY, show_retired=True)
    assert shown[1].retired and shown[1].posts == ""
    cadres.revert_batch(db, batch)
    assert cadres.cadre(db, "GB002")["retired_on"] is None
    assert posts(db, "GB002") == [("驻村干部", "2026-01-01", None)]
    cadres.reapply_batch(db, batch)
    assert posts(db, "GB002") == [("驻村干部", "2026-01-01", "2026-04-30")]


def test_retire_refused_before_a_post_that_starts_later(township_db):
    db = township_db
    with pytest.raises(DomainError, match="晚于退出日期"):
        cadres.retire(db, "GB002", date(2025, 12, 31))
    assert cadres.cadre(db, "GB002")["retired_on"] is None


def test_roster_filter_posts_and_failed_checks(township_db):
    db = township_db
    db["checks"].insert_all(
        [
            {"cadre_no": "GB002", "day": "2026-03-03", "method": "电话查岗", "result": "不在岗"},
            {"cadre_no": "GB002", "day": "2025-03-03", "method": "电话查岗", "result": "不在岗"},
            {"cadre_no": "GB001", "day": "2026-03-03", "method": "电话查岗", "result": "在岗"},
        ]
    )
    rows = {r.cadre_no: r for r in cadres.roster(db, today=TODAY)}
    assert rows["GB002"].unexcused == 1  # last year's does not count
    assert rows["GB002"].cap_note == "本年度查岗不在岗 1 次，等次最高为称职"
    assert rows["GB001"].unexcused == 0 and rows["GB001"].cap_note is None
    assert rows["GB001"].posts == "兼职书记·东坡村"
    assert [r.cadre_no for r in cadres.roster(db, today=TODAY, text="秀")] == ["GB002"]
    assert cadres.roster(db, today=TODAY, text="%") == []


def test_assignments_overlap_and_problems(township_db):
    db = township_db
    values = {
        "cadre_no": "GB002",
        "village_code": VILLAGE,
        "role": "兼职书记",
        "start_date": "2026-05-01",
        "end_date": None,
    }
    assert cadres.overlapping(db, "GB002", "2026-05-01", None) == [
        "驻村干部·东坡村（2026-01-01 起，仍在任）"
    ]
    assert cadres.overlapping(db, "GB002", "2025-01-01", "2025-12-31") == []
    assert cadres.assignment_problems(db, values) == {}
    bad = values | {"end_date": "2026-04-01"}
    assert "早于开始日期" in cadres.assignment_problems(db, bad)["end_date"]
    change = cadres.add_assignment(db, values)
    key = change.key["uuid"]
    assert "已有同一天开始" in cadres.assignment_problems(db, values)["start_date"]
    assert cadres.assignment_problems(db, values, exclude=key) == {}
    rows = cadres.assignment_rows(db, today=TODAY, cadre_no="GB002")
    assert [(r.role, r.status) for r in rows] == [("驻村干部", "现任"), ("兼职书记", "现任")]
    cadres.end_assignment(db, key, date(2026, 5, 10))
    rows = cadres.assignment_rows(db, today=TODAY, cadre_no="GB002")
    assert [(r.role, r.status) for r in rows] == [("驻村干部", "现任"), ("兼职书记", "曾任")]
    with pytest.raises(DomainError, match="早于开始日期"):
        cadres.end_assignment(db, key, date(2026, 4, 1))


def test_a_retired_cadre_cannot_be_posted_after_leaving(township_db):
    db = township_db
    cadres.retire(db, "GB002", date(2026, 4, 30))
    values = {
        "cadre_no": "GB002",
        "village_code": VILLAGE,
        "role": "驻村干部",
        "start_date": "2026-05-01",
        "end_date": None,
    }
    assert "退出" in cadres.assignment_problems(db, values)["cadre_no"]
    with pytest.raises(DomainError):
        cadres.add_assignment(db, values)


def test_suggestions_for_a_village(township_db):
    db = township_db
    db["villages"].update(VILLAGE, {"situation": "生猪养殖示范村"})
    db["cadres"].insert_all(
        [
            {
                "cadre_no": "GB003",
                "township_code": "610526100",
                "name": "赵敏",
                "expertise": "技术",
            },
            {
                "cadre_no": "GB004",
                "township_code": "610526100",
                "name": "钱多",
                "expertise": "经济",
            },
        ]
    )
    got = cadres.suggestions(db, VILLAGE, today=TODAY)
    # GB001 and GB002 are posted in 东坡村 already
    assert [s.cadre_no for s in got] == ["GB003"]
    assert "专长“技术”" in got[0].reason
