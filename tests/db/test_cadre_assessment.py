"""Saving a cadre's entered assessment figures: checked, upserted, undoable."""

import pytest

from app.db import records
from app.db.cadre_assessment import cadre_scores, check_values, save_cadre_scores
from app.domain.assessment import CadreRules
from app.domain.errors import DomainError
from app.reports.assessment import cadre_assessment_report

from .conftest import present


def test_insert_update_and_undo(township_db):
    db = township_db
    first = save_cadre_scores(db, "GB001", 2026, {"performance_tenths": 380, "votes_satisfied": 8})
    assert first.action == "insert"
    row = cadre_scores(db, "GB001", 2026)
    assert (row["performance_tenths"], row["votes_satisfied"], row["votes_basic"]) == (380, 8, 0)
    second = save_cadre_scores(
        db, "GB001", 2026, {"performance_tenths": 355, "votes_satisfied": 8, "votes_basic": 2}
    )
    assert second.action == "update"
    records.revert(db, second)
    assert cadre_scores(db, "GB001", 2026)["performance_tenths"] == 380
    records.revert(db, first)
    assert cadre_scores(db, "GB001", 2026) is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"performance_tenths": 410}, "performance_tenths"),
        ({"votes_basic": -1}, "votes_basic"),
        ({"satisfaction_manual_tenths": 301}, "satisfaction_manual_tenths"),
        ({"votes_satisfied": 1, "satisfaction_manual_tenths": 250}, "satisfaction_manual_tenths"),
        ({"time_manual_tenths": 310}, "time_manual_tenths"),
    ],
)
def test_values_out_of_the_rules_name_their_field(values, field):
    with pytest.raises(DomainError) as e:
        check_values(values, CadreRules())
    assert e.value.field == field


def test_time_by_hand_only_without_judged_periods(township_db):
    db = township_db
    # GB002 has no post in 2025: nothing judged, so both scores may be entered by hand
    save_cadre_scores(
        db,
        "GB002",
        2025,
        {"performance_tenths": 300, "satisfaction_manual_tenths": 280, "time_manual_tenths": 290},
    )
    data, _ = cadre_assessment_report(db, 2025, cadre="GB002")
    line = data["cadres"][0]
    assert (line["time_score"], line["satisfaction_score"], line["total"]) == (
        "29.0",
        "28.0",
        "87.0",
    )
    # GB001 兼职 with January 2026 weeks judged: 驻村时限 comes from attendance
    present(db, "GB001", "2026-01-05", "2026-01-06")
    with pytest.raises(DomainError) as e:
        save_cadre_scores(db, "GB001", 2026, {"time_manual_tenths": 200})
    assert e.value.field == "time_manual_tenths"
    assert cadre_scores(db, "GB001", 2026) is None
