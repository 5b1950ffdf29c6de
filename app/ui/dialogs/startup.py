"""Opening the database at start: another program, a USB stick, a damaged file — each
with a message the clerk can act on.

:func:`open_at_start` returns the database opened for work (:class:`Opened`, its lock
held for as long as the window lives) or None when the program should stop:

* another program has it (``DatabaseLocked``): say who, and stop;
* it is on a removable drive or a network share (``NotOnThisComputer``): explain, and
  offer 复制到本机并打开 (a copy in the user's data folder, never over an existing file);
* it is damaged (``DatabaseDamaged``): say what is damaged and what restoring the newest
  sound backup would lose (its time), and offer 用备份恢复 or 退出 (nothing changed);
  with no backup, say so and stop;
* anything else the file is refused for (not ours, a newer version …): say why, and stop.

The questions are ordinary ``QMessageBox``es whose buttons carry object names
(:data:`RESTORE`, :data:`QUIT`, :data:`COPY`, :data:`CANCEL`, :data:`OK`), so a test can
find the box (``QApplication.activeModalWidget()``) and press one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app import paths
from app.db.backups import backup_dir
from app.db.connection import DatabaseFileError, copy_database
from app.db.lock import DatabaseLocked
from app.db.startup import DatabaseDamaged, NotOnThisComputer, Opened, open_for_work, recover

RESTORE, QUIT, COPY, CANCEL, OK = "restore", "quit", "copy", "cancel", "ok"
Role = QMessageBox.ButtonRole
Icon = QMessageBox.Icon

MAX_ATTEMPTS = 3  # a copy or a recovery opens again; never round and round


def _tr(text: str) -> str:
    return QCoreApplication.translate("Startup", text)


def ask(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    choices: list[tuple[str, str, QMessageBox.ButtonRole]],
    *,
    informative: str = "",
    details: str = "",
    default: str | None = None,
    escape: str | None = None,
    name: str = "",
) -> str | None:
    """Show a message box with ``choices`` ([(key, label, role)]); the key pressed."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName(name)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if informative:
        box.setInformativeText(informative)
    if details:
        box.setDetailedText(details)
    buttons = {}
    for key, label, role in choices:
        button = box.addButton(label, role)
        button.setObjectName(key)
        buttons[key] = button
    if default in buttons:
        box.setDefaultButton(buttons[default])
    if escape in buttons:
        box.setEscapeButton(buttons[escape])
    box.exec()
    clicked = box.clickedButton()
    return clicked.objectName() if clicked is not None else escape


def tell(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, **kw) -> None:
    """A message with one button, 确定 (:data:`OK`)."""
    ask(parent, icon, title, text, [(OK, _tr("确定"), Role.AcceptRole)], default=OK, **kw)


def open_at_start(
    path: Path, parent: QWidget | None = None, *, create: bool = False
) -> Opened | None:
    """The database at ``path`` opened for work, or None (the clerk was told why)."""
    path = Path(path)
    copied = False
    for _ in range(MAX_ATTEMPTS):
        try:
            return open_for_work(path, create=create)
        except DatabaseLocked as e:
            tell(parent, Icon.Warning, _tr("数据库正在使用"), str(e), name="database-locked")
            return None
        except NotOnThisComputer as e:
            if copied:  # the copy is refused too: the data folder itself is not local
                tell(parent, Icon.Critical, _tr("无法打开数据库"), str(e), name="not-local")
                return None
            copy = offer_copy(parent, path, e)
            if copy is None:
                return None
            path, create, copied = copy, False, True
        except DatabaseDamaged as e:
            if not offer_recovery(parent, path, e):
                return None
        except DatabaseFileError as e:
            tell(parent, Icon.Critical, _tr("无法打开数据库"), str(e), name="cannot-open")
            return None
        except (OSError, sqlite3.Error) as e:
            tell(
                parent,
                Icon.Critical,
                _tr("无法打开数据库"),
                _tr("无法打开数据库文件 %1：%2").replace("%1", str(path)).replace("%2", str(e)),
                name="cannot-open",
            )
            return None
    tell(
        parent,
        Icon.Critical,
        _tr("无法打开数据库"),
        _tr("数据库文件 %1 仍然无法打开，请联系维护人员。").replace("%1", str(path)),
        name="cannot-open",
    )
    return None


def opened_path(opened: Opened, asked: Path) -> Path:
    """The file ``opened`` is (the copy, when one was made from a USB stick)."""
    return opened.path or (opened.lock.db_path if opened.lock is not None else Path(asked))


# ---- a file on a USB stick or a network share ------------------------------------------


