"""Assessment of village Party organisations (百分制, 一类…四类) and of cadres (year).

Scores are integer tenths of a point (9.5 → 95; 100 points → 1000) so that sums are
exact. Where a figure is rounded it is rounded half up (四舍五入), once, at the end.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from app.domain.errors import DomainError

GRADES: tuple[str, ...] = ("一类", "二类", "三类", "四类")
FULL_MARKS_TENTHS = 1000

_SCORE_RE = re.compile(r"([0-9]+)(?:\.([0-9]+))?")


# ---------------------------------------------------------------------------
# Templates


@dataclass(frozen=True, slots=True)
class Indicator:
    aspect: str
    name: str
    max_tenths: int


@dataclass(frozen=True, slots=True)
class Band:
    """Totals of at least ``min_tenths`` get ``grade`` (unless a higher band applies)."""

    grade: str
    min_tenths: int


@dataclass(frozen=True, slots=True)
class Template:
    """A versioned set of indicators and grade bands; a year keeps the one it was scored with."""

    name: str
    version: int
    indicators: tuple[Indicator, ...]
    bands: tuple[Band, ...]

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def max_tenths(self) -> int:
        return sum(i.max_tenths for i in self.indicators)

    def indicator(self, name: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.name == name:
                return indicator
        raise DomainError(f"{self.label} 没有指标：{name}", field=name)

    def validate(self) -> None:
        """Raise DomainError unless the template is usable."""
        if not self.indicators:
            raise DomainError(f"{self.label} 没有指标")
        seen: set[str] = set()
        for indicator in self.indicators:
            if not indicator.name.strip():
                raise DomainError(f"{self.label} 有指标没有名称")
            if indicator.name in seen:
                raise DomainError(f"指标名称重复：{indicator.name}", field=indicator.name)
            seen.add(indicator.name)
            if indicator.max_tenths <= 0:
                raise DomainError(f"指标满分应大于 0：{indicator.name}", field=indicator.name)
        if self.max_tenths != FULL_MARKS_TENTHS:
            raise DomainError(
                f"{self.label} 各指标满分之和应为 100，现为 {format_tenths(self.max_tenths)}"
            )
        if not self.bands:
            raise DomainError(f"{self.label} 没有类别分档")
        grades = [b.grade for b in self.bands]
        for grade in grades:
            if grades.count(grade) > 1:
                raise DomainError(f"类别名称重复：{grade}")
        for higher, lower in pairwise(self.bands):
            if higher.min_tenths <= lower.min_tenths:
                raise DomainError(
                    f"类别分数线应从高到低严格递减：{higher.grade} {format_tenths(higher.min_tenths)}"
                    f"，{lower.grade} {format_tenths(lower.min_tenths)}"
                )
        if self.bands[-1].min_tenths != 0:
            raise DomainError(f"最低一档（{self.bands[-1].grade}）的分数线应为 0")
        if self.bands[0].min_tenths > FULL_MARKS_TENTHS:
            raise DomainError(f"类别分数线不能超过 100：{self.bands[0].grade}")


def _indicators(*rows: tuple[str, str, int]) -> tuple[Indicator, ...]:
    return tuple(Indicator(aspect, name, points * 10) for aspect, name, points in rows)


DEFAULT_TEMPLATE = Template(
    name="默认指标",
    version=1,
    indicators=_indicators(
        ("生产发展", "主导产业", 10),
        ("生产发展", "农民人均纯收入", 10),
        ("生产发展", "村集体经济收入", 5),
        ("生活宽裕", "农民增收幅度", 8),
        ("生活宽裕", "社会保障参保", 6),
        ("生活宽裕", "低收入户结对帮扶", 6),
        ("村容整洁", "基础设施（水电路讯）", 6),
        ("村容整洁", "环境卫生", 5),
        ("村容整洁", "村庄规划与绿化", 4),
        ("乡风文明", "文化活动与阵地", 5),
        ("乡风文明", "矛盾纠纷调解与治安", 5),
        ("乡风文明", "移风易俗与文明家庭", 5),
        ("管理民主", "党员队伍建设", 10),
        ("管理民主", "村两委班子建设", 8),
        ("管理民主", "村务公开与民主决策", 7),
    ),
    bands=(Band("一类", 900), Band("二类", 800), Band("三类", 600), Band("四类", 0)),
)


# ---------------------------------------------------------------------------
# Scores and grades of villages


def format_tenths(t: int) -> str:
    """``95`` → ``"9.5"``, ``900`` → ``"90.0"``, ``-5`` → ``"-0.5"``."""
    sign = "-" if t < 0 else ""
    whole, tenth = divmod(abs(t), 10)
    return f"{sign}{whole}.{tenth}"


def _parse_tenths(text: str | int | Decimal) -> int | None:
    """A non-negative number with at most one (significant) decimal, in tenths; else None."""
    if isinstance(text, (bool, float)):
        return None
    if isinstance(text, int):
        return text * 10 if text >= 0 else None
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, str):
        m = _SCORE_RE.fullmatch(text.strip())
        if m is None:
            return None
        value = Decimal(f"{m[1]}.{m[2] or '0'}")
    else:
        return None
    if not value.is_finite() or value < 0:
        return None
    tenths = value * 10
    if tenths != tenths.to_integral_value():
        return None
    return int(tenths)


def parse_score(text: str | int | Decimal, indicator: Indicator) -> int:
    """An indicator score in tenths: 0 to the indicator's max, at most one decimal."""
    tenths = _parse_tenths(text)
    if tenths is None or tenths > indicator.max_tenths:
        shown = text.strip() if isinstance(text, str) else str(text)
        raise DomainError(
            f"{indicator.name}的得分应为 0 到 {format_tenths(indicator.max_tenths)} 之间、"
            f"最多一位小数的数：{shown}",
            field=indicator.name,
            column=indicator.name,
        )
    return tenths


