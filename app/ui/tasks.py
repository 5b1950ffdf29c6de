"""One way to run background work (after MusicBrainz Picard's ``run_task``).

``run_task(func, on_done, on_error)`` runs ``func()`` on a ``QThreadPool`` and calls
``on_done(result)`` or ``on_error(exception)`` back on the GUI thread. Tests set
:data:`SYNCHRONOUS` (or call :func:`set_synchronous`) so the work runs at once, in the
caller's thread, before ``run_task`` returns.

``func`` must not touch widgets. The database connection is opened with
``check_same_thread=False``; the caller keeps the GUI from using it meanwhile (a
modal dialog, disabled buttons).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

#: Run tasks synchronously in the calling thread (tests).
SYNCHRONOUS = False


def set_synchronous(value: bool) -> None:
    global SYNCHRONOUS
    SYNCHRONOUS = value


class _Relay(QObject):
    """Lives in the GUI thread; a queued signal carries callbacks to it."""

    deliver = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.deliver.connect(self._call)

    @Slot(object)
    def _call(self, callback: Callable[[], None]) -> None:
        callback()


class _Task(QRunnable):
    def __init__(self, func: Callable[[], Any], relay: _Relay, done, error) -> None:
        super().__init__()
        self._func, self._relay, self._done, self._error = func, relay, done, error
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._func()
        except Exception as e:  # handed to on_error on the GUI thread, never dropped
            error, callback = e, self._error
            self._relay.deliver.emit(lambda: callback(error))
        else:
            done = self._done
            self._relay.deliver.emit(lambda: done(result))


_relay: _Relay | None = None
_running: set[_Task] = set()


def _get_relay() -> _Relay:
    global _relay
    if _relay is None:
        _relay = _Relay()
    return _relay


def to_main(callback: Callable[[], None]) -> None:
    """Call ``callback`` on the GUI thread (from a worker: queued; synchronous: at once).

    For progress reports from inside a task; create the relay first by calling
    :func:`run_task` (which always runs on the GUI thread).
    """
    if SYNCHRONOUS:
        callback()
    else:
        _get_relay().deliver.emit(callback)


def _report(exc: BaseException) -> None:
    log.error("background task failed", exc_info=exc)


def run_task(
    func: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None] | None = None,
    *,
    pool: QThreadPool | None = None,
) -> None:
    """Run ``func`` in the background; call back ``on_done`` / ``on_error`` on this thread.

    Must be called from the GUI thread. Without ``on_error`` a failure is logged.
    """
    error = on_error or _report
    if SYNCHRONOUS:
        try:
            result = func()
        except Exception as e:
            error(e)
        else:
            on_done(result)
        return
    relay = _get_relay()
    task: _Task

    def done(result: Any) -> None:
        _running.discard(task)
        on_done(result)

    def failed(exc: Exception) -> None:
        _running.discard(task)
        error(exc)

    task = _Task(func, relay, done, failed)
    _running.add(task)
    (pool or QThreadPool.globalInstance()).start(task)
