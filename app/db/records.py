"""Single-record edits with what undo needs: insert, update, delete and their inverses.

Every edit runs in its own transaction and returns a :class:`Change` (table, key, the
row before and after). ``revert(db, change)`` applies the inverse edit — also a recorded
edit, so the change log shows both — and re-inserting a deleted row keeps its uuid.
Deleting a row that other records point at is refused with a message naming them.

Undo and redo never overwrite what changed since: ``revert`` first checks that the row
still holds what the edit left (``reapply``: what the undo left), ``modified_at`` aside,
and refuses with a message otherwise, changing nothing. :func:`check` does the same for
several changes at once (a batch), before any of them is applied.

A record dated in a frozen period (an approved subsidy month, a quarter sent to the
county: :mod:`app.db.guard`) changes only with a reason. ``insert``, ``update`` and
``delete`` are the building blocks of the writers (:mod:`app.db.diaries` …), which run
them inside :func:`app.db.guard.with_reason`; ``revert`` and ``reapply`` do so themselves.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from app.db.guard import with_reason
from app.domain.errors import DomainError

NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

# what points at a record: table -> [(child table, child column, label for a message)]
DEPENDENTS: dict[str, list[tuple[str, str, str]]] = {
    "villages": [
        ("households", "village_code", "户情档案"),
        ("assignments", "village_code", "驻村/兼职安排"),
        ("attendance", "village_code", "考勤记录"),
        ("village_years", "village_code", "年度数据"),
        ("village_assessments", "village_code", "考核记录"),
        ("diaries", "village_code", "民情日记"),
        ("practical_matters", "village_code", "办实事"),
        ("meeting_reports", "village_code", "会议汇报"),
        ("action_items", "village_code", "督办事项"),
    ],
    "households": [("household_visits", "hh_no", "走访记录")],
    "cadres": [
        ("assignments", "cadre_no", "驻村/兼职安排"),
        ("attendance", "cadre_no", "考勤记录"),
        ("checks", "cadre_no", "查岗记录"),
        ("diaries", "cadre_no", "民情日记"),
        ("leaves", "cadre_no", "请假记录"),
        ("subsidy_lines", "cadre_no", "已审批补助"),
    ],
}


@dataclass(frozen=True)
class Change:
    table: str
    key: dict[str, Any]
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def action(self) -> str:
        if self.before is None:
            return "insert"
        return "delete" if self.after is None else "update"


def _where(key: dict[str, Any]) -> tuple[str, list[Any]]:
    return " AND ".join(f'"{k}" = ?' for k in key), list(key.values())


def fetch(db: Database, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
    where, params = _where(key)
    rows = list(db.query(f'SELECT * FROM "{table}" WHERE {where}', params))
    return rows[0] if rows else None


def integrity_error(e: sqlite3.IntegrityError, table: str) -> DomainError:
    """The user's message for a constraint the database refused."""
    text = str(e)
    if "UNIQUE" in text or "PRIMARY KEY" in text:
        return DomainError(
            f"编号重复：{table} 中已有相同编号的记录（{text.split(':')[-1].strip()}）"
        )
    if "FOREIGN KEY" in text:
        return DomainError("引用的记录不存在（如村代码、干部编号），请先建立该记录")
    return DomainError(f"数据不符合要求：{text}")


_integrity = integrity_error  # the old name, until every caller uses the public one


def insert(db: Database, table: str, values: dict[str, Any], key_fields: tuple[str, ...]) -> Change:
    try:
        with db.atomic():
            db[table].insert(values)
    except sqlite3.IntegrityError as e:
        raise integrity_error(e, table) from e
    key = {k: values[k] for k in key_fields}
    return Change(table, key, None, fetch(db, table, key))


def update(db: Database, table: str, key: dict[str, Any], values: dict[str, Any]) -> Change:
    before = fetch(db, table, key)
    if before is None:
        raise DomainError("记录已不存在（可能已被删除）")
    changed = {k: v for k, v in values.items() if before.get(k) != v}
    if not changed:
        return Change(table, key, before, before)
    sets = ", ".join(f'"{k}" = ?' for k in changed)
    where, params = _where(key)
    try:
        with db.atomic():
            db.execute(
                f'UPDATE "{table}" SET {sets}, modified_at = {NOW} WHERE {where}',
                [*changed.values(), *params],
            )
    except sqlite3.IntegrityError as e:
        raise integrity_error(e, table) from e
    new_key = {k: changed.get(k, v) for k, v in key.items()}
    return Change(table, new_key, before, fetch(db, table, new_key))