def parse_grade(text: str) -> str:
    """One of 一类/二类/三类/四类, exactly (blanks around are ignored)."""
    raw = text.strip() if isinstance(text, str) else str(text)
    if raw not in GRADES:
        raise DomainError(f"党组织类别应为 {'/'.join(GRADES)}：{raw}", field="党组织类别")
    return raw


def grade_rank(grade: str) -> int:
    """一类 → 1 … 四类 → 4 (smaller is better)."""
    try:
        return GRADES.index(grade) + 1
    except ValueError:
        raise DomainError(f"党组织类别应为 {'/'.join(GRADES)}：{grade}") from None


def grade_for(total_tenths: int, template: Template) -> str:
    """The grade of the highest band whose line the total reaches (90.0 → 一类, 89.9 → 二类)."""
    for band in sorted(template.bands, key=lambda b: b.min_tenths, reverse=True):
        if total_tenths >= band.min_tenths:
            return band.grade
    raise DomainError(f"总分 {format_tenths(total_tenths)} 不在任何类别分档内")


def change(previous: str | None, current: str | None) -> str | None:
    """``升级`` (better class), ``降级`` (worse), ``持平`` (same), None if either is unknown."""
    if previous is None or current is None:
        return None
    before, after = grade_rank(previous), grade_rank(current)
    if after < before:
        return "升级"
    if after > before:
        return "降级"
    return "持平"


def change_label(previous: str | None, current: str | None) -> str | None:
    """``三类→二类``; None if either grade is unknown."""
    if previous is None or current is None:
        return None
    return f"{previous}→{current}"


@dataclass(frozen=True, slots=True)
class VillageResult:
    total_tenths: int
    grade: str
    previous_grade: str | None
    change: str | None


