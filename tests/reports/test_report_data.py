"""Report data in CONTRACT.md's JSON forms, and the same figures in CSV/XLSX."""

import csv
import json
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from app.db.connection import memory_database
from app.db.subsidy import sheet_for_month
from app.demo_setup import make_demo
from app.domain.periods import Month, Quarter
from app.reports.assessment import cadre_assessment_report, village_assessment_report
from app.reports.quarterly import quarterly_report
from app.reports.subsidy import attendance_report, subsidy_report
from app.reports.tabular import write_report

from .conftest import present

TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def demo_db():
    db = memory_database()
    make_demo(db, scale="township", seed=3, today=TODAY)
    return db


def test_subsidy_json_and_sheets_agree(demo_db, tmp_path):
    data, table = subsidy_report(demo_db, Month(2026, 10))
    assert data["status"] == "draft" and data["month"] == "2026-10"
    for line in data["lines"]:
        for key in ("living", "transport", "adjustment", "total"):
            assert line[key].count(".") == 1 and len(line[key].split(".")[1]) == 2
    assert any(line["notes"] == ["补发 2026-09"] for line in data["lines"])
    assert any(line["notes"] == ["扣回 2026-09"] for line in data["lines"])
    write_report(data, table, tmp_path / "s.xlsx")
    write_report(data, table, tmp_path / "s.csv")
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx").active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert "补助发放表" in values[0][0] and values[1][-1] == "领款人签字"
    total_row = next(r for r in values if r[0] == "合计")
    # money is a number in the workbook (Excel can add it up), shown with two decimals
    assert Decimal(str(total_row[7])) == Decimal(data["total"])
    total_cell = next(r for r in ws.iter_rows() if r[0].value == "合计")[7]
    assert total_cell.number_format == "0.00"
    assert any(
        r[0]
        and str(r[0]).startswith("合计金额（大写）：")
        and str(r[0]).endswith(data["total_capital"])
        for r in values
    )
    with (tmp_path / "s.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0][1] == "干部编号" and len(rows) == len(data["lines"]) + 4


def test_approved_month_report_says_approved(demo_db):
    data, table = subsidy_report(demo_db, Month(2026, 9))
    assert data["status"] == "approved" and "已审批" in table.title


def test_village_assessment_json_form(demo_db):
    data, _ = village_assessment_report(demo_db, 2026)
    assert data["year"] == 2026 and data["template"] == "默认指标 v1"
    v = data["villages"][0]
    assert len(v["code"]) == 12 and len(v["scores"]) == 15 and "主导产业" in v["scores"]
    for v in data["villages"]:
        assert v["total"] == f"{sum(float(s) for s in v['scores'].values()):.1f}"
        assert v["change"] in ("升级", "降级", "持平")
    assert {v["change"] for v in data["villages"]} >= {"升级"}
    first, _ = village_assessment_report(demo_db, 2025)
    assert all(v["previous_grade"] is None and v["change"] is None for v in first["villages"])


def test_village_assessment_one_village_and_blank(demo_db):
    code = demo_db.execute("SELECT min(code) FROM villages").fetchone()[0]
    data, _ = village_assessment_report(demo_db, 2026, village=code)
    assert [v["code"] for v in data["villages"]] == [code]
    blank, _ = village_assessment_report(demo_db, 2026, village=code, blank=True)
    assert blank["villages"][0]["total"] is None
    assert set(blank["villages"][0]["scores"].values()) == {None}


def test_cadre_assessment_caps_by_unexcused_absences(demo_db):
    data, _ = cadre_assessment_report(demo_db, 2025)
    assert data["cadres"]
    for c in data["cadres"]:
        if c["total"] is None:
            continue
        parts = (
            float(c["time_score"]) + float(c["performance_score"]) + float(c["satisfaction_score"])
        )
        assert c["total"] == f"{parts:.1f}"
        if c["unexcused_absences"] >= 3:
            assert c["grade"] == "不称职"
        elif c["unexcused_absences"] == 0:
            assert c["grade"] == c["grade_before_cap"]


def test_cadre_assessment_by_hand(township_db):
    """兼职 GB001 in 2026-W02..W05 (4 full weeks): met 3 of 4 → 22.5; votes 8/2/0 → 27.0."""
    db = township_db
    db.execute(
        "UPDATE assignments SET start_date='2026-01-05', end_date='2026-02-01' WHERE cadre_no='GB001'"
    )
    db.execute("DELETE FROM assignments WHERE cadre_no='GB002'")
    present(
        db,
        "GB001",
        "2026-01-05",
        "2026-01-06",
        "2026-01-12",
        "2026-01-13",
        "2026-01-19",
        "2026-01-26",
        "2026-01-27",
    )
    db["checks"].insert_all(
        [
            {"cadre_no": "GB001", "day": "2026-01-20", "method": "电话查岗", "result": "不在岗"},
            {"cadre_no": "GB001", "day": "2026-01-21", "method": "进村抽查", "result": "不在岗"},
            {"cadre_no": "GB001", "day": "2026-01-22", "method": "电话查岗", "result": "在岗"},
        ]
    )
    db["cadre_assessments"].insert(
        {
            "cadre_no": "GB001",
            "year": 2026,
            "performance_tenths": 380,
            "votes_satisfied": 8,
            "votes_basic": 2,
            "votes_unsatisfied": 0,
        }
    )
    data, _ = cadre_assessment_report(db, 2026, cadre="GB001")
    c = data["cadres"][0]
    assert (c["judged_periods"], c["met_periods"]) == (4, 3)
    assert c["time_score"] == "22.5" and c["performance_score"] == "38.0"
    assert c["satisfaction_score"] == "27.0" and c["total"] == "87.5"
    assert c["grade_before_cap"] == "称职" and c["unexcused_absences"] == 2
    assert c["grade"] == "基本称职" and "2 次" in c["cap_note"] and c["role"] == "兼职书记"


def test_quarterly_keys_and_sums(demo_db, tmp_path):
    data, table = quarterly_report(demo_db, Quarter(2026, 3))
    for key in (
        "quarter",
        "scope",
        "townships",
        "villages",
        "villages_by_grade",
        "cadres",
        "present_days",
        "unexcused_absences",
        "subsidy_total",
        "meetings",
        "practical_matters",
    ):
        assert key in data
    assert data["scope"] == "township" and data["townships"] == 1
    assert sum(data["villages_by_grade"].values()) == data["villages"]
    months = [sheet_for_month(demo_db, m).total_fen for m in Quarter(2026, 3).months()]
    assert data["subsidy_total"] == f"{sum(months) / 100:.2f}"
    present_days = demo_db.execute(
        "SELECT count(*) FROM attendance WHERE kind IN ('在村','会议培训') AND day BETWEEN '2026-07-01' AND '2026-09-30'"
    ).fetchone()[0]
    assert data["present_days"] == present_days
    write_report(data, table, tmp_path / "q.json")
    assert json.loads((tmp_path / "q.json").read_text(encoding="utf-8"))["quarter"] == "2026Q3"


def test_never_assessed_village_counts_with_its_register_grade(township_db):
    data, _ = quarterly_report(township_db, Quarter(2026, 3))
    assert data["villages_by_grade"]["三类"] == 1


def test_attendance_report_marks_requirement(demo_db):
    data, table = attendance_report(demo_db, Month(2026, 10))
    assert data["cadres"] and len(table.header) == 3 + 31 + 3
    assert {line["met"] for line in data["cadres"]} <= {True, False, None}


def test_an_approved_month_names_its_approver(demo_db):
    data, _ = subsidy_report(demo_db, Month(2026, 9))
    assert data["approved_by"] == "演示审批人" and data["approved_at"].startswith("20")
    draft, _ = subsidy_report(demo_db, Month(2026, 10))
    assert "approved_by" not in draft
