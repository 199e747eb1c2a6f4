"""Volume across the thread boundaries: emits from many threads, many concurrent page calls,
many concurrent evaluations. Counted and checked in the page and in Python."""

from __future__ import annotations

import os
import threading
import time

import pytest
from wvsupport import MAIN_IDENT, Where, join_all, start_threads

pytestmark = pytest.mark.timeout(90)

COUNTER_PAGE = """<!doctype html><html><body><script>
window.seen = {}; window.count = 0; window.bad = [];
auroraview.on("tick", function (d) {
  var last = seen[d.t];
  var want = last === undefined ? 0 : last + 1;
  if (d.i !== want) bad.push([d.t, d.i, want]);
  seen[d.t] = d.i;
  count++;
});
</script></body></html>"""


def test_8_threads_x_1000_emits_arrive_in_per_thread_order(wv_host):
    threads, per_thread = 8, 1000
    webview = wv_host.open_ready(html=COUNTER_PAGE)
    proxy = webview.get_proxy()
    start = threading.Barrier(threads)
    errors: list = []

    def worker(t: int) -> None:
        try:
            start.wait(5)
            for i in range(per_thread):
                (proxy if t % 2 else webview).emit("tick", {"t": t, "i": i})
        except BaseException as exc:
            errors.append(exc)

    t0 = time.monotonic()
    join_all(start_threads(worker, threads))
    sent = time.monotonic() - t0
    total = threads * per_thread
    count = 0
    deadline = time.monotonic() + 30
    while count < total and time.monotonic() < deadline:
        count = wv_host.run_js(webview, "count")
    arrived = time.monotonic() - t0
    print(f"\n{total} emits from {threads} threads: sent {sent:.3f} s, in page {arrived:.3f} s")
    assert errors == []
    assert count == total
    assert wv_host.run_js(webview, "bad") == []
    assert wv_host.run_js(webview, "seen") == {str(t): per_thread - 1 for t in range(threads)}
    wv_host.serve_for(0.1)
    assert wv_host.run_js(webview, "count") == total  # nothing arrived twice


CALLS_SCRIPT = """Promise.allSettled(Array.from({length: 1000}, function (_, i) {
  return auroraview.call('square', {i: i});
})).then(function (all) {
  return all.map(function (r) {
    return r.status === 'fulfilled' ? r.value : [r.reason.name, r.reason.message];
  });
})"""


def test_the_pages_own_timers_keep_running_while_python_floods_emits(wv_host):
    """4 threads emit as fast as they can for 2 s; the page's 20 ms timer must keep firing
    meanwhile (each tick calls Python). The runtime's scripts are read in the web process at
    WebKit's own priority; read at GLib's default, a flood that kept the socket readable
    starved the page's timers (and its IPC and rendering): no tick arrived until it ended."""
    from auroraview.errors import QueueFullError

    webview = wv_host.open_ready(html=COUNTER_PAGE)
    webview.show(block=False)  # a hidden page's timers are throttled to about 1 a second
    ticks: list = []
    webview.on("timer")(ticks.append)
    webview.eval_js(
        "let n = 0; setInterval(() => auroraview.call('timer', n++).catch(() => {}), 20)"
    )
    assert wv_host.serve_until(lambda: len(ticks) >= 3, 10), "the page's timer never ran"
    stop = threading.Event()
    sent = [0] * 4
    errors: list = []

    def emitter(t: int) -> None:
        while not stop.is_set():
            try:
                webview.emit("tick", {"t": 100 + t, "i": sent[t]})
                sent[t] += 1
            except QueueFullError:
                time.sleep(0.001)
            except BaseException as exc:
                errors.append(exc)
                return

    emitters = start_threads(emitter, 4)
    wv_host.serve_for(0.3)  # the flood fills the socket
    before = len(ticks)
    wv_host.serve_for(2.0)
    during = len(ticks) - before
    stop.set()
    join_all(emitters)
    assert errors == []
    assert min(sent) > 0
    # 100 ticks are due in 2 s; a starved page delivered none. Here: 43-50 by the socket, own
    # and hosted; 5-20 the engine's way (AURORAVIEW_TRANSPORT=engine), whose deliveries cost
    # the page more; a hidden page, whose timers WebKit slows to 1 a second, 2.
    least = 3 if os.environ.get("AURORAVIEW_TRANSPORT") == "engine" else 15
    assert during >= least, f"{during} timer ticks in 2 s of a flood of {sum(sent)} emits"


