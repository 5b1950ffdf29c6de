"""The register sheets of CONTRACT.md ("Register sheets"), column by column."""

from __future__ import annotations

import json
from collections import defaultdict

from app.domain.assessment import GRADES
from app.domain.attendance import Kind, Role
from app.domain.subsidy import RateKind
from app.sheets import values as v
from app.sheets.base import (
    UNCHANGED,
    Column,
    Context,
    PreviewRow,
    SheetKind,
    refuse,
    rows_summary,
)
from app.sheets.errors import Problem

DATE_HINT = "日期，格式 YYYY-MM-DD（如 2026-03-02），也可用 Excel 日期单元格"


def _cadre_no(
    hint: str = "干部的编号（如 GB001），须已在干部花名册中", key: bool = True, ref: bool = True
) -> Column:
    return Column(
        "干部编号",
        "cadre_no",
        v.identifier,
        key=key,
        hint=hint,
        as_text=True,
        ref="cadre" if ref else None,
    )


def _village(
    field: str = "village_code",
    key: bool = False,
    required: bool = False,
    ref: bool = True,
    hint: str = "12 位村代码（统计用区划代码），须已在村情档案中",
) -> Column:
    return Column(
        "村代码",
        field,
        v.village_code,
        key=key,
        required=required,
        hint=hint,
        as_text=True,
        ref="village" if ref else None,
    )


def _count(
    header: str, field: str, hint: str = "不小于 0 的整数", default: object = None
) -> Column:
    return Column(header, field, v.count, hint=hint, default=default)


def _date(header: str, field: str, key: bool = False, hint: str = DATE_HINT) -> Column:
    return Column(header, field, v.iso_date, key=key, hint=hint)


def _text(header: str, field: str, hint: str = "文字，可空", required: bool = False) -> Column:
    return Column(header, field, v.text, hint=hint, required=required)


def _months_after(ctx: Context, first_day: str) -> list[str]:
    return [
        r[0]
        for r in ctx.db.execute(
            "SELECT month FROM subsidy_months WHERE month >= ? ORDER BY month", [first_day[:7]]
        ).fetchall()
    ]


# ---- villages ------------------------------------------------------------------------------


class Villages(SheetKind):
    def check_record(
        self, ctx: Context, row: int, record: dict[str, object], problems: list[Problem]
    ) -> bool:
        code = str(record["code"])
        if ctx.identity.kind == "county":
            township = code[:9]
            if township not in ctx.townships():
                problems.append(
                    Problem(
                        row,
                        "村代码",
                        f"所属乡镇 {township} 不在本县数据库中（县级数据库的乡镇随上报文件导入）",
                    )
                )
                return False
            record["township_code"] = township
        else:
            record["township_code"] = ctx.identity.township_code
        return True

    def warnings(self, ctx: Context, plan: list[PreviewRow]) -> list[str]:
        out = []
        own = ctx.identity.township_code
        if ctx.identity.kind != "county" and own:
            foreign = [p.row for p in plan if not str(p.values["code"]).startswith(own)]
            if foreign:
                out.append(
                    f"{rows_summary(foreign)}：村代码的前 9 位不是本乡镇代码 {own}，"
                    "请核对（仍按本乡镇的村导入）"
                )
        odd = [
            p.row
            for p in plan
            if p.values.get("agri_population") is not None
            and p.values.get("population") is not None
            and int(p.values["agri_population"]) > int(p.values["population"])
        ]  # type: ignore[arg-type]
        if odd:
            out.append(f"{rows_summary(odd)}：农业人口多于人口，请核对")
        return out


VILLAGES = Villages(
    "villages",
    "村情档案",
    "villages",
    [
        _village(
            "code", key=True, ref=False, hint="12 位村代码（统计用区划代码），如 610526100201"
        ),
        _text("村名", "name", "村的名称", required=True),
        _count("村民小组数", "groups_count"),
        _count("户数", "households"),
        _count("人口", "population"),
        _count("农业人口", "agri_population"),
        _count("党员数", "party_members"),
        _text("主导产业", "leading_industry"),
        Column(
            "党组织类别",
            "register_grade",
            v.grade,
            hint="一类/二类/三类/四类，可空",
            choices=GRADES,
        ),
        _text("备注", "notes"),
    ],
)


# ---- households ----------------------------------------------------------------------------

HOUSEHOLDS = SheetKind(
    "households",
    "户情档案",
    "households",
    [
        Column("户编号", "hh_no", v.identifier, key=True, hint="户的编号，不可重复", as_text=True),
        _village(required=True),
        _text("村民小组", "group_name", "如 一组"),
        _text("户主姓名", "head_name", "户主的姓名", required=True),
        _count("家庭人口", "members"),
        Column("联系电话", "phone", v.phone, hint="7 到 20 位数字，可含“-”，可空", as_text=True),
        _text("主要收入来源", "income_source"),
        Column(
            "年人均纯收入",
            "income_per_capita_fen",
            v.yuan,
            show=v.show_yuan,
            hint="元，最多两位小数，可空",
        ),
        Column(
            "低收入户",
            "low_income",
            v.yes_no,
            default=0,
            show=v.show_yes_no,
            hint="是/否（空白按 否）",
            choices=(v.YES, v.NO),
        ),
        _text("备注", "notes"),
    ],
)


