"""auroraview's dispatcher inside (a faithful fake of) the Unreal Editor.

The fake (``tests/fake_hosts/unreal``) ticks Slate on the pytest main thread (the "game
thread") at a frame rate, and can throttle when the user is idle. The only way onto the game
thread is ``register_slate_post_tick_callback``; both it and its unregister function (and
``EditorAssetLibrary``) raise off the game thread. The adapter must register exactly one
callback, on the game thread, and unregister it at shutdown.
"""

from __future__ import annotations

import threading
import time

import pytest
from auroraview import utils
from fake_hosts.conftest_helpers import (
    MAIN_IDENT,
    Host,
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
    start_threads,
    warm_up,
)

pytestmark = pytest.mark.timeout(120)


def _unreal(monkeypatch, env):
    monkeypatch.delenv("AURORAVIEW_DISPATCHER", raising=False)
    with installed("unreal", ["unreal"], env) as (unreal,):
        fake = unreal._fake
        host = Host(
            name="unreal",
            serve=fake.run,
            post_native=fake.loop.post_idle,
            scene_call=lambda: unreal.EditorAssetLibrary.does_directory_exist("/Game"),
            calls=fake.calls,
            loop_errors=fake.loop.errors,
            violations=fake.loop.violations,
            latency=1.0 / float(env.get("FAKE_UNREAL_IDLE_HZ") or env["FAKE_UNREAL_HZ"]),
        )
        host.fake, host.unreal = fake, unreal
        host.install_on_main = True
        # As init_unreal.py would, on the game thread: hook the editor once.
        assert utils.install_dispatcher() == "unreal"
        yield host
        host.assert_clean()
        assert len(fake.registered) <= 1, fake.registered
    # shutdown_dispatcher() unregistered the callback it had registered, with its handle.
    assert fake.registered == [], "the Slate tick callback is still registered after shutdown"
    assert fake.unregistrations == fake.registrations
    host.assert_clean()


@pytest.fixture
def unreal(monkeypatch):
    """An editor ticking at 60 Hz."""
    yield from _unreal(monkeypatch, {"FAKE_UNREAL_HZ": "60"})


@pytest.fixture
def fast_unreal(monkeypatch):
    """An uncapped editor (t.MaxFPS 1000), for throughput."""
    yield from _unreal(monkeypatch, {"FAKE_UNREAL_HZ": "1000"})


@pytest.fixture
def idle_unreal(monkeypatch):
    """Slate throttled to 4 Hz because the user is idle."""
    yield from _unreal(
        monkeypatch,
        {"FAKE_UNREAL_HZ": "60", "FAKE_UNREAL_IDLE_HZ": "4", "FAKE_UNREAL_IDLE_AFTER": "0"},
    )


def test_fake_unreal_is_faithful(unreal):
    u, fake = unreal.unreal, unreal.fake
    utils.shutdown_dispatcher()  # unhook auroraview: this test is about the fake alone
    fake.registrations.clear()
    fake.unregistrations.clear()
    deltas = []
    handle = u.register_slate_post_tick_callback(
        lambda dt: deltas.append((dt, threading.get_ident()))
    )
    fake.run(lambda: len(deltas) >= 6, 2)
    u.unregister_slate_post_tick_callback(handle)
    assert {ident for _, ident in deltas} == {MAIN_IDENT}
    assert 0.5 / 60 < sorted(dt for dt, _ in deltas[1:])[len(deltas) // 2] < 3 / 60
    errors = []

    def worker(_):
        for fn in (
            lambda: u.register_slate_post_tick_callback(print),
            lambda: u.EditorAssetLibrary.list_assets("/Game"),
        ):
            try:
                fn()
            except RuntimeError:
                errors.append("refused")

    join_all(start_threads(worker, 1))
    assert errors == ["refused", "refused"]
    fake.loop.violations.clear()
    fake.registrations.clear()
    fake.unregistrations.clear()
    fake.calls.clear()


def test_detection_and_one_registration_on_the_game_thread(unreal):
    check_detection(unreal)
    warm_up(unreal)
    warm_up(unreal)
    assert len(unreal.fake.registrations) == 1
    assert unreal.fake.registered == unreal.fake.registrations
    assert unreal.calls["register_slate_post_tick_callback"] == 1


def test_8_threads_x_1000_sync_plus_10000_posts(fast_unreal):
    check_stress(fast_unreal, threads=8, sync_calls=1000, posts=10_000, timeout=60)
    assert len(fast_unreal.fake.registrations) == 1


def test_8_threads_at_60_fps(unreal):
    check_stress(unreal, threads=8, sync_calls=30, posts=2000, timeout=30)
    assert len(unreal.fake.registrations) == 1


def test_exceptions_propagate_with_their_type(unreal):
    check_exceptions(unreal)


def test_timeout_while_the_editor_is_busy(unreal):
    check_timeout_while_blocked(unreal)


def test_calls_on_main_thread_run_inline(unreal):
    check_inline_on_main(unreal)


def test_shutdown_fails_pending_calls_and_unregisters(unreal):
    check_shutdown(unreal)
    # check_shutdown ends with a fresh dispatcher in use: one callback registered again.
    assert len(unreal.fake.registrations) == 2
    assert unreal.fake.unregistrations == unreal.fake.registrations[:1]
    assert unreal.fake.registered == unreal.fake.registrations[1:]


def test_decorators(unreal):
    check_decorators(unreal)


def test_first_use_from_a_worker_thread(unreal):
    """The tick callback may only be registered on the game thread: a first use from a
    worker must not call the Unreal API from there (served, or refused at once naming
    install_dispatcher()). Hooking from the game thread then works."""
    check_first_use_from_worker(unreal)
    assert utils.install_dispatcher() == "unreal"
    warm_up(unreal)
    assert len(unreal.fake.registered) == 1


def test_work_is_cut_into_short_slices(unreal):
    check_work_is_sliced(unreal, unreal.fake.loop)


def test_throttled_idle_editor_still_serves_calls(idle_unreal):
    """Slate sleeps when the user is idle (4 Hz here) and nothing we post wakes it: each
    call waits at most about one throttled frame."""
    warm_up(idle_unreal)
    latencies = []

    def worker(_):
        for _ in range(4):
            t0 = time.monotonic()
            assert utils.run_on_main_thread_sync(threading.get_ident, timeout=5) == MAIN_IDENT
            latencies.append(time.monotonic() - t0)

    t = start_threads(worker, 1)
    idle_unreal.serve_until(lambda: len(latencies) == 4, 10)
    join_all(t)
    assert max(latencies) < 0.25 + 0.1, latencies
    assert len(idle_unreal.fake.registrations) == 1


def test_workers_create_assets_through_the_dispatcher(unreal):
    lib = unreal.unreal.EditorAssetLibrary
    made = []

    def worker(i):
        for j in range(3):
            path = f"/Game/Panels/p{i}_{j}"
            assert utils.run_on_main_thread_sync(lib.make_directory, path, timeout=10) is True
            made.append(path)

    workers = start_threads(worker, 4)
    unreal.serve_until(lambda: len(made) == 12, 15)
    join_all(workers)
    assert set(made) <= set(lib.list_assets("/Game/Panels"))
