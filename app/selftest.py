"""The built program's smoke test: ``township-office --self-test``.

Run by the installer builds (``installer/build_linux.sh``, ``installer/windows/build.ps1``)
on the bundle they have just made, and by a clerk's helper on a laptop when something
looks wrong. In a temporary folder it

1. makes the demo township database (``app.db.connection.open_database`` +
   ``app.demo_setup.make_demo``, as ``township-office demo`` does);
2. prints one PDF through the CLI's own path (``attendance_report`` →
   ``app.reports.pdf.pdf_builder("attendance")``) and checks that the file is a PDF,
   has pages, carries the Chinese text and embeds a TrueType font (``/FontFile2``);
   in a frozen bundle the font must be the bundled one;
3. loads Qt's Chinese translation the way the program does;
4. opens the main window (offscreen when there is no display) and closes it, failing
   on any error logged or raised meanwhile;

then removes the folder, prints one line in Chinese and returns 0; any failure prints
which step failed and why and returns 1. Nothing is written outside the temporary folder
(the user's data folder is never touched).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path

OK, FAILED = 0, 1


class SelfTestFailed(Exception):
    """One step of the self-test did not do what it should; the message says what."""


def _has_display() -> bool:
    if sys.platform.startswith("win") or sys.platform == "darwin":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def choose_platform() -> str:
    """Use Qt's offscreen platform when there is no display (and none was asked for)."""
    if not os.environ.get("QT_QPA_PLATFORM") and not _has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return os.environ.get("QT_QPA_PLATFORM", "") or "default"


def frozen_root() -> Path | None:
    """The bundle's data folder when running from a PyInstaller build, else None."""
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if getattr(sys, "frozen", False) and root else None


# ---- the steps ---------------------------------------------------------------------------


def make_database(folder: Path, today: date | None = None):
    from app.db.connection import open_database
    from app.demo_setup import make_demo

    path = folder / "selftest.sqlite"
    db = open_database(path, create=True)
    make_demo(db, today=today)
    villages = db.execute("SELECT count(*) FROM villages").fetchone()[0]
    households = db.execute("SELECT count(*) FROM households").fetchone()[0]
    if villages == 0 or households == 0:
        raise SelfTestFailed(f"演示数据为空（村 {villages}，户 {households}）")
    return db, path, f"{villages} 个村、{households} 户"


def write_pdf(db, folder: Path, today: date | None = None) -> tuple[Path, str]:
    """The attendance sheet of last month, exactly as ``report attendance -o x.pdf``."""
    from app.domain.periods import Month
    from app.reports.attendance import attendance_report
    from app.reports.pdf import fonts, pdf_builder

    month = Month.of(today or date.today()).prev()
    build = pdf_builder("attendance")
    if build is None:
        raise SelfTestFailed("没有考勤表的 PDF 打印")
    data, _table = attendance_report(db, month)
    out = folder / f"考勤表-{month}.pdf"
    build(data, out)
    font = fonts.find_cjk_font()
    pages = check_pdf(out, "考勤")
    root = frozen_root()
    if root is not None and root.resolve() not in font.resolve().parents:
        raise SelfTestFailed(f"安装包中的字体没有被使用（用的是 {font}）")
    return out, f"考勤表 {month}（{pages} 页，字体 {font.name} 已嵌入）"


def check_pdf(path: Path, expected_text: str) -> int:
    """Pages of a PDF that exists, is not empty, embeds a TrueType font and shows
    ``expected_text``; SelfTestFailed otherwise."""
    if not path.is_file():
        raise SelfTestFailed(f"PDF 没有写出：{path}")
    data = path.read_bytes()
    if not data:
        raise SelfTestFailed(f"PDF 是空文件：{path}")
    if not data.startswith(b"%PDF-"):
        raise SelfTestFailed(f"{path.name} 不是 PDF 文件")
    if b"/FontFile2" not in data:
        raise SelfTestFailed(f"{path.name} 没有嵌入 TrueType 字体（缺 /FontFile2）")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = len(pdf)
        if pages == 0:
            raise SelfTestFailed(f"{path.name} 没有页面")
        page = pdf[0]
        text_page = page.get_textpage()
        try:
            text = text_page.get_text_range()
        finally:
            text_page.close()
            page.close()
    finally:
        pdf.close()
    if expected_text not in text:
        raise SelfTestFailed(f"{path.name} 第 1 页读不出「{expected_text}」（字体未正确嵌入？）")
    return pages


def check_translation() -> None:
    """Qt's own Chinese strings (buttons of standard dialogs: qtbase_zh_CN.qm) load.

    ``qtbase``, not ``qt``: PySide6-Essentials' ``qt_zh_CN.qm`` is a meta catalog that
    also needs the Multimedia catalog, which Essentials does not ship, so it never loads.
    """
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    translator = QTranslator()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder
    ):
        raise SelfTestFailed(f"Qt 中文翻译（qtbase_zh_CN.qm）无法载入：{folder}")


