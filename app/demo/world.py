"""The fictional world: townships, villages with households, cadres and their posts."""

from __future__ import annotations

from datetime import date, timedelta

from app.demo import names as N
from app.demo.base import Cadre, Ctx, Post, Township, Village, split_by_weights

GOOD_GRADES = ("一类", "二类")
MEMBER_WEIGHTS = (6, 14, 22, 26, 18, 9, 5)  # household sizes 1..7


def make_villages(ctx: Ctx, township: Township, n: int, used_names: set[str]) -> None:
    """``n`` villages of ``township`` (register grade 三类 for now; see ``set_grades``)."""
    rng = ctx.rng
    industries = [i for i, _, _ in N.INDUSTRIES]
    weights = [w for _, w, _ in N.INDUSTRIES]
    base = {i: b for i, _, b in N.INDUSTRIES}
    for k in range(n):
        while True:
            name = rng.choice(N.VILLAGE_FIRST) + rng.choice(N.VILLAGE_SECOND) + "村"
            if name not in used_names:
                used_names.add(name)
                break
        industry = rng.choices(industries, weights)[0]
        township.villages.append(
            Village(
                code=f"{township.code}{201 + k:03d}",
                name=name,
                township_code=township.code,
                grade="三类",
                industry=industry,
                situation="",
                base_income=int(base[industry] * rng.uniform(0.85, 1.15)),
            )
        )


def set_grades(ctx: Ctx, villages: list[Village], first_class: int, second_class: int) -> None:
    """Register grades: a few 一类/二类, the rest 三类 (≈60 %) or 四类; then situations."""
    rng = ctx.rng
    order = list(range(len(villages)))
    rng.shuffle(order)
    for rank, i in enumerate(order):
        village = villages[i]
        if rank < first_class:
            village.grade = "一类"
        elif rank < first_class + second_class:
            village.grade = "二类"
        else:
            village.grade = "三类" if rng.random() < 0.6 else "四类"
        if village.grade == "一类":
            village.base_income = int(village.base_income * 1.35)
        elif village.grade == "二类":
            village.base_income = int(village.base_income * 1.15)
        elif village.grade == "四类":
            village.base_income = int(village.base_income * 0.85)
        if village.lagging:
            if village.industry == "生猪养殖" and rng.random() < 0.8:
                village.situation = N.SITUATION_PIG
            else:
                village.situation = rng.choice(N.SITUATIONS_WEAK)
        else:
            village.situation = rng.choice(N.SITUATION_GOOD)


def make_households(ctx: Ctx, village: Village, count: int) -> None:
    """``count`` households of the village, register rows included."""
    rng = ctx.rng
    groups_n = max(3, min(15, round(count / rng.uniform(28, 42))))
    village.groups = [N.group_name(i) for i in range(groups_n)]
    family = rng.sample(N.SURNAMES[:30], 3)
    fam_weights = (30, 18, 10)
    sources = N.INCOME_SOURCES[village.industry]
    total_members = 0
    per_group = split_by_weights(count, [rng.uniform(0.7, 1.3) for _ in range(groups_n)])
    hh = 0
    for g, size in enumerate(per_group):
        group = village.groups[g]
        for _ in range(size):
            hh += 1
            hh_no = f"{village.code}{hh:04d}"
            sex = "男" if rng.random() < 0.88 else "女"
            r = rng.random() * 100
            if r < fam_weights[0]:
                fam = family[0]
            elif r < fam_weights[0] + fam_weights[1]:
                fam = family[1]
            elif r < sum(fam_weights):
                fam = family[2]
            else:
                fam = N.surname(rng)
            head = N.person_name(rng, sex, fam)
            members = rng.choices(range(1, 8), MEMBER_WEIGHTS)[0]
            total_members += members
            low = rng.random() < 0.08
            if low:
                income = rng.randint(2400, 4300)
                source = rng.choice(N.LOW_INCOME_SOURCES)
                note = rng.choice(N.LOW_INCOME_REASONS)
            else:
                income = max(4400, int(village.base_income * rng.uniform(0.6, 1.6)))
                source = rng.choice(sources)
                note = None
            ctx.add(
                "households",
                {
                    "hh_no": hh_no,
                    "village_code": village.code,
                    "group_name": group,
                    "head_name": head,
                    "members": members,
                    "phone": N.fictional_phone(rng) if rng.random() < 0.6 else None,
                    "income_source": source,
                    "income_per_capita_fen": income * 100,
                    "low_income": int(low),
                    "notes": note,
                },
            )
            village.homes.append((hh_no, head, group))
    village.population = total_members


