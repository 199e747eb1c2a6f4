"""Close and reload with work pending, evaluation callbacks that end exactly once, the main
thread waiting on the page while the page waits on the main thread, several WebViews in one
process, and ``show()`` serving a standalone script."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from auroraview.errors import (
    EvalTimeoutError,
    JavaScriptError,
    PageChangedError,
    QueueFullError,
    WebViewClosedError,
    WrongThreadError,
)
from auroraview.utils import dcc_thread_safe, run_on_main_thread_sync
from wvsupport import (
    COMPLETION_COMM,
    MAIN_IDENT,
    PageServer,
    Where,
    handler_threads,
    join_all,
    python_threads,
    start_threads,
    thread_comm,
)

pytestmark = pytest.mark.timeout(60)

NEVER = "new Promise(function () {})"  # a script whose value never arrives
PAGE = "<!doctype html><html><body><p>lifecycle</p></body></html>"


def wait_threads_back(baseline: set[int], expected: int = 0, timeout: float = 2.0) -> set[int]:
    """Handler threads alive that were not in ``baseline``, polled until at most
    ``expected`` are left (or ``timeout``)."""
    deadline = time.monotonic() + timeout
    while len(handler_threads() - baseline) > expected and time.monotonic() < deadline:
        time.sleep(0.005)
    return handler_threads() - baseline


@pytest.mark.parametrize("close_from", ["main", "worker", "handler", "completion"])
def test_close_from_any_thread_ends_everything_pending(wv_host, close_from):
    handlers_before = handler_threads()
    python_before = python_threads()
    victim = wv_host.open_ready(html=PAGE)
    controller = wv_host.open_ready(html=PAGE) if close_from == "handler" else None
    proxy = victim.get_proxy()
    ended: dict[str, tuple[Any, float]] = {}  # what -> (outcome, perf_counter at its end)
    lock = threading.Lock()

    def end(what: str, outcome: Any) -> None:
        with lock:
            assert what not in ended, f"{what} ended twice"
            ended[what] = (outcome, time.perf_counter())

    # 1. A page call whose handler (on the handler thread) waits for the page.
    handler_waiting = threading.Event()

    @victim.on("wait_in_page")
    def wait_in_page(data):
        handler_waiting.set()
        try:
            victim.eval_js_sync(NEVER, timeout_ms=30_000)
            end("js call's handler wait", "returned")
        except BaseException as exc:
            end("js call's handler wait", exc)
            raise

    victim.eval_js("window.pending = auroraview.call('wait_in_page')")
    # 2. A proxy callback and its future.
    future = proxy.eval_js_async(NEVER, lambda v, e: end("proxy callback", e), timeout_ms=30_000)
    future.add_done_callback(lambda f: end("future", f.exception()))

    # 3. A sync wait on another thread.
    def sync_waiter(_: int) -> None:
        try:
            proxy.eval_js_sync(NEVER, timeout_ms=30_000)
            end("sync wait", "returned")
        except BaseException as exc:
            end("sync wait", exc)

    waiters = start_threads(sync_waiter, 1)
    assert wv_host.serve_until(handler_waiting.is_set, 10)
    wv_host.serve_for(0.05)  # let the waits settle in
    assert ended == {}

    # Close, from the thread under test.
    closed_at: list[float] = []

    def close_here(*_: Any) -> None:
        closed_at.append(time.perf_counter())
        victim.close()

    if close_from == "main":
        close_here()
    elif close_from == "worker":
        join_all(start_threads(close_here, 1))
    elif close_from == "handler":
        where = Where()
        controller.on("close_victim")(lambda data: where("close_victim") or close_here())
        wv_host.run_js(controller, "auroraview.call('close_victim')")
        where.handler_thread()
    else:  # the completion thread, from an evaluation's callback
        comm: list = []
        victim.eval_js_async("1", lambda v, e: comm.append(thread_comm()) or close_here())
        assert wv_host.serve_until(lambda: closed_at, 5)
        assert comm == [COMPLETION_COMM]
    assert wv_host.serve_until(lambda: len(ended) == 4, 5), ended
    latency = max(t for _, t in ended.values()) - closed_at[0]
    print(f"\nclose() from {close_from}: everything pending ended within {latency * 1000:.1f} ms")
    for what, (outcome, _) in ended.items():
        assert isinstance(outcome, WebViewClosedError), (what, outcome)
    assert latency < 1.0
    assert wv_host.serve_until(lambda: victim.wait_closed(0), 5)
    assert victim.closed
    join_all(waiters)

    # No thread leaked: the victim's handler thread ended (the controller's is still there).
    expected = 1 if controller is not None else 0
    leaked = wait_threads_back(handlers_before, expected)
    assert len(leaked) == expected, leaked
    assert python_threads() == python_before

    # A closed WebView refuses work, and closing again is harmless.
    for attempt in (
        lambda: victim.emit("x", 1),
        lambda: victim.eval_js("1"),
        lambda: victim.eval_js_sync("1"),
        lambda: victim.load_url("about:blank"),
        lambda: victim.reload(),
        lambda: proxy.emit("x"),
    ):
        with pytest.raises(WebViewClosedError):
            attempt()
    late: list = []
    victim.eval_js_async("1", lambda v, e: late.append(e))
    assert wv_host.serve_until(lambda: late, 5)
    assert len(late) == 1 and isinstance(late[0], WebViewClosedError)
    victim.close()
    proxy.close()

    # A new WebView opens and works.
    fresh = wv_host.open_ready(html=PAGE)
    fresh.on("ping")(lambda data: ["pong", data])
    assert wv_host.run_js(fresh, "auroraview.call('ping', 7)") == ["pong", 7]


@pytest.mark.parametrize("wv_host", ["standalone", "maya"], indirect=True)
def test_close_while_a_dcc_call_waits_for_the_main_thread(wv_host):
    """A ``dcc_mode`` call the page made before the close is still carried out once the
    main thread is served (its result has no page left and is dropped); nothing escapes
    into the host loop and the handler thread ends."""
    if wv_host.mode != "own":
        pytest.skip("needs the page served while the main thread is not")
    handlers_before = handler_threads()
    webview = wv_host.open_ready(html=PAGE, dcc_mode=True)
    where = Where()
    webview.on("edit")(lambda data: where(f"edit:{data}") or data)
    arrived = threading.Event()
    webview.eval_js_async("auroraview.call('edit', 1); true", lambda v, e: arrived.set())
    assert arrived.wait(5)  # the main thread is not serving: the call is queued for it
    time.sleep(0.05)
    assert where.seen == []
    t0 = time.perf_counter()
    webview.close()
    assert webview.wait_closed(5)
    closed_in = time.perf_counter() - t0
    assert closed_in < 1.0, closed_in
    wv_host.serve_for(0.2)
    assert where.labels() == ["edit:1"] and where.all_on_main()
    assert wait_threads_back(handlers_before) == set()


@pytest.mark.parametrize(
    ("wv_host", "route"),
    [("standalone", "handler_thread"), ("standalone", "dcc_mode"), ("qt", "dcc_mode")],
    indirect=["wv_host"],
)
def test_reload_with_calls_pending(wv_host, route):
    """The page reloads while its call 1 is in a handler and an evaluation waits on it.
    The evaluation ends with PageChangedError, once. The new page's own call 1 gets its own
    result; the old page's result, which comes first, is dropped. Handler-thread route: the
    handler blocks until released after the reload. ``dcc_mode``: the handler, on the main
    thread, reloads the page itself before it returns."""
    server = PageServer()
    server.pages["/panel.html"] = (
        "<!doctype html><html><body><script>"
        "window.gen = Number(sessionStorage.getItem('gen') || 0) + 1;"
        "sessionStorage.setItem('gen', String(gen));"
        "</script></body></html>"
    )
    release = threading.Event()
    try:
        dcc_mode = route == "dcc_mode"
        webview = wv_host.open_ready(url=server.url("/panel.html"), dcc_mode=dcc_mode)
        where = Where()
        started: list = []

        @webview.on("slow")
        def slow(tag):
            where(f"slow:{tag}")
            started.append(tag)
            if tag == "old":
                if dcc_mode:
                    webview.reload()
                else:
                    release.wait(10)
            return f"result for {tag}"

        assert wv_host.run_js(webview, "gen") == 1
        evals: list = []
        webview.eval_js_async(NEVER, lambda v, e: evals.append(e), timeout_ms=30_000)
        wv_host.run_js(
            webview,
            "window.first = auroraview.call('slow', 'old').then(v => (window.got = v)); true",
        )
        assert wv_host.serve_until(lambda: started, 5)
        if not dcc_mode:
            join_all(start_threads(lambda _: webview.get_proxy().reload(), 1))
        wv_host.wait_js(webview, "typeof gen === 'number' ? gen : 0", 2)
        assert wv_host.serve_until(lambda: evals, 5)
        assert len(evals) == 1 and isinstance(evals[0], PageChangedError)
        wv_host.run_js(
            webview,
            "window.second = auroraview.call('slow', 'new').then(v => (window.got = v)); true",
        )
        release.set()
        wv_host.wait_js(webview, "window.got || null", "result for new")
        wv_host.serve_for(0.1)
        assert wv_host.run_js(webview, "[gen, window.got]") == [2, "result for new"]
        assert started == ["old", "new"]  # each ran once
        assert len(evals) == 1
        if dcc_mode:
            assert where.all_on_main()
        else:
            where.handler_thread()
    finally:
        release.set()
        server.close()


def test_eval_js_async_calls_back_exactly_once(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    calls: dict[str, list] = {}
    futures: dict[str, Any] = {}

    def track(name: str, script: str, timeout_ms: float = 5000.0) -> None:
        calls[name] = []
        futures[name] = webview.eval_js_async(
            script,
            lambda v, e: calls[name].append((v, e, thread_comm(), time.monotonic())),
            timeout_ms=timeout_ms,
        )

    t0 = time.monotonic()
    track("result", "new Promise(r => setTimeout(() => r({answer: 42}), 20))")
    track("js error", "Promise.reject(new SyntaxError('nope'))")
    track("timeout", NEVER, timeout_ms=150)
    track("page changed", NEVER, timeout_ms=30_000)
    assert wv_host.serve_until(lambda: all(calls[n] for n in ("result", "js error", "timeout")), 5)
    webview.load_html(PAGE)  # the page "page changed" waits on goes away
    assert wv_host.serve_until(lambda: calls["page changed"], 5)
    wv_host.wait_ready(webview)
    track("closed", NEVER, timeout_ms=30_000)
    wv_host.serve_for(0.05)
    webview.close()
    assert wv_host.serve_until(lambda: calls["closed"], 5)
    wv_host.serve_for(0.3)  # anything late would show up now

    assert {name: len(c) for name, c in calls.items()} == dict.fromkeys(calls, 1)
    assert all(c[0][2] == COMPLETION_COMM for c in calls.values())
    value, error = calls["result"][0][:2]
    assert value == {"answer": 42} and error is None
    assert futures["result"].result(0) == {"answer": 42}
    error = calls["js error"][0][1]
    assert isinstance(error, JavaScriptError) and error.js_name == "SyntaxError"
    timed_out_after = calls["timeout"][0][3] - t0
    assert isinstance(calls["timeout"][0][1], EvalTimeoutError)
    assert 0.15 <= timed_out_after < 1.0, timed_out_after
    assert isinstance(calls["page changed"][0][1], PageChangedError)
    assert isinstance(calls["closed"][0][1], WebViewClosedError)
    for name in ("js error", "timeout", "page changed", "closed"):
        assert calls[name][0][0] is None
        assert futures[name].exception(0) is calls[name][0][1]


@pytest.mark.parametrize("style", ["dcc_mode", "dcc_thread_safe", "run_on_main_thread_sync"])
@pytest.mark.parametrize("wv_host", ["standalone", "qt", "maya"], indirect=True)
def test_main_thread_waits_on_page_while_page_waits_on_main_thread(wv_host, style):
    """The main thread blocks in ``eval_js_sync`` on a script that awaits a page call whose
    handler needs the main thread. The wait is bounded: it ends (own mode: EvalTimeoutError
    after its timeout; hosted mode: WrongThreadError at once, the main thread being the UI
    thread), the handler then runs once on the main thread, and the page gets its value."""
    webview = wv_host.open_ready(html=PAGE, dcc_mode=style == "dcc_mode")
    where = Where()

    def on_main(data):
        where("on_main")
        return data * 2

    if style == "dcc_mode":
        webview.on("double")(on_main)
    elif style == "dcc_thread_safe":
        webview.on("double")(dcc_thread_safe(on_main))
    else:
        webview.on("double")(lambda data: run_on_main_thread_sync(on_main, data, timeout=20))

    t0 = time.monotonic()
    try:
        outcome: Any = webview.eval_js_sync(
            "auroraview.call('double', 21).then(v => (window.doubled = v))", timeout_ms=400
        )
    except (EvalTimeoutError, WrongThreadError) as exc:
        outcome = exc
    waited = time.monotonic() - t0
    print(
        f"\n{style} on {wv_host.loop}: eval_js_sync on the main thread ended after "
        f"{waited:.3f} s with {outcome!r}"
    )
    if wv_host.mode == "hosted":
        # At once: well before the 400 ms the wait was given.
        assert isinstance(outcome, WrongThreadError) and waited < 0.3, (outcome, waited)
        webview.eval_js("auroraview.call('double', 21).then(v => (window.doubled = v))")
    else:
        assert outcome == 42 or isinstance(outcome, EvalTimeoutError), outcome
        assert 0.35 < waited < 2.5 if isinstance(outcome, EvalTimeoutError) else waited < 2.5
    wv_host.wait_js(webview, "window.doubled || null", 42)
    wv_host.serve_for(0.05)
    assert where.labels() == ["on_main"] and where.all_on_main()
    # Afterwards the same call works normally.
    assert wv_host.run_js(webview, "auroraview.call('double', 5)") == 10


def test_several_webviews_in_one_process(wv_host):
    handlers_before = handler_threads()
    names = ["outliner", "shelf", "render"]
    views = {
        "outliner": wv_host.open(html=PAGE, title="outliner"),
        "shelf": wv_host.open(html=PAGE, title="shelf", dcc_mode=True),
    }
    # One is opened from a worker thread (the main thread serving meanwhile).
    opened: list = []
    workers = start_threads(lambda _: opened.append(wv_host.open(html=PAGE, title="render")), 1)
    assert wv_host.serve_until(lambda: opened, 15)
    join_all(workers)
    views["render"] = opened[0]
    wheres = {name: Where() for name in names}
    for name, view in views.items():
        view.on("who")(lambda data, name=name: wheres[name](name) or [name, data])
        view.eval_js(
            f"window.events = []; auroraview.on('note', d => events.push(d));window.me = {name!r};"
        )
    for view in views.values():
        wv_host.wait_ready(view)
    assert len(handler_threads() - handlers_before) == 3
    # Calls, events and evaluations go to their own WebView only, concurrently.
    futures = {
        name: view.eval_js_async(
            "Promise.all([1, 2, 3].map(i => auroraview.call('who', i)))", timeout_ms=10_000
        )
        for name, view in views.items()
    }
    for name, view in views.items():
        view.emit("note", f"for {name}")
    assert wv_host.serve_until(lambda: all(f.done() for f in futures.values()), 10)
    for name in names:
        assert futures[name].result(0) == [[name, 1], [name, 2], [name, 3]]
        assert wv_host.run_js(views[name], "[me, events]") == [name, [f"for {name}"]]
    assert wheres["shelf"].all_on_main()
    natives = {name: wheres[name].handler_thread() for name in ("outliner", "render")}
    assert natives["outliner"] != natives["render"]
    # Closing one leaves the others working; a new one opens beside them.
    views["shelf"].close()
    assert wv_host.serve_until(lambda: views["shelf"].wait_closed(0), 5)
    assert wait_threads_back(handlers_before | set(natives.values())) == set()
    for name in ("outliner", "render"):
        assert wv_host.run_js(views[name], "auroraview.call('who', 'still')") == [name, "still"]
    extra = wv_host.open_ready(html=PAGE)
    extra.on("who")(lambda data: ["extra", data])
    assert wv_host.run_js(extra, "auroraview.call('who', 0)") == ["extra", 0]
    assert len(handler_threads() - handlers_before) == 3


def test_show_serves_a_standalone_script_until_closed(wv_host):
    """``show()`` in a standalone script blocks the main thread serving ``dcc_mode``
    handlers, and returns when the window is closed from another thread."""
    if wv_host.mode != "own" or wv_host.loop != "standalone":
        pytest.skip("show() blocks only in a standalone script with its own UI thread")
    webview = wv_host.open(html=PAGE, dcc_mode=True)
    where = Where()
    webview.on("work")(lambda data: where("work") or data + 1)
    results: list = []

    def driver(_: int) -> None:
        try:
            webview.eval_js_sync("auroraview.whenReady().then(() => true)")
            results.append(webview.eval_js_sync("auroraview.call('work', 41)"))
        finally:
            webview.close()

    workers = start_threads(driver, 1)
    t0 = time.monotonic()
    webview.show()  # blocks here, serving, until the driver closes the window
    assert time.monotonic() - t0 < 20
    join_all(workers)
    assert results == [42]
    assert where.labels() == ["work"] and where.all_on_main()
    assert webview.closed
    assert threading.get_ident() == MAIN_IDENT


def test_a_script_queued_after_load_url_runs_in_the_new_page(wv_host):
    """Commands keep their order across a navigation: what is sent after ``load_url`` /
    ``load_html`` / ``reload`` is for the new page (it waits for it), never the old one."""
    server = PageServer()
    server.pages["/one.html"] = "<!doctype html><title>one</title>"
    server.pages["/two.html"] = (
        "<!doctype html><title>two</title><script>"
        "window.gen = Number(sessionStorage.getItem('gen') || 0) + 1;"
        "sessionStorage.setItem('gen', String(gen));</script>"
    )
    try:
        webview = wv_host.open_ready(url=server.url("/one.html"))
        for _ in range(3):
            webview.load_url(server.url("/one.html"))
            webview.load_url(server.url("/two.html"))
            assert wv_host.run_js(webview, "document.title") == "two"
        webview.reload()
        assert wv_host.run_js(webview, "[document.title, gen]") == ["two", 4]
        webview.load_html("<!doctype html><title>three</title>")
        webview.emit("late", 1)  # held for the new page too, not lost on the old one
        assert wv_host.run_js(webview, "document.title") == "three"
    finally:
        server.close()


def test_load_url_that_only_changes_the_fragment(wv_host):
    """Hash routing (``panel.html#/settings``) is a navigation within the same document:
    the page stays, and so does the bridge."""
    server = PageServer()
    server.pages["/panel.html"] = "<!doctype html><title>panel</title>"
    try:
        webview = wv_host.open_ready(url=server.url("/panel.html"))
        webview.load_url(server.url("/panel.html#/settings"))
        assert wv_host.run_js(webview, "location.hash", timeout=2) == "#/settings"
    finally:
        server.close()


def test_scripts_exit_cleanly_with_webviews_closing_or_open(wv_host, tmp_path):
    """A script that closes its WebView and ends at once, one that ends with it open, and one
    that ends while a handler runs, all exit with status 0 and no Rust panic. (Run at once:
    the races are timing-dependent.)"""
    common = (
        "import os, threading, time\n"
        "os.environ['AURORAVIEW_DISPATCHER'] = 'standalone'\n"
        "from auroraview import WebView\n"
        "webview = WebView(html='<p>bye</p>', mode='own')\n"
        "started = threading.Event()\n"
        "webview.on('busy')(lambda data: started.set() or time.sleep(0.5))\n"
        "webview.eval_js_sync('auroraview.whenReady().then(() => true)')\n"
    )
    endings = {
        "close_then_exit": "webview.close()\n",
        "exit_open": "webview.eval_js('window.x = 1')\n",
        "exit_in_handler": "webview.eval_js(\"auroraview.call('busy')\")\nstarted.wait(5)\n",
    }
    procs = {}
    for name, ending in endings.items():
        script = tmp_path / f"{name}.py"
        script.write_text(common + ending + "print('END', flush=True)\n")
        procs[name] = subprocess.Popen(
            [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, (name, err.decode()[-600:])
        assert out.decode().strip() == "END", name
        assert b"panicked" not in err, (name, err.decode()[-600:])


@pytest.mark.parametrize("wv_host", ["standalone", "maya"], indirect=True)
def test_close_in_the_middle_of_a_flood(wv_host):
    """The page floods calls and events while 4 threads flood emits; a worker closes the
    WebView mid-flight. Emitters slow down on QueueFullError (the page or the UI thread is
    behind), then get WebViewClosedError (and nothing else), every
    handler ran on its thread, the handler thread ends, and nothing escapes into the host."""
    handlers_before = handler_threads()
    webview = wv_host.open_ready(html=PAGE, dcc_mode=wv_host.loop == "maya")
    where = Where()
    webview.on("work")(lambda data: where("work") or data)
    webview.eval_js(
        "window.flood = setInterval(() => { for (let i = 0; i < 200; i++) {"
        " auroraview.call('work', i).catch(() => {}); auroraview.emit('work', -i); } }, 1)"
    )
    errors: dict[int, list] = {}
    sent = [0] * 4

    def emitter(t: int) -> None:
        errors[t] = []
        while True:
            try:
                webview.emit("tick", {"t": t, "n": sent[t]})
                sent[t] += 1
            except QueueFullError:
                time.sleep(0.001)  # the page (or the UI thread) is behind: slow down
            except WebViewClosedError as exc:
                errors[t].append(exc)
                return
            except BaseException as exc:
                errors[t].append(exc)
                return

    emitters = start_threads(emitter, 4)
    assert wv_host.serve_until(lambda: len(where.seen) > 500, 10), (
        f"{len(where.seen)} handler runs, {sum(sent)} emits sent in 10 s"
    )
    join_all(start_threads(lambda _: webview.close(), 1))
    assert wv_host.serve_until(lambda: webview.wait_closed(0), 10)
    join_all(emitters)
    assert all(len(e) == 1 and isinstance(e[0], WebViewClosedError) for e in errors.values())
    assert min(sent) > 0
    assert wait_threads_back(handlers_before) == set()
    ran = len(where.seen)
    wv_host.serve_for(0.2)
    if wv_host.loop == "maya":
        assert where.all_on_main()
    else:
        where.handler_thread()
    print(f"\nflood: {ran} handler runs before the close settled, {sum(sent)} emits sent")
