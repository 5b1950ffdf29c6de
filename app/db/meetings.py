"""Meetings of the management cycle (周例会 … 年终总评) and their 督办事项: reads and writes.

A meeting is edited as a whole (header, attendees, reports per village, minutes,
decisions, the action items raised at it, and the earlier items closed at it) and
saved by :func:`save_meeting` as one :class:`~app.db.cadres.Batch`: one transaction,
one undo step. Closing one item outside a meeting (:func:`close_item`) is a single
:class:`~app.db.records.Change`. The change log is written by the triggers.

A meeting held in a quarter sent to the county (and what is recorded with it) changes
only with a reason (``reason``; :mod:`app.db.guard`); closing an item is dated by the day
it was done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from app.db import records
from app.db.cadres import Batch, new_uuid
from app.db.guard import with_reason
from app.db.records import Change
from app.db.views import MEETING_KINDS
from app.domain.errors import DomainError
from app.domain.periods import parse_date

WEEKLY = "周例会"
OPEN, DONE = "open", "done"
#: filters of :func:`action_items`
ITEM_FILTERS = ("open", "overdue", "done", "all")

# ---- the list ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: int
    day: str
    kind: str
    place: str | None
    chair: str | None
    present: int  # attendees marked present
    expected: int  # attendees listed (应到)
    open_items: int  # 督办事项 raised at the meeting, still open
    items: int  # 督办事项 raised at the meeting


def meeting_rows(
    db: Database,
    *,
    kind: str | None = None,
    first: date | None = None,
    last: date | None = None,
) -> list[MeetingRow]:
    """Meetings, newest first, optionally of one kind and within [first, last]."""
    sql = """
        WITH att AS (
            SELECT meeting_id, count(*) AS n, sum(present) AS present
            FROM meeting_attendees GROUP BY meeting_id
        ),
        items AS (
            SELECT meeting_id, count(*) AS n, sum(status = 'open') AS open_n
            FROM action_items GROUP BY meeting_id
        )
        SELECT m.id, m.day, m.kind, m.place, m.chair,
               coalesce(a.present, 0) AS present, coalesce(a.n, 0) AS expected,
               coalesce(i.open_n, 0) AS open_items, coalesce(i.n, 0) AS items
        FROM meetings m
        LEFT JOIN att a ON a.meeting_id = m.id
        LEFT JOIN items i ON i.meeting_id = m.id
        WHERE (:kind IS NULL OR m.kind = :kind)
          AND (:first IS NULL OR m.day >= :first) AND (:last IS NULL OR m.day <= :last)
        ORDER BY m.day DESC, m.id DESC
    """
    params = {
        "kind": kind,
        "first": first.isoformat() if first else None,
        "last": last.isoformat() if last else None,
    }
    return [MeetingRow(**r) for r in db.query(sql, params)]


# ---- one meeting -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attendee:
    cadre_no: str
    name: str
    present: bool
    reason: str | None
    former: bool = False  # no post today, or left the roster (已离任)


@dataclass(frozen=True, slots=True)
class Report:
    uuid: str | None  # None until saved
    cadre_no: str | None
    village_code: str | None
    content: str


@dataclass(frozen=True, slots=True)
class Item:
    """A 督办事项 as edited on a meeting page (``uuid`` None until saved)."""

    uuid: str | None
    task: str
    owner_cadre_no: str | None = None
    village_code: str | None = None
    due_date: str | None = None
    status: str = OPEN
    result: str | None = None
    done_on: str | None = None


@dataclass
class MeetingDraft:
    """A meeting as the page holds it until it is saved."""

    kind: str
    day: str
    place: str | None = None
    chair: str | None = None
    recorder: str | None = None
    agenda: str | None = None
    minutes: str | None = None
    attendees: list[Attendee] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    #: earlier meetings' items closed at this meeting: uuid -> result
    closures: dict[str, str | None] = field(default_factory=dict)


HEADER_FIELDS = ("kind", "day", "place", "chair", "recorder", "agenda", "minutes")
ITEM_FIELDS = ("task", "owner_cadre_no", "village_code", "due_date", "status", "result", "done_on")

# 已离任: left the roster, or held village posts and none of them any more (a township
# leader who never held a village post is not "former")
_FORMER_SQL = """
    (c.retired_on IS NOT NULL AND c.retired_on <= :today)
    OR (EXISTS (SELECT 1 FROM assignments a WHERE a.cadre_no = c.cadre_no
                AND a.start_date <= :today)
        AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.cadre_no = c.cadre_no
                AND a.start_date <= :today AND (a.end_date IS NULL OR a.end_date >= :today)))
