"""``build_demo``: fill an empty database with a fictional township or county."""

from __future__ import annotations

import random
from dataclasses import dataclass, fields
from datetime import date, timedelta

from sqlite_utils import Database

from app.db.store import (
    identity,
    initialise,
    load_template,
    log_note,
    require_identity,
    set_change_log,
    template_for_year,
)
from app.demo import names as N
from app.demo.activity import Records, meeting_calendar
from app.demo.assess import cadre_assessments, rate_rows, village_assessments
from app.demo.base import Ctx, DemoError, Township, split_by_weights, spread
from app.demo.meetings import Meetings
from app.demo.world import (
    make_cadres,
    make_households,
    make_villages,
    post_rows,
    set_grades,
    village_rows,
)
from app.domain.assessment import DEFAULT_TEMPLATE, Template

SCALES = {"township": "一个乡镇", "county": "全县"}

# dependency order of the inserts (foreign keys are on)
TABLES = (
    "townships",
    "villages",
    "village_years",
    "households",
    "cadres",
    "assignments",
    "leaves",
    "attendance",
    "checks",
    "diaries",
    "household_visits",
    "meetings",
    "meeting_attendees",
    "meeting_reports",
    "decisions",
    "action_items",
    "practical_matters",
    "subsidy_rates",
    "assessment_years",
    "village_assessments",
    "village_scores",
    "cadre_assessments",
)


@dataclass(frozen=True)
class DemoSummary:
    """What was generated: the scale, the span of the records and row counts per table."""

    scale: str
    seed: int
    first_day: date
    last_day: date
    stationed: int
    part_time: int
    townships: int = 0
    villages: int = 0
    village_years: int = 0
    households: int = 0
    cadres: int = 0
    assignments: int = 0
    leaves: int = 0
    attendance: int = 0
    checks: int = 0
    diaries: int = 0
    household_visits: int = 0
    meetings: int = 0
    meeting_attendees: int = 0
    meeting_reports: int = 0
    decisions: int = 0
    action_items: int = 0
    practical_matters: int = 0
    subsidy_rates: int = 0
    assessment_years: int = 0
    village_assessments: int = 0
    village_scores: int = 0
    cadre_assessments: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in TABLES}

    def text(self) -> str:
        return (
            f"已生成演示数据（{SCALES[self.scale]}，{self.first_day}至{self.last_day}）："
            f"{self.townships} 个乡镇、{self.villages} 个村、{self.households} 户、"
            f"{self.cadres} 名干部（驻村 {self.stationed}、兼职 {self.part_time}）、"
            f"考勤 {self.attendance} 条、查岗 {self.checks} 次、民情日记 {self.diaries} 篇、"
            f"会议 {self.meetings} 次、办实事 {self.practical_matters} 件。"
        )


