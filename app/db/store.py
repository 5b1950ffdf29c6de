"""Queries and writes shared by the command line, sheets, reports and the window.

Functions take a ``sqlite_utils.Database`` and return domain objects; every write is
done inside ``db.atomic()`` by the caller or here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from app.domain.assessment import DEFAULT_TEMPLATE, Band, CadreRules, Indicator, Template
from app.domain.attendance import Assignment, Kind, Requirements, Role
from app.domain.errors import DomainError
from app.domain.subsidy import Rate, RateKind, RateTable

DEFAULT_RULES: dict[str, str] = {
    "weekly_min_days": "2",
    "weekly_leave_excuse_weekdays": "3",
    "monthly_min_days": "20",
    # the longest leave (calendar days) the township Party committee may approve
    "leave_township_max_days": "3",
    # the cadre assessment (maxima in points, band lines in tenths, absence caps)
    "cadre_rules": json.dumps(
        {
            "time_max": 30,
            "performance_max": 40,
            "satisfaction_max": 30,
            "bands": [["优秀", 900], ["称职", 750], ["基本称职", 600], ["不称职", 0]],
            "caps": [[1, "称职"], [2, "基本称职"], [3, "不称职"]],
        },
        ensure_ascii=False,
    ),
}
REQUIREMENT_KEYS = ("weekly_min_days", "weekly_leave_excuse_weekdays", "monthly_min_days")
RULES_SINCE = "2000-01-01"


@dataclass(frozen=True)
class Identity:
    kind: str  # "township" | "county"
    county_code: str
    county_name: str
    township_code: str | None = None
    township_name: str | None = None

    @property
    def display_name(self) -> str:
        if self.kind == "county":
            return f"{self.county_name}（县级汇总）"
        return f"{self.county_name}{self.township_name}"


def meta(db: Database) -> dict[str, str]:
    return {r["key"]: r["value"] for r in db.query("SELECT key, value FROM meta")}


def identity(db: Database) -> Identity | None:
    m = meta(db)
    if "kind" not in m:
        return None
    return Identity(
        kind=m["kind"],
        county_code=m["county_code"],
        county_name=m["county_name"],
        township_code=m.get("township_code"),
        township_name=m.get("township_name"),
    )


def require_identity(db: Database) -> Identity:
    ident = identity(db)
    if ident is None:
        raise DomainError("数据库尚未初始化：请先运行 init（乡镇或县级）。")
    return ident


def _check_code(code: str, digits: int, what: str) -> None:
    if len(code) != digits or not code.isdigit():
        raise DomainError(f"{what}应为 {digits} 位数字（统计用区划代码）：{code}", field=what)


def validate_identity(
    *, county_code: str, county_name: str, township_code: str | None, township_name: str | None
) -> None:
    """Check the codes and names given to ``init`` (raises ``DomainError``)."""
    _check_code(county_code, 6, "县代码")
    if not county_name.strip():
        raise DomainError("县名称不能为空", field="县名称")
    if township_code is not None:
        _check_code(township_code, 9, "乡镇代码")
        if not township_code.startswith(county_code):
            raise DomainError(
                f"乡镇代码 {township_code} 不属于县代码 {county_code}", field="乡镇代码"
            )
        if not (township_name or "").strip():
            raise DomainError("乡镇名称不能为空", field="乡镇名称")


def initialise(
    db: Database,
    *,
    county_code: str,
    county_name: str,
    township_code: str | None = None,
    township_name: str | None = None,
) -> Identity:
    """Give an empty database its identity, default rules and the default template."""
    validate_identity(
        county_code=county_code,
        county_name=county_name,
        township_code=township_code,
        township_name=township_name,
    )
    if identity(db) is not None:
        raise DomainError("数据库已经初始化过，不能再次 init。")
    kind = "county" if township_code is None else "township"
    with db.atomic():
        values = {"kind": kind, "county_code": county_code, "county_name": county_name.strip()}
        if township_code is not None:
            values |= {
                "township_code": township_code,
                "township_name": (township_name or "").strip(),
            }
            db["townships"].insert(
                {
                    "code": township_code,
                    "name": values["township_name"],
                    "county_code": county_code,
                    "county_name": values["county_name"],
                }
            )
        db["meta"].insert_all([{"key": k, "value": v} for k, v in values.items()])
        db["rule_settings"].insert_all(
            [
                {"key": k, "effective_from": RULES_SINCE, "value": v}
                for k, v in DEFAULT_RULES.items()
            ]
        )
        save_template(db, DEFAULT_TEMPLATE)
    return require_identity(db)


# ---- rules -----------------------------------------------------------------------------


def requirements(db: Database, on: date) -> Requirements:
    """The time requirements in force on ``on`` (latest effective_from ≤ on, per key)."""
    values = _settings(db, on)
    return Requirements(**{k: int(values[k]) for k in REQUIREMENT_KEYS if k in values})


def _settings(db: Database, on: date) -> dict[str, str]:
    """Each rule's value in force on ``on`` (latest effective_from ≤ on)."""
    values: dict[str, str] = {}
    for r in db.query(
        "SELECT key, value FROM rule_settings WHERE effective_from <= ? ORDER BY effective_from",
        [on.isoformat()],
    ):
        values[r["key"]] = r["value"]
    return values


