"""Main-thread dispatch through the public API, on two real hosts: the standalone loop
(``run_main_loop``) and a real Qt QApplication event loop (offscreen; the binding
``tests/qtbinding.py`` picks).

Every test records the thread each function ran on and checks values, order and counts.
Fake DCC hosts (Maya, Houdini, ...) are tested in ``test_host_*.py``.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback

import pytest
from auroraview import utils
from auroraview.errors import (
    AuroraViewError,
    DispatchClosedError,
    DispatchTimeoutError,
    NoMainLoopError,
    WrongThreadError,
)
from mainloop import MAIN_IDENT, run_qt_until


class StandaloneHost:
    name = "standalone"

    def serve(self, done, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            utils.run_main_loop(timeout=0.02)
        return done()


class QtHost:
    name = "qt"

    def serve(self, done, timeout: float) -> bool:
        return run_qt_until(done, timeout)


@pytest.fixture(params=["standalone", "qt"])
def host(request, monkeypatch):
    if request.param == "standalone":
        monkeypatch.setenv("AURORAVIEW_DISPATCHER", "standalone")
        return StandaloneHost()
    request.getfixturevalue("qapp")
    monkeypatch.delenv("AURORAVIEW_DISPATCHER", raising=False)
    return QtHost()


def start_threads(target, n, *args):
    threads = [threading.Thread(target=target, args=(i, *args), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    return threads


def test_host_is_detected(host):
    assert utils.current_host() == host.name


def test_8_threads_x_1000_sync_calls_plus_10000_posts(host):
    """Every call and post runs exactly once, on the main thread, in per-thread order."""
    threads, sync_calls, posts_per_thread = 8, 1000, 1250
    ran: list[tuple[int, int, int]] = []  # (thread, seq, ident), appended on the main thread
    errors: list[BaseException] = []
    finished = []

    def record(t, seq):
        ran.append((t, seq, threading.get_ident()))
        return seq * 3

    def worker(t):
        try:
            seq = 0
            for i in range(sync_calls):
                # Interleave posts with calls so both share one per-thread order.
                for _ in range(
                    posts_per_thread // sync_calls + (i < posts_per_thread % sync_calls)
                ):
                    utils.run_on_main_thread(record, t, seq)
                    seq += 1
                assert utils.run_on_main_thread_sync(record, t, seq, timeout=30) == seq * 3
                seq += 1
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            finished.append(t)

    workers = start_threads(worker, threads)
    total = threads * (sync_calls + posts_per_thread)
    assert host.serve(lambda: len(finished) == threads and len(ran) >= total, timeout=120)
    for w in workers:
        w.join(5)
    assert errors == []
    assert len(ran) == total == 18_000
    assert {ident for _, _, ident in ran} == {MAIN_IDENT}
    for t in range(threads):
        seqs = [seq for tt, seq, _ in ran if tt == t]
        assert seqs == list(range(sync_calls + posts_per_thread))


def test_exception_reraises_with_type_and_traceback(host):
    class SceneError(Exception):
        pass

    def explode(path):
        raise SceneError(f"cannot open {path}")

    caught = []

    def worker(_):
        try:
            utils.run_on_main_thread_sync(explode, "/shots/a.ma", timeout=10)
        except SceneError as exc:
            caught.append((str(exc), traceback.extract_tb(exc.__traceback__)))

    start_threads(worker, 1)
    assert host.serve(lambda: caught, timeout=10)
    message, frames = caught[0]
    assert message == "cannot open /shots/a.ma"
    assert "explode" in [f.name for f in frames]  # the main-thread frame travelled along


def test_posted_exception_is_logged_not_lost(host, caplog):
    def broken():
        raise ValueError("bad post")

    done = []
    caplog.set_level(logging.ERROR, logger="auroraview.dispatch")
    utils.run_on_main_thread(broken)
    utils.run_on_main_thread(done.append, True)
    assert host.serve(lambda: done, timeout=10)
    records = [r for r in caplog.records if r.name == "auroraview.dispatch"]
    assert len(records) == 1
    assert "broken" in records[0].getMessage()
    assert records[0].exc_info[0] is ValueError


def test_timeout_while_main_thread_is_busy_and_task_never_runs(host):
    ran = threading.Event()
    outcome = []
    started = threading.Event()

    def worker(_):
        started.set()
        try:
            utils.run_on_main_thread_sync(ran.set, timeout=0.2)
        except DispatchTimeoutError as exc:
            outcome.append(exc)

    utils.get_dispatcher()  # wire the host before the main thread gets busy
    utils.pump_main_thread()  # ... and show that it has served before (not NoMainLoop)
    t = start_threads(worker, 1)[0]
    started.wait(5)
    time.sleep(0.5)  # the main thread is busy: it does not serve the queue
    t.join(5)
    assert len(outcome) == 1
    assert not isinstance(outcome[0], NoMainLoopError)
    assert "cancelled and will not run" in str(outcome[0])  # it had not started
    # Now the main thread serves again: the timed-out call must not run late.
    marker = []
    utils.run_on_main_thread(marker.append, 1)
    assert host.serve(lambda: marker, timeout=5)
    assert not ran.is_set()


def test_call_from_main_thread_runs_inline(host):
    dispatcher = utils.get_dispatcher()
    pumps = dispatcher.pump_count
    assert utils.run_on_main_thread_sync(threading.get_ident) == MAIN_IDENT
    assert utils.run_on_main_thread_sync(lambda a, b=0: a + b, 2, b=3) == 5
    assert dispatcher.pump_count == pumps  # no pump, no queue: it ran inline


def test_shutdown_fails_pending_calls_with_closed_error(host):
    errors = []
    waiting = threading.Barrier(5)

    def worker(_):
        waiting.wait(5)
        try:
            utils.run_on_main_thread_sync(time.sleep, 0, timeout=30)
        except DispatchClosedError as exc:
            errors.append((exc, time.monotonic()))

    dispatcher = utils.get_dispatcher()
    workers = start_threads(worker, 4)
    waiting.wait(5)
    deadline = time.monotonic() + 5
    while dispatcher.pending < 4 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert dispatcher.pending == 4  # nobody pumped: all four are queued
    closed_at = time.monotonic()
    assert utils.shutdown_dispatcher() == 4
    for w in workers:
        w.join(5)
    assert len(errors) == 4
    assert all(t - closed_at < 1.0 for _, t in errors)  # they did not wait out 30 s
    with pytest.raises(DispatchClosedError):
        dispatcher.post(print)
    with pytest.raises(DispatchClosedError):
        dispatcher.call(print, 1.0)


def test_no_main_loop_error_names_the_fix(standalone):
    errors = []

    def worker(_):
        try:
            utils.run_on_main_thread_sync(print, "never", timeout=0.2)
        except NoMainLoopError as exc:
            errors.append(str(exc))

    for t in start_threads(worker, 1):
        t.join(5)
    assert len(errors) == 1
    assert "run_main_loop()" in errors[0]


def test_decorators_keep_metadata_and_marshal(host):
    from auroraview.utils import dcc_thread_safe, dcc_thread_safe_async, ensure_main_thread

    @dcc_thread_safe
    def create(name):
        """Create a node."""
        return name, threading.get_ident()

    @dcc_thread_safe(timeout=5)
    def rename(name):
        """Rename a node."""
        return name.upper(), threading.get_ident()

    @ensure_main_thread
    def select(name):
        return threading.get_ident()

    posted = []

    @dcc_thread_safe_async
    def refresh(tag):
        """Refresh the viewport."""
        posted.append((tag, threading.get_ident()))

    assert (create.__name__, create.__doc__) == ("create", "Create a node.")
    assert (rename.__name__, rename.__doc__) == ("rename", "Rename a node.")
    assert (refresh.__name__, refresh.__doc__) == ("refresh", "Refresh the viewport.")
    assert create.__wrapped__.__name__ == "create"

    results = []

    def worker(_):
        results.append(create("cube"))
        results.append(rename("cube"))
        results.append(("select", select("cube")))
        results.append(("refresh", refresh("now")))

    start_threads(worker, 1)
    assert host.serve(lambda: len(results) == 4 and posted, timeout=10)
    assert results[0] == ("cube", MAIN_IDENT)
    assert results[1] == ("CUBE", MAIN_IDENT)
    assert results[2] == ("select", MAIN_IDENT)
    assert results[3] == ("refresh", None)  # async: returns None at once
    assert posted == [("now", MAIN_IDENT)]


def test_default_timeout_is_finite_and_settable(standalone):
    assert utils.get_default_timeout() == 30.0
    utils.set_default_timeout(0.15)
    errors = []

    def worker(_):
        t0 = time.monotonic()
        try:
            utils.run_on_main_thread_sync(print, "never")
        except DispatchTimeoutError:
            errors.append(time.monotonic() - t0)

    for t in start_threads(worker, 1):
        t.join(10)
    assert len(errors) == 1 and errors[0] < 5
    with pytest.raises(ValueError):
        utils.set_default_timeout(float("inf"))


def test_main_thread_only_apis_refuse_other_threads(standalone):
    errors = []

    def worker(_):
        for fn in (utils.pump_main_thread, utils.run_main_loop):
            try:
                fn()
            except WrongThreadError as exc:
                errors.append(str(exc))

    for t in start_threads(worker, 1):
        t.join(5)
    assert len(errors) == 2 and "main thread" in errors[0]


def test_unknown_forced_dispatcher_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("AURORAVIEW_DISPATCHER", "mayya")
    with pytest.raises(AuroraViewError, match="choose one of"):
        utils.run_on_main_thread(print)


def test_wakes_are_coalesced_per_burst(standalone):
    from auroraview._core import Dispatcher

    dispatcher = Dispatcher(MAIN_IDENT)
    wakes = []
    dispatcher.set_waker(lambda: wakes.append(threading.get_ident()))
    ran = []

    def worker(_):
        for i in range(1000):
            dispatcher.post(lambda i=i: ran.append(i))

    for t in start_threads(worker, 1):
        t.join(10)
    assert len(wakes) == 1  # one wake for the whole burst
    dispatcher.pump(10.0)
    assert ran == list(range(1000))
    dispatcher.post(lambda: ran.append("again"))
    assert len(wakes) == 2
    dispatcher.shutdown()


def test_pump_budget_leaves_work_and_rearms_wake(standalone):
    from auroraview._core import Dispatcher

    dispatcher = Dispatcher(MAIN_IDENT, budget=0.005)
    wakes = []
    dispatcher.set_waker(lambda: wakes.append(1))
    ran = []
    for i in range(20):
        dispatcher.post(lambda i=i: (time.sleep(0.002), ran.append(i)))
    assert len(wakes) == 1
    assert dispatcher.pump() is True  # budget spent, work remains
    assert 0 < len(ran) < 20
    assert len(wakes) == 2  # the pump re-armed the wake for the rest
    while dispatcher.pump():
        pass
    assert ran == list(range(20))
    dispatcher.shutdown()


@pytest.mark.parametrize("serve", ["pump", "run"])
def test_a_burst_of_tasks_runs_without_busy_threads_in_between(standalone, serve):
    """Tasks are Python: the owner keeps the GIL from one task to the next. Taken again for
    each task, it let Python threads busy in a loop run between tasks, and under 4 such
    threads each take waited up to CPython's switch interval (a pump ran 3 tasks in 25 ms)."""
    from auroraview._core import Dispatcher

    dispatcher = Dispatcher(MAIN_IDENT, budget=10.0)
    laps = [0]
    stop = threading.Event()

    def busy(_):
        while not stop.is_set():
            laps[0] += 1

    seen: list[int] = []
    for _ in range(300):
        dispatcher.post(lambda: seen.append(laps[0]))
    if serve == "run":
        dispatcher.post(dispatcher.stop)
    spinners = start_threads(busy, 3)
    try:
        while laps[0] < 1000:  # every spinner is going
            time.sleep(0.001)
        time.sleep(0.001)  # a fresh turn with the GIL: no switch is due for 5 ms
        if serve == "pump":
            assert dispatcher.pump() is False
        else:
            assert dispatcher.run(timeout=10.0) == "stopped"
    finally:
        stop.set()
        for t in spinners:
            t.join(10)
        dispatcher.shutdown()
    assert len(seen) == 300
    assert len(set(seen)) == 1, f"busy threads ran {seen[-1] - seen[0]} laps between tasks"


