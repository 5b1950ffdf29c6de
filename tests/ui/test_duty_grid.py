"""值班表 as a clerk uses it: a month of attendance typed in, filled, copied, undone.

The township: one village, 王建国 兼职书记 (two present days every ISO week) and 李秀英
驻村干部 (20 days a month less leave), both assigned since January. "Today" is
2026-05-15, so April is a month whose weeks have all ended and are judged.
"""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QMessageBox, QVBoxLayout, QWidget

from app.db.attendance_edit import set_cells
from app.db.connection import memory_database
from app.db.store import initialise
from app.db.subsidy import approve_month, sheet_for_month
from app.domain.attendance import Kind
from app.domain.periods import Month
from app.ui.cadres.duty import DutyGridPage
from app.ui.cadres.duty_model import APPROVED_NOTE, FAILED_ROLE, FUTURE_ROLE, KIND_ROLE
from app.ui.undo import TabUndo
from tests.ui.reason_dialog import answer_reason

TODAY = date(2026, 5, 15)
APRIL = Month(2026, 4)
SECRETARY, STATIONED = 0, 1  # rows: GB001 王建国 兼职书记, GB002 李秀英 驻村干部
Ctrl, Shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def db():
    db = memory_database()
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code="610526100",
        township_name="东坡镇",
    )
    db["villages"].insert({"code": "610526100201", "township_code": "610526100", "name": "东坡村"})
    db["cadres"].insert_all(
        [
            {"cadre_no": "GB001", "township_code": "610526100", "name": "王建国"},
            {"cadre_no": "GB002", "township_code": "610526100", "name": "李秀英"},
        ]
    )
    db["assignments"].insert_all(
        [
            {
                "cadre_no": cadre,
                "village_code": "610526100201",
                "role": role,
                "start_date": "2026-01-01",
            }
            for cadre, role in (("GB001", "兼职书记"), ("GB002", "驻村干部"))
        ]
    )
    db["subsidy_rates"].insert_all(
        [
            {"kind": "生活补助", "effective_from": "2026-01-01", "amount_fen": 600},
            {"kind": "交通通讯补助", "effective_from": "2026-01-01", "amount_fen": 4000},
        ]
    )
    return db


@pytest.fixture
def tab(qtbot, db):
    """The page inside a tab that owns the undo stack, shown and active (for Ctrl+Z)."""
    tab = QWidget()
    undo = TabUndo(tab, db, lambda: None)
    page = DutyGridPage(db, undo, clock=lambda: TODAY, parent=tab)
    QVBoxLayout(tab).addWidget(page)
    tab.page, tab.undo = page, undo
    qtbot.addWidget(tab)
    tab.resize(1300, 500)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    page.refresh()
    return tab


@pytest.fixture
def page(tab, qtbot):
    """The page showing April (the clerk clicks ‹ once from May)."""
    p = tab.page
    assert p.month == Month(2026, 5)
    qtbot.mouseClick(p.prev_button, Qt.MouseButton.LeftButton)
    assert p.month == APRIL and p.month_edit.date().toString("yyyy-MM") == "2026-04"
    return p


# ---- helpers ---------------------------------------------------------------------------


def cell_pos(page, row, day):
    view = page.table
    return view.visualRect(page.model.index(row, page.model.column_of(day))).center()


