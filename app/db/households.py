"""户情档案: windowed queries over the households (≈94,000 at county scale) and their visits.

A view never holds all the households: it asks :func:`count` for the number of rows a
filter keeps and :func:`rows` for one window of them, filtered and sorted in SQL with
``hh_no`` as the stable tiebreak. :func:`position` says where a household stands in that
order (to select it again after an edit). Edits go through :mod:`app.db.records`, so
they are undoable and logged; the helpers here only add what households need (visits
deleted with their household, a uuid as the key of a new visit).
"""

from __future__ import annotations

import unicodedata
import uuid
import weakref
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from app.db import lookups, records
from app.db.lookups import village_name
from app.db.records import Change
from app.db.sql import group_order_sql, group_sort_key, like_pattern

# ---- the filter --------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdFilter:
    """What the clerk asked for. ``text``: each word (split on spaces) must match the
    head's name (anywhere), the 户编号 (its beginning) or the 村民小组 (anywhere)."""

    text: str = ""
    village_code: str | None = None
    group: str | None = None
    low_income: bool | None = None

    def words(self) -> list[str]:
        # full-width digits typed with a Chinese input method match the ASCII numbers
        return unicodedata.normalize("NFKC", self.text).split()


_HIGHEST = "\U0010ffff"  # sorts after every character: [w, w + _HIGHEST) = "begins with w"
_ASCII_UPPER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_group_cache: weakref.WeakKeyDictionary[Database, tuple[tuple[int, int], tuple[str, ...]]] = (
    weakref.WeakKeyDictionary()
)


def _fold(text: str) -> str:
    """Lower-case ASCII letters only, as LIKE does."""
    return text.translate(_ASCII_UPPER)


def _group_names(db: Database) -> tuple[str, ...]:
    """Every distinct 村民小组 name, read again only after the database changed."""
    version = db.execute("PRAGMA data_version").fetchone()[0]
    stamp = (db.conn.total_changes, version)
    cached = _group_cache.get(db)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    names = tuple(
        r[0]
        for r in db.execute(
            "SELECT DISTINCT group_name FROM households WHERE group_name IS NOT NULL"
        ).fetchall()
    )
    _group_cache[db] = (stamp, names)
    return names


def _number_begins_with(db: Database, word: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM households WHERE hh_no >= ? AND hh_no < ? LIMIT 1", [word, word + _HIGHEST]
    ).fetchone()
    return row is not None


def _word_term(db: Database, i: int, word: str, params: dict[str, Any]) -> str:
    """Household matches ``word``: name contains it, number begins with it, group contains it.

    Parts that cannot match anything are left out (a number prefix no household has, a
    word in no group's name): the filter scans a narrow index per keystroke, so every
    LIKE saved counts. Group names are matched here, among the few distinct names.
    """
    params[f"w{i}"] = like_pattern(word)
    alternatives = [f"h.head_name LIKE :w{i} ESCAPE '\\'"]
    if any(c.isascii() and c.isalpha() for c in word):
        params[f"p{i}"] = like_pattern(word, prefix=True)  # letters: LIKE ignores their case
        alternatives.append(f"h.hh_no LIKE :p{i} ESCAPE '\\'")
    elif _number_begins_with(db, word):
        params[f"lo{i}"], params[f"hi{i}"] = word, word + _HIGHEST
        alternatives.append(f"(h.hh_no >= :lo{i} AND h.hh_no < :hi{i})")
    folded = _fold(word)
    groups = [g for g in _group_names(db) if folded in _fold(g)]
    if groups:
        names = []
        for j, g in enumerate(groups):
            params[f"g{i}_{j}"] = g
            names.append(f":g{i}_{j}")
        alternatives.append(f"h.group_name IN ({', '.join(names)})")
    return "(" + " OR ".join(alternatives) + ")"


def _where(db: Database, flt: HouseholdFilter) -> tuple[str, dict[str, Any]]:
    terms: list[str] = []
    params: dict[str, Any] = {}
    for i, word in enumerate(flt.words()):
        terms.append(_word_term(db, i, word, params))
    if flt.village_code:
        terms.append("h.village_code = :village")
        params["village"] = flt.village_code
    if flt.group:
        terms.append("h.group_name = :group")
        params["group"] = flt.group
    if flt.low_income is not None:
        terms.append("h.low_income = :low")
        params["low"] = int(flt.low_income)
    return (" AND ".join(terms) or "1"), params


