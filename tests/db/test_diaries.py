"""民情日记 in the database: the list's filters and search, edits with undo, delete refused."""

from datetime import date

import pytest

from app.db import diaries as ddb
from app.db import records
from app.db.diaries import DiaryFilter
from app.domain.errors import DomainError

DONGPO = "610526100201"


def entry(db, day, cadre="GB001", **fields):
    values = {"day": day, "cadre_no": cadre, "village_code": DONGPO, "situation": "走访"} | fields
    return ddb.add_entry(db, values).key["uuid"]


def days(db, **flt):
    return [r.day for r in ddb.entries(db, DiaryFilter(**flt))]


@pytest.fixture
def db(township_db):
    db = township_db
    entry(db, "2026-03-02", place="村委会", difficulties="灌溉水渠年久失修")
    entry(db, "2026-03-20", "GB002", people="张大爷等5人", requests="希望修路")
    entry(db, "2026-04-08", reflections="完成率达到50%以上", plan="联系农技站")
    entry(db, "2026-04-09", situation="田间_地头调查", eval_grade="优秀", evaluator="赵书记")
    return db


def test_newest_first_and_filters(db):
    assert days(db) == ["2026-04-09", "2026-04-08", "2026-03-20", "2026-03-02"]
    assert days(db, cadre_no="GB002") == ["2026-03-20"]
    assert days(db, first=date(2026, 4, 1), last=date(2026, 4, 30)) == ["2026-04-09", "2026-04-08"]
    assert days(db, village_code="610526100299") == []
    assert ddb.count(db, DiaryFilter(cadre_no="GB001")) == 3


def test_search_every_text_field_each_word_must_match(db):
    assert days(db, text="水渠") == ["2026-03-02"]  # 存在困难
    assert days(db, text="修路") == ["2026-03-20"]  # 群众诉求
    assert days(db, text="农技站") == ["2026-04-08"]  # 下步打算
    assert days(db, text="赵书记") == ["2026-04-09"]  # 评价人
    assert days(db, text="李秀英") == ["2026-03-20"]  # the cadre's name
    assert days(db, text="东坡村 水渠") == ["2026-03-02"]  # both words
    assert days(db, text="水渠　修路") == []  # a full-width space separates words too


def test_search_takes_like_wildcards_literally(db):
    assert days(db, text="50%") == ["2026-04-08"]
    assert days(db, text="%") == ["2026-04-08"]
    assert days(db, text="_") == ["2026-04-09"]
    assert days(db, text="田间_地头") == ["2026-04-09"]
    assert days(db, text="田间x地头") == []


def test_sorting_by_grade_puts_ungraded_last(db):
    rows = ddb.entries(db, DiaryFilter(), sort="eval_grade", descending=False)
    assert [r.eval_grade for r in rows] == ["优秀", None, None, None]
    rows = ddb.entries(db, DiaryFilter(), sort="cadre_name", descending=False)
    assert [r.cadre_name for r in rows][:1] == ["李秀英"]


def test_edit_evaluate_delete_and_undo(db):
    uuid = ddb.entries(db, DiaryFilter(text="水渠"))[0].uuid
    change = ddb.set_evaluation(db, uuid, "良好", "赵书记")
    assert ddb.entry(db, uuid)["eval_grade"] == "良好"
    records.revert(db, change)
    assert ddb.entry(db, uuid)["eval_grade"] is None

    change = ddb.update_entry(db, uuid, {"place": "  ", "plan": "再访"})
    assert ddb.entry(db, uuid)["place"] is None  # blank is stored as NULL
    records.revert(db, change)
    assert ddb.entry(db, uuid)["place"] == "村委会"

    before = ddb.entry(db, uuid)
    change = ddb.delete_entry(db, uuid)
    assert ddb.entry(db, uuid) is None
    records.revert(db, change)
    assert ddb.entry(db, uuid) == before | {"modified_at": ddb.entry(db, uuid)["modified_at"]}


def test_an_entry_a_practical_matter_came_from_is_not_deleted(db):
    uuid = ddb.entries(db, DiaryFilter(text="修路"))[0].uuid
    db["practical_matters"].insert(
        {
            "village_code": DONGPO,
            "day": "2026-03-25",
            "category": "路",
            "description": "硬化村道",
            "diary_id": ddb.entry(db, uuid)["id"],
        }
    )
    with pytest.raises(DomainError, match="办实事"):
        ddb.delete_entry(db, uuid)
    assert ddb.entry(db, uuid) is not None


def test_village_of_the_post_counts_and_last_evaluator(db):
    assert ddb.assigned_village(db, "GB001", date(2026, 5, 1)) == DONGPO
    assert ddb.assigned_village(db, "GB001", date(2025, 5, 1)) is None
    assert ddb.counts_by_cadre(db, date(2026, 4, 1), date(2026, 4, 30)) == {"GB001": 2}
    assert ddb.last_evaluator(db) == "赵书记"
    printed = ddb.full_entries(db, flt=DiaryFilter(cadre_no="GB001"))
    assert [e["day"] for e in printed] == ["2026-03-02", "2026-04-08", "2026-04-09"]
    assert printed[0]["cadre_name"] == "王建国" and printed[0]["village_name"] == "东坡村"