def click(qtbot, page, row, day, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.mouseClick(
        page.table.viewport(), Qt.MouseButton.LeftButton, modifier, cell_pos(page, row, day)
    )
    if modifier != Qt.KeyboardModifier.NoModifier:
        qtbot.keyRelease(page.table, Qt.Key.Key_Shift)
        qtbot.keyRelease(page.table, Qt.Key.Key_Control)


def key(qtbot, page, k, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(page.table, k, modifier)
    if modifier & Shift:
        qtbot.keyRelease(page.table, Qt.Key.Key_Shift)
    if modifier & Ctrl:
        qtbot.keyRelease(page.table, Qt.Key.Key_Control)


def typed(qtbot, page, text):
    keys = {c: getattr(Qt.Key, f"Key_{c}") for c in "0123456789ZHJQ"}
    for c in text:
        key(qtbot, page, keys[c])


def current(page):
    return page.current_cell()


def d(day, month=4):
    return date(2026, month, day)


def stored(db, cadre="GB001", month="2026-04"):
    return {
        r["day"]: r["kind"]
        for r in db.query(
            "SELECT day, kind FROM attendance WHERE cadre_no = ? AND day LIKE ? ORDER BY day",
            [cadre, month + "%"],
        )
    }


def summary(page, row):
    m = page.model
    return tuple(m.index(row, m.day_count + i).data() for i in range(4))


def week(page, row, label):
    return next(p for p in page.model.row_at(row).periods if p.label == label)


def is_red(page, row):
    m = page.model
    brush = m.index(row, m.day_count + m.S_STATUS).data(Qt.ItemDataRole.ForegroundRole)
    colour = brush.color()
    return colour.red() > 150 and colour.green() < 80


def log(db, action=None):
    sql = "SELECT count(*) FROM change_log WHERE table_name = 'attendance'"
    if action:
        sql += f" AND action = '{action}'"
    return db.execute(sql).fetchone()[0]


# ---- the 兼职 weekly rule, typed by keyboard ---------------------------------------------


def test_two_days_typed_in_a_week_meet_the_weekly_rule_one_does_not(page, db, qtbot):
    click(qtbot, page, SECRETARY, d(6))  # Monday of 2026-W15
    typed(qtbot, page, "1")
    assert stored(db) == {"2026-04-06": "在村"}
    assert current(page) == ("GB001", d(7))  # moved right, like a spreadsheet
    w15 = week(page, SECRETARY, "2026-W15")
    assert (w15.present, w15.required, w15.met) == (1, 2, False)  # one day: not met
    assert page.model.index(SECRETARY, page.model.column_of(d(8))).data(FAILED_ROLE)
    assert summary(page, SECRETARY) == ("1", "", "周2天", "未达标 0/5周") and is_red(
        page, SECRETARY
    )

    typed(qtbot, page, "1")
    assert stored(db) == {"2026-04-06": "在村", "2026-04-07": "在村"}
    assert current(page) == ("GB001", d(8))
    w15 = week(page, SECRETARY, "2026-W15")
    assert (w15.present, w15.met) == (2, True)  # two days in the ISO week: met
    assert not page.model.index(SECRETARY, page.model.column_of(d(8))).data(FAILED_ROLE)
    assert summary(page, SECRETARY) == ("2", "", "周2天", "未达标 1/5周")
    tip = page.model.index(SECRETARY, page.model.column_of(d(6))).data(Qt.ItemDataRole.ToolTipRole)
    assert "在村" in tip and "2026-W15" in tip and "达标" in tip
    status_tip = page.model.index(SECRETARY, page.model.day_count + 3).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert "2026-W15（4/6–4/12） 在村2天，达标" in status_tip
    assert "2026-W16（4/13–4/19） 未达标：在村0天，应至少2天" in status_tip

    # the other weeks, two days each, with the letter keys (Z 在村, H 会议培训)
    for first in (d(1), d(13), d(20), d(27)):  # W14 starts in March: April holds Wed 1 … Sun 5
        click(qtbot, page, SECRETARY, first)
        typed(qtbot, page, "ZH")
    assert summary(page, SECRETARY)[3] == "达标 5/5周" and not is_red(page, SECRETARY)
    assert page.model.row_at(SECRETARY).ok is True


def test_excused_week_and_zero_clears(page, db, qtbot):
    click(qtbot, page, SECRETARY, d(13))
    typed(qtbot, page, "333")  # three weekdays of leave excuse 2026-W16
    w16 = week(page, SECRETARY, "2026-W16")
    assert w16.excused and not w16.judged and "免考" in w16.note
    assert summary(page, SECRETARY)[:2] == ("0", "3")
    click(qtbot, page, SECRETARY, d(15))
    typed(qtbot, page, "0")  # cleared, moved right
    assert current(page) == ("GB001", d(16))
    assert stored(db) == {"2026-04-13": "请假", "2026-04-14": "请假"}
    assert week(page, SECRETARY, "2026-W16").met is False


# ---- keys that move ----------------------------------------------------------------------


def test_arrows_tab_home_end_keep_to_the_days(page, db, qtbot):
    last = d(30)
    click(qtbot, page, SECRETARY, d(29))
    key(qtbot, page, Qt.Key.Key_Right)
    assert current(page) == ("GB001", last)
    key(qtbot, page, Qt.Key.Key_Right)  # not into the summary columns
    assert current(page) == ("GB001", last)
    key(qtbot, page, Qt.Key.Key_Tab)  # wraps to the next cadre's first day
    assert current(page) == ("GB002", d(1))
    key(qtbot, page, Qt.Key.Key_Backtab, Shift)
    assert current(page) == ("GB001", last)
    key(qtbot, page, Qt.Key.Key_Home)
    assert current(page) == ("GB001", d(1))
    key(qtbot, page, Qt.Key.Key_End)
    assert current(page) == ("GB001", last)
    key(qtbot, page, Qt.Key.Key_Down)
    key(qtbot, page, Qt.Key.Key_Left)
    assert current(page) == ("GB002", d(29))
    typed(qtbot, page, "4")  # the last-but-one day, then on to the last
    typed(qtbot, page, "J")
    assert current(page) == ("GB002", last)  # the last cadre's last day: stays
    assert stored(db, "GB002") == {"2026-04-29": "缺勤", "2026-04-30": "请假"}
    key(qtbot, page, Qt.Key.Key_Delete)  # clears, stays
    assert current(page) == ("GB002", last)
    assert stored(db, "GB002") == {"2026-04-29": "缺勤"}


# ---- a selection filled by one key, by the palette, by the menu -------------------------------


def test_fill_a_selection_with_one_key_and_undo_it_whole(tab, page, db, qtbot):
    click(qtbot, page, STATIONED, d(6))
    for _ in range(4):
        key(qtbot, page, Qt.Key.Key_Right, Shift)
    assert len(page.selected_positions()) == 5
    typed(qtbot, page, "2")
    assert stored(db, "GB002") == {f"2026-04-{n:02d}": "会议培训" for n in range(6, 11)}
    assert len(page.selected_positions()) == 5  # a fill does not move the cursor
    assert tab.undo.stack.count() == 1
    assert summary(page, STATIONED)[0] == "5"

    key(qtbot, page, Qt.Key.Key_Z, Ctrl)
    assert stored(db, "GB002") == {}
    assert summary(page, STATIONED)[0] == "0"
    key(qtbot, page, Qt.Key.Key_Z, Ctrl | Shift)  # redo
    assert len(stored(db, "GB002")) == 5


def test_mouse_selection_and_the_palette_and_menu(page, db, qtbot):
    click(qtbot, page, SECRETARY, d(20))
    click(qtbot, page, STATIONED, d(22), Shift)  # a 2 × 3 block
    assert len(page.selected_positions()) == 6
    qtbot.mouseClick(page.kind_buttons[Kind.ABSENT], Qt.MouseButton.LeftButton)
    assert (
        stored(db, "GB001")
        == stored(db, "GB002")
        == {
            "2026-04-20": "缺勤",
            "2026-04-21": "缺勤",
            "2026-04-22": "缺勤",
        }
    )
    qtbot.mouseClick(page.kind_buttons[None], Qt.MouseButton.LeftButton)
    assert stored(db, "GB001") == stored(db, "GB002") == {}

    page._context_menu(cell_pos(page, SECRETARY, d(20)))
    menu = page.findChildren(QMenu)[-1]
    (meeting,) = [a for a in menu.actions() if a.text() == "会 会议培训"]
    meeting.trigger()
    menu.close()
    assert stored(db, "GB001")["2026-04-20"] == "会议培训"


# ---- copy a week, paste it on the next, undo the paste -------------------------------------


def test_copy_a_week_and_paste_it_on_the_next_week_then_undo(tab, page, db, qtbot):
    click(qtbot, page, SECRETARY, d(6))
    typed(qtbot, page, "1")  # Mon 在村
    key(qtbot, page, Qt.Key.Key_Right)
    typed(qtbot, page, "2")  # Wed 会议培训
    typed(qtbot, page, "3")  # Thu 请假
    click(qtbot, page, SECRETARY, d(6))
    for _ in range(6):
        key(qtbot, page, Qt.Key.Key_Right, Shift)  # Mon … Sun of 2026-W15
    key(qtbot, page, Qt.Key.Key_C, Ctrl)
    assert QGuiApplication.clipboard().text() == "√\t\t会\t假\t\t\t"

    # the next week already holds a day that the paste must clear
    click(qtbot, page, SECRETARY, d(18))
    typed(qtbot, page, "4")
    before, logged = stored(db), log(db)
    commands = tab.undo.stack.count()
    click(qtbot, page, SECRETARY, d(13))
    key(qtbot, page, Qt.Key.Key_V, Ctrl)
    assert stored(db) == {
        "2026-04-06": "在村",
        "2026-04-08": "会议培训",
        "2026-04-09": "请假",
        "2026-04-13": "在村",
        "2026-04-15": "会议培训",
        "2026-04-16": "请假",
    }
    assert tab.undo.stack.count() == commands + 1  # one command for the whole paste
    assert log(db) == logged + 4  # 3 inserts and 1 delete, one transaction
    assert len(page.selected_positions()) == 7  # the pasted week is selected
    assert week(page, SECRETARY, "2026-W16").met is True  # 在村 + 会议培训

    key(qtbot, page, Qt.Key.Key_Z, Ctrl)
    assert stored(db) == before
    assert log(db) == logged + 8  # the change log has the paste and its undo
    assert log(db, "delete") == 4  # the undo deleted the 3 pasted; the paste deleted the 18th
    assert week(page, SECRETARY, "2026-W16").met is False


def test_paste_tiles_a_selection_and_reads_marks_from_elsewhere(page, db, qtbot):
    QGuiApplication.clipboard().setText("√\t×\n会\t假\n")  # e.g. from a spreadsheet
    click(qtbot, page, SECRETARY, d(1))
    key(qtbot, page, Qt.Key.Key_V, Ctrl)
    assert stored(db, "GB001") == {"2026-04-01": "在村", "2026-04-02": "缺勤"}
    assert stored(db, "GB002") == {"2026-04-01": "会议培训", "2026-04-02": "请假"}

    click(qtbot, page, SECRETARY, d(3))
    key(qtbot, page, Qt.Key.Key_C, Ctrl)  # one empty cell …
    click(qtbot, page, SECRETARY, d(1))
    click(qtbot, page, STATIONED, d(2), Shift)
    key(qtbot, page, Qt.Key.Key_V, Ctrl)  # … pasted over a 2 × 2 block clears it
    assert stored(db, "GB001") == stored(db, "GB002") == {}


# ---- the 驻村 monthly rule ---------------------------------------------------------------------


def test_stationed_requirement_drops_with_leave_and_turns_red_then_not(page, db, qtbot):
    assert summary(page, STATIONED) == ("0", "", "20天", "未达标")
    assert is_red(page, STATIONED)
    click(qtbot, page, STATIONED, d(1))
    typed(qtbot, page, "333")  # three days of leave
    assert summary(page, STATIONED) == ("0", "3", "17天", "未达标")
    tip = page.model.index(STATIONED, page.model.day_count + 2).data(Qt.ItemDataRole.ToolTipRole)
    assert "请假3天，要求减为17天" in tip

    click(qtbot, page, STATIONED, d(6))
    for _ in range(15):
        key(qtbot, page, Qt.Key.Key_Right, Shift)  # 16 days
    typed(qtbot, page, "1")
    assert summary(page, STATIONED) == ("16", "3", "17天", "未达标") and is_red(page, STATIONED)
    click(qtbot, page, STATIONED, d(22))
    typed(qtbot, page, "2")  # a meeting day counts as present: 17
    assert summary(page, STATIONED) == ("17", "3", "17天", "达标")
    assert not is_red(page, STATIONED)
    header = page.model.headerData(STATIONED, Qt.Orientation.Vertical)
    assert header.startswith("GB002 李秀英") and "驻村·东坡村" in header


def test_this_month_is_shown_first_with_later_days_lighter_and_not_judged(tab, qtbot):
    page = tab.page
    m = page.model
    assert page.current_cell() == ("GB001", TODAY)  # the cursor starts on today
    assert m.index(0, m.column_of(d(16, 5))).data(FUTURE_ROLE)
    assert not m.index(0, m.column_of(TODAY)).data(FUTURE_ROLE)
    assert summary(page, STATIONED)[2:] == ("20天", "进行中")  # May has not ended
    typed(qtbot, page, "1")  # a future day may be entered
    assert page.current_cell() == ("GB001", d(16, 5))
    typed(qtbot, page, "1")
    assert m.index(0, m.column_of(d(16, 5))).data(KIND_ROLE) == Kind.PRESENT
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    assert page.month == Month(2026, 6) and m.day_count == 30
    qtbot.mouseClick(page.this_month_button, Qt.MouseButton.LeftButton)
    assert page.month == Month(2026, 5)
    page.month_edit.setDate(page.month_edit.date().addYears(-1))
    assert page.month == Month(2025, 5) and m.rowCount() == 0


# ---- an approved month ------------------------------------------------------------------------


def test_a_cell_entered_in_an_approved_month_is_carried_into_the_next_sheet(page, db, qtbot):
    click(qtbot, page, STATIONED, d(6))
    typed(qtbot, page, "1")
    approve_month(db, APRIL, "张书记")
    page.refresh()
    assert page.approved_label.isVisible()
    assert page.approved_label.text() == APPROVED_NOTE
    tip = page.model.index(STATIONED, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert APPROVED_NOTE in tip
    click(qtbot, page, STATIONED, d(7))
    assert APPROVED_NOTE in page.status_label.text()
    asked = answer_reason(qtbot, "考勤簿漏记")  # the month is approved: the clerk says why
    typed(qtbot, page, "1")
    assert asked and stored(db, "GB002")["2026-04-07"] == "在村"
    may = sheet_for_month(db, Month(2026, 5))
    (line,) = [ln for ln in may.lines if ln.cadre_no == "GB002"]
    assert [(str(a.corrects), a.amount_fen) for a in line.adjustments] == [("2026-04", 600)]
    assert sheet_for_month(db, APRIL).status == "approved"


# ---- undo across months, undo refused ------------------------------------------------------


def test_undo_from_another_month_goes_back_to_the_cells_it_changes(tab, page, db, qtbot):
    click(qtbot, page, SECRETARY, d(6))
    with qtbot.waitSignal(page.attendance_changed):
        typed(qtbot, page, "1")
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    assert page.month == Month(2026, 5)
    with qtbot.waitSignal(page.attendance_changed):
        key(qtbot, page, Qt.Key.Key_Z, Ctrl)
    assert page.month == APRIL and stored(db) == {}
    assert page.selected_positions() == [(SECRETARY, page.model.column_of(d(6)))]


def test_undo_is_refused_when_the_cell_was_changed_elsewhere(tab, page, db, qtbot, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    click(qtbot, page, SECRETARY, d(6))
    typed(qtbot, page, "1")
    set_cells(db, [("GB001", d(6), Kind.ABSENT)], source="查岗")  # e.g. a check recorded
    key(qtbot, page, Qt.Key.Key_Z, Ctrl)
    assert stored(db) == {"2026-04-06": "缺勤"}
    assert "别处" in warnings[0]
    assert page.model.index(SECRETARY, page.model.column_of(d(6))).data() == "×"


# ---- printing the month's attendance table -------------------------------------------------


def test_print_the_month_shown_as_the_attendance_table(page, db, qtbot, tmp_path, monkeypatch):
    import subprocess

    import app.ui.cadres.duty as duty

    click(qtbot, page, SECRETARY, d(6))
    typed(qtbot, page, "11")
    chosen = tmp_path / "考勤表.pdf"
    asked = []

    def ask(_parent, title, name, _kind):
        asked.append((title, name))
        return chosen

    monkeypatch.setattr(duty, "ask_save_path", ask)  # the file dialog, answered
    assert page.print_button.text() == "打印考勤表…"
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)  # opens the preview
    preview = page._print_preview
    assert preview.page_count() >= 1
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)  # 另存为 PDF…
    preview.close()
    assert asked == [("打印考勤表", "考勤表-2026-04.pdf")]
    assert chosen.exists() and "已把 2026年4月 考勤表打印到" in page.printed_label.text()
    text = subprocess.run(
        ["pdftotext", "-layout", str(chosen), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "东坡镇 2026年4月驻村干部考勤表" in text
    assert "王建国" in text and "李秀英" in text

    out = page.print_attendance(tmp_path / "again.pdf")  # as a test or a script calls it
    assert out == tmp_path / "again.pdf" and out.exists()


def test_a_missing_font_or_a_refusal_is_a_message(page, tmp_path, monkeypatch):
    import app.ui.cadres.duty as duty
    from app.domain.errors import DomainError
    from app.reports.pdf.fonts import FontMissing

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, *args: shown.append(args))
    for error in (FontMissing(), DomainError("数据库尚未初始化")):

        def fail(_data, _path, error=error):
            raise error

        monkeypatch.setattr(duty, "build_attendance_pdf", fail)
        assert page.print_attendance(tmp_path / "x.pdf") is None
    assert [title for title, _message in shown] == ["缺少中文字体", "打印失败"]
    assert "中文 TrueType 字体" in shown[0][1] and shown[1][1] == "数据库尚未初始化"
    assert not (tmp_path / "x.pdf").exists()


def test_weeks_and_months_are_told_apart_by_the_rules_not_the_window(page):
    """The grid asks :attr:`PeriodResult.is_week`; a week's line names its days."""
    from app.ui.cadres.duty_model import period_line

    weekly = page.model.row_at(SECRETARY).periods
    monthly = page.model.row_at(STATIONED).periods
    assert weekly and all(p.is_week for p in weekly)
    assert monthly and not any(p.is_week for p in monthly)
    assert period_line(weekly[0]).startswith("2026-W14（3/30–4/5）")
    assert period_line(monthly[0]) == "2026-04 未达标：在村0天，应至少20天"  # no days named