def assess_village(
    scores: Mapping[str, int], template: Template, previous_grade: str | None
) -> VillageResult:
    """Total, grade and change of a village from its indicator scores (tenths)."""
    names = [i.name for i in template.indicators]
    missing = [n for n in names if n not in scores]
    if missing:
        raise DomainError(f"缺少指标得分：{'、'.join(missing)}", field=missing[0])
    unknown = [n for n in scores if n not in names]
    if unknown:
        raise DomainError(f"{template.label} 没有这些指标：{'、'.join(unknown)}", field=unknown[0])
    for indicator in template.indicators:
        value = scores[indicator.name]
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"score of {indicator.name} must be int tenths")
        if not 0 <= value <= indicator.max_tenths:
            raise DomainError(
                f"{indicator.name}的得分应为 0 到 {format_tenths(indicator.max_tenths)} 之间："
                f"{format_tenths(value)}",
                field=indicator.name,
            )
    total = sum(scores[n] for n in names)
    grade = grade_for(total, template)
    return VillageResult(total, grade, previous_grade, change(previous_grade, grade))


# ---------------------------------------------------------------------------
# Cadres

CADRE_GRADES: tuple[str, ...] = ("优秀", "称职", "基本称职", "不称职")


@dataclass(frozen=True, slots=True)
class CadreRules:
    """Maxima in points; band lines in tenths; caps: n or more unexcused absences → at most grade."""

    time_max: int = 30
    performance_max: int = 40
    satisfaction_max: int = 30
    bands: tuple[tuple[str, int], ...] = (
        ("优秀", 900),
        ("称职", 750),
        ("基本称职", 600),
        ("不称职", 0),
    )
    caps: tuple[tuple[int, str], ...] = ((1, "称职"), (2, "基本称职"), (3, "不称职"))

    def validate(self) -> None:
        if min(self.time_max, self.performance_max, self.satisfaction_max) < 0:
            raise DomainError("干部考核各项满分不能为负数")
        grades = [g for g, _ in self.bands]
        if len(set(grades)) != len(grades) or not grades:
            raise DomainError("干部考核等次名称重复或为空")
        lines = [t for _, t in self.bands]
        if any(a <= b for a, b in pairwise(lines)) or lines[-1] != 0:
            raise DomainError("干部考核等次分数线应从高到低严格递减，最低一档为 0")
        for n, grade in self.caps:
            if n < 1 or grade not in grades:
                raise DomainError(f"查岗封顶规则有误：{n} 次 → {grade}")

    def rank(self, grade: str) -> int:
        for index, (name, _) in enumerate(self.bands):
            if name == grade:
                return index
        raise DomainError(f"干部考核等次应为 {'/'.join(g for g, _ in self.bands)}：{grade}")

    def grade_for(self, total_tenths: int) -> str:
        for grade, line in sorted(self.bands, key=lambda b: b[1], reverse=True):
            if total_tenths >= line:
                return grade
        raise DomainError(f"总分 {format_tenths(total_tenths)} 不在任何等次分档内")


def round_half_up_tenths(x: Fraction) -> int:
    """Round ``x`` (points) to one decimal, half up (四舍五入, away from zero); in tenths."""
    x = Fraction(x)
    scaled = abs(x) * 10
    tenths = int(scaled + Fraction(1, 2))  # floor for non-negative values
    return tenths if x >= 0 else -tenths


def time_score(ratio: Fraction | None, rules: CadreRules) -> int | None:
    """驻村时限: ``time_max`` × compliance ratio, in tenths; None when nothing was judged."""
    if ratio is None:
        return None
    ratio = Fraction(ratio)
    if not 0 <= ratio <= 1:
        raise DomainError(f"达标比例应在 0 到 1 之间：{ratio}")
    return round_half_up_tenths(rules.time_max * ratio)


def satisfaction_score(
    satisfied: int, basic: int, unsatisfied: int, rules: CadreRules
) -> int | None:
    """群众满意度: ``satisfaction_max`` × (满意 + ½ 基本满意) / all votes, in tenths.

    None when there are no votes (the score is then entered by hand).
    """
    for label, votes in (("满意票", satisfied), ("基本满意票", basic), ("不满意票", unsatisfied)):
        if isinstance(votes, bool) or not isinstance(votes, int):
            raise DomainError(f"{label}应为整数：{votes}", field=label)
        if votes < 0:
            raise DomainError(f"{label}不能为负数：{votes}", field=label)
    n = satisfied + basic + unsatisfied
    if n == 0:
        return None
    return round_half_up_tenths(rules.satisfaction_max * (satisfied + Fraction(basic, 2)) / n)


