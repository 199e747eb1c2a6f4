"""auroraview's dispatcher inside (a fake of) 3ds Max, over a REAL Qt event loop.

3ds Max has no Python dispatch API of its own (MaxPlus is gone): ``pymxs`` present plus a
running QApplication means the Qt route. The fake ``pymxs`` (``tests/fake_hosts/max``)
raises off the main thread (real Max silently corrupts state). The QApplication is the
process's one (session fixture ``qapp``), offscreen.
"""

from __future__ import annotations

import sys

import pytest
from auroraview import utils
from fake_hosts.conftest_helpers import (
    Host,
    check_decorators,
    check_detection,
    check_exceptions,
    check_first_use_from_worker,
    check_inline_on_main,
    check_shutdown,
    check_stress,
    check_timeout_while_blocked,
    installed,
    join_all,
    run_script,
    start_threads,
)
from mainloop import run_qt_until

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def max_host(qapp, monkeypatch):
    from qtbinding import QtCore

    monkeypatch.delenv("AURORAVIEW_DISPATCHER", raising=False)
    slot_errors = []

    def excepthook(exc_type, exc, tb):  # PySide and PyQt report exceptions in slots here
        slot_errors.append(exc)
        sys.__excepthook__(exc_type, exc, tb)

    monkeypatch.setattr(sys, "excepthook", excepthook)
    with installed("max", ["pymxs"]) as (pymxs,):
        fake = pymxs._fake

        def serve(until, timeout):
            if until is None:
                run_qt_until(lambda: False, timeout)
                return False
            return run_qt_until(until, timeout)

        host = Host(
            name="max",
            serve=serve,
            post_native=lambda fn: QtCore.QTimer.singleShot(0, fn),
            scene_call=lambda: pymxs.runtime.objects,
            calls=fake.calls,
            loop_errors=slot_errors,
            violations=fake.violations,
        )
        host.pymxs = pymxs
        yield host
        host.assert_clean()
    host.assert_clean()


def test_detection(max_host):
    check_detection(max_host)


def test_8_threads_x_1000_sync_plus_10000_posts(max_host):
    check_stress(max_host, threads=8, sync_calls=1000, posts=10_000, timeout=60)


def test_exceptions_propagate_with_their_type(max_host):
    check_exceptions(max_host)


def test_timeout_while_max_is_busy(max_host):
    check_timeout_while_blocked(max_host)


def test_calls_on_main_thread_run_inline(max_host):
    check_inline_on_main(max_host)


def test_shutdown_fails_pending_calls(max_host):
    check_shutdown(max_host)


def test_decorators(max_host):
    check_decorators(max_host)


def test_first_use_from_a_worker_thread(max_host):
    check_first_use_from_worker(max_host)


def test_workers_build_a_scene_through_the_dispatcher(max_host):
    rt = max_host.pymxs.runtime
    made = []

    def worker(i):
        for j in range(5):
            made.append(utils.run_on_main_thread_sync(rt.Box, name=f"box_{i}_{j}", timeout=10))

    workers = start_threads(worker, 4)
    max_host.serve_until(lambda: len(made) == 20, 15)
    join_all(workers)
    assert sorted(made) == sorted(rt.objects)


def test_max_without_a_qapplication_is_standalone():
    """pymxs alone (no QApplication: say, a batch script) must not pick the Qt route."""
    result = run_script("fallback_standalone.py", "max-no-qt")
    assert result["host"] == "standalone"
    assert result["errors"] == []
    assert result["count"] == 200 and result["all_on_main"]
