"""AuroraView 0.5's dispatcher API, used as tool code written for it uses it (issue 15).

Written from that API's public documentation and signatures: every name and signature;
custom backends at every priority, as classes and as lazy ``"module:Class"`` strings; the
``AURORAVIEW_DISPATCHER`` override with upstream's names; the error hierarchy caught by the
upstream names; and backends that misbehave (raise, are unavailable, never run the function,
run it on the wrong thread, block): every call ends bounded and typed, nothing is lost.

Real loops only: the standalone loop, a real PySide6 event loop, the fake Maya, and the fake
``studio`` (``tests/fake_hosts/studio``), a host auroraview has no adapter for, reached
through a backend written only from the documented contract. Documented differences from
upstream (docs/coming-from-auroraview.md) are asserted as such.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import sys
import threading
import time
from typing import Any, Callable

import pytest
from auroraview import utils
from auroraview.errors import (
    AuroraViewError,
    DispatchClosedError,
    DispatchTimeoutError,
    JavaScriptError,
    NoMainLoopError,
    WrongThreadError,
)
from auroraview.utils import thread_dispatcher as td
from auroraview.utils.thread_dispatcher import (
    DeadlockDetectedError,
    DispatcherPriority,
    FallbackDispatcherBackend,
    QtDispatcherBackend,
    ShutdownInProgressError,
    StandaloneDispatcherBackend,
    ThreadDispatcherBackend,
    ThreadDispatchTimeoutError,
    ThreadSafetyError,
    clear_dispatcher_backends,
    get_current_dcc_name,
    get_dispatcher_backend,
    is_dcc_environment,
    list_dispatcher_backends,
    register_dispatcher_backend,
    unregister_dispatcher_backend,
)
from auroraview.utils.thread_dispatcher.backend_registry import resolve_dcc_mode
from fake_hosts._mainloop import HostLoopTimeout
from fake_hosts.conftest_helpers import (
    Host,
    check_decorators,
    check_detection,
    check_exceptions,
    check_first_use_from_worker,
    check_inline_on_main,
    check_shutdown,
    check_stress,
    check_timeout_while_blocked,
    check_work_is_sliced,
    installed,
    join_all,
    start_threads,
    warm_up,
)
from mainloop import MAIN_IDENT, run_qt_until

pytestmark = pytest.mark.timeout(120)

#: Everything AuroraView 0.5's ``auroraview.utils.thread_dispatcher`` exports.
UPSTREAM_NAMES = (
    "ThreadSafetyError",
    "ThreadDispatchTimeoutError",
    "DeadlockDetectedError",
    "ShutdownInProgressError",
    "ThreadDispatcherBackend",
    "DispatcherPriority",
    "register_dispatcher_backend",
    "unregister_dispatcher_backend",
    "clear_dispatcher_backends",
    "get_dispatcher_backend",
    "list_dispatcher_backends",
    "is_dcc_environment",
    "get_current_dcc_name",
    "run_on_main_thread",
    "run_on_main_thread_sync",
    "run_on_main_thread_sync_with_timeout",
    "is_main_thread",
    "ensure_main_thread",
    "defer_to_main_thread",
    "dcc_thread_safe",
    "dcc_thread_safe_async",
    "wrap_callback_for_dcc",
    "DCCThreadSafeWrapper",
    "BlenderDispatcherBackend",
    "FallbackDispatcherBackend",
    "HoudiniDispatcherBackend",
    "MayaDispatcherBackend",
    "MaxDispatcherBackend",
    "NukeDispatcherBackend",
    "QtDispatcherBackend",
    "UnrealDispatcherBackend",
)

BUILTINS = [
    (200, "Maya"),
    (190, "Houdini"),
    (180, "Nuke"),
    (170, "Blender"),
    (160, "Max"),
    (150, "Unreal"),
    (100, "Qt"),
    (0, "Standalone"),
    (0, "Fallback"),
]


# ----- fixtures and helpers ---------------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_registry(monkeypatch):
    """Every test starts and ends with the built-in backends alone, no override."""
    monkeypatch.delenv("AURORAVIEW_DISPATCHER", raising=False)
    clear_dispatcher_backends()
    yield
    utils.shutdown_dispatcher()
    clear_dispatcher_backends()


@pytest.fixture
def no_qt():
    """Outside any host: the session's QApplication (other tests create one, and it lives
    until the end) is taken out of the registry, which is what the API offers for it."""
    assert unregister_dispatcher_backend(QtDispatcherBackend)


@pytest.fixture
def studio(monkeypatch):
    """The fake ``studio`` host (a real event loop on this thread) and its documented
    backend module, loaded as the host would have them; nothing registered yet."""
    with installed("studio", ["studio"]) as (studio,):
        fake = studio._fake
        host = Host(
            name="studio",
            serve=fake.run,
            post_native=fake.loop.post_idle,
            scene_call=studio.objects,
            calls=fake.calls,
            forbidden=("execute_in_main_thread",),
            wake_api="execute_deferred",
            loop_errors=fake.loop.errors,
            violations=fake.loop.violations,
        )
        host.fake, host.studio = fake, studio
        yield host
        utils.shutdown_dispatcher()
        host.assert_clean()


def studio_backend() -> type:
    """The documented example backend (imported from the host's path, as a studio would)."""
    return importlib.import_module("studio_dispatch").StudioBackend


def serve_standalone(until: Callable[[], Any], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not until() and time.monotonic() < deadline:
        utils.run_main_loop(timeout=0.02)
    return bool(until())


def in_worker(fn: Callable[[], Any], serve=None, timeout: float = 10.0) -> dict:
    """Run ``fn`` on a new thread while ``serve(until, timeout)`` runs the main thread's
    loop (or nothing, if ``serve`` is None); returns {"value"|"error", "elapsed", "thread"}."""
    box: dict = {}

    def run() -> None:
        t0 = time.monotonic()
        box["thread"] = threading.get_ident()
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc
        box["elapsed"] = time.monotonic() - t0

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    if serve is not None:
        try:
            serve(lambda: not worker.is_alive(), timeout)
        except HostLoopTimeout:
            pass
    worker.join(timeout)
    assert not worker.is_alive(), "the worker is still waiting: an unbounded wait"
    return box


def params(fn: Callable[..., Any]) -> list[tuple[str, Any, Any]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


P = inspect.Parameter


class Recorder:
    """Functions to dispatch that record (value, thread) in call order."""

    def __init__(self) -> None:
        self.ran: list[tuple[Any, int]] = []

    def __call__(self, value: Any) -> Any:
        self.ran.append((value, threading.get_ident()))
        return value

    def values(self) -> list[Any]:
        return [v for v, _ in self.ran]


# ----- 1. names and signatures -------------------------------------------------------------


def test_every_upstream_name_is_importable_from_the_same_module():
    missing = [n for n in UPSTREAM_NAMES if not hasattr(td, n)]
    assert missing == []
    assert set(UPSTREAM_NAMES) <= set(td.__all__)
    namespace: dict = {}
    exec("from auroraview.utils.thread_dispatcher import *", namespace)
    assert [n for n in UPSTREAM_NAMES if n not in namespace] == []
    # The decorators and the wrapper are ours, not copies.
    import auroraview

    assert td.DCCThreadSafeWrapper is auroraview.DCCThreadSafeWrapper
    assert td.dcc_thread_safe is utils.dcc_thread_safe
    with pytest.raises(AttributeError):
        td.no_such_name  # noqa: B018


def test_signatures_match_upstream():
    empty = P.empty
    assert params(register_dispatcher_backend) == [
        ("backend", P.POSITIONAL_OR_KEYWORD, empty),
        ("priority", P.POSITIONAL_OR_KEYWORD, 0),
        ("name", P.KEYWORD_ONLY, ""),
    ]
    assert params(unregister_dispatcher_backend) == [("backend", P.POSITIONAL_OR_KEYWORD, empty)]
    for fn in (
        clear_dispatcher_backends,
        get_dispatcher_backend,
        list_dispatcher_backends,
        is_dcc_environment,
        get_current_dcc_name,
        td.is_main_thread,
    ):
        assert params(fn) == [], fn
    assert params(td.run_on_main_thread) == [
        ("func", P.POSITIONAL_OR_KEYWORD, empty),
        ("args", P.VAR_POSITIONAL, empty),
        ("kwargs", P.VAR_KEYWORD, empty),
    ]
    assert params(td.run_on_main_thread_sync_with_timeout) == [
        ("func", P.POSITIONAL_OR_KEYWORD, empty),
        ("args", P.VAR_POSITIONAL, empty),
        ("timeout", P.KEYWORD_ONLY, 30.0),
        ("kwargs", P.VAR_KEYWORD, empty),
    ]
    # Upstream's (func, *args, **kwargs), plus our keyword-only timeout.
    sync = params(td.run_on_main_thread_sync)
    assert sync[0][:2] == ("func", P.POSITIONAL_OR_KEYWORD)
    assert [p[1] for p in sync[1:]] == [P.VAR_POSITIONAL, P.KEYWORD_ONLY, P.VAR_KEYWORD]
    assert params(td.wrap_callback_for_dcc) == [
        ("callback", P.POSITIONAL_OR_KEYWORD, empty),
        ("async_mode", P.POSITIONAL_OR_KEYWORD, False),
    ]
    # Decorators take the function first (upstream: only that; ours also take options).
    for deco in (
        td.ensure_main_thread,
        td.dcc_thread_safe,
        td.dcc_thread_safe_async,
        td.defer_to_main_thread,
    ):
        assert params(deco)[0][:2] == ("func", P.POSITIONAL_OR_KEYWORD), deco
    wrapper = td.DCCThreadSafeWrapper
    assert [p[0] for p in params(wrapper.eval_js_sync)] == ["self", "script", "timeout_ms"]
    assert params(wrapper.emit)[1:] == [
        ("event_name", P.POSITIONAL_OR_KEYWORD, empty),
        ("data", P.POSITIONAL_OR_KEYWORD, None),
    ]
    for method in ("eval_js", "load_url", "load_html", "reload", "close"):
        assert callable(getattr(wrapper, method))
    from auroraview import WebView

    assert "dcc_mode" in inspect.signature(WebView).parameters


def test_backend_base_class_contract():
    assert inspect.isabstract(ThreadDispatcherBackend)
    assert ThreadDispatcherBackend.__abstractmethods__ == {
        "is_available",
        "run_deferred",
        "run_sync",
    }
    with pytest.raises(TypeError):
        ThreadDispatcherBackend()  # type: ignore[abstract]

    class IncompleteBackend(ThreadDispatcherBackend):
        def is_available(self):
            return True

        def run_deferred(self, func, *args, **kwargs):
            pass

    with pytest.raises(TypeError):
        IncompleteBackend()  # type: ignore[abstract]
    for method in ("run_deferred", "run_sync"):
        assert params(getattr(ThreadDispatcherBackend, method)) == [
            ("self", P.POSITIONAL_OR_KEYWORD, P.empty),
            ("func", P.POSITIONAL_OR_KEYWORD, P.empty),
            ("args", P.VAR_POSITIONAL, P.empty),
            ("kwargs", P.VAR_KEYWORD, P.empty),
        ]


def test_priorities_are_upstreams():
    assert {
        name: getattr(DispatcherPriority, name)
        for name in (
            "MAYA",
            "HOUDINI",
            "NUKE",
            "BLENDER",
            "MAX",
            "UNREAL",
            "DCC_THRESHOLD",
            "QT",
            "FALLBACK",
        )
    } == {
        "MAYA": 200,
        "HOUDINI": 190,
        "NUKE": 180,
        "BLENDER": 170,
        "MAX": 160,
        "UNREAL": 150,
        "DCC_THRESHOLD": 150,
        "QT": 100,
        "FALLBACK": 0,
    }


def _backend_class(class_name: str) -> type:
    def is_available(self):
        return False

    def run_deferred(self, func, *args, **kwargs):
        pass

    def run_sync(self, func, *args, **kwargs):
        return func(*args, **kwargs)

    methods = {"is_available": is_available, "run_deferred": run_deferred, "run_sync": run_sync}
    return type(class_name, (ThreadDispatcherBackend,), methods)


@pytest.mark.parametrize(
    ("class_name", "name"),
    [
        ("TestBackend", "Test"),
        ("StudioBackend", "Studio"),
        ("MyDispatcher", "MyDispatcher"),  # no Backend suffix: kept whole
        ("KatanaDispatcherBackend", "Katana"),
        ("Backend", "Backend"),
    ],
)
def test_get_name_drops_the_backend_suffix(class_name, name):
    backend = _backend_class(class_name)()
    assert backend.get_name() == name
    assert backend.is_main_thread() is True
    seen = in_worker(backend.is_main_thread)
    assert seen["value"] is False


def test_builtin_backends_are_named_and_available_like_upstream(no_qt):
    names = {cls: cls().get_name() for cls in (FallbackDispatcherBackend, QtDispatcherBackend)}
    assert names == {FallbackDispatcherBackend: "Fallback", QtDispatcherBackend: "Qt"}
    # Outside every DCC (no fake host loaded): only the two last resorts are available.
    for cls_name in (
        "Maya",
        "Houdini",
        "Nuke",
        "Blender",
        "Max",
        "Unreal",
    ):
        assert getattr(td, f"{cls_name}DispatcherBackend")().is_available() is False
    assert StandaloneDispatcherBackend().is_available() is True
    assert FallbackDispatcherBackend().is_available() is True


# ----- 2. the error hierarchy, caught by upstream names ----------------------------------------


def test_error_classes_fit_both_hierarchies():
    assert issubclass(DispatchTimeoutError, ThreadDispatchTimeoutError)
    assert issubclass(NoMainLoopError, ThreadDispatchTimeoutError)
    assert issubclass(DispatchTimeoutError, TimeoutError)
    assert issubclass(DispatchClosedError, ShutdownInProgressError)
    for cls in (
        ThreadDispatchTimeoutError,
        ShutdownInProgressError,
        DeadlockDetectedError,
        DispatchTimeoutError,
        DispatchClosedError,
        WrongThreadError,
    ):
        assert issubclass(cls, ThreadSafetyError), cls
        assert issubclass(cls, AuroraViewError), cls
    assert issubclass(WrongThreadError, RuntimeError)
    # AuroraView's DCCThreadSafeWrapper.eval_js_sync raised RuntimeError for a page error.
    assert issubclass(JavaScriptError, RuntimeError)


def test_upstream_names_catch_a_real_timeout_and_a_real_shutdown(monkeypatch):
    monkeypatch.setenv("AURORAVIEW_DISPATCHER", "standalone")
    never = Recorder()

    # Nothing serves the main thread: the call ends at its timeout, typed, and is cancelled.
    def call_unserved():
        try:
            td.run_on_main_thread_sync_with_timeout(never, "unserved", timeout=0.2)
        except ThreadDispatchTimeoutError as exc:
            return exc

    out = in_worker(call_unserved)
    exc = out["value"]
    assert isinstance(exc, NoMainLoopError) and isinstance(exc, TimeoutError), out
    assert 0.2 <= out["elapsed"] < 2.0
    assert "run_main_loop" in str(exc)  # the message says what to do

    # Served once, then the main thread is busy: a plain timeout, still the upstream type.
    warm = in_worker(lambda: td.run_on_main_thread_sync(threading.get_ident), serve_standalone)
    assert warm["value"] == MAIN_IDENT

    def call_while_busy():
        try:
            td.run_on_main_thread_sync(never, "busy", timeout=0.2)
        except ThreadDispatchTimeoutError as exc:
            return exc

    out = in_worker(call_while_busy)  # the main thread only joins: it serves nothing
    assert type(out["value"]) is DispatchTimeoutError, out

    # Shut down while a call waits: ShutdownInProgressError catches DispatchClosedError.
    def call_then_shutdown():
        try:
            td.run_on_main_thread_sync(never, "closed", timeout=30)
        except ShutdownInProgressError as exc:
            return exc

    box: dict = {}
    worker = threading.Thread(target=lambda: box.setdefault("v", call_then_shutdown()))
    worker.start()
    deadline = time.monotonic() + 5
    while utils.get_dispatcher().pending == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert utils.shutdown_dispatcher() >= 1
    worker.join(5)
    assert isinstance(box["v"], DispatchClosedError)
    serve_standalone(lambda: False, 0.1)
    assert never.ran == []  # none of them ever ran


def test_upstream_base_catches_a_wrong_thread_error():
    def pump_from_worker():
        try:
            utils.pump_main_thread()
        except ThreadSafetyError as exc:
            return exc

    exc = in_worker(pump_from_worker)["value"]
    assert isinstance(exc, WrongThreadError) and isinstance(exc, RuntimeError)


def test_a_sync_call_on_the_main_thread_never_deadlocks(monkeypatch):
    """What DeadlockDetectedError guards against upstream cannot happen: inline on main."""
    monkeypatch.setenv("AURORAVIEW_DISPATCHER", "standalone")
    value = td.run_on_main_thread_sync(lambda: threading.get_ident(), timeout=0.1)
    assert value == MAIN_IDENT


# ----- 3. the registry ------------------------------------------------------------------------


def test_builtins_are_listed_by_priority(no_qt):
    clear_dispatcher_backends()  # (brings Qt back)
    listed = list_dispatcher_backends()
    assert [(p, n) for p, n, _ in listed] == BUILTINS
    for priority, name, available in listed:
        assert isinstance(priority, int) and isinstance(name, str)
        assert isinstance(available, bool)
    assert dict((n, a) for _, n, a in listed)["Standalone"] is True


def test_register_list_update_unregister_clear(no_qt):
    Custom = _backend_class("CustomBackend")
    register_dispatcher_backend(Custom, priority=1000)
    assert list_dispatcher_backends()[0] == (1000, "Custom", False)
    register_dispatcher_backend(Custom, priority=999, name="CustomName")  # an update
    listed = list_dispatcher_backends()
    assert listed[0] == (999, "CustomName", False)
    assert [n for _, n, _ in listed].count("CustomName") == 1
    priorities = [p for p, _, _ in listed]
    assert priorities == sorted(priorities, reverse=True)
    assert unregister_dispatcher_backend(Custom) is True
    assert unregister_dispatcher_backend(Custom) is False
    assert "CustomName" not in [n for _, n, _ in list_dispatcher_backends()]
    # A built-in can be moved, and clear_dispatcher_backends() restores the defaults.
    register_dispatcher_backend(QtDispatcherBackend, priority=500)
    register_dispatcher_backend(Custom, priority=5)
    assert list_dispatcher_backends()[0][:2] == (500, "Qt")
    clear_dispatcher_backends()
    assert [(p, n) for p, n, _ in list_dispatcher_backends()] == BUILTINS


def test_bad_registrations_are_clear_errors():
    with pytest.raises(ValueError, match="module:ClassName"):
        register_dispatcher_backend("no_colon_here")
    with pytest.raises(ValueError, match="module:ClassName"):
        register_dispatcher_backend("pkg.mod:not a name")
    with pytest.raises(TypeError, match="ThreadDispatcherBackend"):
        register_dispatcher_backend(_backend_class("XBackend")())  # an instance
    with pytest.raises(TypeError, match="ThreadDispatcherBackend"):
        register_dispatcher_backend(dict)
    with pytest.raises(TypeError, match="priority"):
        register_dispatcher_backend(_backend_class("XBackend"), priority="high")
    assert [(p, n) for p, n, _ in list_dispatcher_backends()] == BUILTINS


def test_string_specs_load_lazily_and_fail_soft(no_qt, caplog):
    caplog.set_level(logging.DEBUG, logger="auroraview.dispatch")
    spec = "fake_hosts.studio.studio_dispatch:StudioBackend"
    sys.modules.pop("fake_hosts.studio.studio_dispatch", None)
    register_dispatcher_backend(spec, priority=250)
    assert "fake_hosts.studio.studio_dispatch" not in sys.modules  # not yet imported
    listed = dict((n, (p, a)) for p, n, a in list_dispatcher_backends())
    assert listed["Studio"] == (250, False)  # imported now; no studio host loaded
    assert "fake_hosts.studio.studio_dispatch" in sys.modules
    # A module that does not exist here (a plugin for another host): unavailable, quietly.
    register_dispatcher_backend("no_such_package.dispatch:MayaLikeBackend", priority=300)
    # A name that is not a backend class: unavailable, with a warning, once.
    register_dispatcher_backend("threading:Thread", priority=301, name="NotABackend")
    for _ in range(3):
        listed = dict((n, (p, a)) for p, n, a in list_dispatcher_backends())
    assert listed["MayaLike"] == (300, False)
    assert listed["NotABackend"] == (301, False)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "NotABackend" in warnings[0].getMessage()
    # The next one available by priority serves.
    assert get_dispatcher_backend().get_name() == "Standalone"
    assert unregister_dispatcher_backend(spec) is True


def test_the_fallback_registered_by_string_is_available_and_runs_inline(no_qt):
    """Upstream's own test registers its fallback by path at priority 1: it then serves,
    with the fallback's contract (inline)."""
    register_dispatcher_backend(
        "auroraview.utils.thread_dispatcher:FallbackDispatcherBackend",
        priority=1,
        name="StringFallback",
    )
    listed = dict((n, (p, a)) for p, n, a in list_dispatcher_backends())
    assert listed["StringFallback"] == (1, True)
    assert isinstance(get_dispatcher_backend(), FallbackDispatcherBackend)
    out = in_worker(lambda: td.run_on_main_thread_sync(threading.get_ident))
    assert out["value"] == out["thread"]  # inline, on the worker


def test_get_dispatcher_backend_is_cached_and_typed(no_qt):
    first = get_dispatcher_backend()
    assert isinstance(first, StandaloneDispatcherBackend)
    assert get_dispatcher_backend() is first
    assert in_worker(get_dispatcher_backend)["value"] is first
    # A built-in backend's methods go through our dispatcher (queued, served by our loop).
    rec = Recorder()
    out = in_worker(lambda: first.run_sync(rec, "via-backend"), serve_standalone)
    assert out["value"] == "via-backend" and rec.ran == [("via-backend", MAIN_IDENT)]
    first.run_deferred(rec, "deferred")
    assert rec.values() == ["via-backend"]  # queued, not inline
    serve_standalone(lambda: len(rec.ran) == 2, 5)
    assert rec.ran[-1] == ("deferred", MAIN_IDENT)


def test_dcc_detection_outside_and_inside_a_dcc(no_qt, monkeypatch):
    assert is_dcc_environment() is False
    assert get_current_dcc_name() is None
    assert resolve_dcc_mode("auto") is False
    with installed("maya", ["maya", "maya.utils", "maya.cmds"]):
        assert is_dcc_environment() is True
        assert get_current_dcc_name() == "Maya"
        assert resolve_dcc_mode("auto") is True
        assert resolve_dcc_mode("AUTO") is True
        assert resolve_dcc_mode(False) is False
    with installed("maya", ["maya", "maya.utils", "maya.cmds"], {"FAKE_MAYA_BATCH": "1"}):
        assert is_dcc_environment() is False  # mayapy/batch: no main loop to serve
    assert resolve_dcc_mode(True) is True
    with pytest.raises(ValueError, match="auto"):
        resolve_dcc_mode("yes")
    with pytest.raises(TypeError):
        resolve_dcc_mode(object())  # type: ignore[arg-type]


def test_a_qt_application_is_not_a_dcc(qapp):
    assert QtDispatcherBackend().is_available() is True
    assert is_dcc_environment() is False
    assert get_current_dcc_name() is None


# ----- 4. custom backends at every priority, driven by our dispatcher ---------------------------


def served_by_studio(host: Host) -> list:
    """A worker's sync call, served by the studio's loop: (value, ran-on, wakes)."""
    before = host.calls["execute_deferred"]
    out = in_worker(lambda: td.run_on_main_thread_sync(threading.get_ident, timeout=10), host.serve)
    assert "error" not in out, out
    return [out["value"], host.calls["execute_deferred"] - before > 0]


@pytest.mark.parametrize(
    ("priority", "serves"),
    [
        (1000, "studio"),
        (250, "studio"),
        (120, "studio"),
        (1, "studio"),
        (0, "standalone"),  # a tie: the built-in registered first wins
        (-10, "standalone"),
    ],
)
def test_custom_backend_priority_outside_a_dcc(studio, no_qt, priority, serves):
    register_dispatcher_backend(studio_backend(), priority=priority, name="Studio")
    assert utils.current_host() == serves
    if serves == "studio":
        assert served_by_studio(studio) == [MAIN_IDENT, True]
        assert type(get_dispatcher_backend()).__name__ == "StudioBackend"
    else:
        out = in_worker(lambda: td.run_on_main_thread_sync(threading.get_ident), serve_standalone)
        assert out["value"] == MAIN_IDENT
        assert studio.calls["execute_deferred"] == 0


@pytest.mark.parametrize(
    ("priority", "serves"),
    [(250, "studio"), (201, "studio"), (200, "maya"), (160, "maya"), (50, "maya")],
)
def test_custom_backend_priority_inside_maya(studio, priority, serves):
    with installed("maya", ["maya", "maya.utils", "maya.cmds"]) as (maya, _, _):
        register_dispatcher_backend(studio_backend(), priority=priority)
        assert utils.current_host() == serves
        assert is_dcc_environment() is True
        if serves == "studio":
            assert served_by_studio(studio) == [MAIN_IDENT, True]
            assert maya._fake.calls["executeDeferred"] == 0
        else:
            out = in_worker(lambda: td.run_on_main_thread_sync(threading.get_ident), maya._fake.run)
            assert out["value"] == MAIN_IDENT
            assert maya._fake.calls["executeDeferred"] >= 1
            assert studio.calls["execute_deferred"] == 0
        utils.shutdown_dispatcher()


@pytest.mark.parametrize(("priority", "serves"), [(150, "studio"), (101, "studio"), (100, "qt")])
def test_custom_backend_priority_in_a_qt_application(studio, qapp, priority, serves):
    register_dispatcher_backend(studio_backend(), priority=priority)
    assert utils.current_host() == serves
    assert is_dcc_environment() is (priority >= DispatcherPriority.DCC_THRESHOLD)
    if serves == "studio":
        assert served_by_studio(studio) == [MAIN_IDENT, True]
        assert get_current_dcc_name() == ("Studio" if priority >= 150 else None)
    else:
        out = in_worker(lambda: td.run_on_main_thread_sync(threading.get_ident), run_qt_until)
        assert out["value"] == MAIN_IDENT
        assert studio.calls["execute_deferred"] == 0


def test_registering_later_reselects_and_keeps_queued_work(studio, no_qt):
    """A backend registered after the dispatcher is wired takes over at the next dispatch;
    posts queued meanwhile are served by it, once each, in order."""
    rec = Recorder()
    assert utils.current_host() == "standalone"
    for i in range(3):
        td.run_on_main_thread(rec, i)  # queued for the standalone loop, not served yet
    register_dispatcher_backend(studio_backend(), priority=250)
    assert utils.current_host() == "studio"
    studio.serve_until(lambda: len(rec.ran) == 3, 10)
    assert rec.ran == [(0, MAIN_IDENT), (1, MAIN_IDENT), (2, MAIN_IDENT)]
    # Unregistered: back to the standalone loop, which serves the next posts.
    assert unregister_dispatcher_backend(studio_backend()) is True
    td.run_on_main_thread(rec, 3)
    assert utils.current_host() == "standalone"
    serve_standalone(lambda: len(rec.ran) == 4, 5)
    assert rec.values() == [0, 1, 2, 3]


# ----- 5. the documented custom backend through every dispatch scenario -------------------------


@pytest.fixture
def studio_served(studio, no_qt):
    """The studio host with its backend registered by path, as a studio's plugin would."""
    register_dispatcher_backend("studio_dispatch:StudioBackend", priority=250, name="Studio")
    assert "studio_dispatch" not in sys.modules  # loaded at the first dispatch only
    return studio


def test_studio_detection(studio_served):
    check_detection(studio_served)
    assert "studio_dispatch" in sys.modules
    assert (250, "Studio", True) in list_dispatcher_backends()


def test_studio_stress(studio_served):
    check_stress(studio_served)


def test_studio_exceptions(studio_served):
    check_exceptions(studio_served)


def test_studio_timeout_while_blocked(studio_served):
    check_timeout_while_blocked(studio_served)


def test_studio_inline_on_main(studio_served):
    check_inline_on_main(studio_served)


def test_studio_shutdown(studio_served):
    check_shutdown(studio_served)


def test_studio_decorators(studio_served):
    check_decorators(studio_served)


def test_studio_first_use_from_worker(studio_served):
    check_first_use_from_worker(studio_served)


def test_studio_work_is_sliced(studio_served):
    check_work_is_sliced(studio_served, studio_served.fake.loop)


def test_studio_burst_costs_one_wake(studio_served):
    """2000 posts made while the host is busy ask it for one wake (run_deferred runs on
    auroraview's wake thread, so the count is read once that thread is done)."""
    warm_up(studio_served)
    calls = studio_served.calls
    before = calls["execute_deferred"]
    rec = Recorder()
    join_all(start_threads(lambda _: [td.run_on_main_thread(rec, i) for i in range(2000)], 1))
    deadline = time.monotonic() + 5
    while calls["execute_deferred"] == before and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(0.05)  # a second wake would have been delivered by now
    assert calls["execute_deferred"] - before == 1
    studio_served.serve_until(lambda: len(rec.ran) == 2000, 20)
    assert rec.values() == list(range(2000))
    assert calls["execute_deferred"] - before < 100  # re-armed for leftovers only


def test_studio_backend_sees_run_deferred_off_the_callers_thread(studio_served):
    """run_deferred runs on auroraview's wake thread: never the caller's, never main."""
    seen: list = []
    backend_cls = studio_backend()
    original = backend_cls.run_deferred

    def spy(self, func, *args, **kwargs):
        seen.append(threading.current_thread().name)
        return original(self, func, *args, **kwargs)

    backend_cls.run_deferred = spy
    try:
        out = in_worker(
            lambda: td.run_on_main_thread_sync(threading.get_ident), studio_served.serve
        )
        td.run_on_main_thread(print, end="")
        studio_served.serve_for(0.1)
    finally:
        backend_cls.run_deferred = original
    assert out["value"] == MAIN_IDENT
    assert seen and all(name == "auroraview-wake-studio" for name in seen), seen


# ----- 6. the environment override ---------------------------------------------------------------


def test_env_selects_a_custom_backend_by_name(studio, no_qt, monkeypatch):
    register_dispatcher_backend(studio_backend(), priority=-5, name="Studio")
    assert utils.current_host() == "standalone"  # by priority
    utils.shutdown_dispatcher()
    monkeypatch.setenv("AURORAVIEW_DISPATCHER", "STUDIO")  # case-insensitive
    assert utils.current_host() == "studio"
    assert served_by_studio(studio) == [MAIN_IDENT, True]


def test_env_maps_upstream_names_onto_ours(monkeypatch, qapp):
    monkeypatch.setenv("AURORAVIEW_DISPATCHER", "qt")
    assert utils.current_host() == "qt"
    assert isinstance(get_dispatcher_backend(), QtDispatcherBackend)
    utils.shutdown_dispatcher()
    monkeypatch.setenv("AURORAVIEW_DISPATCHER", "standalone")  # ours, kept
    assert utils.current_host() == "standalone"
    utils.shutdown_dispatcher()
    monkeypatch.setenv("AURORAVIEW_DISPATCHER", "Fallback")
    assert utils.current_host() == "fallback"
    backend = get_dispatcher_backend()
    assert isinstance(backend, FallbackDispatcherBackend) and "Fallback" in backend.get_name()


def test_env_errors_are_clear(studio, no_qt, monkeypatch):
    """Documented difference: upstream ignores an unknown name (or an unavailable forced
    backend) and falls back silently; here both are errors that say what to do."""
    register_dispatcher_backend(studio_backend(), priority=250)
    monkeypatch.setenv("AURORAVIEW_DISPATCHER", "nonexistent_backend")
    with pytest.raises(AuroraViewError, match="choose one of") as info:
        td.run_on_main_thread(print)
    assert "'studio'" in str(info.value) and "'fallback'" in str(info.value)
    monkeypatch.setenv("AURORAVIEW_DISPATCHER", "studio")
    monkeypatch.setattr(studio.studio, "HEADLESS", True)
    with pytest.raises(AuroraViewError, match="is_available"):
        get_dispatcher_backend()


def test_env_fallback_runs_inline_like_upstream(monkeypatch, caplog):
    """AURORAVIEW_DISPATCHER=fallback: upstream's behaviour outside a DCC, for tool tests."""
    caplog.set_level(logging.DEBUG, logger="auroraview.dispatch")
    monkeypatch.setenv("AURORAVIEW_DISPATCHER", "fallback")
    rec = Recorder()

    @td.defer_to_main_thread
    def deferred(x):
        rec(("deferred", x))

    @td.ensure_main_thread
    def ensured(x):
        return rec(("ensured", x))

    def worker():
        td.run_on_main_thread(rec, "posted")  # runs now, here
        assert rec.values() == ["posted"]
        value = td.run_on_main_thread_sync(rec, "sync")
        deferred(1)
        ensured(2)
        td.dcc_thread_safe_async(rec)("async")
        td.run_on_main_thread(lambda: 1 / 0)  # logged, not raised
        return value

    out = in_worker(worker)
    assert out.get("value") == "sync", out
    assert rec.values() == ["posted", "sync", ("deferred", 1), ("ensured", 2), "async"]
    assert {ident for _, ident in rec.ran} == {out["thread"]}  # all inline, on the worker
    errors = [r for r in caplog.records if r.exc_info and r.exc_info[0] is ZeroDivisionError]
    assert len(errors) == 1
    # On the main thread a post runs inline too (upstream's fallback did).
    td.run_on_main_thread(rec, "main")
    assert rec.ran[-1] == ("main", MAIN_IDENT)
    assert utils.current_host() == "fallback"


# ----- 7. FallbackDispatcherBackend used directly ------------------------------------------------


def test_fallback_backend_runs_inline_and_propagates(caplog):
    caplog.set_level(logging.WARNING, logger="auroraview.dispatch")
    backend = FallbackDispatcherBackend()
    assert backend.is_available() is True
    rec = Recorder()
    backend.run_deferred(rec, 1)
    assert rec.ran == [(1, MAIN_IDENT)]
    assert backend.run_sync(lambda a, b, c=0: a + b + c, 1, 2, c=3) == 6
    with pytest.raises(ValueError, match="boom"):
        backend.run_sync(lambda: (_ for _ in ()).throw(ValueError("boom")))
    with pytest.raises(KeyError):
        backend.run_deferred(lambda: {}["missing"])
    out = in_worker(lambda: backend.run_sync(threading.get_ident))
    assert out["value"] == out["thread"] != MAIN_IDENT  # its contract: inline, any thread
    assert rec.ran == [(1, MAIN_IDENT)]


# ----- 8. custom backends that misbehave: bounded, typed, nothing lost --------------------------


def _studio_subclass(run_deferred: Callable[..., None]) -> type:
    return type("FlakyBackend", (studio_backend(),), {"run_deferred": run_deferred})


@pytest.mark.parametrize("exc_type", [RuntimeError, KeyboardInterrupt, SystemExit])
def test_run_deferred_that_raises_then_recovers(studio, no_qt, caplog, exc_type):
    caplog.set_level(logging.DEBUG, logger="auroraview.dispatch")
    state = {"failing": True, "attempts": 0}

    def run_deferred(self, func, *args, **kwargs):
        state["attempts"] += 1
        if state["failing"]:
            raise exc_type("the host refused the deferral")
        studio.studio.execute_deferred(func, *args, **kwargs)

    register_dispatcher_backend(_studio_subclass(run_deferred), priority=250, name="Flaky")
    rec = Recorder()

    def before():
        for i in range(5):
            td.run_on_main_thread(rec, i)
        return td.run_on_main_thread_sync(rec, "victim", timeout=0.3)

    out = in_worker(before, studio.fake.run)
    err = out.get("error")
    assert isinstance(err, ThreadDispatchTimeoutError) and isinstance(err, NoMainLoopError), out
    assert 0.3 <= out["elapsed"] < 3.3
    assert "run_deferred() raised" in str(err) and exc_type.__name__ in str(err)
    assert rec.ran == [] and state["attempts"] >= 2  # retried while the call waited
    first_errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(first_errors) == 1 and "Flaky" in first_errors[0].getMessage()
    assert first_errors[0].exc_info[0] is exc_type
    # The host accepts deferrals again: the next use re-wires; queued posts run once each.
    state["failing"] = False
    out = in_worker(lambda: td.run_on_main_thread_sync(rec, "after", timeout=10), studio.fake.run)
    assert out.get("value") == "after", out
    assert rec.values() == [0, 1, 2, 3, 4, "after"]  # "victim" timed out: never ran
    assert {ident for _, ident in rec.ran} == {MAIN_IDENT}
    studio.serve_for(0.2)
    assert rec.values() == [0, 1, 2, 3, 4, "after"]
    assert any("serves again" in r.getMessage() for r in caplog.records)


def test_run_deferred_that_never_runs_the_function(no_qt, caplog):
    caplog.set_level(logging.WARNING, logger="auroraview.dispatch")
    swallowed: list = []

    class BlackHoleBackend(ThreadDispatcherBackend):
        def is_available(self):
            return True

        def run_deferred(self, func, *args, **kwargs):
            swallowed.append(func)  # "queued" in a host loop that never runs

        def run_sync(self, func, *args, **kwargs):
            raise AssertionError("auroraview must not call run_sync")

    register_dispatcher_backend(BlackHoleBackend, priority=10)
    rec = Recorder()

    def calls():
        for i in range(3):
            td.run_on_main_thread(rec, i)
        return td.run_on_main_thread_sync_with_timeout(rec, "victim", timeout=0.3)

    out = in_worker(calls)
    err = out.get("error")
    assert isinstance(err, ThreadDispatchTimeoutError), out
    assert "'BlackHole'" in str(err) and "run_deferred" in str(err)
    assert 0.3 <= out["elapsed"] < 3.3
    assert swallowed  # it was asked
    # Nothing was lost silently: shutdown reports each post it drops.
    assert utils.shutdown_dispatcher() >= 3
    dropped = [r.getMessage() for r in caplog.records if "did not run" in r.getMessage()]
    assert len(dropped) == 3, dropped
    for pump in swallowed:  # the host finally runs its stale deferrals: nothing happens
        pump()
    assert rec.ran == []


def test_run_deferred_that_runs_the_function_on_another_thread(no_qt, caplog):
    caplog.set_level(logging.ERROR, logger="auroraview.dispatch")

    class WrongThreadBackend(ThreadDispatcherBackend):
        def is_available(self):
            return True

        def run_deferred(self, func, *args, **kwargs):
            threading.Thread(target=func, args=args, kwargs=kwargs, name="not-main").start()

        def run_sync(self, func, *args, **kwargs):
            return func(*args, **kwargs)

    register_dispatcher_backend(WrongThreadBackend, priority=10)
    rec = Recorder()
    out = in_worker(lambda: td.run_on_main_thread_sync(rec, "x", timeout=0.3))
    assert isinstance(out.get("error"), ThreadDispatchTimeoutError), out
    assert "not the main thread" in str(out["error"])
    assert rec.ran == []  # never ran anywhere, least of all off the main thread
    errors = [r.getMessage() for r in caplog.records]
    assert len(errors) == 1 and "'not-main'" in errors[0]
    # The main thread can still serve the queue itself: nothing is stuck.
    td.run_on_main_thread(rec, "posted")
    utils.pump_main_thread()
    assert rec.ran == [("posted", MAIN_IDENT)]


def test_run_deferred_that_blocks_cannot_stretch_a_callers_wait(no_qt):
    release = threading.Event()

    class BlockingBackend(ThreadDispatcherBackend):
        def is_available(self):
            return True

        def run_deferred(self, func, *args, **kwargs):
            release.wait(30)  # a blocking host API used where a deferral was needed

        def run_sync(self, func, *args, **kwargs):
            return func(*args, **kwargs)

    register_dispatcher_backend(BlockingBackend, priority=10)
    rec = Recorder()
    try:

        def calls():
            t0 = time.monotonic()
            td.run_on_main_thread(rec, "posted")
            posted_in = time.monotonic() - t0
            try:
                td.run_on_main_thread_sync(rec, "victim", timeout=0.3)
            except ThreadDispatchTimeoutError as exc:
                return posted_in, exc

        out = in_worker(calls)
        posted_in, exc = out["value"]
        assert posted_in < 5 and isinstance(exc, DispatchTimeoutError)  # not the 30 s block
        assert out["elapsed"] < 3.3
    finally:
        release.set()
    # The posted function is still queued (not lost), and runs when the main thread serves.
    utils.pump_main_thread()
    assert rec.ran == [("posted", MAIN_IDENT)]


def test_unavailable_and_broken_backends_are_skipped(studio, no_qt, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG, logger="auroraview.dispatch")
    monkeypatch.setattr(studio.studio, "HEADLESS", True)  # the command-line build
    register_dispatcher_backend(studio_backend(), priority=250)

    class RaisingCheckBackend(_backend_class("Base")):
        def is_available(self):
            raise OSError("licence server unreachable")

    class BrokenInitBackend(_backend_class("Base")):
        def __init__(self):
            raise RuntimeError("cannot start")

    register_dispatcher_backend(RaisingCheckBackend, priority=300)
    register_dispatcher_backend(BrokenInitBackend, priority=301)
    for _ in range(3):
        listed = {n: a for _, n, a in list_dispatcher_backends()}
        assert utils.current_host() == "standalone"
    assert listed["Studio"] is False and listed["RaisingCheck"] is False
    assert listed["BrokenInit"] is False
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2, warnings  # once each, however often asked
    out = in_worker(lambda: td.run_on_main_thread_sync(threading.get_ident), serve_standalone)
    assert out["value"] == MAIN_IDENT
    assert studio.calls["execute_deferred"] == 0


def test_unregistering_a_stuck_backend_hands_its_queue_over(no_qt):
    class BlackHoleBackend(_backend_class("Base")):
        def is_available(self):
            return True

    register_dispatcher_backend(BlackHoleBackend, priority=10)
    rec = Recorder()
    join_all(start_threads(lambda _: [td.run_on_main_thread(rec, i) for i in range(50)], 1))
    assert utils.current_host() == "blackhole" and rec.ran == []
    assert unregister_dispatcher_backend(BlackHoleBackend) is True
    assert utils.current_host() == "standalone"
    serve_standalone(lambda: len(rec.ran) == 50, 5)
    assert rec.values() == list(range(50))
    assert {ident for _, ident in rec.ran} == {MAIN_IDENT}


# ----- 9. the wrappers -------------------------------------------------------------------------


def test_wrappers_on_the_standalone_loop(no_qt):
    rec = Recorder()

    @td.defer_to_main_thread
    def deferred(x):
        """Deferred docstring."""
        rec(("deferred", x))

    sync_wrapped = td.wrap_callback_for_dcc(lambda x: rec(("wrapped", x)))
    async_wrapped = td.wrap_callback_for_dcc(lambda x: rec(("wrapped-async", x)), async_mode=True)
    assert deferred.__name__ == "deferred" and deferred.__doc__ == "Deferred docstring."

    def worker():
        results = [
            td.run_on_main_thread_sync_with_timeout(rec, "with-timeout"),
            deferred(1),
            sync_wrapped(2),
            async_wrapped(3),
        ]
        return results

    out = in_worker(worker, serve_standalone)
    assert out["value"] == ["with-timeout", None, ("wrapped", 2), None], out
    serve_standalone(lambda: len(rec.ran) == 4, 5)
    assert sorted(map(str, rec.values())) == sorted(
        map(str, ["with-timeout", ("deferred", 1), ("wrapped", 2), ("wrapped-async", 3)])
    )
    assert {ident for _, ident in rec.ran} == {MAIN_IDENT}
    # Documented difference: on the main thread the async decorators queue (never inline).
    deferred(9)
    assert rec.ran[-1][0] != ("deferred", 9)
    utils.pump_main_thread()
    assert rec.ran[-1] == (("deferred", 9), MAIN_IDENT)
    with pytest.raises(TypeError):
        td.wrap_callback_for_dcc(None)  # type: ignore[arg-type]