# ---- cadres --------------------------------------------------------------------------------


class Cadres(SheetKind):
    def before(self, ctx: Context) -> None:
        if ctx.identity.kind == "county":
            raise refuse(ctx, "县级数据库请通过上报文件导入干部，不能直接导入干部花名册")

    def check_record(
        self, ctx: Context, row: int, record: dict[str, object], problems: list[Problem]
    ) -> bool:
        record["township_code"] = ctx.identity.township_code
        return True


CADRES = Cadres(
    "cadres",
    "干部花名册",
    "cadres",
    [
        _cadre_no("干部的编号（如 GB001），不可重复", ref=False),
        _text("姓名", "name", "干部姓名", required=True),
        Column("性别", "sex", v.choice(v.SEXES), hint="男/女，可空", choices=v.SEXES),
        _date("出生日期", "birth_date", hint=f"{DATE_HINT}，可空"),
        Column("联系电话", "phone", v.phone, hint="7 到 20 位数字，可含“-”，可空", as_text=True),
        _text("单位", "unit"),
        _text("职务", "post"),
        _text("政治面貌", "political_status", "如 中共党员"),
        _text("专长类别", "expertise", "如 技术、经济、组织、宣传、纪检、民政"),
        Column(
            "乡镇领导",
            "is_leader",
            v.yes_no,
            default=0,
            show=v.show_yes_no,
            hint="是/否（空白按 否）；乡镇领导可兼任村党组织书记",
            choices=(v.YES, v.NO),
        ),
    ],
)


# ---- assignments ---------------------------------------------------------------------------


def _span(values: dict[str, object]) -> tuple[str, str]:
    end = values.get("end_date")
    return str(values["start_date"]), str(end) if end else "9999-12-31"


def _describe(values: dict[str, object]) -> str:
    end = values.get("end_date")
    until = f"至 {end}" if end else "起"
    return f"{values['village_code']} {values['role']}（{values['start_date']} {until}）"


class Assignments(SheetKind):
    def check_record(
        self, ctx: Context, row: int, record: dict[str, object], problems: list[Problem]
    ) -> bool:
        end = record.get("end_date")
        if end is not None and str(end) < str(record["start_date"]):
            problems.append(
                Problem(row, "结束日期", f"结束日期 {end} 早于开始日期 {record['start_date']}")
            )
            return False
        return True

    def warnings(self, ctx: Context, plan: list[PreviewRow]) -> list[str]:
        keys = self.key_fields
        by_cadre: dict[str, dict[tuple[object, ...], tuple[int | None, dict[str, object]]]]
        by_cadre = defaultdict(dict)
        cadres = sorted({str(p.values["cadre_no"]) for p in plan})
        if not cadres:
            return []
        for r in ctx.db.query(
            "SELECT cadre_no, village_code, role, start_date, end_date FROM assignments "
            "WHERE cadre_no IN (SELECT value FROM json_each(?))",
            [json.dumps(cadres, ensure_ascii=False)],
        ):
            by_cadre[r["cadre_no"]][tuple(r[k] for k in keys)] = (None, r)
        for p in plan:
            by_cadre[str(p.values["cadre_no"])][tuple(p.values[k] for k in keys)] = (
                p.row,
                p.values,
            )
        out = []
        for cadre, items in by_cadre.items():
            spans = sorted(items.values(), key=lambda item: _span(item[1]))
            for i, (row_a, a) in enumerate(spans):
                for row_b, b in spans[i + 1 :]:
                    if row_a is None and row_b is None:
                        continue
                    if _span(b)[0] > _span(a)[1]:
                        break
                    rows = "、".join(f"第 {r} 行" if r else "已有记录" for r in (row_a, row_b))
                    out.append(
                        f"{rows}：干部 {cadre} 的任职时间重叠：{_describe(a)} 与 {_describe(b)}"
                    )
        return out


ASSIGNMENTS = Assignments(
    "assignments",
    "驻村兼职安排",
    "assignments",
    [
        _cadre_no(),
        _village(key=True),
        Column(
            "岗位",
            "role",
            v.role,
            key=True,
            hint="驻村干部/兼职书记/兼职第一书记",
            choices=tuple(r.value for r in Role),
        ),
        _date("开始日期", "start_date", key=True),
        _date("结束日期", "end_date", hint=f"{DATE_HINT}；仍在任则留空"),
    ],
)


# ---- attendance, checks --------------------------------------------------------------------


