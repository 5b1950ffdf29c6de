"""Reading a register sheet: ``.xlsx`` (first worksheet) or ``.csv`` (UTF-8, BOM, GB18030).

The header row is read and checked first; only then is the rest streamed, so a file that
is not a sheet at all (random bytes, a picture renamed) is refused quickly with bounded
memory. Cells come out stripped, blank → None, Excel dates as ``date``, numbers as text
(``610526100201.0`` → ``"610526100201"``, ``6.05`` → ``"6.05"``, never a float).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from xml.etree.ElementTree import ParseError

from app.sheets.errors import BadCell, Problem, SheetError
from app.sheets.xlsx import Workbook, XlsxError

Cell = str | date | None
Row = tuple[int, dict[str, object]]
#: Checks the header names (in sheet order, stripped); returns the problems found.
HeaderCheck = Callable[[list[str]], list[Problem]]

SUFFIXES = (".xlsx", ".csv")
_STRIP = " \t\r\n\u3000\u00a0\ufeff\u200b"
_SNIFF_BYTES = 64 * 1024
_MAX_LINE_CHARS = 1_000_000
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCODINGS = ("utf-8-sig", "gb18030")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as Excel names columns)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def normalise_cell(value: object) -> Cell:
    """A cell as the loader sees it: stripped text, ``date``, or None for blank."""
    if value is None:
        return None
    if isinstance(value, BadCell):
        return value  # type: ignore[return-value]
    if isinstance(value, str):
        text = value.strip(_STRIP)
        return text or None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    text = str(value).strip(_STRIP)
    return text or None


# ---- raw rows from the two formats -------------------------------------------------------


def _fail(path: Path, reason: str, row: int | None = None) -> SheetError:
    return SheetError.single(path, reason, row=row)


@contextmanager
def _xlsx_rows(path: Path) -> Iterator[Iterator[tuple[int, list[object]]]]:
    with path.open("rb") as f:
        magic = f.read(8)
    if magic.startswith(_OLE_MAGIC):
        raise _fail(
            path,
            "这是旧版 Excel（.xls）或加密的工作簿，请在 Excel 或 WPS 中另存为 .xlsx（不加密码）后再导入",
        )
    if not magic.startswith(_ZIP_MAGIC) or not zipfile.is_zipfile(path):
        raise _fail(
            path,
            "不是 Excel 工作簿（.xlsx）文件，无法读取。请用 Excel 或 WPS 打开后另存为 .xlsx，或另存为 CSV",
        )
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as e:
        raise _fail(path, f"文件已损坏，不是有效的 .xlsx 工作簿（{e}）") from None
    with z:
        names = set(z.namelist())
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise _fail(path, "这是一个压缩包，但不是 Excel 工作簿（.xlsx），无法读取")
        try:
            book = Workbook(z)
        except XlsxError as e:
            raise _fail(path, f"工作簿无法打开：{e}") from None
        except (
            zipfile.BadZipFile,
            EOFError,
            ValueError,
            RuntimeError,
            NotImplementedError,
            zlib.error,
            ParseError,
            OSError,
        ) as e:
            raise _fail(path, f"工作簿无法打开，文件可能已损坏（{type(e).__name__}）") from None

        def rows() -> Iterator[tuple[int, list[object]]]:
            try:
                yield from book.rows()
            except XlsxError as e:
                raise _fail(path, str(e)) from None
            except (
                zipfile.BadZipFile,
                EOFError,
                ValueError,
                RuntimeError,
                NotImplementedError,
                zlib.error,
                ParseError,
                OSError,
            ) as e:
                raise _fail(
                    path, f"工作表内容无法读取，文件可能已损坏（{type(e).__name__}）"
                ) from None

        yield rows()


def _sniff_csv(path: Path) -> str:
    """Refuse what is plainly not text; return the encoding: UTF-8 if it fits, else GB18030."""
    with path.open("rb") as f:
        head = f.read(_SNIFF_BYTES)
        at_end = not f.read(1)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(
            path,
            "文件是 UTF-16 编码（Excel 的“Unicode 文本”），请另存为“CSV UTF-8（逗号分隔）”或 .xlsx",
        )
    if head.startswith(_ZIP_MAGIC):
        raise _fail(
            path, "这是 Excel 工作簿（.xlsx）而不是 CSV 文件，请把文件扩展名改为 .xlsx 后再导入"
        )
    if head.startswith(_OLE_MAGIC):
        raise _fail(
            path,
            "这是旧版 Excel（.xls）文件而不是 CSV 文件，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV",
        )
    if b"\x00" in head:
        raise _fail(path, "不是文本格式的 CSV 文件（含有二进制内容），无法读取")
    for encoding in _ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            decoder.decode(head, final=at_end)
        except UnicodeDecodeError:
            continue
        return encoding
    raise _fail(
        path,
        "无法识别文件编码（应为 UTF-8 或 GB18030/GBK），文件可能不是 CSV 表格。"
        "请在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx",
    )


def _lines(text: io.TextIOWrapper, path: Path) -> Iterator[str]:
    count = 0
    while True:
        try:
            line = text.readline(_MAX_LINE_CHARS)
        except UnicodeDecodeError:
            name = "UTF-8" if text.encoding.startswith("utf") else "GB18030/GBK"
            raise _fail(
                path,
                f"无法识别文件编码：第 {count + 1} 行附近含有不是 {name} 编码的字符"
                "（文件中混用了不同编码）。请在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”"
                "或 .xlsx",
            ) from None
        if not line:
            return
        count += 1
        if len(line) >= _MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise _fail(path, f"第 {count} 行超过 {_MAX_LINE_CHARS} 个字符，不是正常的表格文件")
        yield line


@contextmanager
def _csv_rows(path: Path, encoding: str) -> Iterator[Iterator[tuple[int, list[object]]]]:
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        lines = _lines(text, path)
        first = next(lines, None)
        delimiter = ","
        if first is not None and "," not in first and "\t" in first:
            delimiter = "\t"  # 'Text (tab delimited)' saved with a .csv name

        def all_lines() -> Iterator[str]:
            if first is not None:
                yield first
            yield from lines

        def rows() -> Iterator[tuple[int, list[object]]]:
            reader = csv.reader(all_lines(), delimiter=delimiter)
            number = 0
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as e:
                    raise _fail(path, f"CSV 格式错误（{e}）", row=number + 1) from None
                number += 1
                yield number, list(values)

        yield rows()


# ---- the header and the rows ---------------------------------------------------------------


def _header(cells: list[object], path: Path, check: HeaderCheck | None) -> list[str | None]:
    names = [normalise_cell(c) for c in cells]
    while names and names[-1] is None:
        names.pop()
    if not names:
        raise _fail(path, "表头是空的：第一行应为列名", row=1)
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    headers: list[str | None] = []
    for i, name in enumerate(names):
        if name is None:
            problems.append(Problem(1, None, f"第 {column_letter(i)} 列的表头是空的"))
            headers.append(None)
            continue
        text = name.isoformat() if isinstance(name, date) else str(name)
        if text in seen:
            problems.append(
                Problem(
                    1,
                    text,
                    f"列名重复（第 {column_letter(seen[text])} 列和第 {column_letter(i)} 列）",
                )
            )
        else:
            seen[text] = i
        headers.append(text)
    if check is not None:
        problems.extend(check([h for h in headers if h is not None]))
    if problems:
        raise SheetError(path, problems)
    return headers


def _collect(
    path: Path,
    raw: Iterator[tuple[int, list[object]]],
    check: HeaderCheck | None,
    problems: list[Problem],
) -> list[Row]:
    first = next(raw, None)
    if first is None:
        where = "第一个工作表" if path.suffix.lower() == ".xlsx" else "文件"
        raise _fail(
            path, f"{where}中没有内容（没有表头）；程序只读取第一个工作表，请把登记表放在最前面"
        )
    if first[0] != 1:
        raise _fail(path, f"表头是空的：第一行应为列名，现在表格从第 {first[0]} 行才开始", row=1)
    headers = _header(first[1], path, check)
    width = len(headers)
    rows: list[Row] = []
    for number, values in raw:
        cells = [normalise_cell(v) for v in values]
        if not any(c is not None for c in cells):
            continue
        for i in range(width, len(cells)):
            if cells[i] is not None:
                problems.append(
                    Problem(number, None, f"第 {column_letter(i)} 列有内容，但该列没有表头")
                )
        row: dict[str, object] = {}
        for i, name in enumerate(headers):
            if name is not None:
                row[name] = cells[i] if i < len(cells) else None
        rows.append((number, row))
    return rows


def check_file(path: Path) -> str:
    """The suffix of a readable sheet file, or a ``SheetError`` saying why not."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _fail(path, "不支持旧版 Excel（.xls）文件：请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
    if suffix not in SUFFIXES:
        shown = suffix or "（无扩展名）"
        raise _fail(path, f"不支持的文件类型 {shown}：请使用 .xlsx 或 .csv 文件")
    if not path.exists():
        raise _fail(path, "文件不存在")
    if not path.is_file():
        raise _fail(path, "不是文件（可能是文件夹）")
    if path.stat().st_size == 0:
        raise _fail(path, "文件是空的（0 字节）")
    return suffix


def read_rows(
    path: Path | str, check: HeaderCheck | None = None
) -> tuple[list[Row], list[Problem]]:
    """Rows (Excel row number, header → cell) and the problems of cells outside the header.

    Raises ``SheetError`` for a file that cannot be read or a bad header row.
    """
    path = Path(path)
    suffix = check_file(path)
    try:
        if suffix == ".xlsx":
            problems: list[Problem] = []
            with _xlsx_rows(path) as raw:
                return _collect(path, raw, check, problems), problems
        with _csv_rows(path, _sniff_csv(path)) as raw:
            problems = []
            return _collect(path, raw, check, problems), problems
    except PermissionError:
        raise _fail(
            path, "没有权限读取文件（文件可能正在被 Excel 或 WPS 打开，请先关闭）"
        ) from None
    except OSError as e:
        raise _fail(path, f"无法读取文件：{e.strerror or e}") from None


def read_sheet(path: Path | str, check: HeaderCheck | None = None) -> list[Row]:
    """All non-blank rows below the header; ``SheetError`` for any reading problem."""
    rows, problems = read_rows(path, check)
    if problems:
        raise SheetError(path, problems)
    return rows
