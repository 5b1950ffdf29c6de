"""The print preview: builds in the background, shows the pages, prints, saves, cancels."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re  # noqa: E402
import subprocess  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

from PySide6.QtPrintSupport import QPrinter  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from app.domain.errors import DomainError  # noqa: E402
from app.ui import tasks  # noqa: E402
from app.ui.widgets import print_preview as pp  # noqa: E402

SHOTS = Path("/tmp/ui-shots")


def pages_of(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))


def small_pdf(pages: int):
    def build(path: Path) -> Path:
        c = canvas.Canvas(str(path), pagesize=A4)
        for i in range(pages):
            c.setFont("Helvetica", 36)
            c.drawString(72, 700, f"Page {i + 1}")
            c.rect(72, 72, 300, 500)
            c.showPage()
        c.save()
        return path

    return build


def test_shows_the_pages_and_saves_an_identical_file(qtbot, tmp_path):
    dialog = pp.PrintPreviewDialog("测试", small_pdf(3))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.page_count() == 3 and dialog.pages_label.text() == "共 3 页"
    assert dialog.print_button.isEnabled() and not dialog.progress.isVisible()
    assert 0 in dialog.rendered_pages()
    built = dialog.pdf_path
    saved = dialog.save_as(tmp_path / "copy.pdf")
    assert saved.read_bytes() == built.read_bytes()
    for index in (1, 2, 0):
        dialog.zoom.setCurrentIndex(index)
        assert dialog.page_labels[0].pixmap() is not None
    dialog.close()
    assert not built.exists()


def test_save_as_asks_and_tells(qtbot, tmp_path):
    chosen, told = tmp_path / "chosen.pdf", []
    dialog = pp.PrintPreviewDialog("测试", small_pdf(1), ask=lambda: chosen, on_saved=told.append)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.save_button, pp.Qt.MouseButton.LeftButton)
    assert chosen.exists() and told == [chosen]


def test_printing_to_a_pdf_printer_prints_every_page_and_honours_the_range(qtbot, tmp_path):
    dialog = pp.PrintPreviewDialog("测试", small_pdf(4))
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert dialog.print_to(printer) == 4
    assert pages_of(tmp_path / "printed.pdf") == 4
    printer.setOutputFileName(str(tmp_path / "two.pdf"))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert dialog.chosen_pages(printer) == [1, 2]
    assert dialog.print_to(printer) == 2
    assert pages_of(tmp_path / "two.pdf") == 2
    assert dialog.status.text() == "已打印 2 页"


def test_a_refused_build_is_a_message(qtbot):
    def refuse(_path):
        raise DomainError("数据库尚未初始化")

    dialog = pp.PrintPreviewDialog("测试", refuse)
    qtbot.addWidget(dialog)
    assert dialog.error == "数据库尚未初始化"
    assert "数据库尚未初始化" in dialog.status.text() and "Traceback" not in dialog.status.text()
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()


def test_a_missing_font_and_a_layout_error_are_messages(qtbot):
    from reportlab.platypus.doctemplate import LayoutError

    from app.reports.pdf.fonts import FontMissing

    for error, words in ((FontMissing("找不到中文字体"), "缺少中文字体"), (LayoutError("x"), "A4")):

        def fail(_path, error=error):
            raise error

        dialog = pp.PrintPreviewDialog("测试", fail, what="考勤表")
        qtbot.addWidget(dialog)
        assert words in dialog.status.text()


def test_cancel_before_the_build_ends_discards_the_result(qtbot, monkeypatch):
    pending = []
    monkeypatch.setattr(tasks, "run_task", lambda func, done, error: pending.append((func, done)))
    dialog = pp.PrintPreviewDialog("测试", small_pdf(2))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.progress.isVisible() and dialog.cancel_button.isVisible()
    qtbot.mouseClick(dialog.cancel_button, pp.Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    func, done = pending[0]
    built = func()  # the builder finishes after the clerk gave up
    assert built.exists()
    done(built)
    assert not built.exists() and dialog.pdf_path is None and dialog.page_count() == 0


def test_a_real_attendance_sheet(qtbot, tmp_path):
    from app.db.connection import memory_database
    from app.demo import build_demo
    from app.domain.periods import Month
    from app.reports.attendance import attendance_report
    from app.reports.pdf.attendance import build_attendance_pdf

    db = memory_database()
    build_demo(db, scale="township", seed=1, today=date(2026, 5, 15))
    data = attendance_report(db, Month(2026, 4))[0]
    dialog = pp.preview(None, "考勤表", lambda p: build_attendance_pdf(data, p))
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    n = pages_of(dialog.pdf_path)
    assert n >= 1 and dialog.page_count() == n and dialog.pages_label.text() == f"共 {n} 页"
    dialog.save_as(tmp_path / "saved.pdf")
    assert (tmp_path / "saved.pdf").read_bytes() == dialog.pdf_path.read_bytes()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert dialog.print_to(printer) == n and pages_of(tmp_path / "printed.pdf") == n
    dialog.status.hide()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "print-preview.png"))
    dialog.close()
