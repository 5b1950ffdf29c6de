"""The shared A4 machinery, and the two prints on data that stress it (many rows, 28 days)."""

import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest

from app.reports.pdf.attendance import build_attendance_pdf
from app.reports.pdf.layout import Column, Document, PageSpec, _chunks
from app.reports.pdf.subsidy import build_subsidy_pdf

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils not installed"
)


def pages_text(pdf) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [p for p in out.split("\f") if p.strip()]


@pytest.mark.parametrize("n", [0, 1, 5, 29, 30, 31, 100, 269])
def test_chunks_cover_every_row_once_with_the_footer_last(n):
    chunks = list(_chunks(n, 15, 22, 80, 400, 480))
    assert chunks[-1][2] is True and not any(final for *_, final in chunks[:-1])
    covered = [i for first, last, _ in chunks for i in range(first, last)]
    assert covered == list(range(n))
    for first, last, final in chunks:
        rows = last - first
        assert 22 + rows * 15 + (80 if final else 0) <= 480
        if n:
            assert rows >= 1


def test_chunks_start_a_new_page_when_the_first_is_full():
    chunks = list(_chunks(10, 15, 22, 0, 20, 480))
    assert chunks[0] == (None, None, False) and chunks[1] == (0, 10, True)


def attendance_data(cadres: int, year=2027, month=2) -> dict:
    first = date(year, month, 1)
    days = [first + timedelta(d) for d in range(31) if (first + timedelta(d)).month == month]
    lines = []
    for i in range(cadres):
        marks = {d.isoformat(): "在村" for d in days if (d.day + i) % 3}
        marks[days[i % len(days)].isoformat()] = "缺勤"
        present = sum(1 for k in marks.values() if k == "在村")
        met = present >= 18
        lines.append(
            {
                "cadre_no": f"GB{i + 1:03d}",
                "name": "阿卜杜热合曼·买买提" if i == 3 else f"干部{i + 1}",
                "role": "兼职第一书记" if i % 2 else "驻村干部",
                "days": marks,
                "present_days": present,
                "leave_days": 0,
                "absent_days": 1,
                "requirement": "本月≥18天",
                "met": met,
                "status": "达标" if met else "未达标",
                "shortfalls": [] if met else [f"{month}月：在村{present}天，应至少18天"],
            }
        )
    return {
        "month": f"{year}-{month:02d}",
        "township": "安川县青石镇",
        "cadres": lines,
        "totals": {"cadres": cadres, "met": sum(1 for x in lines if x["met"])},
    }


@needs_poppler
def test_many_cadres_one_table_per_page_header_on_each(tmp_path):
    data = attendance_data(269)
    pdf = build_attendance_pdf(data, tmp_path / "a.pdf", printed_on=date(2027, 3, 2))
    pages = pages_text(pdf)
    assert len(pages) >= 8
    for n, page in enumerate(pages, start=1):
        assert "安川县青石镇 2027年2月驻村干部考勤表" in page
        assert "编号" in page and "是否达标" in page  # the header repeated
        flat = re.sub(r"\s+", "", page)
        assert f"第{n}页共{len(pages)}页" in flat
        assert "打印日期：2027年3月2日" in flat
    text = "\f".join(pages)
    for line in data["cadres"]:
        assert text.count(f"{line['cadre_no']} ") >= 1
    assert "分管领导：" in pages[-1] and "分管领导：" not in "".join(pages[:-1])
    assert "合计" in pages[-1]
    # February 2027 has 28 days: the last day header is 28, never 29
    day_header = next(ln.split() for ln in pages[0].splitlines() if ln.split()[:2] == ["1", "2"])
    assert day_header == [str(d) for d in range(1, 29)]


def test_signature_line_and_sign_column():
    doc = Document(PageSpec(title="测试"))
    line = doc.signature_line()
    w, h = line.wrap(doc.frame_width, 100)
    assert w <= doc.frame_width + 0.01 and h > 20
    story = doc.grid(
        [Column("姓名", 100), Column("领款人签字", 200, sign=True)], [["张三", ""]] * 50
    )
    tables = [f for f in story if f.__class__.__name__ == "Table"]
    assert len(tables) >= 2  # 50 rows tall enough to sign in need more than one page
    assert all(h >= 20 for h in tables[0]._rowHeights[1:])


@needs_poppler
def test_subsidy_pdf_with_a_long_note_and_approval(tmp_path):
    data = {
        "township": "安川县青石镇",
        "month": "2026-09",
        "status": "approved",
        "approved_by": "李主任",
        "total": "1000000.00",
        "total_capital": "壹佰万元整",
        "lines": [
            {
                "cadre_no": "GB001",
                "name": "王建国",
                "present_days": 20,
                "living": "999960.00",
                "transport": "40.00",
                "adjustment": "0.00",
                "total": "1000000.00",
                "notes": ["补发 2026-07", "扣回 2026-08", "补发 2026-06"],
            }
        ],
    }
    pages = pages_text(build_subsidy_pdf(data, tmp_path / "s.pdf"))
    assert len(pages) == 1
    assert "已审批" in pages[0] and "审批人：李主任" in pages[0]
    assert "壹佰万元整" in pages[0] and "1000000.00" in pages[0]
