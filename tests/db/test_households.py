"""户情档案 queries: the SQL window equals the whole list filtered and sorted by hand."""

from datetime import date

import pytest

from app.db import households as H
from app.db import records, sql
from app.db import villages as V
from app.db.connection import memory_database
from app.db.households import HouseholdFilter as F
from app.demo import build_demo

TODAY = date(2026, 5, 15)
ODD = [  # households with awkward groups and names, to test what the demo never has
    {"hh_no": "X001", "group_name": None, "head_name": "王_五", "income_per_capita_fen": None},
    {"hh_no": "X002", "group_name": "3组", "head_name": "100%张", "members": None},
    {"hh_no": "x003", "group_name": "第十二组", "head_name": "Ann", "phone": None},
    {"hh_no": "X004", "group_name": "A组", "head_name": "王二", "low_income": 1},
    {"hh_no": "X005", "group_name": "三十一组", "head_name": "王三", "low_income": 0},
    {"hh_no": "X006", "group_name": "第三十组", "head_name": "王四", "low_income": 0},
]


@pytest.fixture(scope="module")
def demo():
    db = memory_database()
    build_demo(db, scale="township", seed=1, today=TODAY)
    village = db.execute("SELECT code FROM villages ORDER BY code LIMIT 1").fetchone()[0]
    db["households"].insert_all(
        [
            {"village_code": village, "members": 2, "phone": "138000", "low_income": 0} | r
            for r in ODD
        ]
    )
    return db


def everything(db):
    """Every household as rows() shows it, read without any of the module's SQL."""
    names = {r["code"]: r["name"] for r in db["villages"].rows}
    seen: dict[str, list[str]] = {}
    for v in db["household_visits"].rows:
        seen.setdefault(v["hh_no"], []).append(v["day"])
    out = []
    for h in db["households"].rows:
        days = seen.get(h["hh_no"], [])
        out.append(
            {
                "hh_no": h["hh_no"],
                "village_code": h["village_code"],
                "village_name": names[h["village_code"]],
                "group_name": h["group_name"],
                "head_name": h["head_name"],
                "members": h["members"],
                "phone": h["phone"],
                "income_per_capita_fen": h["income_per_capita_fen"],
                "low_income": h["low_income"],
                "income_source": h["income_source"],
                "visits": len(days),
                "last_visit": max(days) if days else None,
            }
        )
    return out


def keeps(flt: F, r: dict) -> bool:
    def like(word: str, value: str | None) -> bool:
        return value is not None and word.lower() in value.lower()

    for word in flt.words():
        if not (
            like(word, r["head_name"])
            or r["hh_no"].lower().startswith(word.lower())
            or like(word, r["group_name"])
        ):
            return False
    if flt.village_code and r["village_code"] != flt.village_code:
        return False
    if flt.group and r["group_name"] != flt.group:
        return False
    return flt.low_income is None or r["low_income"] == int(flt.low_income)


def by_hand(db, flt: F, sort: str, descending: bool) -> list[str]:
    rows = sorted((r for r in everything(db) if keeps(flt, r)), key=lambda r: r["hh_no"])
    if sort == "hh_no":
        return [r["hh_no"] for r in sorted(rows, key=lambda r: r["hh_no"], reverse=descending)]

    def key(r):  # SQLite: NULL before everything
        if sort == "group_name":
            g = r["group_name"]
            return (0,) if g is None else (1, sql.group_number(g), g)
        value = r[sort]
        return (0,) if value is None else (1, value)

    return [r["hh_no"] for r in sorted(rows, key=key, reverse=descending)]


FILTERS = [
    F(),
    F(text="王"),
    F(text="三组"),
    F(text="6127011012010"),
    F(text="三组 王"),
    F(text="x00"),  # letters: 户编号 prefix ignores case, as LIKE does
    F(low_income=True),
    F(text="李", low_income=False),
    F(village_code="612701101202"),
    F(village_code="612701101201", group="第二组"),
]
SORTS = sorted(H.SORTS)


@pytest.mark.parametrize("flt", FILTERS, ids=repr)
@pytest.mark.parametrize("descending", [False, True])
def test_count_and_rows_are_the_list_filtered_and_sorted(demo, flt, descending):
    for sort in SORTS:
        expected = by_hand(demo, flt, sort, descending)
        assert H.count(demo, flt) == len(expected)
        got = [r["hh_no"] for r in H.rows(demo, flt, sort, descending, 0, 10**6)]
        assert got == expected, sort
        if len(expected) > 250:  # windows fit together
            window = H.rows(demo, flt, sort, descending, 200, 50)
            assert [r["hh_no"] for r in window] == expected[200:250]


