from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.assessment import (
    CADRE_GRADES,
    DEFAULT_TEMPLATE,
    GRADES,
    Band,
    CadreRules,
    Indicator,
    assess_cadre,
    assess_village,
    cap_explanation,
    cap_grade,
    change,
    change_label,
    format_tenths,
    grade_for,
    grade_rank,
    parse_grade,
    parse_score,
    round_half_up_tenths,
    satisfaction_score,
    time_score,
)
from app.domain.errors import DomainError

RULES = CadreRules()
T = DEFAULT_TEMPLATE


# --- template -----------------------------------------------------------------


def test_default_template_as_in_domain_md() -> None:
    T.validate()
    assert T.label == "默认指标 v1"
    assert len(T.indicators) == 15
    assert [i.name for i in T.indicators] == [
        "主导产业",
        "农民人均纯收入",
        "村集体经济收入",
        "农民增收幅度",
        "社会保障参保",
        "低收入户结对帮扶",
        "基础设施（水电路讯）",
        "环境卫生",
        "村庄规划与绿化",
        "文化活动与阵地",
        "矛盾纠纷调解与治安",
        "移风易俗与文明家庭",
        "党员队伍建设",
        "村两委班子建设",
        "村务公开与民主决策",
    ]
    assert [i.max_tenths for i in T.indicators] == [
        100,
        100,
        50,
        80,
        60,
        60,
        60,
        50,
        40,
        50,
        50,
        50,
        100,
        80,
        70,
    ]
    assert [i.aspect for i in T.indicators[::3]] == [
        "生产发展",
        "生活宽裕",
        "村容整洁",
        "乡风文明",
        "管理民主",
    ]
    assert T.bands == (Band("一类", 900), Band("二类", 800), Band("三类", 600), Band("四类", 0))
    assert GRADES == ("一类", "二类", "三类", "四类")
    assert [grade_rank(g) for g in GRADES] == [1, 2, 3, 4]


def test_template_validation() -> None:
    with pytest.raises(DomainError, match="之和应为 100，现为 99.0"):
        replace(
            T, indicators=(*T.indicators[:-1], Indicator("管理民主", "村务公开与民主决策", 60))
        ).validate()
    with pytest.raises(DomainError, match="指标名称重复：主导产业"):
        replace(
            T, indicators=(*T.indicators[:-1], Indicator("管理民主", "主导产业", 70))
        ).validate()
    with pytest.raises(DomainError, match="严格递减"):
        replace(T, bands=(Band("一类", 900), Band("二类", 900), Band("四类", 0))).validate()
    with pytest.raises(DomainError, match="严格递减"):
        replace(T, bands=(Band("二类", 800), Band("一类", 900), Band("四类", 0))).validate()
    with pytest.raises(DomainError, match="类别名称重复"):
        replace(T, bands=(Band("一类", 900), Band("一类", 800), Band("四类", 0))).validate()
    with pytest.raises(DomainError, match="分数线应为 0"):
        replace(T, bands=(Band("一类", 900), Band("二类", 800))).validate()
    replace(T, version=2, bands=(Band("一类", 850), Band("二类", 700), Band("三类", 0))).validate()


# --- scores ---------------------------------------------------------------------


def test_parse_score() -> None:
    ind = T.indicators[0]  # 主导产业, 10
    assert parse_score("9.5", ind) == 95
    assert parse_score("10", ind) == 100
    assert parse_score("0", ind) == 0
    assert parse_score(" 7.0 ", ind) == 70
    assert parse_score(8, ind) == 80
    assert parse_score(Decimal("8.5"), ind) == 85
    for bad in ["10.1", "11", "9.55", "-1", "abc", "", "9,5", 9.5]:
        with pytest.raises(DomainError) as err:
            parse_score(bad, ind)  # type: ignore[arg-type]
        assert err.value.message.startswith("主导产业的得分应为 0 到 10.0 之间")
        assert err.value.field == "主导产业"