def leave_township_max_days(db: Database, on: date) -> int:
    """The longest leave 乡镇党委 may approve, as in force on ``on`` (the leave's first day);
    longer leave needs 县委组织部."""
    key = "leave_township_max_days"
    return int(_settings(db, on).get(key, DEFAULT_RULES[key]))


def cadre_rules(db: Database, on: date) -> CadreRules:
    """The cadre-assessment rules in force on ``on`` (DOMAIN.md's defaults if none)."""
    raw = _settings(db, on).get("cadre_rules")
    if raw is None:
        return CadreRules()
    d = json.loads(raw)
    rules = CadreRules(
        time_max=int(d["time_max"]),
        performance_max=int(d["performance_max"]),
        satisfaction_max=int(d["satisfaction_max"]),
        bands=tuple((str(g), int(t)) for g, t in d["bands"]),
        caps=tuple((int(n), str(g)) for n, g in d["caps"]),
    )
    rules.validate()
    return rules


# ---- subsidy rates ---------------------------------------------------------------------


def rate_table(db: Database) -> RateTable:
    return RateTable(
        Rate(RateKind(r["kind"]), date.fromisoformat(r["effective_from"]), r["amount_fen"])
        for r in db.query("SELECT kind, effective_from, amount_fen FROM subsidy_rates")
    )


# ---- cadres, assignments, attendance ---------------------------------------------------


def cadre_names(db: Database) -> dict[str, str]:
    return {r["cadre_no"]: r["name"] for r in db.query("SELECT cadre_no, name FROM cadres")}


def assignments(db: Database, first: date, last: date) -> list[Assignment]:
    """Assignments overlapping [first, last]."""
    return [
        Assignment(
            cadre_no=r["cadre_no"],
            village_code=r["village_code"],
            role=Role(r["role"]),
            start=date.fromisoformat(r["start_date"]),
            end=date.fromisoformat(r["end_date"]) if r["end_date"] else None,
        )
        for r in db.query(
            """SELECT cadre_no, village_code, role, start_date, end_date FROM assignments
               WHERE start_date <= ? AND (end_date IS NULL OR end_date >= ?)
               ORDER BY cadre_no, start_date""",
            [last.isoformat(), first.isoformat()],
        )
    ]


def attendance(db: Database, first: date, last: date) -> dict[str, dict[date, Kind]]:
    """cadre_no -> {day: kind} for days in [first, last]."""
    out: dict[str, dict[date, Kind]] = defaultdict(dict)
    kinds = {k.value: k for k in Kind}
    for cadre_no, day, kind in db.execute(
        "SELECT cadre_no, day, kind FROM attendance WHERE day BETWEEN ? AND ?",
        [first.isoformat(), last.isoformat()],
    ).fetchall():
        out[cadre_no][date.fromisoformat(day)] = kinds[kind]
    return out


def unexcused_absences(db: Database, first: date, last: date) -> dict[str, int]:
    return {
        r["cadre_no"]: r["n"]
        for r in db.query(
            """SELECT cadre_no, count(*) AS n FROM checks
               WHERE result = '不在岗' AND day BETWEEN ? AND ? GROUP BY cadre_no""",
            [first.isoformat(), last.isoformat()],
        )
    }


# ---- assessment templates --------------------------------------------------------------


def save_template(db: Database, template: Template) -> int:
    template.validate()
    with db.atomic():
        tid = db["templates"].insert({"name": template.name, "version": template.version}).last_pk
        db["template_indicators"].insert_all(
            {
                "template_id": tid,
                "position": i,
                "aspect": ind.aspect,
                "name": ind.name,
                "max_tenths": ind.max_tenths,
            }
            for i, ind in enumerate(template.indicators, start=1)
        )
        db["template_bands"].insert_all(
            {"template_id": tid, "grade": b.grade, "min_tenths": b.min_tenths}
            for b in template.bands
        )
    return int(tid)


def load_template(db: Database, template_id: int) -> Template:
    row = db["templates"].get(template_id)
    indicators = tuple(
        Indicator(r["aspect"], r["name"], r["max_tenths"])
        for r in db.query(
            "SELECT * FROM template_indicators WHERE template_id = ? ORDER BY position",
            [template_id],
        )
    )
    bands = tuple(
        Band(r["grade"], r["min_tenths"])
        for r in db.query(
            "SELECT * FROM template_bands WHERE template_id = ? ORDER BY min_tenths DESC",
            [template_id],
        )
    )
    return Template(row["name"], row["version"], indicators, bands)


def template_id_for_year(db: Database, year: int) -> int:
    """The template a year is scored with: the one chosen for it, else the newest."""
    row = db.execute("SELECT template_id FROM assessment_years WHERE year = ?", [year]).fetchone()
    if row:
        return int(row[0])
    row = db.execute("SELECT id FROM templates ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        raise DomainError("数据库中没有考核指标模板")
    return int(row[0])


def template_for_year(db: Database, year: int) -> tuple[int, Template]:
    tid = template_id_for_year(db, year)
    return tid, load_template(db, tid)


# ---- change log control (bulk generated data only) -------------------------------------


def set_change_log(db: Database, enabled: bool) -> None:
    db.execute("UPDATE log_control SET enabled = ? WHERE id = 1", [1 if enabled else 0])


def log_note(db: Database, table: str, record: str | None, reason: str) -> None:
    db["change_log"].insert(
        {"table_name": table, "record": record, "action": "note", "reason": reason}
    )


def rows_to_dicts(rows: Iterable) -> list[dict]:
    return [dict(r) for r in rows]
