"""A lean streaming reader of the first worksheet of an ``.xlsx`` workbook.

openpyxl's read-only mode builds an object per cell and spends over a second on 10,000
rows of inline strings; this reader feeds the sheet XML to expat in 64 KB chunks and hands
out the rows of each chunk, so it takes a quarter of that and memory stays bounded.
Values come out as openpyxl would give them (text, int, float, bool, ``datetime``,
``time``) for :func:`app.sheets.reader.normalise_cell`. It also knows the Chinese
built-in date formats (number formats 27–36 and 50–58), which openpyxl does not.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import IO
from xml.etree.ElementTree import Element, ParseError, fromstring, iterparse
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_datetime
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from app.sheets.errors import BadCell

_MAIN = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_TAGS = {name: {f"{{{ns}}}{name}" for ns in _MAIN} for name in ("t", "r", "si")}
_T, _R, _SI = _TAGS["t"], _TAGS["r"], _TAGS["si"]
_CHUNK = 64 * 1024
_MAX_COLUMNS = 16384  # XFD

#: built-in number formats that are dates or times in Chinese (zh-CN) Excel and WPS
_CJK_DATES = set(range(27, 32)) | {36} | set(range(50, 59))
_CJK_TIMES = set(range(32, 36))
Value = str | int | float | bool | datetime | object


class XlsxError(Exception):
    """The workbook cannot be read; the message says why, in Chinese."""


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _xml(z: zipfile.ZipFile, part: str) -> Element:
    try:
        return fromstring(z.read(part))
    except KeyError:
        raise XlsxError(f"工作簿缺少部件 {part}，文件可能已损坏") from None
    except ParseError as e:
        raise XlsxError(f"工作簿部件 {part} 已损坏（{e}）") from None


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target part) of ``part`` ('' for the package)."""
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels_part not in z.NameToInfo:
        return {}
    out = {}
    for rel in _xml(z, rels_part):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        path = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        out[rel.get("Id", "")] = (rel.get("Type", ""), path)
    return out


def _rel_id(element: Element) -> str | None:
    for key, value in element.attrib.items():
        if key.startswith("{") and _local(key) == "id":
            return value
    return None


def _text_of(element: Element) -> str:
    """Text of a shared or inline string (<t>, or runs <r><t>), phonetic runs left out."""
    parts = []
    for child in element:
        if child.tag in _T:
            parts.append(child.text or "")
        elif child.tag in _R:
            parts.extend(t.text or "" for t in child if t.tag in _T)
    return "".join(parts)


def _shared_strings(z: zipfile.ZipFile, part: str | None) -> list[str]:
    if part is None or part not in z.NameToInfo:
        return []
    out = []
    with z.open(part) as f:
        for _, el in iterparse(f, events=("end",)):
            if el.tag in _SI:
                out.append(_text_of(el))
                el.clear()
    return out


def _styles(z: zipfile.ZipFile, part: str | None) -> tuple[set[int], set[int]]:
    """Indexes of cell styles showing dates, and those showing times only."""
    dates: set[int] = set()
    times: set[int] = set()
    if part is None or part not in z.NameToInfo:
        return dates, times
    root = _xml(z, part)
    custom: dict[int, str] = {}
    xfs: list[int] = []
    for section in root:
        name = _local(section.tag)
        if name == "numFmts":
            for fmt in section:
                try:
                    custom[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
                except ValueError:
                    continue
        elif name == "cellXfs":
            for xf in section:
                try:
                    xfs.append(int(xf.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)
    for index, fmt_id in enumerate(xfs):
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id))
        if fmt_id in _CJK_TIMES and fmt_id not in custom:
            times.add(index)
        elif (fmt_id in _CJK_DATES and fmt_id not in custom) or is_date_format(code):
            (times if is_datetime(code) == "time" else dates).add(index)
    return dates, times


def _column(ref: str | None) -> int | None:
    if not ref:
        return None
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        else:
            break
    if n > _MAX_COLUMNS:
        raise XlsxError(f"单元格 {ref} 超出了 Excel 的列范围，文件可能已损坏")
    return n - 1 if n else None


