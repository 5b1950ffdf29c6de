"""Demo data at township scale: counts, determinism, refusal over real data, consistency."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlite_utils import Database

from app.db import store
from app.db.connection import memory_database
from app.demo import DemoError, DemoSummary, build_demo
from app.domain.assessment import DEFAULT_TEMPLATE, grade_for, grade_rank
from app.domain.attendance import Kind, Requirements, Role, compliance, results_for

TODAY = date(2026, 9, 16)
YESTERDAY = TODAY - timedelta(days=1)
DUMPED = (
    "villages",
    "households",
    "cadres",
    "assignments",
    "attendance",
    "checks",
    "meetings",
    "village_scores",
    "practical_matters",
)


def dump(db: Database, tables=DUMPED) -> dict[str, list[tuple]]:
    out = {}
    for table in tables:
        pk = [c.name for c in db[table].columns if c.is_pk] or ["rowid"]
        out[table] = db.execute(f"SELECT * FROM {table} ORDER BY {', '.join(pk)}").fetchall()
    return out


def every_table(db: Database) -> dict[str, list[tuple]]:
    return dump(db, [t for t in db.table_names() if not t.startswith("_")])


@pytest.fixture(scope="module")
def demo() -> tuple[Database, DemoSummary]:
    db = memory_database()
    return db, build_demo(db, seed=1, today=TODAY)


def scalar(db: Database, sql: str, params=()) -> object:
    return db.execute(sql, params).fetchone()[0]


def test_counts_in_range(demo):
    db, summary = demo
    assert 15 <= summary.villages <= 20
    assert 2500 <= summary.households <= 3500
    assert 20 <= summary.cadres <= 30
    assert summary.stationed + summary.part_time == summary.cadres
    assert summary.counts["villages"] == scalar(db, "SELECT count(*) FROM villages")
    roles = {r[0] for r in db.execute("SELECT DISTINCT role FROM assignments")}
    assert "驻村干部" in roles and roles & {"兼职书记", "兼职第一书记"}
    assert summary.first_day == date(2025, 1, 1) and summary.last_day == YESTERDAY
    for table in (
        "village_years",
        "leaves",
        "attendance",
        "checks",
        "diaries",
        "household_visits",
        "meetings",
        "meeting_attendees",
        "meeting_reports",
        "decisions",
        "action_items",
        "practical_matters",
        "subsidy_rates",
        "assessment_years",
        "village_assessments",
        "village_scores",
        "cadre_assessments",
    ):
        assert summary.counts[table] > 0, table
    assert f"{summary.villages} 个村" in summary.text()


def test_identity_created_for_an_empty_database(demo):
    db, _ = demo
    ident = store.require_identity(db)
    assert ident.kind == "township"
    assert len(ident.county_code) == 6 and len(ident.township_code) == 9
    assert ident.township_code.startswith(ident.county_code)


def test_codes(demo):
    db, _ = demo
    township = store.require_identity(db).township_code
    for code, tcode in db.execute("SELECT code, township_code FROM villages"):
        assert len(code) == 12 and code.isdigit() and code.startswith(township)
        assert tcode == township
    bad = scalar(
        db,
        """SELECT count(*) FROM households WHERE length(hh_no) <> 16
                        OR substr(hh_no, 1, 12) <> village_code""",
    )
    assert bad == 0
    # the register count is the number of households on file
    assert (
        scalar(
            db,
            """SELECT count(*) FROM villages v WHERE households <>
                         (SELECT count(*) FROM households h WHERE h.village_code = v.code)""",
        )
        == 0
    )
    low = scalar(db, "SELECT avg(low_income) FROM households")
    assert 0.04 < low < 0.12


def test_same_seed_same_rows_other_seed_other_rows(demo):
    db, _ = demo
    again = memory_database()
    build_demo(again, seed=1, today=TODAY)
    assert dump(again) == dump(db)
    other = memory_database()
    build_demo(other, seed=2, today=TODAY)
    first, second = dump(db), dump(other)
    for table in ("villages", "households", "attendance"):
        assert first[table] != second[table], table


def test_refuses_a_database_with_data():
    db = memory_database()
    store.initialise(
        db,
        county_code="610526",
        county_name="某县",
        township_code="610526100",
        township_name="某镇",
    )
    db["villages"].insert({"code": "610526100201", "township_code": "610526100", "name": "东坡村"})
    before = every_table(db)
    with pytest.raises(DemoError, match="已有数据"):
        build_demo(db, today=TODAY)
    assert every_table(db) == before


def test_refuses_the_other_kind_of_database():
    township = memory_database()
    store.initialise(
        township,
        county_code="610526",
        county_name="某县",
        township_code="610526100",
        township_name="某镇",
    )
    before = every_table(township)
    with pytest.raises(DemoError, match="乡镇数据库"):
        build_demo(township, scale="county", today=TODAY)
    assert every_table(township) == before
    county = memory_database()
    store.initialise(county, county_code="610526", county_name="某县")
    with pytest.raises(DemoError, match="县级"):
        build_demo(county, scale="township", today=TODAY)
    with pytest.raises(DemoError, match="规模"):
        build_demo(memory_database(), scale="province", today=TODAY)


def test_uses_the_existing_identity():
    db = memory_database()
    store.initialise(
        db,
        county_code="610526",
        county_name="某县",
        township_code="610526100",
        township_name="某镇",
    )
    build_demo(db, today=TODAY)
    assert scalar(db, "SELECT count(*) FROM villages WHERE code NOT LIKE '610526100%'") == 0
    assert scalar(db, "SELECT count(*) FROM townships") == 1


def test_attendance_is_valid_and_ends_yesterday(demo):
    db, _ = demo
    kinds = {r[0] for r in db.execute("SELECT DISTINCT kind FROM attendance")}
    assert kinds <= {k.value for k in Kind}
    assert {"在村", "会议培训", "请假", "缺勤"} <= kinds
    for table, column in (
        ("attendance", "day"),
        ("checks", "day"),
        ("diaries", "day"),
        ("meetings", "day"),
        ("practical_matters", "day"),
        ("leaves", "end_date"),
    ):
        assert scalar(db, f"SELECT max({column}) FROM {table}") <= YESTERDAY.isoformat(), table
    assert scalar(db, "SELECT min(day) FROM attendance") >= "2025-01-01"


def test_attendance_follows_the_assignments(demo):
    db, _ = demo
    outside = scalar(
        db,
        """SELECT count(*) FROM attendance a WHERE NOT EXISTS (
        SELECT 1 FROM assignments s WHERE s.cadre_no = a.cadre_no AND s.village_code = a.village_code
        AND s.start_date <= a.day AND (s.end_date IS NULL OR a.day <= s.end_date))""",
    )
    assert outside == 0
    assert scalar(db, "SELECT count(*) FROM assignments WHERE end_date IS NOT NULL") >= 1


def test_leaves_match_attendance(demo):
    db, _ = demo
    for cadre_no, start, end, level in db.execute(
        "SELECT cadre_no, start_date, end_date, approver_level FROM leaves"
    ):
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        assert level == ("乡镇党委" if (last - first).days < 3 else "县委组织部")
        kinds = {
            r[0]
            for r in db.execute(
                "SELECT kind FROM attendance WHERE cadre_no = ? AND day BETWEEN ? AND ?",
                [cadre_no, start, end],
            )
        }
        assert kinds == {"请假"}


def test_unexcused_absences(demo):
    db, _ = demo
    absences = store.unexcused_absences(db, date(2026, 1, 1), YESTERDAY)
    assert absences and all(1 <= n <= 3 for n in absences.values())
    assert len(absences) < scalar(db, "SELECT count(*) FROM cadres") / 2
    for cadre_no, day in db.execute("SELECT cadre_no, day FROM checks WHERE result = '不在岗'"):
        kind = scalar(
            db, "SELECT kind FROM attendance WHERE cadre_no = ? AND day = ?", [cadre_no, day]
        )
        assert kind == "缺勤"
    on_leave = scalar(
        db,
        """SELECT count(*) FROM checks c JOIN attendance a
                             ON a.cadre_no = c.cadre_no AND a.day = c.day
                             WHERE c.result = '请假' AND a.kind <> '请假'""",
    )
    assert on_leave == 0


def test_compliance_is_mostly_met_but_not_everywhere(demo):
    db, _ = demo
    first, last = date(2025, 1, 1), date(2025, 12, 31)
    days = store.attendance(db, first, last)
    ratios: dict[Role, list[float]] = {}
    for a in store.assignments(db, first, last):
        c = compliance(results_for(a, days.get(a.cadre_no, {}), first, last, Requirements()))
        if c.ratio is not None:
            ratios.setdefault(a.role.is_part_time, []).append(float(c.ratio))
    for values in ratios.values():
        assert min(values) < 0.8  # someone clearly falls short
        assert sorted(values)[len(values) // 2] >= 0.85  # most do not
    assert min(ratios[True]) < 1 and sum(v < 1 for v in ratios[True]) >= 2


def test_stationed_days_per_month(demo):
    db, _ = demo
    rows = db.execute("""SELECT a.cadre_no, substr(day, 1, 7), sum(kind = '在村'), sum(kind = '会议培训')
        FROM attendance a JOIN cadres c USING (cadre_no) WHERE c.is_leader = 0
        AND day BETWEEN '2025-02-01' AND '2025-12-31' GROUP BY 1, 2""").fetchall()
    present = sorted(r[2] for r in rows)
    assert 19 <= present[len(present) // 2] <= 23
    assert all(r[3] >= 1 for r in rows if r[2] >= 15)


def test_village_assessments(demo):
    db, _ = demo
    template_id = scalar(db, "SELECT id FROM templates WHERE name = ?", [DEFAULT_TEMPLATE.name])
    assert dict(db.execute("SELECT year, template_id FROM assessment_years").fetchall()) == {
        2025: template_id,
        2026: template_id,
    }
    maxima = {i.name: i.max_tenths for i in DEFAULT_TEMPLATE.indicators}
    for code, year, total, grade in db.execute(
        "SELECT village_code, year, total_tenths, grade FROM village_assessments"
    ):
        scores = dict(
            db.execute(
                "SELECT indicator, score_tenths FROM village_scores "
                "WHERE village_code = ? AND year = ?",
                [code, year],
            ).fetchall()
        )
        assert set(scores) == set(maxima)
        assert all(0 <= s <= maxima[n] for n, s in scores.items())
        assert sum(scores.values()) == total and grade_for(total, DEFAULT_TEMPLATE) == grade
    grades = [r[0] for r in db.execute("SELECT grade FROM village_assessments")]
    assert sum(g in ("三类", "四类") for g in grades) > len(grades) / 2
    moves = db.execute("""SELECT a.grade, b.grade FROM village_assessments a
        JOIN village_assessments b ON a.village_code = b.village_code AND b.year = a.year + 1
        WHERE a.year = 2025""").fetchall()
    assert any(grade_rank(after) < grade_rank(before) for before, after in moves)
    assert ("三类", "二类") in moves
    assert any(grade_rank(after) > grade_rank(before) for before, after in moves)


def test_cadre_assessments_and_rates(demo):
    db, summary = demo
    assert (
        scalar(
            db,
            "SELECT count(*) FROM cadre_assessments WHERE performance_tenths "
            "NOT BETWEEN 280 AND 390",
        )
        == 0
    )
    assert summary.cadre_assessments >= summary.cadres * 2 - 2
    rates = db.execute(
        "SELECT kind, effective_from, amount_fen FROM subsidy_rates ORDER BY kind, effective_from"
    ).fetchall()
    assert [(k, f) for k, _, f in rates] == [
        ("交通通讯补助", 4000),
        ("交通通讯补助", 10000),
        ("生活补助", 600),
    ]
    raised = rates[1][1]
    assert raised.startswith("2026-") and raised.endswith("-01") and raised <= YESTERDAY.isoformat()
    assert all(r[1] < "2025-01-01" for r in rates if r[2] != 10000)
    assert scalar(db, "SELECT count(*) FROM subsidy_months") == 0
    assert scalar(db, "SELECT count(*) FROM subsidy_lines") == 0


def test_meetings_and_matters(demo):
    db, _ = demo
    kinds = dict(db.execute("SELECT kind, count(*) FROM meetings GROUP BY kind").fetchall())
    assert kinds.keys() == {"周例会", "月汇报", "季小结", "半年初评", "年终总评"}
    mondays = {
        date.fromisoformat(r[0]).weekday()
        for r in db.execute("SELECT day FROM meetings WHERE kind = '周例会'")
    }
    assert mondays == {0} and kinds["周例会"] >= 80
    chairs = {r[0] for r in db.execute("SELECT DISTINCT chair FROM meetings")}
    secretary = db.execute("SELECT name FROM cadres WHERE post = '党委书记'").fetchall()
    assert chairs == {secretary[0][0]}
    assert (
        scalar(db, "SELECT count(*) FROM meeting_attendees WHERE present = 0 AND reason IS NULL")
        == 0
    )
    assert scalar(db, "SELECT count(*) FROM meeting_attendees WHERE present = 0") > 0
    statuses = db.execute(
        """SELECT status, due_date < ? FROM action_items""", [TODAY.isoformat()]
    ).fetchall()
    assert {("done", 1), ("open", 1)} <= set(statuses)  # done, and open overdue
    assert (
        scalar(
            db,
            "SELECT count(*) FROM action_items WHERE status = 'done' "
            "AND (done_on IS NULL OR done_on > ?)",
            [YESTERDAY.isoformat()],
        )
        == 0
    )
    categories = {r[0] for r in db.execute("SELECT DISTINCT category FROM practical_matters")}
    assert len(categories) >= 6
    assert scalar(db, "SELECT count(*) FROM practical_matters WHERE meeting_id IS NOT NULL") > 0
    assert scalar(db, "SELECT count(*) FROM practical_matters WHERE diary_id IS NOT NULL") > 0


def test_change_log_has_one_note(demo):
    db, _ = demo
    logged = dict(db.execute("SELECT table_name, count(*) FROM change_log GROUP BY 1").fetchall())
    assert logged.get("demo") == 1
    for table in ("villages", "households", "cadres", "attendance"):
        assert table not in logged
    assert scalar(db, "SELECT enabled FROM log_control") == 1
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_uuid_text_is_a_version_4_uuid():
    import random
    import uuid

    from app.demo.build import uuid4_text

    rng = random.Random(5)
    for _ in range(200):
        bits = rng.getrandbits(128)
        assert uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))