def _approved_month_warning(ctx: Context, plan: list[PreviewRow], day_field: str) -> list[str]:
    approved = set(_months_after(ctx, "0000-00-00"))
    if not approved:
        return []
    hit: dict[str, list[int]] = defaultdict(list)
    for p in plan:
        if p.status != UNCHANGED and str(p.values[day_field])[:7] in approved:
            hit[str(p.values[day_field])[:7]].append(p.row)
    return [
        f"{rows_summary(rows)}：{month} 的补助表已审批，不会改变；"
        "差额将在下一个未审批月份补发或扣回"
        for month, rows in sorted(hit.items())
    ]


class Attendance(SheetKind):
    def warnings(self, ctx: Context, plan: list[PreviewRow]) -> list[str]:
        return _approved_month_warning(ctx, plan, "day")


ATTENDANCE = Attendance(
    "attendance",
    "考勤簿",
    "attendance",
    [
        _cadre_no(),
        _date("日期", "day", key=True),
        _village(hint="12 位村代码，可空；填写时须已在村情档案中"),
        Column(
            "类别",
            "kind",
            v.attendance_kind,
            required=True,
            hint="在村/会议培训/请假/缺勤（会议培训算出勤）",
            choices=tuple(k.value for k in Kind),
        ),
        _text("备注", "note"),
    ],
    note="每名干部每天一条记录。",
    on_insert={"source": "考勤簿"},
    day_field="day",
)

CHECKS = SheetKind(
    "checks",
    "查岗记录",
    "checks",
    [
        _cadre_no(),
        _date("日期", "day", key=True),
        Column(
            "方式",
            "method",
            v.choice(v.METHODS),
            key=True,
            hint="电话查岗/进村抽查/集中检查",
            choices=v.METHODS,
        ),
        Column(
            "结果",
            "result",
            v.choice(v.RESULTS),
            required=True,
            hint="在岗/请假/不在岗（不在岗 = 无故脱岗）",
            choices=v.RESULTS,
        ),
        _text("检查人", "checker"),
        _text("备注", "note"),
    ],
    day_field="day",
)


# ---- rates ---------------------------------------------------------------------------------


class Rates(SheetKind):
    def warnings(self, ctx: Context, plan: list[PreviewRow]) -> list[str]:
        changed = [p for p in plan if p.status != UNCHANGED]
        if not changed:
            return []
        first = min(str(p.values["effective_from"]) for p in changed)
        months = _months_after(ctx, first)
        if not months:
            return []
        return [
            f"已审批的补助月份（{'、'.join(months)}）不受新标准影响；"
            "差额将在下一个未审批月份补发或扣回"
        ]


RATES = Rates(
    "rates",
    "补助标准",
    "subsidy_rates",
    [
        Column(
            "补助类别",
            "kind",
            v.rate_kind,
            key=True,
            hint="生活补助（每出勤一天）/交通通讯补助（每月）",
            choices=tuple(k.value for k in RateKind),
        ),
        _date("起始日期", "effective_from", key=True, hint=f"自该日起执行；{DATE_HINT}"),
        Column(
            "标准",
            "amount_fen",
            v.yuan,
            required=True,
            show=v.show_yuan,
            hint="元，最多两位小数，如 6.00",
        ),
    ],
)


# ---- cadre scores --------------------------------------------------------------------------


class CadreScoresKind(SheetKind):
    """工作业绩 is checked against the maximum of the cadre rules in force that year."""

    def check_record(self, ctx, row, record, problems):  # type: ignore[no-untyped-def]
        from datetime import date

        from app.db.store import cadre_rules

        score = record.get("performance_tenths")
        if score is None:
            return True
        rules = ctx.cache.setdefault(f"rules{record['year']}", None) or cadre_rules(
            ctx.db, date(int(record["year"]), 12, 31)
        )
        ctx.cache[f"rules{record['year']}"] = rules
        if score > rules.performance_max * 10:
            problems.append(
                Problem(
                    row,
                    "工作业绩",
                    f"应在 0 到 {rules.performance_max} 之间，实为 {v.show_tenths(score)}",
                )
            )
            return False
        return True


CADRE_SCORES = CadreScoresKind(
    "cadre-scores",
    "干部考核评分",
    "cadre_assessments",
    [
        _cadre_no(),
        Column("年度", "year", v.year, key=True, hint="4 位年份，如 2026"),
        Column(
            "工作业绩",
            "performance_tenths",
            v.score(v.PERFORMANCE),
            show=v.show_tenths,
            hint="0 到 40 分，最多一位小数；可空（尚未评定）",
        ),
        _count("满意票", "votes_satisfied", "群众测评“满意”票数（空白按 0）", default=0),
        _count("基本满意票", "votes_basic", "群众测评“基本满意”票数（空白按 0）", default=0),
        _count("不满意票", "votes_unsatisfied", "群众测评“不满意”票数（空白按 0）", default=0),
    ],
)

__all__ = [
    "ASSIGNMENTS",
    "ATTENDANCE",
    "CADRES",
    "CADRE_SCORES",
    "CHECKS",
    "HOUSEHOLDS",
    "RATES",
    "VILLAGES",
]
