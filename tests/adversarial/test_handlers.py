"""Handlers and callbacks that misbehave: every BaseException, exceptions whose text cannot be
made, results JSON cannot hold, callables that are not functions. The user sees each page
call settle exactly once with a rejection that names what happened, and the WebView go on.
Both routes: the WebView's handler thread, and the main thread (``dcc_mode``)."""

from __future__ import annotations

import logging
import math
import threading

import pytest
from advsupport import PAGE

pytestmark = pytest.mark.timeout(60)

ROUTES = ["handler_thread", "dcc_mode"]


class Boom(BaseException):
    """A BaseException of the user's own (not an Exception)."""


class BadStr(Exception):
    def __str__(self) -> str:
        raise RuntimeError("__str__ itself raised")


class NotAStr(Exception):
    def __str__(self):  # type: ignore[override]
        return 42


class Meta(type):
    @property
    def __name__(cls):  # type: ignore[override]
        raise RuntimeError("no name")


class Nameless(Exception, metaclass=Meta):
    pass


class ItemsRaise(dict):
    def __init__(self, exc: BaseException) -> None:
        super().__init__(a=1)
        self.exc = exc

    def items(self):
        raise self.exc

    def keys(self):
        raise self.exc


def deep(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def settle(wv_host, webview, script: str):
    return wv_host.run_js(webview, f"settle({script})")


def raiser(exc: BaseException):
    def handler(data):
        raise exc

    return handler


RAISED = [
    ("KeyboardInterrupt_on_handler_thread", KeyboardInterrupt("stop"), "KeyboardInterrupt", "stop"),
    ("SystemExit", SystemExit(3), "SystemExit", "3"),
    ("GeneratorExit", GeneratorExit("gen"), "GeneratorExit", "gen"),
    ("custom_BaseException", Boom("boom"), "Boom", "boom"),
    ("str_raises", BadStr(), "BadStr", "__str__ failed"),
    ("str_not_a_str", NotAStr(), "NotAStr", "__str__ failed"),
    ("unnamed_type", Nameless("x"), "object", "x"),
    ("huge_message", ValueError("m" * (17 << 20)), "RangeError", "refused"),
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(("case", "exc", "name", "message"), RAISED, ids=[r[0] for r in RAISED])
def test_a_handler_raising_anything_rejects_the_call(wv_host, route, case, exc, name, message):
    if case.startswith("KeyboardInterrupt") and route == "dcc_mode":
        pytest.skip("on the main thread a KeyboardInterrupt is passed on: test_process_exits.py")
    webview = wv_host.open_ready(html=PAGE, dcc_mode=route == "dcc_mode")
    webview.on("h")(raiser(exc))
    webview.on("ok")(lambda data: data)
    got = settle(wv_host, webview, "auroraview.call('h', 1)")
    assert got[0] == name, got
    assert message in got[1], got
    assert got[2] is True
    # The WebView goes on.
    assert settle(wv_host, webview, "auroraview.call('ok', 2)") == ["ok", 2]


RESULTS = [
    ("nested_too_deep", lambda: deep(100_000), "TypeError", "RecursionError"),
    ("items_raises", lambda: ItemsRaise(ValueError("no items")), "TypeError", "no items"),
    ("items_raises_base", lambda: ItemsRaise(KeyboardInterrupt("ki")), "KeyboardInterrupt", "ki"),
    ("nan", lambda: math.nan, "TypeError", "float"),
    ("a_set", lambda: {1}, "TypeError", "set"),
    ("a_generator", lambda: (i for i in range(2)), "TypeError", "generator"),
    ("bytes", lambda: b"x", "TypeError", "bytes"),
    ("too_large", lambda: "x" * (17 << 20), "RangeError", "refused"),
    ("lone_surrogate", lambda: "a\ud800b", "ok", "a\ud800b"),
    ("int_too_large_for_js", lambda: 2**80, "ok", 2**80),
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(("case", "make", "name", "detail"), RESULTS, ids=[r[0] for r in RESULTS])
def test_a_result_json_cannot_hold_rejects_the_call(wv_host, route, case, make, name, detail):
    webview = wv_host.open_ready(html=PAGE, dcc_mode=route == "dcc_mode")
    webview.on("h")(lambda data: make())
    got = settle(wv_host, webview, "auroraview.call('h')")
    if name == "ok":
        assert (got[0] == "ok" and got[1] == detail) or math.isclose(got[1], detail), got
    else:
        assert got[0] == name and detail in got[1] and got[2] is True, got


@pytest.mark.parametrize("route", ROUTES)
def test_callables_that_are_not_functions(wv_host, route):
    webview = wv_host.open_ready(html=PAGE, dcc_mode=route == "dcc_mode")

    class Callable:
        def __call__(self, data):
            raise LookupError(f"no item {data}")

    webview.on("obj")(Callable())
    webview.on("bound")(("x", "y").index)
    webview.on("builtin")(len)
    assert settle(wv_host, webview, "auroraview.call('obj', 7)") == [
        "LookupError",
        "no item 7",
        True,
    ]
    assert settle(wv_host, webview, "auroraview.call('bound', 'y')") == ["ok", 1]
    got = settle(wv_host, webview, "auroraview.call('builtin', 5)")
    assert got[0] == "TypeError" and "len()" in got[1]
    with pytest.raises(TypeError):
        webview.on("not_callable")(42)


@pytest.mark.parametrize("route", ROUTES)
def test_handler_names_the_page_cannot_confuse(wv_host, route):
    # Names that are special in JavaScript objects travel as plain names.
    webview = wv_host.open_ready(html=PAGE, dcc_mode=route == "dcc_mode")
    names = ["__proto__", "constructor", "toString", "hasOwnProperty", "ü∂ 名前", "a" * 10_000]
    for name in names:
        webview.on(name)(lambda data, name=name: f"{name[:8]}:{data}")
    for name in names:
        got = settle(wv_host, webview, f"auroraview.call({name!r}, 1)")
        assert got == ["ok", f"{name[:8]}:1"], (name[:20], got)


@pytest.mark.parametrize("route", ROUTES)
def test_an_event_handler_raising_anything_is_logged_and_the_next_runs(wv_host, route, caplog):
    caplog.set_level(logging.INFO, "auroraview.webview")
    webview = wv_host.open_ready(html=PAGE, dcc_mode=route == "dcc_mode")
    heard: list = []
    lock = threading.Lock()

    def handler(data):
        with lock:
            heard.append(data)
        if data == "raise":
            raise Boom("in an event")
        if data == "badstr":
            raise BadStr()

    webview.on("ev")(handler)
    wv_host.run_js(
        webview,
        "auroraview.emit('ev', 'raise'); auroraview.emit('ev', 'badstr');"
        " auroraview.emit('ev', 'fine'); true",
    )
    assert wv_host.serve_until(lambda: len(heard) == 3, 10)
    assert heard == ["raise", "badstr", "fine"]
    assert any("Boom" in r.getMessage() for r in caplog.records)


def test_on_closed_callbacks_that_raise_do_not_stop_the_others(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    ran: list = []
    webview.on_closed(lambda: ran.append(1))
    webview.on_closed(raiser(SystemExit(1)))
    webview.on_closed(lambda: ran.append(2))
    webview.on_closed(raiser(KeyboardInterrupt()))
    webview.on_closed(raiser(BadStr()))
    webview.on_closed(lambda: ran.append(3))
    webview.close()
    assert wv_host.serve_until(lambda: webview.closed and len(ran) == 3, 10)
    assert ran == [1, 2, 3]


def test_eval_callbacks_that_raise_anything(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    outcomes: list = []
    futures = []
    for exc in (Boom("cb"), SystemExit(2), KeyboardInterrupt(), BadStr()):

        def callback(value, error, exc=exc):
            outcomes.append((value, error))
            raise exc

        futures.append(webview.eval_js_async("21 * 2", callback))
    assert wv_host.serve_until(lambda: len(outcomes) == 4 and all(f.done() for f in futures), 10)
    assert outcomes == [(42, None)] * 4
    assert [f.result(0) for f in futures] == [42] * 4
    # The completion thread lives on.
    assert wv_host.run_js(webview, "1 + 1") == 2


def test_a_value_too_deep_for_python_settles_the_eval_with_payload_error(wv_host):
    from auroraview.errors import PayloadError

    webview = wv_host.open_ready(html=PAGE)
    seen: list = []
    future = webview.eval_js_async(
        "(function () { let v = 1; for (let i = 0; i < 5000; i++) v = [v]; return v; })()",
        lambda value, error: seen.append((value, error)),
    )
    assert wv_host.serve_until(future.done, 10)
    assert isinstance(future.exception(0), PayloadError)
    assert "cannot be decoded in Python" in str(future.exception(0))
    assert len(seen) == 1 and seen[0][0] is None and isinstance(seen[0][1], PayloadError)


@pytest.mark.parametrize(
    ("case", "data", "error"),
    [
        ("too_deep", deep(100_000), "PayloadError"),
        ("items_raise", ItemsRaise(ValueError("no")), "PayloadError"),
        ("nan", math.nan, "PayloadError"),
        ("too_large", "x" * (17 << 20), "PayloadError"),
    ],
)
def test_emit_of_data_json_cannot_hold_raises_payload_error(wv_host, case, data, error):
    webview = wv_host.open_ready(html=PAGE)
    with pytest.raises(Exception) as info:
        webview.emit("x", data)
    assert type(info.value).__name__ == error, info.value
    assert isinstance(info.value, ValueError)
    webview.emit("x", {"fine": True})
    assert wv_host.run_js(webview, "1") == 1


def _kernel_thread_name() -> str:
    with open(f"/proc/self/task/{threading.get_native_id()}/comm") as comm:
        return comm.read().strip()


def _stack_bytes() -> int:
    """The calling thread's stack size (glibc's ``pthread_getattr_np``)."""
    import ctypes

    libc = ctypes.CDLL(None)
    libc.pthread_self.restype = ctypes.c_ulong
    attr = ctypes.create_string_buffer(128)  # pthread_attr_t is 56 bytes on x86-64
    assert libc.pthread_getattr_np(ctypes.c_ulong(libc.pthread_self()), attr) == 0
    size = ctypes.c_size_t()
    assert libc.pthread_attr_getstacksize(attr, ctypes.byref(size)) == 0
    libc.pthread_attr_destroy(attr)
    return size.value


def test_the_threads_that_run_handlers_and_callbacks_have_a_main_threads_stack(wv_host):
    """Handlers and ``eval_js_async`` callbacks run on threads of ours: they get 8 MiB, as a
    main thread does, since CPython 3.12+ sizes its recursion guard for that (at Rust's
    default 2 MiB a value nested deep enough crashed the thread instead of raising)."""
    webview = wv_host.open_ready(html=PAGE, dcc_mode=False)
    seen: dict[str, tuple[str, int]] = {}
    webview.on("stack")(
        lambda _=None: seen.__setitem__("handler", (_kernel_thread_name(), _stack_bytes()))
    )
    assert settle(wv_host, webview, "auroraview.call('stack')")[0] == "ok"
    done = threading.Event()

    def callback(_value, _error) -> None:
        seen["completion"] = (_kernel_thread_name(), _stack_bytes())
        done.set()

    webview.eval_js_async("1", callback)
    assert wv_host.serve_until(done.is_set, 10)
    assert seen["handler"][0].startswith("auroraview-hand"), seen  # names are cut at 15
    assert seen["completion"][0].startswith("auroraview-comp"), seen
    for where in ("handler", "completion"):
        assert seen[where][1] >= 8 << 20, (where, seen[where])
