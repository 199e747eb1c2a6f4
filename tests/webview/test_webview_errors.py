"""Errors both ways (Python handler -> page Promise; page script -> Python exception) and
the bad inputs: unknown handlers, results that are not JSON, malformed or forged IPC
messages, payloads over ``MAX_MESSAGE_BYTES`` in both directions. After each, the WebView
and the process go on."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
import threading
import time

import auroraview
import pytest
from auroraview.errors import JavaScriptError, PayloadError, WebViewError
from wvsupport import MAIN_IDENT, Where, captured_logs, join_all, start_threads

pytestmark = pytest.mark.timeout(60)

MAX = auroraview.MAX_MESSAGE_BYTES

#: Settle a page call and describe the outcome as JSON: ["ok", value] or [name, message].
SETTLE_JS = """
window.settle = function (p) {
  return p.then(function (v) { return ["ok", v]; },
                function (e) { return [e.name, e.message, e instanceof Error]; });
};
"""
PAGE = f"<!doctype html><html><body><script>{SETTLE_JS}</script></body></html>"


class SceneError(Exception):
    pass


ROUTES = [
    ("standalone", "handler_thread"),
    ("standalone", "dcc_mode"),
    ("qt", "dcc_mode"),
    ("maya", "dcc_mode"),
]


@pytest.mark.parametrize(("wv_host", "route"), ROUTES, indirect=["wv_host"])
def test_handler_exception_rejects_the_page_promise(wv_host, route, caplog):
    caplog.set_level(logging.INFO, "auroraview.webview")
    webview = wv_host.open_ready(html=PAGE, dcc_mode=route == "dcc_mode")
    where = Where()

    @webview.on("open_scene")
    def open_scene(data):
        where("open_scene")
        if data["path"].endswith(".bad"):
            raise SceneError(f"cannot open {data['path']}")
        return data["path"]

    got = wv_host.run_js(webview, "settle(auroraview.call('open_scene', {path: '/a.bad'}))")
    assert got == ["SceneError", "cannot open /a.bad", True]
    raised = [r for r in caplog.records if r.exc_info and r.exc_info[0] is SceneError]
    assert len(raised) == 1 and "open_scene" in raised[0].getMessage()
    # A page event whose handler raises: logged, nothing reaches the page, the next works.
    wv_host.run_js(webview, "auroraview.emit('open_scene', {path: '/b.bad'}); true")
    assert wv_host.serve_until(lambda: len(where.seen) == 2, 10)
    got = wv_host.run_js(webview, "settle(auroraview.call('open_scene', {path: '/c.ma'}))")
    assert got == ["ok", "/c.ma"]
    assert len(where.seen) == 3
    if route == "dcc_mode":
        assert where.all_on_main()
    else:
        where.handler_thread()
    assert len([r for r in caplog.records if r.exc_info and r.exc_info[0] is SceneError]) == 2


def test_page_exceptions_raise_in_python(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    cases = [
        ("throw new TypeError('bad type')", "TypeError", "bad type"),
        ("Promise.reject(new RangeError('out of range'))", "RangeError", "out of range"),
        (
            "class ShotError extends Error { constructor(m) { super(m); this.name = 'ShotError'; }"
            " }; throw new ShotError('no shot')",
            "ShotError",
            "no shot",
        ),
        ("throw 'a bare string'", "Error", "a bare string"),
        ("undefinedFunction()", "ReferenceError", None),
        ("this is not javascript", "SyntaxError", None),
        (
            "new Promise((_, reject) => setTimeout(() => reject(new Error('later')), 10))",
            "Error",
            "later",
        ),
    ]
    outcomes: list = []

    def worker(_: int) -> None:
        for script, _name, _message in cases:
            try:
                outcomes.append(("value", webview.eval_js_sync(script)))
            except JavaScriptError as exc:
                outcomes.append((exc.js_name, exc.js_message, threading.get_ident()))
            except BaseException as exc:
                outcomes.append(("wrong type", exc))

    workers = start_threads(worker, 1)
    assert wv_host.serve_until(lambda: len(outcomes) == len(cases), 20)
    join_all(workers)
    for (script, name, message), outcome in zip(cases, outcomes):
        assert outcome[0] == name, (script, outcome)
        if message is not None:
            assert outcome[1] == message, (script, outcome)
        assert outcome[2] != MAIN_IDENT
    # The same through the asynchronous form, on the main thread.
    with pytest.raises(JavaScriptError) as info:
        wv_host.run_js(webview, "null.x")
    assert info.value.js_name == "TypeError" and isinstance(info.value, WebViewError)
    # A fire-and-forget script that throws, and a page listener that throws on an emit from
    # Python: logged, and nothing else breaks (the next listener still hears the event).
    with captured_logs() as logs:
        webview.eval_js("throw new Error('fire and forget failed')")
        wv_host.run_js(
            webview,
            "window.heard = []; auroraview.on('boom', () => { throw new Error('listener "
            "exploded'); }); auroraview.on('boom', d => heard.push(d)); true",
        )
        webview.emit("boom", 1)
        assert wv_host.run_js(webview, "heard") == [1]

        def page_errors() -> list[str]:
            return [m for m in logs.messages() if "failed" in m or "exploded" in m]

        assert wv_host.serve_until(lambda: len(page_errors()) == 2, 5), logs.messages(0)
    assert wv_host.run_js(webview, "1 + 1") == 2


@pytest.mark.parametrize("wv_host", ["standalone", "maya"], indirect=True)
def test_unknown_handler_rejects_with_its_name(wv_host):
    webview = wv_host.open_ready(html=PAGE, dcc_mode=wv_host.loop == "maya")
    webview.on("known")(lambda data: "known")
    got = wv_host.run_js(webview, "settle(auroraview.call('no_such_handler', 1))")
    assert got[0] == "LookupError"
    assert "no handler named" in got[1] and "no_such_handler" in got[1]
    assert wv_host.run_js(webview, "settle(auroraview.call('known'))") == ["ok", "known"]
    webview.off("known")
    got = wv_host.run_js(webview, "settle(auroraview.call('known'))")
    assert got[0] == "LookupError" and "known" in got[1]
    # Bad names are refused in the page.
    got = wv_host.run_js(webview, "settle(auroraview.call(''))")
    assert got[0] == "TypeError"
    got = wv_host.run_js(webview, "try { auroraview.emit(42); 'no' } catch (e) { e.name }")
    assert got == "TypeError"


@pytest.mark.parametrize(("wv_host", "route"), ROUTES[:2], indirect=["wv_host"])
def test_result_that_is_not_json_rejects_with_its_type(wv_host, route):
    webview = wv_host.open_ready(html=PAGE, dcc_mode=route == "dcc_mode")
    where = Where()
    results = {
        "a_set": {1, 2},
        "an_object": object(),
        "nan": float("nan"),
        "bytes": b"raw",
    }

    @webview.on("give")
    def give(name):
        where("give")
        return results[name]

    for name, type_name in (
        ("a_set", "set"),
        ("an_object", "object"),
        ("nan", "float"),
        ("bytes", "bytes"),
    ):
        got = wv_host.run_js(webview, f"settle(auroraview.call('give', '{name}'))")
        assert got[0] == "TypeError", got
        assert type_name in got[1] and "give" in got[1], got
    assert len(where.seen) == 4
    assert where.all_on_main() if route == "dcc_mode" else where.handler_thread()


@pytest.mark.parametrize("wv_host", ["standalone", "qt"], indirect=True)
def test_malformed_and_forged_ipc_messages_are_ignored(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    where = Where()
    webview.on("h")(lambda data: where(f"h:{data}") or data)
    raw = "window.webkit.messageHandlers.auroraview.postMessage"
    forged = [
        f"{raw}('garbage')",
        f"{raw}('')",
        f"{raw}('{{}}')",
        f"{raw}('[1, 2]')",
        f'{raw}(\'{{"k": "x"\')',
        # well-formed posts, without the token / with a guessed one / the token misplaced
        f"{raw}(JSON.stringify({{u: 'about:blank', m: [{{t: 'call', id: 1, name: 'h'}}]}}))",
        f"{raw}(JSON.stringify({{k: '0000000000000000', u: 'about:blank', "
        "m: [{t: 'call', id: 2, name: 'h', data: 'guessed'}]}))",
        f"{raw}(JSON.stringify({{k: ['x'], m: [{{t: 'emit', name: 'h', data: 'no-token'}}]}}))",
        f"{raw}(JSON.stringify({{m: [{{t: 'eval', id: 1, ok: true, value: 1}}]}}))",
        # the old protocol (one message, token inside) and values that are not strings
        f"{raw}(JSON.stringify({{k: 'x', t: 'call', id: 3, name: 'h'}}))",
        f"{raw}({{t: 'call', id: 3, name: 'h'}})",
        f"{raw}(42)",
        f"{raw}(null)",
        f"{raw}('x'.repeat(1 << 20))",
        # wry's own handler is not ours: nothing listens there
        "window.ipc && window.ipc.postMessage('garbage')",
    ]
    with captured_logs() as logs:
        for script in forged:
            assert wv_host.run_js(webview, f"{script}; 'sent'") == "sent", script

        def ignored() -> list[str]:
            return [m for m in logs.messages(logging.WARNING) if "ignored" in m]

        # Each one to our handler is logged (Rust's log records reach Python logging on
        # their own thread).
        assert wv_host.serve_until(lambda: len(ignored()) >= len(forged) - 1, 5), logs.messages(0)
    # The page, the bridge and the process go on; no forged message reached a handler.
    assert wv_host.run_js(webview, "settle(auroraview.call('h', 'real'))") == ["ok", "real"]
    wv_host.serve_for(0.1)
    assert where.labels() == ["h:real"]
    where.handler_thread()
    # The bridge object itself cannot be replaced by page scripts.
    got = wv_host.run_js(
        webview,
        "(function () { try { window.auroraview = null; } catch (e) {} "
        "try { auroraview.call = null; } catch (e) {} return typeof auroraview.call; })()",
    )
    assert got == "function"


def test_ignored_messages_are_logged(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    with captured_logs() as logs:
        wv_host.run_js(
            webview, "window.webkit.messageHandlers.auroraview.postMessage('garbage'); true"
        )

        def ignored() -> list[str]:
            return [m for m in logs.messages(logging.WARNING) if "ignored" in m]

        assert wv_host.serve_until(ignored, 5), logs.messages(0)
        wv_host.serve_for(0.1)
    assert len(ignored()) == 1


def test_a_flood_of_bad_messages_is_logged_within_a_limit(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    webview.on("h")(lambda data: data)
    with captured_logs() as logs:
        sent = wv_host.run_js(
            webview,
            "for (let i = 0; i < 1000; i++) "
            "window.webkit.messageHandlers.auroraview.postMessage('garbage ' + i); 'sent'",
        )
        assert sent == "sent"
        # The page and the bridge go on (answered after every bad message was handled).
        assert wv_host.run_js(webview, "settle(auroraview.call('h', 'real'))") == ["ok", "real"]

        def ignored() -> list[str]:
            return [m for m in logs.messages(logging.WARNING) if "ignored a message" in m]

        # Rust's records reach Python logging on their own thread: wait for them, then make
        # sure no more follow.
        assert wv_host.serve_until(lambda: len(ignored()) >= 20, 5), logs.messages(0)
        wv_host.serve_for(0.2)
        # The first 20 are logged, the other 980 only counted...
        assert len(ignored()) == 20, len(ignored())
        assert all("malformed IPC message" in m for m in ignored()), ignored()[:3]
        webview.close()
        wv_host.serve_until(
            lambda: any("suppressed" in m for m in logs.messages(logging.WARNING)), 5
        )
    # ... and the count is reported once, when the WebView closes.
    summary = [m for m in logs.messages(logging.WARNING) if "suppressed" in m]
    assert len(summary) == 1 and "980 more warnings" in summary[0], summary


def test_placing_a_top_level_webview_is_ignored_with_a_warning(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    before = wv_host.run_js(webview, "[window.innerWidth, window.innerHeight]")
    with captured_logs() as logs:
        webview.set_bounds(40, 40, 200, 100)  # only embedded WebViews are placed
        webview.reparent(None)  # only embedded WebViews are parked

        def warned() -> list[str]:
            return [m for m in logs.messages(logging.WARNING) if "embedded WebViews only" in m]

        assert wv_host.serve_until(lambda: len(warned()) == 2, 5), logs.messages(0)
    assert "set_bounds" in warned()[0] and "reparent" in warned()[1]
    # The page keeps its window and size, and still answers.
    assert wv_host.run_js(webview, "[window.innerWidth, window.innerHeight]") == before


def _depth_python_json_refuses() -> int:
    """The smallest of a few nesting depths that this interpreter's json refuses."""
    for depth in (1000, 2000, 5000, 10_000, 20_000):
        try:
            json.loads("[" * depth + "]" * depth)
        except RecursionError:
            return depth
    pytest.skip("this Python decodes 20,000 nested arrays")