def test_emit_says_the_page_is_behind_and_nothing_is_lost(wv_host):
    """A page that runs nothing for 3 s while Python emits 64 KiB events: once the page's web
    process has 16 MiB unread, ``emit`` raises QueueFullError saying the page is behind (it
    does not queue without bound); once the page catches up, ``emit`` works again, and the
    page has every event that was accepted, no more and no fewer."""
    from auroraview.errors import QueueFullError

    if os.environ.get("AURORAVIEW_TRANSPORT") == "engine":
        pytest.skip("counted on the bridge's socket only")
    webview = wv_host.open_ready(
        html="<script>window.got = 0; auroraview.on('big', () => { got++; });</script>"
    )
    from auroraview import _core

    def by_socket() -> bool:  # the view's scripts take the socket (its fence came back)
        before = _core.runtime_stats()["socket_scripts"]
        wv_host.run_js(webview, "1")
        return _core.runtime_stats()["socket_scripts"] > before

    assert wv_host.serve_until(by_socket, 10), "the page's scripts never took the socket"
    webview.eval_js("const until = Date.now() + 3000; while (Date.now() < until) {}")
    wv_host.serve_for(0.2)  # the page is in its loop
    payload = "x" * (64 << 10)
    accepted = 0
    refused: list = []

    def flood(_: int) -> None:
        nonlocal accepted
        while accepted < 4000:  # 250 MiB: far past the bound
            try:
                webview.emit("big", payload)
            except BaseException as exc:  # QueueFullError expected; anything else fails below
                refused.append(exc)
                return
            accepted += 1

    flooder = start_threads(flood, 1)
    # The host's loop runs meanwhile (in hosted mode it is the UI thread that writes).
    assert wv_host.serve_until(lambda: not flooder[0].is_alive(), 60)
    assert refused, f"{accepted} events of 64 KiB accepted while the page ran nothing"
    assert isinstance(refused[0], QueueFullError), repr(refused[0])
    assert "behind" in str(refused[0]), refused[0]
    # The bound (16 MiB) plus what was on its way: the queue and the socket's buffers.
    assert 200 <= accepted <= 1200, accepted

    def emit_again() -> bool:
        nonlocal accepted
        try:
            webview.emit("big", payload)
        except QueueFullError:
            return False
        accepted += 1
        return True

    assert wv_host.serve_until(emit_again, 30), "emit still refused after the page caught up"

    def page_got() -> int:
        # Asynchronously: in hosted mode this thread is the UI thread.
        future = webview.eval_js_async("window.got", timeout_ms=10_000)
        assert wv_host.serve_until(future.done, 15)
        return future.result()

    deadline = time.monotonic() + 30
    while page_got() < accepted and time.monotonic() < deadline:
        wv_host.serve_for(0.1)
    assert page_got() == accepted


