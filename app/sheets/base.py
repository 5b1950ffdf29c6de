"""The machinery shared by all sheet kinds: columns, parsing rows, diffing, upserting.

A :class:`SheetKind` reads its rows into database records (reporting every bad cell),
compares them with what is stored (one query for all keys), and writes only what differs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from app.db.schema import NOW_SQL
from app.db.store import Identity
from app.domain.errors import DomainError
from app.sheets import values as v
from app.sheets.errors import BadCell, Problem, SheetError, strip_field
from app.sheets.reader import HeaderCheck, Row

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"
STATUS_LABELS = {NEW: "新增", UPDATED: "修改", UNCHANGED: "不变"}
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, the database field and how to read a cell."""

    header: str
    field: str
    parse: v.Parse = v.text
    key: bool = False
    required: bool = False
    default: object = None
    show: v.Show = v.show_plain
    hint: str = ""
    choices: tuple[str, ...] = ()
    ref: str | None = None  # "cadre" | "village": must exist in the database
    as_text: bool = False  # keep as text in Excel (codes, phone numbers)

    @property
    def mandatory(self) -> bool:
        return self.key or self.required


@dataclass
class Context:
    """What a load needs to know about the database; reference sets are read once."""

    db: Database
    identity: Identity
    file: Path
    progress: Callable[[int, int], None] | None = None
    cache: dict[str, object] = field(default_factory=dict)  # per-load state of a kind
    _sets: dict[str, set[str]] = field(default_factory=dict)

    def _set(self, name: str, sql: str) -> set[str]:
        if name not in self._sets:
            self._sets[name] = {r[0] for r in self.db.execute(sql).fetchall()}
        return self._sets[name]

    def cadres(self) -> set[str]:
        return self._set("cadre", "SELECT cadre_no FROM cadres")

    def villages(self) -> set[str]:
        return self._set("village", "SELECT code FROM villages")

    def townships(self) -> set[str]:
        return self._set("township", "SELECT code FROM townships")

    def report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


@dataclass
class Parsed:
    row: int
    record: dict[str, object]
    key: tuple[object, ...]
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class PreviewRow:
    """A sheet row as it will be written."""

    row: int  # as numbered in Excel (header = 1)
    status: str  # "new" | "updated" | "unchanged"
    values: dict[str, object]  # database fields → values (main table)
    cells: dict[str, str]  # sheet header → value as it will be stored, shown as text
    changed: tuple[str, ...] = ()  # headers whose stored value changes
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


REF_REASONS = {
    "cadre": "干部编号 {} 不存在，请先导入干部花名册（cadres）",
    "village": "村代码 {} 不存在，请先导入村情档案（villages）",
}


def rows_summary(rows: Sequence[int], limit: int = 10) -> str:
    shown = "、".join(str(r) for r in rows[:limit])
    more = f" 等共 {len(rows)} 行" if len(rows) > limit else ""
    return f"第 {shown} 行{more}"


