"""Subsidy rates and the year assessments of villages and cadres."""

from __future__ import annotations

from datetime import date

from app.demo.base import Ctx, Township, Village
from app.domain.assessment import Template, assess_village, grade_rank

GRADE_ORDER = ("一类", "二类", "三类", "四类")


def rate_rows(ctx: Ctx) -> None:
    """生活补助 6.00/day and 交通通讯补助 40.00/month since before the records; one raise of
    the transport allowance to 100.00/month from the 1st of a month of the last year."""
    since = date(ctx.first.year - 1, 7, 1).isoformat()
    month = min(ctx.rng.randint(3, 7), ctx.last.month)
    raise_on = date(ctx.last.year, month, 1).isoformat()
    for kind, day, fen in (
        ("生活补助", since, 600),
        ("交通通讯补助", since, 4000),
        ("交通通讯补助", raise_on, 10000),
    ):
        ctx.add("subsidy_rates", {"kind": kind, "effective_from": day, "amount_fen": fen})


def _next_grade(ctx: Ctx, grade: str, helped: bool) -> str:
    """One year's move of a village's class: mostly the same, some up, a few down."""
    r = ctx.rng.random()
    boost = 1.5 if helped else 1.0
    up, up2, down = {
        "四类": (0.22, 0.03, 0.0),
        "三类": (0.16, 0.0, 0.02),
        "二类": (0.10, 0.0, 0.03),
        "一类": (0.0, 0.0, 0.05),
    }[grade]
    i = GRADE_ORDER.index(grade)
    if r < up2 * boost:
        return GRADE_ORDER[i - 2]
    if r < (up + up2) * boost:
        return GRADE_ORDER[i - 1]
    if r > 1 - down:
        return GRADE_ORDER[i + 1]
    return grade


def grade_paths(
    ctx: Ctx, villages: list[Village], helped: set[str], years: list[int]
) -> dict[str, dict[int, str]]:
    """village code -> {year: grade}; the last year has at least one upgrade and one downgrade."""
    paths: dict[str, dict[int, str]] = {}
    for v in villages:
        grade, path = v.grade, {}
        for year in years:
            grade = _next_grade(ctx, grade, v.code in helped)
            path[year] = grade
        paths[v.code] = path
    if len(years) >= 2:
        last, before = years[-1], years[-2]
        moves = [grade_rank(paths[c][last]) - grade_rank(paths[c][before]) for c in paths]
        codes = list(paths)
        if not any(paths[c][before] == "三类" and paths[c][last] == "二类" for c in codes):
            # the campaign's typical success: a class-3 village with a stationed cadre → 二类
            options = [c for c in codes if paths[c][before] == "三类" and c in helped]
            options = options or [c for c in codes if paths[c][before] == "三类"]
            options = options or [c for c in codes if paths[c][before] in ("二类", "四类")]
            if options:
                code = ctx.rng.choice(options)
                paths[code][last] = GRADE_ORDER[GRADE_ORDER.index(paths[code][before]) - 1]
        moves = [grade_rank(paths[c][last]) - grade_rank(paths[c][before]) for c in paths]
        if not any(m > 0 for m in moves):
            options = [
                c
                for c, m in zip(codes, moves, strict=True)
                if m == 0 and paths[c][before] in ("二类", "三类") and c not in helped
            ]
            options = options or [
                c
                for c, m in zip(codes, moves, strict=True)
                if m == 0 and paths[c][before] != "四类"
            ]
            if options:
                code = ctx.rng.choice(options)
                paths[code][last] = GRADE_ORDER[GRADE_ORDER.index(paths[code][before]) + 1]
    return paths


def _band(template: Template, grade: str) -> tuple[int, int]:
    """Totals (tenths, multiples of 5) to draw from for a grade."""
    bands = sorted(template.bands, key=lambda b: b.min_tenths, reverse=True)
    for i, band in enumerate(bands):
        if band.grade == grade:
            hi = 975 if i == 0 else bands[i - 1].min_tenths - 5
            lo = band.min_tenths if band.min_tenths > 0 else max(0, hi - 150)
            return -(-lo // 5) * 5, hi
    raise KeyError(grade)


def scores_for(ctx: Ctx, template: Template, total: int) -> dict[str, int]:
    """Indicator scores (tenths, half points) summing to ``total`` within each maximum."""
    rng = ctx.rng
    maxes = [i.max_tenths for i in template.indicators]
    share = total / sum(maxes)
    scores = [max(0, min(m, round(m * (share + rng.uniform(-0.12, 0.12)) / 5) * 5)) for m in maxes]
    diff = total - sum(scores)
    guard = 0
    while diff and guard < 10000:
        guard += 1
        i = rng.randrange(len(scores))
        step = (5 if diff > 0 else -5) if abs(diff) >= 5 else diff
        if 0 <= scores[i] + step <= maxes[i]:
            scores[i] += step
            diff -= step
    return {ind.name: s for ind, s in zip(template.indicators, scores, strict=True)}


def village_assessments(
    ctx: Ctx, townships: list[Township], templates: dict[int, tuple[int, Template]]
) -> None:
    """assessment_years rows are added by the caller; village assessments and scores here."""
    years = sorted(templates)
    for t in townships:
        helped = {p.village_code for p in t.posts if p.role == "驻村干部"}
        assessor = f"{t.name}升级晋档考核领导小组"
        paths = grade_paths(ctx, t.villages, helped, years)
        for v in t.villages:
            previous: str | None = v.grade
            for year in years:
                tid, template = templates[year]
                lo, hi = _band(template, paths[v.code][year])
                total = ctx.rng.randrange(lo, hi + 1, 5)
                scores = scores_for(ctx, template, total)
                result = assess_village(scores, template, previous)
                previous = result.grade
                on = min(date(year, 12, 20), ctx.last)
                ctx.add(
                    "village_assessments",
                    {
                        "village_code": v.code,
                        "year": year,
                        "template_id": tid,
                        "assessor": assessor,
                        "assessed_on": on.isoformat(),
                        "total_tenths": result.total_tenths,
                        "grade": result.grade,
                    },
                )
                for name, score in scores.items():
                    ctx.add(
                        "village_scores",
                        {
                            "village_code": v.code,
                            "year": year,
                            "indicator": name,
                            "score_tenths": score,
                        },
                    )


def cadre_assessments(ctx: Ctx, townships: list[Township], years: list[int]) -> None:
    rng = ctx.rng
    for t in townships:
        for cadre in t.cadres:
            posts = [p for p in t.posts if p.cadre_no == cadre.no]
            for year in years:
                if not any(
                    p.span(date(year, 1, 1), min(ctx.last, date(year, 12, 31))) for p in posts
                ):
                    continue
                if cadre.slack:
                    performance, share = rng.randint(280, 320), rng.uniform(0.35, 0.6)
                else:
                    performance, share = rng.randint(320, 390), rng.uniform(0.62, 0.95)
                votes = rng.randint(20, 50)
                satisfied = round(votes * share)
                basic = round((votes - satisfied) * rng.uniform(0.5, 0.9))
                ctx.add(
                    "cadre_assessments",
                    {
                        "cadre_no": cadre.no,
                        "year": year,
                        "performance_tenths": performance,
                        "votes_satisfied": satisfied,
                        "votes_basic": basic,
                        "votes_unsatisfied": votes - satisfied - basic,
                        "satisfaction_manual_tenths": None,
                        "time_manual_tenths": None,
                    },
                )