class _Trouble(logging.Handler):
    """Collects the errors logged (and the exceptions raised in slots) meanwhile."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f"：{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        self.messages.append(text)


def visit_every_page(window, settle: Callable[[int], None]) -> int:
    """Show every tab and every page inside it (pages are imported and built when first
    shown: a module missing from the bundle fails here, not in the clerk's hands)."""
    from PySide6.QtCore import QThreadPool

    pool = QThreadPool.globalInstance()
    count = 0
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        settle(20)
        pool.waitForDone(30_000)
        inner = getattr(window.tabs.widget(i), "pages", None)
        for j in range(inner.count() if inner is not None else 0):
            inner.setCurrentIndex(j)
            settle(20)
            pool.waitForDone(30_000)
            count += 1
    window.tabs.setCurrentIndex(0)
    settle(20)
    return count


def open_window(db, path: Path, screenshot: Path | None = None, today: date | None = None) -> str:
    from PySide6.QtCore import (
        QCoreApplication,
        QEventLoop,
        QThreadPool,
        QtMsgType,
        qInstallMessageHandler,
    )
    from PySide6.QtWidgets import QApplication

    from app.paths import APP_NAME

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else APP_NAME])
    if not QCoreApplication.applicationName() or QCoreApplication.applicationName() == "python":
        QCoreApplication.setApplicationName(APP_NAME)

    trouble = _Trouble()
    root_logger = logging.getLogger()
    root_logger.addHandler(trouble)
    old_hook = sys.excepthook

    def hook(kind, value, tb) -> None:
        trouble.messages.append(f"{kind.__name__}: {value}")
        old_hook(kind, value, tb)

    sys.excepthook = hook

    def quiet(mode, context, message: str) -> None:
        if "propagateSizeHints" in message:  # offscreen's harmless complaint
            return
        print(message, file=sys.stderr)
        if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            trouble.messages.append(f"Qt: {message}")

    old_handler = qInstallMessageHandler(quiet)

    def settle(ms: int) -> None:
        deadline = time.monotonic() + ms / 1000
        while time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            time.sleep(0.01)

    try:
        from app.ui.main_window import MainWindow

        window = MainWindow(db, path, clock=(lambda: today) if today else date.today)
        try:
            window.show()
            settle(300)
            QThreadPool.globalInstance().waitForDone(30_000)  # the tabs' background loads
            settle(200)
            if not window.isVisible():
                raise SelfTestFailed("主窗口没有显示")
            tabs = window.tabs.count()
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                if not window.grab().save(str(screenshot)):
                    raise SelfTestFailed(f"主窗口截图无法保存：{screenshot}")
            pages = visit_every_page(window, settle)
            window.close()
            settle(100)
            QThreadPool.globalInstance().waitForDone(30_000)
            if window.isVisible():
                raise SelfTestFailed("主窗口没有关闭")
        finally:
            window.deleteLater()
            settle(50)
    finally:
        qInstallMessageHandler(old_handler)
        sys.excepthook = old_hook
        root_logger.removeHandler(trouble)
    if trouble.messages:
        raise SelfTestFailed("主窗口运行时出错：" + "；".join(trouble.messages[:3]))
    return f"主窗口（{tabs} 个标签页、{pages} 个页面，Qt 平台 {app.platformName()}）"


# ---- the whole -------------------------------------------------------------------------


def run_self_test(
    *,
    workdir: Path | None = None,
    screenshot: Path | None = None,
    say: Callable[[str], None] | None = None,
    today: date | None = None,
) -> int:
    """Run every step in a new temporary folder and remove it; print one line; 0 when
    all passed, 1 otherwise.

    ``workdir``: the folder to work in instead (it must not exist yet; it is created and
    removed), so that the database path shown in the window stays the same.

    ``screenshot``: also save the main window's picture there; ``today``: the demo's
    and the window's date (the tests fix it, so that the picture does not change).
    """
    say = say or (lambda text: print(text, flush=True))
    started = time.monotonic()
    choose_platform()
    step = "准备临时文件夹"
    folder: Path | None = None
    db = None
    done: list[str] = []
    try:
        if workdir is None:
            folder = Path(tempfile.mkdtemp(prefix="township-office-selftest-"))
        else:
            Path(workdir).mkdir(parents=True, exist_ok=False)
            folder = Path(workdir)
        step = "生成演示数据库"
        db, path, what = make_database(folder, today)
        done.append(f"演示数据库（{what}）")
        step = "写出 PDF"
        _pdf, what = write_pdf(db, folder, today)
        done.append(f"PDF {what}")
        step = "载入 Qt 中文翻译"
        check_translation()
        step = "打开主窗口"
        done.append(open_window(db, path, screenshot, today))
        step = "清理临时文件"
        db.conn.close()
        db = None
        shutil.rmtree(folder)
        folder = None
    except Exception as e:  # every failure is reported, never raised
        detail = str(e) if isinstance(e, SelfTestFailed) else f"{type(e).__name__}: {e}"
        say(f"自检失败：{step}：{detail}")
        if not isinstance(e, SelfTestFailed):
            traceback.print_exc(file=sys.stderr)
        return FAILED
    finally:
        if db is not None:
            try:
                db.conn.close()
            except Exception:
                pass
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    from app import __version__

    seconds = time.monotonic() - started
    say(f"自检通过：{'、'.join(done)}均正常；版本 {__version__}，用时 {seconds:.1f} 秒。")
    return OK


if __name__ == "__main__":
    sys.exit(run_self_test())