def free_copy_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name-2``, ``name-3`` … when that is taken (never overwrite)."""
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix or ".sqlite"
    n = 2
    while target.exists() or Path(str(target) + "-wal").exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def offer_copy(parent: QWidget | None, path: Path, error: NotOnThisComputer) -> Path | None:
    """Explain why the file is not edited where it is; copy it here if the clerk agrees.

    Returns the copy, or None (cancelled, or the copy failed and the clerk was told).
    """
    title = _tr("数据库不在本机上")
    if not path.is_file():
        tell(parent, Icon.Warning, title, str(error), name="not-local")
        return None
    folder = paths.data_dir()
    target = free_copy_path(folder, path.name)
    choice = ask(
        parent,
        Icon.Warning,
        title,
        str(error),
        [
            (COPY, _tr("复制到本机并打开"), Role.AcceptRole),
            (CANCEL, _tr("取消"), Role.RejectRole),
        ],
        informative=_tr(
            "“复制到本机并打开”会把它复制为\n%1\n然后打开这份复制的文件。原来的文件不会改动；"
            "以后请在本机上使用复制的文件。"
        ).replace("%1", str(target)),
        default=COPY,
        escape=CANCEL,
        name="not-local",
    )
    if choice != COPY:
        return None
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        copy_database(path, target)
    except (OSError, sqlite3.Error) as e:
        target.unlink(missing_ok=True)
        failed = e
    else:
        failed = None
    finally:
        QGuiApplication.restoreOverrideCursor()
    if failed is not None:
        tell(
            parent,
            Icon.Critical,
            _tr("复制失败"),
            _tr("无法把 %1 复制到 %2：%3。原来的文件没有改动。")
            .replace("%1", str(path))
            .replace("%2", str(target))
            .replace("%3", str(failed)),
            name="copy-failed",
        )
        return None
    return target


# ---- a damaged file ----------------------------------------------------------------------


def offer_recovery(parent: QWidget | None, path: Path, error: DatabaseDamaged) -> bool:
    """The recovery offer; True when the backup was put in place (open the file again)."""
    title = _tr("数据库文件已损坏")
    details = "\n".join(error.problems)
    backup = error.backup
    if backup is None:
        tell(
            parent,
            Icon.Critical,
            title,
            _tr("数据库文件已损坏，程序不能使用它。"),
            informative=_tr(
                "文件：%1\n\n备份文件夹 %2 中没有找到可以用来恢复的完好备份。"
                "文件没有改动。请不要再写入这个文件，并联系维护人员。"
            )
            .replace("%1", str(path))
            .replace("%2", str(backup_dir(path))),
            details=details,
            name="recovery-offer",
        )
        return False
    when = f"{backup.at:%Y-%m-%d %H:%M}"
    choice = ask(
        parent,
        Icon.Critical,
        title,
        _tr("数据库文件已损坏，程序不能继续使用它。"),
        [
            (RESTORE, _tr("用备份恢复"), Role.AcceptRole),
            (QUIT, _tr("退出"), Role.RejectRole),
        ],
        informative=_tr(
            "文件：%1\n\n可以用最近一次完好的备份恢复：%2 的%3备份（%4）。\n\n"
            "恢复后，%2 以后所做的修改将会丢失。损坏的文件不会删除，"
            "会改名另存为 %5.damaged-<时间>，留给维护人员设法找回。\n\n"
            "选择“退出”则什么也不改动。"
        )
        .replace("%1", str(path))
        .replace("%2", when)
        .replace("%3", backup.kind_text)
        .replace("%4", backup.path.name)
        .replace("%5", path.name),
        details=details,
        default=RESTORE,
        escape=QUIT,
        name="recovery-offer",
    )
    if choice != RESTORE:
        return False
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        kept = recover(path, backup)  # under the lock: no second program meanwhile
    except DatabaseLocked as e:
        failed: Exception | None = e
    except (DatabaseFileError, OSError, sqlite3.Error) as e:
        failed = e
    else:
        failed = None
    finally:
        QGuiApplication.restoreOverrideCursor()
    if failed is not None:
        tell(
            parent,
            Icon.Critical,
            _tr("恢复失败"),
            _tr("没能用备份 %1 恢复：%2")
            .replace("%1", backup.path.name)
            .replace("%2", str(failed)),
            name="recovery-failed",
        )
        return False
    tell(
        parent,
        Icon.Information,
        _tr("已用备份恢复"),
        _tr("已用 %1 的备份恢复数据库。").replace("%1", when),
        informative=_tr("%1 以后所做的修改不在其中。损坏的文件另存为：\n%2")
        .replace("%1", when)
        .replace("%2", str(kept)),
        name="recovered",
    )
    return True