def test_data_nested_too_deep_for_python_rejects_the_call(wv_host):
    depth = _depth_python_json_refuses()
    webview = wv_host.open_ready(html=PAGE)
    ran: list = []
    webview.on("h")(lambda data: ran.append(1) or "handled")
    got = wv_host.run_js(
        webview,
        f"(function () {{ let v = 1; for (let i = 0; i < {depth}; i++) v = [v];"
        " return settle(auroraview.call('h', v)); })()",
    )
    # Python's json refuses that depth; the page hears why (a PayloadError naming the
    # RecursionError), the handler never runs.
    assert got[0] == "PayloadError" and got[2] is True, got
    assert "cannot be decoded in Python" in got[1] and "'h'" in got[1], got
    assert "RecursionError" in got[1], got
    assert ran == []
    assert wv_host.run_js(webview, "settle(auroraview.call('h', [[1]]))") == ["ok", "handled"]
    assert ran == [1]


def test_a_page_call_can_stop_waiting_after_timeout_ms(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    release = threading.Event()
    ran: list = []

    def slow(data):
        release.wait(10)
        ran.append(data)
        return "late"

    webview.on("slow")(slow)
    webview.on("fast")(lambda data: data)
    t0 = time.monotonic()
    got = wv_host.run_js(webview, "settle(auroraview.call('slow', 1, {timeoutMs: 100}))")
    waited = time.monotonic() - t0
    assert got == ["TimeoutError", "auroraview.call('slow') got no answer within 100 ms", True]
    assert waited < 5 and ran == []  # the page stopped waiting; the handler is still busy
    release.set()
    assert wv_host.serve_until(lambda: ran == [1], 5)  # it finished; its answer is dropped
    assert wv_host.run_js(webview, "settle(auroraview.call('fast', 2))") == ["ok", 2]
    # An answer in time settles as usual and cancels the timer.
    got = wv_host.run_js(webview, "settle(auroraview.call('fast', 3, {timeoutMs: 5000}))")
    assert got == ["ok", 3]
    for bad in ("-1", "0", "'soon'", "Infinity"):
        got = wv_host.run_js(webview, f"settle(auroraview.call('fast', 4, {{timeoutMs: {bad}}}))")
        assert got[0] == "TypeError" and "timeoutMs" in got[1], (bad, got)


def test_payloads_over_the_limit_are_refused_both_ways(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    received: list = []
    where = Where()
    webview.on("take")(lambda data: where("take") or received.append(len(data)) or len(data))
    webview.on("give_big")(lambda n: where("give_big") or "y" * n)
    over = "x" * (MAX + 1)
    # Python -> page: refused at the call, with PayloadError (a ValueError), page untouched.
    with pytest.raises(PayloadError) as info:
        webview.emit("big", over)
    assert isinstance(info.value, ValueError) and str(MAX) in str(info.value)
    with pytest.raises(PayloadError):
        webview.get_proxy().emit("big", over)
    with pytest.raises(PayloadError):
        webview.eval_js("'" + over + "'")
    outcomes: list = []
    webview.eval_js_async("'" + over + "'", lambda v, e: outcomes.append((v, e)))
    assert wv_host.serve_until(lambda: outcomes, 5)
    assert outcomes[0][0] is None and isinstance(outcomes[0][1], PayloadError)
    with pytest.raises(PayloadError) as info:
        webview.emit("big", {1, 2})
    assert "set" in str(info.value)
    # Below the limit, large payloads go through whole.
    big = 4 * 1024 * 1024
    wv_host.run_js(
        webview,
        "window.bigLen = new Promise(r => auroraview.once('big', d => r(d.length))); true",
    )
    webview.emit("big", "z" * big)
    assert wv_host.run_js(webview, "bigLen") == big
    # Page -> Python: a call or emit with a huge argument is refused in the page.
    got = wv_host.run_js(webview, f"settle(auroraview.call('take', 'x'.repeat({MAX + 1})))")
    assert got[0] == "RangeError" and str(MAX) in got[1]
    emit_huge = f"auroraview.emit('take', 'x'.repeat({MAX}))"
    got = wv_host.run_js(webview, f"try {{ {emit_huge}; 'sent' }} catch (e) {{ e.name }}")
    assert got == "RangeError"
    # A handler result over the limit rejects the call (not the page, not the process).
    got = wv_host.run_js(webview, f"settle(auroraview.call('give_big', {MAX + 1}))")
    assert got[0] == "RangeError" and str(MAX) in got[1]
    # A script value over the limit fails the evaluation.
    with pytest.raises(JavaScriptError) as info:
        wv_host.run_js(webview, f"'v'.repeat({MAX + 1})")
    assert info.value.js_name == "RangeError" and str(MAX) in info.value.js_message
    # Data the page cannot encode.
    got = wv_host.run_js(webview, "settle(auroraview.call('take', {n: 1n}))")
    assert got[0] == "TypeError"
    got = wv_host.run_js(webview, "var o = {}; o.o = o; settle(auroraview.call('take', o))")
    assert got[0] == "TypeError"
    # Everything still works, and nothing over the limit reached a handler.
    assert wv_host.run_js(webview, "settle(auroraview.call('take', 'ok'))") == ["ok", 2]
    assert received == [2]
    assert where.labels() == ["give_big", "take"]
    where.handler_thread()


def test_parent_that_is_not_a_window_fails_cleanly(tmp_path):
    """``parent=`` naming no X window must fail with WebViewStartError, not end the process
    (in a DCC that would take the host down). Runs in a child process, in case it does."""
    script = tmp_path / "bad_parent.py"
    script.write_text(
        textwrap.dedent(
            """
            import json, os
            os.environ["AURORAVIEW_DISPATCHER"] = "standalone"
            from auroraview import WebView
            from auroraview.errors import WebViewStartError
            try:
                WebView(parent=0x3A0042, html="<p>x</p>", mode="own")
                outcome = "created"
            except WebViewStartError as exc:
                outcome = "WebViewStartError: " + str(exc)
            print(json.dumps(outcome), flush=True)
            """
        )
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    lines = proc.stdout.strip().splitlines()
    assert proc.returncode == 0 and lines, (
        f"the process ended (rc {proc.returncode}): {proc.stderr.strip()[-400:]}"
    )
    assert json.loads(lines[-1]).startswith("WebViewStartError"), lines


def test_awkward_strings_cross_intact_both_ways(wv_host):
    """Quotes, backslashes, ``</script>``, U+2028/2029, NUL, astral characters and lone
    surrogates (legal in JS strings) in names and data, each way; every call settles."""
    webview = wv_host.open_ready(html=PAGE)
    where = Where()
    webview.on("echo")(lambda data: where("echo") or data)

    @webview.on("complain")
    def complain(data):
        where("complain")
        raise ValueError(f"bad {data}")

    names = ["a'b\"c\\d</script>", "ünï\u2028\u2029😀"]
    data = {"s": "\u2028\u2029</script>😀\x00\"'\\", "lone": "\ud800", "pair": "x\udfffy"}
    listen = "".join(
        f"auroraview.on({json.dumps(n)}, d => got.push([{json.dumps(n)}, d]));" for n in names
    )
    wv_host.run_js(webview, f"window.got = []; {listen} true")
    for name in names:
        webview.emit(name, data)
    assert wv_host.run_js(webview, "got") == [[n, data] for n in names]
    assert wv_host.run_js(webview, "got[0][1].lone.charCodeAt(0)") == 0xD800
    # Page -> handler -> page: the exact same string comes back.
    got = wv_host.run_js(
        webview,
        "settle(auroraview.call('echo', '\\ud800x\\udfff')).then(r => "
        "[r[0], r[1].length, r[1].charCodeAt(0), r[1].charCodeAt(2)])",
    )
    assert got == ["ok", 3, 0xD800, 0xDFFF]
    got = wv_host.run_js(webview, "settle(auroraview.call('complain', '\\ud800'))")
    assert got[0] == "ValueError" and got[1].startswith("bad ")
    assert where.labels() == ["echo", "complain"]
    where.handler_thread()


def test_blocking_eval_inside_an_eval_callback_fails_at_once(wv_host):
    """Evaluation callbacks run on the completion thread, which delivers every result: a
    blocking eval there could never complete, so it fails at once, naming the way out."""
    from auroraview.errors import WrongThreadError

    webview = wv_host.open_ready(html="<!doctype html><body>x</body>")
    seen: list = []

    def callback(value, error):
        t0 = time.perf_counter()
        try:
            webview.eval_js_sync("2", timeout_ms=5000)
            seen.append(("returned", None))
        except WrongThreadError as exc:
            seen.append((str(exc), time.perf_counter() - t0))

    webview.eval_js_async("1", callback)
    assert wv_host.serve_until(lambda: seen, 10)
    message, elapsed = seen[0]
    assert "eval_js_async" in message and elapsed < 2.5  # refused, not timed out (5 s)
    assert wv_host.run_js(webview, "40 + 2") == 42  # the completion thread is fine
