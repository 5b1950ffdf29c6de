"""The county's figures, computed from the rows the townships sent.

A township's figures are computed by the very code the township runs: its merged rows
are put into an in-memory township database (``materialise``) and the quarterly report,
compliance and subsidy sheets are read from it. So the county sees exactly what the
township printed. Results are kept per township and quarter in ``county_figures`` and
recomputed when a newer file from the township arrives.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date, datetime

from sqlite_utils import Database

from app.db import store
from app.db.compliance import cadre_compliance
from app.db.connection import configure, memory_database
from app.db.subsidy import sheet_for_month
from app.domain.assessment import GRADES, change
from app.domain.money import format_yuan, parse_yuan
from app.domain.periods import Quarter
from app.exchange.export import TABLES
from app.reports.quarterly import direct_quarterly_report, grades_as_of, summary_table
from app.reports.tabular import Table

FIGURES_VERSION = 1  # bump when the figures' form changes: cached ones are recomputed


def latest_files(db: Database) -> list[dict]:
    """Per township (by code), its latest imported file, with the number of files."""
    return [
        dict(r)
        for r in db.query(
            """SELECT f.*, n.files, k.public_key, k.how AS key_how, k.registered_at
               FROM county_files f
               JOIN (SELECT township_code, max(created_utc) AS latest, count(*) AS files
                     FROM county_files GROUP BY township_code) n
                 ON n.township_code = f.township_code AND n.latest = f.created_utc
               LEFT JOIN county_keys k ON k.township_code = f.township_code
               ORDER BY f.township_code"""
        )
    ]


# the tables the figures are computed from (households, minutes, scores … are not needed)
FIGURE_TABLES = (
    "townships",
    "villages",
    "cadres",
    "assignments",
    "attendance",
    "checks",
    "diaries",
    "meetings",
    "action_items",
    "practical_matters",
    "subsidy_rates",
    "subsidy_months",
    "subsidy_lines",
    "subsidy_adjustments",
    "village_assessments",
    "rule_settings",
)
_TEMPLATE: list[sqlite3.Connection] = []  # an empty schema, copied for each township


def _empty_township_database() -> Database:
    if not _TEMPLATE:
        template = memory_database().conn
        # read-only copies: no change log, no bookkeeping of approved months
        for (name,) in template.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall():
            template.execute(f'DROP TRIGGER "{name}"')
        _TEMPLATE.append(template)
    conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    _TEMPLATE[0].backup(conn)
    configure(conn)
    return Database(conn)


def latest_file(db: Database, township_code: str) -> dict | None:
    """The township's newest imported file (by creation instant), or None."""
    rows = list(
        db.query(
            """SELECT * FROM county_files WHERE township_code = ?
               ORDER BY created_utc DESC, id DESC LIMIT 1""",
            [township_code],
        )
    )
    return rows[0] if rows else None


def materialise(db: Database, township_code: str, tables: tuple[str, ...] = TABLES) -> Database:
    """An in-memory township database holding the rows the township sent (``tables``)."""
    latest = latest_file(db, township_code)
    lines = township_lines(db, township_code, tables)
    return build_township(
        store.require_identity(db),
        township_code,
        latest["township_name"] if latest else township_code,
        lines,
        tables,
    )


def township_lines(
    db: Database, township_code: str, tables: tuple[str, ...], *, staged: bool = False
) -> list[tuple[str, str]]:
    """(table, JSON line) of the township's rows in ``tables``."""
    wanted = ", ".join(f"'{t}'" for t in tables)
    if staged:
        return db.execute(
            f"""SELECT table_name, line FROM temp.staging
                WHERE why IS NULL AND table_name IN ({wanted})"""
        ).fetchall()
    return db.execute(
        f"""SELECT table_name, data FROM county_rows
            WHERE township_code = ? AND table_name IN ({wanted})""",
        [township_code],
    ).fetchall()