def dependents(
    db: Database, table: str, key: dict[str, Any], *, skip: tuple[str, ...] = ()
) -> list[tuple[str, int]]:
    """[(label, count)] of records pointing at the record, leaving out tables in ``skip``."""
    value = next(iter(key.values()))
    out = []
    for child, column, label in DEPENDENTS.get(table, []):
        if child in skip:
            continue
        n = db.execute(f'SELECT count(*) FROM "{child}" WHERE "{column}" = ?', [value]).fetchone()[
            0
        ]
        if n:
            out.append((label, n))
    return out


def describe_dependents(deps: list[tuple[str, int]]) -> str:
    return "、".join(f"{label} {n} 条" for label, n in deps)


def delete(
    db: Database, table: str, key: dict[str, Any], *, cascade: tuple[str, ...] = ()
) -> Change:
    """Delete one record; refused while other records point at it.

    ``cascade`` names child tables (e.g. ``household_visits``) whose rows are deleted
    with it; they are returned inside ``Change.before["_children"]`` so undo restores them.
    """
    before = fetch(db, table, key)
    if before is None:
        raise DomainError("记录已不存在（可能已被删除）")
    blocking = dependents(db, table, key, skip=cascade)
    if blocking:
        raise DomainError(
            f"不能删除：还有 {describe_dependents(blocking)} 指向这条记录，请先处理这些记录。"
        )
    where, params = _where(key)
    children: dict[str, list[dict[str, Any]]] = {}
    with db.atomic():
        for child, column, _lbl in DEPENDENTS.get(table, []):
            if child in cascade:
                value = next(iter(key.values()))
                children[child] = list(
                    db.query(f'SELECT * FROM "{child}" WHERE "{column}" = ?', [value])
                )
                db.execute(f'DELETE FROM "{child}" WHERE "{column}" = ?', [value])
        db.execute(f'DELETE FROM "{table}" WHERE {where}', params)
    return Change(table, key, {**before, "_children": children} if children else before, None)


# ---- undo and redo ---------------------------------------------------------------------

#: how a conflict names the record and its fields (the column name where none is given)
TABLE_LABELS: dict[str, str] = {
    "villages": "村情档案",
    "village_years": "年度数据",
    "households": "户情档案",
    "household_visits": "走访记录",
    "cadres": "干部",
    "assignments": "驻村/兼职安排",
    "attendance": "考勤",
    "leaves": "请假",
    "checks": "查岗",
    "diaries": "民情日记",
    "meetings": "会议",
    "meeting_attendees": "参会人员",
    "meeting_reports": "会议汇报",
    "decisions": "会议决定",
    "action_items": "督办事项",
    "practical_matters": "办实事",
    "subsidy_rates": "补助标准",
    "village_assessments": "村级考核",
    "village_scores": "村级考核得分",
    "cadre_assessments": "干部考核",
    "templates": "考核指标模板",
    # tables edited only by the program (approval, templates, the county file, rules)
    "townships": "乡镇",
    "subsidy_months": "已审批补助月份",
    "subsidy_lines": "补助明细",
    "subsidy_adjustments": "补助调整",
    "template_indicators": "模板指标",
    "template_bands": "模板等次线",
    "assessment_years": "考核年度",
    "rule_settings": "规则设置",
    "meta": "基本信息",
    "county_keys": "乡镇公钥",
    "county_files": "乡镇上报文件",
    "exported_quarters": "已上报季度",
    "demo": "演示数据",
}
FIELD_LABELS: dict[str, str] = {
    "kind": "类别",
    "source": "来源",
    "note": "备注",
    "notes": "备注",
    "village_code": "村代码",
    "name": "名称",
    "head_name": "户主",
    "members": "人口",
    "phone": "电话",
    "group_name": "村民小组",
    "low_income": "低收入户",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "cancelled_on": "销假日期",
    "retired_on": "退出日期",
    "result": "结果",
}
_IGNORED = ("modified_at", "_children")
UNDO, REDO = "撤销", "重做"

Row = dict[str, Any]
Slot = tuple[str, tuple[tuple[str, Any], ...]]  # (table, key as sorted items)


def _old_key(change: Change) -> dict[str, Any]:
    """Where the row was before ``change`` (an update may change the key itself)."""
    if change.before is None:
        return change.key
    return {k: change.before.get(k, v) for k, v in change.key.items()}


def _slot(table: str, key: dict[str, Any]) -> Slot:
    return table, tuple(sorted(key.items()))