def test_parse_grade() -> None:
    assert parse_grade("一类") == "一类"
    assert parse_grade(" 四类 ") == "四类"
    for bad in ["1类", "一", "五类", "", "一类村"]:
        with pytest.raises(DomainError) as err:
            parse_grade(bad)
        assert err.value.message == f"党组织类别应为 一类/二类/三类/四类：{bad}"


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (1000, "一类"),
        (900, "一类"),
        (899, "二类"),
        (800, "二类"),
        (799, "三类"),
        (600, "三类"),
        (599, "四类"),
        (0, "四类"),
    ],
)
def test_grade_bands(total: int, grade: str) -> None:
    assert grade_for(total, T) == grade


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=1000))
def test_grade_monotone_in_total(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert grade_rank(grade_for(high, T)) <= grade_rank(grade_for(low, T))


def test_change() -> None:
    assert change("三类", "二类") == "升级"
    assert change("四类", "二类") == "升级"
    assert change("一类", "二类") == "降级"
    assert change("二类", "二类") == "持平"
    assert change(None, "二类") is None
    assert change("二类", None) is None
    assert change_label("三类", "二类") == "三类→二类"
    assert change_label(None, "二类") is None


def test_format_tenths() -> None:
    assert format_tenths(95) == "9.5"
    assert format_tenths(900) == "90.0"
    assert format_tenths(0) == "0.0"
    assert format_tenths(1000) == "100.0"
    assert format_tenths(-5) == "-0.5"


def full_scores() -> dict[str, int]:
    return {i.name: i.max_tenths for i in T.indicators}


def test_assess_village() -> None:
    scores = full_scores()
    scores["主导产业"] = 95  # 9.5 → total 99.5
    result = assess_village(scores, T, "二类")
    assert (result.total_tenths, result.grade, result.previous_grade, result.change) == (
        995,
        "一类",
        "二类",
        "升级",
    )
    # 89.9: one tenth below the line is 二类.
    scores["党员队伍建设"] = 100 - 96
    result = assess_village(scores, T, None)
    assert (format_tenths(result.total_tenths), result.grade, result.change) == (
        "89.9",
        "二类",
        None,
    )


def test_assess_village_errors() -> None:
    scores = full_scores()
    del scores["环境卫生"]
    with pytest.raises(DomainError, match="缺少指标得分：环境卫生"):
        assess_village(scores, T, None)
    scores = full_scores() | {"卫生": 10}
    with pytest.raises(DomainError, match="没有这些指标：卫生"):
        assess_village(scores, T, None)
    scores = full_scores() | {"环境卫生": 51}
    with pytest.raises(DomainError, match="环境卫生的得分应为 0 到 5.0 之间"):
        assess_village(scores, T, None)


# --- cadres -----------------------------------------------------------------------


def test_round_half_up() -> None:
    assert round_half_up_tenths(Fraction(25)) == 250
    assert round_half_up_tenths(Fraction(1125, 100)) == 113  # 11.25 → 11.3 (not banker's 11.2)
    assert round_half_up_tenths(Fraction(1124, 100)) == 112
    assert round_half_up_tenths(Fraction(1135, 100)) == 114
    assert round_half_up_tenths(Fraction(-1125, 100)) == -113
    assert round_half_up_tenths(Fraction(10, 3)) == 33


def test_time_score() -> None:
    assert time_score(Fraction(1), RULES) == 300
    assert time_score(Fraction(1, 2), RULES) == 150
    assert time_score(Fraction(2, 3), RULES) == 200
    assert time_score(Fraction(47, 52), RULES) == 271  # 27.115… → 27.1
    assert time_score(Fraction(45, 52), RULES) == 260  # 25.961… → 26.0
    assert time_score(Fraction(7, 8), RULES) == 263  # 26.25 → 26.3
    assert time_score(None, RULES) is None
    with pytest.raises(DomainError):
        time_score(Fraction(3, 2), RULES)


def test_satisfaction_score() -> None:
    assert satisfaction_score(2, 1, 0, RULES) == 250  # 30 × 2.5 / 3 = 25.0
    assert satisfaction_score(1, 1, 2, RULES) == 113  # 30 × 1.5 / 4 = 11.25 → 11.3
    assert satisfaction_score(0, 1, 3, RULES) == 38  # 30 × 0.5 / 4 = 3.75 → 3.8
    assert satisfaction_score(10, 0, 0, RULES) == 300
    assert satisfaction_score(0, 0, 5, RULES) == 0
    assert satisfaction_score(1, 0, 2, RULES) == 100
    assert satisfaction_score(0, 0, 0, RULES) is None
    with pytest.raises(DomainError, match="不能为负数"):
        satisfaction_score(-1, 2, 0, RULES)


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500))
def test_satisfaction_within_bounds(s: int, b: int, u: int) -> None:
    score = satisfaction_score(s, b, u, RULES)
    if s + b + u == 0:
        assert score is None
    else:
        assert score is not None and 0 <= score <= 300
        exact = Fraction(300 * (2 * s + b), 2 * (s + b + u))
        assert abs(score - exact) <= Fraction(1, 2)