"""


def former_cadres(db: Database, today: date) -> set[str]:
    """Cadres who count as 已离任 on ``today`` (the one rule for pages and minutes)."""
    return {
        r[0]
        for r in db.execute(
            f"SELECT c.cadre_no FROM cadres c WHERE {_FORMER_SQL}", {"today": today.isoformat()}
        ).fetchall()
    }


def meeting(db: Database, meeting_id: int, *, today: date) -> MeetingDraft | None:
    """The meeting as saved, attendees by number (those without a post ``today`` former)."""
    head = records.fetch(db, "meetings", {"id": meeting_id})
    if head is None:
        return None
    attendees = [
        Attendee(r["cadre_no"], r["name"], bool(r["present"]), r["reason"], bool(r["former"]))
        for r in db.query(
            f"""SELECT ma.cadre_no, c.name, ma.present, ma.reason, ({_FORMER_SQL}) AS former
                FROM meeting_attendees ma JOIN cadres c ON c.cadre_no = ma.cadre_no
                WHERE ma.meeting_id = :id ORDER BY ma.cadre_no""",
            {"id": meeting_id, "today": today.isoformat()},
        )
    ]

    def rows(table: str) -> list[dict[str, Any]]:
        sql = f"SELECT * FROM {table} WHERE meeting_id = ? ORDER BY id"
        return list(db.query(sql, [meeting_id]))

    reports = [
        Report(r["uuid"], r["cadre_no"], r["village_code"], r["content"])
        for r in rows("meeting_reports")
    ]
    decisions = [r["text"] for r in rows("decisions")]
    items = [Item(r["uuid"], **{f: r[f] for f in ITEM_FIELDS}) for r in rows("action_items")]
    closures = {
        r["uuid"]: r["result"]
        for r in db.query(
            "SELECT uuid, result FROM action_items WHERE closed_meeting_id = ? AND meeting_id != ?",
            [meeting_id, meeting_id],
        )
    }
    return MeetingDraft(
        **{f: head[f] for f in HEADER_FIELDS},
        attendees=attendees,
        reports=reports,
        decisions=decisions,
        items=items,
        closures=closures,
    )


# ---- defaults for a new meeting ----------------------------------------------------------


def usual_weekday(db: Database) -> int:
    """The weekday (0 = Monday) most weekly meetings were held on; Monday without any."""
    row = db.execute(
        """SELECT (CAST(strftime('%w', day) AS INTEGER) + 6) % 7 AS wd, count(*) AS n
           FROM meetings WHERE kind = ? GROUP BY wd ORDER BY n DESC, max(day) DESC LIMIT 1""",
        [WEEKLY],
    ).fetchone()
    return int(row[0]) if row else 0


def usual_value(db: Database, column: str, kind: str | None = None) -> str | None:
    """The most frequent ``column`` (chair, place, recorder) of the meetings of ``kind``
    (of any kind when there are none), the most recent among equals."""
    if column not in ("chair", "place", "recorder"):
        raise ValueError(column)
    for only in (kind, None) if kind else (None,):
        row = db.execute(
            f"""SELECT "{column}" FROM meetings
                WHERE coalesce("{column}", '') != '' AND (:kind IS NULL OR kind = :kind)
                GROUP BY "{column}" ORDER BY count(*) DESC, max(day) DESC LIMIT 1""",
            {"kind": only},
        ).fetchone()
        if row:
            return row[0]
    return None


def active_cadres(db: Database, day: date) -> list[tuple[str, str]]:
    """(cadre_no, name) of the cadres with a post covering ``day`` and still on the roster."""
    sql = """SELECT c.cadre_no, c.name FROM cadres c
             WHERE (c.retired_on IS NULL OR c.retired_on > :day)
               AND EXISTS (SELECT 1 FROM assignments a WHERE a.cadre_no = c.cadre_no
                   AND a.start_date <= :day AND (a.end_date IS NULL OR a.end_date >= :day))
             ORDER BY c.cadre_no"""
    return _pairs(db, sql, {"day": day.isoformat()})


def weekly_day(db: Database, today: date) -> date:
    """The usual weekday of ``today``'s week (Monday to Sunday)."""
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(days=usual_weekday(db))


