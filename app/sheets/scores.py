"""The village assessment sheet (``scores``): one column per indicator of the year's template.

A row is scored with the template its year uses (``template_for_year``); its total and
grade come from ``assess_village``. Loading pins the template to the year
(``assessment_years``) so the year keeps its version when the template changes later.
"""

from __future__ import annotations

import json
from datetime import date

from sqlite_utils import Database

from app.db.schema import NOW_SQL
from app.db.store import template_for_year
from app.domain.assessment import Template, assess_village, change_label, format_tenths
from app.domain.errors import DomainError
from app.sheets import values as v
from app.sheets.base import (
    NEW,
    UNCHANGED,
    UPDATED,
    Column,
    Context,
    Parsed,
    PreviewRow,
    SheetKind,
    header_problems,
    upsert,
)
from app.sheets.errors import Problem, strip_field
from app.sheets.reader import HeaderCheck

FIXED = (
    Column(
        "村代码",
        "village_code",
        v.village_code,
        key=True,
        as_text=True,
        ref="village",
        hint="12 位村代码，须已在村情档案中",
    ),
    Column("年度", "year", v.year, key=True, hint="考核年度，如 2026；按该年度的考核模板评分"),
    Column("考核人", "assessor", v.text, hint="考核人或考核组，可空"),
)
FIXED_HEADERS = tuple(c.header for c in FIXED)
RESULT_HEADERS = ("总分", "类别", "升降")
_FIELDS = ("template_id", "assessor", "total_tenths", "grade")


def default_year() -> int:
    return date.today().year


