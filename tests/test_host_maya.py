"""auroraview's dispatcher inside (a faithful fake of) Maya.

The fake (``tests/fake_hosts/maya``) runs a real event loop on the pytest main thread:
``maya.utils.executeDeferred`` queues for the next idle event, even on the main thread;
``maya.cmds`` raise off the main thread; batch mode has no idle events. The adapter may use
only ``executeDeferred``.
"""

from __future__ import annotations

import threading

import pytest
from auroraview import utils
from fake_hosts.conftest_helpers import (
    MAIN_IDENT,
    Host,
    check_burst_costs_one_wake,
    check_decorators,
    check_detection,
    check_exceptions,
    check_first_use_from_worker,
    check_inline_on_main,
    check_shutdown,
    check_stress,
    check_timeout_while_blocked,
    check_work_is_sliced,
    installed,
    join_all,
    run_script,
    start_threads,
    warm_up,
)

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def maya(monkeypatch):
    monkeypatch.delenv("AURORAVIEW_DISPATCHER", raising=False)
    with installed("maya", ["maya", "maya.utils", "maya.cmds"]) as (maya, maya_utils, cmds):
        fake = maya._fake
        host = Host(
            name="maya",
            serve=fake.run,
            post_native=fake.loop.post_idle,
            scene_call=cmds.ls,
            calls=fake.calls,
            forbidden=("executeInMainThreadWithResult", "processIdleEvents"),
            wake_api="executeDeferred",
            loop_errors=fake.loop.errors,
            violations=fake.loop.violations,
        )
        host.fake, host.cmds, host.utils = fake, cmds, maya_utils
        yield host
        host.assert_clean()
    host.assert_clean()  # also after shutdown_dispatcher() unhooked the adapter


def test_fake_maya_is_faithful(maya, capfd):
    """The fake's own quirks, so the other tests mean something."""
    fake, cmds, mutils = maya.fake, maya.cmds, maya.utils
    ran = []
    mutils.executeDeferred(ran.append, 1)  # on the main thread: still deferred
    assert ran == []
    mutils.executeDeferred(lambda: 1 / 0)  # printed and swallowed
    mutils.executeDeferred(ran.append, 2)
    fake.run(lambda: len(ran) == 2, 5)
    assert ran == [1, 2]
    assert "ZeroDivisionError" in capfd.readouterr().err
    assert len(fake.loop.errors) == 1
    fake.loop.errors.clear()
    assert mutils.executeInMainThreadWithResult(lambda: threading.get_ident()) == MAIN_IDENT
    errors = []

    def off_main(_):
        try:
            cmds.polyCube()
        except RuntimeError as exc:
            errors.append(exc)

    join_all(start_threads(off_main, 1))
    assert len(errors) == 1 and len(fake.loop.violations) == 1
    fake.loop.violations.clear()
    assert cmds.about(batch=True) is False
    fake.calls.clear()


def test_detection(maya):
    check_detection(maya)
    warm_up(maya)
    assert maya.calls["executeDeferred"] >= 1  # served through Maya's own idle queue


def test_8_threads_x_1000_sync_plus_10000_posts(maya):
    check_stress(maya, threads=8, sync_calls=1000, posts=10_000, timeout=60)


def test_exceptions_propagate_with_their_type(maya):
    check_exceptions(maya)


def test_timeout_while_maya_is_busy(maya):
    check_timeout_while_blocked(maya)


def test_calls_on_main_thread_run_inline(maya):
    check_inline_on_main(maya)


def test_shutdown_fails_pending_calls(maya):
    check_shutdown(maya)


def test_decorators(maya):
    check_decorators(maya)


def test_burst_of_posts_costs_one_execute_deferred(maya):
    check_burst_costs_one_wake(maya)


def test_first_use_from_a_worker_thread(maya):
    check_first_use_from_worker(maya)


def test_work_is_cut_into_short_slices(maya):
    check_work_is_sliced(maya, maya.fake.loop)


def test_workers_build_a_scene_through_the_dispatcher(maya):
    cmds = maya.cmds
    made = []

    def worker(i):
        for j in range(5):
            made.append(
                utils.run_on_main_thread_sync(cmds.polyCube, name=f"crate{i}_{j}", timeout=10)
            )

    workers = start_threads(worker, 4)
    maya.serve_until(lambda: len(made) == 20, 15)
    join_all(workers)
    transforms = sorted(node for node, _ in made)
    assert transforms == sorted(f"crate{i}_{j}" for i in range(4) for j in range(5))
    assert set(transforms) <= set(cmds.ls(type="transform"))


def test_batch_mode_falls_back_to_standalone():
    """mayapy / maya -batch: no idle events, so executeDeferred would never run. The
    dispatcher must not pick the Maya adapter; run_main_loop() serves instead."""
    result = run_script("fallback_standalone.py", "maya-batch")
    assert result["host"] == "standalone"
    assert result["errors"] == []
    assert result["count"] == 200 and result["all_on_main"]
    assert result["host_api_calls"] == {"executeDeferred": 0, "executeInMainThreadWithResult": 0}


def test_a_worker_does_not_overrule_the_main_threads_batch_verdict():
    """In batch mode the main thread's detection says standalone. A worker's later
    re-detection (due every RECHECK_INTERVAL while standalone is in use; a worker cannot ask
    maya.cmds) must keep that verdict, not switch to Maya on a guess and call executeDeferred
    for nothing. (Seen under CPU load: main-thread pauses longer than the interval.)"""
    result = run_script("fallback_standalone.py", "maya-batch", "worker-late")
    assert result["late_seen"] == ["standalone"]
    assert result["host"] == "standalone" and result["errors"] == []
    assert result["count"] == 200 and result["all_on_main"]
    assert result["host_api_calls"] == {"executeDeferred": 0, "executeInMainThreadWithResult": 0}


def test_batch_mode_detected_from_a_worker_thread_is_standalone():
    """``maya -batch`` runs scripts without ``maya.standalone``; if the first use comes from a
    worker thread (where ``maya.cmds.about`` must not be called), the worker can only guess
    "maya", provisionally. The first detection on the main thread (here: run_main_loop)
    corrects it to standalone, and the queued work is served there."""
    result = run_script("fallback_standalone.py", "maya-batch", "worker-first")
    assert result["first_seen"] in (["standalone"], ["maya"])
    assert result["host"] == "standalone"
    assert result["errors"] == []
    assert result["count"] == 200 and result["all_on_main"]
    assert result["host_api_calls"] == {"executeDeferred": 0, "executeInMainThreadWithResult": 0}
