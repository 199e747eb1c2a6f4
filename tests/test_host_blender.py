"""auroraview's dispatcher inside Blender: a faithful fake of the full application, and the
real ``bpy`` module (background mode) in subprocesses.

Full application (``tests/fake_hosts/blender``): ``bpy.app.timers`` fire on the main loop
(~5 ms per idle pass); a timer returns None to stop or seconds to run again; loading a file
drops non-persistent timers; timer registration off the main thread is recorded (it is not
documented as safe); ``bpy.data`` raises off the main thread. The adapter must keep one
persistent timer, registered on the main thread.

Real ``bpy`` (PyPI wheel, always ``app.background``): timers never fire, so the script must
pump (``pump_main_thread()`` / ``run_main_loop()``); an unserved call fails with
``NoMainLoopError`` naming the fix. The real module and the fake cannot share a process.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path

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
    run_script,
    start_threads,
    warm_up,
)

pytestmark = pytest.mark.timeout(120)

PERIOD = 0.005  # Blender's idle loop sleeps ~5 ms per pass


@pytest.fixture
def blender(monkeypatch):
    monkeypatch.delenv("AURORAVIEW_DISPATCHER", raising=False)
    env = {"FAKE_BLENDER_BACKGROUND": "0", "FAKE_BLENDER_PERIOD": str(PERIOD)}
    with installed("blender", ["bpy"], env) as (bpy,):
        fake = bpy._fake
        host = Host(
            name="blender",
            serve=fake.run,
            post_native=fake.loop.post_idle,
            scene_call=lambda: len(bpy.data.objects),
            calls=fake.calls,
            loop_errors=fake.loop.errors,
            violations=fake.loop.violations,
            latency=PERIOD,
        )
        host.fake, host.bpy = fake, bpy
        host.install_on_main = True
        # As an add-on's register() would, on the main thread: hook Blender once.
        assert utils.install_dispatcher() == "blender"
        yield host
        host.assert_clean()
        assert all(persistent for _, persistent in fake.timer_registrations), (
            "a non-persistent timer dies on the next file load"
        )
    # After shutdown the adapter's timer is gone (unregistered, or it returned None).
    fake.loop.run(None, 0.05)
    assert fake.loop.timer_functions() == [], "a timer survived shutdown_dispatcher()"
    host.assert_clean()


def test_fake_blender_is_faithful(blender):
    bpy, fake = blender.bpy, blender.fake
    utils.shutdown_dispatcher()  # unhook auroraview: this test is about the fake alone
    fake.run(None, 0.05)
    fake.loop.clear_timers(lambda fn: False)
    assert bpy.app.background is False
    ticks = []

    def twice():
        ticks.append(threading.get_ident())
        return 0.01 if len(ticks) < 2 else None

    bpy.app.timers.register(twice, first_interval=0)
    assert bpy.app.timers.is_registered(twice)
    fake.run(lambda: len(ticks) == 2, 2)
    fake.run(None, 0.05)
    assert ticks == [MAIN_IDENT, MAIN_IDENT] and not bpy.app.timers.is_registered(twice)

    class Panel:
        def tick(self):
            return 1.0

    panel = Panel()
    bpy.app.timers.register(panel.tick, persistent=True)
    with pytest.raises(ValueError):  # a bound method is a new object on each access
        bpy.app.timers.unregister(panel.tick)
    bpy.ops.wm.read_homefile()  # drops non-persistent timers only
    bpy.app.timers.register(twice)
    bpy.ops.wm.read_homefile()
    assert not bpy.app.timers.is_registered(twice)
    assert len(fake.loop.timer_functions()) == 1
    fake.loop.clear_timers(lambda fn: False)
    refused = []
    join_all(start_threads(lambda _: refused.append(_raises(bpy.data.objects.new, "x", None)), 1))
    assert refused == [True]
    fake.loop.violations.clear()
    fake.timer_registrations.clear()
    fake.calls.clear()


def _raises(fn, *args):
    try:
        fn(*args)
    except RuntimeError:
        return True
    return False


def test_detection_and_one_persistent_timer(blender):
    check_detection(blender)
    warm_up(blender)
    warm_up(blender)
    regs = blender.fake.timer_registrations
    assert len(regs) == 1 and regs[0][1] is True, regs


def test_8_threads_x_1000_sync_plus_10000_posts(blender):
    check_stress(blender, threads=8, sync_calls=1000, posts=10_000, timeout=60)
    assert len(blender.fake.timer_registrations) == 1


def test_exceptions_propagate_with_their_type(blender):
    check_exceptions(blender)


def test_timeout_while_blender_is_busy(blender):
    check_timeout_while_blocked(blender)


def test_calls_on_main_thread_run_inline(blender):
    check_inline_on_main(blender)


def test_shutdown_fails_pending_calls(blender):
    check_shutdown(blender)


def test_decorators(blender):
    check_decorators(blender)


def test_first_use_from_a_worker_thread(blender):
    """bpy.app.timers.register is not documented as safe off the main thread: a first use
    from a worker must not register the timer from there (served, or refused at once naming
    install_dispatcher()). Hooking from the main thread then works."""
    check_first_use_from_worker(blender)
    assert utils.install_dispatcher() == "blender"
    warm_up(blender)
    assert len(blender.fake.loop.timer_functions()) == 1


def test_shutdown_unregisters_the_timer(blender):
    """Blender keys timers by the object passed to register(): unregistering needs that
    same object (a bound method is a new object on every attribute access)."""
    warm_up(blender)
    assert len(blender.fake.loop.timer_functions()) == 1
    utils.shutdown_dispatcher()
    assert blender.fake.loop.timer_functions() == [], "the timer is still registered"


def test_work_is_cut_into_short_slices(blender):
    check_work_is_sliced(blender, blender.fake.loop)


def test_timer_survives_loading_a_file(blender):
    warm_up(blender)
    blender.bpy.ops.wm.read_homefile()
    warm_up(blender)
    assert blender.fake.files_loaded == 1
    assert len(blender.fake.timer_registrations) == 1


def test_workers_create_objects_through_the_dispatcher(blender):
    bpy = blender.bpy
    made = []

    def worker(i):
        for j in range(5):
            made.append(
                utils.run_on_main_thread_sync(
                    lambda i=i, j=j: bpy.data.objects.new(f"o{i}_{j}", None).name, timeout=10
                )
            )

    workers = start_threads(worker, 4)
    blender.serve_until(lambda: len(made) == 20, 15)
    join_all(workers)
    assert sorted(made) == sorted(bpy.data.objects.keys())


# ----- the real bpy module (background mode), each in a fresh interpreter ----------------

real_bpy = pytest.mark.skipif(importlib.util.find_spec("bpy") is None, reason="bpy not installed")


@real_bpy
def test_real_bpy_served_by_pump_main_thread():
    r = run_script("real_bpy.py", "pump")
    assert r["host"] == "blender" and r["background"] is True
    assert r["errors"] == []
    assert r["count"] == 4 * 26 and r["all_on_main"]
    assert r["unique_names"] and r["all_exist"]
    assert len(r["cubes"]) == 4  # bpy.ops ran on the main thread too
    assert r["elapsed"] < 20


@real_bpy
def test_real_bpy_served_by_run_main_loop():
    r = run_script("real_bpy.py", "run_main_loop")
    assert r["host"] == "blender"
    assert r["errors"] == []
    assert r["count"] == 4 * 26 and r["all_on_main"]
    assert r["unique_names"] and r["all_exist"]


@real_bpy
def test_real_bpy_unserved_call_raises_no_main_loop_error():
    r = run_script("real_bpy.py", "no_loop")
    assert r["host"] == "blender"
    assert r["alive"] is False
    assert r["error"] == "NoMainLoopError", r
    assert "pump_main_thread" in r["message"], r["message"]
    assert 0.3 <= r["elapsed"] < 1.5, r
    assert r["ran"] == []  # pumping afterwards did not run the timed-out call


@real_bpy
def test_real_bpy_webview_panel(tmp_path):
    # A real WebView (WebKitGTK, own mode) in real Blender: the page's dcc_mode calls add
    # cubes with bpy.ops on the main thread, a background job streams progress, a handler's
    # exception rejects its call, the page's "Save as" opens the native dialog (answered
    # here by real keystrokes: Return accepts the suggested name) and a handler saves the
    # .blend there; show() serves the main thread (nothing else would in background mode)
    # until the page closes the WebView.
    sys.path.insert(0, str(Path(__file__).parent / "webview"))
    from xinput import find_window, xdotool

    def answer() -> None:
        xid = find_window("Save scene as", timeout=60)
        if xid is not None:
            xdotool("windowfocus", "--sync", str(xid))
            xdotool("key", "Return")

    typist = threading.Thread(target=answer, daemon=True)
    typist.start()
    r = run_script("real_bpy_webview.py", str(tmp_path), timeout=90)
    typist.join(5)
    assert r["host"] == "blender" and r["background"] is True and r["mode"] == "own"
    assert len(r["names"]) == 5 and r["all_exist"], r
    assert r["sizes"] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert r["progress_in_order"] and r["total"] == 100
    assert r["failed"] == ["ValueError", "bad size"]
    assert r["saved"] == str(tmp_path / "cubes.blend") and r["saved_exists"], r
    assert r["handler_calls"] == 9 and r["all_on_main"]
