"""文件 → 导出上报文件… (township databases): the quarter's signed county file.

The quarter is asked for (the last ended one first) and where to save it (in Documents,
``<乡镇名>-<季度>.zip``); ``app.exchange.export.export_quarter`` writes it in the
background, reads it back and verifies it; the clerk is then told where it is.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QProgressDialog, QWidget
from sqlite_utils import Database

from app.db.store import Identity
from app.domain.errors import DomainError
from app.domain.periods import Quarter
from app.exchange.export import ExportResult, export_quarter
from app.exchange.keys import public_key_b64
from app.exchange.merge import fingerprint
from app.ui.county.data import quarter_label
from app.ui.tasks import run_task
from app.ui.widgets.common import ask_save_path

log = logging.getLogger(__name__)
QUARTERS_OFFERED = 8


def _tr(text: str) -> str:
    return QCoreApplication.translate("TownshipExport", text)


def ask_quarter(parent: QWidget, today: date) -> Quarter | None:
    """The quarter to export: the current one and those before, the last ended one chosen."""
    choices, q = [], Quarter.of(today)
    for _ in range(QUARTERS_OFFERED):
        choices.append(q)
        q = q.prev()
    labels = [quarter_label(c) for c in choices]
    labels[0] += _tr("（本季度，尚未结束）")
    label, ok = QInputDialog.getItem(
        parent, _tr("导出上报文件"), _tr("上报哪个季度的数据："), labels, 1, False
    )
    return choices[labels.index(label)] if ok else None


class TownshipExport(QObject):
    """One export: asks what it is not given, writes in the background, then says where."""

    def __init__(
        self,
        parent: QWidget,
        db: Database,
        ident: Identity,
        today: date,
        *,
        quarter: Quarter | None = None,
        path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._parent, self._db, self._ident, self._today = parent, db, ident, today
        self.quarter, self.path = quarter, path
        self.result: ExportResult | None = None
        self.fingerprint = ""  # of the key the file is signed with (read out to the county)
        self.error: str | None = None
        self.message: QMessageBox | None = None  # open until the clerk closes it
        self.text = ""  # what it said (kept after it closed)
        self.progress: QProgressDialog | None = None

    def start(self) -> bool:
        """Ask and start; False when the clerk cancelled."""
        if self.quarter is None:
            self.quarter = ask_quarter(self._parent, self._today)
            if self.quarter is None:
                return False
        if self.path is None:
            name = f"{self._ident.township_name}-{self.quarter}.zip"
            self.path = ask_save_path(self._parent, _tr("导出上报文件"), name, _tr("乡镇上报文件"))
            if self.path is None:
                return False
        self.progress = QProgressDialog(
            _tr("正在导出 %1 的上报文件并校验…").replace("%1", quarter_label(self.quarter)),
            "",
            0,
            0,
            self._parent,
        )
        self.progress.setCancelButton(None)
        self.progress.setWindowTitle(_tr("导出上报文件"))
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.show()
        db, quarter, path = self._db, self.quarter, self.path

        def work() -> tuple[ExportResult, str]:
            result = export_quarter(db, quarter, path)
            return result, fingerprint(public_key_b64(db))  # the key exists now

        run_task(work, self._done, self._failed)
        return True

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _done(self, done: tuple[ExportResult, str]) -> None:
        self._close_progress()
        result, self.fingerprint = done
        self.result = result
        assert self.quarter is not None
        rows = sum(result.counts.values())
        self._say(
            QMessageBox.Icon.Information,
            _tr("上报文件已导出"),
            _tr("已写出 %1 %2 的上报文件：\n%3")
            .replace("%1", self._ident.township_name or "")
            .replace("%2", quarter_label(self.quarter))
            .replace("%3", str(result.path)),
            _tr(
                "文件已读回校验通过：签名有效，各部分与清单中的校验值一致，共 %1 行数据"
                "（不含村民和干部的电话号码）。\n\n"
                "请将此文件报送县里（U 盘或内网）；县里导入后会出具导入回执。\n\n"
                "本乡镇签名公钥指纹：%2\n（县里核对密钥时，请按此读出。）"
            )
            .replace("%1", str(rows))
            .replace("%2", self.fingerprint),
        )

    def _failed(self, exc: Exception) -> None:
        self._close_progress()
        if isinstance(exc, DomainError | OSError):
            self.error = str(exc)
        else:
            log.error("county file export failed", exc_info=exc)
            self.error = f"{type(exc).__name__}: {exc}"
        self._say(
            QMessageBox.Icon.Warning,
            _tr("导出失败"),
            _tr("上报文件没有导出：%1").replace("%1", self.error),
            "",
        )

    def _say(self, icon: QMessageBox.Icon, title: str, text: str, more: str) -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self._parent)
        if more:
            box.setInformativeText(more)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.finished.connect(box.deleteLater)
        self.message, self.text = box, f"{text}\n{more}".strip()
        box.finished.connect(lambda _r: setattr(self, "message", None))
        box.open()
