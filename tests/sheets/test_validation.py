"""Bad sheets: every problem reported with row and column, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from app.sheets import SheetError, check_sheet, load_sheet

from .conftest import HEADERS, TOWNSHIP, V1, sample, snapshot, write_sheet


def _fails(db: Database, kind: str, path: Path) -> SheetError:
    """Loading must fail and leave the database exactly as it was."""
    before = snapshot(db)
    with pytest.raises(SheetError) as info:
        load_sheet(db, kind, path)
    assert snapshot(db) == before
    with pytest.raises(SheetError):
        check_sheet(db, kind, path)
    return info.value


def _where(error: SheetError) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.column) for p in error.problems]


def test_thirteen_digit_village_code(tmp_path: Path, db: Database) -> None:
    headers, rows = sample(db, "villages")
    rows.insert(0, ["610526100201", "东坡村"] + [""] * 8)
    rows[1][0] = "6105261002011"
    error = _fails(db, "villages", write_sheet(tmp_path / "villages.xlsx", headers, rows))
    assert (
        str(error) == "villages.xlsx 第 3 行「村代码」：应为 12 位数字，实为 6105261002011（13 位）"
    )
    assert error.file.name == "villages.xlsx"
    assert _where(error) == [(3, "村代码")]


def test_village_code_with_letters_or_in_scientific_notation(tmp_path: Path, db: Database) -> None:
    headers, rows = sample(db, "villages")
    rows[0][0], rows[1][0] = "61052610020A", "6.10526E+11"
    error = _fails(db, "villages", write_sheet(tmp_path / "v.csv", headers, rows))
    assert "含非数字字符" in error.problems[0].reason
    assert "科学计数法" in error.problems[1].reason


def test_date_that_does_not_exist(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "attendance")
    rows[1][1] = "2026-02-30"
    error = _fails(seeded, "attendance", write_sheet(tmp_path / "a.csv", headers, rows))
    assert _where(error) == [(3, "日期")]
    assert "日期不存在" in str(error)
    assert "2026-02-30" in str(error)


def test_wrongly_written_date(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "checks")
    rows[0][1] = "2026/3/2"
    error = _fails(seeded, "checks", write_sheet(tmp_path / "c.csv", headers, rows))
    assert _where(error) == [(2, "日期")]
    assert "YYYY-MM-DD" in str(error)


@pytest.mark.parametrize("amount", ["-5", "-0.01", "6.055", "六元", "1e3"])
def test_bad_money(tmp_path: Path, db: Database, amount: str) -> None:
    headers, rows = sample(db, "rates")
    rows[1][2] = amount
    error = _fails(db, "rates", write_sheet(tmp_path / "r.csv", headers, rows))
    assert _where(error) == [(3, "标准")]
    if amount.startswith("-"):
        assert "负" in error.problems[0].reason


def test_negative_income_of_a_household(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "households")
    rows[0][7] = "-100"
    error = _fails(seeded, "households", write_sheet(tmp_path / "h.xlsx", headers, rows))
    assert str(error) == "h.xlsx 第 2 行「年人均纯收入」：不能为负数：-100"


def test_grade_must_be_written_in_chinese(tmp_path: Path, db: Database) -> None:
    headers, rows = sample(db, "villages")
    rows[0][8] = "1类"
    error = _fails(db, "villages", write_sheet(tmp_path / "v.csv", headers, rows))
    assert _where(error) == [(2, "党组织类别")]
    assert "一类" in str(error) and "1类" in str(error)


def test_attendance_of_an_unknown_cadre(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "attendance")
    rows[1][0] = "GB999"
    error = _fails(seeded, "attendance", write_sheet(tmp_path / "a.csv", headers, rows))
    assert (
        str(error)
        == "a.csv 第 3 行「干部编号」：干部编号 GB999 不存在，请先导入干部花名册（cadres）"
    )


@pytest.mark.parametrize("kind", ["households", "assignments", "attendance", "scores"])
def test_unknown_village(tmp_path: Path, seeded: Database, kind: str) -> None:
    headers, rows = sample(seeded, kind)
    rows[0][headers.index("村代码")] = "610526100299"
    error = _fails(seeded, kind, write_sheet(tmp_path / "x.csv", headers, rows))
    assert _where(error) == [(2, "村代码")]
    assert "村代码 610526100299 不存在" in str(error)


@pytest.mark.parametrize("kind", ["assignments", "checks", "cadre-scores"])
def test_unknown_cadre_in_other_sheets(tmp_path: Path, seeded: Database, kind: str) -> None:
    headers, rows = sample(seeded, kind)
    rows[1][0] = "GB999"
    error = _fails(seeded, kind, write_sheet(tmp_path / "x.xlsx", headers, rows))
    assert _where(error) == [(3, "干部编号")]


def test_missing_key(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "households")
    rows[1][0] = "  "
    error = _fails(seeded, "households", write_sheet(tmp_path / "h.csv", headers, rows))
    assert str(error) == "h.csv 第 3 行「户编号」：不能为空"


def test_required_values(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "checks")
    rows[0][3] = ""  # 结果
    rows[1][2] = ""  # 方式 (key)
    error = _fails(seeded, "checks", write_sheet(tmp_path / "c.csv", headers, rows))
    assert _where(error) == [(2, "结果"), (3, "方式")]


def test_duplicate_key_names_the_earlier_row(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "attendance")
    rows.append(["GB002", "2026-03-02", V1, "在村", ""])
    rows.append(["GB001", "2026-03-02", "", "请假", ""])  # same cadre and day as row 2
    error = _fails(seeded, "attendance", write_sheet(tmp_path / "a.xlsx", headers, rows))
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert problem.row == 5
    assert "与第 2 行重复" in problem.reason


def test_unknown_header(tmp_path: Path, db: Database) -> None:
    headers, rows = sample(db, "villages")
    headers = [*headers, "联系人"]
    rows = [[*r, "x"] for r in rows]
    error = _fails(db, "villages", write_sheet(tmp_path / "v.xlsx", headers, rows))
    assert _where(error) == [(1, "联系人"), (1, None)]
    assert str(error).splitlines() == [
        "v.xlsx 第 1 行「联系人」：不是「村情档案」表的列",
        "v.xlsx 第 1 行：「村情档案」表应有的列（顺序不限）：村代码、村名、村民小组数、户数、人口、"
        "农业人口、党员数、主导产业、党组织类别、备注",
    ]


def test_missing_and_duplicate_headers(tmp_path: Path, db: Database) -> None:
    headers, rows = sample(db, "villages")
    headers = [h if h != "备注" else "村名" for h in headers]
    error = _fails(db, "villages", write_sheet(tmp_path / "v.csv", headers, rows))
    reasons = [(p.column, p.reason.split("（")[0]) for p in error.problems]
    assert reasons == [
        ("村名", "列名重复"),
        ("备注", "缺少这一列"),
        (None, "「村情档案」表应有的列"),
    ]


def test_starred_header_is_refused_with_a_hint(tmp_path: Path, db: Database) -> None:
    headers, rows = sample(db, "rates")
    headers[0] = "补助类别*"
    error = _fails(db, "rates", write_sheet(tmp_path / "r.csv", headers, rows))
    assert "请去掉“*”" in str(error)


def test_cell_outside_the_header(tmp_path: Path, db: Database) -> None:
    headers, rows = sample(db, "rates")
    rows[0].append("多余")
    error = _fails(db, "rates", write_sheet(tmp_path / "r.xlsx", headers, rows))
    assert _where(error) == [(2, None)]
    assert "第 D 列" in str(error)


def test_every_bad_row_is_reported(tmp_path: Path, seeded: Database) -> None:
    headers = HEADERS["households"]
    rows = [
        ["H1", V1, "一组", "甲", "4", "", "", "100", "", ""],
        ["H2", "61052610020", "一组", "乙", "4", "", "", "", "", ""],  # 11 digits
        ["H3", V1, "一组", "", "四", "", "", "", "", ""],  # no head, 人口 not a number
        ["H4", V1, "一组", "丁", "2", "123", "", "12.345", "不是", ""],  # phone, money, yes/no
        ["H1", V1, "一组", "戊", "1", "", "", "", "", ""],  # duplicate of row 2
    ]
    error = _fails(seeded, "households", write_sheet(tmp_path / "h.csv", headers, rows))
    assert _where(error) == [
        (3, "村代码"),
        (4, "户主姓名"),
        (4, "家庭人口"),
        (5, "联系电话"),
        (5, "年人均纯收入"),
        (5, "低收入户"),
        (6, "户编号"),
    ]
    lines = str(error).splitlines()
    assert len(lines) == 7
    assert all(line.startswith("h.csv 第 ") for line in lines)


def test_listing_is_capped(tmp_path: Path, seeded: Database) -> None:
    headers = HEADERS["attendance"]
    rows = [
        ["GB999", f"2026-{m:02d}-{d:02d}", "", "在村", ""]
        for m in range(1, 13)
        for d in range(1, 26)
    ]
    error = _fails(seeded, "attendance", write_sheet(tmp_path / "a.csv", headers, rows))
    assert len(error.problems) == 300
    lines = str(error).splitlines()
    assert len(lines) == 201
    assert lines[-1] == "…另有 100 处错误"


def test_assignment_end_before_start(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "assignments")
    rows[1][4] = "2025-12-31"
    error = _fails(seeded, "assignments", write_sheet(tmp_path / "a.csv", headers, rows))
    assert _where(error) == [(3, "结束日期")]


def test_overlapping_assignments_give_a_warning(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "assignments")
    load_sheet(seeded, "assignments", write_sheet(tmp_path / "a.csv", headers, rows))
    more = [["GB002", V1, "兼职第一书记", "2026-06-01", ""]]
    result = load_sheet(seeded, "assignments", write_sheet(tmp_path / "b.csv", headers, more))
    assert result.new == 1
    assert len(result.warnings) == 1
    assert "GB002" in result.warnings[0] and "重叠" in result.warnings[0]
    assert "第 2 行" in result.warnings[0]


def test_village_outside_the_township_is_a_warning(tmp_path: Path, db: Database) -> None:
    headers, rows = sample(db, "villages")
    rows[0][0] = "610526101201"
    result = load_sheet(db, "villages", write_sheet(tmp_path / "v.csv", headers, rows))
    assert result.new == 2
    assert any("610526100" in w and "第 2 行" in w for w in result.warnings)


def test_scores_out_of_range_and_blank(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "scores")
    rows[0][3] = "10.5"  # 主导产业 max 10
    rows[1][4] = ""
    rows[1][5] = "2.55"
    error = _fails(seeded, "scores", write_sheet(tmp_path / "s.csv", headers, rows))
    assert _where(error) == [(2, headers[3]), (3, headers[4]), (3, headers[5])]


def test_performance_score_limits(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "cadre-scores")
    rows[0][2] = "40.5"
    rows[1][3] = "-1"
    error = _fails(seeded, "cadre-scores", write_sheet(tmp_path / "c.csv", headers, rows))
    assert _where(error) == [(2, "工作业绩"), (3, "满意票")]


@pytest.mark.parametrize(
    ("column", "value"),
    [("性别", "M"), ("出生日期", "1975-13-01"), ("联系电话", "abc"), ("乡镇领导", "Y")],
)
def test_cadre_value_rules(tmp_path: Path, db: Database, column: str, value: str) -> None:
    headers, rows = sample(db, "cadres")
    rows[0][headers.index(column)] = value
    error = _fails(db, "cadres", write_sheet(tmp_path / "c.csv", headers, rows))
    assert _where(error) == [(2, column)]


def test_county_database_refuses_cadres(tmp_path: Path, county_db: Database) -> None:
    headers, rows = sample(county_db, "cadres")
    error = _fails(county_db, "cadres", write_sheet(tmp_path / "c.csv", headers, rows))
    assert "县级数据库请通过上报文件导入" in str(error)


def test_county_database_villages_need_their_township(tmp_path: Path, county_db: Database) -> None:
    headers, rows = sample(county_db, "villages")
    path = write_sheet(tmp_path / "v.csv", headers, rows)
    error = _fails(county_db, "villages", path)
    assert _where(error) == [(2, "村代码"), (3, "村代码")]
    county_db["townships"].insert(
        {"code": TOWNSHIP, "name": "东坡镇", "county_code": "610526", "county_name": "蒲城县"}
    )
    assert load_sheet(county_db, "villages", path).new == 2
    assert {r[0] for r in county_db.execute("SELECT township_code FROM villages")} == {TOWNSHIP}


def test_uninitialised_database(tmp_path: Path) -> None:
    from app.db.connection import memory_database

    headers, rows = sample(memory_database(), "rates")
    with pytest.raises(SheetError, match="尚未初始化"):
        load_sheet(memory_database(), "rates", write_sheet(tmp_path / "r.csv", headers, rows))


def test_unknown_kind(tmp_path: Path, db: Database) -> None:
    with pytest.raises(SheetError, match="未知的表格类型"):
        load_sheet(db, "people", tmp_path / "x.csv")


def test_write_failure_rolls_everything_back(
    tmp_path: Path, seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.sheets import KINDS

    headers, rows = sample(seeded, "scores")
    path = write_sheet(tmp_path / "s.csv", headers, rows)
    kind = KINDS["scores"]
    original = kind.write

    def broken(ctx, plan):  # type: ignore[no-untyped-def]
        original(ctx, plan)  # writes assessments, scores and the year ...
        seeded.execute(
            "INSERT INTO village_scores (village_code, year, indicator, score_tenths) "
            "VALUES ('nope', 1, 'x', -1)"
        )  # ... then fails

    monkeypatch.setattr(kind, "write", broken)
    before = snapshot(seeded)
    with pytest.raises(SheetError, match="写入数据库时出错"):
        load_sheet(seeded, "scores", path)
    assert snapshot(seeded) == before
