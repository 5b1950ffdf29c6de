"""Print preview: build a PDF in the background, show its pages, print them or save the file.

:class:`PrintPreviewDialog` runs ``build(tmp_pdf_path)`` through :func:`app.ui.tasks.run_task`
(an indeterminate progress bar and 取消 meanwhile), then shows the pages rendered with
pypdfium2 (QtPdf needs PySide6 6.12, which we do not use). 打印… prints every chosen page
as an image at the printer's resolution (at most :data:`MAX_PRINT_DPI`); 另存为 PDF… copies
the built file. The temporary file is removed when the dialog closes, and a result that
arrives after 取消 is thrown away.

pdfium is not thread-safe: only the GUI thread opens and renders the document. ``build``
must not touch widgets or the database (read the data first, on the GUI thread).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPageLayout, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from reportlab.platypus.doctemplate import LayoutError

from app.domain.errors import DomainError
from app.reports.pdf.fonts import FontMissing
from app.ui import tasks
from app.ui.widgets.common import ask_save_path, file_link

log = logging.getLogger(__name__)

#: Pages are printed as images of at most this resolution (1200 dpi A4 is 500 MB a page).
MAX_PRINT_DPI = 300
_GAP = 12  # pixels between pages and around them
_ZOOMS = ("适合宽度", "100%", "150%")


def error_text(exc: BaseException, what: str = "") -> tuple[str, str]:
    """A title and a message for a failed PDF build, in words (never a traceback)."""
    if isinstance(exc, FontMissing):
        return "缺少中文字体", str(exc)
    if isinstance(exc, LayoutError):
        return "打印失败", f"{what or '内容'}无法排进 A4 页面，PDF 没有写出。"
    if isinstance(exc, DomainError | OSError):
        return "打印失败", str(exc)
    log.error("PDF build failed", exc_info=exc)
    return "打印失败", f"生成 PDF 时出错（{type(exc).__name__}）：{exc}"


def write_or_warn(
    parent: QWidget, build: Callable[[Path], Path], path: Path, what: str = ""
) -> Path | None:
    """``build(path)`` at once; a failure is a warning box and None."""
    parent.setCursor(Qt.CursorShape.WaitCursor)
    try:
        return build(Path(path))
    except (DomainError, OSError, LayoutError) as e:
        QMessageBox.warning(parent, *error_text(e, what))
        return None
    finally:
        parent.unsetCursor()


def render_page(page: pdfium.PdfPage, scale: float) -> QImage:
    """One page as an RGB32 image, ``scale`` pixels per PDF point."""
    bitmap = page.render(scale=scale, prefer_bgrx=True)
    image = QImage(
        bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB32
    )
    return image.copy()  # the bitmap's memory goes with it


class PrintPreviewDialog(QDialog):
    """Builds a PDF with ``build(path)`` in the background and previews it.

    ``file_name`` is offered by 另存为 PDF…; ``ask()`` (default: a save dialog) chooses the
    file; ``on_saved(path)`` is told where it went.
    """

    def __init__(
        self,
        title: str,
        build: Callable[[Path], Path],
        parent: QWidget | None = None,
        *,
        file_name: str = "",
        ask: Callable[[], Path | None] | None = None,
        on_saved: Callable[[Path], None] | None = None,
        what: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("打印预览 - %1").replace("%1", title))
        self._title, self._build, self._what = title, build, what
        self._file_name = file_name or f"{title}.pdf"
        self._ask, self._on_saved = ask, on_saved
        self._dir = Path(tempfile.mkdtemp(prefix="print-preview-"))
        self.pdf_path: Path | None = None  # the built file, while the dialog is open
        self.error: str | None = None
        self.finished_build = False
        self.closed = False
        self._doc: pdfium.PdfDocument | None = None
        self._sizes: list[tuple[float, float]] = []  # page sizes in points
        self._rendered: dict[int, float] = {}  # page -> scale it was rendered at
        self._scale = 1.0
        self.printer: QPrinter | None = None  # kept: the print dialog holds a pointer to it
        self._print_cancelled = False

        self.status = QLabel(self.tr("正在生成 %1…").replace("%1", title))
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate while building
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.clicked.connect(self.cancel)

        self.zoom = QComboBox()
        self.zoom.addItems([self.tr(z) for z in _ZOOMS])
        self.zoom.currentIndexChanged.connect(lambda _i: self._relayout())
        self.pages_label = QLabel()
        self.print_button = QPushButton(self.tr("打印…"))
        self.print_button.clicked.connect(self.print_pages)
        self.save_button = QPushButton(self.tr("另存为 PDF…"))
        self.save_button.clicked.connect(lambda: self.save_as())
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.clicked.connect(self.reject)
        for b in (self.print_button, self.save_button, self.zoom):
            b.setEnabled(False)

        self.page_widget = QWidget()
        self.page_widget.setStyleSheet("background: #808080;")
        self.page_layout = QVBoxLayout(self.page_widget)
        self.page_layout.setContentsMargins(_GAP, _GAP, _GAP, _GAP)
        self.page_layout.setSpacing(_GAP)
        self.page_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.page_labels: list[QLabel] = []
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.page_widget)
        self.scroll.setWidgetResizable(True)
        # always there, so fitting the width does not make it come and go
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll.viewport().installEventFilter(self)
        self.scroll.verticalScrollBar().valueChanged.connect(lambda _v: self._render_visible())

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("缩放：")))
        top.addWidget(self.zoom)
        top.addWidget(self.pages_label)
        top.addStretch(1)
        top.addWidget(self.print_button)
        top.addWidget(self.save_button)
        top.addWidget(self.close_button)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addLayout(busy)
        layout.addWidget(self.scroll, 1)
        self.resize(900, 760)
        self._start()

    # -- building ---------------------------------------------------------------------------
    def _start(self) -> None:
        target, folder = self._dir / "preview.pdf", self._dir

        def finished(result: Path) -> None:
            if self.closed:  # cancelled meanwhile: throw the file away
                shutil.rmtree(folder, ignore_errors=True)
                return
            self._show_pdf(Path(result or target))

        def failed(exc: Exception) -> None:
            if self.closed:
                shutil.rmtree(folder, ignore_errors=True)
                return
            self._show_error(exc)

        tasks.run_task(lambda: self._build(target), finished, failed)

    def _busy_done(self) -> None:
        self.finished_build = True
        self.progress.hide()
        self.cancel_button.hide()

    def _show_error(self, exc: BaseException) -> None:
        self._busy_done()
        title, message = error_text(exc, self._what)
        self.error = message
        self.status.setText(f"{title}：{message}")
        self.status.setStyleSheet("color: #b00020;")

    def _show_pdf(self, path: Path) -> None:
        self._busy_done()
        try:
            doc = pdfium.PdfDocument(str(path))
            self._sizes = [doc[i].get_size() for i in range(len(doc))]
        except (pdfium.PdfiumError, OSError) as e:
            self._show_error(OSError(f"无法打开生成的 PDF：{e}"))
            return
        self._doc, self.pdf_path = doc, path
        self.status.hide()
        self.pages_label.setText(self.tr("共 %1 页").replace("%1", str(len(self._sizes))))
        for b in (self.print_button, self.save_button, self.zoom):
            b.setEnabled(True)
        for _ in self._sizes:
            label = QLabel()
            label.setStyleSheet("background: white;")
            self.page_layout.addWidget(label)
            self.page_labels.append(label)
        self._relayout()

    def page_count(self) -> int:
        return len(self._sizes)

    # -- showing ----------------------------------------------------------------------------
    def _zoom_scale(self) -> float:
        index = self.zoom.currentIndex()
        if index == 0 and self._sizes:
            width = self.scroll.viewport().width() - 2 * _GAP
            widest = max(w for w, _h in self._sizes)
            return max(0.1, width / widest)
        dpi = self.logicalDpiX() or 96
        return (1.0 if index == 1 else 1.5) * dpi / 72

    def _relayout(self) -> None:
        if not self._sizes:
            return
        self._scale = self._zoom_scale()
        self._rendered.clear()
        for label, (w, h) in zip(self.page_labels, self._sizes, strict=True):
            label.clear()
            label.setFixedSize(QSize(round(w * self._scale), round(h * self._scale)))
        self.page_widget.adjustSize()
        QTimer.singleShot(0, self._render_visible)
        self._render_visible()

    def visible_pages(self) -> list[int]:
        """The pages in (or next to) the scroll area's view."""
        if not self.page_labels:
            return []
        top = self.scroll.verticalScrollBar().value()
        view = QRect(0, top, self.page_widget.width(), self.scroll.viewport().height())
        seen = [i for i, lb in enumerate(self.page_labels) if lb.geometry().intersects(view)]
        if not seen:
            seen = [0]
        return list(range(max(0, seen[0] - 1), min(len(self.page_labels), seen[-1] + 2)))

    def _render_visible(self) -> None:
        if self._doc is None or self.closed:
            return
        for i in self.visible_pages():
            if self._rendered.get(i) != self._scale:
                self.render_page(i)

    def render_page(self, index: int) -> None:
        assert self._doc is not None
        image = render_page(self._doc[index], self._scale * self.devicePixelRatioF())
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self.page_labels[index].setPixmap(pixmap)
        self._rendered[index] = self._scale

    def rendered_pages(self) -> set[int]:
        return set(self._rendered)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.scroll.viewport():
            if self.zoom.currentIndex() == 0:
                self._relayout()
            else:
                self._render_visible()
        return super().eventFilter(watched, event)

    # -- saving and printing ----------------------------------------------------------------
    def save_as(self, path: Path | None = None) -> Path | None:
        """Copy the built PDF to ``path`` (asked when not given). Returns where it went."""
        if self.pdf_path is None:
            return None
        if path is None:
            ask = self._ask or (
                lambda: ask_save_path(
                    self, self.tr("另存为 PDF"), self._file_name, self.tr("PDF 文件")
                )
            )
            path = ask()
            if path is None:
                return None
        try:
            shutil.copyfile(self.pdf_path, path)
        except OSError as e:
            QMessageBox.warning(self, self.tr("保存失败"), str(e))
            return None
        if self._on_saved is not None:
            self._on_saved(Path(path))
        return Path(path)

    def _new_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._title)
        if self._sizes:
            w, h = self._sizes[0]
            landscape = QPageLayout.Orientation.Landscape
            printer.setPageOrientation(landscape if w > h else QPageLayout.Orientation.Portrait)
        return printer

    def print_pages(self) -> None:
        """Ask for a printer and the pages (QPrintDialog), then print them."""
        if self._doc is None:
            return
        if self.printer is None:
            self.printer = self._new_printer()
        dialog = QPrintDialog(self.printer, self)
        dialog.setMinMax(1, self.page_count())
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(self.printer)

    def chosen_pages(self, printer: QPrinter) -> list[int]:
        """The 0-based pages the printer's range asks for (all when none was chosen)."""
        n = self.page_count()
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = printer.fromPage(), printer.toPage() or n
            return [i for i in range(first - 1, min(last, n))]
        return list(range(n))

    def print_to(self, printer: QPrinter) -> int:
        """Print the chosen pages on ``printer``; returns how many were printed."""
        if self._doc is None:
            return 0
        pages = self.chosen_pages(printer)
        if not pages:
            return 0
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        self._print_cancelled = False
        self.progress.setRange(0, len(pages))
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.show()
        self.cancel_button.show()
        self.status.setText(self.tr("正在打印…"))
        self.status.setStyleSheet("")
        self.status.show()
        painter = QPainter()
        if not painter.begin(printer):
            self._show_error(OSError(self.tr("无法开始打印（打印机不可用）。")))
            return 0
        printed = 0
        try:
            for n, index in enumerate(pages):
                if self._print_cancelled or self.closed:
                    break
                if n:
                    printer.newPage()
                image = render_page(self._doc[index], dpi / 72)
                target = painter.viewport()
                size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setViewport(target.x(), target.y(), size.width(), size.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(target)
                painter.setWindow(QRect(0, 0, target.width(), target.height()))
                printed += 1
                self.progress.setValue(printed)
                QApplication.processEvents()
        finally:
            painter.end()
        self.progress.hide()
        self.cancel_button.hide()
        done = self.tr("已打印 %1 页").replace("%1", str(printed))
        self.status.setText(done + (self.tr("（已取消）") if self._print_cancelled else ""))
        return printed

    # -- closing ----------------------------------------------------------------------------
    def cancel(self) -> None:
        """取消: stop printing, or close while building (the result is then discarded)."""
        if self.finished_build:
            self._print_cancelled = True
        else:
            self.reject()

    def done(self, result: int) -> None:
        self._cleanup()
        super().done(result)

    def _cleanup(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._doc is not None:
            self._doc.close()
            self._doc = None
        self.pdf_path = None
        if self.finished_build:  # otherwise the builder may still be writing: see _start
            shutil.rmtree(self._dir, ignore_errors=True)


def preview(
    parent: QWidget | None, title: str, build: Callable[[Path], Path], **options
) -> PrintPreviewDialog:
    """Open a window-modal :class:`PrintPreviewDialog` (kept on ``parent._print_preview``)."""
    dialog = PrintPreviewDialog(title, build, parent, **options)
    if parent is not None:
        parent._print_preview = dialog  # type: ignore[attr-defined]
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog


def print_report(
    parent: QWidget,
    data: Callable[[], dict],
    builder: Callable[[dict, Path], Path],
    path: Path | None,
    *,
    file_name: str,
    ask_title: str,
    on_saved: Callable[[Path], None],
    what: str = "",
    asker: Callable[..., Path | None] = ask_save_path,
) -> Path | None:
    """A page's 打印 action: ``data()`` is read here, on the GUI thread (the database is
    not for the worker), then ``builder(data, out)`` writes the PDF. With ``path``: written
    there and returned (None and a warning when refused). Without: opened in the preview,
    whose 另存为 PDF… asks with ``asker(parent, ask_title, file_name, "PDF 文件")``;
    returns None."""
    try:
        report = data()
    except DomainError as e:
        QMessageBox.warning(parent, *error_text(e, what))
        return None

    def build(out: Path) -> Path:
        return builder(report, out)

    if path is not None:
        written = write_or_warn(parent, build, Path(path), what)
        if written is not None:
            on_saved(written)
        return written

    def ask() -> Path | None:
        return asker(parent, ask_title, file_name, parent.tr("PDF 文件"))

    title = Path(file_name).stem
    preview(parent, title, build, file_name=file_name, ask=ask, on_saved=on_saved, what=what)
    return None


def show_link(label: QLabel, text: str, path: Path) -> None:
    """Show ``text`` and a link to the file ``path`` in ``label``."""
    label.setText(file_link(text, path))
    label.setStyleSheet("")
    label.setVisible(True)