@pytest.mark.parametrize(
    ("wv_host", "route"),
    [
        ("standalone", "handler_thread"),
        ("standalone", "dcc_mode"),
        ("qt", "dcc_mode"),
        ("maya", "dcc_mode"),
    ],
    indirect=["wv_host"],
)
def test_1000_concurrent_js_calls_resolve_with_their_values(wv_host, route):
    webview = wv_host.open_ready(html="<p>calls</p>", dcc_mode=route == "dcc_mode")
    where = Where()
    order: list[int] = []

    @webview.on("square")
    def square(data):
        where("square")
        i = data["i"]
        order.append(i)
        if i % 100 == 7:
            raise ArithmeticError(f"no square for {i}")
        return {"i": i, "sq": i * i}

    t0 = time.monotonic()
    results = wv_host.run_js(webview, CALLS_SCRIPT, timeout=30)
    elapsed = time.monotonic() - t0
    print(f"\n1000 concurrent page calls ({route}, {wv_host.loop}): {elapsed:.3f} s")
    expected = [
        ["ArithmeticError", f"no square for {i}"] if i % 100 == 7 else {"i": i, "sq": i * i}
        for i in range(1000)
    ]
    assert results == expected
    assert order == list(range(1000))  # each ran once, in the order the page called
    if route == "dcc_mode":
        assert where.all_on_main()
    else:
        where.handler_thread()


def test_concurrent_evaluations_from_8_threads(wv_host):
    webview = wv_host.open_ready(html="<p>evals</p>")
    proxy = webview.get_proxy()
    threads, per_thread = 8, 150
    got: dict[int, list] = {t: [] for t in range(threads)}
    errors: list = []

    def worker(t: int) -> None:
        try:
            target = proxy if t % 2 else webview
            for i in range(per_thread):
                got[t].append(target.eval_js_sync(f"[{t}, {i}, {t} * 1000 + {i}]"))
        except BaseException as exc:
            errors.append(exc)

    t0 = time.monotonic()
    workers = start_threads(worker, threads)
    assert wv_host.serve_until(lambda: not any(w.is_alive() for w in workers), 30)
    join_all(workers)
    print(
        f"\n{threads * per_thread} evaluations from {threads} threads: "
        f"{time.monotonic() - t0:.3f} s"
    )
    assert errors == []
    for t in range(threads):
        assert got[t] == [[t, i, t * 1000 + i] for i in range(per_thread)]
    assert threading.get_ident() == MAIN_IDENT


BURST_SCRIPT = """Promise.all(Array.from({length: 3000}, function (_, i) {
  var pad = i === 1500 ? 'y'.repeat(100000) : 'x'.repeat(40);
  return auroraview.call('echo', {i: i, pad: pad});
})).then(function (all) {
  return all.map(function (r) { return [r.i, r.n]; });
})"""


@pytest.mark.parametrize(
    ("wv_host", "route"),
    [("standalone", "handler_thread"), ("qt", "dcc_mode")],
    indirect=["wv_host"],
)
def test_a_burst_travels_in_bounded_posts_in_order(wv_host, route):
    """3,000 calls from one JavaScript task (about 300 KB, one of them 100 KB) reach the host
    in posts of about 32 KiB, so no single arrival holds the (host's) UI thread for long:
    neither one post for the whole burst nor one per message, and every call answered in
    the order the page made them."""
    from auroraview import _core

    webview = wv_host.open_ready(html="<p>burst</p>", dcc_mode=route == "dcc_mode")
    order: list[int] = []

    @webview.on("echo")
    def echo(data):
        order.append(data["i"])
        return {"i": data["i"], "n": len(data["pad"])}

    before = _core.runtime_stats()
    results = wv_host.run_js(webview, BURST_SCRIPT, timeout=60)
    after = _core.runtime_stats()
    assert results == [[i, 100000 if i == 1500 else 40] for i in range(3000)]
    assert order == list(range(3000))
    posts = after["page_posts"] - before["page_posts"]
    messages = after["page_messages"] - before["page_messages"]
    # 3,000 calls and the evaluation's result; ~390 KB in posts of ~32 KiB is about 12.
    assert messages >= 3001, messages
    assert 8 <= posts <= 40, posts
    # Posts arriving back to back past the UI thread's budget wait, unparsed, for its passes
    # (how many depends on this machine's speed); order and answers are the same either way.
    waited = after["page_posts_waited"] - before["page_posts_waited"]
    print(f"{posts} posts, {waited} waited for a pass")
    assert 0 <= waited <= posts


