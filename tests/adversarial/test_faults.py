"""Faults around a call's life: closing at every stage, the dispatcher shut down with calls
queued, a call the application drops, a page whose web process dies or spins, floods
larger than the handlers can take, and many WebViews opened and closed. The user sees every
call and evaluation end once, the host's memory and processes stay bounded, and the next
WebView works."""

from __future__ import annotations

import gc
import os
import signal
import threading
import time

import pytest
from advsupport import PAGE, cpu_ticks, poll, rss_mib, web_processes
from auroraview import _core
from auroraview.errors import (
    EvalTimeoutError,
    PageChangedError,
    WebViewClosedError,
    WrongThreadError,
)
from wvsupport import handler_threads

pytestmark = pytest.mark.timeout(120)


def settle(wv_host, webview, script: str):
    return wv_host.run_js(webview, f"settle({script})")


@pytest.mark.parametrize("stage", ["queued", "running", "answered"])
def test_close_at_every_stage_of_a_call(wv_host, stage):
    webview = wv_host.open_ready(html=PAGE)
    started, release = threading.Event(), threading.Event()
    ran: list = []

    def slow(data):
        started.set()
        release.wait(10)
        ran.append(data)
        return data

    webview.on("slow")(slow)
    webview.on("fast")(lambda data: ran.append(data) or data)
    # Two calls: the first holds the handler thread, the second waits behind it.
    wv_host.run_js(webview, "auroraview.call('slow', 1); auroraview.call('fast', 2); 1")
    assert wv_host.serve_until(started.is_set, 10)
    evaluation = webview.eval_js_async("new Promise(function () {})", timeout_ms=30_000)
    if stage == "answered":
        release.set()
        assert wv_host.serve_until(lambda: ran == [1, 2], 10)
    webview.close()
    if stage == "running":
        release.set()
    # Everything the host was asked ends once: the evaluation with WebViewClosedError, each
    # handler exactly once (its answer has no page left), then the handler thread.
    assert wv_host.serve_until(evaluation.done, 10)
    assert isinstance(evaluation.exception(0), WebViewClosedError)
    release.set()
    assert wv_host.serve_until(lambda: webview.closed, 10)
    assert ran == [1, 2]
    with pytest.raises(WebViewClosedError):
        webview.emit("x", 1)
    with pytest.raises(WebViewClosedError):
        webview.eval_js_sync("1")  # refused at once, on any thread


def test_a_call_the_application_drops_is_rejected_with_internal_error(wv_host):
    # A sink (the layer under WebView) that loses calls: Rust rejects each one it drops.
    from auroraview import _runtime

    lost: list = []

    class LosingSink:
        def _on_call(self, call):
            lost.append(call.name)  # and forgets the call object

        def _on_event(self, name, data):
            pass

        def _on_closed(self):
            lost.append("closed")

    _runtime.ensure_started(wv_host.mode)
    spec = {"html": PAGE, "visible": False}
    core = _core.create_webview(spec, LosingSink())
    try:
        future = core_eval(core, "auroraview.whenReady().then(() => settle(auroraview.call('x')))")
        assert wv_host.serve_until(future.done, 15)
        got = future.result(0)
        gc.collect()
        assert got[0] == "InternalError" and "lost this call" in got[1], got
        assert lost == ["x"]
    finally:
        core.close()
        assert wv_host.serve_until(lambda: "closed" in lost, 10)


def core_eval(core, script: str):
    from concurrent.futures import Future

    future: Future = Future()

    def done(value, error):
        import json

        if error is None:
            future.set_result(json.loads(value))
        else:
            future.set_exception(error)

    core.eval_async(script, done, 10_000.0)
    return future


def test_a_router_that_raises_rejects_the_call(wv_host):
    from auroraview import _runtime

    class RaisingSink:
        def _on_call(self, call):
            raise KeyboardInterrupt("router broke")

        def _on_event(self, name, data):
            raise SystemExit("event router broke")

        def _on_closed(self):
            raise GeneratorExit("close broke")

    _runtime.ensure_started(wv_host.mode)
    core = _core.create_webview({"html": PAGE, "visible": False}, RaisingSink())
    try:
        script = "auroraview.whenReady().then(() => { auroraview.emit('e', 1);"
        script += " return settle(auroraview.call('x')); })"
        future = core_eval(core, script)
        assert wv_host.serve_until(future.done, 15)
        got = future.result(0)
        assert got[0] == "InternalError" and "router broke" in got[1], got
    finally:
        core.close()
        assert wv_host.serve_until(lambda: core.closed, 10)