class Scores(SheetKind):
    def __init__(self) -> None:
        super().__init__(
            "scores",
            "村级组织考核评分",
            "village_assessments",
            FIXED,
            note="指标列按年度的考核模板；每项得分 0 到该项满分，最多一位小数。",
        )

    # ---- headers -------------------------------------------------------------------------
    def template(self, db: Database, year: int) -> tuple[int, Template]:
        return template_for_year(db, year)

    def headers(self, db: Database | None = None, year: int | None = None) -> list[str]:
        if db is None:
            return list(FIXED_HEADERS)
        _, template = self.template(db, year or default_year())
        return [*FIXED_HEADERS, *(i.name for i in template.indicators)]

    def indicator_columns(self, db: Database, year: int | None = None) -> list[Column]:
        _, template = self.template(db, year or default_year())
        return [
            Column(
                i.name,
                i.name,
                v.score(i),
                required=True,
                show=v.show_tenths,
                hint=f"{i.aspect}：0 到 {format_tenths(i.max_tenths)} 分，最多一位小数",
            )
            for i in template.indicators
        ]

    def header_check(self, ctx: Context) -> HeaderCheck:
        expected = self.headers(ctx.db)
        known = {r[0] for r in ctx.db.execute("SELECT DISTINCT name FROM template_indicators")}

        def check(names: list[str]) -> list[Problem]:
            return header_problems(
                self.title, names, expected, [*FIXED_HEADERS, *known], FIXED_HEADERS
            )

        return check

    # ---- parsing -------------------------------------------------------------------------
    def parse_row(
        self,
        ctx: Context,
        row: int,
        cells: dict[str, object],
        record: dict[str, object],
        extra: dict[str, object],
        problems: list[Problem],
    ) -> bool:
        ok = self.parse_cells(row, cells, FIXED, ctx, record, problems)
        year = record.get("year")
        if not isinstance(year, int):
            return False
        templates: dict[int, tuple[int, Template]] = ctx.cache.setdefault("templates", {})  # type: ignore[assignment]
        missing: set[tuple[int, str]] = ctx.cache.setdefault("missing", set())  # type: ignore[assignment]
        if year not in templates:
            templates[year] = self.template(ctx.db, year)
        template_id, template = templates[year]
        record["template_id"] = template_id
        names = {i.name for i in template.indicators}
        scores: dict[str, int] = {}
        for indicator in template.indicators:
            if indicator.name not in cells:
                if (year, indicator.name) not in missing:
                    missing.add((year, indicator.name))
                    problems.append(
                        Problem(
                            1,
                            indicator.name,
                            f"缺少这一列：{year} 年度按考核模板「{template.label}」评分，"
                            "须有该指标列",
                        )
                    )
                ok = False
                continue
            value = cells[indicator.name]
            if value is None:
                problems.append(Problem(row, indicator.name, "不能为空"))
                ok = False
                continue
            try:
                scores[indicator.name] = v.score(indicator)(value)
            except DomainError as e:
                problems.append(
                    Problem(row, indicator.name, strip_field(e.message, indicator.name))
                )
                ok = False
        for header, value in cells.items():
            if header not in FIXED_HEADERS and header not in names and value is not None:
                problems.append(
                    Problem(
                        row,
                        header,
                        f"{year} 年度的考核模板「{template.label}」没有这一指标，请留空或删除该列",
                    )
                )
                ok = False
        if not ok:
            return False
        try:
            result = assess_village(scores, template, None)
        except DomainError as e:
            problems.append(Problem(row, None, e.message))
            return False
        record["total_tenths"] = result.total_tenths
        record["grade"] = result.grade
        extra["scores"] = scores
        return True

    # ---- comparing -----------------------------------------------------------------------
    def plan(self, ctx: Context, parsed: list[Parsed]) -> list[PreviewRow]:
        if not parsed:
            return []
        keys = self.key_fields
        stored = self.existing(ctx, "village_assessments", keys, _FIELDS, (p.key for p in parsed))
        previous = self.existing(
            ctx,
            "village_assessments",
            keys,
            ["grade"],
            {(p.key[0], int(p.key[1]) - 1) for p in parsed},
        )  # type: ignore[call-overload]
        in_sheet = {p.key: str(p.record["grade"]) for p in parsed}
        stored_scores = self._stored_scores(ctx, [p.key for p in parsed])
        out = []
        for p in parsed:
            scores: dict[str, int] = p.extra["scores"]  # type: ignore[assignment]
            before_key = (p.key[0], int(p.key[1]) - 1)  # type: ignore[call-overload]
            prev = in_sheet.get(before_key) or (previous.get(before_key) or {}).get("grade")
            old = stored.get(p.key)
            old_scores = stored_scores.get(p.key, {})
            changed: list[str] = []
            if old is None:
                status = NEW
            else:
                if old["assessor"] != p.record["assessor"]:
                    changed.append("考核人")
                changed += [n for n, s in scores.items() if old_scores.get(n) != s]
                changed += [n for n in old_scores if n not in scores]
                if old["template_id"] != p.record["template_id"]:
                    changed.append("考核模板")
                if old["total_tenths"] != p.record["total_tenths"]:
                    changed.append("总分")
                if old["grade"] != p.record["grade"]:
                    changed.append("类别")
                status = UPDATED if changed else UNCHANGED
            cells = {
                h: v.show_plain(p.record[f])
                for h, f in zip(FIXED_HEADERS, ("village_code", "year", "assessor"), strict=True)
            }
            cells |= {n: format_tenths(s) for n, s in scores.items()}
            cells |= {
                "总分": format_tenths(int(p.record["total_tenths"])),  # type: ignore[arg-type]
                "类别": str(p.record["grade"]),
                "升降": change_label(str(prev), str(p.record["grade"])) if prev else "",
            }
            extra = {"scores": scores, "stored_scores": old_scores, "previous_grade": prev}
            out.append(PreviewRow(p.row, status, p.record, cells, tuple(changed), extra))
        return out

    def _stored_scores(
        self, ctx: Context, keys: list[tuple[object, ...]]
    ) -> dict[tuple[object, ...], dict[str, int]]:
        out: dict[tuple[object, ...], dict[str, int]] = {}
        sql = (
            "SELECT s.village_code, s.year, s.indicator, s.score_tenths FROM json_each(?) j "
            "JOIN village_scores s ON s.village_code = json_extract(j.value, '$[0]') "
            "AND s.year = json_extract(j.value, '$[1]')"
        )
        param = json.dumps([list(k) for k in keys], ensure_ascii=False)
        for code, year, name, tenths in ctx.db.execute(sql, [param]).fetchall():
            out.setdefault((code, year), {})[name] = tenths
        return out

    # ---- writing -------------------------------------------------------------------------
    def write(self, ctx: Context, plan: list[PreviewRow]) -> None:
        db = ctx.db
        years = {int(p.values["year"]): int(p.values["template_id"]) for p in plan}  # type: ignore[call-overload]
        db.conn.executemany(
            "INSERT INTO assessment_years (year, template_id) SELECT ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM assessment_years WHERE year = ?)",
            [(y, t, y) for y, t in sorted(years.items())],
        )
        upsert(db, "village_assessments", self.key_fields, plan)
        inserts, updates, deletes = [], [], []
        for p in plan:
            if p.status == UNCHANGED:
                continue
            code, year = p.values["village_code"], p.values["year"]
            scores: dict[str, int] = p.extra["scores"]  # type: ignore[assignment]
            old: dict[str, int] = p.extra["stored_scores"]  # type: ignore[assignment]
            for name, tenths in scores.items():
                if name not in old:
                    inserts.append((code, year, name, tenths))
                elif old[name] != tenths:
                    updates.append((tenths, code, year, name))
            deletes += [(code, year, name) for name in old if name not in scores]
        db.conn.executemany(
            "INSERT INTO village_scores (village_code, year, indicator, score_tenths) "
            "VALUES (?, ?, ?, ?)",
            inserts,
        )
        db.conn.executemany(
            f"UPDATE village_scores SET score_tenths = ?, modified_at = {NOW_SQL} "
            "WHERE village_code = ? AND year = ? AND indicator = ?",
            updates,
        )
        db.conn.executemany(
            "DELETE FROM village_scores WHERE village_code = ? AND year = ? AND indicator = ?",
            deletes,
        )


SCORES = Scores()
