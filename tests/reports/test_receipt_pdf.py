"""The county's import receipt printed (上报文件导入回执), from a real import of demo township
files into a county database, read back with poppler."""

import copy
import re
import shutil
import subprocess
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.db.connection import memory_database
from app.db.store import initialise, require_identity
from app.demo.county_files import township_files
from app.domain.periods import Quarter
from app.exchange.merge import MAX_REFUSED_LISTED, TABLE_NAMES, import_files
from app.exchange.receipt import receipt_document, write_receipt
from app.reports.pdf.receipt import build_receipt_pdf

pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils not installed",
)

CST = timezone(timedelta(hours=8))
QUARTER = Quarter(2026, 3)
COUNTS = ("new", "updated", "unchanged", "deleted", "refused")


@pytest.fixture(scope="module")
def doc(tmp_path_factory) -> dict:
    """Two townships imported, then the first file once more (refused: the same file)."""
    folder = tmp_path_factory.mktemp("county-files")
    files = township_files(
        folder,
        2,
        quarter=QUARTER,
        today=date(2026, 11, 28),
        now=datetime(2026, 11, 28, 9, tzinfo=CST),
    )
    db = memory_database()
    initialise(db, county_code="612701", county_name="安川县")
    at = datetime(2026, 11, 30, 15, 20, 5, tzinfo=CST)
    receipts = import_files(db, files, now=lambda: at)
    receipts += import_files(db, files[:1], now=lambda: at)
    return receipt_document(require_identity(db), receipts, now=at)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("receipt")


@pytest.fixture(scope="module")
def pdf(doc, out) -> Path:
    return build_receipt_pdf(doc, out / "receipt.pdf")


def text_of(pdf: Path, layout: bool = True) -> str:
    """The whole text, without whitespace (cells and wrapped lines run together); not
    ``layout``: in reading order, a wrapped cell's lines one after the other."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    raw = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", raw)


def n_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def assert_only_embedded_truetype(pdf: Path) -> None:
    lines = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert lines
    for line in lines:
        row = line.split()
        assert row[1] == "TrueType" and row[-5] == "yes", line  # type, emb


def assert_inside_the_page(pdf: Path) -> None:
    """No word runs past the right margin (long names wrap)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', html).group(1))
    right = [float(x) for x in re.findall(r'xMax="([\d.]+)"', html)]
    assert right and max(right) <= width - 20  # A4 is 595 pt; the margin is 28 pt


def test_the_data_is_a_real_import(doc):
    assert doc["files"] == 3 and doc["imported"] == 2 and doc["refused"] == 1
    first, second, again = doc["receipts"]
    assert first["imported"] and second["imported"] and not again["imported"]
    assert first["rows"]["new"] > 1000 and first["key_registered"] == "首次导入"
    assert "导入过" in again["message"]


def test_receipt_shows_each_file_and_its_counts(doc, pdf):
    text = text_of(pdf)
    assert "安川县上报文件导入回执" in text and "安川县（612701）" in text
    assert "导入时间：2026-11-3015:20:05" in text
    assert "文件3个：导入2个，拒绝1个" in text
    assert "期间：2026年第3季度" in text
    for r in doc["receipts"]:
        assert r["file"] in text
        assert f"{r['township_name']}（{r['township_code']}）" in text
        assert "2026年第3季度" in text
    for r in doc["receipts"][:2]:
        total = "".join(f"{r['rows'][k]:,}" for k in COUNTS)
        assert f"合计{total}" in text  # the 新增 total first
        att = r["tables"]["attendance"]
        assert f"{TABLE_NAMES['attendance']}{att['new']:,}" in text
        assert f"已导入（{r['imported_at'][:10]}" in text
    assert doc["receipts"][0]["rows"]["new"] != doc["receipts"][1]["rows"]["new"]
    assert text.count("首次导入，已登记该乡镇的签名公钥") == 2
    assert "数据新增更新不变删除拒绝" in text
    # only tables with rows: the demo makes no subsidy adjustments
    assert not any(doc["receipts"][0]["tables"]["subsidy_adjustments"].values())
    assert TABLE_NAMES["subsidy_adjustments"] not in text


def test_refused_file_says_why(doc, pdf):
    text = text_of(pdf)
    refused = doc["receipts"][2]
    assert "已拒绝，数据库未改动。原因：" in text
    assert re.sub(r"\s+", "", refused["message"]) in text
    assert text.count("已拒绝") == 3  # the overview, the heading and the result of the third file


def test_signatures_fonts_and_margins(pdf):
    text = text_of(pdf)
    assert text.index("经办人（签字）") > text.index("已拒绝，数据库未改动")
    assert "审核人（签字）" in text and "日期：" in text
    assert_only_embedded_truetype(pdf)
    assert_inside_the_page(pdf)
    assert n_pages(pdf) <= 3


def test_long_names_wrap_and_refused_rows_are_cut_short(doc, out):
    long = copy.deepcopy(doc["receipts"][0])
    long["file"] = "青石镇-2026Q3-" + "a_very_long_file_name_without_spaces_" * 5 + "终稿.zip"
    long["replaced_file"] = "青石镇-2026Q2-" + "an_older_file_" * 8 + ".zip"
    long["key_registered"] = "人工确认更换"
    long["refused_rows"] = [
        ["villages", f"612702101{i:03d}", "村代码 612702101201 不属于乡镇 612701101"]
        for i in range(MAX_REFUSED_LISTED + 13)
    ]
    long["tables"]["villages"]["refused"] = len(long["refused_rows"])
    unread = dict(
        copy.deepcopy(doc["receipts"][2]),
        file="上报文件_" + "x" * 150 + ".zip",
        township_code="",
        township_name="",
        period="",
        created_at="",
        message="不是有效的上报文件（压缩包已损坏）",
    )
    pdf = build_receipt_pdf(dict(doc, receipts=[long, unread]), out / "long.pdf")
    text = text_of(pdf, layout=False)
    assert long["file"] in text and long["replaced_file"] in text and unread["file"] in text
    assert "经人工确认，已更换为新的签名公钥" in text
    assert f"拒绝的行（{MAX_REFUSED_LISTED + 13}行）" in text
    assert "612702101049" in text and "612702101050" not in text
    assert "另有13行，从略。" in text
    assert "乡镇不明" in text and "不是有效的上报文件（压缩包已损坏）" in text
    assert_inside_the_page(pdf)
    assert_only_embedded_truetype(pdf)


def test_twenty_files_print_quickly(doc, out):
    receipts = [copy.deepcopy(doc["receipts"][i % 3]) for i in range(20)]
    started = time.perf_counter()
    pdf = build_receipt_pdf(dict(doc, receipts=receipts, files=20), out / "twenty.pdf")
    assert time.perf_counter() - started < 10
    text = text_of(pdf)
    assert text.count("合计") == 14
    assert f"20.{receipts[19]['township_name']}" in text
    assert 8 <= n_pages(pdf) <= 20


def test_write_receipt_prints_a_pdf(doc, out):
    target = write_receipt(doc, out / "回执.pdf")
    assert target == out / "回执.pdf"
    assert target.read_bytes()[:5] == b"%PDF-"
    assert "安川县上报文件导入回执" in text_of(target)