class SheetKind:
    """A register sheet mapped onto one table, upserted by its key columns."""

    def __init__(
        self,
        name: str,
        title: str,
        table: str,
        columns: Sequence[Column],
        note: str = "",
        on_insert: dict[str, object] | None = None,
        day_field: str | None = None,
    ) -> None:
        self.name = name
        self.title = title
        self.table = table
        self.columns = tuple(columns)
        self.note = note
        #: fields set on new rows only (never compared, never overwritten)
        self.on_insert = dict(on_insert or {})
        #: the field dating a row: rows in a frozen period load only with a reason
        #: (:mod:`app.db.guard`)
        self.day_field = day_field

    def __repr__(self) -> str:
        return f"<SheetKind {self.name}>"

    # ---- headers -------------------------------------------------------------------------
    def headers(self, db: Database | None = None, year: int | None = None) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def key_headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.key)

    @property
    def key_fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns if c.key)

    def header_check(self, ctx: Context) -> HeaderCheck:
        expected = self.headers(ctx.db)

        def check(names: list[str]) -> list[Problem]:
            return header_problems(self.title, names, expected)

        return check

    def before(self, ctx: Context) -> None:
        """Refuse the whole sheet before reading it (e.g. a kind not for this database)."""

    # ---- parsing -------------------------------------------------------------------------
    def parse_cells(
        self,
        row: int,
        cells: dict[str, object],
        columns: Iterable[Column],
        ctx: Context,
        record: dict[str, object],
        problems: list[Problem],
    ) -> bool:
        ok = True
        for col in columns:
            value = cells.get(col.header)
            if isinstance(value, BadCell):
                problems.append(Problem(row, col.header, value.reason))
                ok = False
                continue
            if value is None:
                if col.mandatory:
                    problems.append(Problem(row, col.header, "不能为空"))
                    ok = False
                else:
                    record[col.field] = col.default
                continue
            try:
                parsed = col.parse(value)
            except DomainError as e:
                problems.append(Problem(row, col.header, strip_field(e.message, col.header)))
                ok = False
                continue
            record[col.field] = parsed
            if col.ref is not None:
                known = ctx.cadres() if col.ref == "cadre" else ctx.villages()
                if parsed not in known:
                    problems.append(Problem(row, col.header, REF_REASONS[col.ref].format(parsed)))
                    ok = False
        return ok

    def check_record(
        self, ctx: Context, row: int, record: dict[str, object], problems: list[Problem]
    ) -> bool:
        """Checks across the cells of one row; fill derived fields. False = row is bad."""
        return True

    def parse_row(
        self,
        ctx: Context,
        row: int,
        cells: dict[str, object],
        record: dict[str, object],
        extra: dict[str, object],
        problems: list[Problem],
    ) -> bool:
        """Fill ``record`` (database fields) from one row; False if the row is bad."""
        ok = self.parse_cells(row, cells, self.columns, ctx, record, problems)
        return self.check_record(ctx, row, record, problems) if ok else False

    def parse(self, ctx: Context, rows: list[Row], problems: list[Problem]) -> list[Parsed]:
        out: list[Parsed] = []
        seen: dict[tuple[object, ...], int] = {}
        keys = self.key_fields
        total = len(rows)
        for i, (row, cells) in enumerate(rows):
            if i and i % PROGRESS_EVERY == 0:
                ctx.report(i, total)
            record: dict[str, object] = {}
            extra: dict[str, object] = {}
            ok = self.parse_row(ctx, row, cells, record, extra, problems)
            if all(k in record and record[k] is not None for k in keys):
                key = tuple(record[k] for k in keys)
                if key in seen:
                    problems.append(
                        Problem(
                            row,
                            "+".join(self.key_headers),
                            f"与第 {seen[key]} 行重复（{self.describe_key(key)}）",
                        )
                    )
                    ok = False
                else:
                    seen[key] = row
                if ok:
                    out.append(Parsed(row, record, key, extra))
        return out

    def describe_key(self, key: tuple[object, ...]) -> str:
        return "，".join(f"{h} {k}" for h, k in zip(self.key_headers, key, strict=True))

    # ---- comparing with the database -----------------------------------------------------
    def existing(
        self,
        ctx: Context,
        table: str,
        keys: Sequence[str],
        fields: Sequence[str],
        wanted: Iterable[tuple[object, ...]],
    ) -> dict[tuple[object, ...], dict[str, object]]:
        """Stored rows of ``table`` whose key is among ``wanted`` (one query)."""
        wanted = list(wanted)
        if not wanted:
            return {}
        cols = ", ".join(f"t.{c}" for c in [*keys, *fields])
        if len(keys) == 1:
            sql = f"SELECT {cols} FROM {table} t WHERE t.{keys[0]} IN (SELECT value FROM json_each(?))"
            param = json.dumps([k[0] for k in wanted], ensure_ascii=False)
        else:
            on = " AND ".join(
                f"t.{k} = json_extract(j.value, '$[{i}]')" for i, k in enumerate(keys)
            )
            sql = f"SELECT {cols} FROM json_each(?) j JOIN {table} t ON {on}"
            param = json.dumps([list(k) for k in wanted], ensure_ascii=False)
        out: dict[tuple[object, ...], dict[str, object]] = {}
        n = len(keys)
        for r in ctx.db.execute(sql, [param]).fetchall():
            out[tuple(r[:n])] = dict(zip(fields, r[n:], strict=True))
        return out

    def cells(self, record: dict[str, object]) -> dict[str, str]:
        return {c.header: c.show(record.get(c.field)) for c in self.columns}

    def plan(self, ctx: Context, parsed: list[Parsed]) -> list[PreviewRow]:
        if not parsed:
            return []
        keys = self.key_fields
        fields = [f for f in parsed[0].record if f not in keys]
        stored = self.existing(ctx, self.table, keys, fields, (p.key for p in parsed))
        header_of = {c.field: c.header for c in self.columns}
        out = []
        for p in parsed:
            old = stored.get(p.key)
            if old is None:
                status, changed = NEW, ()
            else:
                diff = tuple(header_of.get(f, f) for f in fields if old[f] != p.record[f])
                status, changed = (UPDATED if diff else UNCHANGED), diff
            out.append(PreviewRow(p.row, status, p.record, self.cells(p.record), changed, p.extra))
        return out

    def warnings(self, ctx: Context, plan: list[PreviewRow]) -> list[str]:
        return []

    # ---- writing -------------------------------------------------------------------------
    def write(self, ctx: Context, plan: list[PreviewRow]) -> None:
        upsert(ctx.db, self.table, self.key_fields, plan, self.on_insert)


