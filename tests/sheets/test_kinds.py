"""Every sheet kind loads from xlsx and csv (UTF-8, UTF-8 with BOM, GB18030), idempotently."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from app.sheets import KINDS, check_sheet, load_sheet

from .conftest import CHANGE, V1, log_count, sample, write_sheet

FORMATS = [("xlsx", "utf-8"), ("csv", "utf-8"), ("csv", "utf-8-sig"), ("csv", "gb18030")]
FORMAT_IDS = ["xlsx", "csv-utf8", "csv-bom", "csv-gb18030"]

#: a query and the values the two sample rows leave in the database
STORED: dict[str, tuple[str, list[tuple[object, ...]]]] = {
    "villages": (
        "SELECT code, name, groups_count, register_grade, township_code, notes "
        "FROM villages WHERE code IN ('610526100203', '610526100204') ORDER BY code",
        [
            ("610526100203", "南坡村", 6, "三类", "610526100", "示范村"),
            ("610526100204", "北坡村", None, None, "610526100", None),
        ],
    ),
    "households": (
        "SELECT hh_no, village_code, members, phone, income_per_capita_fen, low_income "
        "FROM households ORDER BY hh_no",
        [("H0001", V1, 4, "13800000001", 580050, 1), ("H0002", "610526100202", 3, None, None, 0)],
    ),
    "cadres": (
        "SELECT cadre_no, name, sex, birth_date, is_leader, township_code FROM cadres "
        "WHERE cadre_no LIKE 'GB1%' ORDER BY cadre_no",
        [
            ("GB101", "赵一", "男", "1975-03-02", 1, "610526100"),
            ("GB102", "钱二", "女", None, 0, "610526100"),
        ],
    ),
    "assignments": (
        "SELECT cadre_no, village_code, role, start_date, end_date FROM assignments "
        "ORDER BY cadre_no",
        [
            ("GB001", V1, "兼职书记", "2026-01-01", None),
            ("GB002", "610526100202", "驻村干部", "2026-01-01", "2026-12-31"),
        ],
    ),
    "attendance": (
        "SELECT cadre_no, day, village_code, kind, source, note FROM attendance ORDER BY day",
        [
            ("GB001", "2026-03-02", V1, "在村", "考勤簿", None),
            ("GB001", "2026-03-03", None, "会议培训", "考勤簿", "县委党校培训"),
        ],
    ),
    "checks": (
        "SELECT cadre_no, day, method, result, checker FROM checks ORDER BY cadre_no",
        [
            ("GB001", "2026-03-02", "电话查岗", "在岗", "张书记"),
            ("GB002", "2026-03-02", "进村抽查", "不在岗", "李委员"),
        ],
    ),
    "rates": (
        "SELECT kind, effective_from, amount_fen FROM subsidy_rates ORDER BY amount_fen",
        [("生活补助", "2026-01-01", 600), ("交通通讯补助", "2026-01-01", 4000)],
    ),
    "cadre-scores": (
        "SELECT cadre_no, year, performance_tenths, votes_satisfied, votes_basic, "
        "votes_unsatisfied FROM cadre_assessments ORDER BY cadre_no",
        [("GB001", 2026, 385, 20, 5, 1), ("GB002", 2026, None, 0, 0, 0)],
    ),
}


def _file(
    tmp_path: Path, seeded: Database, kind: str, fmt: str, encoding: str, change: bool = False
) -> Path:
    headers, rows = sample(seeded, kind)
    if change:
        column, value = CHANGE[kind]
        rows[0][headers.index(column)] = value
    suffix = "changed" if change else "sheet"
    return write_sheet(tmp_path / f"{kind}-{suffix}.{fmt}", headers, rows, encoding)


def test_all_kinds_are_there() -> None:
    assert list(KINDS) == [
        "villages",
        "households",
        "cadres",
        "assignments",
        "attendance",
        "checks",
        "rates",
        "scores",
        "cadre-scores",
    ]


@pytest.mark.parametrize(("fmt", "encoding"), FORMATS, ids=FORMAT_IDS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_kind_loads_and_reloading_changes_nothing(
    tmp_path: Path, seeded: Database, kind: str, fmt: str, encoding: str
) -> None:
    path = _file(tmp_path, seeded, kind, fmt, encoding)
    result = load_sheet(seeded, kind, path)
    assert (result.new, result.updated, result.unchanged) == (2, 0, 0)
    if kind in STORED:
        sql, expected = STORED[kind]
        assert seeded.execute(sql).fetchall() == expected

    before = log_count(seeded)
    stamps_sql = f"SELECT uuid, modified_at FROM {KINDS[kind].table} ORDER BY uuid"
    stamps = seeded.execute(stamps_sql).fetchall()
    again = load_sheet(seeded, kind, path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert log_count(seeded) == before
    assert seeded.execute(stamps_sql).fetchall() == stamps

    changed = _file(tmp_path, seeded, kind, fmt, encoding, change=True)
    preview = check_sheet(seeded, kind, changed)
    assert (preview.new, preview.updated, preview.unchanged) == (0, 1, 1)
    assert log_count(seeded) == before  # checking writes nothing
    result = load_sheet(seeded, kind, changed)
    assert (result.new, result.updated, result.unchanged) == (0, 1, 1)
    assert log_count(seeded) > before


def test_changed_row_gets_new_modified_at(tmp_path: Path, seeded: Database) -> None:
    path = _file(tmp_path, seeded, "households", "csv", "utf-8")
    load_sheet(seeded, "households", path)
    seeded.execute("UPDATE households SET modified_at = '2000-01-01T00:00:00.000Z'")
    load_sheet(seeded, "households", path)
    assert {r[0] for r in seeded.execute("SELECT modified_at FROM households")} == {
        "2000-01-01T00:00:00.000Z"
    }
    load_sheet(seeded, "households", _file(tmp_path, seeded, "households", "csv", "utf-8", True))
    stamps = dict(seeded.execute("SELECT hh_no, modified_at FROM households").fetchall())
    assert stamps["H0002"] == "2000-01-01T00:00:00.000Z"
    assert stamps["H0001"] > "2020"


def test_preview_describes_rows(tmp_path: Path, seeded: Database) -> None:
    load_sheet(seeded, "households", _file(tmp_path, seeded, "households", "xlsx", "utf-8"))
    preview = check_sheet(
        seeded, "households", _file(tmp_path, seeded, "households", "xlsx", "utf-8", True)
    )
    first, second = preview.rows
    assert (first.row, first.status, first.status_label) == (2, "updated", "修改")
    assert first.changed == ("户主姓名",)
    assert first.cells["年人均纯收入"] == "5800.50"
    assert first.cells["低收入户"] == "是"
    assert first.values["income_per_capita_fen"] == 580050
    assert (second.row, second.status) == (3, "unchanged")


def test_scores_store_total_grade_scores_and_pin_the_year(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "scores")
    load_sheet(seeded, "scores", write_sheet(tmp_path / "s.xlsx", headers, rows))
    indicators = headers[3:]
    for code, row in zip((V1, "610526100202"), rows, strict=True):
        stored = dict(
            seeded.execute(
                "SELECT indicator, score_tenths FROM village_scores WHERE village_code = ? AND year = 2026",
                [code],
            ).fetchall()
        )
        expected = {n: round(float(s) * 10) for n, s in zip(indicators, row[3:], strict=True)}
        assert stored == expected
        total, grade, tid = seeded.execute(
            "SELECT total_tenths, grade, template_id FROM village_assessments WHERE village_code = ?",
            [code],
        ).fetchone()
        assert total == sum(expected.values())
        bands = {"一类": 900, "二类": 800, "三类": 600}
        assert grade == next((g for g, m in bands.items() if total >= m), "四类")
    assert seeded.execute("SELECT year, template_id FROM assessment_years").fetchall() == [
        (2026, tid)
    ]
    assert seeded.execute(
        "SELECT assessor FROM village_assessments WHERE village_code = ?", [V1]
    ).fetchone() == ("乡镇考核组",)


def test_scores_change_of_grade_shown_against_previous_year(
    tmp_path: Path, seeded: Database
) -> None:
    headers, rows = sample(seeded, "scores")
    low = [V1, "2025", "", *rows[1][3:]]  # 2025: the low scores
    load_sheet(seeded, "scores", write_sheet(tmp_path / "s.csv", headers, [low, rows[0]]))
    preview = check_sheet(seeded, "scores", tmp_path / "s.csv")
    by_year = {p.values["year"]: p for p in preview.rows}
    assert (
        by_year[2026].cells["升降"]
        == f"{by_year[2025].values['grade']}→{by_year[2026].values['grade']}"
    )
    assert by_year[2026].extra["previous_grade"] == by_year[2025].values["grade"]


def test_attendance_source_and_village_optional(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "attendance")
    load_sheet(seeded, "attendance", write_sheet(tmp_path / "a.csv", headers, rows))
    assert {r[0] for r in seeded.execute("SELECT source FROM attendance")} == {"考勤簿"}


def test_progress_is_reported(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "households")
    calls: list[tuple[int, int]] = []
    load_sheet(
        seeded,
        "households",
        write_sheet(tmp_path / "h.csv", headers, rows),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[0] == (0, 2)
    assert calls[-1] == (2, 2)


def test_header_only_sheet_loads_nothing_with_a_warning(tmp_path: Path, seeded: Database) -> None:
    headers, _ = sample(seeded, "villages")
    result = load_sheet(seeded, "villages", write_sheet(tmp_path / "v.xlsx", headers, []))
    assert (result.new, result.updated, result.unchanged) == (0, 0, 0)
    assert result.warnings == ["表格中只有表头，没有数据行"]


def test_column_order_is_free(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "rates")
    order = [2, 0, 1]
    path = write_sheet(
        tmp_path / "r.csv", [headers[i] for i in order], [[r[i] for i in order] for r in rows]
    )
    assert load_sheet(seeded, "rates", path).new == 2
