"""Creating WebViews under pressure: behind a backlog of hundreds of thousands of queued
commands, from a worker whose ``create_timeout`` runs out before or while the main thread
builds it (hosted mode creates on the main thread), and from inside a WebView callback.
The user sees the WebView created, or a ``WebViewStartError`` that says why; a WebView that
finishes after its creator gave up is closed at once, leaving nothing behind."""

from __future__ import annotations

import threading
import time

import pytest
from auroraview import WebView, _core
from auroraview.errors import WebViewStartError
from wvsupport import handler_threads

pytestmark = pytest.mark.timeout(120)

PAGE = "<!doctype html><html><body><p>creation</p></body></html>"


def test_a_webview_is_created_ahead_of_a_large_backlog(wv_host):
    busy = wv_host.open_ready(html=PAGE)
    wv_host.run_js(busy, "window.n = 0; auroraview.on('tick', () => n++); 1")
    # 200,000 emits wait for the UI thread (in hosted mode nothing serves it meanwhile).
    for i in range(200_000):
        busy.emit("tick", i)
    if wv_host.mode == "hosted":  # (own mode's UI thread may have caught up already)
        assert _core.runtime_stats()["queued_commands"] > 100_000
    t0 = time.monotonic()
    panel = wv_host.open(html=PAGE, create_timeout=10)
    created_in = time.monotonic() - t0
    assert created_in < 10, created_in
    wv_host.wait_ready(panel, timeout=60)
    # The backlog is delivered too, in full.
    wv_host.wait_js(busy, "n", 200_000, timeout=60)


def _created_from_a_worker(wv_host, **kwargs) -> list:
    outcome: list = []

    def create() -> None:
        try:
            outcome.append(WebView(html=PAGE, mode="hosted", **kwargs))
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=create)
    worker.start()
    assert wv_host.serve_until(lambda: outcome, 10)
    worker.join(10)
    return outcome


def _nothing_left(wv_host, views: int, threads: set) -> None:
    wv_host.serve_for(0.5)
    assert wv_host.serve_until(lambda: _core.runtime_stats()["open_views"] == views, 10)
    assert wv_host.serve_until(lambda: handler_threads() == threads, 10)


def test_a_creation_that_times_out_before_it_starts_never_runs(wv_host):
    if wv_host.mode != "hosted":
        pytest.skip("own mode creates on its own UI thread; hosted mode on the main thread")
    views, threads = _core.runtime_stats()["open_views"], handler_threads()
    # The main thread is not served until the worker has given up: the creation is
    # cancelled and never runs.
    outcome: list = []

    def create() -> None:
        try:
            outcome.append(WebView(html=PAGE, mode="hosted", create_timeout=0.05))
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=create)
    worker.start()
    worker.join(10)
    assert isinstance(outcome[0], WebViewStartError), outcome
    assert "create_timeout=0.05" in str(outcome[0]) and "nothing is left open" in str(outcome[0])
    _nothing_left(wv_host, views, threads)


def test_a_creation_that_finishes_after_its_worker_gave_up_is_closed(wv_host, monkeypatch):
    if wv_host.mode != "hosted":
        pytest.skip("own mode creates on its own UI thread; hosted mode on the main thread")
    from auroraview import _creation
    from auroraview.errors import DispatchTimeoutError
    from auroraview.utils import run_on_main_thread

    views, threads = _core.runtime_stats()["open_views"], handler_threads()

    def gives_up_while_running(func, *args, timeout=None, **kwargs):
        # What a worker sees when the main thread started building the WebView but did not
        # finish within create_timeout: the build goes on, the wait ends.
        run_on_main_thread(func, *args, **kwargs)
        raise DispatchTimeoutError("timed out while the task was running")

    monkeypatch.setattr(_creation, "run_on_main_thread_sync", gives_up_while_running)
    outcome = _created_from_a_worker(wv_host, create_timeout=1)
    assert isinstance(outcome[0], WebViewStartError), outcome
    # The main thread then builds it, sees its creator gave up, and closes it.
    _nothing_left(wv_host, views, threads)


def test_a_webview_created_by_a_main_thread_handler_works(wv_host):
    # In hosted mode the handler runs on the UI thread itself (inside a dispatcher pump, not
    # inside a WebView callback): the WebView is built there, at once.
    made: list = []
    webview = wv_host.open_ready(html=PAGE, dcc_mode=True)

    @webview.on("make")
    def make(data):
        made.append(WebView(html=PAGE, mode=wv_host.mode))
        return "made"

    assert wv_host.run_js(webview, "auroraview.call('make')") == "made"
    wv_host.opened.extend(made)
    wv_host.wait_ready(made[0])
    assert wv_host.run_js(made[0], "1 + 1") == 2
