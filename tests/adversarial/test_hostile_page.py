"""A hostile page: it replaces globals and prototype methods the bridge might use, plants
setters and ``toJSON`` on ``Object.prototype``, throws from getters, forges the bridge's
traffic, and tries to complete another WebView's evaluations. The user sees the bridge work
as before, the per-WebView secret never reach page code, and nothing cross WebViews."""

from __future__ import annotations

import pytest
from advsupport import PAGE, SETTLE_JS, TOKEN_PATTERN
from auroraview.errors import EvalTimeoutError, JavaScriptError

pytestmark = pytest.mark.timeout(60)

#: Wraps everything a bridge could call after start-up with a recorder that looks for the
#: token in every argument (strings, and objects' "k" fields) and passes the call on; plants
#: setters on Object.prototype and Array.prototype that look at every value they see.
HOSTILE_JS = (
    SETTLE_JS
    + """
window.leaks = [];
window.wrapped = 0;
(function () {
  var token = TOKEN_PATTERN;
  var reflectApply = Reflect.apply, hasOwn = Object.prototype.hasOwnProperty;
  var define = Object.defineProperty;
  function own(obj, key, v) {
    define(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
  }
  function leak(x) { own(leaks, leaks.length, x); }
  function scan(x, depth) {
    depth = depth || 0;
    try {
      if (typeof x === "string") { if (token.test(x)) leak(x.length); return; }
      if (x && typeof x === "object" && x !== window && depth < 3) {
        if (reflectApply(hasOwn, x, ["k"])) leak("object with k");
        for (var key in x) scan(x[key], depth + 1);
      }
    } catch (e) {}
  }
  function wrap(owner, name) {
    var original = owner[name];
    if (typeof original !== "function") return;
    var replacement = function () {
      for (var i = 0; i < arguments.length; i++) scan(arguments[i]);
      scan(this);
      return reflectApply(original, this, arguments);
    };
    try { owner[name] = replacement; wrapped++; } catch (e) {}
    try {
      define(owner, name, { value: replacement, configurable: true, writable: true });
    } catch (e) {}
  }
  wrap(JSON, "stringify"); wrap(JSON, "parse");
  ["push", "join", "slice", "splice", "indexOf", "concat", "map", "forEach"].forEach(
    function (n) { wrap(Array.prototype, n); });
  ["concat", "slice", "replace", "substring", "split"].forEach(
    function (n) { wrap(String.prototype, n); });
  wrap(Reflect, "apply"); wrap(Function.prototype, "call"); wrap(Function.prototype, "apply");
  wrap(Object, "defineProperty"); wrap(Object, "freeze"); wrap(Object, "keys");
  wrap(window, "setTimeout"); wrap(window, "clearTimeout"); wrap(window, "queueMicrotask");
  wrap(window, "eval"); wrap(window, "String");
  wrap(Map.prototype, "get"); wrap(Map.prototype, "set"); wrap(Map.prototype, "delete");
  wrap(Promise.prototype, "then"); wrap(Promise, "resolve");
  wrap(TextEncoder.prototype, "encode");
  wrap(EventTarget.prototype, "addEventListener");
  var handlers = window.webkit && window.webkit.messageHandlers;
  if (handlers && handlers.auroraview) wrap(handlers.auroraview, "postMessage");
  if (handlers) wrap(handlers, "auroraview");
  define(Object.prototype, "k", { configurable: true,
    set: function (v) { scan(v); own(this, "k", v); },
    get: function () { return undefined; } });
  define(Object.prototype, "toJSON", { configurable: true, writable: true,
    value: function () { scan(this); return this; } });
  ["timer", "resolve", "reject", "text", "json", "size"].forEach(function (n) {
    define(Object.prototype, n, { configurable: true,
      set: function (v) { scan(v); own(this, n, v); } });
  });
  define(Array.prototype, "0", { configurable: true,
    set: function (v) { scan(v); own(this, "0", v); } });
  define(Document.prototype, "URL", { configurable: true,
    get: function () { return "https://forged.example/"; } });
})();
""".replace("TOKEN_PATTERN", TOKEN_PATTERN)
)
HOSTILE_PAGE = f"<!doctype html><html><body><script>{HOSTILE_JS}</script></body></html>"