PILE_UP_SCRIPT = """window.pileUp = new Promise(function (resolve) {
  setTimeout(function () {
    resolve(Promise.all(Array.from({length: 4000}, function (_, i) {
      return auroraview.call('echo', {i: i, pad: 'z'.repeat(PAD)});
    })));
  }, 100);
}); 1"""


@pytest.mark.parametrize("pad", [300, 2400])
@pytest.mark.parametrize("wv_host", ["qt"], indirect=True)
def test_posts_that_pile_up_behind_a_busy_ui_thread_wait_for_its_passes_in_order(wv_host, pad):
    """The page posts 4,000 calls (~1.3 MB in ~46 posts, or ~10 MB in ~300: more than the 256
    posts that may wait) while the UI thread is busy; WebKit then hands it the posts that
    came meanwhile together. Past the thread's budget for a burst of arrivals, posts wait
    unparsed for its passes, and past 256 waiting it catches up at once: every call is
    still answered, in the order made. (In hosted mode the UI thread is the host's main
    thread, which this test keeps busy while the page posts; there, with the smaller flood,
    some posts waited in 4 runs of 5 here. How WebKit spreads the posts over its dispatches
    is its own, so the count is reported, not asserted; the queue's order is proved in
    ui/page_posts.rs.)"""
    from auroraview import _core

    webview = wv_host.open_ready(html="<p>pile-up</p>", dcc_mode=True)
    order: list[int] = []

    @webview.on("echo")
    def echo(data):
        order.append(data["i"])
        return data["i"]

    before = _core.runtime_stats()
    assert wv_host.run_js(webview, PILE_UP_SCRIPT.replace("PAD", str(pad))) == 1
    time.sleep(1.0)  # the main thread busy (hosted: the UI thread too) while the page posts
    results = wv_host.run_js(webview, "window.pileUp", timeout=60)
    after = _core.runtime_stats()
    assert results == list(range(4000))
    assert order == list(range(4000))
    posts = after["page_posts"] - before["page_posts"]
    waited = after["page_posts_waited"] - before["page_posts_waited"]
    assert posts >= (30 if pad == 300 else 260), posts
    assert 0 <= waited <= posts
    print(f"{posts} posts, {waited} waited for a pass")


def test_a_burst_of_page_calls_runs_without_busy_threads_in_between(wv_host):
    """The handler thread keeps the GIL across a burst of page calls that waited together.
    Taken per call, each take waited up to a round of CPython's switch intervals while other
    Python threads were busy, and a burst was answered about one call per round."""
    webview = wv_host.open_ready(html="<p>burst</p>")
    laps = [0]
    stop = threading.Event()

    def busy(_: int) -> None:
        while not stop.is_set():
            laps[0] += 1

    seen: list[int] = []
    webview.on("lap")(lambda i: seen.append(laps[0]) or i)
    spinners = start_threads(busy, 3)
    try:
        while laps[0] < 1000:  # every busy thread is going
            time.sleep(0.001)
        t0 = time.monotonic()
        results = wv_host.run_js(
            webview,
            "Promise.all(Array.from({length: 300}, (_, i) => auroraview.call('lap', i)))",
            timeout=30,
        )
        elapsed = time.monotonic() - t0
    finally:
        stop.set()
        join_all(spinners)
    assert results == list(range(300))
    # Busy threads run between two calls only when CPython hands the GIL over (every 5 ms
    # of handler time) or between bursts: 1 time here, against 26-37 with a take per call.
    switches = len(set(seen)) - 1
    print(f"\n300 page calls past 3 busy threads: {elapsed:.3f} s, {switches} hand-overs")
    assert switches <= 12, f"busy threads ran between handler runs {switches} times in 300"
