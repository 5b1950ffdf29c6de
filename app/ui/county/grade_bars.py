"""各乡镇类别构成: one bar per township (and the county), its villages split by grade
in the grades' colours, the count written in each part that has room for it."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain.assessment import GRADES
from app.ui.county.data import GradeRow
from app.ui.widgets.grades import grade_background, grade_foreground

ROW, GAP, LEGEND = 20, 6, 24  # pixels


class GradeBars(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[GradeRow] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_rows(self, rows: list[GradeRow]) -> None:
        self._rows = list(rows)
        self.updateGeometry()
        self.update()

    def rows(self) -> list[GradeRow]:
        return list(self._rows)

    def sizeHint(self) -> QSize:
        return QSize(400, LEGEND + len(self._rows) * (ROW + GAP) + GAP)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, LEGEND + min(len(self._rows), 3) * (ROW + GAP))

    def paintEvent(self, event) -> None:
        if not self._rows:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        metrics = self.fontMetrics()
        # legend
        x = 0
        for g in GRADES:
            p.fillRect(QRectF(x, 5, 14, 14), grade_background(g))
            p.setPen(QPen(grade_foreground(g).color()))
            p.drawRect(QRectF(x, 5, 14, 14))
            p.setPen(self.palette().text().color())
            label = self.tr("%1村").replace("%1", g)
            p.drawText(QRectF(x + 18, 0, 80, LEGEND), Qt.AlignmentFlag.AlignVCenter, label)
            x += 18 + metrics.horizontalAdvance(label) + 16
        name_width = max(metrics.horizontalAdvance(r.name) for r in self._rows) + 10
        left, right = name_width, self.width() - 4
        span = max(right - left, 10)
        y = LEGEND + GAP
        for row in self._rows:
            p.setPen(self.palette().text().color())
            font = p.font()
            font.setBold(row.total)
            p.setFont(font)
            p.drawText(
                QRectF(0, y, name_width - 6, ROW),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                row.name,
            )
            x0 = float(left)
            for g in GRADES:
                n = row.by_grade.get(g, 0)
                if not n or not row.villages:
                    continue
                w = span * n / row.villages  # pixels only: the figures stay integers
                part = QRectF(x0, y, w, ROW)
                p.fillRect(part, grade_background(g))
                p.setPen(QPen(grade_foreground(g).color()))
                p.drawRect(part.adjusted(0, 0, -1, -1))
                if metrics.horizontalAdvance(str(n)) + 4 < w:
                    p.drawText(part, Qt.AlignmentFlag.AlignCenter, str(n))
                x0 += w
            y += ROW + GAP
        p.end()