def test_shutdown_with_dcc_mode_calls_queued_rejects_them(wv_host):
    from auroraview.utils import shutdown_dispatcher

    webview = wv_host.open_ready(html=PAGE, dcc_mode=True)
    ran: list = []
    dropped: list = []
    webview.on("h")(ran.append)

    def stop(data):
        # On the main thread, with three more calls queued behind this one: shut down. The
        # wait must not run the host's loop (in hosted mode a nested loop would serve the
        # calls queued behind this one before the shutdown).
        assert poll(lambda: _dispatcher_pending() >= 3, 5, step=0.005, run_loop=False)
        dropped.append(shutdown_dispatcher())
        return "stopped"

    webview.on("stop")(stop)
    got = wv_host.run_js(
        webview,
        "Promise.all([settle(auroraview.call('stop'))].concat("
        "[1, 2, 3].map(i => settle(auroraview.call('h', i)))))",
        timeout=15,
    )
    assert got[0] == ["ok", "stopped"]
    assert [o[0] for o in got[1:]] == ["DispatchClosedError"] * 3, got
    assert "shut down" in got[1][1] or "closed" in got[1][1], got
    assert ran == [] and dropped == [3]
    # The next call starts a fresh dispatcher and is served.
    assert settle(wv_host, webview, "auroraview.call('h', 4)") == ["ok", None]
    assert ran == [4]


def _dispatcher_pending() -> int:
    from auroraview.utils import get_dispatcher

    return get_dispatcher().pending


def test_a_killed_web_process_is_reported_and_the_webview_recovers(wv_host, caplog):
    webview = wv_host.open_ready(html=PAGE)
    webview.on("h")(lambda data: data)
    processes = web_processes()
    assert len(processes) == 1, processes  # this WebView's page, alone in the process
    pending = webview.eval_js_async("new Promise(function () {})", timeout_ms=30_000)
    wv_host.serve_for(0.2)
    os.kill(processes[0], signal.SIGKILL)
    # Work waiting for the dead page ends at once, saying why; work sent later too.
    assert wv_host.serve_until(pending.done, 10)
    assert isinstance(pending.exception(0), PageChangedError)
    assert "web process ended" in str(pending.exception(0))
    later = webview.eval_js_async("1", timeout_ms=30_000)
    assert wv_host.serve_until(later.done, 10)
    assert isinstance(later.exception(0), PageChangedError)
    assert any("web process ended" in r.getMessage() for r in caplog.records)
    # reload() brings the page back, with its bridge.
    webview.reload()
    wv_host.wait_ready(webview)
    assert settle(wv_host, webview, "auroraview.call('h', 'back')") == ["ok", "back"]
    # A new WebView works too.
    assert wv_host.run_js(wv_host.open_ready(html=PAGE), "3") == 3


def test_closing_a_spinning_page_leaves_no_cpu_burning(wv_host):
    before = set(web_processes())
    webview = wv_host.open_ready(html=PAGE)
    spinner = [pid for pid in web_processes() if pid not in before]
    assert len(spinner) == 1
    webview.eval_js("setTimeout(function () { while (true) {} }, 0)")
    t0 = cpu_ticks(spinner[0])
    # It spins: 100 ms of CPU (ticks are 10 ms), however long a loaded machine takes to give
    # it that much.
    assert wv_host.serve_until(lambda: cpu_ticks(spinner[0]) - t0 > 10, 20), "no spin"
    webview.close()
    assert wv_host.serve_until(lambda: webview.closed, 10)
    assert poll(lambda: spinner[0] not in web_processes(), 10), "the spinning page lives on"


def test_fifty_webviews_opened_and_closed_leave_nothing_behind(wv_host):
    threads_before = handler_threads()
    for i in range(50):
        webview = wv_host.open(html=f"<p>{i}</p>")
        if i % 10 == 0:
            wv_host.wait_ready(webview)
        webview.close()
        assert wv_host.serve_until(lambda webview=webview: webview.closed, 10)
    assert wv_host.serve_until(lambda: handler_threads() == threads_before, 5)
    assert wv_host.serve_until(lambda: _core.runtime_stats()["open_views"] == 0, 5)
    # (poll, not serve_until: a /proc scan every millisecond would starve WebKit's
    # low-priority sources on a hosted loop.)
    assert poll(lambda: not web_processes(), 10), web_processes()
    assert wv_host.run_js(wv_host.open_ready(html=PAGE), "'fine'") == "fine"


