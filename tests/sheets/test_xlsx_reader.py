"""The xlsx reader on workbooks as Excel and WPS write them (shared strings, styles, dates)."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from app.sheets import SheetError, load_sheet, read_sheet

from .conftest import HEADERS, V1

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _book(
    path: Path,
    sheet_rows: str,
    shared: list[str],
    *,
    date1904: bool = False,
    first_sheet: str = "worksheet",
    sheet_xml: str | None = None,
) -> Path:
    """A workbook written by hand, the way Excel does (shared strings, cell styles)."""
    si = "".join(f"<si>{s}</si>" for s in shared)
    styles = (
        f'<styleSheet xmlns="{NS}"><numFmts count="1">'
        '<numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
        '</numFmts><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/>'
        '<xf numFmtId="176"/><xf numFmtId="31"/><xf numFmtId="4"/></cellXfs></styleSheet>'
    )
    pr = '<workbookPr date1904="1"/>' if date1904 else ""
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{NS}" xmlns:r="{REL}">{pr}<sheets>'
        '<sheet name="表" sheetId="1" r:id="rId3"/>'
        '<sheet name="二" sheetId="2" r:id="rId4"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/styles" Target="/xl/styles.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/{first_sheet}" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId4" Type="{REL}/worksheet" Target="worksheets/sheet2.xml"/>'
        "</Relationships>",
        "xl/sharedStrings.xml": f'<sst xmlns="{NS}">{si}</sst>',
        "xl/styles.xml": styles,
        "xl/worksheets/sheet1.xml": sheet_xml
        or f'<worksheet xmlns="{NS}"><sheetData>{sheet_rows}</sheetData><mergeCells/></worksheet>',
        "xl/worksheets/sheet2.xml": f'<worksheet xmlns="{NS}"><sheetData/></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return path


def _s(i: int, ref: str, style: int | None = None) -> str:
    s = f' s="{style}"' if style is not None else ""
    return f'<c r="{ref}" t="s"{s}><v>{i}</v></c>'


def _n(value: str, ref: str | None, style: int | None = None) -> str:
    r = f' r="{ref}"' if ref else ""
    s = f' s="{style}"' if style is not None else ""
    return f"<c{r}{s}><v>{value}</v></c>"


def test_excel_style_workbook(tmp_path: Path, seeded: Database) -> None:
    shared = [f"<t>{h}</t>" for h in HEADERS["attendance"]]
    shared += [
        "<t>GB001</t>",
        "<r><t>在</t></r><r><rPr><b/></rPr><t>村</t></r><rPh><t>zai</t></rPh>",
        '<t xml:space="preserve">  备注  </t>',
    ]
    header = "".join(_s(i, f"{c}1") for i, c in enumerate("ABCDE"))
    rows = [
        f'<row r="1">{header}</row>',
        # a date cell (built-in format 14), the village code as a number, rich text, a note
        f'<row r="2">{_s(5, "A2")}{_n("46083", "B2", 1)}{_n(V1, "C2")}{_s(6, "D2")}{_s(7, "E2")}</row>',
        # Chinese long date (custom 年月日), no r attributes on the cells
        f'<row r="4">{_s(5, "A4")}{_n("46084", None, 2)}<c/>{_s(6, "D4")}</row>',
        # built-in 31 (yyyy"年"m"月"d"日" in Chinese Excel), inline string, formula string
        f'<row r="5">{_s(5, "A5")}{_n("46085", "B5", 3)}'
        '<c r="D5" t="inlineStr"><is><t>在村</t></is></c>'
        '<c r="E5" t="str"><f>A1</f><v>公式</v></c></row>',
        '<row r="9"><c r="A9" s="4"/></row>',  # a styled empty row: ignored
    ]
    path = _book(tmp_path / "a.xlsx", "".join(rows), shared)
    read = read_sheet(path)
    assert [n for n, _ in read] == [2, 4, 5]
    first = read[0][1]
    assert first == {
        "干部编号": "GB001",
        "日期": date(2026, 3, 2),
        "村代码": V1,
        "类别": "在村",
        "备注": "备注",
    }
    assert read[1][1]["日期"] == date(2026, 3, 3)
    assert read[2][1]["日期"] == date(2026, 3, 4)
    assert read[2][1]["备注"] == "公式"
    assert load_sheet(seeded, "attendance", path).new == 3


def test_1904_date_system(tmp_path: Path) -> None:
    shared = [f"<t>{h}</t>" for h in HEADERS["rates"]] + ["<t>生活补助</t>"]
    rows = (
        f'<row r="1">{"".join(_s(i, f"{c}1") for i, c in enumerate("ABC"))}</row>'
        f'<row r="2">{_s(3, "A2")}{_n("44621", "B2", 1)}{_n("6.0499999999999998", "C2", 4)}</row>'
    )
    read = read_sheet(_book(tmp_path / "r.xlsx", rows, shared, date1904=True))
    assert read[0][1] == {"补助类别": "生活补助", "起始日期": date(2026, 3, 2), "标准": "6.05"}


def test_header_not_on_the_first_row(tmp_path: Path) -> None:
    shared = [f"<t>{h}</t>" for h in HEADERS["rates"]]
    rows = f'<row r="3">{"".join(_s(i, f"{c}3") for i, c in enumerate("ABC"))}</row>'
    with pytest.raises(SheetError, match="第一行应为列名"):
        read_sheet(_book(tmp_path / "r.xlsx", rows, shared))


def test_first_sheet_is_a_chart(tmp_path: Path) -> None:
    with pytest.raises(SheetError, match="图表"):
        read_sheet(_book(tmp_path / "r.xlsx", "", [], first_sheet="chartsheet"))


def test_broken_sheet_xml(tmp_path: Path) -> None:
    path = _book(tmp_path / "r.xlsx", '<row r="1"><c r="A1" t="s"><v>0</v></row>', ["<t>x</t>"])
    with pytest.raises(SheetError, match="损坏"):
        read_sheet(path)


def test_shared_string_out_of_range(tmp_path: Path) -> None:
    path = _book(tmp_path / "r.xlsx", '<row r="1"><c r="A1" t="s"><v>7</v></c></row>', [])
    with pytest.raises(SheetError, match="损坏"):
        read_sheet(path)


def test_cell_beyond_the_last_excel_column(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "r.xlsx", '<row r="1"><c r="ZZZZ1" t="s"><v>0</v></c></row>', ["<t>x</t>"]
    )
    with pytest.raises(SheetError, match="列范围"):
        read_sheet(path)


def test_sheet_with_a_dtd_is_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
        "<is><t>&lol;</t></is></c></row></sheetData></worksheet>"
    )
    with pytest.raises(SheetError, match="DTD"):
        read_sheet(_book(tmp_path / "r.xlsx", "", [], sheet_xml=bomb))
