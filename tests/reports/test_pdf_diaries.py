"""民情日记 printed: any length of text prints, running on over pages (a 3,000-character
field once stopped the print with reportlab's "too large on page")."""

import shutil
import subprocess

import pytest

from app.reports.pdf.diaries import CHUNK_CHARS, build_diaries_pdf, text_chunks

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils not installed"
)
SENTENCE = "群众反映村里道路年久失修，雨天泥泞难行，希望尽快硬化。"


def entry(day, **fields):
    base = {"day": day, "cadre_no": "GB001", "cadre_name": "王建国", "village_name": "东坡村"}
    base |= {"place": "村委会", "people": "张三", "situation": "入户走访"}
    return base | {"eval_grade": "优秀", "evaluator": "李书记"} | fields


def data(*entries):
    return {
        "title": "民情日记",
        "township": "蒲城县东坡镇",
        "period": "2026年5月",
        "filters": "干部：全部；村：全部",
        "entries": list(entries),
    }


@pytest.mark.parametrize(
    "text",
    [
        (SENTENCE * 400)[:10_000],
        "x" * 10_000,  # no place to cut but the limit
        "\n".join(["一行"] * 500),  # many short lines
        "",
    ],
)
def test_text_is_cut_into_rows_shorter_than_a_page_losing_nothing(text):
    chunks = text_chunks(text)
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")
    assert all(len(c.replace("\n", "")) <= CHUNK_CHARS for c in chunks)
    assert all(c.count("\n") < 12 for c in chunks)


def test_a_long_line_is_cut_after_a_sentence():
    chunks = text_chunks(SENTENCE * 40)
    assert len(chunks) > 1 and all(c.endswith("。") for c in chunks)


@needs_poppler
def test_a_field_of_ten_thousand_characters_runs_on_over_pages(tmp_path):
    long = (SENTENCE * 400)[:9_990] + "（全文完）"
    assert len(long) > 9_990
    out = build_diaries_pdf(
        data(
            entry("2026-05-04", situation=long, difficulties="x" * 10_000),
            entry("2026-05-05", situation="短的一篇", requests="修水渠"),
        ),
        tmp_path / "日记.pdf",
    )
    pages = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    text = "".join(pages)
    assert len([p for p in pages if p.strip()]) >= 5
    assert "全文完" in text and "短的一篇" in text and "修水渠" in text
    assert text.count("基本情况") == 2  # the label once per entry, not on every row
    assert text.index("全文完") < text.index("2026-05-05")  # the next entry after it