def build_township(
    ident: store.Identity,
    township_code: str,
    township_name: str,
    lines: list[tuple[str, str]],
    tables: tuple[str, ...] = TABLES,
) -> Database:
    """A township database in memory from its rows' JSON lines (any thread)."""
    mdb = _empty_township_database()
    mdb.execute("PRAGMA foreign_keys = OFF")  # rows refused at import may leave gaps
    with mdb.atomic():
        mdb["meta"].insert_all(
            [
                {"key": "kind", "value": "township"},
                {"key": "county_code", "value": ident.county_code},
                {"key": "county_name", "value": ident.county_name},
                {"key": "township_code", "value": township_code},
                {"key": "township_name", "value": township_name},
            ]
        )
        mdb.execute("CREATE TEMP TABLE lines (table_name TEXT NOT NULL, line TEXT NOT NULL)")
        mdb.conn.executemany("INSERT INTO temp.lines VALUES (?, ?)", lines)
        for table in tables:
            first = mdb.execute(
                "SELECT line FROM temp.lines WHERE table_name = ? LIMIT 1", [table]
            ).fetchone()
            if first is None:
                continue
            present = json.loads(first[0])
            names = [c.name for c in mdb[table].columns if c.name in present]
            values = ", ".join(f"json_extract(line, '$.{c}')" for c in names)
            mdb.execute(
                f"""INSERT OR REPLACE INTO "{table}" ({", ".join(f'"{c}"' for c in names)})
                    SELECT {values} FROM temp.lines WHERE table_name = ?""",
                [table],
            )
        mdb.execute("DROP TABLE temp.lines")
        validate_rows(mdb, tables)
        # every approved month is judged again for late changes (a superset is exact)
        mdb.execute("INSERT OR IGNORE INTO subsidy_dirty SELECT month FROM subsidy_months")
    return mdb


_DATE_COLUMNS = ("day", "start_date", "end_date", "due_date", "done_on", "effective_from")


def validate_rows(mdb: Database, tables: tuple[str, ...]) -> None:
    """What the township's own program would never have written: a number where an
    integer belongs (money is integer fen) or a date that is not a date. Raises
    ``ValueError`` naming the table and the column."""
    for table in tables:
        for col in mdb[table].columns:
            name = f'"{col.name}"'
            if col.type.upper() == "INTEGER":
                bad = f"typeof({name}) NOT IN ('integer', 'null')"
            elif col.name in _DATE_COLUMNS:
                bad = f"{name} IS NOT NULL AND date({name}) IS NOT {name}"
            elif col.name == "month":
                bad = f"{name} IS NOT NULL AND date({name} || '-01') IS NOT {name} || '-01'"
            else:
                continue
            if mdb.execute(f'SELECT 1 FROM "{table}" WHERE {bad} LIMIT 1').fetchone():
                raise ValueError(f"{table}.{col.name} 的值不合规则")


def figures_from_lines(
    ident: store.Identity,
    township_code: str,
    township_name: str,
    lines: list[tuple[str, str]],
    quarter: Quarter,
    as_of: date | None = None,
) -> dict:
    """A township's figures for ``quarter`` from its rows (any thread: no county access).

    ``as_of`` is the day the file was made: weeks and months not over by then are not
    judged, as on the township's own print that day.
    """
    tdb = build_township(ident, township_code, township_name, lines, FIGURE_TABLES)
    try:
        return compute_figures(tdb, quarter, as_of)
    finally:
        tdb.conn.close()


def store_figures(
    db: Database, township_code: str, file_id: int, quarter: Quarter, figures: dict
) -> bool:
    """Keep ``figures`` computed from file ``file_id``, unless a newer file came since."""
    latest = latest_file(db, township_code)
    if latest is None or latest["id"] != file_id:
        return False
    db["county_figures"].upsert(
        {
            "township_code": township_code,
            "quarter": str(quarter),
            "file_id": file_id,
            "data": json.dumps(figures, ensure_ascii=False),
        },
        pk=("township_code", "quarter"),
    )
    return True


