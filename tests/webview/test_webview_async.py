"""``async def`` handlers and methods run on auroraview's asyncio loop (one thread per
process, never the UI thread), or under ``dcc_mode`` on the main thread's running loop;
``await webview.eval_js_awaitable(...)`` works from any asyncio loop; cancellation and
timeouts are bounded."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from auroraview import _asyncio
from auroraview.errors import EvalTimeoutError
from wvsupport import MAIN_IDENT, captured_logs, thread_comm

pytestmark = pytest.mark.timeout(60)

PAGE = "<!doctype html><html><body><p>async</p></body></html>"
SETTLE = "(p => p.then(v => ['ok', v], e => [e.name, e.message]))"


def settle(wv_host, webview, script, timeout=10.0):
    return wv_host.run_js(webview, f"{SETTLE}({script})", timeout)


def test_async_handlers_run_on_one_loop_thread(wv_host):
    first = wv_host.open_ready(html=PAGE)
    second = wv_host.open_ready(html=PAGE)
    seen = []

    async def handler(data):
        await asyncio.sleep(0.01)
        seen.append((threading.current_thread().name, thread_comm()))
        if data == "fail":
            raise ValueError("async failure")
        return data * 2

    first.on("double")(handler)
    second.on("double")(handler)
    assert settle(wv_host, first, "auroraview.call('double', 2)") == ["ok", 4]
    assert settle(wv_host, second, "auroraview.call('double', 3)") == ["ok", 6]
    assert settle(wv_host, first, "auroraview.call('double', 'fail')") == [
        "ValueError",
        "async failure",
    ]
    assert {name for name, _ in seen} == {_asyncio.THREAD_NAME}
    assert len({comm for _, comm in seen}) == 1
    assert sum(t.name == _asyncio.THREAD_NAME for t in threading.enumerate()) == 1


def test_many_coroutines_at_once(wv_host):
    webview = wv_host.open_ready(html=PAGE)

    async def wait(n):
        await asyncio.sleep(0.2)
        return n

    webview.on("wait")(wait)
    started = time.monotonic()
    got = wv_host.run_js(
        webview, "Promise.all(Array.from({length: 50}, (_, i) => auroraview.call('wait', i)))"
    )
    assert got == list(range(50))
    # They waited together, not one after another (50 x 0.2 s would be 10 s).
    assert time.monotonic() - started < 8


def test_dcc_mode_coroutines_run_on_the_main_threads_loop(wv_host):
    seen = []

    async def scene(data):
        seen.append(threading.get_ident())
        await asyncio.sleep(0)
        seen.append(threading.get_ident())
        return "main"

    async def main():
        webview = wv_host.open(html=PAGE, dcc_mode=True)
        webview.on("scene")(scene)
        # The host's loop (which also serves the dispatcher) runs inside this asyncio loop.
        future = webview.eval_js_async(
            f"auroraview.whenReady().then(() => {SETTLE}(auroraview.call('scene')))",
            timeout_ms=15000,
        )
        while not future.done():
            wv_host.serve_for(0.005)
            await asyncio.sleep(0)
        return future.result(0)

    assert asyncio.run(main()) == ["ok", "main"]
    assert seen == [MAIN_IDENT, MAIN_IDENT]


def test_dcc_mode_coroutines_without_a_main_loop_use_auroravies_loop(wv_host, monkeypatch):
    monkeypatch.setattr(_asyncio, "_warned_no_main_loop", False)
    webview = wv_host.open_ready(html=PAGE, dcc_mode=True)

    async def where(data):
        return threading.current_thread().name

    webview.on("where")(where)
    with captured_logs() as logs:
        assert settle(wv_host, webview, "auroraview.call('where')") == ["ok", _asyncio.THREAD_NAME]
    assert any("no asyncio loop on the main thread" in m for m in logs.messages())


def test_eval_js_awaitable_from_loops_on_any_thread(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    results = []

    def worker():
        async def go():
            value = await webview.eval_js_awaitable("Promise.resolve(6 * 7)")
            try:
                await webview.eval_js_awaitable("new Promise(() => {})", timeout_ms=200)
            except EvalTimeoutError as exc:
                return value, type(exc).__name__
            return value, None

        results.append(asyncio.run(go()))

    thread = threading.Thread(target=worker)
    thread.start()
    assert wv_host.serve_until(lambda: not thread.is_alive(), 15)
    assert results == [(42, "EvalTimeoutError")]
    if wv_host.mode == "own":
        # The main thread's own loop too (in hosted mode the main thread must run the host's
        # loop for the page to answer, so a bare asyncio.run there could not).
        assert asyncio.run(webview.eval_js_awaitable("'from main'")) == "from main"


def test_cancelling_an_awaited_eval_ends_at_once(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    outcome = []

    def worker():
        async def go():
            task = asyncio.ensure_future(
                webview.eval_js_awaitable("new Promise(() => {})", timeout_ms=30000)
            )
            await asyncio.sleep(0.1)
            started = time.monotonic()
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                outcome.append(time.monotonic() - started)

        asyncio.run(go())

    thread = threading.Thread(target=worker)
    thread.start()
    assert wv_host.serve_until(lambda: not thread.is_alive(), 10)
    assert len(outcome) == 1 and outcome[0] < 2.0


def test_a_coroutine_that_never_ends_is_cancelled_when_its_webview_closes(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    states = []

    async def forever(data):
        states.append("started")
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            states.append("cancelled")
            raise

    webview.on("forever")(forever)
    got = settle(wv_host, webview, "auroraview.call('forever', null, {timeoutMs: 300})")
    assert got[0] == "TimeoutError"
    assert states == ["started"]
    webview.close()
    assert wv_host.serve_until(lambda: webview.wait_closed(0), 10)
    assert wv_host.serve_until(lambda: states == ["started", "cancelled"], 5)
