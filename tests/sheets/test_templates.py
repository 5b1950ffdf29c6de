"""Templates: the right headers; filled in and loaded back; scores follow the year's template."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlite_utils import Database

from app.db.store import save_template, template_for_year
from app.domain.assessment import Band, Indicator, Template
from app.sheets import KINDS, SheetError, load_sheet, template_columns, write_template

from .conftest import HEADERS, V1, sample


@pytest.mark.parametrize("kind", list(KINDS))
def test_xlsx_template_round_trip(tmp_path: Path, seeded: Database, kind: str) -> None:
    path = write_template(seeded, kind, tmp_path / f"{kind}.xlsx", year=2026)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    expected, rows = sample(seeded, kind)
    assert headers == expected
    assert wb.sheetnames[1] == "填写说明"
    for i, header in enumerate(headers, start=1):
        ws.cell(row=2, column=i, value=rows[0][expected.index(header)] or None)
    wb.save(path)
    result = load_sheet(seeded, kind, path)
    assert (result.new, result.updated, result.unchanged) == (1, 0, 0)


@pytest.mark.parametrize("kind", list(KINDS))
def test_csv_template_round_trip(tmp_path: Path, seeded: Database, kind: str) -> None:
    path = write_template(seeded, kind, tmp_path / f"{kind}.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    expected, rows = sample(seeded, kind)
    assert raw.decode("utf-8-sig").strip() == ",".join(expected)
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(rows[1])
    assert load_sheet(seeded, kind, path).new == 1


def test_key_columns_are_marked_in_the_template(tmp_path: Path, db: Database) -> None:
    path = write_template(db, "assignments", tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(path).worksheets[0]
    shaded = [c.value for c in ws[1] if c.fill.fgColor.rgb not in (None, "00000000")]
    assert shaded == ["干部编号", "村代码", "岗位", "开始日期"]
    notes = openpyxl.load_workbook(path)["填写说明"]
    text = "\n".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
    assert "驻村干部/兼职书记/兼职第一书记" in text


def test_scores_template_has_the_years_indicators(tmp_path: Path, db: Database) -> None:
    default_id, default = template_for_year(db, 2026)
    db["assessment_years"].insert({"year": 2026, "template_id": default_id})
    custom = Template(
        "简化指标",
        2,
        (
            Indicator("生产发展", "产业发展", 500),
            Indicator("管理民主", "班子建设", 500),
        ),
        (Band("一类", 900), Band("二类", 800), Band("三类", 600), Band("四类", 0)),
    )
    tid = save_template(db, custom)
    db["assessment_years"].insert({"year": 2027, "template_id": tid})

    def headers(year: int, suffix: str) -> list[str]:
        path = write_template(db, "scores", tmp_path / f"s{year}{suffix}", year=year)
        if suffix == ".csv":
            return path.read_text(encoding="utf-8-sig").strip().split(",")
        return [c.value for c in openpyxl.load_workbook(path).worksheets[0][1]]

    for suffix in (".xlsx", ".csv"):
        assert headers(2027, suffix) == ["村代码", "年度", "考核人", "产业发展", "班子建设"]
        assert headers(2026, suffix)[3:] == [i.name for i in default.indicators]
    assert [c.header for c in template_columns(db, "scores", 2027)][3:] == ["产业发展", "班子建设"]
    this_year = template_for_year(db, date.today().year)[1]
    assert [c.header for c in template_columns(db, "scores")][3:] == [
        i.name for i in this_year.indicators
    ]


def test_scores_are_checked_against_the_years_template(tmp_path: Path, seeded: Database) -> None:
    seeded["assessment_years"].insert(
        {"year": 2026, "template_id": template_for_year(seeded, 2026)[0]}
    )
    custom = Template(
        "简化指标",
        2,
        (
            Indicator("生产发展", "产业发展", 500),
            Indicator("管理民主", "班子建设", 500),
        ),
        (Band("一类", 900), Band("二类", 800), Band("三类", 600), Band("四类", 0)),
    )
    tid = save_template(seeded, custom)
    seeded["assessment_years"].insert({"year": 2027, "template_id": tid})
    path = write_template(seeded, "scores", tmp_path / "s.xlsx", year=2027)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws.append([V1, 2027, "考核组", 46, 45.5])
    wb.save(path)
    load_sheet(seeded, "scores", path)
    assert seeded.execute(
        "SELECT total_tenths, grade, template_id FROM village_assessments"
    ).fetchall() == [(915, "一类", tid)]

    # the 2026 default template's columns do not fit a 2027 row
    headers, rows = sample(seeded, "scores")
    wrong = tmp_path / "wrong.csv"
    with wrong.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([headers, [V1, "2027", "", *rows[0][3:]]])
    with pytest.raises(SheetError) as info:
        load_sheet(seeded, "scores", wrong)
    columns = {p.column for p in info.value.problems}
    assert {"产业发展", "班子建设"} <= columns  # missing for 2027
    assert headers[3] in columns  # filled in but not an indicator of 2027


def test_template_refuses_other_suffixes(tmp_path: Path, db: Database) -> None:
    with pytest.raises(SheetError, match=r"\.xlsx 或 \.csv"):
        write_template(db, "villages", tmp_path / "v.pdf")


def test_headers_match_the_contract(db: Database) -> None:
    for kind, headers in HEADERS.items():
        assert [c.header for c in template_columns(db, kind)] == headers