def compute_figures(tdb: Database, quarter: Quarter, as_of: date | None = None) -> dict:
    """A township's figures for ``quarter``: report, villages, cadres (township database)."""
    data, _ = direct_quarterly_report(tdb, quarter, as_of)
    year = quarter.year
    assessed = {
        (r["village_code"], r["year"]): r["grade"]
        for r in tdb.query(
            "SELECT village_code, year, grade FROM village_assessments WHERE year IN (?, ?)",
            [year - 1, year],
        )
    }
    grades = grades_as_of(tdb, year)
    villages = []
    for r in tdb.query("SELECT code, name FROM villages ORDER BY code"):
        prev, cur = assessed.get((r["code"], year - 1)), assessed.get((r["code"], year))
        villages.append(
            {
                "code": r["code"],
                "name": r["name"],
                "grade": grades.get(r["code"]),
                "assessed": cur,
                "previous": prev,
                "change": change(prev, cur) if prev and cur else None,
            }
        )
    first, last = quarter.first_day, quarter.last_day
    comp = cadre_compliance(tdb, first, last, as_of)
    present = dict(
        tdb.execute(
            """SELECT cadre_no, count(*) FROM attendance
               WHERE kind IN ('在村','会议培训') AND day BETWEEN ? AND ? GROUP BY cadre_no""",
            [first.isoformat(), last.isoformat()],
        ).fetchall()
    )
    absences = store.unexcused_absences(tdb, first, last)
    subsidy: dict[str, int] = {}
    for m in quarter.months():
        for line in sheet_for_month(tdb, m).lines:
            subsidy[line.cadre_no] = subsidy.get(line.cadre_no, 0) + line.total_fen
    names = store.cadre_names(tdb)
    cadres = []
    for cadre_no in sorted(set(comp) | set(subsidy)):
        c = comp.get(cadre_no)
        s = c.summary if c else None
        cadres.append(
            {
                "cadre_no": cadre_no,
                "name": names.get(cadre_no, cadre_no),
                "role": c.role if c else None,
                "judged": s.judged if s else 0,
                "met": s.met if s else 0,
                "present_days": present.get(cadre_no, 0),
                "unexcused_absences": absences.get(cadre_no, 0),
                "subsidy": format_yuan(subsidy.get(cadre_no, 0)),
            }
        )
    return {
        "version": FIGURES_VERSION,
        "quarter": str(quarter),
        "as_of": (as_of or date.today()).isoformat(),
        "report": data,
        "villages": villages,
        "cadres": cadres,
    }


def forget_figures(db: Database, township_code: str, file_id: int, *, changed: bool) -> None:
    """A newer file came: drop the figures kept, or (no row changed) move them to it."""
    if changed:
        db.execute("DELETE FROM county_figures WHERE township_code = ?", [township_code])
    else:
        db.execute(
            "UPDATE county_figures SET file_id = ? WHERE township_code = ?",
            [file_id, township_code],
        )


def file_day(created_at: str) -> date | None:
    """The day a file was made (its creation time as written, in the writer's zone)."""
    try:
        return datetime.fromisoformat(created_at).date()
    except (TypeError, ValueError):
        return None


def _compute_and_store(db: Database, township_code: str, file_id: int, quarter: Quarter) -> dict:
    name, created_at = db.execute(
        "SELECT township_name, created_at FROM county_files WHERE id = ?", [file_id]
    ).fetchone()
    lines = township_lines(db, township_code, FIGURE_TABLES)
    figures = figures_from_lines(
        store.require_identity(db), township_code, name, lines, quarter, file_day(created_at)
    )
    store_figures(db, township_code, file_id, quarter, figures)
    return figures


def township_figures(
    db: Database,
    quarter: Quarter,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, dict]:
    """Every imported township's figures for ``quarter`` (computed and kept if missing)."""
    files = latest_files(db)
    out: dict[str, dict] = {}
    for i, f in enumerate(files):
        if progress:
            progress(i, len(files), f["township_name"])
        code = f["township_code"]
        row = db.execute(
            "SELECT file_id, data FROM county_figures WHERE township_code = ? AND quarter = ?",
            [code, str(quarter)],
        ).fetchone()
        figures = json.loads(row[1]) if row and row[0] == f["id"] else None
        if figures is None or figures.get("version") != FIGURES_VERSION:
            with db.atomic():
                figures = _compute_and_store(db, code, f["id"], quarter)
        out[code] = figures
    if progress:
        progress(len(files), len(files), "")
    return out


