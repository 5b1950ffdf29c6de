"""The seed's matching table (因村制宜、量才选派) and who approves a leave."""

from datetime import date

import pytest

from app.domain.errors import DomainError
from app.domain.leave import COUNTY, TOWNSHIP, approval_level, approval_problem, leave_days
from app.domain.matching import EXPERIENCED, CadreInfo, needs, suggest


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        ("生猪养殖示范村", ["技术"]),
        ("村委会软弱涣散", ["组织宣传纪检民政"]),
        ("社会治安差", ["组织宣传纪检民政"]),
        ("经济发展滞后", ["经济"]),
        ("基层党组织薄弱", [EXPERIENCED]),
        ("村委会软弱涣散、基层党组织薄弱", ["组织宣传纪检民政", EXPERIENCED]),
        ("村委会软弱涣散、社会治安差", ["组织宣传纪检民政"]),  # one need, once
        ("文明村", []),
        ("", []),
        (None, []),
    ],
)
def test_needs_follow_the_seed_table(situation, expected):
    assert needs(situation) == expected


def test_needs_take_a_list_of_tags():
    assert needs(["经济发展滞后", "生猪养殖示范村"]) == ["技术", "经济"]


CADRES = [
    CadreInfo("GB001", "王建国", "组织", is_leader=True, current_posts=("兼职书记·东坡村",)),
    CadreInfo("GB002", "李秀兰", "技术", current_posts=("驻村干部·西沟村",)),
    CadreInfo("GB003", "赵敏", "技术"),
    CadreInfo("GB004", "钱多", "经济", past_assignments=2),
    CadreInfo("GB005", "孙退", "技术", retired=True),
    CadreInfo("GB006", "周全", "综合", past_assignments=1),
]


def test_a_pig_farming_village_gets_technical_cadres_free_first():
    got = suggest("生猪养殖示范村", CADRES)
    assert [s.cadre_no for s in got] == ["GB003", "GB002"]  # the retired one is left out
    assert got[0].free and got[0].fits == ("技术",)
    assert "专长“技术”，适合生猪养殖示范村" in got[0].reason
    assert "目前无岗位" in got[0].reason
    assert "现任驻村干部·西沟村" in got[1].reason


def test_weak_committee_or_poor_order_gets_organisation_cadres():
    got = suggest("社会治安差", CADRES)
    assert [s.cadre_no for s in got] == ["GB001"]  # expertise 组织 fits 组织宣传纪检民政


def test_weak_party_organisation_gets_the_experienced():
    got = suggest("基层党组织薄弱", CADRES)
    # free first (GB004 with 2 past posts, then GB006 with 1), then the busy leader
    assert [s.cadre_no for s in got] == ["GB004", "GB006", "GB001"]
    assert "曾任 2 个驻村/兼职岗位" in got[0].reason
    assert "乡镇领导" in got[2].reason


def test_more_needs_met_ranks_higher_among_the_free():
    cadres = [CadreInfo("A", "甲", "经济"), CadreInfo("B", "乙", "经济", past_assignments=1)]
    got = suggest("经济发展滞后、基层党组织薄弱", cadres)
    assert [s.cadre_no for s in got] == ["B", "A"]
    assert got[0].fits == ("经济", EXPERIENCED)


def test_no_known_need_lists_the_free_cadres():
    got = suggest("文明村", CADRES)
    assert [s.cadre_no for s in got] == ["GB004", "GB006", "GB003"]  # experienced first
    assert "村情未列出对应需求" in got[0].reason


@pytest.mark.parametrize(
    ("days", "level"), [(1, TOWNSHIP), (3, TOWNSHIP), (4, COUNTY), (30, COUNTY)]
)
def test_approval_level(days, level):
    assert approval_level(days) == level


def test_leave_days_count_both_ends():
    assert leave_days(date(2026, 5, 11), date(2026, 5, 12)) == 2
    assert leave_days(date(2026, 5, 31), date(2026, 6, 3)) == 4
    with pytest.raises(DomainError):
        leave_days(date(2026, 5, 12), date(2026, 5, 11))


def test_a_lower_level_is_refused_a_higher_one_may_approve():
    assert "须由县委组织部批准" in approval_problem(5, TOWNSHIP)
    assert approval_problem(5, COUNTY) is None
    assert approval_problem(2, COUNTY) is None
    assert approval_problem(2, TOWNSHIP) is None
    with pytest.raises(DomainError):
        approval_level(0)