def settle(wv_host, webview, script: str):
    return wv_host.run_js(webview, f"settle({script})")


def test_replaced_globals_neither_break_the_bridge_nor_see_the_token(wv_host):
    webview = wv_host.open_ready(html=HOSTILE_PAGE)
    assert wv_host.run_js(webview, "wrapped") >= 30
    webview.on("echo")(lambda data: {"echo": data})
    webview.on("fail")(lambda data: 1 / 0)
    heard: list = []
    webview.on("ev")(heard.append)
    # Calls, rejections, events, and a timeoutMs timer, all through replaced globals.
    assert settle(wv_host, webview, "auroraview.call('echo', {a: [1, 2]})") == [
        "ok",
        {"echo": {"a": [1, 2]}},
    ]
    got = settle(wv_host, webview, "auroraview.call('fail')")
    assert got[0] == "ZeroDivisionError" and got[2] is True
    wv_host.run_js(webview, "auroraview.emit('ev', 'hello'); true")
    assert wv_host.serve_until(lambda: heard == ["hello"], 10)
    got = settle(wv_host, webview, "auroraview.call('echo', 1, {timeoutMs: 60000})")
    assert got == ["ok", {"echo": 1}]
    # Python -> page: emits and evaluations (through the replaced eval) still work.
    wv_host.run_js(webview, "window.got = []; auroraview.on('p', d => got.push(d)); true")
    webview.emit("p", {"n": 1})
    wv_host.wait_js(webview, "got.length", 1)
    assert wv_host.run_js(webview, "Promise.resolve(6 * 7)") == 42
    # No recorder ever saw the token, in any argument or object.
    assert wv_host.run_js(webview, "leaks") == []


def test_the_sender_url_cannot_be_forged(wv_host):
    # HOSTILE_PAGE replaces Document.prototype.URL with a foreign origin; inline HTML stays
    # trusted because the bridge reads the URL through the getter it captured.
    webview = wv_host.open_ready(html=HOSTILE_PAGE)
    webview.on("h")(lambda data: "heard")
    assert wv_host.run_js(webview, "document.URL") == "https://forged.example/"
    assert settle(wv_host, webview, "auroraview.call('h')") == ["ok", "heard"]