def build_demo(
    db: Database, *, scale: str = "township", seed: int = 1, today: date | None = None
) -> DemoSummary:
    """Fill an empty database with fictional but realistic data, in one transaction.

    ``scale`` is ``township`` (one township, two years of records) or ``county``
    (20 townships, 266 villages, ≈94,000 households, 269 cadres, three years). The same
    ``seed`` and ``today`` give the same rows. Records end the day before ``today``.
    Raises :class:`DemoError` (nothing changed) when the database already holds data or
    is of the other kind.
    """
    if scale not in SCALES:
        raise DemoError(f"演示数据规模应为 township（一个乡镇）或 county（全县）：{scale}")
    today = today or date.today()
    ident = identity(db)
    if ident is not None and ident.kind != scale:
        if ident.kind == "township":
            raise DemoError(
                f"当前数据库是乡镇数据库（{ident.display_name}），不能生成全县规模的演示数据；"
                "请改用乡镇规模（--scale township），或在新建的县级数据库中生成。数据库未改动。"
            )
        raise DemoError(
            f"当前数据库是县级汇总数据库（{ident.county_name}），不能生成单个乡镇规模的演示数据；"
            "请改用全县规模（--scale county），或在新建的乡镇数据库中生成。数据库未改动。"
        )
    _refuse_real_data(db, scale)
    years_back = 2 if scale == "county" else 1
    last = today - timedelta(days=1)  # the records run to yesterday, from 1 January of
    ctx = Ctx(
        random.Random(seed),
        date(last.year - years_back, 1, 1),
        last,  # 1 or 2 years before
        light=scale == "county",
    )
    with db.atomic():
        if ident is None:
            if scale == "county":
                initialise(db, county_code=N.COUNTY[0], county_name=N.COUNTY[1])
            else:
                initialise(
                    db,
                    county_code=N.COUNTY[0],
                    county_name=N.COUNTY[1],
                    township_code=N.TOWNSHIP[0],
                    township_name=N.TOWNSHIP[1],
                )
        ident = require_identity(db)
        years = list(range(ctx.first.year, ctx.last.year + 1))
        templates = _templates(db, ctx, years)
        set_change_log(db, False)
        if scale == "county":
            townships = _county(ctx, ident.county_code, ident.county_name)
        else:
            townships = _township(
                ctx, ident.township_code or N.TOWNSHIP[0], ident.township_name or N.TOWNSHIP[1]
            )
        _activity(ctx, townships, years)
        if not db.execute("SELECT 1 FROM subsidy_rates LIMIT 1").fetchone():
            rate_rows(ctx)
        village_assessments(ctx, townships, templates)
        cadre_assessments(ctx, townships, years)
        _insert_all(db, ctx, seed, today)
        set_change_log(db, True)
        counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        roles = dict(
            db.execute(
                "SELECT role = '驻村干部', count(DISTINCT cadre_no) FROM assignments GROUP BY 1"
            ).fetchall()
        )
        summary = DemoSummary(
            scale=scale,
            seed=seed,
            first_day=ctx.first,
            last_day=ctx.last,
            stationed=roles.get(1, 0),
            part_time=roles.get(0, 0),
            **counts,
        )
        log_note(db, "demo", None, f"生成演示数据（种子 {seed}）：{summary.text()}")
    return summary


def _refuse_real_data(db: Database, scale: str) -> None:
    for table, what in (
        ("villages", "村"),
        ("cadres", "干部"),
        ("households", "农户"),
        ("meetings", "会议"),
        ("subsidy_months", "已审批的补助"),
    ):
        if db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
            raise DemoError(
                f"数据库中已有数据（{what}），演示数据只能生成在空数据库中，以免与真实数据混在一起。"
                "请新建一个数据库再生成演示数据。数据库未改动。"
            )
    if scale == "county" and db.execute("SELECT 1 FROM county_files LIMIT 1").fetchone():
        raise DemoError(
            "数据库中已有导入的乡镇上报文件，演示数据只能生成在空数据库中，以免与真实数据混在一起。"
            "请新建一个县级数据库再生成演示数据。数据库未改动。"
        )
    if scale == "county" and db.execute("SELECT 1 FROM townships LIMIT 1").fetchone():
        raise DemoError(
            "数据库中已有乡镇数据，演示数据只能生成在空数据库中，以免与真实数据混在一起。"
            "请新建一个县级数据库再生成演示数据。数据库未改动。"
        )


def _templates(db: Database, ctx: Ctx, years: list[int]) -> dict[int, tuple[int, Template]]:
    """The template of each year: the one chosen already, else the default template."""
    chosen = {r[0] for r in db.execute("SELECT year FROM assessment_years").fetchall()}
    row = db.execute(
        "SELECT id FROM templates WHERE name = ? AND version = ?",
        [DEFAULT_TEMPLATE.name, DEFAULT_TEMPLATE.version],
    ).fetchone()
    out: dict[int, tuple[int, Template]] = {}
    for year in years:
        if year in chosen or row is None:
            out[year] = template_for_year(db, year)
        else:
            out[year] = (int(row[0]), load_template(db, int(row[0])))
        if year not in chosen:
            ctx.add("assessment_years", {"year": year, "template_id": out[year][0]})
    return out


def _township(ctx: Ctx, code: str, name: str) -> list[Township]:
    rng = ctx.rng
    township = Township(code, name)
    n = rng.randint(15, 20)
    make_villages(ctx, township, n, set())
    set_grades(ctx, township.villages, 1, rng.randint(1, 2))
    counts = split_by_weights(rng.randint(2900, 3100), [rng.uniform(0.6, 1.5) for _ in range(n)])
    for village, count in zip(township.villages, counts, strict=True):
        make_households(ctx, village, count)
    village_rows(ctx, township)
    lagging = sum(v.lagging for v in township.villages)
    leaders = min(rng.randint(9, 11), lagging, len(N.LEADER_POSTS))
    stationed = min(lagging, rng.randint(24, 26) - leaders)
    make_cadres(ctx, township, stationed, leaders, "", set())
    post_rows(ctx, township)
    _pick_slack(ctx, [township], county=False)
    return [township]


