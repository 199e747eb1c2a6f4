"""Channel benchmark: small messages streamed by one handler to the page through one
``Channel``, beside ``emit`` from one thread, in one run (real WebKitGTK under Xvfb, own UI
thread).

- channel: a handler sends N messages (``channel.send(i)``) and returns; the page counts
  them in the call's ``onMessage`` and, once the call's result arrives, emits "done". The
  rate is N over the time from the first send to Python hearing "done": every message has
  reached the page's listener by then.
- emit (one thread): ``webview.emit("ev", i)`` N times from one thread; the page counts and
  emits "done" at N.
- send side only: how fast the handler's loop of ``channel.send`` itself runs.

Run: ``bash scripts/with-display.sh .venv/bin/python benches/bench_channel.py``
(``BENCH_REPEATS``, ``BENCH_MESSAGES`` override 3 and 200,000). Target: >= 100,000
messages/s through one channel.
"""

from __future__ import annotations

import os
import statistics
import threading
import time

os.environ.setdefault("AURORAVIEW_DISPATCHER", "standalone")

from auroraview import Channel, WebView

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "200000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))

PAGE = """<!doctype html><body><script>
window.runChannel = (n) => {
  let count = 0;
  auroraview.call('stream', n, {onMessage: () => { count++; }})
    .then(() => auroraview.emit('done', count));
  return true;
};
window.events = 0;
window.target = -1;
auroraview.on('ev', () => {
  if (++window.events === window.target) auroraview.emit('done', window.events);
});
</script></body>"""


def main() -> None:
    webview = WebView(html=PAGE)
    done = threading.Event()
    heard: list = []
    sends: list[float] = []
    started: list[float] = []

    @webview.on("stream")
    def stream(n, channel: Channel):
        t0 = time.perf_counter()
        started.append(t0)
        for i in range(n):
            channel.send(i)
        sends.append(n / (time.perf_counter() - t0))
        return n

    @webview.on("done")
    def finished(count):
        heard.append((time.perf_counter(), count))
        done.set()

    webview.eval_js_sync("auroraview.whenReady().then(() => 1)", timeout_ms=30_000)
    channel_rates, emit_rates = [], []
    for _ in range(REPEATS):
        done.clear()
        webview.eval_js_sync(f"window.runChannel({MESSAGES})", timeout_ms=30_000)
        assert done.wait(120), "the channel run did not finish"
        t1, count = heard[-1]
        assert count == MESSAGES, count
        channel_rates.append(MESSAGES / (t1 - started[-1]))

        done.clear()
        webview.eval_js_sync(f"window.events = 0; window.target = {MESSAGES}; 1")
        t0 = time.perf_counter()
        for i in range(MESSAGES):
            webview.emit("ev", i)
        assert done.wait(120), "the emit run did not finish"
        t1, count = heard[-1]
        assert count == MESSAGES, count
        emit_rates.append(MESSAGES / (t1 - t0))
    webview.close()

    def med(values: list[float]) -> float:
        return statistics.median(values)

    print(f"{MESSAGES:,} small messages, {REPEATS} repeats, medians (range)")
    print(
        f"  channel, one handler -> onMessage : {med(channel_rates):>10,.0f} msg/s"
        f"  ({min(channel_rates):,.0f}-{max(channel_rates):,.0f})"
    )
    print(f"  channel.send loop alone           : {med(sends):>10,.0f} msg/s")
    print(
        f"  emit, one thread -> on()          : {med(emit_rates):>10,.0f} msg/s"
        f"  ({min(emit_rates):,.0f}-{max(emit_rates):,.0f})"
    )
    ok = med(channel_rates) >= 100_000
    print(f"target: channel >= 100,000 msg/s: {'PASS' if ok else 'MISS'}")


if __name__ == "__main__":
    main()
