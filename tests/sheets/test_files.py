"""Files that are not sheets, odd encodings, Excel cell types: clear errors, bounded memory."""

from __future__ import annotations

import os
import tracemalloc
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlite_utils import Database

from app.sheets import SheetError, load_sheet, read_sheet

from .conftest import HEADERS, V1, sample, snapshot, write_csv, write_xlsx

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
MB = 1024 * 1024


def _refused(db: Database, kind: str, path: Path, *fragments: str) -> str:
    before = snapshot(db)
    with pytest.raises(SheetError) as info:
        load_sheet(db, kind, path)
    assert snapshot(db) == before
    message = str(info.value)
    assert "Traceback" not in message
    assert message.startswith(path.name)
    for fragment in fragments:
        assert fragment in message
    return message


def _random_file(path: Path, size: int) -> Path:
    with path.open("wb") as f:
        for _ in range(size // MB):
            f.write(os.urandom(MB))
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_empty_file(tmp_path: Path, db: Database, suffix: str) -> None:
    path = tmp_path / f"villages{suffix}"
    path.write_bytes(b"")
    _refused(db, "villages", path, "空")


def test_png_named_xlsx(tmp_path: Path, db: Database) -> None:
    path = tmp_path / "villages.xlsx"
    path.write_bytes(PNG)
    _refused(db, "villages", path, "不是 Excel 工作簿")


def test_zip_that_is_not_a_workbook(tmp_path: Path, db: Database) -> None:
    path = tmp_path / "villages.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    _refused(db, "villages", path, "不是 Excel 工作簿")


def test_damaged_workbook(tmp_path: Path, db: Database) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", HEADERS["villages"], [])
    path = tmp_path / "villages.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, b"<broken" if item.filename.endswith("workbook.xml") else data)
    _refused(db, "villages", path, "无法打开")


def test_binary_named_csv(tmp_path: Path, db: Database) -> None:
    path = tmp_path / "villages.csv"
    path.write_bytes(b"\x00\x01\x02binary\x00" * 100)
    _refused(db, "villages", path, "不是文本格式的 CSV 文件")


def test_workbook_named_csv_and_old_xls(tmp_path: Path, db: Database) -> None:
    book = write_xlsx(tmp_path / "v.xlsx", HEADERS["villages"], [])
    path = tmp_path / "villages.csv"
    path.write_bytes(book.read_bytes())
    _refused(db, "villages", path, "改为 .xlsx")
    old = tmp_path / "villages.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    _refused(db, "villages", old, ".xls", "另存为 .xlsx")


@pytest.mark.parametrize("name", ["villages.txt", "villages", "villages.ods"])
def test_unsupported_suffix(tmp_path: Path, db: Database, name: str) -> None:
    path = tmp_path / name
    path.write_text("村代码\n", encoding="utf-8")
    _refused(db, "villages", path, "不支持的文件类型")


def test_missing_file(tmp_path: Path, db: Database) -> None:
    _refused(db, "villages", tmp_path / "nowhere.csv", "文件不存在")


def test_undecodable_csv(tmp_path: Path, db: Database) -> None:
    path = tmp_path / "villages.csv"
    path.write_bytes(b"\x81\xff\xfe\x80," * 50 + b"\n")
    _refused(db, "villages", path, "无法识别文件编码")


def test_utf16_csv(tmp_path: Path, db: Database) -> None:
    path = tmp_path / "villages.csv"
    path.write_bytes(",".join(HEADERS["villages"]).encode("utf-16"))
    _refused(db, "villages", path, "UTF-16")


def test_long_gb18030_file(tmp_path: Path, seeded: Database) -> None:
    headers = HEADERS["households"]
    rows = [[f"H{i:05d}", V1, "一组", f"户主{i}", "", "", "", "", "", ""] for i in range(3000)]
    path = write_csv(tmp_path / "h.csv", headers, rows, encoding="gb18030")
    assert path.stat().st_size > 64 * 1024
    assert load_sheet(seeded, "households", path).new == 3000


def test_mixed_encodings_past_the_first_block(tmp_path: Path, seeded: Database) -> None:
    """UTF-8 for the first 64 KB, then a row saved in GBK: refused plainly."""
    headers = HEADERS["households"]
    rows = [[f"H{i:05d}", V1, "", "x" * 20, "", "", "", "", "", ""] for i in range(3000)]
    path = write_csv(tmp_path / "h.csv", headers, rows, encoding="utf-8")
    with path.open("ab") as f:
        f.write(f"H99999,{V1},,张三,,,,,,\r\n".encode("gbk"))
    _refused(seeded, "households", path, "无法识别文件编码")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_fifty_megabytes_of_random_bytes(tmp_path: Path, db: Database, suffix: str) -> None:
    path = _random_file(tmp_path / f"villages{suffix}", 50 * MB)
    tracemalloc.start()
    try:
        with pytest.raises(SheetError) as info:
            load_sheet(db, "villages", path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30 * MB
    message = str(info.value)
    assert "不是" in message or "无法识别" in message


def test_huge_text_without_line_breaks(tmp_path: Path, db: Database) -> None:
    path = tmp_path / "villages.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("村代码,")
        for _ in range(50):
            f.write("村" * (MB // 3))
    tracemalloc.start()
    try:
        with pytest.raises(SheetError) as info:
            load_sheet(db, "villages", path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30 * MB
    assert "不是正常的表格文件" in str(info.value)


def test_huge_csv_with_a_wrong_header_stops_at_the_header(tmp_path: Path, db: Database) -> None:
    path = tmp_path / "villages.csv"
    line = ("1," * 9 + "1\n").encode()
    with path.open("wb") as f:
        f.write("姓名,年龄\n".encode())
        f.write(line * (50 * MB // len(line)))
    tracemalloc.start()
    try:
        with pytest.raises(SheetError) as info:
            load_sheet(db, "villages", path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * MB
    assert "不是「村情档案」表的列" in str(info.value)


def test_excel_cell_types(tmp_path: Path, seeded: Database) -> None:
    """Date cells, numbers for codes and money, integer years, float scores."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS["attendance"])
    ws.append(["GB001", date(2026, 3, 2), int(V1), "在村", None])
    ws.append(["GB001", datetime(2026, 3, 3, 0, 0), float(V1), "在村", 12])
    ws.append([None] * 5)  # an empty row in between is skipped
    ws.append(["GB002", "2026-03-04", None, "缺勤", True])
    for _ in range(20):
        ws.append([None, None, None, None, None])  # empty trailing rows are ignored
    path = tmp_path / "a.xlsx"
    wb.save(path)
    rows = read_sheet(path)
    assert [n for n, _ in rows] == [2, 3, 5]
    assert rows[0][1]["日期"] == date(2026, 3, 2)
    assert rows[1][1]["村代码"] == V1
    assert load_sheet(seeded, "attendance", path).new == 3
    assert seeded.execute(
        "SELECT day, village_code, note FROM attendance ORDER BY day"
    ).fetchall() == [("2026-03-02", V1, None), ("2026-03-03", V1, "12"), ("2026-03-04", None, "是")]

    wb = openpyxl.Workbook()
    ws = wb.active
    headers, rows_ = sample(seeded, "rates")
    ws.append(headers)
    ws.append(["生活补助", date(2026, 1, 1), 6.05])
    ws.append(["交通通讯补助", date(2026, 1, 1), 40])
    wb.save(tmp_path / "r.xlsx")
    load_sheet(seeded, "rates", tmp_path / "r.xlsx")
    assert seeded.execute(
        "SELECT amount_fen FROM subsidy_rates ORDER BY amount_fen"
    ).fetchall() == [(605,), (4000,)]


def test_excel_date_serial_as_text_gets_a_hint(tmp_path: Path, seeded: Database) -> None:
    headers, rows = sample(seeded, "checks")
    rows[0][1] = "46083"
    _refused(seeded, "checks", write_csv(tmp_path / "c.csv", headers, rows), "日期序号")


def test_whitespace_and_full_width_digits(tmp_path: Path, seeded: Database) -> None:
    headers = [f" {h}\u3000" for h in HEADERS["rates"]]
    rows = [["\u00a0生活补助 ", "２０２６－０１－０１", " 6.00 "]]
    load_sheet(seeded, "rates", write_csv(tmp_path / "r.csv", headers, rows, "utf-8-sig"))
    assert seeded.execute(
        "SELECT kind, effective_from, amount_fen FROM subsidy_rates"
    ).fetchall() == [("生活补助", "2026-01-01", 600)]


def test_tab_separated_file_named_csv(tmp_path: Path, seeded: Database) -> None:
    path = tmp_path / "r.csv"
    text = "\t".join(HEADERS["rates"]) + "\n生活补助\t2026-01-01\t6\n"
    path.write_bytes(text.encode("gb18030"))
    assert load_sheet(seeded, "rates", path).new == 1


def test_quoted_cells_with_line_breaks_keep_excel_row_numbers(
    tmp_path: Path, seeded: Database
) -> None:
    headers, rows = sample(seeded, "checks")
    rows[0][5] = "第一行\n第二行"
    rows[1][1] = "2026-02-30"
    path = write_csv(tmp_path / "c.csv", headers, rows)
    _refused(seeded, "checks", path, "c.csv 第 3 行「日期」")


def test_empty_header_cell_between_columns(tmp_path: Path, db: Database) -> None:
    headers = ["补助类别", "", "起始日期", "标准"]
    _refused(db, "rates", write_csv(tmp_path / "r.csv", headers, []), "第 B 列的表头是空的")


def test_first_row_blank(tmp_path: Path, db: Database) -> None:
    path = tmp_path / "r.csv"
    path.write_text("\n补助类别,起始日期,标准\n", encoding="utf-8")
    _refused(db, "rates", path, "表头")