def _county(ctx: Ctx, county_code: str, county_name: str) -> list[Township]:
    rng = ctx.rng
    townships = [Township(f"{county_code}{101 + i:03d}", N.TOWNSHIP_NAMES[i]) for i in range(20)]
    for t in townships:
        ctx.add(
            "townships",
            {
                "code": t.code,
                "name": t.name,
                "county_code": county_code,
                "county_name": county_name,
            },
        )
    sizes = spread(rng, 266, 20, 9, 18, moves=400)
    used: set[str] = set()
    for t, size in zip(townships, sizes, strict=True):
        make_villages(ctx, t, size, used)
    villages = [v for t in townships for v in t.villages]
    set_grades(ctx, villages, 4, 12)
    counts = split_by_weights(94000, [rng.uniform(0.5, 1.6) for _ in villages])
    for village, count in zip(villages, counts, strict=True):
        make_households(ctx, village, count)
    lagging = [sum(v.lagging for v in t.villages) for t in townships]
    stationed = _capped_split(150, lagging, lagging)
    leader_caps = [min(12, n) for n in lagging]
    leaders = _capped_split(119, [rng.uniform(0.7, 1.3) for _ in townships], leader_caps)
    people: set[str] = set()
    for i, t in enumerate(townships):
        village_rows(ctx, t)
        make_cadres(ctx, t, stationed[i], leaders[i], f"T{i + 1:02d}-", people)
        post_rows(ctx, t)
    _pick_slack(ctx, townships, county=True)
    return townships


def _capped_split(total: int, weights: list[float], caps: list[int]) -> list[int]:
    out = split_by_weights(total, weights)
    over = sum(max(0, o - c) for o, c in zip(out, caps, strict=True))
    out = [min(o, c) for o, c in zip(out, caps, strict=True)]
    i = 0
    while over:
        if out[i % len(out)] < caps[i % len(out)]:
            out[i % len(out)] += 1
            over -= 1
        i += 1
    return out


def _pick_slack(ctx: Ctx, townships: list[Township], county: bool) -> None:
    """A few cadres who clearly fall short of the time requirement."""
    rng = ctx.rng
    for t in townships:
        stationed = [c for c in t.cadres if not c.is_leader]
        leaders = [c for c in t.cadres if c.is_leader and c.post != "党委书记"]
        if stationed and (not county or rng.random() < 0.35):
            rng.choice(stationed).slack = True
        if leaders and (not county or rng.random() < 0.25):
            rng.choice(leaders).slack = True


def _activity(ctx: Ctx, townships: list[Township], years: list[int]) -> None:
    rng = ctx.rng
    plan: dict[str, dict[int, int]] = {}
    for t in townships:
        cadres = t.cadres
        for year in years:
            if ctx.light:
                for c in cadres:
                    if c.slack or rng.random() < 0.07:
                        plan.setdefault(c.no, {})[year] = rng.randint(1, 3) if c.slack else 1
            else:
                slack = [c for c in cadres if c.slack]
                others = rng.sample([c for c in cadres if not c.slack], 2)
                for c in slack:
                    plan.setdefault(c.no, {})[year] = rng.randint(2, 3)
                for c in others:
                    plan.setdefault(c.no, {})[year] = 1
    for t in townships:
        meeting_calendar(ctx, t)
        records = Records(ctx, t)
        records.run(plan)
        Meetings(ctx, records).run()


def _insert_all(db: Database, ctx: Ctx, seed: int, today: date) -> None:
    """executemany per table, in dependency order; uuids from their own seeded source."""
    ids = random.Random(f"demo-uuid-{seed}")
    stamp = f"{today.isoformat()}T00:00:00.000Z"
    conn = db.conn
    for table in TABLES:
        rows = ctx.rows.get(table)
        if not rows:
            continue
        cols = list(rows[0])
        names = [*cols, "uuid", "modified_at"]
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        conn.executemany(
            sql, [(*(r[c] for c in cols), uuid4_text(ids.getrandbits(128)), stamp) for r in rows]
        )


_V4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_V4_SET = (0x8000 << 48) | (4 << 76)


def uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))``, without building a UUID object."""
    h = f"{(bits & _V4_CLEAR) | _V4_SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