@pytest.mark.parametrize("sort", ["visits", "last_visit"])
@pytest.mark.parametrize("descending", [False, True])
def test_windows_sorted_by_visits_fit_together(demo, sort, descending):
    """Sorted by visits, the visited and the unvisited come in two parts: the windows
    across the seam must fit."""
    for flt in (F(), F(text="王")):
        expected = by_hand(demo, flt, sort, descending)
        got = []
        for offset in range(0, len(expected) + 37, 37):
            got += [r["hh_no"] for r in H.rows(demo, flt, sort, descending, offset, 37)]
        assert got == expected


def test_rows_carry_what_the_list_shows(demo):
    visited = demo.execute(
        "SELECT hh_no, count(*), max(day) FROM household_visits GROUP BY hh_no LIMIT 1"
    ).fetchone()
    [row] = H.rows(demo, F(text=visited[0]), "hh_no", False, 0, 10)
    stored = H.household(demo, visited[0])
    assert row["visits"] == visited[1] and row["last_visit"] == visited[2]
    assert row["village_name"] == H.village_name(demo, stored["village_code"])
    assert tuple(row) == H.ROW_COLUMNS
    for field in ("head_name", "group_name", "phone", "income_per_capita_fen", "members"):
        assert row[field] == stored[field]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_position_is_the_row_number(demo, sort, descending):
    for flt in (F(), F(text="王"), F(low_income=True)):
        expected = by_hand(demo, flt, sort, descending)
        for i in sorted({0, 1, len(expected) // 3, len(expected) - 1}):
            assert H.position(demo, flt, sort, descending, expected[i]) == i
        for odd in ("X001", "X002", "x003"):  # NULLs, odd groups
            want = expected.index(odd) if odd in expected else None
            assert H.position(demo, flt, sort, descending, odd) == want
    assert H.position(demo, F(text="zzz"), sort, descending, "X001") is None


def test_wildcards_typed_by_the_clerk_are_literal(demo):
    assert [r["hh_no"] for r in H.rows(demo, F(text="_"))] == ["X001"]
    assert [r["hh_no"] for r in H.rows(demo, F(text="%"))] == ["X002"]
    assert [r["hh_no"] for r in H.rows(demo, F(text="0%"))] == ["X002"]
    assert H.count(demo, F(text="\\")) == 0


def test_number_matches_from_its_start_and_full_width_digits(demo):
    first = demo.execute("SELECT hh_no FROM households ORDER BY hh_no LIMIT 1").fetchone()[0]
    assert H.count(demo, F(text=first[:12])) > 100
    assert H.count(demo, F(text=first[4:])) == 0  # the middle of a number is no match
    full_width = first.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert [r["hh_no"] for r in H.rows(demo, F(text=full_width))] == [first]


def test_groups_in_natural_order_and_chinese_numbers():
    assert [sql.chinese_number(n) for n in (1, 10, 11, 20, 23, 31, 99)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十三",
        "三十一",
        "九十九",
    ]
    names = ["第十组", "东队", "第二组", "第十一组", "第一组", "3组", "第12村民小组", None]
    names += ["三十一组", "第三十组"]
    assert sorted(names, key=sql.group_sort_key) == [
        None,
        "第一组",
        "第二组",
        "3组",
        "第十组",
        "第十一组",
        "第12村民小组",
        "第三十组",
        "三十一组",
        "东队",  # no number: after the numbered groups
    ]


def test_one_group_order_for_the_household_list_and_the_village_file(township_db):
    """三十一组 is the 31st group in SQL (the list's sort), in Python and in the village's
    file (which once read it as 31 while the list put it first, as no number)."""
    db = township_db
    names = ["三十一组", "第三十组", "第二组", "东队", "十五组"]
    for i, name in enumerate(names):
        H.add_household(
            db,
            {
                "hh_no": f"H{i}",
                "village_code": "610526100201",
                "head_name": "甲",
                "group_name": name,
            },
        )
    natural = ["第二组", "十五组", "第三十组", "三十一组", "东队"]
    assert [sql.group_number(n) for n in natural[:4]] == [2, 15, 30, 31]
    assert [r["group_name"] for r in H.rows(db, F(), sort="group_name")] == natural
    assert H.groups(db, "610526100201") == natural
    assert [g.group_name for g in V.completeness(db, "610526100201").groups] == natural
    assert [m.group_name for m in V.unvisited_households(db, "610526100201")] == natural


def test_a_new_group_is_found_at_once(township_db):
    db = township_db
    assert H.count(db, F(text="新建")) == 0
    H.add_household(
        db,
        {
            "hh_no": "H1",
            "village_code": "610526100201",
            "head_name": "赵四",
            "group_name": "新建组",
        },
    )
    assert H.count(db, F(text="新建")) == 1
    assert H.groups(db, "610526100201") == ["新建组"]


def test_next_number_and_villages(township_db):
    db = township_db
    assert H.next_hh_no(db, "610526100201") == "6105261002010001"
    H.add_household(
        db, {"hh_no": "6105261002010007", "village_code": "610526100201", "head_name": "甲"}
    )
    assert H.next_hh_no(db, "610526100201") == "6105261002010008"
    assert H.villages(db) == [("610526100201", "东坡村")]
    assert H.village_exists(db, "610526100201") and not H.village_exists(db, "610526100299")
    assert H.cadres(db) == [("GB001", "王建国"), ("GB002", "李秀英")]


def test_visits_edits_and_their_undo(township_db):
    db = township_db
    H.add_household(db, {"hh_no": "H1", "village_code": "610526100201", "head_name": "赵四"})
    first = H.add_visit(db, "H1", {"day": "2026-03-02", "cadre_no": "GB001", "living": "砖房"})
    H.add_visit(db, "H1", {"day": "2026-04-10", "cadre_no": None, "prospects": "种苹果"})
    listed = H.visits(db, "H1")
    assert [v["day"] for v in listed] == ["2026-04-10", "2026-03-02"]  # newest first
    assert listed[1]["cadre_name"] == "王建国" and listed[0]["cadre_name"] is None
    uid = first.key["uuid"]
    change = H.update_visit(db, uid, {"day": "2026-03-03", "living": "新砖房"})
    assert H.visits(db, "H1")[1]["living"] == "新砖房"
    records.revert(db, change)
    assert H.visits(db, "H1")[1]["living"] == "砖房"
    # the household goes with its visits; undo brings both back
    assert records.dependents(db, "households", {"hh_no": "H1"}) == [("走访记录", 2)]
    gone = H.delete_household(db, "H1")
    assert H.household(db, "H1") is None and H.visit_count(db, "H1") == 0
    records.revert(db, gone)
    assert H.visit_count(db, "H1") == 2 and H.visits(db, "H1")[1]["uuid"] == uid
    removed = H.delete_visit(db, uid)
    assert H.visit_count(db, "H1") == 1
    records.revert(db, removed)
    assert H.visit_count(db, "H1") == 2
    logged = db.execute(
        "SELECT count(*) FROM change_log WHERE table_name = 'household_visits'"
    ).fetchone()[0]
    assert logged >= 6


def test_unknown_sort_is_refused(demo):
    with pytest.raises(ValueError):
        H.rows(demo, F(), "uuid; DROP TABLE households", False, 0, 10)


def test_indexes_are_made_once_and_used(demo):
    names = {r[0] for r in demo.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {name for name in names if name.startswith("households_")} >= {
        "households_find",
        "households_number",
        "households_income",
        "households_low_income",
        "households_group_order",
    }
    plan = " ".join(
        r[-1]
        for r in demo.execute(
            "EXPLAIN QUERY PLAN SELECT count(*) FROM households h "
            "WHERE h.head_name LIKE '%王%' ESCAPE '\\'"
        )
    )
    assert "COVERING INDEX" in plan
    where, params = H._where(demo, F())
    order = H._order(H._keys("group_name", False))
    plan = " ".join(
        r[-1]
        for r in demo.execute(
            f"EXPLAIN QUERY PLAN SELECT h.rowid FROM households h WHERE {where} ORDER BY {order}",
            params,
        )
    )
    assert "households_group_order" in plan  # the natural group order is not computed per row


def test_one_like_pattern_one_village_name_one_pair_of_choice_lists(township_db):
    from app.db import cadres, diaries, lookups

    db = township_db
    assert sql.like_pattern("100%_\\") == "%100\\%\\_\\\\%"
    assert sql.like_pattern("x_", prefix=True) == "x\\_%"
    for name in ("王_五", "王x五", "100%张", "100张"):
        H.add_household(
            db, {"hh_no": f"N{len(name)}{name}", "village_code": "610526100201", "head_name": name}
        )
    assert [r["head_name"] for r in H.rows(db, F(text="王_五"))] == ["王_五"]
    assert [r["head_name"] for r in H.rows(db, F(text="100%"))] == ["100%张"]
    assert [r.name for r in cadres.roster(db, today=TODAY, text="_")] == []

    assert H.village_name is V.village_name is lookups.village_name
    assert H.village_name(db, "610526100201") == "东坡村" and H.village_name(db, "x") is None
    assert cadres.cadre_choices is lookups.cadre_choices
    assert cadres.village_choices is lookups.village_choices
    db.execute("UPDATE cadres SET retired_on = '2026-03-01' WHERE cadre_no = 'GB001'")
    assert H.cadres(db) == diaries.cadres(db) == [("GB002", "李秀英"), ("GB001", "王建国")]
    assert H.villages(db) == diaries.villages(db) == [("610526100201", "东坡村")]
