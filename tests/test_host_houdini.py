"""auroraview's dispatcher inside (a faithful fake of) Houdini.

The fake (``tests/fake_hosts/houdini``) runs a real event loop on the pytest main thread:
``hdefereval.executeDeferred`` runs at the next idle pass; ``executeInMainThreadWithResult``
would hang on the main thread (the fake raises); there is no ``executeInMainThread``; in
hython ``import hdefereval`` fails. ``slow`` runs the loop at ~19 Hz, as Houdini was
measured. The adapter may use only ``hdefereval.executeDeferred``.
"""

from __future__ import annotations

import statistics
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

SLOW_PERIOD = 0.05  # ~19 Hz, as measured in Houdini


def _houdini(monkeypatch, period: float):
    monkeypatch.delenv("AURORAVIEW_DISPATCHER", raising=False)
    env = {"FAKE_HOUDINI_UI": "1", "FAKE_HOUDINI_PERIOD": str(period)}
    with installed("houdini", ["hou", "hdefereval"], env) as (hou, hdefereval):
        fake = hou._fake
        host = Host(
            name="houdini",
            serve=fake.run,
            post_native=fake.loop.post_idle,
            scene_call=lambda: hou.node("/obj").path(),
            calls=fake.calls,
            forbidden=("executeInMainThreadWithResult", "executeDeferredAfterWaiting"),
            wake_api="executeDeferred",
            loop_errors=fake.loop.errors,
            violations=fake.loop.violations,
            latency=period,
        )
        host.fake, host.hou, host.hdefereval = fake, hou, hdefereval
        yield host
        host.assert_clean()
    host.assert_clean()


@pytest.fixture(params=["fast", "slow"])
def houdini(request, monkeypatch):
    yield from _houdini(monkeypatch, SLOW_PERIOD if request.param == "slow" else 0.0)


@pytest.fixture
def fast_houdini(monkeypatch):
    yield from _houdini(monkeypatch, 0.0)


@pytest.fixture
def slow_houdini(monkeypatch):
    yield from _houdini(monkeypatch, SLOW_PERIOD)


def test_fake_houdini_is_faithful(fast_houdini):
    h = fast_houdini
    hdefereval, fake = h.hdefereval, h.fake
    assert not hasattr(hdefereval, "executeInMainThread")
    with pytest.raises(AssertionError, match="would hang"):
        hdefereval.executeInMainThreadWithResult(lambda: 1)
    ran = []
    hdefereval.executeDeferredAfterWaiting(ran.append, 3, "late")
    hdefereval.executeDeferred(ran.append, "soon")
    assert ran == []
    fake.run(lambda: len(ran) == 2, 5)
    assert ran == ["soon", "late"]
    out = []
    t = start_threads(
        lambda _: out.append(hdefereval.executeInMainThreadWithResult(threading.get_ident)), 1
    )
    fake.run(lambda: out, 5)
    join_all(t)
    assert out == [MAIN_IDENT]
    errors = []
    join_all(start_threads(lambda _: errors.append(_raises(h.hou.node, "/obj")), 1))
    assert errors == [True]
    fake.loop.violations.clear()
    fake.calls.clear()


def _raises(fn, *args):
    try:
        fn(*args)
    except RuntimeError:
        return True
    return False


def test_detection(houdini):
    check_detection(houdini)
    warm_up(houdini)
    assert houdini.calls["executeDeferred"] >= 1


def test_8_threads_x_1000_sync_plus_10000_posts(fast_houdini):
    check_stress(fast_houdini, threads=8, sync_calls=1000, posts=10_000, timeout=60)


def test_8_threads_on_a_19hz_event_loop(slow_houdini):
    # Each sync round trip costs up to a tick (~50 ms): fewer calls.
    check_stress(slow_houdini, threads=8, sync_calls=10, posts=800, timeout=30)


def test_exceptions_propagate_with_their_type(houdini):
    check_exceptions(houdini)


def test_timeout_while_houdini_is_busy(houdini):
    check_timeout_while_blocked(houdini)


def test_calls_on_main_thread_run_inline(houdini):
    check_inline_on_main(houdini)


def test_shutdown_fails_pending_calls(houdini):
    check_shutdown(houdini)


def test_decorators(houdini):
    check_decorators(houdini)


def test_burst_of_posts_costs_one_execute_deferred(houdini):
    check_burst_costs_one_wake(houdini, n=2000 if houdini.latency == 0 else 500)


def test_first_use_from_a_worker_thread(houdini):
    check_first_use_from_worker(houdini)


def test_work_is_cut_into_short_slices(fast_houdini):
    check_work_is_sliced(fast_houdini, fast_houdini.fake.loop)


def test_round_trip_on_a_slow_loop_costs_about_one_tick(slow_houdini):
    """On a 19 Hz loop the adapter adds no ticks of its own: each sync call is served by
    the next pass of the loop, not after several. Counted in passes of the fake loop, not
    timed (a loaded machine slows the loop and the call alike)."""
    warm_up(slow_houdini)
    loop = slow_houdini.fake.loop
    main = threading.main_thread().ident
    passes = []

    def worker(_):
        for _ in range(10):
            before = loop.iterations
            assert utils.run_on_main_thread_sync(threading.get_ident, timeout=5) == main
            passes.append(loop.iterations - before)

    t = start_threads(worker, 1)
    slow_houdini.serve_until(lambda: len(passes) == 10, 10)
    join_all(t)
    # The pass running when the call was made may end before it sees the call: the next
    # one serves it. Two passes at most, and most calls within one.
    assert max(passes) <= 2, passes
    assert statistics.median(passes) <= 1, passes


def test_workers_create_nodes_through_the_dispatcher(fast_houdini):
    hou = fast_houdini.hou
    made = []

    def worker(i):
        for j in range(5):
            node = utils.run_on_main_thread_sync(
                lambda i=i, j=j: hou.node("/obj").createNode("geo", f"geo_{i}_{j}").path(),
                timeout=10,
            )
            made.append(node)

    workers = start_threads(worker, 4)
    fast_houdini.serve_until(lambda: len(made) == 20, 15)
    join_all(workers)
    children = {c.path() for c in hou.node("/obj").children()}
    assert set(made) == children and len(children) == 20


def test_hython_falls_back_to_standalone():
    """hython: no UI, ``import hdefereval`` raises ImportError. The dispatcher must fall back
    to standalone and be served by run_main_loop()."""
    result = run_script("fallback_standalone.py", "houdini-hython")
    assert result["host"] == "standalone"
    assert result["errors"] == []
    assert result["count"] == 200 and result["all_on_main"]
