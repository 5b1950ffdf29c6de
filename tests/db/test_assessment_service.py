"""app.db.assessment: undoable saves of a village's year, template versions, years."""

from dataclasses import replace

import pytest

from app.db import assessment as adb
from app.db.cadres import reapply_batch, revert_batch
from app.domain.assessment import DEFAULT_TEMPLATE, Indicator
from app.domain.errors import DomainError
from app.reports.assessment import village_assessment_report

CODE = "610526100201"


def full(total_minus: int = 0) -> dict[str, int]:
    scores = {i.name: i.max_tenths for i in DEFAULT_TEMPLATE.indicators}
    for name in scores:
        taken = min(scores[name], total_minus)
        scores[name] -= taken
        total_minus -= taken
    return scores


def test_save_undo_redo(township_db):
    db = township_db
    batch = adb.save_village_scores(db, CODE, 2026, full(100), "张三", "2026-12-20")
    row = db["village_assessments"].get((CODE, 2026))
    assert (row["total_tenths"], row["grade"]) == (900, "一类")
    assert db["village_scores"].count == 15
    assert db["assessment_years"].get(2026)["template_id"] == row["template_id"]
    data, _ = village_assessment_report(db, 2026, CODE)
    assert data["villages"][0]["total"] == "90.0"
    assert data["villages"][0]["grade"] == "一类"
    revert_batch(db, batch)
    assert db["village_assessments"].count == 0
    assert db["village_scores"].count == 0
    assert db["assessment_years"].count == 0
    reapply_batch(db, batch)
    assert db["village_assessments"].get((CODE, 2026))["total_tenths"] == 900


def test_update_changes_only_what_differs_and_history(township_db):
    db = township_db
    adb.save_village_scores(db, CODE, 2025, full(300), None, None)  # 70.0 三类
    adb.save_village_scores(db, CODE, 2026, full(0), None, None)
    batch = adb.save_village_scores(db, CODE, 2026, full(101), None, None)  # 89.9
    assert {c.table for c in batch.changes} == {"village_assessments", "village_scores"}
    assert len(batch.of("village_scores")) == 2  # 10.0 → 0.0, 10.0 → 9.9
    hist = adb.village_history(db, CODE)
    assert [(h.year, h.total_tenths, h.grade, h.change) for h in hist] == [
        (2025, 700, "三类", None),
        (2026, 899, "二类", "升级"),
    ]


def test_bad_scores_write_nothing(township_db):
    db = township_db
    scores = full()
    scores["主导产业"] = 110
    with pytest.raises(DomainError):
        adb.save_village_scores(db, CODE, 2026, scores, None, None)
    del scores["主导产业"]
    with pytest.raises(DomainError, match="缺少"):
        adb.save_village_scores(db, CODE, 2026, scores, None, None)
    assert db["village_assessments"].count == 0
    assert db["assessment_years"].count == 0


def test_new_version_must_sum_to_100(township_db):
    db = township_db
    bad95 = replace(
        DEFAULT_TEMPLATE,
        version=2,
        indicators=(*DEFAULT_TEMPLATE.indicators[:-1], Indicator("管理民主", "村务公开", 20)),
    )
    with pytest.raises(DomainError, match="95.0"):
        adb.save_version(db, bad95)
    assert db["templates"].count == 1
    good = replace(DEFAULT_TEMPLATE, version=adb.next_version(db, DEFAULT_TEMPLATE.name))
    tid = adb.save_version(db, good)
    assert [v.label for v in adb.versions(db)] == ["默认指标 v1", "默认指标 v2"]
    assert adb.choose_template(db, 2027, tid) is not None
    assert adb.year_template(db, 2027)[0] == tid


def test_scored_year_keeps_its_version(township_db):
    db = township_db
    adb.save_village_scores(db, CODE, 2026, full(), None, None)
    tid = adb.save_version(db, replace(DEFAULT_TEMPLATE, version=2))
    with pytest.raises(DomainError, match="不能更换"):
        adb.choose_template(db, 2026, tid)
    assert adb.year_template(db, 2026)[1].version == 1
    assert adb.versions(db)[0].years == [2026]