# ---- village groups in their natural order (第二组 before 第十组) -------------------------

#: the ORDER BY of 村民小组: :func:`app.db.sql.group_number` in SQL
_GROUP_ORDER_SQL = group_order_sql("h.group_name")


# ---- sorting -----------------------------------------------------------------------------

_VISITS_SQL = "(SELECT count(*) FROM household_visits x WHERE x.hh_no = h.hh_no)"
_LAST_VISIT_SQL = "(SELECT max(x.day) FROM household_visits x WHERE x.hh_no = h.hh_no)"

#: Sort keys accepted by :func:`rows` (the names of its columns) → ORDER BY expression.
SORTS: dict[str, str] = {
    "hh_no": "h.hh_no",
    "village_code": "h.village_code",
    "village_name": "v.name",
    "group_name": _GROUP_ORDER_SQL,
    "head_name": "h.head_name",
    "members": "h.members",
    "phone": "h.phone",
    "income_per_capita_fen": "h.income_per_capita_fen",
    "low_income": "h.low_income",
    "income_source": "h.income_source",
    "visits": _VISITS_SQL,
    "last_visit": _LAST_VISIT_SQL,
}

_JOIN_VILLAGES = " JOIN villages v ON v.code = h.village_code"


def _keys(sort: str, descending: bool, text: bool = False) -> list[tuple[str, bool]]:
    """The ORDER BY keys as (expression, descending); ``hh_no`` always breaks ties.

    With a ``text`` filter the matches are found by scanning a narrow index holding the
    name, number and group (in name or in number order: those two sorts walk it and stop
    early). For the other sorts a unary ``+`` (a no-op on any value) keeps SQLite from
    walking the sort column's index and looking up every household on the way (0.1 s at
    county scale); it sorts the matches instead.
    """
    if sort not in SORTS:
        raise ValueError(f"unknown sort key: {sort}")
    first = SORTS[sort] if not text or sort in ("head_name", "hh_no") else f"+{SORTS[sort]}"
    if sort == "hh_no":
        return [(first, descending)]
    keys = [(first, descending)]
    if sort == "group_name":  # by number, then by name (第三组 and 三组 in other villages)
        keys.append(("h.group_name", descending))
    return [*keys, ("h.hh_no", False)]


def _order(keys: list[tuple[str, bool]]) -> str:
    return ", ".join(f"{e}{' DESC' if d else ''}" for e, d in keys)


def _from(sort: str) -> str:
    return "households h" + (_JOIN_VILLAGES if sort == "village_name" else "")


# ---- indexes -------------------------------------------------------------------------

#: Indexes the household list needs at county scale (see bench/households_filter.py);
#: Created by the first migration (app/db/schema.py).
INDEXES: tuple[str, ...] = (
    # the text filter scans only this index (name, number, group) and sorts its matches
    # by any of them or by income without reading the table; it also gives the name
    # order, so a window sorted by 户主 stops early
    "CREATE INDEX IF NOT EXISTS households_find "
    "ON households(head_name, hh_no, group_name, income_per_capita_fen)",
    # the same in 户编号 order (the list's first order): with a text filter, a window
    # sorted by number stops once it has its rows
    "CREATE INDEX IF NOT EXISTS households_number "
    "ON households(hh_no, head_name, group_name, low_income)",
    # windows sorted by income without a text filter (and deep in the list)
    "CREATE INDEX IF NOT EXISTS households_income ON households(income_per_capita_fen, hh_no)",
    # 低收入户 only: 8 % of the rows
    "CREATE INDEX IF NOT EXISTS households_low_income ON households(low_income)",
    # sorted by 村民小组 in their natural order: an index on that very expression (change
    # the expression, and this index must be made again)
    "CREATE INDEX IF NOT EXISTS households_group_order ON households("
    + group_order_sql("group_name")
    + ", group_name)",
)


# ---- the queries -------------------------------------------------------------------------


def count(db: Database, flt: HouseholdFilter) -> int:
    """How many households ``flt`` keeps."""
    where, params = _where(db, flt)
    return db.execute(f"SELECT count(*) FROM households h WHERE {where}", params).fetchone()[0]


ROW_COLUMNS = (
    "hh_no",
    "village_code",
    "village_name",
    "group_name",
    "head_name",
    "members",
    "phone",
    "income_per_capita_fen",
    "low_income",
    "income_source",
    "visits",
    "last_visit",
)