def test_a_flood_of_large_calls_past_a_slow_handler_is_refused_and_memory_stays_bounded(
    wv_host,
):
    webview = wv_host.open_ready(html=PAGE)
    release = threading.Event()
    ran: list = []

    def slow(data):
        release.wait(30)
        ran.append(len(data))

    webview.on("slow")(slow)
    rss_before = rss_mib()
    # 100 calls of 4 MiB each, 400 MiB in all, far past the 64 MiB of page messages the
    # handlers may have waiting: most are refused at once, and the host holds a bounded
    # amount whatever the flood's size.
    wv_host.run_js(
        webview,
        "window.flood = []; var big = 'x'.repeat(4 * 1024 * 1024);"
        " for (let i = 0; i < 100; i++) settle(auroraview.call('slow', big)).then("
        "   o => flood.push(o[0]));"
        " 1",
        timeout=60,  # (bounds for a loaded machine, not speed checks)
    )
    wv_host.wait_js(
        webview,
        "flood.filter(n => n === 'QueueFullError').length >= 80",
        True,
        timeout=60,
    )
    grew = rss_mib() - rss_before
    release.set()
    assert wv_host.serve_until(lambda: len(ran) >= 10, 20)
    refused = wv_host.run_js(
        webview, "flood.filter(n => n === 'QueueFullError').length", timeout=30
    )
    assert 80 <= refused <= 90, refused
    # What stays is the inbox's 64 MiB plus the copies a message makes on its way (WebKit's,
    # the post's text, the parsed message): far below the flood's 400 MiB.
    print(f"RSS grew {grew:.0f} MiB during a 400 MiB flood")
    assert grew < 250, f"RSS grew {grew:.0f} MiB"


def test_held_operations_for_a_page_that_never_gets_ready_are_bounded(wv_host, caplog):
    from wvsupport import PageServer

    server = PageServer()
    server.pages["/theirs.html"] = "<!doctype html><p>not the application's</p>"
    try:
        webview = wv_host.open_ready(html=PAGE)
        webview.on("h")(lambda data: data)
        # The page goes to an origin the application never loaded: its bridge is not heard,
        # so it never gets ready, and what the host sends it is held, within bounds.
        webview.eval_js(f"location.href = {server.url('/theirs.html')!r}")
        assert wv_host.serve_until(lambda: "/theirs.html" in server.requests, 10)
        held = None
        while held is None or held.exception(0) is None:  # until the new page holds work
            held = webview.eval_js_async("location.href", timeout_ms=300)
            assert wv_host.serve_until(held.done, 5)
        chunk = "y" * (8 << 20)
        for _ in range(12):  # 96 MiB of emits, past the 64 MiB held for a page
            webview.emit("big", chunk)
        # What did not fit was refused, with a warning saying how much.
        assert wv_host.serve_until(
            lambda: any("not become ready" in r.getMessage() for r in caplog.records), 5
        )
        # An evaluation behind them is refused with them, or, if it fits, waits bounded by
        # its own timeout.
        evaluation = webview.eval_js_async("1", timeout_ms=1000)
        assert wv_host.serve_until(evaluation.done, 5)
        assert isinstance(evaluation.exception(0), (PageChangedError, EvalTimeoutError))
        # The application's own page, loaded again, gets the bridge and fresh ops.
        webview.load_html(PAGE)
        wv_host.wait_ready(webview)
        assert settle(wv_host, webview, "auroraview.call('h', 'after')") == ["ok", "after"]
    finally:
        server.close()


def test_wait_closed_on_the_main_thread_in_hosted_mode_fails_at_once(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    if wv_host.mode != "hosted":
        assert webview.wait_closed(0.05) is False  # own mode: a bounded wait
        return
    t0 = time.monotonic()
    with pytest.raises(WrongThreadError):
        webview.wait_closed(5)
    assert time.monotonic() - t0 < 1
    assert webview.wait_closed(0) is False  # a zero timeout only checks
    webview.close()
    assert wv_host.serve_until(lambda: webview.wait_closed(0), 10)
    assert webview.wait_closed(5) is True  # closed: no wait needed


@pytest.mark.parametrize(
    ("allowed", "outcome"),
    [
        ("https://tools.studio.local", "accepted as one origin"),
        (["https://tools.studio.local"], "accepted"),
        ([b"https://x"], TypeError),
        ([42], TypeError),
    ],
)
def test_allowed_origins_shapes(wv_host, allowed, outcome):
    if outcome is TypeError:
        with pytest.raises(TypeError):
            wv_host.open(html=PAGE, allowed_origins=allowed)
        return
    webview = wv_host.open_ready(html=PAGE, allowed_origins=allowed)
    assert wv_host.run_js(webview, "1") == 1