def cap_for(unexcused: int, rules: CadreRules) -> str | None:
    """The best grade allowed with ``unexcused`` absences, or None when not capped."""
    best: tuple[int, str] | None = None
    for n, grade in rules.caps:
        if unexcused >= n and (best is None or n > best[0]):
            best = (n, grade)
    return None if best is None else best[1]


def cap_grade(grade: str, unexcused: int, rules: CadreRules) -> str:
    """``grade`` lowered to the cap for ``unexcused`` absences (a lower grade stays)."""
    cap = cap_for(unexcused, rules)
    if cap is None:
        rules.rank(grade)
        return grade
    return grade if rules.rank(grade) >= rules.rank(cap) else cap


def cap_explanation(unexcused: int, rules: CadreRules) -> str | None:
    """``本年度查岗不在岗 2 次，等次最高为基本称职``; None when not capped."""
    cap = cap_for(unexcused, rules)
    if cap is None:
        return None
    if cap == rules.bands[-1][0]:
        return f"本年度查岗不在岗 {unexcused} 次，等次定为{cap}"
    return f"本年度查岗不在岗 {unexcused} 次，等次最高为{cap}"


@dataclass(frozen=True, slots=True)
class CadreResult:
    time_tenths: int
    performance_tenths: int
    satisfaction_tenths: int
    total_tenths: int
    grade_before_cap: str
    grade: str
    unexcused: int
    cap_note: str | None
    outstanding: bool  # 优秀: eligible for 副科级待遇 or priority promotion


def _check_part(value: int | None, maximum: int, label: str) -> int:
    if value is None:
        raise DomainError(f"{label}得分缺失，请录入", field=label)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{label} must be int tenths")
    if not 0 <= value <= maximum * 10:
        raise DomainError(
            f"{label}得分应在 0 到 {maximum} 之间：{format_tenths(value)}", field=label
        )
    return value


def assess_cadre(
    time_tenths: int | None,
    performance_tenths: int | None,
    satisfaction_tenths: int | None,
    unexcused: int,
    rules: CadreRules,
) -> CadreResult:
    """Total, grade (banded, then capped by unexcused absences) of a cadre's year."""
    t = _check_part(time_tenths, rules.time_max, "驻村时限")
    p = _check_part(performance_tenths, rules.performance_max, "工作业绩")
    s = _check_part(satisfaction_tenths, rules.satisfaction_max, "群众满意度")
    if unexcused < 0:
        raise DomainError(f"不在岗次数不能为负数：{unexcused}")
    total = t + p + s
    before = rules.grade_for(total)
    grade = cap_grade(before, unexcused, rules)
    return CadreResult(
        time_tenths=t,
        performance_tenths=p,
        satisfaction_tenths=s,
        total_tenths=total,
        grade_before_cap=before,
        grade=grade,
        unexcused=unexcused,
        cap_note=cap_explanation(unexcused, rules),
        outstanding=grade == rules.bands[0][0],
    )


DEFAULT_CADRE_RULES = CadreRules()

__all__ = [
    "CADRE_GRADES",
    "DEFAULT_CADRE_RULES",
    "DEFAULT_TEMPLATE",
    "FULL_MARKS_TENTHS",
    "GRADES",
    "Band",
    "CadreResult",
    "CadreRules",
    "Indicator",
    "Template",
    "VillageResult",
    "assess_cadre",
    "assess_village",
    "cap_explanation",
    "cap_for",
    "cap_grade",
    "change",
    "change_label",
    "format_tenths",
    "grade_for",
    "grade_rank",
    "parse_grade",
    "parse_score",
    "round_half_up_tenths",
    "satisfaction_score",
    "time_score",
]