def has_imports(db: Database) -> bool:
    try:
        return db.execute("SELECT 1 FROM county_files LIMIT 1").fetchone() is not None
    except Exception:  # noqa: BLE001 — a database without the county tables
        return False


_SUMMED = (
    "villages",
    "cadres",
    "present_days",
    "leave_days",
    "judged_periods",
    "met_periods",
    "checks",
    "unexcused_absences",
    "meetings",
    "weekly_meetings_expected",
    "diaries",
    "practical_matters",
    "action_items_open",
    "action_items_overdue",
)
_COUNTED = ("villages_by_grade", "upgrades", "downgrades", "cadres_by_role", "meetings_by_kind")
_MONEY = ("subsidy_total", "practical_matters_funds")


def combine(reports: list[tuple[str, str, dict]]) -> dict:
    """Add up township-scope quarterly reports ``(code, name, data)`` into county figures."""
    out: dict = {k: 0 for k in _SUMMED}
    out["townships"] = len(reports)
    for key in _COUNTED:
        out[key] = {g: 0 for g in GRADES} if key == "villages_by_grade" else {}
    money = {k: 0 for k in _MONEY}
    by_month: dict[str, dict] = {}
    short: list[str] = []
    by_township = []
    for code, name, data in reports:
        for k in _SUMMED:
            out[k] += int(data.get(k) or 0)
        for key in _COUNTED:
            for g, n in (data.get(key) or {}).items():
                out[key][g] = out[key].get(g, 0) + int(n)
        for k in _MONEY:
            money[k] += parse_yuan(data.get(k) or "0.00")
        for m, s in (data.get("subsidy_by_month") or {}).items():
            cur = by_month.setdefault(m, {"status": "approved", "total": 0})
            cur["total"] += parse_yuan(s["total"])
            if s["status"] != "approved":
                cur["status"] = "draft"
        short += [f"{code}/{c}" for c in data.get("cadres_short") or []]
        by_township.append(
            {
                "code": code,
                "name": name,
                **{k: data.get(k) for k in ("villages", "cadres", "present_days")},
                "villages_by_grade": data.get("villages_by_grade"),
                "met_periods": data.get("met_periods"),
                "judged_periods": data.get("judged_periods"),
                "unexcused_absences": data.get("unexcused_absences"),
                "subsidy_total": data.get("subsidy_total"),
                "meetings": data.get("meetings"),
                "practical_matters": data.get("practical_matters"),
            }
        )
    for key in ("upgrades", "downgrades", "meetings_by_kind"):
        out[key] = dict(sorted(out[key].items()))
    n = out["villages"]
    out["villages_by_grade_share"] = {
        g: f"{(200 * c + n) // (2 * n) if n else 0}%" for g, c in out["villages_by_grade"].items()
    }
    for k in _MONEY:
        out[k] = format_yuan(money[k])
    out["subsidy_by_month"] = {
        m: {"status": s["status"], "total": format_yuan(s["total"])}
        for m, s in sorted(by_month.items())
    }
    out["cadres_short"] = sorted(short)
    out["by_township"] = by_township
    return out


def county_quarterly(
    db: Database, quarter: Quarter, progress: Callable[[int, int, str], None] | None = None
) -> tuple[dict, Table]:
    """The county's quarterly summary: every imported township's figures added up.

    Townships whose data were entered in the county database itself (the county demo)
    are added as one more part.
    """
    ident = store.require_identity(db)
    figures = township_figures(db, quarter, progress)
    names = {f["township_code"]: f["township_name"] for f in latest_files(db)}
    parts = [(code, names[code], f["report"]) for code, f in sorted(figures.items())]
    direct_townships = 0
    if db.execute("SELECT 1 FROM villages LIMIT 1").fetchone():
        direct, _ = direct_quarterly_report(db, quarter)
        direct_townships = int(direct["townships"])
        parts.append(("", "县级库直接录入", direct))
    data = {
        "quarter": str(quarter),
        "scope": "county",
        "name": ident.display_name,
        **combine(parts),
    }
    data["townships"] = len(figures) + direct_townships
    return data, summary_table(ident.display_name, quarter, data)
