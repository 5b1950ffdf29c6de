"""Regressions found in review: period edges, frozen names, rounding of shares, bad dates."""

from datetime import date

import pytest

from app.db.compliance import cadre_compliance
from app.db.subsidy import approve_month, sheet_for_month
from app.domain.errors import DomainError
from app.domain.periods import Month, Quarter, parse_date
from app.reports.assessment import cadre_assessment_report
from app.reports.quarterly import quarterly_report

from .conftest import present


def test_a_week_across_the_year_end_counts_its_days_in_both_years(township_db):
    db = township_db
    db.execute("DELETE FROM assignments")
    db["assignments"].insert(
        {
            "cadre_no": "GB001",
            "village_code": "610526100201",
            "role": "兼职书记",
            "start_date": "2025-12-29",
            "end_date": "2026-01-11",
        }
    )
    db["subsidy_rates"].insert(
        {"kind": "生活补助", "effective_from": "2025-01-01", "amount_fen": 600}
    )
    present(db, "GB001", "2025-12-29", "2025-12-30", "2026-01-05", "2026-01-06")
    db["cadre_assessments"].insert(
        {"cadre_no": "GB001", "year": 2026, "performance_tenths": 380, "votes_satisfied": 10}
    )
    c = cadre_assessment_report(db, 2026)[0]["cadres"][0]
    assert (c["judged_periods"], c["met_periods"], c["time_score"]) == (2, 2, "30.0")
    assert c["grade"] == "优秀"


def test_a_week_across_a_month_end_counts_days_of_the_month_before(township_db):
    present(township_db, "GB001", "2026-09-28", "2026-09-29")  # Mon, Tue of 2026-W40 (Thu = Oct 1)
    october = cadre_compliance(
        township_db, date(2026, 10, 1), date(2026, 10, 31), as_of=date(2026, 11, 28)
    )
    w40 = next(r for r in october["GB001"].results if r.label == "2026-W40")
    assert (w40.present, w40.met) == (2, True)


def test_an_approved_sheet_keeps_the_names_it_was_approved_with(township_db):
    present(township_db, "GB001", "2026-10-01")
    approve_month(township_db, Month(2026, 10), "李会计")
    township_db.execute("UPDATE cadres SET name = '王建军' WHERE cadre_no = 'GB001'")
    frozen = sheet_for_month(township_db, Month(2026, 10))
    assert next(x for x in frozen.lines if x.cadre_no == "GB001").name == "王建国"
    draft = sheet_for_month(township_db, Month(2026, 11))
    assert next(x for x in draft.lines if x.cadre_no == "GB001").name == "王建军"


def test_shares_are_rounded_half_up(township_db):
    db = township_db
    db["villages"].insert_all(
        {
            "code": f"6105261002{n:02d}",
            "township_code": "610526100",
            "name": f"村{n}",
            "register_grade": "三类",
        }
        for n in range(2, 9)
    )
    db.execute("UPDATE villages SET register_grade = '一类' WHERE code = '610526100201'")
    data, _ = quarterly_report(db, Quarter(2026, 3))
    assert data["villages"] == 8 and data["villages_by_grade_share"]["一类"] == "13%"  # 12.5 → 13


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_dates_outside_the_years_kept_are_refused(text):
    with pytest.raises(DomainError, match="超出范围"):
        parse_date(text)
    with pytest.raises(DomainError):
        Month.parse(text[:7])


def test_cadre_rules_are_settings_with_an_effective_date(township_db, tmp_path):
    import json

    from app.db import store
    from app.sheets import SheetError, load_sheet

    db = township_db
    assert store.cadre_rules(db, date(2026, 12, 31)).performance_max == 40
    sheet = tmp_path / "cs.csv"
    sheet.write_text(
        "干部编号,年度,工作业绩,满意票,基本满意票,不满意票\nGB001,2026,45,1,0,0\n", encoding="utf-8"
    )
    with pytest.raises(SheetError, match="0 到 40"):
        load_sheet(db, "cadre-scores", sheet)
    rules = json.loads(
        db.execute("SELECT value FROM rule_settings WHERE key='cadre_rules'").fetchone()[0]
    )
    rules["performance_max"], rules["time_max"] = 50, 20
    db["rule_settings"].insert(
        {
            "key": "cadre_rules",
            "effective_from": "2026-01-01",
            "value": json.dumps(rules, ensure_ascii=False),
        }
    )
    assert store.cadre_rules(db, date(2025, 12, 31)).performance_max == 40
    assert store.cadre_rules(db, date(2026, 12, 31)).performance_max == 50
    assert load_sheet(db, "cadre-scores", sheet).new == 1
