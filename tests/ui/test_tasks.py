"""run_task: synchronous in tests, on a thread pool otherwise, results back on the GUI thread."""

import threading

from app.ui import tasks


def test_synchronous_switch_runs_at_once():
    got = []
    tasks.run_task(lambda: 6 * 7, got.append)
    assert got == [42]


def test_errors_go_to_on_error():
    got = []
    tasks.run_task(lambda: 1 / 0, lambda r: got.append(("done", r)), lambda e: got.append(e))
    assert isinstance(got[0], ZeroDivisionError)


def test_thread_pool_calls_back_on_the_gui_thread(qtbot):
    tasks.set_synchronous(False)
    main = threading.get_ident()
    seen = {}

    def work():
        seen["worker"] = threading.get_ident()
        return "ok"

    def done(result):
        seen["done"] = (result, threading.get_ident())

    tasks.run_task(work, done)
    qtbot.waitUntil(lambda: "done" in seen, timeout=5000)
    assert seen["done"] == ("ok", main)
    assert seen["worker"] != main


def test_thread_pool_error_comes_back(qtbot):
    tasks.set_synchronous(False)
    errors = []
    tasks.run_task(lambda: int("x"), lambda r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ValueError)
