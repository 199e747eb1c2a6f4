"""Bindings, channels and coroutines under attack: a hostile page driving bound methods and
``onMessage`` through replaced globals (the token must never reach it), a Channel flood,
a page that navigates away mid-stream, coroutines that raise anything or never end, and
awaited evaluations cancelled or timed out. Each call still ends exactly once and nothing
is left behind (the suite's ledger)."""

from __future__ import annotations

import asyncio
import threading

import pytest
from advsupport import PAGE
from auroraview import Channel
from test_hostile_page import HOSTILE_PAGE

pytestmark = pytest.mark.timeout(90)

SETTLE = "(p => p.then(v => ['ok', v], e => [e.name, e.message]))"


def settle(wv_host, webview, script, timeout=15.0):
    return wv_host.run_js(webview, f"{SETTLE}({script})", timeout)


class Api:
    def echo(self, *args, **kwargs):
        return [list(args), kwargs]

    def fail(self):
        raise RuntimeError("bound failure")

    def progress(self, n, channel: Channel):
        for i in range(n):
            channel.send({"i": i})
        return "streamed"


def test_a_hostile_page_uses_bindings_and_channels_without_seeing_the_token(wv_host):
    webview = wv_host.open_ready(html=HOSTILE_PAGE)
    webview.bind_api(Api())
    assert settle(wv_host, webview, "auroraview.api.echo(1, auroraview.kwargs({size: 2}))") == [
        "ok",
        [[1], {"size": 2}],
    ]
    assert settle(wv_host, webview, "auroraview.api.fail()") == ["RuntimeError", "bound failure"]
    got = wv_host.run_js(
        webview,
        "(async () => { const seen = [];"
        " const r = await auroraview.api.progress(3,"
        "   auroraview.options({onMessage: m => seen.push(m.i), timeoutMs: 60000}));"
        " const r2 = await auroraview.call('api.progress', [2], {onMessage: m => seen.push(m.i)});"
        " return [seen, r, r2]; })()",
    )
    assert got == [[0, 1, 2, 0, 1], "streamed", "streamed"]
    # Odd namespace lookups neither throw nor reach Python with garbage.
    got = wv_host.run_js(
        webview,
        "[typeof auroraview.api.then, typeof auroraview[Symbol.iterator],"
        " typeof auroraview.constructor, Object.isFrozen(auroraview)]",
    )
    assert got == ["undefined", "undefined", "function", True]
    assert wv_host.run_js(webview, "leaks") == []


def test_a_page_cannot_forge_markers_or_hook_the_namespace_proxy(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    webview.bind_api(Api())
    got = wv_host.run_js(
        webview,
        "Object.defineProperty(Object.prototype, 'get', {configurable: true,"
        "  value: function () { return () => Promise.resolve('hijacked'); }});"
        "WeakMap.prototype.get = function () { return {kind: 'kwargs', value: {forged: 1}}; };"
        "auroraview.api.echo({kind: 'kwargs', value: {x: 1}})",
    )
    assert got == [[{"kind": "kwargs", "value": {"x": 1}}], {}]


def test_a_channel_flood(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    count = 200_000

    @webview.on("flood")
    def flood(data, channel: Channel):
        for i in range(count):
            channel.send(i)
        return "flooded"

    got = wv_host.run_js(
        webview,
        "(async () => { let n = 0, ordered = true;"
        " const r = await auroraview.call('flood', null, {onMessage: m => {"
        "   if (m !== n) ordered = false; n++; }});"
        " return [n, ordered, r]; })()",
        timeout=60,
    )
    assert got == [count, True, "flooded"]


def test_the_page_leaves_while_a_channel_streams(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    halfway = threading.Event()
    finished = []

    @webview.on("stream")
    def stream(data, channel: Channel):
        for i in range(50_000):
            channel.send(i)  # messages for a page that is gone are dropped quietly
            if i == 1000:
                halfway.set()
        finished.append(channel.closed)
        return "done"

    wv_host.run_js(webview, "auroraview.call('stream', null, {onMessage: () => {}}); 1")
    assert wv_host.serve_until(halfway.is_set, 10)
    webview.load_html("<!doctype html><p>elsewhere</p>")
    assert wv_host.serve_until(lambda: finished, 20)
    wv_host.wait_js(
        webview, "auroraview.whenReady().then(() => document.body.textContent)", "elsewhere"
    )


@pytest.mark.parametrize("raised", [KeyboardInterrupt("k"), SystemExit(2), GeneratorExit("g")])
def test_coroutines_that_raise_base_exceptions(wv_host, raised):
    webview = wv_host.open_ready(html=PAGE)

    async def bad(data):
        await asyncio.sleep(0)
        raise raised

    async def good(data):
        return "still served"

    webview.on("bad")(bad)
    webview.on("good")(good)
    got = settle(wv_host, webview, "auroraview.call('bad')")
    assert got[0] == type(raised).__name__
    # The loop thread survived: the next coroutine runs.
    assert settle(wv_host, webview, "auroraview.call('good')") == ["ok", "still served"]


def test_coroutines_that_never_end_and_awaits_that_are_cancelled(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    started = []

    async def forever(data):
        started.append(data)
        await asyncio.Event().wait()

    webview.on("forever")(forever)
    got = wv_host.run_js(
        webview,
        "Promise.all([1, 2, 3].map(i => auroraview.call('forever', i, {timeoutMs: 200})"
        ".catch(e => e.name)))",
    )
    assert got == ["TimeoutError"] * 3
    assert sorted(started) == [1, 2, 3]
    outcomes = []

    def worker():
        async def go():
            tasks = [
                asyncio.ensure_future(webview.eval_js_awaitable("new Promise(() => {})", 500))
                for _ in range(20)
            ]
            await asyncio.sleep(0.05)
            for task in tasks[:10]:
                task.cancel()
            done = await asyncio.gather(*tasks, return_exceptions=True)
            outcomes.extend(type(x).__name__ for x in done)

        asyncio.run(go())

    thread = threading.Thread(target=worker)
    thread.start()
    assert wv_host.serve_until(lambda: not thread.is_alive(), 15)
    assert outcomes == ["CancelledError"] * 10 + ["EvalTimeoutError"] * 10
