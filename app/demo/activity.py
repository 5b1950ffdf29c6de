"""Day-to-day records of the cadres: attendance, leave, checks (查岗), 民情日记, household visits."""

from __future__ import annotations

from datetime import date, timedelta

from app.demo import names as N
from app.demo.base import Cadre, Ctx, Post, Township, Village, days, month_spans, week_spans

Days = dict[date, tuple[str, str]]  # day -> (kind, village_code)
METHODS = ("电话查岗", "进村抽查", "集中检查")
METHOD_WEIGHTS = (55, 35, 10)


def meeting_calendar(ctx: Ctx, township: Township) -> None:
    """The township's meeting days: 周例会 every Monday, 月汇报, 季小结, 半年初评, 年终总评."""
    cal: dict[date, list[str]] = {}

    def put(day: date, kind: str) -> None:
        if ctx.first <= day <= ctx.last:
            cal.setdefault(day, []).append(kind)

    for day in days(ctx.first, ctx.last):
        if day.weekday() == 0:
            put(day, "周例会")
    for year in range(ctx.first.year, ctx.last.year + 1):
        for month in range(1, 13):
            nxt = date(year + (month == 12), month % 12 + 1, 1)
            end = nxt - timedelta(days=1)
            while end.weekday() >= 5 or end.weekday() == 0:
                end -= timedelta(days=1)
            put(end, "月汇报")
            if month % 3 == 0:  # the quarter's summary, first Wednesday after it
                put(_nth_weekday(nxt, 2, 1), "季小结")
        put(_nth_weekday(date(year, 7, 1), 3, 2), "半年初评")
        put(_nth_weekday(date(year, 1, 1), 3, 2) + timedelta(days=7), "年终总评")
    township.meeting_days = dict(sorted(cal.items()))


def _nth_weekday(start: date, weekday: int, n: int) -> date:
    """The n-th given weekday (0 = Monday) on or after ``start``."""
    first = start + timedelta(days=(weekday - start.weekday()) % 7)
    return first + timedelta(days=7 * (n - 1))