def _steps(
    change: Change, direction: str
) -> tuple[tuple[dict[str, Any], Row | None], list[tuple[dict[str, Any], Row | None]]]:
    """(where and what the row must be, [where and what it is afterwards]) for an undo or redo."""
    old, new = _old_key(change), change.key
    if direction == UNDO:
        return (new, change.after), [(new, None), (old, change.before)]
    return (old, change.before), [(old, None), (new, change.after)]


def _value(v: Any) -> str:
    return "空" if v is None or v == "" else f"“{v}”"


def _difference(now: dict[str, Any] | None, expected: dict[str, Any] | None) -> str | None:
    """What differs between the row now and the row expected, or None when nothing does."""
    if now is None and expected is None:
        return None
    if now is None:
        return "已被删除"
    if expected is None:
        return "又建立了相同编号的记录"
    fields = [
        k
        for k in dict.fromkeys([*expected, *now])
        if k not in _IGNORED and now.get(k) != expected.get(k)
    ]
    if not fields:
        return None
    shown = [
        f"{FIELD_LABELS.get(k, k)} 由{_value(expected.get(k))}改为{_value(now.get(k))}"
        for k in fields[:3]
    ]
    return "，".join(shown) + ("等" if len(fields) > 3 else "")


def conflict_error(table: str, key: dict[str, Any], what: str, direction: str) -> DomainError:
    label = TABLE_LABELS.get(table, table)
    where = " ".join(str(v) for v in key.values())
    return DomainError(
        f"这条记录在此之后已被修改（{label} {where}：{what}），不能{direction}；请直接编辑。"
    )


def check(db: Database, changes: list[Change] | tuple[Change, ...], direction: str) -> None:
    """Refuse (DomainError) unless every change can be undone (``UNDO``, last first) or
    redone (``REDO``, first first) without overwriting what changed since. Nothing is written.

    ``changes`` are given in the order they will be applied. A change's row is compared with
    what the earlier ones of the list leave, or with the database where none touched it.
    """
    state: dict[Slot, Row | None] = {}  # what the earlier changes leave
    for change in changes:
        (key, expected), results = _steps(change, direction)
        slot = _slot(change.table, key)
        now = state[slot] if slot in state else fetch(db, change.table, key)
        what = _difference(now, expected)
        if what is not None:
            raise conflict_error(change.table, key, what, direction)
        for k, row in results:
            state[_slot(change.table, k)] = row


def revert(db: Database, change: Change, reason: str | None = None) -> Change:
    """Apply the inverse of ``change`` (undo); returns the change that made.

    Refused, changing nothing, when the row no longer holds what ``change`` left, or
    when it is dated in a frozen period and no ``reason`` is given
    (:class:`app.db.guard.ReasonRequired`; the change log keeps the reason).
    """
    with with_reason(db, reason):
        check(db, [change], UNDO)
        return apply_revert(db, change)


def reapply(db: Database, change: Change, reason: str | None = None) -> Change:
    """Apply ``change`` again (redo after undo).

    Refused, changing nothing, when the row no longer holds what the undo left, or
    without a ``reason`` in a frozen period (as :func:`revert`).
    """
    with with_reason(db, reason):
        check(db, [change], REDO)
        return apply_reapply(db, change)


def apply_revert(db: Database, change: Change) -> Change:
    """The inverse of ``change``, unchecked (callers run :func:`check` first)."""
    if change.action == "insert":
        return delete(db, change.table, change.key)
    if change.action == "update":
        assert change.before is not None
        return update(
            db,
            change.table,
            change.key,
            {k: v for k, v in change.before.items() if k != "modified_at"},
        )
    before = dict(change.before or {})
    children = before.pop("_children", {})
    try:
        with db.atomic():
            db[change.table].insert(before)
            for child, rows in children.items():
                db[child].insert_all(rows)
    except sqlite3.IntegrityError as e:
        raise integrity_error(e, change.table) from e
    return Change(change.table, change.key, None, fetch(db, change.table, change.key))


def apply_reapply(db: Database, change: Change) -> Change:
    """``change`` made again, unchecked (callers run :func:`check` first)."""
    if change.action == "insert":
        assert change.after is not None
        try:
            with db.atomic():
                db[change.table].insert(change.after)
        except sqlite3.IntegrityError as e:
            raise integrity_error(e, change.table) from e
        return change
    if change.action == "update":
        assert change.after is not None
        return update(
            db,
            change.table,
            _old_key(change),
            {k: v for k, v in change.after.items() if k != "modified_at"},
        )
    cascade = tuple((change.before or {}).get("_children", {}).keys())
    return delete(db, change.table, change.key, cascade=cascade)