_ROW_FIELDS = f"""h.hh_no, h.village_code, v.name AS village_name, h.group_name,
    h.head_name, h.members, h.phone, h.income_per_capita_fen, h.low_income, h.income_source,
    {_VISITS_SQL} AS visits, {_LAST_VISIT_SQL} AS last_visit"""


def rows(
    db: Database,
    flt: HouseholdFilter,
    sort: str = "hh_no",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """One window of the households ``flt`` keeps, in the order of ``sort``.

    The window is chosen on the household's own columns (an index walk when the sort
    allows); village names and visit figures are read for the window's rows only.
    """
    offset, limit = max(0, offset), max(0, limit)
    if sort in ("visits", "last_visit"):
        return _rows_by_visits(db, flt, sort, descending, offset, limit)
    where, params = _where(db, flt)
    order = _order(_keys(sort, descending, bool(flt.words())))
    sql = f"""SELECT {_ROW_FIELDS} FROM households h{_JOIN_VILLAGES}
        WHERE h.rowid IN (
            SELECT h.rowid FROM {_from(sort)} WHERE {where}
            ORDER BY {order} LIMIT :limit OFFSET :offset)
        ORDER BY {order}
    """
    return list(db.query(sql, {**params, "limit": limit, "offset": offset}))


def _rows_by_visits(
    db: Database, flt: HouseholdFilter, sort: str, descending: bool, offset: int, limit: int
) -> list[dict[str, Any]]:
    """The window of :func:`rows` sorted by visit count or last visit, in two parts.

    Ranking all ≈94,000 households by a figure of their visits costs 50 ms; but most
    have none. The visited ones (a few thousand) are ranked; the others come after them
    (descending) or before (ascending), by 户编号, read with an index walk that stops.
    """
    where, params = _where(db, flt)
    figure = "x.n" if sort == "visits" else "x.last"
    visited = [
        r[0]
        for r in db.execute(
            f"""SELECT h.rowid FROM households h
                JOIN (SELECT hh_no, count(*) AS n, max(day) AS last FROM household_visits
                      GROUP BY hh_no) x ON x.hh_no = h.hh_no
                WHERE {where} ORDER BY {figure}{" DESC" if descending else ""}, h.hh_no""",
            params,
        ).fetchall()
    ]
    unvisited_sql = f"""SELECT h.rowid FROM households h WHERE {where}
        AND NOT EXISTS (SELECT 1 FROM household_visits x WHERE x.hh_no = h.hh_no)
        ORDER BY h.hh_no LIMIT :limit OFFSET :offset"""

    def unvisited(skip: int, take: int) -> list[int]:
        if take <= 0:
            return []
        found = db.execute(unvisited_sql, {**params, "limit": take, "offset": skip})
        return [r[0] for r in found.fetchall()]

    if descending:  # visited first
        chosen = visited[offset : offset + limit]
        chosen += unvisited(max(0, offset - len(visited)), limit - len(chosen))
    else:  # unvisited first: where the visited begin depends on how many are not
        before = count(db, flt) - len(visited)
        chosen = unvisited(offset, min(limit, before - offset))
        start = max(0, offset - before)
        chosen += visited[start : start + limit - len(chosen)]
    if not chosen:
        return []
    marks = ", ".join("?" * len(chosen))
    found = db.execute(
        f"SELECT h.rowid, {_ROW_FIELDS} FROM households h{_JOIN_VILLAGES}"
        f" WHERE h.rowid IN ({marks})",
        chosen,
    )
    by_rowid = {r[0]: dict(zip(ROW_COLUMNS, r[1:], strict=True)) for r in found.fetchall()}
    return [by_rowid[rid] for rid in chosen]


def position(
    db: Database, flt: HouseholdFilter, sort: str, descending: bool, hh_no: str
) -> int | None:
    """The row number (from 0) of ``hh_no`` among :func:`rows` (None if the filter drops it).

    Counts the rows that come before it rather than numbering them all. SQLite puts NULL
    first in ascending order and last in descending order; the conditions follow that.
    """
    where, params = _where(db, flt)
    keys = _keys(sort, descending, bool(flt.words()))
    values = ", ".join(f"{e} AS k{i}" for i, (e, _d) in enumerate(keys))
    found = db.execute(
        f"SELECT {values} FROM {_from(sort)} WHERE {where} AND h.hh_no = :hh",
        {**params, "hh": hh_no},
    ).fetchone()
    if found is None:
        return None
    before = "0"
    for i in reversed(range(len(keys))):
        expr, desc = keys[i]
        params[f"k{i}"] = found[i]
        if found[i] is None:
            strictly = f"{expr} IS NOT NULL" if desc else "0"
        else:
            strictly = f"{expr} > :k{i}" if desc else f"({expr} IS NULL OR {expr} < :k{i})"
        before = f"({strictly} OR ({expr} IS :k{i} AND {before}))"
    sql = f"SELECT count(*) FROM {_from(sort)} WHERE {where} AND {before}"
    return db.execute(sql, params).fetchone()[0]


# ---- what the filter and the forms offer -------------------------------------------------


def groups(db: Database, village_code: str) -> list[str]:
    """The village's 村民小组 named in its households, in their natural order."""
    names = [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT group_name FROM households"
            " WHERE village_code = ? AND group_name IS NOT NULL AND group_name != ''",
            [village_code],
        ).fetchall()
    ]
    return sorted(names, key=group_sort_key)