def new_meeting(db: Database, kind: str, today: date) -> MeetingDraft:
    """A new meeting: a 周例会 on the usual weekday of this week, else today; the usual
    chair, place and recorder; the active cadres as attendees, present."""
    if kind not in MEETING_KINDS:
        raise DomainError(f"会议类别应为 {'、'.join(MEETING_KINDS)} 之一", field="kind")
    day = weekly_day(db, today) if kind == WEEKLY else today
    return MeetingDraft(
        kind=kind,
        day=day.isoformat(),
        place=usual_value(db, "place", kind),
        chair=usual_value(db, "chair", kind),
        recorder=usual_value(db, "recorder", kind),
        attendees=[Attendee(no, name, True, None) for no, name in active_cadres(db, day)],
    )


def weekly_meetings_in_week(db: Database, day: date, *, exclude: int | None = None) -> list[str]:
    """Days of the weekly meetings already held in ``day``'s week (to warn of a second one)."""
    monday = day - timedelta(days=day.weekday())
    sql = """SELECT day, kind FROM meetings WHERE kind = ? AND day BETWEEN ? AND ?
             AND id IS NOT ? ORDER BY day"""
    sunday = monday + timedelta(days=6)
    return [
        d for d, _k in _pairs(db, sql, [WEEKLY, monday.isoformat(), sunday.isoformat(), exclude])
    ]


# ---- action items ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionItem:
    """A 督办事项 with where it was raised and who and what it is about."""

    id: int
    uuid: str
    meeting_id: int
    meeting_day: str
    meeting_kind: str
    task: str
    owner_cadre_no: str | None
    owner_name: str | None
    village_code: str | None
    village_name: str | None
    due_date: str | None
    status: str
    result: str | None
    done_on: str | None
    closed_meeting_id: int | None
    closed_meeting_day: str | None
    days_overdue: int  # open and past its due date as of the day asked about, else 0

    @property
    def done(self) -> bool:
        return self.status == DONE

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


_ITEM_SQL = """
    SELECT ai.id, ai.uuid, ai.meeting_id, m.day AS meeting_day, m.kind AS meeting_kind,
           ai.task, ai.owner_cadre_no, c.name AS owner_name, ai.village_code,
           v.name AS village_name, ai.due_date, ai.status, ai.result, ai.done_on,
           ai.closed_meeting_id, cm.day AS closed_meeting_day,
           CASE WHEN ai.status = 'open' AND ai.due_date < :today
                THEN CAST(julianday(:today) - julianday(ai.due_date) AS INTEGER) ELSE 0 END
           AS days_overdue
    FROM action_items ai
    JOIN meetings m ON m.id = ai.meeting_id
    LEFT JOIN meetings cm ON cm.id = ai.closed_meeting_id
    LEFT JOIN cadres c ON c.cadre_no = ai.owner_cadre_no
    LEFT JOIN villages v ON v.code = ai.village_code
"""


def action_items(
    db: Database,
    *,
    today: date,
    status: str = "open",
    owner: str | None = None,
    village: str | None = None,
) -> list[ActionItem]:
    """督办事项 across meetings: ``status`` open / overdue (open, due before ``today``) /
    done / all; open ones by due date (overdue first), done ones latest first."""
    if status not in ITEM_FILTERS:
        raise ValueError(status)
    sql = f"""{_ITEM_SQL}
        WHERE (:status = 'all' OR (:status = 'done' AND ai.status = 'done')
               OR (:status = 'open' AND ai.status = 'open')
               OR (:status = 'overdue' AND ai.status = 'open' AND ai.due_date < :today))
          AND (:owner IS NULL OR ai.owner_cadre_no = :owner)
          AND (:village IS NULL OR ai.village_code = :village)
        ORDER BY ai.status = 'done', CASE WHEN ai.status = 'done' THEN ai.done_on END DESC,
                 ai.due_date IS NULL, ai.due_date, m.day, ai.id
    """
    params = {"today": today.isoformat(), "status": status, "owner": owner, "village": village}
    return [ActionItem(**r) for r in db.query(sql, params)]


