"""Meetings of a township (周例会 … 年终总评) with attendees, reports, decisions, action
items, and the practical things done (办实事)."""

from __future__ import annotations

import bisect
from datetime import date, timedelta

from app.demo import names as N
from app.demo.activity import Records
from app.demo.base import Cadre, Ctx, Post, Village

PRACTICAL_CATEGORIES = tuple(N.PRACTICAL)


class Meetings:
    def __init__(self, ctx: Ctx, records: Records) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.rec = records
        self.t = records.t
        self.weekly: dict[date, int] = {}
        self.posts: dict[str, list[Post]] = {}
        for post in self.t.posts:
            self.posts.setdefault(post.cadre_no, []).append(post)
        clerks = [c for c in self.t.cadres if "党政办" in c.post]
        self.recorder = clerks[0].name if clerks else records.organiser.name
        self.actions: list[dict] = []

    def active(self, day: date) -> list[tuple[Cadre, Post]]:
        out = []
        for cadre in self.t.cadres:
            for post in self.posts.get(cadre.no, []):
                if post.start <= day and (post.end is None or day <= post.end):
                    out.append((cadre, post))
                    break
        return out

    def run(self) -> None:
        for day, kinds in self.t.meeting_days.items():
            for kind in kinds:
                self._meeting(day, kind)
        self._close_actions()
        self._practical_matters()

    # ---- meetings -------------------------------------------------------------------

    def _count(self, cadre: Cadre, first: date, last: date, kinds: tuple[str, ...]) -> int:
        rec = self.rec.days.get(cadre.no, {})
        n, day = 0, first
        while day <= last:
            if rec.get(day, ("",))[0] in kinds:
                n += 1
            day += timedelta(days=1)
        return n

    def _meeting(self, day: date, kind: str) -> None:
        rng, ctx, t = self.rng, self.ctx, self.t
        meeting_id = ctx.new_id("meetings")
        if kind == "周例会":
            self.weekly[day] = meeting_id
        active = self.active(day)
        secretary = t.secretary
        present: list[tuple[Cadre, Post]] = []
        for cadre, post in active:
            kind_of_day = self.rec.days.get(cadre.no, {}).get(day, ("",))[0]
            reason = None
            if kind_of_day == "请假":
                reason = "请假"
            elif not cadre.is_leader:
                if kind_of_day == "在村":
                    reason = rng.choice(N.MEETING_ABSENCE_STATIONED)
                elif kind_of_day != "会议培训":
                    reason = "未请假缺席"
            elif cadre.no != secretary.no and rng.random() < 0.07:
                reason = rng.choice(N.MEETING_ABSENCE_LEADER)
            ctx.add(
                "meeting_attendees",
                {
                    "meeting_id": meeting_id,
                    "cadre_no": cadre.no,
                    "present": int(reason is None),
                    "reason": reason,
                },
            )
            if reason is None:
                present.append((cadre, post))
        topic = rng.choice(N.MEETING_TOPICS)
        y, m = day.year, day.month
        prev_y, prev_m = (y, m - 1) if m > 1 else (y - 1, 12)
        quarter = (prev_m - 1) // 3 + 1
        agenda = {
            "周例会": f"一、驻村干部、兼职书记汇报上周工作；二、{topic}；三、安排本周重点工作。",
            "月汇报": f"{m}月份驻村工作汇报：在村天数、民情日记、办实事情况；{topic}。",
            "季小结": f"{prev_y}年第{quarter}季度驻村工作小结，查看民情日记和考勤簿。",
            "半年初评": f"{y}年上半年驻村干部初评：个人述职、民主测评、交流经验。",
            "年终总评": f"{y - 1}年度驻村干部年终总评：述职、民主测评、确定考核等次。",
        }[kind]
        ctx.add(
            "meetings",
            {
                "id": meeting_id,
                "kind": kind,
                "day": day.isoformat(),
                "place": f"{t.name}政府{'大会议室' if kind == '年终总评' else '二楼会议室'}",
                "chair": secretary.name,
                "recorder": self.recorder,
                "agenda": agenda,
                "minutes": (
                    f"会议由{t.short}党委书记{secretary.name}主持，应到{len(active)}人，"
                    f"实到{len(present)}人。会议听取了各村工作汇报，{topic}，"
                    f"要求驻村干部沉下身子、真蹲实驻，把群众的事情办实办好。"
                ),
            },
        )
        self._reports(meeting_id, day, kind, present, quarter)
        light = ctx.light
        n_decisions = (1 if light else rng.randint(1, 2)) if kind == "周例会" else rng.randint(2, 3)
        leaders = [c for c, _ in present if c.is_leader] or [secretary]
        for _ in range(n_decisions):
            ctx.add(
                "decisions",
                {
                    "meeting_id": meeting_id,
                    "text": rng.choice(N.DECISIONS).format(
                        n=rng.randint(5, 20),
                        leader=rng.choice(leaders).name,
                        project=rng.choice(N.DIARY_PROJECTS),
                        month=m,
                        q=(m - 1) // 3 + 1,
                    ),
                },
            )
        if kind == "周例会":
            n_actions = (1 if rng.random() < 0.5 else 0) if light else rng.randint(0, 2)
        else:
            n_actions = rng.randint(1, 2)
        owners = [(c, p) for c, p in active if not c.is_leader] or active
        for _ in range(n_actions if owners else 0):
            cadre, post = rng.choice(owners)
            village = t.village(post.village_code)
            self.actions.append(
                {
                    "id": ctx.new_id("action_items"),
                    "meeting_id": meeting_id,
                    "task": rng.choice(N.ACTION_TASKS).format(
                        village=village.name,
                        project=rng.choice(N.DIARY_PROJECTS),
                        industry=village.industry,
                    ),
                    "owner_cadre_no": cadre.no,
                    "village_code": village.code,
                    "due_date": day + timedelta(days=rng.randint(7, 28)),
                    "status": "open",
                    "result": None,
                    "done_on": None,
                    "closed_meeting_id": None,
                    "_day": day,
                }
            )

    def _reports(
        self, meeting_id: int, day: date, kind: str, present: list[tuple[Cadre, Post]], quarter: int
    ) -> None:
        rng, ctx = self.rng, self.ctx
        speakers = [(c, p) for c, p in present if not c.is_leader]
        if kind in ("半年初评", "年终总评", "季小结"):
            speakers = present
        elif kind == "周例会" and ctx.light:
            speakers = rng.sample(speakers, min(2, len(speakers)))
        for cadre, post in speakers:
            village = self.t.village(post.village_code)
            values = {
                "group": rng.choice(village.groups),
                "industry": village.industry,
                "project": rng.choice(N.DIARY_PROJECTS),
                "m": rng.randint(1, 3),
            }
            work = rng.choice(N.REPORT_WORKS).format(**values)
            if kind == "周例会":
                week = self._count(
                    cadre, day - timedelta(days=7), day - timedelta(days=1), ("在村", "会议培训")
                )
                content = rng.choice(N.WEEKLY_REPORTS).format(
                    days=week,
                    n=rng.randint(3, 15),
                    work=work,
                    problem=rng.choice(N.REPORT_PROBLEMS),
                    plan=rng.choice(N.REPORT_PLANS).format(**values),
                )
            elif kind == "月汇报":
                first = day.replace(day=1)
                there = self._count(cadre, first, day, ("在村",))
                meet = self._count(cadre, first, day, ("会议培训",))
                diaries = self.rec.diary_index.get((cadre.no, village.code), [])
                n_diaries = sum(1 for d, _ in diaries if first <= d <= day)
                content = (
                    f"本月截至{day.day}日在村{there}天，参加会议培训{meet}天，"
                    f"记民情日记{n_diaries}篇；{work}。"
                )
            elif kind == "季小结":
                content = (
                    f"第{quarter}季度：{work}，走访农户{rng.randint(20, 80)}户，"
                    f"{rng.choice(N.REPORT_PROBLEMS)}。下季度{rng.choice(N.REPORT_PLANS).format(**values)}。"
                )
            else:
                content = f"述职：驻{village.name}以来，{work}，{rng.choice(N.DIARY_REFLECTIONS)}"
            ctx.add(
                "meeting_reports",
                {
                    "meeting_id": meeting_id,
                    "cadre_no": cadre.no,
                    "village_code": village.code,
                    "content": content,
                },
            )

    def _close_actions(self) -> None:
        rng, last = self.rng, self.ctx.last
        for item in self.actions:
            day, due = item.pop("_day"), item["due_date"]
            done_on: date | None = None
            if due < last:
                if rng.random() < 0.8:
                    shift = rng.randint(1, 5) if rng.random() < 0.2 else -rng.randint(0, 6)
                    done_on = max(day + timedelta(days=1), min(last, due + timedelta(days=shift)))
            elif rng.random() < 0.25 and day + timedelta(days=1) <= last:
                done_on = day + timedelta(days=rng.randint(1, (last - day).days))
            if done_on is not None:
                monday = done_on + timedelta(days=(7 - done_on.weekday()) % 7)
                item.update(
                    status="done",
                    done_on=done_on.isoformat(),
                    result=rng.choice(("已完成", "已按要求完成并报送", "已落实，群众满意")),
                    closed_meeting_id=self.weekly.get(monday),
                )
            item["due_date"] = due.isoformat()
            self.ctx.add("action_items", item)

    # ---- 办实事 ---------------------------------------------------------------------

    def _practical_matters(self) -> None:
        rng, ctx = self.rng, self.ctx
        by_village: dict[str, list[Post]] = {}
        for post in self.t.posts:
            by_village.setdefault(post.village_code, []).append(post)
        for village in self.t.villages:
            posts = sorted(
                by_village.get(village.code, []), key=lambda p: (p.role != "驻村干部", p.start)
            )
            if not posts:
                continue
            for year in range(ctx.first.year, ctx.last.year + 1):
                spans = [
                    (p, p.span(max(ctx.first, date(year, 1, 1)), min(ctx.last, date(year, 12, 31))))
                    for p in posts
                ]
                spans = [(p, s) for p, s in spans if s is not None]
                if not spans:
                    continue
                n = rng.randint(1, 2) if ctx.light else rng.randint(2, 4)
                for _ in range(n):
                    post, (a, b) = spans[0] if rng.random() < 0.7 else rng.choice(spans)
                    day = a + timedelta(days=rng.randint(0, (b - a).days))
                    self._matter(village, post, day)

    def _matter(self, village: Village, post: Post, day: date) -> None:
        rng, ctx = self.rng, self.ctx
        category = rng.choice(PRACTICAL_CATEGORIES)
        template, lo, hi = rng.choice(N.PRACTICAL[category])
        households = min(len(village.homes), rng.randint(5, 120))
        text = template.format(
            group=rng.choice(village.groups),
            m=rng.randrange(200, 3000, 50),
            hh=households,
            k=rng.randint(2, 10),
            km=f"{rng.uniform(0.8, 6.5):.1f}",
            industry=village.industry,
        )
        funds = rng.randrange(lo, hi + 1, 100) * 100 if hi else 0
        meeting_id = diary_id = None
        if rng.random() < 0.3:
            meeting_id = self.weekly.get(day - timedelta(days=day.weekday()))
        if rng.random() < 0.3:
            index = self.rec.diary_index.get((post.cadre_no, village.code), [])
            i = bisect.bisect_right(index, (day, 1 << 60))
            if i:
                diary_id = index[i - 1][1]
        recent = (ctx.last - day).days < 60
        ctx.add(
            "practical_matters",
            {
                "id": ctx.new_id("practical_matters"),
                "village_code": village.code,
                "cadre_no": post.cadre_no,
                "day": day.isoformat(),
                "category": category,
                "description": text,
                "funds_fen": funds,
                "households": households,
                "status": "办理中" if recent and rng.random() < 0.5 else "已办结",
                "meeting_id": meeting_id,
                "diary_id": diary_id,
            },
        )
