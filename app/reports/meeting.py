"""The minutes of one meeting (会议纪要) as report data: ``report meeting --id N``.

:func:`meeting_report` gathers everything the printed minutes show — the meeting, who
attended and who was absent (with the reason), the agenda, what each cadre reported
about which village, the minutes, the decisions, the action items (督办事项) raised and
those closed at this meeting — as a JSON-able dict and a flat :class:`Table` (CSV/XLSX).

A cadre who has left (退出) or holds no post any more on the day of printing is still
listed, marked ``former``: the minutes record who was there, not who serves today.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlite_utils import Database

from app.db import store
from app.db.meetings import former_cadres
from app.domain.errors import DomainError
from app.reports.tabular import Table

WEEKDAYS = "一二三四五六日"
FORMER_MARK = "（已离任）"
STATUS_LABELS = {"open": "未办结", "done": "已办结", "overdue": "逾期"}
HEADER = ("栏目", "序号", "内容", "干部", "村", "期限/日期", "状态/结果")


def chinese_date(day: str) -> str:
    """``2026-11-23`` → ``2026年11月23日（星期一）``."""
    d = date.fromisoformat(day)
    return f"{d.year}年{d.month}月{d.day}日（星期{WEEKDAYS[d.weekday()]}）"


def _person(row: dict[str, Any], former: set[str], no_key: str = "cadre_no") -> dict[str, Any]:
    no = row[no_key]
    return {"cadre_no": no, "name": row["name"] or no, "former": no in former}


def shown_name(person: dict[str, Any]) -> str:
    """The name, marked when the cadre has left: ``王建国（已离任）``."""
    if not person.get("name"):
        return ""
    return person["name"] + (FORMER_MARK if person.get("former") else "")


def item_status(status: str, due_date: str | None, today: date) -> str:
    """open / done / overdue (open and past its due date)."""
    if status == "open" and due_date and due_date < today.isoformat():
        return "overdue"
    return status


def meeting_report(
    db: Database, meeting_id: int, *, today: date | None = None
) -> tuple[dict, Table]:
    """The minutes of meeting ``meeting_id``; ``DomainError`` when there is no such meeting."""
    today = today or date.today()
    rows = list(db.query("SELECT * FROM meetings WHERE id = ?", [meeting_id]))
    if not rows:
        raise DomainError(f"会议 {meeting_id} 不存在")
    m = rows[0]
    ident = store.require_identity(db)
    former = former_cadres(db, today)
    people = list(
        db.query(
            """SELECT a.cadre_no, a.present, a.reason, c.name, c.unit, c.post
               FROM meeting_attendees a LEFT JOIN cadres c ON c.cadre_no = a.cadre_no
               WHERE a.meeting_id = ? ORDER BY a.cadre_no""",
            [meeting_id],
        )
    )
    present = [_person(p, former) | {"post": p["post"]} for p in people if p["present"]]
    absent = [
        _person(p, former) | {"reason": p["reason"] or ""} for p in people if not p["present"]
    ]
    reports = [
        _person(r, former)
        | {"village_code": r["village_code"], "village": r["village"] or ""}
        | {"content": r["content"]}
        for r in db.query(
            """SELECT r.cadre_no, c.name, r.village_code, v.name AS village, r.content
               FROM meeting_reports r LEFT JOIN cadres c ON c.cadre_no = r.cadre_no
               LEFT JOIN villages v ON v.code = r.village_code
               WHERE r.meeting_id = ? ORDER BY r.id""",
            [meeting_id],
        )
    ]
    decisions = [
        r[0]
        for r in db.execute(
            "SELECT text FROM decisions WHERE meeting_id = ? ORDER BY id", [meeting_id]
        ).fetchall()
    ]
    items_sql = """SELECT i.id, i.task, i.owner_cadre_no AS cadre_no, c.name, i.village_code,
                          v.name AS village, i.due_date, i.status, i.result, i.done_on,
                          m.day AS raised_on, m.kind AS raised_kind
                   FROM action_items i LEFT JOIN cadres c ON c.cadre_no = i.owner_cadre_no
                   LEFT JOIN villages v ON v.code = i.village_code
                   LEFT JOIN meetings m ON m.id = i.meeting_id
                   WHERE {} ORDER BY i.due_date IS NULL, i.due_date, i.id"""

    def item(r: dict[str, Any]) -> dict[str, Any]:
        owner = (
            _person(r, former) if r["cadre_no"] else {"cadre_no": None, "name": "", "former": False}
        )
        status = item_status(r["status"], r["due_date"], today)
        return {
            "id": r["id"],
            "task": r["task"],
            "owner_cadre_no": owner["cadre_no"],
            "owner": owner["name"],
            "owner_former": owner["former"],
            "village_code": r["village_code"],
            "village": r["village"] or "",
            "due_date": r["due_date"],
            "status": status,
            "status_label": STATUS_LABELS[status],
            "result": r["result"],
            "done_on": r["done_on"],
            "raised_on": r["raised_on"],
            "raised_kind": r["raised_kind"],
        }

    raised = [item(r) for r in db.query(items_sql.format("i.meeting_id = ?"), [meeting_id])]
    closed = [item(r) for r in db.query(items_sql.format("i.closed_meeting_id = ?"), [meeting_id])]
    township = ident.township_name or ident.display_name
    data = {
        "id": m["id"],
        "uuid": m["uuid"],
        "title": f"{township}{m['kind']}会议纪要",
        "township": township,
        "county": ident.county_name,
        "kind": m["kind"],
        "day": m["day"],
        "date_text": chinese_date(m["day"]),
        "place": m["place"] or "",
        "chair": m["chair"] or "",
        "recorder": m["recorder"] or "",
        "expected": len(people),
        "attendees": present,
        "absentees": absent,
        "agenda": m["agenda"] or "",
        "reports": reports,
        "minutes": m["minutes"] or "",
        "decisions": decisions,
        "action_items": raised,
        "closed_items": closed,
        "printed_on": today.isoformat(),
    }
    return data, meeting_table(data)


def meeting_table(data: dict[str, Any]) -> Table:
    """The minutes as one flat table: a row per fact, in the order they are printed."""
    rows: list[tuple[object, ...]] = [
        ("时间", "", data["date_text"]),
        ("地点", "", data["place"]),
        ("主持人", "", data["chair"]),
        ("记录人", "", data["recorder"]),
    ]
    rows += [("出席", i, shown_name(p), p["cadre_no"]) for i, p in enumerate(data["attendees"], 1)]
    rows += [
        ("缺席", i, shown_name(p), p["cadre_no"], "", "", p["reason"])
        for i, p in enumerate(data["absentees"], 1)
    ]
    rows.append(("议程", "", data["agenda"]))
    rows += [
        ("工作汇报", i, r["content"], shown_name(r), r["village"])
        for i, r in enumerate(data["reports"], 1)
    ]
    rows.append(("会议纪要", "", data["minutes"]))
    rows += [("会议决定", i, text) for i, text in enumerate(data["decisions"], 1)]
    rows += [
        (
            "督办事项",
            i,
            a["task"],
            a["owner"] + (FORMER_MARK if a["owner_former"] else ""),
            a["village"],
            a["due_date"] or "",
            a["status_label"] + (f"（{a['done_on']}）" if a["done_on"] else ""),
        )
        for i, a in enumerate(data["action_items"], 1)
    ]
    rows += [
        (
            "本次办结",
            i,
            a["task"],
            a["owner"] + (FORMER_MARK if a["owner_former"] else ""),
            a["village"],
            a["done_on"] or "",
            a["result"] or "",
        )
        for i, a in enumerate(data["closed_items"], 1)
    ]
    return Table(
        title=f"{data['title']}（{data['day']}）",
        header=HEADER,
        rows=rows,
        sheet_name=f"{data['kind']}{data['day']}",
    )