def test_the_bridge_object_cannot_be_replaced(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    got = wv_host.run_js(
        webview,
        "(function () { var before = window.auroraview;"
        " try { window.auroraview = {call: () => 'fake'}; } catch (e) {}"
        " try { delete window.auroraview; } catch (e) {}"
        " try { auroraview.call = () => 'fake'; } catch (e) {}"
        " try { Object.defineProperty(window, 'auroraview', {value: 1}); } catch (e) {}"
        " try { window.__auroraview_deliver = null; } catch (e) {}"
        " return [window.auroraview === before, typeof auroraview.call,"
        " typeof window.__auroraview_deliver]; })()",
    )
    assert got == [True, "function", "function"]


@pytest.mark.parametrize(
    ("case", "script", "name"),
    [
        (
            "thrown_object_with_throwing_getters",
            "throw {get name() { throw 1; }, get message() { throw 2; }}",
            "Error",
        ),
        ("then_getter_throws", "({get then() { throw new TypeError('no then'); }})", "TypeError"),
        ("then_throws", "({then() { throw new RangeError('bad then'); }})", "RangeError"),
        (
            "rejects_with_throwing_object",
            "Promise.reject({get message() { throw 1; }, name: 'Odd'})",
            "Odd",
        ),
        ("toJSON_throws", "({toJSON() { throw new Error('no json'); }})", "TypeError"),
        ("bigint", "10n", "TypeError"),
        ("cyclic", "(function () { var a = {}; a.a = a; return a; })()", "TypeError"),
        ("throws_a_symbol", "throw Symbol('s')", "Error"),
        ("throws_null", "throw null", "Error"),
        ("string_too_large", "'x'.repeat(17 * 1024 * 1024)", "RangeError"),
    ],
)
def test_odd_values_and_errors_end_the_eval_at_once(wv_host, case, script, name):
    webview = wv_host.open_ready(html=PAGE)
    with pytest.raises(JavaScriptError) as info:
        # A short timeout: the answer must come at once, not by the timeout.
        wv_host.run_js(webview, script, timeout=4.0)
    assert info.value.js_name == name, info.value
    assert not isinstance(info.value, EvalTimeoutError)
    assert wv_host.run_js(webview, "1 + 1") == 2


@pytest.mark.parametrize(
    ("case", "data", "name"),
    [
        ("cyclic", "(function () { var a = {}; a.a = a; return a; })()", "TypeError"),
        ("toJSON_throws", "({toJSON() { throw new Error('no'); }})", "TypeError"),
        ("getter_throws", "({get x() { throw new Error('getter'); }})", "TypeError"),
        ("bigint", "1n", "TypeError"),
        ("too_large", "'x'.repeat(17 * 1024 * 1024)", "RangeError"),
    ],
)
def test_page_data_json_cannot_hold_rejects_in_the_page(wv_host, case, data, name):
    webview = wv_host.open_ready(html=PAGE)
    ran: list = []
    webview.on("h")(lambda data: ran.append(data))
    got = settle(wv_host, webview, f"auroraview.call('h', {data})")
    assert got[0] == name and got[2] is True, got
    got = wv_host.run_js(
        webview, f"try {{ auroraview.emit('h', {data}); 'sent' }} catch (e) {{ e.name }}"
    )
    assert got == name
    wv_host.serve_for(0.1)
    assert ran == []


@pytest.mark.parametrize(
    ("timeout", "outcome"),
    [
        ("3e9", "ok"),  # past setTimeout's 2^31-1 ms: waited out in steps, not at once
        ("2147483648", "ok"),
        ("Infinity", "TypeError"),
        ("NaN", "TypeError"),
        ("-1", "TypeError"),
        ("0", "TypeError"),
        ("'100'", "TypeError"),
    ],
)
def test_call_timeouts_the_page_asks_for(wv_host, timeout, outcome):
    webview = wv_host.open_ready(html=PAGE)
    webview.on("h")(lambda data: "answer")
    got = settle(wv_host, webview, f"auroraview.call('h', null, {{timeoutMs: {timeout}}})")
    if outcome == "ok":
        assert got == ["ok", "answer"]
    else:
        assert got[0] == outcome and "timeoutMs" in got[1], got


def test_forged_deliveries_reach_only_the_page_itself(wv_host):
    a = wv_host.open_ready(html=PAGE)
    b = wv_host.open_ready(html=PAGE)
    heard: list = []
    a.on("h")(heard.append)
    b.on("h")(heard.append)
    # A page calling the deliver hook itself: it can only fool itself.
    got = wv_host.run_js(
        a,
        "(function () { window.fired = []; auroraview.on('e', d => fired.push(d));"
        " __auroraview_deliver([['e', 'e', 'forged'], ['a'], ['r', 99999, 1, 'x'],"
        " ['zz'], 42, null, ['x', 'window.forgedRan = true']]);"
        " return [fired, window.forgedRan === true]; })()",
    )
    assert got == [["forged"], True]
    wv_host.serve_for(0.1)
    assert heard == []
    assert wv_host.run_js(b, "typeof window.fired") == "undefined"


def test_a_page_cannot_complete_another_webviews_evaluation(wv_host):
    victim = wv_host.open_ready(html=PAGE)
    attacker = wv_host.open_ready(html=PAGE)
    # The victim's evaluation never answers by itself.
    future = victim.eval_js_async("new Promise(function () {})", timeout_ms=1500)
    # The attacker's page answers every evaluation id it could guess, through its own bridge
    # (its own token): as posts of eval results with a value of its choosing.
    wv_host.run_js(
        attacker,
        "(function () { var start = Date.now();"
        " for (var id = 0; id < 2000; id++) __auroraview_deliver([['v', id, '\"forged\"']]);"
        " return Date.now() - start; })()",
    )
    assert wv_host.serve_until(future.done, 5)
    assert isinstance(future.exception(0), EvalTimeoutError), future.exception(0)
    # The attacker's page also answered ids it was not sent: ignored (warned, not fatal).
    assert wv_host.run_js(attacker, "'still fine'") == "still fine"
    assert wv_host.run_js(victim, "'still fine'") == "still fine"


def test_window_events_console_and_dialogs_keep_the_token_out_of_reach(wv_host):
    """The new bridge surface (console forwarding, the close guard, auroraview.dialog)
    works through replaced globals, and no recorder sees the token."""
    import logging

    from wvsupport import captured_logs

    webview = wv_host.open_ready(html=HOSTILE_PAGE, forward_console=True)
    with captured_logs() as logs:
        wv_host.run_js(
            webview,
            "console.warn('from a hostile page', {a: 'x'}); "
            "auroraview.on('close_requested', e => e.preventDefault()); true",
        )
        assert wv_host.serve_until(
            lambda: any(
                r.name == "auroraview.console" and r.levelno == logging.WARNING
                for r in logs.records
            ),
            5,
        ), logs.messages(logging.DEBUG)
    wv_host.serve_for(0.3)  # the page's guard reaches Python
    webview.request_close()
    wv_host.serve_for(1.0)
    assert not webview.closed, "the page's close guard was not asked"
    # Dialog requests: checked (a bad one is a TypeError), one open at a time.
    got = settle(wv_host, webview, "auroraview.dialog.open({filters: 'nope'})")
    assert got[0] == "TypeError"
    wv_host.run_js(
        webview,
        "window.busy = 0; auroraview.dialog.confirm({message: 'x', title: 'hostile-1'});"
        "for (var i = 0; i < 50; i++) auroraview.dialog.confirm({message: 'y'})"
        ".catch(e => { if (e.name === 'BusyError') busy++; }); true",
    )
    wv_host.wait_js(webview, "busy", 50)
    assert wv_host.run_js(webview, "leaks") == []
    # close() never asks: the dialog and the page go.
    webview.close()
    assert wv_host.serve_until(lambda: webview.wait_closed(0), 10)


def test_the_close_question_cannot_be_replaced_nor_hang_the_close(wv_host):
    webview = wv_host.open_ready(html=PAGE, veto_timeout=0.5)
    replaced = wv_host.run_js(
        webview,
        "(function () { try { window.__auroraview_close_requested = () => false; } catch (e) {}"
        " try { Object.defineProperty(window, '__auroraview_close_requested',"
        " {value: () => false}); } catch (e) {}"
        " return window.__auroraview_close_requested() })()",
    )
    assert replaced is True  # still the bridge's: no listener refuses
    # A listener that never returns: the question times out and the window closes anyway.
    wv_host.run_js(webview, "auroraview.on('close_requested', () => { while (true) {} }); true")
    wv_host.serve_for(0.3)
    webview.request_close()
    assert wv_host.serve_until(lambda: webview.wait_closed(0), 10)


def test_a_forged_guard_or_console_event_does_no_harm(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    wv_host.run_js(
        webview,
        "auroraview.emit('auroraview:guard', {close: true});"
        "auroraview.emit('auroraview:guard', 'nonsense');"
        "auroraview.emit('auroraview:console', {level: {}, text: [1]}); true",
    )
    wv_host.serve_for(0.3)
    # The page says it guards the close but has no listener: it allows.
    webview.request_close()
    assert wv_host.serve_until(lambda: webview.wait_closed(0), 10)