class Workbook:
    """The parts needed to read the first worksheet; rows are streamed by :meth:`rows`."""

    def __init__(self, z: zipfile.ZipFile) -> None:
        self.z = z
        package = _rels(z, "")
        book = next(
            (p for t, p in package.values() if t.endswith("/officeDocument")), "xl/workbook.xml"
        )
        root = _xml(z, book)
        rels = _rels(z, book)
        sheets = [el for el in root.iter() if _local(el.tag) == "sheet"]
        if not sheets:
            raise XlsxError("工作簿中没有工作表")
        rel = rels.get(_rel_id(sheets[0]) or "")
        if rel is None or rel[1] not in z.NameToInfo:
            raise XlsxError("找不到第一个工作表的内容，文件可能已损坏")
        if not rel[0].endswith("/worksheet"):
            raise XlsxError("第一个工作表不是数据表（可能是图表），请把数据表移到最前面")
        self.sheet = rel[1]
        props = next((el for el in root if _local(el.tag) == "workbookPr"), None)
        date1904 = props is not None and props.get("date1904", "0").lower() in ("1", "true")
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        by_type = {t.rpartition("/")[2]: p for t, p in rels.values()}
        self.shared = _shared_strings(z, by_type.get("sharedStrings"))
        self.dates, self.times = _styles(z, by_type.get("styles"))

    def value(self, kind: str, style: str | None, raw: str, ref: str | None) -> Value:
        """The value of a cell from its type (``t``), style (``s``) and text (``<v>``)."""
        if kind == "s":
            try:
                return self.shared[int(raw)]
            except (ValueError, IndexError):
                raise XlsxError(f"单元格 {ref or ''} 引用的文字不存在，文件可能已损坏") from None
        if kind in ("str", "e", "inlineStr"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.fromisoformat(raw.strip().rstrip("Z"))
            except ValueError:
                return raw
        text = raw.strip()
        try:
            number: int | float = int(text) if text.lstrip("-").isdigit() else float(text)
        except ValueError:
            return raw
        if style is not None and style.isdigit():
            index = int(style)
            if index in self.dates or index in self.times:
                try:
                    return from_excel(number, self.epoch)
                except (OverflowError, ValueError):
                    return number
        return number

    def rows(self) -> Iterator[tuple[int, list[Value]]]:
        """(Excel row number, cell values) for every row written in the sheet."""
        with self.z.open(self.sheet) as stream:
            yield from _SheetReader(self).rows(stream)


def _refuse_dtd(*_: object) -> None:
    raise XlsxError("工作表中含有不允许的 DTD 声明，文件可能已损坏或被篡改")


class _SheetReader:
    """Expat callbacks over the sheet XML: no element objects, rows handed out per chunk."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.names: dict[str, str] = {}
        self.done: list[tuple[int, list[Value]]] = []
        self.finished = False
        self.number = 0
        self.cells: dict[int, Value] = {}
        self.column = -1
        self.row_ref: str | None = None
        self.kind, self.style, self.ref = "n", None, None
        self.raw: str | None = None
        self.inline: list[str] | None = None
        self.text: list[str] | None = None
        self.phonetic = 0
        self.formula = False

    def _learn(self, name: str) -> str:
        local = self.names[name] = name.rpartition(" ")[2].rpartition(":")[2]
        return local

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = self.names.get(name) or self._learn(name)
        if local == "c":
            self.ref, self.kind, self.style = attrs.get("r"), attrs.get("t", "n"), attrs.get("s")
            self.raw, self.inline, self.formula = None, None, False
        elif local == "f":
            self.formula = True
        elif local == "v":
            self.text = []
        elif local == "t":
            if self.inline is not None and not self.phonetic:
                self.text = []
        elif local == "is":
            self.inline = []
        elif local == "rPh":
            self.phonetic += 1
        elif local == "row":
            self.cells, self.column, self.row_ref = {}, -1, attrs.get("r")

    def end(self, name: str) -> None:
        local = self.names.get(name) or self._learn(name)
        if local == "c":
            index = _column(self.ref)
            self.column = self.column + 1 if index is None else index
            if self.column >= _MAX_COLUMNS:
                raise XlsxError("一行中的单元格超出了 Excel 的列范围，文件可能已损坏")
            if self.kind == "e":
                self.cells[self.column] = BadCell(
                    f"单元格是 Excel 的错误值 {(self.raw or '').strip()}（公式出错），请改为实际的值"
                )
            elif self.formula and self.kind == "n" and not (self.raw or "").strip():
                self.cells[self.column] = BadCell(
                    "单元格是公式，但文件里没有计算结果；请在 Excel 或 WPS 中打开并保存后再导入，或改为数值"
                )
            elif self.inline is not None:
                self.cells[self.column] = "".join(self.inline)
            elif self.raw is not None:
                self.cells[self.column] = self.book.value(self.kind, self.style, self.raw, self.ref)
        elif local == "v":
            if self.text is not None:
                self.raw = "".join(self.text)
            self.text = None
        elif local == "t":
            if self.text is not None and self.inline is not None:
                self.inline.append("".join(self.text))
            self.text = None
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "row":
            r = self.row_ref
            self.number = int(r) if r and r.isdigit() else self.number + 1
            cells = self.cells
            width = max(cells) + 1 if cells else 0
            self.done.append((self.number, [cells.get(i) for i in range(width)]))
        elif local == "sheetData":
            self.finished = True

    def chars(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def rows(self, stream: IO[bytes]) -> Iterator[tuple[int, list[Value]]]:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.chars
        parser.StartDoctypeDeclHandler = _refuse_dtd
        parser.EntityDeclHandler = _refuse_dtd
        try:
            while not self.finished:
                chunk = stream.read(_CHUNK)
                parser.Parse(chunk, not chunk)
                yield from self.done
                self.done.clear()
                if not chunk:
                    break
        except expat.ExpatError as e:
            raise XlsxError(
                f"工作表内容已损坏（{expat.ErrorString(e.code)}，第 {e.lineno} 行）"
            ) from None
