"""The built program's smoke mode (``--self-test``, app/selftest.py) and its entry script.

Also takes the pictures the README's "Installers" section shows, into
installer/screenshots/ (a fixed date and folder, so they change only when the window does).
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from app import selftest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "installer" / "screenshots"
TODAY = date(2026, 5, 15)


def _offscreen_env() -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("TOWNSHIP_OFFICE_DB", None)
    return env


def test_self_test_passes_and_cleans_up(tmp_path, capsys):
    work = tmp_path / "work"
    lines: list[str] = []
    assert selftest.run_self_test(workdir=work, say=lines.append) == 0
    assert len(lines) == 1 and lines[0].startswith("自检通过"), lines
    assert "PDF 考勤表" in lines[0] and "主窗口" in lines[0]
    assert not work.exists()  # the database, its lock and the PDF are gone
    assert list(tmp_path.iterdir()) == []


def test_default_folder_is_temporary_and_removed(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    lines: list[str] = []
    assert selftest.run_self_test(say=lines.append, today=TODAY) == 0
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_refused_and_left_alone(tmp_path):
    keep = tmp_path / "mine.txt"
    keep.write_text("x")
    lines: list[str] = []
    assert selftest.run_self_test(workdir=tmp_path, say=lines.append) == 1
    assert lines[0].startswith("自检失败：准备临时文件夹")
    assert keep.read_text() == "x"


def test_a_failing_step_is_named_and_the_folder_removed(tmp_path, monkeypatch):
    def broken(*_args, **_kwargs):
        raise selftest.SelfTestFailed("PDF 没有写出")

    monkeypatch.setattr(selftest, "write_pdf", broken)
    lines: list[str] = []
    assert selftest.run_self_test(workdir=tmp_path / "w", say=lines.append) == 1
    assert lines == ["自检失败：写出 PDF：PDF 没有写出"]
    assert not (tmp_path / "w").exists()


def test_an_unexpected_error_is_reported_not_raised(tmp_path, monkeypatch, capsys):
    def boom(*_args, **_kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(selftest, "check_translation", boom)
    lines: list[str] = []
    assert selftest.run_self_test(workdir=tmp_path / "w", say=lines.append) == 1
    assert lines == ["自检失败：载入 Qt 中文翻译：RuntimeError: kaputt"]
    assert "Traceback" in capsys.readouterr().err


@pytest.mark.qt_no_exception_capture  # the self-test itself must notice the exception
def test_a_page_missing_from_the_bundle_fails_the_self_test(tmp_path, monkeypatch):
    """Pages are imported by name when first shown; the self-test shows every one."""
    from app.ui.cadres_tab import CadresTab

    bogus = ("bogus", "缺失的页面", "app.ui.no_such_module:Page")
    monkeypatch.setattr(CadresTab, "PAGES", (*CadresTab.PAGES, bogus))
    lines: list[str] = []
    assert selftest.run_self_test(workdir=tmp_path / "w", say=lines.append) == 1
    assert lines[0].startswith("自检失败：打开主窗口："), lines
    assert "no_such_module" in lines[0]
    assert not (tmp_path / "w").exists()


def test_pdf_check_wants_an_embedded_truetype_font(tmp_path):
    from reportlab.pdfgen import canvas

    plain = tmp_path / "plain.pdf"
    c = canvas.Canvas(str(plain))
    c.drawString(100, 700, "Helvetica only")
    c.save()
    with pytest.raises(selftest.SelfTestFailed, match="FontFile2"):
        selftest.check_pdf(plain, "Helvetica")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(selftest.SelfTestFailed, match="空文件"):
        selftest.check_pdf(empty, "x")
    with pytest.raises(selftest.SelfTestFailed, match="没有写出"):
        selftest.check_pdf(tmp_path / "missing.pdf", "x")


def test_offscreen_only_without_a_display(monkeypatch):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    if sys.platform.startswith("linux"):
        assert selftest.choose_platform() == "default"
        monkeypatch.delenv("DISPLAY")
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        assert selftest.choose_platform() == "offscreen"
    monkeypatch.setenv("QT_QPA_PLATFORM", "minimal")
    assert selftest.choose_platform() == "minimal"


# ---- the entry script of the built program (installer/entry.py), run from source -----------


def test_entry_runs_the_self_test_in_a_fresh_process():
    r = subprocess.run(
        [sys.executable, str(ROOT / "installer" / "entry.py"), "--self-test"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=_offscreen_env(),
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("自检通过")


def test_entry_hands_everything_else_to_the_cli():
    r = subprocess.run(
        [sys.executable, str(ROOT / "installer" / "entry.py"), "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=_offscreen_env(),
    )
    assert r.returncode == 0 and r.stdout.startswith("township-office "), r.stdout + r.stderr
    r = subprocess.run(
        [sys.executable, str(ROOT / "installer" / "entry.py"), "--self-test", "--db", "x"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=_offscreen_env(),
    )
    assert r.returncode == 2 and "--self-test" in r.stderr


def test_entry_points_the_pdfs_at_the_bundled_font_when_frozen(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "installer"))
    try:
        import entry
    finally:
        sys.path.remove(str(ROOT / "installer"))
    fonts = tmp_path / "resources" / "fonts"
    fonts.mkdir(parents=True)
    (fonts / "wqy-microhei.ttc").write_bytes(b"font")
    monkeypatch.setenv("TOWNSHIP_OFFICE_FONT", "")  # restored (unset) after the test
    monkeypatch.delenv("TOWNSHIP_OFFICE_FONT")
    assert entry.use_bundled_font() is None  # not frozen: the font search of the source tree
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert entry.use_bundled_font() == fonts / "wqy-microhei.ttc"
    assert os.environ["TOWNSHIP_OFFICE_FONT"] == str(fonts / "wqy-microhei.ttc")
    monkeypatch.setenv("TOWNSHIP_OFFICE_FONT", "/mine.ttf")  # the user's choice wins
    assert entry.use_bundled_font() is None
    assert os.environ["TOWNSHIP_OFFICE_FONT"] == "/mine.ttf"


# ---- pictures for the README ------------------------------------------------------------------


def _fixed_folder(name: str) -> Path:
    """A folder whose path is the same on every run (it shows in the status bar)."""
    folder = Path(tempfile.gettempdir()) / name
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def test_screenshot_of_the_self_test_window():
    SHOTS.mkdir(parents=True, exist_ok=True)
    work = _fixed_folder("township-office-screenshots")
    shot = SHOTS / "main-window.png"
    lines: list[str] = []
    assert selftest.run_self_test(workdir=work, screenshot=shot, today=TODAY, say=lines.append) == 0
    assert shot.stat().st_size > 20_000
    assert not work.exists()


def test_screenshots_of_subsidy_and_about(qtbot):
    """补助发放 and 帮助 → 关于 on the demo township, as the clerk sees them after installing."""
    from PySide6.QtWidgets import QMessageBox

    from app.db.connection import open_database
    from app.demo_setup import make_demo
    from app.ui.main_window import MainWindow

    folder = _fixed_folder("township-office-screenshots")
    folder.mkdir()
    path = folder / "township.sqlite"
    db = open_database(path, create=True)
    try:
        make_demo(db, today=TODAY)
        window = MainWindow(db, path, clock=lambda: TODAY)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.tabs.setCurrentWidget(window.subsidy_tab)
        qtbot.wait(200)
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(30_000)
        qtbot.wait(100)
        assert window.grab().save(str(SHOTS / "subsidy.png"))
        box = QMessageBox(QMessageBox.Icon.NoIcon, "关于乡镇驻村工作台", window.about_text())
        qtbot.addWidget(box)
        box.show()
        qtbot.waitExposed(box)
        assert box.grab().save(str(SHOTS / "about.png"))
        box.close()
        window.close()
    finally:
        db.conn.close()
        shutil.rmtree(folder, ignore_errors=True)
    for name in ("subsidy.png", "about.png"):
        assert (SHOTS / name).stat().st_size > 5_000