def overdue_items(db: Database, today: date) -> list[ActionItem]:
    return action_items(db, today=today, status="overdue")


def open_items_before(
    db: Database, day: date, *, meeting_id: int | None = None, today: date
) -> list[ActionItem]:
    """The items of meetings before this one (earlier days; on the same day, entered
    earlier) still open — and those closed at this meeting — for review, by due date."""
    sql = f"""{_ITEM_SQL}
        WHERE ai.meeting_id IS NOT :id
          AND (m.day < :day OR (m.day = :day AND m.id < coalesce(:id, 1 << 62)))
          AND (ai.status = 'open' OR ai.closed_meeting_id = :id)
        ORDER BY ai.due_date IS NULL, ai.due_date, m.day, ai.id
    """
    params = {"id": meeting_id, "day": day.isoformat(), "today": today.isoformat()}
    return [ActionItem(**r) for r in db.query(sql, params)]


def _pairs(db: Database, sql: str, params: Any = ()) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in db.execute(sql, params).fetchall()]


def item_owners(db: Database) -> list[tuple[str, str]]:
    """(cadre_no, name) of the cadres owning any item, by number."""
    sql = """SELECT DISTINCT c.cadre_no, c.name FROM action_items ai
             JOIN cadres c ON c.cadre_no = ai.owner_cadre_no ORDER BY c.cadre_no"""
    return _pairs(db, sql)


def item_villages(db: Database) -> list[tuple[str, str]]:
    """(code, name) of the villages any item is about, by code."""
    sql = """SELECT DISTINCT v.code, v.name FROM action_items ai
             JOIN villages v ON v.code = ai.village_code ORDER BY v.code"""
    return _pairs(db, sql)


def close_item(
    db: Database,
    item_uuid: str,
    *,
    result: str | None,
    done_on: date,
    closed_meeting_id: int | None = None,
    reason: str | None = None,
) -> Change:
    """Mark an open item done on ``done_on`` (not before the meeting that raised it).
    ``done_on`` in a quarter sent to the county needs a ``reason``."""
    row = db.execute(
        """SELECT ai.status, m.day FROM action_items ai JOIN meetings m ON m.id = ai.meeting_id
           WHERE ai.uuid = ?""",
        [item_uuid],
    ).fetchone()
    if row is None:
        raise DomainError("督办事项已不存在（可能已被删除）")
    if row[0] == DONE:
        raise DomainError("这件督办事项已经办结")
    if done_on.isoformat() < row[1]:
        raise DomainError(f"办结日期早于提出它的会议（{row[1]}）", field="done_on")
    values = dict(status=DONE, result=_clean(result), done_on=done_on.isoformat())
    values["closed_meeting_id"] = closed_meeting_id
    with with_reason(db, reason):
        return records.update(db, "action_items", {"uuid": item_uuid}, values)


# ---- saving a meeting --------------------------------------------------------------------


def item_problems(item: Item, meeting_day: str) -> dict[str, str]:
    """{field: problem} of an item raised at a meeting held on ``meeting_day``."""
    problems: dict[str, str] = {}
    if not item.task.strip():
        problems["task"] = "必填"
    if item.due_date and item.due_date < meeting_day:
        problems["due_date"] = f"办结期限早于会议日期（{meeting_day}）"
    if item.status == DONE and not item.done_on:
        problems["done_on"] = "已办结的事项请填写办结日期"
    if item.status == OPEN and item.done_on:
        problems["done_on"] = "未办结的事项不应有办结日期"
    if item.done_on and item.done_on < meeting_day:
        problems["done_on"] = f"办结日期早于会议日期（{meeting_day}）"
    return problems