def village_rows(ctx: Ctx, township: Township) -> None:
    """Register rows of the villages and their yearly figures (from the year before the records)."""
    rng = ctx.rng
    for v in township.villages:
        pop = v.population
        members = max(8, round(pop * rng.uniform(0.022, 0.036)))
        tags = v.situation
        if v.lagging and rng.random() < 0.3:
            extra = rng.choice(N.SITUATIONS_WEAK)
            if extra != tags:
                tags = f"{tags}、{extra}"
        ctx.add(
            "villages",
            {
                "code": v.code,
                "township_code": township.code,
                "name": v.name,
                "groups_count": len(v.groups),
                "households": len(v.homes),
                "population": pop,
                "agri_population": round(pop * rng.uniform(0.84, 0.97)),
                "party_members": members,
                "leading_industry": v.industry,
                "register_grade": v.grade,
                "situation": tags,
                "notes": f"{v.industry}为主导产业" if rng.random() < 0.5 else None,
            },
        )
        collective = {"一类": 450000, "二类": 160000, "三类": 40000, "四类": 8000}[v.grade]
        collective = int(collective * rng.uniform(0.6, 1.5))
        # the last year carries today's figures; earlier years are grown back from them
        income = int(rng.uniform(0.97, 1.03) * v.base_income) * 100
        years = list(range(ctx.first.year - 1, ctx.last.year + 1))
        rows = []
        hh, p, m = len(v.homes), pop, members
        for year in reversed(years):
            rows.append(
                {
                    "village_code": v.code,
                    "year": year,
                    "population": p,
                    "households": hh,
                    "party_members": m,
                    "income_per_capita_fen": income,
                    "collective_income_fen": collective * 100,
                    "notes": None,
                }
            )
            growth = rng.uniform(1.05, 1.13) if v.lagging else rng.uniform(1.04, 1.09)
            income = int(income / growth / 100) * 100
            collective = int(collective / rng.uniform(1.0, 1.25))
            p += rng.randint(-6, 14)
            hh -= rng.randint(0, 4)
            m = max(5, m - rng.randint(0, 2))
        for row in reversed(rows):
            ctx.add("village_years", row)