def upsert(
    db: Database,
    table: str,
    keys: Sequence[str],
    plan: Sequence[PreviewRow],
    on_insert: dict[str, object] | None = None,
) -> None:
    """Insert the new rows and update the changed ones (``modified_at`` = now), in bulk."""
    new = [p.values for p in plan if p.status == NEW]
    changed = [p.values for p in plan if p.status == UPDATED]
    if new:
        cols = list(new[0])
        extra = list((on_insert or {}).items())
        names = [*cols, *(name for name, _ in extra)]
        fixed = tuple(value for _, value in extra)
        db.conn.executemany(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [(*(r[c] for c in cols), *fixed) for r in new],
        )
    if changed:
        sets = [c for c in changed[0] if c not in keys]
        db.conn.executemany(
            f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in sets)}, modified_at = {NOW_SQL} "
            f"WHERE {' AND '.join(f'{k} = ?' for k in keys)}",
            [tuple(r[c] for c in [*sets, *keys]) for r in changed],
        )


def header_problems(
    title: str,
    names: list[str],
    expected: Sequence[str],
    allowed: Iterable[str] | None = None,
    required: Iterable[str] | None = None,
) -> list[Problem]:
    """Unknown and missing columns of a header row (order is free).

    ``expected`` is the list shown to the user; ``allowed`` (default: expected) the names
    accepted, ``required`` (default: expected) the names that must be there.
    """
    allowed = set(expected if allowed is None else allowed)
    required = list(expected if required is None else required)
    problems = []
    for name in names:
        if name not in allowed:
            hint = ""
            if name.rstrip("*＊") in allowed:
                hint = f"（请去掉“*”，写成「{name.rstrip('*＊')}」）"
            problems.append(Problem(1, name, f"不是「{title}」表的列{hint}"))
    for name in required:
        if name not in names:
            problems.append(Problem(1, name, "缺少这一列"))
    if problems:
        problems.append(
            Problem(1, None, f"「{title}」表应有的列（顺序不限）：{'、'.join(expected)}")
        )
    return problems


def refuse(ctx: Context, reason: str) -> SheetError:
    return SheetError.single(ctx.file, reason)