def villages(db: Database) -> list[tuple[str, str]]:
    """(code, name) of every village, by code."""
    return lookups.village_names(db)


def village_exists(db: Database, code: str) -> bool:
    return village_name(db, code) is not None


def household(db: Database, hh_no: str) -> dict[str, Any] | None:
    """The stored household (all columns), or None."""
    return records.fetch(db, "households", {"hh_no": hh_no})


def next_hh_no(db: Database, village_code: str) -> str:
    """A free 户编号 for a new household of the village: its code and a 4-digit number."""
    row = db.execute(
        "SELECT max(CAST(substr(hh_no, 13) AS INTEGER)) FROM households"
        " WHERE village_code = ? AND hh_no LIKE ? AND length(hh_no) = 16",
        [village_code, f"{village_code}%"],
    ).fetchone()
    n = (row[0] or 0) + 1
    while True:
        candidate = f"{village_code}{n:04d}"
        if household(db, candidate) is None:
            return candidate
        n += 1


def cadres(db: Database) -> list[tuple[str, str]]:
    """(cadre_no, name) of the roster, serving cadres first, then by number."""
    return lookups.serving_first(db)


# ---- visits (三深入三查看) ---------------------------------------------------------------

VISIT_FIELDS = ("day", "cadre_no", "living", "income_sources", "prospects", "notes")


def visits(db: Database, hh_no: str) -> list[dict[str, Any]]:
    """The household's visits, newest first, with the visiting cadre's name."""
    return list(
        db.query(
            """SELECT x.id, x.uuid, x.hh_no, x.day, x.cadre_no, c.name AS cadre_name,
                      x.living, x.income_sources, x.prospects, x.notes
               FROM household_visits x LEFT JOIN cadres c ON c.cadre_no = x.cadre_no
               WHERE x.hh_no = ? ORDER BY x.day DESC, x.id DESC""",
            [hh_no],
        )
    )


def visit_count(db: Database, hh_no: str) -> int:
    return db.execute("SELECT count(*) FROM household_visits WHERE hh_no = ?", [hh_no]).fetchone()[
        0
    ]


# ---- edits (each returns an undoable Change) ---------------------------------------------


def add_household(db: Database, values: dict[str, Any]) -> Change:
    return records.insert(db, "households", values, ("hh_no",))


def update_household(db: Database, hh_no: str, values: dict[str, Any]) -> Change:
    return records.update(db, "households", {"hh_no": hh_no}, values)


def delete_household(db: Database, hh_no: str) -> Change:
    """Delete the household with its visits (undo restores them)."""
    return records.delete(db, "households", {"hh_no": hh_no}, cascade=("household_visits",))


def add_visit(db: Database, hh_no: str, values: dict[str, Any]) -> Change:
    row = {f: values.get(f) for f in VISIT_FIELDS}
    return records.insert(
        db, "household_visits", {**row, "hh_no": hh_no, "uuid": str(uuid.uuid4())}, ("uuid",)
    )


def update_visit(db: Database, visit_uuid: str, values: dict[str, Any]) -> Change:
    row = {f: values[f] for f in VISIT_FIELDS if f in values}
    return records.update(db, "household_visits", {"uuid": visit_uuid}, row)


def delete_visit(db: Database, visit_uuid: str) -> Change:
    return records.delete(db, "household_visits", {"uuid": visit_uuid})
