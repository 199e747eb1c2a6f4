"""auroraview's dispatcher inside (a faithful fake of) Nuke.

The fake (``tests/fake_hosts/nuke``) runs a real event loop on the pytest main thread:
``nuke.executeInMainThread(call, args=(), kwargs={})`` queues for the main thread and
insists on a tuple for ``args``; ``executeInMainThreadWithResult`` swallows exceptions and
would hang on the main thread; ``nuke.createNode`` raises off the main thread; ``nuke -t``
has no GUI loop. The adapter may use only ``executeInMainThread``.
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
def nuke(monkeypatch):
    monkeypatch.delenv("AURORAVIEW_DISPATCHER", raising=False)
    with installed("nuke", ["nuke"], {"FAKE_NUKE_GUI": "1"}) as (nuke,):
        fake = nuke._fake
        host = Host(
            name="nuke",
            serve=fake.run,
            post_native=fake.loop.post_idle,
            scene_call=lambda: nuke.allNodes(),
            calls=fake.calls,
            forbidden=("executeInMainThreadWithResult",),
            wake_api="executeInMainThread",
            loop_errors=fake.loop.errors,
            violations=fake.loop.violations,
        )
        host.fake, host.nuke = fake, nuke
        yield host
        host.assert_clean()
    host.assert_clean()


def test_fake_nuke_is_faithful(nuke, capfd):
    n, fake = nuke.nuke, nuke.fake
    with pytest.raises(TypeError):
        n.executeInMainThread(print, args=5)
    with pytest.raises(TypeError):
        n.executeInMainThread(print, args=[1])
    with pytest.raises(AssertionError, match="would hang"):
        n.executeInMainThreadWithResult(lambda: 1)
    ran = []
    n.executeInMainThread(ran.append, args=("queued",))
    assert ran == []  # queued even on the main thread
    fake.run(lambda: ran, 5)
    assert ran == ["queued"]
    out = []

    def worker(_):
        out.append(n.executeInMainThreadWithResult(lambda: 1 / 0))  # swallowed: None
        out.append(
            n.executeInMainThreadWithResult(lambda a, b=0: a + b, args=(2,), kwargs={"b": 3})
        )
        try:
            n.createNode("Blur")
        except RuntimeError:
            out.append("refused")

    t = start_threads(worker, 1)
    fake.run(lambda: len(out) == 3, 5)
    join_all(t)
    assert out == [None, 5, "refused"]
    assert "ZeroDivisionError" in capfd.readouterr().err
    fake.loop.violations.clear()
    fake.calls.clear()


def test_detection(nuke):
    check_detection(nuke)
    warm_up(nuke)
    assert nuke.calls["executeInMainThread"] >= 1


def test_8_threads_x_1000_sync_plus_10000_posts(nuke):
    check_stress(nuke, threads=8, sync_calls=1000, posts=10_000, timeout=60)


def test_exceptions_propagate_with_their_type(nuke):
    """Unlike executeInMainThreadWithResult, our sync call does not swallow exceptions."""
    check_exceptions(nuke)


def test_timeout_while_nuke_is_busy(nuke):
    check_timeout_while_blocked(nuke)


def test_calls_on_main_thread_run_inline(nuke):
    check_inline_on_main(nuke)


def test_shutdown_fails_pending_calls(nuke):
    check_shutdown(nuke)


def test_decorators(nuke):
    check_decorators(nuke)


def test_burst_of_posts_costs_one_execute_in_main_thread(nuke):
    check_burst_costs_one_wake(nuke)


def test_first_use_from_a_worker_thread(nuke):
    check_first_use_from_worker(nuke)


def test_work_is_cut_into_short_slices(nuke):
    check_work_is_sliced(nuke, nuke.fake.loop)


def test_arguments_reach_the_function_intact(nuke):
    """Positional and keyword arguments of every shape get through (the adapter must pass
    Nuke a tuple, never a list or a lone value)."""
    got = []

    def grab(*args, **kwargs):
        got.append((args, kwargs, threading.get_ident()))
        return len(got)

    def worker(_):
        utils.run_on_main_thread(grab, [1, 2], key=("a",))
        utils.run_on_main_thread(grab)
        got.append(utils.run_on_main_thread_sync(grab, (3,), None, timeout=5))

    t = start_threads(worker, 1)
    nuke.serve_until(lambda: len(got) == 4, 10)
    join_all(t)
    assert got == [
        (([1, 2],), {"key": ("a",)}, MAIN_IDENT),
        ((), {}, MAIN_IDENT),
        (((3,), None), {}, MAIN_IDENT),
        3,
    ]


def test_workers_create_nodes_through_the_dispatcher(nuke):
    n = nuke.nuke
    made = []

    def worker(_):
        for _ in range(5):
            made.append(
                utils.run_on_main_thread_sync(lambda: n.createNode("Blur").name(), timeout=10)
            )

    workers = start_threads(worker, 4)
    nuke.serve_until(lambda: len(made) == 20, 15)
    join_all(workers)
    assert sorted(made) == sorted(f"Blur{i}" for i in range(1, 21))
    assert len(n.allNodes("Blur")) == 20


def test_terminal_mode_falls_back_to_standalone():
    """``nuke -t``: no GUI event loop. The dispatcher must not pick the Nuke adapter."""
    result = run_script("fallback_standalone.py", "nuke-terminal")
    assert result["host"] == "standalone"
    assert result["errors"] == []
    assert result["count"] == 200 and result["all_on_main"]
    assert result["host_api_calls"] == {
        "executeInMainThread": 0,
        "executeInMainThreadWithResult": 0,
    }