class Records:
    """Generates one township's day-to-day records and keeps each cadre's days."""

    def __init__(self, ctx: Ctx, township: Township) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.t = township
        self.days: dict[str, Days] = {}
        self.diary_index: dict[tuple[str, str], list[tuple[date, int]]] = {}
        leaders = [c for c in township.cadres if c.is_leader]
        self.leaders = leaders or township.cadres
        self.organiser = (
            township.leader("组织委员") or township.leader("党委副书记") or self.leaders[0]
        )

    # ---- attendance -----------------------------------------------------------------

    def run(self, unexcused: dict[str, dict[int, int]]) -> None:
        posts: dict[str, list[Post]] = {}
        for post in self.t.posts:
            posts.setdefault(post.cadre_no, []).append(post)
        for cadre in self.t.cadres:
            mine = sorted(posts.get(cadre.no, []), key=lambda p: p.start)
            rec: Days = {}
            for post in mine:
                span = post.span(self.ctx.first, self.ctx.last)
                if span is None:
                    continue
                if cadre.part_time:
                    for a, b in week_spans(*span):
                        self._week(cadre, post.village_code, days(a, b), rec)
                else:
                    for a, b in month_spans(*span):
                        self._month(cadre, post.village_code, days(a, b), rec)
            self.days[cadre.no] = rec
            self._unexcused(cadre, mine, rec, unexcused.get(cadre.no, {}))
            self._checks(cadre, mine, rec)
            self._attendance_rows(cadre, rec)
            self._diaries(cadre, mine, rec)

    def _leave(self, cadre: Cadre, run: list[date], village: str, rec: Days, long: bool) -> None:
        for day in run:
            rec[day] = ("请假", village)
        county = len(run) > 3
        secretary = self.t.secretary
        self.ctx.add(
            "leaves",
            {
                "id": self.ctx.new_id("leaves"),
                "cadre_no": cadre.no,
                "start_date": run[0].isoformat(),
                "end_date": run[-1].isoformat(),
                "reason": self.rng.choice(N.LEAVE_REASONS_LONG if long else N.LEAVE_REASONS_SHORT),
                "approver": "县委组织部干部科"
                if county
                else (secretary.name if secretary.no != cadre.no else f"{self.t.short}党委"),
                "approver_level": "县委组织部" if county else "乡镇党委",
                "cancelled_on": None,
            },
        )

    def _month(self, cadre: Cadre, village: str, ds: list[date], rec: Days) -> None:
        rng = self.rng
        month_len = (
            date(ds[0].year + (ds[0].month == 12), ds[0].month % 12 + 1, 1) - timedelta(days=1)
        ).day
        if rng.random() < (0.16 if cadre.slack else 0.1) and len(ds) >= 6:
            long = rng.random() < 0.2
            length = min(rng.randint(4, 9) if long else rng.randint(1, 3), len(ds) - 2)
            start = rng.randrange(len(ds) - length + 1)
            self._leave(cadre, ds[start : start + length], village, rec, long)
        for day in ds:
            if day in self.t.meeting_days and day not in rec:
                rec[day] = ("在村" if rng.random() < 0.05 else "会议培训", village)
        free = [d for d in ds if d not in rec]
        if free and rng.random() < 0.25:
            weekdays = [d for d in free if d.weekday() < 5] or free
            rec[rng.choice(weekdays)] = ("会议培训", village)
        if cadre.slack:
            target = rng.randint(9, 15)
        elif rng.random() < 0.05:
            target = rng.randint(14, 17)
        else:
            target = rng.randint(20, 23)
        target = round(target * len(ds) / month_len)
        free = [d for d in ds if d not in rec]
        free.sort(key=lambda d: (d.weekday() >= 5, rng.random()))
        for day in free[:target]:
            rec[day] = ("在村", village)
        rest = free[target:]
        if rest and rng.random() < (0.2 if cadre.slack else 0.03):
            rec[rng.choice(rest)] = ("缺勤", village)

    def _week(self, cadre: Cadre, village: str, ds: list[date], rec: Days) -> None:
        rng = self.rng
        full = len(ds) == 7
        r = rng.random()
        if full and r < 0.03:
            length = rng.choice((3, 3, 4))
            self._leave(cadre, ds[1 : 1 + length], village, rec, length > 3)
        elif full and r < 0.05:
            self._leave(cadre, ds[2 : 2 + rng.randint(1, 2)], village, rec, False)
        r = rng.random()
        if cadre.slack:
            n = 0 if r < 0.15 else 1 if r < 0.4 else 2 if r < 0.8 else 3
        else:
            n = 2 if r < 0.55 else 3 if r < 0.91 else 4 if r < 0.95 else 1 if r < 0.985 else 0
        if not full:
            n = round(n * len(ds) / 7)
        free = [d for d in ds if d not in rec and d not in self.t.meeting_days]
        free.sort(key=lambda d: (d.weekday() >= 5, rng.random()))
        for day in free[:n]:
            rec[day] = ("在村", village)

    def _unexcused(self, cadre: Cadre, posts: list[Post], rec: Days, plan: dict[int, int]) -> None:
        """Checks that find the cadre absent without leave (不在岗); the day becomes 缺勤."""
        rng = self.rng
        for year, count in plan.items():
            first, last = (
                max(self.ctx.first, date(year, 1, 1)),
                min(self.ctx.last, date(year, 12, 31)),
            )
            candidates: list[tuple[date, str]] = []
            for post in posts:
                span = post.span(first, last)
                if span is None:
                    continue
                candidates += [
                    (d, post.village_code)
                    for d in days(*span)
                    if d not in rec and d.weekday() < 5 and d not in self.t.meeting_days
                ]
            for day, village in rng.sample(candidates, min(count, len(candidates))):
                rec[day] = ("缺勤", village)
                method = "进村抽查" if rng.random() < 0.6 else "电话查岗"
                self._check_row(
                    cadre,
                    day,
                    method,
                    "不在岗",
                    rng.choice(("未请假外出", "电话无人接听，村干部称其未到村", "无故不在村")),
                )

    def _checker(self, cadre: Cadre, method: str) -> str:
        if method == "集中检查":
            return "县委组织部督查组"
        if method == "电话查岗" and self.organiser.no != cadre.no:
            return self.organiser.name
        others = [c for c in self.leaders if c.no != cadre.no]
        return self.rng.choice(others).name if others else f"{self.t.short}党政办"

    def _check_row(
        self, cadre: Cadre, day: date, method: str, result: str, note: str | None
    ) -> None:
        self.ctx.add(
            "checks",
            {
                "id": self.ctx.new_id("checks"),
                "cadre_no": cadre.no,
                "day": day.isoformat(),
                "method": method,
                "result": result,
                "checker": self._checker(cadre, method),
                "note": note,
            },
        )

    def _checks(self, cadre: Cadre, posts: list[Post], rec: Days) -> None:
        rng = self.rng
        taken = {d for d, (k, _) in rec.items() if k == "缺勤"}
        for post in posts:
            span = post.span(self.ctx.first, self.ctx.last)
            if span is None:
                continue
            for a, b in month_spans(*span):
                options = [
                    d
                    for d in days(a, b)
                    if d not in taken and rec.get(d, ("",))[0] in ("在村", "请假")
                ]
                k = min(len(options), rng.choice((1, 2, 2, 2, 3)))
                for day in sorted(rng.sample(options, k)):
                    method = rng.choices(METHODS, METHOD_WEIGHTS)[0]
                    leave = rec[day][0] == "请假"
                    self._check_row(
                        cadre,
                        day,
                        method,
                        "请假" if leave else "在岗",
                        "已请假，手续齐全" if leave else None,
                    )

    def _attendance_rows(self, cadre: Cadre, rec: Days) -> None:
        add = self.ctx.add
        notes = {"会议培训": "参加镇上会议或县上培训", "请假": "已请假", "缺勤": "查岗不在岗"}
        for day in sorted(rec):
            kind, village = rec[day]
            add(
                "attendance",
                {
                    "cadre_no": cadre.no,
                    "day": day.isoformat(),
                    "village_code": village,
                    "kind": kind,
                    "source": "查岗" if kind == "缺勤" else "考勤簿",
                    "note": notes.get(kind),
                },
            )

    # ---- 民情日记 ---------------------------------------------------------------------

    def _diaries(self, cadre: Cadre, posts: list[Post], rec: Days) -> None:
        rng = self.rng
        light = self.ctx.light
        for post in posts:
            span = post.span(self.ctx.first, self.ctx.last)
            if span is None:
                continue
            village = self.t.village(post.village_code)
            index = self.diary_index.setdefault((cadre.no, village.code), [])
            for a, b in month_spans(*span):
                present = [d for d in days(a, b) if rec.get(d, ("",))[0] == "在村"]
                if cadre.part_time:
                    n = 1 if light else rng.randint(1, 2)
                else:
                    n = rng.randint(2, 3) if light else rng.randint(3, 5)
                for day in sorted(rng.sample(present, min(n, len(present)))):
                    index.append((day, self._diary(cadre, village, day)))

    def _diary(self, cadre: Cadre, village: Village, day: date) -> int:
        rng = self.rng
        hh_no, head, group = rng.choice(village.homes)
        other = rng.choice(village.homes)[1]
        values = {
            "group": group,
            "head": head,
            "industry": village.industry,
            "n": rng.randint(3, 12),
            "crop": rng.choice(N.DIARY_CROPS),
            "topic": rng.choice(N.DIARY_TOPICS),
            "project": rng.choice(N.DIARY_PROJECTS),
            "pct": rng.randrange(20, 95, 5),
            "dept": rng.choice(N.DEPTS),
        }
        diary_id = self.ctx.new_id("diaries")
        graded = rng.random() < 0.7
        self.ctx.add(
            "diaries",
            {
                "id": diary_id,
                "cadre_no": cadre.no,
                "day": day.isoformat(),
                "village_code": village.code,
                "place": rng.choice(N.DIARY_PLACES).format(**values),
                "people": f"{head}、{other}等{values['n']}人",
                "situation": rng.choice(N.DIARY_SITUATION).format(**values),
                "difficulties": rng.choice(N.DIARY_DIFFICULTIES),
                "requests": rng.choice(N.DIARY_REQUESTS),
                "reflections": rng.choice(N.DIARY_REFLECTIONS),
                "plan": rng.choice(N.DIARY_PLANS).format(**values),
                "eval_grade": rng.choices(("优秀", "良好", "一般", "较差"), (3, 4, 2, 1))[0]
                if graded
                else None,
                "evaluator": self.organiser.name if graded else None,
            },
        )
        if rng.random() < (0.3 if self.ctx.light else 0.5):
            self.ctx.add(
                "household_visits",
                {
                    "hh_no": hh_no,
                    "day": day.isoformat(),
                    "cadre_no": cadre.no,
                    "living": rng.choice(N.VISIT_LIVING),
                    "income_sources": rng.choice(N.VISIT_INCOME).format(**values),
                    "prospects": rng.choice(N.VISIT_PROSPECTS).format(**values),
                    "notes": "三深入三查看入户走访",
                },
            )
        return diary_id