def draft_problems(draft: MeetingDraft) -> dict[str, str]:
    """{field: problem} of a meeting before saving; the first one is raised on save."""
    problems: dict[str, str] = {}
    if draft.kind not in MEETING_KINDS:
        problems["kind"] = f"会议类别应为 {'、'.join(MEETING_KINDS)} 之一"
    try:
        parse_date(draft.day)
    except DomainError as e:
        problems["day"] = e.message
        return problems
    seen: set[str] = set()
    for a in draft.attendees:
        if a.cadre_no in seen:
            problems["attendees"] = f"{a.name} 在参会人员中出现了两次"
        seen.add(a.cadre_no)
        if not a.present and not (a.reason or "").strip():
            problems.setdefault("attendees", f"请填写 {a.name} 的缺席原因")
    for r in draft.reports:
        if not r.content.strip():
            problems.setdefault("reports", "汇报内容不能为空")
    for i, item in enumerate(draft.items, start=1):
        for _field, problem in item_problems(item, draft.day).items():
            problems.setdefault("items", f"第 {i} 件督办事项：{problem}")
    return problems


class _Writer:
    """Collects the changes of one save, leaving out those that changed nothing."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.changes: list[Change] = []

    def add(self, change: Change) -> Change:
        if change.before != change.after:
            self.changes.append(change)
        return change

    def insert(self, table: str, values: dict[str, Any], key: tuple[str, ...]) -> Change:
        return self.add(records.insert(self.db, table, values, key))

    def update(self, table: str, key: dict[str, Any], values: dict[str, Any]) -> Change:
        return self.add(records.update(self.db, table, key, values))

    def delete(self, table: str, key: dict[str, Any]) -> Change:
        return self.add(records.delete(self.db, table, key))


def _keys(db: Database, table: str, column: str, meeting_id: int) -> list[Any]:
    sql = f'SELECT "{column}" FROM "{table}" WHERE meeting_id = ? ORDER BY rowid'
    return [r[0] for r in db.execute(sql, [meeting_id]).fetchall()]


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def _save_children(w: _Writer, meeting_id: int, draft: MeetingDraft) -> None:
    db = w.db
    # attendees, keyed by cadre
    old = {
        r["cadre_no"]: r
        for r in db.query("SELECT * FROM meeting_attendees WHERE meeting_id = ?", [meeting_id])
    }
    wanted = {a.cadre_no: a for a in draft.attendees}
    for no in old.keys() - wanted.keys():
        w.delete("meeting_attendees", {"meeting_id": meeting_id, "cadre_no": no})
    for no, a in wanted.items():
        values = {"present": int(a.present), "reason": None if a.present else _clean(a.reason)}
        if no in old:
            w.update("meeting_attendees", {"meeting_id": meeting_id, "cadre_no": no}, values)
        else:
            row = {"meeting_id": meeting_id, "cadre_no": no, **values}
            w.insert("meeting_attendees", row, ("meeting_id", "cadre_no"))
    # reports and items, keyed by uuid
    for table, rows, fields in (
        ("meeting_reports", draft.reports, ("cadre_no", "village_code", "content")),
        ("action_items", draft.items, ITEM_FIELDS),
    ):
        old_keys = set(_keys(db, table, "uuid", meeting_id))
        kept = {r.uuid for r in rows if r.uuid}
        for key in sorted(old_keys - kept):
            w.delete(table, {"uuid": key})
        for r in rows:
            values = {f: getattr(r, f) for f in fields}
            values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
            if table == "action_items" and values["status"] == OPEN:
                values["closed_meeting_id"] = None
            if r.uuid in old_keys:
                w.update(table, {"uuid": r.uuid}, values)
            else:
                if table == "action_items" and values["status"] == DONE:
                    values["closed_meeting_id"] = meeting_id
                row = {**values, "meeting_id": meeting_id, "uuid": new_uuid()}
                w.insert(table, row, ("uuid",))
    # decisions: one a line, matched by position
    old_decisions = list(
        db.query("SELECT uuid, text FROM decisions WHERE meeting_id = ? ORDER BY id", [meeting_id])
    )
    texts = [t.strip() for t in draft.decisions if t.strip()]
    for i in range(max(len(old_decisions), len(texts))):
        if i >= len(texts):
            w.delete("decisions", {"uuid": old_decisions[i]["uuid"]})
        elif i >= len(old_decisions):
            row = {"meeting_id": meeting_id, "text": texts[i], "uuid": new_uuid()}
            w.insert("decisions", row, ("uuid",))
        else:
            w.update("decisions", {"uuid": old_decisions[i]["uuid"]}, {"text": texts[i]})


def _save_closures(w: _Writer, meeting_id: int, draft: MeetingDraft) -> None:
    """Earlier items closed here: done on the meeting's day; those no longer closed here reopen."""
    for item in open_items_before(
        w.db, parse_date(draft.day), meeting_id=meeting_id, today=date.min
    ):
        if item.uuid in draft.closures:
            values = dict(status=DONE, result=_clean(draft.closures[item.uuid]))
            values.update(done_on=draft.day, closed_meeting_id=meeting_id)
            w.update("action_items", {"uuid": item.uuid}, values)
        elif item.closed_meeting_id == meeting_id:
            values = {"status": OPEN, "result": None, "done_on": None, "closed_meeting_id": None}
            w.update("action_items", {"uuid": item.uuid}, values)


