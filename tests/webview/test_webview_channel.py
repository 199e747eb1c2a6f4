"""``Channel``: a handler streams messages to the page's ``onMessage`` before its result, in
order; nothing follows the result; a Channel used after its call ended raises."""

from __future__ import annotations

import threading

import pytest
from auroraview import Channel
from auroraview.errors import ChannelClosedError, PayloadError
from wvsupport import MAIN_IDENT

pytestmark = pytest.mark.timeout(60)

PAGE = "<!doctype html><html><body><p>channel</p></body></html>"

#: Runs a call with onMessage; returns [messages..., ["result", value]] in arrival order.
STREAM_JS = """(async function (name, data) {
  const seen = [];
  try {
    const result = await auroraview.call(name, data, {onMessage: m => seen.push(m)});
    seen.push(["result", result]);
  } catch (e) { seen.push(["error", e.name, e.message]); }
  await new Promise(r => setTimeout(r, 50));  // anything arriving late would show up
  return seen;
})"""


def stream(wv_host, webview, name, data=None):
    import json

    return wv_host.run_js(webview, f"({STREAM_JS})({json.dumps(name)}, {json.dumps(data)})")


def test_messages_arrive_in_order_before_the_result(wv_host):
    webview = wv_host.open_ready(html=PAGE)

    @webview.on("export")
    def export(count, channel: Channel):
        assert channel.listening and not channel.closed
        for i in range(count):
            channel.send({"i": i})
        return "exported"

    got = stream(wv_host, webview, "export", 2000)
    assert got[:-1] == [{"i": i} for i in range(2000)]
    assert got[-1] == ["result", "exported"]


def test_nothing_follows_the_result_and_late_use_raises(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    kept: list[Channel] = []
    started = threading.Event()
    stop = threading.Event()
    outcomes: list = []

    def spammer(channel: Channel) -> None:
        started.set()
        sent = 0
        while not stop.is_set():
            try:
                channel.send(sent)
                sent += 1
            except ChannelClosedError as exc:
                outcomes.append(("closed", sent, str(exc)))
                return

    @webview.on("race")
    def race(data, channel: Channel):
        kept.append(channel)
        threading.Thread(target=spammer, args=(channel,), daemon=True).start()
        started.wait(5)
        return "done"

    got = stream(wv_host, webview, "race")
    stop.set()
    assert got[-1] == ["result", "done"], got[-3:]
    assert got[:-1] == list(range(len(got) - 1))  # in order, none after the result
    assert wv_host.serve_until(lambda: outcomes, 5)
    assert outcomes[0][0] == "closed" and "has ended" in outcomes[0][2]
    with pytest.raises(ChannelClosedError):
        kept[0].send("late")
    assert kept[0].closed


def test_without_onmessage_the_handler_still_runs(wv_host):
    webview = wv_host.open_ready(html=PAGE)

    @webview.on("quiet")
    def quiet(data, channel: Channel):
        assert not channel.listening
        channel.send("dropped")
        return "answered"

    assert wv_host.run_js(webview, "auroraview.call('quiet')") == "answered"


def test_bad_messages_and_failing_handlers(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    errors: list = []

    @webview.on("odd")
    def odd(data, channel: Channel):
        try:
            channel.send({1, 2})
        except PayloadError as exc:
            errors.append(exc)
        channel.send("after the bad one")
        raise RuntimeError("failed late")

    got = stream(wv_host, webview, "odd")
    assert got == ["after the bad one", ["error", "RuntimeError", "failed late"]]
    assert len(errors) == 1


@pytest.mark.parametrize("wv_host", ["standalone", "qt", "maya"], indirect=True)
def test_dcc_mode_and_async_handlers_stream_too(wv_host):
    import asyncio

    webview = wv_host.open_ready(html=PAGE, dcc_mode=True)
    threads = []

    @webview.on("on_main")
    def on_main(data, channel: Channel):
        threads.append(threading.get_ident())
        channel.send("main")
        return "ok"

    class Api:
        async def steps(self, n, channel: Channel):
            for i in range(n):
                channel.send(i)
                await asyncio.sleep(0)
            return "async ok"

    webview.bind_api(Api())
    assert stream(wv_host, webview, "on_main") == ["main", ["result", "ok"]]
    assert threads == [MAIN_IDENT]
    got = wv_host.run_js(
        webview,
        "(async () => { const seen = [];"
        " const options = auroraview.options({onMessage: m => seen.push(m)});"
        " const r = await auroraview.api.steps(5, options);"
        " return [seen, r]; })()",
    )
    assert got == [[0, 1, 2, 3, 4], "async ok"]
