"""文件 → 修改记录…: the change log filtered by date, table and record, newest first, and
what one entry changed (before → after)."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt

from app.db import records
from app.db.change_log import ChangeFilter, count_changes, utc_bound
from app.db.store import log_note
from app.ui.dialogs import change_log_dialog as cl
from app.ui.dialogs.change_log_dialog import ChangeLogModel

SHOTS = Path("/tmp/ui-shots")
WEST = "610526100202"


@pytest.fixture
def edited(db):
    """The fixture township, then three edits a clerk makes."""
    records.update(db, "villages", {"code": WEST}, {"households": 300, "leading_industry": "花椒"})
    records.update(db, "cadres", {"cadre_no": "GB002"}, {"phone": "13800000000"})
    records.insert(
        db,
        "villages",
        {"code": "610526100204", "township_code": "610526100", "name": "北岭村", "households": 120},
        ("code",),
    )
    return db


@pytest.fixture
def dialog(qtbot, window, edited):
    return window.open_change_log()  # the window's child: closed with it


def shown(d, column: int) -> list[str]:
    return [d.model.index(r, column).data() for r in range(d.model.rowCount())]


def choose_table(d, table: str) -> None:
    d.table_box.setCurrentIndex(d.table_box.findData(table))


def test_opens_on_the_newest_entry_with_chinese_names(dialog, edited):
    assert dialog.model.rowCount() == count_changes(edited, ChangeFilter())
    assert dialog.count_label.text() == f"共 {dialog.model.rowCount():,} 条"
    first = [dialog.model.index(0, c).data() for c in range(5)]
    assert first[1:4] == ["村情档案", "610526100204", "新增"]
    assert dialog.view.currentIndex().row() == 0
    # a new record: every field, under the register sheet's headers
    rows = dict((f, after) for f, _before, after in dialog.detail_rows())
    assert rows["村名"] == "北岭村" and rows["户数"] == "120" and rows["村代码"] == "610526100204"
    assert dialog.detail.isColumnHidden(1) and not dialog.detail.isColumnHidden(2)


def test_filter_by_table_and_record_shows_before_and_after_of_an_edit(qtbot, dialog):
    choose_table(dialog, "villages")
    assert set(shown(dialog, ChangeLogModel.COL_TABLE)) == {"村情档案"}
    qtbot.keyClicks(dialog.record_edit, "0202")
    qtbot.keyClick(dialog.record_edit, Qt.Key.Key_Return)
    assert set(shown(dialog, ChangeLogModel.COL_RECORD)) == {WEST}
    assert shown(dialog, ChangeLogModel.COL_ACTION)[0] == "修改"  # newest first
    dialog.view.selectRow(0)
    # only the fields that changed, under the sheet's headers (modified_at left out)
    assert dialog.detail_rows() == [("户数", "286", "300"), ("主导产业", "苹果种植", "花椒")]
    assert "610526100202" in dialog.detail_title.text() and "修改" in dialog.detail_title.text()
    # another table: the cadre's phone, under 干部
    choose_table(dialog, "cadres")
    dialog.record_edit.setText("gb002")  # case does not matter
    dialog.apply_filter()
    assert shown(dialog, ChangeLogModel.COL_TABLE)[0] == "干部"
    assert dialog.detail_rows() == [("联系电话", "（空）", "13800000000")]
    # nothing matching
    dialog.record_edit.setText("GB999")
    dialog.apply_filter()
    assert dialog.model.rowCount() == 0 and "没有符合条件" in dialog.detail_title.text()
    assert dialog.count_label.text() == "共 0 条"


def test_filter_by_date(qtbot, dialog):
    everything = dialog.model.rowCount()
    today = date.today()
    dialog.by_date.setChecked(True)
    dialog.start_edit.setDate(QDate(today - timedelta(days=1)))
    dialog.end_edit.setDate(QDate(today + timedelta(days=1)))
    assert dialog.model.rowCount() == everything  # made just now
    dialog.start_edit.setDate(QDate(2020, 1, 1))
    dialog.end_edit.setDate(QDate(2020, 12, 31))
    assert dialog.model.rowCount() == 0
    dialog.by_date.setChecked(False)
    assert dialog.model.rowCount() == everything


def test_deletes_and_notes(dialog, edited):
    records.delete(edited, "villages", {"code": "610526100204"})
    log_note(edited, "subsidy_months", "2026-02", "更正补助：重复计发")
    dialog.apply_filter()
    dialog.record_edit.setText("2026-02")
    dialog.apply_filter()
    assert shown(dialog, ChangeLogModel.COL_ACTION) == ["说明"]
    assert shown(dialog, ChangeLogModel.COL_REASON) == ["更正补助：重复计发"]
    assert dialog.detail_rows() == [] and "更正补助" in dialog.detail_title.text()
    dialog.record_edit.setText("610526100204")
    dialog.apply_filter()
    assert shown(dialog, ChangeLogModel.COL_ACTION) == ["删除", "新增"]
    before = dict((f, b) for f, b, _after in dialog.detail_rows())
    assert before["村名"] == "北岭村" and not dialog.detail.isColumnHidden(1)
    assert dialog.detail.isColumnHidden(2)


def test_a_long_log_is_read_a_page_at_a_time(qtbot, window, db):
    db["attendance"].insert_all(
        {
            "cadre_no": "GB001",
            "day": f"2025-{m:02d}-{d:02d}",
            "village_code": "610526100201",
            "kind": "在村",
        }
        for m in range(1, 13)
        for d in range(1, 29)
    )
    d = window.open_change_log()
    assert d.model.rowCount() >= 12 * 28
    assert d.model.page_fetches <= 2  # the first page (and what the view asked for)
    d.view.scrollToBottom()
    last = d.model.index(d.model.rowCount() - 1, ChangeLogModel.COL_TABLE).data()
    assert last  # read from the last page
    assert d.model.page_fetches <= 4


def test_times_are_shown_in_local_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert cl.local_time("2026-05-15T02:03:04.567Z") == "2026-05-15 10:03:04"
        assert utc_bound(date(2026, 5, 15)) == "2026-05-14T16:00:00.000Z"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert os.environ.get("TZ") is None


def test_screenshot(qtbot, dialog, window):
    SHOTS.mkdir(parents=True, exist_ok=True)
    choose_table(dialog, "villages")
    dialog.record_edit.setText(WEST)
    dialog.apply_filter()
    dialog.table_box.setCurrentIndex(0)
    dialog.record_edit.setText("")
    dialog.apply_filter()
    row = shown(dialog, ChangeLogModel.COL_RECORD).index(WEST)
    dialog.view.selectRow(row)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(str(SHOTS / "change-log.png"))