def save_meeting(
    db: Database,
    draft: MeetingDraft,
    *,
    meeting_id: int | None = None,
    reason: str | None = None,
) -> tuple[int, Batch]:
    """Write the meeting and everything on its page in one transaction; returns its id
    and the changes made (one undo step). Refused with the first problem found, and
    without a ``reason`` when the meeting (its day before or after) is in a quarter sent
    to the county."""
    problems = draft_problems(draft)
    if problems:
        where, problem = next(iter(problems.items()))
        raise DomainError(problem, field=where)
    w = _Writer(db)
    head = {f: _clean(getattr(draft, f)) for f in HEADER_FIELDS}
    with with_reason(db, reason):
        if meeting_id is None:
            change = w.insert("meetings", {**head, "uuid": new_uuid()}, ("uuid",))
            assert change.after is not None
            meeting_id = int(change.after["id"])
        else:
            w.update("meetings", {"id": meeting_id}, head)
        _save_children(w, meeting_id, draft)
        _save_closures(w, meeting_id, draft)
    return meeting_id, Batch(tuple(w.changes))


def delete_meeting(db: Database, meeting_id: int, *, reason: str | None = None) -> Batch:
    """Delete a meeting with its attendees, reports, decisions and the items raised at it;
    earlier items closed at it stay done. Refused while 办实事 records point at it, and
    without a ``reason`` for a meeting in a quarter sent to the county."""
    if records.fetch(db, "meetings", {"id": meeting_id}) is None:
        raise DomainError("会议记录已不存在（可能已被删除）")
    linked = db.execute(
        "SELECT count(*) FROM practical_matters WHERE meeting_id = ?", [meeting_id]
    ).fetchone()[0]
    if linked:
        raise DomainError(f"不能删除：还有 办实事 {linked} 条 记在这次会议上，请先处理这些记录。")
    w = _Writer(db)
    with with_reason(db, reason):
        closed_here = db.execute(
            "SELECT uuid FROM action_items WHERE closed_meeting_id = ? AND meeting_id != ?",
            [meeting_id, meeting_id],
        ).fetchall()
        for (key,) in closed_here:
            w.update("action_items", {"uuid": key}, {"closed_meeting_id": None})
        for table in ("action_items", "decisions", "meeting_reports"):
            for key in _keys(db, table, "uuid", meeting_id):
                w.delete(table, {"uuid": key})
        for no in _keys(db, "meeting_attendees", "cadre_no", meeting_id):
            w.delete("meeting_attendees", {"meeting_id": meeting_id, "cadre_no": no})
        w.delete("meetings", {"id": meeting_id})
    return Batch(tuple(w.changes))


def meeting_label(db: Database, meeting_id: int) -> str:
    """``2026-05-11 周例会``."""
    row = db.execute("SELECT day, kind FROM meetings WHERE id = ?", [meeting_id]).fetchone()
    return f"{row[0]} {row[1]}" if row else ""
