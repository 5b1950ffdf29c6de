#!/usr/bin/env python3
"""Draw the program's icon: a red round emblem, golden rims, a golden 乡 in the middle.

    .venv/bin/python installer/make_icons.py      # rewrites resources/icons/*

Writes ``resources/icons/township-office.png`` (256×256, the Linux icon and the window
icon), ``township-office-<n>.png`` for the smaller hicolor sizes, and
``township-office.ico`` (16–256, for the Windows executable and setup). The results are
committed; run this again only to change the design. Needs PySide6 (drawing, with the
Chinese font the PDFs use) and Pillow (the multi-size ``.ico``).
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
NAME = "township-office"
SIZES = (16, 24, 32, 48, 64, 128, 256)

RED, DARK_RED = "#D7261E", "#9C1512"
GOLD, LIGHT_GOLD = "#F4C542", "#FFE08A"


def draw(size: int = 1024):
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import (
        QBrush,
        QColor,
        QFont,
        QFontDatabase,
        QImage,
        QPainter,
        QPainterPath,
        QPen,
        QRadialGradient,
    )

    sys.path.insert(0, str(ROOT))
    from app.reports.pdf.fonts import find_cjk_font

    families = QFontDatabase.applicationFontFamilies(
        QFontDatabase.addApplicationFont(str(find_cjk_font()))
    )
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    c = size / 2
    centre = QPointF(c, c)

    # the disc: red, lighter towards the upper left
    outer = size * 0.47
    gradient = QRadialGradient(QPointF(c * 0.8, c * 0.7), outer * 1.3)
    gradient.setColorAt(0.0, QColor(RED).lighter(118))
    gradient.setColorAt(0.7, QColor(RED))
    gradient.setColorAt(1.0, QColor(DARK_RED))
    p.setPen(QPen(QColor(GOLD), size * 0.035))
    p.setBrush(QBrush(gradient))
    p.drawEllipse(centre, outer, outer)
    # a thin inner rim
    p.setPen(QPen(QColor(LIGHT_GOLD), size * 0.012))
    p.setBrush(Qt.BrushStyle.NoBrush)
    inner = size * 0.40
    p.drawEllipse(centre, inner, inner)

    # 乡, as an outline path filled with a golden gradient
    font = QFont(families[0] if families else "")
    font.setPixelSize(int(size * 0.54))
    font.setBold(True)
    path = QPainterPath()
    path.addText(QPointF(0, 0), font, "乡")
    box = path.boundingRect()
    path.translate(c - box.center().x(), c - box.center().y() + size * 0.005)
    fill = QRadialGradient(QPointF(c, c * 0.8), size * 0.4)
    fill.setColorAt(0.0, QColor(LIGHT_GOLD))
    fill.setColorAt(1.0, QColor(GOLD))
    pen = QPen(QColor(GOLD).darker(110), size * 0.022)  # the stroke thickens the thin face
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(QBrush(fill))
    p.drawPath(path)

    # five small stars on the upper rim band
    star_r = size * 0.021
    for i, angle in enumerate((-150, -120, -90, -60, -30)):
        a = math.radians(angle)
        r = (outer - size * 0.0175 + inner) / 2  # the middle of the band between the rims
        x, y = c + r * math.cos(a), c + r * math.sin(a)
        scale = 1.35 if i == 2 else 1.0
        star = QPainterPath()
        for k in range(10):
            rr = star_r * scale * (1.0 if k % 2 == 0 else 0.42)
            t = math.radians(-90 + k * 36)
            pt = QPointF(x + rr * math.cos(t), y + rr * math.sin(t))
            if k == 0:
                star.moveTo(pt)
            else:
                star.lineTo(pt)
        star.closeSubpath()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(LIGHT_GOLD))
        p.drawPath(star)
    p.end()
    return image


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([])
    big = draw(1024)
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for n in SIZES:
        image = big.scaled(
            n,
            n,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        path = OUT / (f"{NAME}.png" if n == 256 else f"{NAME}-{n}.png")
        if not image.save(str(path)):
            print(f"cannot write {path}", file=sys.stderr)
            return 1
        written.append(path)
    ico = OUT / f"{NAME}.ico"
    images = [Image.open(path).convert("RGBA") for path in written]  # Qt's smooth scaling
    images[-1].save(ico, sizes=[(n, n) for n in SIZES], append_images=images[:-1])
    written.append(ico)
    for path in written:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
