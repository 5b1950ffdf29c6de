"""Village (100-point) and cadre assessments of a year as report data."""

from __future__ import annotations

from sqlite_utils import Database

from app.db import store
from app.db.compliance import cadre_compliance
from app.domain.assessment import (
    assess_cadre,
    change,
    format_tenths,
    satisfaction_score,
    time_score,
)
from app.domain.errors import DomainError
from app.domain.periods import Year
from app.reports.tabular import Table


def _fmt(t: int | None) -> str | None:
    return None if t is None else format_tenths(t)


def grades_of_year(db: Database, year: int) -> dict[str, str]:
    return {
        r["village_code"]: r["grade"]
        for r in db.query(
            "SELECT village_code, grade FROM village_assessments WHERE year = ?", [year]
        )
    }


def village_assessment_report(
    db: Database, year: int, village: str | None = None, blank: bool = False
) -> tuple[dict, Table]:
    ident = store.require_identity(db)
    _tid, template = store.template_for_year(db, year)
    villages = list(
        db.query(
            "SELECT code, name FROM villages"
            + (" WHERE code = ?" if village else "")
            + " ORDER BY code",
            [village] if village else [],
        )
    )
    if village and not villages:
        raise DomainError(f"村代码 {village} 不存在", field="--village")
    assessed = {
        r["village_code"]: r
        for r in db.query("SELECT * FROM village_assessments WHERE year = ?", [year])
    }
    if assessed:
        used = {r["template_id"] for r in assessed.values()}
        if len(used) == 1:
            template = store.load_template(db, used.pop())
    scores: dict[str, dict[str, int]] = {}
    for r in db.query(
        "SELECT village_code, indicator, score_tenths FROM village_scores WHERE year = ?", [year]
    ):
        scores.setdefault(r["village_code"], {})[r["indicator"]] = r["score_tenths"]
    previous = grades_of_year(db, year - 1)
    out, rows = [], []
    names = [i.name for i in template.indicators]
    for v in villages:
        a = None if blank else assessed.get(v["code"])
        prev = previous.get(v["code"])
        grade = a["grade"] if a else None
        vs = scores.get(v["code"], {}) if a else {}
        out.append(
            {
                "code": v["code"],
                "name": v["name"],
                "total": _fmt(a["total_tenths"]) if a else None,
                "grade": grade,
                "previous_grade": prev,
                "change": change(prev, grade),
                "assessor": a["assessor"] if a else None,
                "scores": {n: _fmt(vs.get(n)) for n in names},
            }
        )
        rows.append(
            [v["code"], v["name"]]
            + [_fmt(vs.get(n)) or "" for n in names]
            + [
                _fmt(a["total_tenths"]) if a else "",
                grade or "",
                prev or "",
                change(prev, grade) or "",
            ]
        )
    data = {
        "year": year,
        "township": ident.display_name,
        "template": template.label,
        "indicators": [
            {"aspect": i.aspect, "name": i.name, "max": format_tenths(i.max_tenths)}
            for i in template.indicators
        ],
        "villages": out,
    }
    header = (
        ["村代码", "村名"]
        + [f"{i.name}（{format_tenths(i.max_tenths)}）" for i in template.indicators]
        + ["总分", "类别", "上年类别", "变化"]
    )
    table = Table(
        title=f"{ident.display_name} {year}年度村党组织百分制考核表（{template.label}）",
        header=header,
        rows=rows,
        sheet_name=f"{year}村级考核",
        footer=[("考核人：", "", "", "日期：")],
    )
    return data, table


def cadre_assessment_report(
    db: Database, year: int, cadre: str | None = None
) -> tuple[dict, Table]:
    ident = store.require_identity(db)
    period = Year(year)
    rules = store.cadre_rules(db, period.last_day)
    comp = cadre_compliance(db, period.first_day, period.last_day)
    entered = {
        r["cadre_no"]: r for r in db.query("SELECT * FROM cadre_assessments WHERE year = ?", [year])
    }
    unexcused = store.unexcused_absences(db, period.first_day, period.last_day)
    names = store.cadre_names(db)
    cadres = sorted(set(comp) | set(entered))
    if cadre:
        if cadre not in names:
            raise DomainError(f"干部编号 {cadre} 不存在", field="--cadre")
        cadres = [cadre]
    out, rows = [], []
    for c in cadres:
        cc = comp.get(c)
        e = entered.get(c)
        summary = cc.summary if cc else None
        t = time_score(summary.ratio if summary else None, rules)
        if t is None and e is not None:
            t = e["time_manual_tenths"]
        s = None
        if e is not None:
            s = satisfaction_score(
                e["votes_satisfied"], e["votes_basic"], e["votes_unsatisfied"], rules
            )
            if s is None:
                s = e["satisfaction_manual_tenths"]
        p = e["performance_tenths"] if e is not None else None
        n = unexcused.get(c, 0)
        result = assess_cadre(t, p, s, n, rules) if None not in (t, p, s) else None
        line = {
            "cadre_no": c,
            "name": names.get(c, ""),
            "role": cc.role if cc else None,
            "judged_periods": summary.judged if summary else 0,
            "met_periods": summary.met if summary else 0,
            "time_score": _fmt(t),
            "performance_score": _fmt(p),
            "satisfaction_score": _fmt(s),
            "total": _fmt(result.total_tenths) if result else None,
            "unexcused_absences": n,
            "grade": result.grade if result else None,
            "grade_before_cap": result.grade_before_cap if result else None,
            "cap_note": result.cap_note if result else None,
            "outstanding": result.outstanding if result else False,
            "votes": (
                {
                    "satisfied": e["votes_satisfied"],
                    "basic": e["votes_basic"],
                    "unsatisfied": e["votes_unsatisfied"],
                }
                if e is not None
                else None
            ),
        }
        out.append(line)
        rows.append(
            [
                c,
                line["name"],
                line["role"] or "",
                f"{line['met_periods']}/{line['judged_periods']}",
                line["time_score"] or "",
                line["performance_score"] or "",
                line["satisfaction_score"] or "",
                line["total"] or "",
                n,
                line["grade_before_cap"] or "",
                line["grade"] or "",
                line["cap_note"] or "",
            ]
        )
    header = [
        "干部编号",
        "姓名",
        "岗位",
        "达标周期/考核周期",
        "驻村时限(30)",
        "工作业绩(40)",
        "群众满意度(30)",
        "总分",
        "查岗不在岗",
        "封顶前等次",
        "等次",
        "说明",
    ]
    table = Table(
        title=f"{ident.display_name} {year}年度驻村干部考核表",
        header=header,
        rows=rows,
        sheet_name=f"{year}干部考核",
    )
    return {"year": year, "township": ident.display_name, "cadres": out}, table