def make_cadres(
    ctx: Ctx, township: Township, stationed: int, leaders: int, prefix: str, used: set[str]
) -> None:
    """Township leaders (兼职) and stationed cadres, with their posts.

    Each stationed cadre goes to one lagging village, matched to its situation; each
    leader to one lagging village as 兼职书记 or 兼职第一书记. Some posts change in the
    middle of the records, leaving former assignments.
    """
    rng = ctx.rng
    lagging = [v for v in township.villages if v.lagging]
    if stationed > len(lagging) or leaders > min(len(lagging), len(N.LEADER_POSTS)):
        raise ValueError("not enough lagging villages for the cadres")
    t = township.short
    number = 0

    def new_cadre(role: str, post: str, is_leader: bool) -> Cadre:
        nonlocal number
        number += 1
        sex = "男" if rng.random() < (0.85 if is_leader else 0.7) else "女"
        while True:
            name = N.person_name(rng, sex)
            if name not in used:
                used.add(name)
                break
        cadre = Cadre(f"{prefix}GB{number:03d}", name, township.code, role, post, is_leader)
        township.cadres.append(cadre)
        birth = date(
            rng.randint(1966, 1980) if is_leader else rng.randint(1968, 1998),
            rng.randint(1, 12),
            rng.randint(1, 28),
        )
        status = rng.choices([p for p, _ in N.POLITICAL], [w for _, w in N.POLITICAL])[0]
        ctx.add(
            "cadres",
            {
                "cadre_no": cadre.no,
                "township_code": township.code,
                "name": name,
                "sex": sex,
                "birth_date": birth.isoformat(),
                "phone": N.fictional_phone(rng),
                "unit": "",
                "post": post,
                "political_status": "中共党员" if is_leader else status,
                "expertise": "",
                "is_leader": int(is_leader),
                "retired_on": None,
            },
        )
        return cadre

    def start_before() -> date:
        return date(ctx.first.year - rng.randint(1, 2), rng.randint(1, 12), 1)

    # leaders first: 党委书记, 镇长, …
    leader_villages = rng.sample(lagging, leaders)
    for k in range(leaders):
        post = N.LEADER_POSTS[k].format(head=township.head)
        first_sec = k < 2 or rng.random() < 0.3
        cadre = new_cadre("兼职第一书记" if first_sec else "兼职书记", post, True)
        row = ctx.rows["cadres"][-1]
        row["unit"] = (
            f"{t}人大"
            if post == "人大主席"
            else f"{t}政府"
            if township.head in post or post == "武装部长"
            else f"{t}党委"
        )
        row["expertise"] = "综合" if k < 3 else rng.choice(N.EXPERTISES)
        township.posts.append(Post(cadre.no, leader_villages[k].code, cadre.role, start_before()))
    weights = [2.0 if v.grade == "四类" else 1.0 for v in lagging]
    pool = list(lagging)
    chosen: list[Village] = []
    for _ in range(stationed):
        i = rng.choices(range(len(pool)), weights)[0]
        chosen.append(pool.pop(i))
        weights.pop(i)
    for village in chosen:
        cadre = new_cadre("驻村干部", "", False)
        expertise = N.EXPERTISE_FOR.get(village.situation, "综合")
        if rng.random() < 0.2:
            expertise = rng.choice(N.EXPERTISES)
        unit, posts = rng.choice(N.UNITS_FOR[expertise])
        cadre.post = rng.choice(posts)
        row = ctx.rows["cadres"][-1]
        row.update(unit=unit.format(t=t), post=cadre.post, expertise=expertise)
        start = start_before()
        if rng.random() < 0.1:  # a newcomer starting in the middle of a month
            start = date(ctx.first.year, rng.randint(2, 9), rng.randint(5, 25))
        township.posts.append(Post(cadre.no, village.code, "驻村干部", start))
    _move_some(ctx, township, pool)


def _move_some(ctx: Ctx, township: Township, free: list[Village]) -> None:
    """Reassign a few cadres on the 1st of a month: the old post ends the day before."""
    rng = ctx.rng
    months = []
    cursor = date(ctx.first.year, ctx.first.month, 1)
    while cursor <= ctx.last:
        months.append(cursor)
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    months = months[3:-2] or months[1:] or months
    stationed = [p for p in township.posts if p.role == "驻村干部"]
    part_time = [p for p in township.posts if p.role != "驻村干部"]
    lagging = [v for v in township.villages if v.lagging]
    moves = max(1, round(len(township.posts) * 0.08))
    for k in range(moves):
        when = rng.choice(months)
        if k % 2 == 0 and free and stationed:
            post = rng.choice(stationed)
            target = free.pop(rng.randrange(len(free)))
        else:
            if not part_time:
                continue
            post = rng.choice(part_time)
            taken = {p.village_code for p in part_time}
            options = [v for v in lagging if v.code not in taken]
            if not options:
                continue
            target = rng.choice(options)
        if post.end is not None or post.start >= when:
            continue
        post.end = when - timedelta(days=1)
        new = Post(post.cadre_no, target.code, post.role, when)
        township.posts.append(new)
        same = stationed if post.role == "驻村干部" else part_time
        same.remove(post)
        same.append(new)


def post_rows(ctx: Ctx, township: Township) -> None:
    for p in sorted(township.posts, key=lambda p: (p.cadre_no, p.start)):
        ctx.add(
            "assignments",
            {
                "id": ctx.new_id("assignments"),
                "cadre_no": p.cadre_no,
                "village_code": p.village_code,
                "role": p.role,
                "start_date": p.start.isoformat(),
                "end_date": p.end.isoformat() if p.end else None,
            },
        )