def test_ctrl_c_interrupts_run_main_loop(standalone):
    import os
    import signal

    # A process started with SIGINT ignored (a background job) passes that on to Python,
    # which then never raises KeyboardInterrupt: install Python's handler for the test.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        threading.Timer(0.1, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        t0 = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            utils.run_main_loop(timeout=10)
        assert time.monotonic() - t0 < 5
    finally:
        signal.signal(signal.SIGINT, previous)


def test_detection_is_not_cached_before_the_qapplication_exists(tmp_path):
    """In a fresh process: 'standalone' before the QApplication exists, 'qt' after, and a
    call queued in between is served by the Qt loop."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "late_qt.py"
    script.write_text(
        "import threading, time\n"
        "from auroraview import utils\n"
        "assert utils.current_host() == 'standalone', utils.current_host()\n"
        "out = []\n"
        "def worker():\n"
        "    out.append(utils.run_on_main_thread_sync(threading.get_ident, timeout=10))\n"
        "t = threading.Thread(target=worker); t.start()\n"
        "time.sleep(0.2)\n"
        "from qtbinding import QtCore, QtWidgets, exec_loop\n"
        "QTimer = QtCore.QTimer\n"
        "app = QtWidgets.QApplication([])\n"
        "time.sleep(0.1)\n"
        "assert utils.current_host() == 'qt', utils.current_host()\n"
        "QTimer.singleShot(3000, app.quit)\n"
        "def check():\n"
        "    if out: app.quit()\n"
        "timer = QTimer(); timer.timeout.connect(check); timer.start(5)\n"
        "exec_loop(app)\n"
        "assert out == [threading.get_ident()], out\n"
        "print('OK')\n"
    )
    path = [str(Path(__file__).resolve().parent), os.environ.get("PYTHONPATH", "")]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, path)))  # for qtbinding
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("OK")