@pytest.mark.parametrize(
    ("grade", "unexcused", "capped"),
    [
        ("优秀", 0, "优秀"),
        ("优秀", 1, "称职"),
        ("优秀", 2, "基本称职"),
        ("优秀", 3, "不称职"),
        ("优秀", 7, "不称职"),
        ("称职", 1, "称职"),
        ("基本称职", 1, "基本称职"),  # a lower grade stays lower
        ("不称职", 2, "不称职"),
        ("称职", 2, "基本称职"),
    ],
)
def test_cap_grade(grade: str, unexcused: int, capped: str) -> None:
    assert cap_grade(grade, unexcused, RULES) == capped


def test_cap_explanation() -> None:
    assert cap_explanation(0, RULES) is None
    assert cap_explanation(1, RULES) == "本年度查岗不在岗 1 次，等次最高为称职"
    assert cap_explanation(2, RULES) == "本年度查岗不在岗 2 次，等次最高为基本称职"
    assert cap_explanation(4, RULES) == "本年度查岗不在岗 4 次，等次定为不称职"


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (1000, "优秀"),
        (900, "优秀"),
        (899, "称职"),
        (750, "称职"),
        (749, "基本称职"),
        (600, "基本称职"),
        (599, "不称职"),
    ],
)
def test_cadre_bands(total: int, grade: str) -> None:
    t = min(total, 300)
    p = min(total - t, 400)
    s = total - t - p
    assert assess_cadre(t, p, s, 0, RULES).grade == grade


def test_assess_cadre_contract_example() -> None:
    # CONTRACT.md: 30.0 + 38.0 + 27.0 = 95.0, 2 unexcused absences → 基本称职 (优秀 before cap).
    result = assess_cadre(300, 380, 270, 2, RULES)
    assert result.total_tenths == 950
    assert (result.grade_before_cap, result.grade) == ("优秀", "基本称职")
    assert result.cap_note == "本年度查岗不在岗 2 次，等次最高为基本称职"
    assert not result.outstanding
    clean = assess_cadre(300, 380, 270, 0, RULES)
    assert clean.grade == "优秀" and clean.outstanding and clean.cap_note is None


def test_assess_cadre_errors() -> None:
    with pytest.raises(DomainError, match="群众满意度得分缺失"):
        assess_cadre(300, 380, None, 0, RULES)
    with pytest.raises(DomainError, match="工作业绩得分应在 0 到 40 之间"):
        assess_cadre(300, 401, 270, 0, RULES)
    with pytest.raises(DomainError):
        assess_cadre(300, 380, 270, -1, RULES)


@given(
    st.integers(0, 300),
    st.integers(0, 400),
    st.integers(0, 300),
    st.integers(0, 6),
    st.integers(0, 6),
)
def test_cadre_grade_monotone(t: int, p: int, s: int, n1: int, n2: int) -> None:
    few, many = sorted((n1, n2))
    a = assess_cadre(t, p, s, few, RULES)
    b = assess_cadre(t, p, s, many, RULES)
    assert CADRE_GRADES.index(b.grade) >= CADRE_GRADES.index(a.grade)
    assert CADRE_GRADES.index(a.grade) >= CADRE_GRADES.index(a.grade_before_cap)
    assert a.outstanding == (a.grade == "优秀")


def test_default_cadre_rules() -> None:
    RULES.validate()
    assert RULES.time_max + RULES.performance_max + RULES.satisfaction_max == 100
    assert tuple(g for g, _ in RULES.bands) == CADRE_GRADES
    with pytest.raises(DomainError):
        CadreRules(caps=((1, "优等"),)).validate()
