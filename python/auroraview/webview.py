"""``WebView``: a real system WebView (WebKitGTK / WebView2 / WKWebView) driven from Python.

The native WebView lives on auroraview's UI thread; this object only sends it commands (any
thread may use it). The page's ``auroraview.call``/``emit`` reach the handlers registered
with :meth:`WebView.on`: on the WebView's handler thread, or on the host's main thread for
``dcc_mode=True`` and ``@dcc_thread_safe`` handlers (queued to the dispatcher, never
blocking the handler thread). A handler's return value resolves the page's Promise; its
exception rejects it with the exception's type and message.

What must not live here: waiting or queueing logic (that is Rust's), host detection
(``utils.thread_dispatcher``).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from typing import Any, Callable, Optional, TypeVar, Union

from . import _asyncio, _bindings, _core, _debugging, _profiles, _protocol, _runtime
from ._defaults import DEFAULT_EVAL_TIMEOUT_MS, HANDLER_GRACE_SECONDS
from ._describe import describe
from ._dialogs import Dialogs, PageDialogs
from ._events import WindowEventMethods, WindowEvents
from ._payload import from_json, to_json
from ._router import Router, run_callback
from ._window import window_options
from .errors import DispatchTimeoutError, PayloadError, WebViewStartError, WrongThreadError
from .utils.thread_dispatcher import (
    current_adapter,
    current_host,
    is_main_thread,
    run_main_loop,
    run_on_main_thread,
    run_on_main_thread_sync,
    stop_main_loop,
)
from .utils.thread_dispatcher.backend_registry import resolve_dcc_mode

__all__ = ["WebView"]

logger = logging.getLogger("auroraview.webview")

F = TypeVar("F", bound=Callable[..., Any])
EvalCallback = Callable[[Any, Optional[BaseException]], None]


def _native_window_id(parent: Any) -> Optional[int]:
    """The native window id to embed in: an int as given, or a Qt widget's ``winId()``
    (made a native window first)."""
    if parent is None or isinstance(parent, int):
        return parent
    win_id = getattr(parent, "winId", None)
    if win_id is None:
        raise TypeError(f"parent must be a Qt widget or a native window id, not {parent!r}")
    set_attribute = getattr(parent, "setAttribute", None)
    if set_attribute is not None:
        from ._qt_binding import running_qt_core

        core = running_qt_core()
        if core is not None:
            attrs = getattr(core.Qt, "WidgetAttribute", core.Qt)
            set_attribute(attrs.WA_NativeWindow)
    return int(win_id())


def _origins(allowed: Union[str, Iterable[str]]) -> list[str]:
    """``allowed_origins`` as a list of strings: one str is one origin (not its letters)."""
    if isinstance(allowed, str):
        return [allowed]
    origins = list(allowed)
    for origin in origins:
        if not isinstance(origin, str):
            raise TypeError(
                f"allowed_origins must be strings such as 'https://tools.studio.local', "
                f"not {type(origin).__name__}"
            )
    return origins


def _host_loop_serves() -> bool:
    """True if the host's own loop serves the main thread (see HostAdapter)."""
    current_host()  # (re)detects the host
    adapter = current_adapter()
    return adapter is not None and adapter.host_loop_serves()


#: Open WebViews (by id), so the interpreter's exit can close them first: their handler
#: threads must finish calling into Python before Python finalizes.
_OPEN: dict[int, tuple[_core.WebViewProxy, Router]] = {}


@atexit.register
def _close_all_at_exit(timeout: float = 2.0) -> None:
    views = list(_OPEN.values())
    for core, _router in views:
        core.close()
    # Hosted mode after the host's loop has ended (app.exec() returned): nothing would run
    # the close we just queued, so run it here, on the UI thread, now.
    _core.run_ui_pass()
    # Then wait until the runtime's threads are done calling into Python for them (on_closed
    # callbacks, evaluation callbacks): Python must not finalize under them.
    deadline = time.monotonic() + timeout
    for core, _router in views:
        core.wait_finished(max(0.0, deadline - time.monotonic()))


class _Creation:
    """A hosted WebView created on the main thread for a worker that may stop waiting: if
    the worker gave up (``create_timeout``), the WebView is closed as soon as it exists."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.abandoned = False
        self.core: Optional[_core.WebViewProxy] = None

    def keep(self, core: _core.WebViewProxy) -> _core.WebViewProxy:
        with self.lock:
            self.core = core
            abandoned = self.abandoned
        if abandoned:
            core.close()
        return core

    def abandon(self) -> None:
        with self.lock:
            self.abandoned = True
            core = self.core
        if core is not None:
            core.close()


class WebView(WindowEventMethods):
    """A WebView window whose page talks to Python.

    Args:
        title, url, html, width, height: what to show (``url`` or ``html``, not both).
        parent: the host window to embed in: a Qt widget (made native) or a native window
            id (an X11 window id on Linux, an HWND on Windows, an ``NSView*`` on macOS: what
            ``QWidget.winId()`` returns on each). The WebView then fills ``width`` x ``height`` at
            the parent's origin; call :meth:`set_bounds` when the parent resizes (or use
            :class:`auroraview.qt.QtWebView`, which does it for you).
        dcc_mode: run every handler on the host's main thread (RFC 0002 section 2);
            ``"auto"``: only inside a detected DCC (``is_dcc_environment()``).
        debug: enable the web inspector.
        allowed_origins: origins (``"https://tools.studio.local"``) whose pages may use the
            bridge, besides inline HTML, local files and URLs you load yourself (one str is
            one origin).
        create_timeout: seconds to wait for the native WebView to exist.
        mode: "own" (a dedicated UI thread), "hosted" (the host's main thread, serviced by
            its running event loop: the automatic choice in a Qt application on Linux) or
            None/"auto" (choose; ``AURORAVIEW_WEBVIEW_MODE`` overrides).
        asset_root: a folder (a built front end's ``dist/``) served at
            ``auroraview://localhost/``; ``url`` then defaults to
            ``auroraview://localhost/index.html`` (a path relative to the root is refused:
            name pages by their URL). Pages of that origin get the bridge.
        protocols: ``{scheme: handler}`` registered before the first page loads (see
            :meth:`register_protocol`).
        capture_file_drop: OS file drops go to ``on_file_drop`` callbacks and the page's
            ``file_drop`` event, with absolute paths (the page gets no HTML5 drop).
        data_directory: where browser data (localStorage, IndexedDB, cookies) is kept;
            default: a folder per application under the user's data directory.
        incognito: keep no browser data at all.
        frameless, always_on_top, position, min_size, max_size, icon, maximized,
            transparent: top-level window options (see ``auroraview._window``).
        new_window: "browser" (a page's new-window request made by a user's click opens in
            the default browser) or "deny"; ``on_new_window`` callbacks may decide instead.
        veto_timeout: seconds a navigation or close waits for ``on_navigation`` /
            ``on_close_requested`` callbacks (and the page) before it goes ahead.
        remote_debugging_port: serve remote inspection on 127.0.0.1 (see
            ``auroraview._debugging``; implies ``debug``).
        forward_console: the page's ``console.*`` messages go to the
            ``auroraview.console`` logger.
    """

    def __init__(
        self,
        title: str = "auroraview",
        url: Optional[str] = None,
        html: Optional[str] = None,
        width: int = 800,
        height: int = 600,
        parent: Any = None,
        dcc_mode: Union[bool, str] = False,
        debug: bool = False,
        *,
        resizable: bool = True,
        allowed_origins: Union[str, Iterable[str]] = (),
        create_timeout: float = 30.0,
        mode: Optional[str] = None,
        asset_root: Optional[Union[str, os.PathLike]] = None,
        protocols: Optional[Mapping[str, Callable[..., Any]]] = None,
        capture_file_drop: bool = False,
        data_directory: Optional[Union[str, os.PathLike]] = None,
        incognito: bool = False,
        frameless: bool = False,
        always_on_top: bool = False,
        position: Optional[tuple[int, int]] = None,
        min_size: Optional[tuple[int, int]] = None,
        max_size: Optional[tuple[int, int]] = None,
        icon: Optional[Union[str, os.PathLike]] = None,
        maximized: bool = False,
        transparent: bool = False,
        new_window: str = "browser",
        veto_timeout: float = 5.0,
        remote_debugging_port: Optional[int] = None,
        forward_console: bool = False,
        _naive_delivery: bool = False,
    ) -> None:
        if url is not None and html is not None:
            raise ValueError("pass url= or html=, not both")
        url = _protocol.asset_url(asset_root, url, html)
        parent_id = _native_window_id(parent)
        dcc_mode = resolve_dcc_mode(dcc_mode)
        self._dcc_mode = dcc_mode
        self._handlers: dict[str, Callable[..., Any]] = {}
        self._router = Router(self._handlers, dcc_mode)
        self._window_events = WindowEvents(dcc_mode, new_window, veto_timeout)
        self._router.window_events = self._window_events
        self._router.internal_calls["auroraview:dialog"] = PageDialogs(self)
        window = window_options(
            frameless=frameless,
            always_on_top=always_on_top,
            position=position,
            min_size=min_size,
            max_size=max_size,
            icon=icon,
            maximized=maximized,
            transparent=transparent,
        )
        debug = bool(debug) or remote_debugging_port is not None
        _debugging.enable(remote_debugging_port, _core.runtime_mode() is not None)
        if is_main_thread():
            self._router.main_loop = _asyncio.main_thread_loop()
        for scheme, handler in dict(protocols or {}).items():
            self._check_protocol(scheme, handler)
            self._router.protocols[scheme] = handler
        self._serving = False
        self._serving_lock = threading.Lock()
        spec = {
            "title": title,
            "url": url,
            "html": html,
            "width": int(width),
            "height": int(height),
            "resizable": bool(resizable),
            "visible": False,
            "debug": bool(debug),
            "allowed_origins": _origins(allowed_origins),
            "parent": parent_id,
            "naive_delivery": bool(_naive_delivery),  # benchmark baseline only
            "asset_root": None if asset_root is None else os.fspath(asset_root),
            "schemes": list(self._router.protocols),
            "capture_file_drop": bool(capture_file_drop),
            "data_directory": _profiles.resolve(data_directory, bool(incognito)),
            "incognito": bool(incognito),
            "forward_console": bool(forward_console),
            "window": window,
        }
        self._mode = _runtime.choose_mode(mode)
        if self._mode == "hosted" and not is_main_thread():
            self._core = self._create_on_main_thread(spec, create_timeout)
        else:
            self._core = self._create(spec, create_timeout)
        view_id = self._core.id
        self._router.core = self._core
        self._window_events.core = self._core
        self._window_events.sync_guards()
        self._router.route_direct()
        _OPEN[view_id] = (self._core, self._router)
        self._router.internal_on_closed.append(self._stop_serving)
        self._router.internal_on_closed.append(lambda: _OPEN.pop(view_id, None))

    def _create(self, spec: dict, timeout: float) -> _core.WebViewProxy:
        _runtime.ensure_started(self._mode)
        return _core.create_webview(spec, self._router, timeout)

    def _create_on_main_thread(self, spec: dict, timeout: float) -> _core.WebViewProxy:
        """Hosted WebViews live on the host's main thread: create it there, waiting at most
        ``timeout``. One that is still being built when the wait ends is closed as soon as
        it exists, so a timed-out constructor leaves nothing behind."""
        creation = _Creation()
        try:
            return run_on_main_thread_sync(
                lambda: creation.keep(self._create(spec, timeout)), timeout=timeout
            )
        except DispatchTimeoutError as exc:
            creation.abandon()
            raise WebViewStartError(
                f"the WebView was not created within create_timeout={timeout} s: the host's "
                f"main thread did not get to it ({describe(exc)}); nothing is left open"
            ) from exc

    @property
    def dialog(self) -> Dialogs:
        """Native dialogs parented to this WebView's window: ``open_file``, ``open_files``,
        ``save_file``, ``pick_folder``, ``message``, ``confirm`` (bounded waits, any thread
        but the hosted main thread) and their ``*_async`` forms (Futures)."""
        return Dialogs(self)

    @property
    def mode(self) -> str:
        """ "own" (a dedicated UI thread) or "hosted" (the host's main thread)."""
        return self._mode

    # -- handlers ---------------------------------------------------------------------

    def on(self, event_name: str) -> Callable[[F], F]:
        """Register the decorated function as the handler of ``event_name``: the page's
        ``auroraview.call(event_name, data)`` resolves with its return value, and
        ``auroraview.emit(event_name, data)`` calls it too. Returns the function unchanged."""

        def register(func: F) -> F:
            if not callable(func):
                raise TypeError(f"handler for {event_name!r} is not callable")
            self._handlers[event_name] = func
            return func

        return register

    @staticmethod
    def _check_protocol(scheme: Any, handler: Any) -> None:
        if not isinstance(scheme, str):
            raise TypeError(f"a scheme is a str such as 'studio', not {type(scheme).__name__}")
        if not callable(handler):
            raise TypeError(f"the handler of {scheme!r}:// is not callable")

    def register_protocol(
        self, scheme: str, handler: Optional[Callable[..., Any]] = None
    ) -> Callable[..., Any]:
        """Answer the page's requests for ``scheme://...`` URLs with ``handler(request)``
        (an :class:`auroraview.ProtocolRequest`), on auroraview's protocol threads, several
        at once. It returns a :class:`auroraview.ProtocolResponse`, bytes, str, a
        ``pathlib.Path`` (streamed) or ``(status, headers, body)``; what it raises answers
        500 with the error. Usable as a decorator (``@webview.register_protocol("studio")``).
        Register before the page asks (or pass ``protocols=`` to the constructor): a
        scheme with no handler answers 404."""
        if handler is None:
            return lambda func: self.register_protocol(scheme, func)
        self._check_protocol(scheme, handler)
        self._core.register_scheme(scheme)  # ValueError for a reserved or invalid name
        self._router.protocols[scheme] = handler
        return handler

    def bind_call(self, name: str, func: Optional[Callable[..., Any]] = None) -> Callable[..., Any]:
        """``on(name)`` for calls (AuroraView's name): ``auroraview.call(name, data)`` runs
        ``func(data)``. Usable as a decorator."""
        if func is None:
            return self.on(name)
        return self.on(name)(func)

    def bind_api(self, obj: Any, namespace: str = "api") -> list[str]:
        """Expose every public method of ``obj`` to the page as
        ``auroraview.<namespace>.<method>(...)``, returning a Promise. Positional arguments
        map as given; keywords through ``auroraview.kwargs({...})`` as the last argument.
        Methods are routed like handlers (``dcc_mode``, ``@dcc_thread_safe``,
        ``async def``, a ``Channel`` parameter); their exceptions reject the Promise. Binding
        a namespace again replaces it. Bindings live in Python: they hold across reloads
        and navigation. Returns the bound names (``"api.export"``, ...)."""
        _bindings.check_namespace(namespace)
        methods = _bindings.methods_of(obj)
        bindings = self._router.bindings
        prefix = namespace + "."
        fresh = {prefix + name: method for name, method in methods.items()}
        for key in [k for k in bindings if k.startswith(prefix)]:
            if key not in fresh:
                bindings.pop(key, None)
        bindings.update(fresh)
        return sorted(fresh)

    def unbind_api(self, namespace: str = "api") -> None:
        """Remove the methods bound in ``namespace`` (calls then reject with LookupError)."""
        prefix = namespace + "."
        for key in [k for k in self._router.bindings if k.startswith(prefix)]:
            self._router.bindings.pop(key, None)

    def off(self, event_name: str) -> None:
        """Remove the handler of ``event_name`` (calls then reject with "no handler")."""
        self._handlers.pop(event_name, None)

    def on_closed(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` (on the handler thread) once the WebView has closed and its
        handlers have finished. Whatever a callback raises is logged; the others still run."""
        self._router.on_closed.append(callback)

    @property
    def dcc_mode(self) -> bool:
        return self._dcc_mode

    # -- window -----------------------------------------------------------------------

    def show(self, block: Optional[bool] = None) -> None:
        """Show the window. ``block=True`` then serves the main thread until the window
        closes: our loop in own mode (dcc_mode handlers, ``run_on_main_thread``), the Qt
        event loop in hosted mode. The default blocks only where no host event loop serves
        the main thread (standalone scripts, Blender in background mode), so that something
        does.

        A blocking ``show()`` returns once the WebView has closed and its handlers have
        finished, or ``HANDLER_GRACE_SECONDS`` (5 s) after the close when a handler is still
        running then (logged with the handler's name; it goes on in the background)."""
        self._core.set_visible(True)
        if block is None:
            block = self._mode == "own" and not _host_loop_serves()
        if not block:
            return
        if not is_main_thread():
            raise WrongThreadError("show(block=True) must be called on the main thread")
        if self._mode == "hosted":
            self._run_host_loop_until_closed()
        else:
            self._run_own_loop_until_closed()
        if not self._router.closed.is_set():
            logger.warning(
                "auroraview: show() returns %.0f s after WebView %d closed, while handler %r "
                "is still running (it goes on in the background)",
                HANDLER_GRACE_SECONDS,
                self._core.id,
                self._router.running,
            )

    def _run_own_loop_until_closed(self) -> None:
        """Own mode: serve the main thread with our loop until the WebView closes (the
        close hook stops the loop), then while its handlers finish, within the grace."""
        self._core.on_closed(self._stop_serving)
        with self._serving_lock:
            self._serving = True
        try:
            while not self._core.closed:
                run_main_loop()
            deadline = time.monotonic() + HANDLER_GRACE_SECONDS
            while not self._router.closed.is_set() and time.monotonic() < deadline:
                run_main_loop(timeout=deadline - time.monotonic())
        finally:
            with self._serving_lock:
                self._serving = False

    def _run_host_loop_until_closed(self) -> None:
        """Hosted mode: the WebView is serviced by the host's (Qt's) event loop, so block in
        that loop, not in ours, until the WebView closes and its handlers finish (within
        the grace)."""
        from ._qt_binding import exec_loop, running_qt_core

        qt = running_qt_core()
        if qt is None:
            raise WrongThreadError("show(block=True) in hosted mode needs the Qt application")
        loop = qt.QEventLoop()
        quit_loop = lambda: run_on_main_thread(loop.quit)  # noqa: E731  (any thread)
        self._core.on_closed(quit_loop)
        self._router.internal_on_closed.append(quit_loop)
        if not self._core.closed:
            exec_loop(loop)
        if not self._router.closed.is_set():
            qt.QTimer.singleShot(int(HANDLER_GRACE_SECONDS * 1000), loop.quit)
            if not self._router.closed.is_set():
                exec_loop(loop)

    def _stop_serving(self) -> None:
        # Under the lock: a stop requested after show() returned would be kept for the
        # next run_main_loop() and end it at once.
        with self._serving_lock:
            if self._serving:
                stop_main_loop()

    def set_bounds(self, x: int, y: int, width: int, height: int) -> None:
        """Place an embedded WebView inside its parent window (logical pixels)."""
        self._core.set_bounds(int(x), int(y), int(width), int(height))

    def reparent(self, parent: Any) -> None:
        """Move an embedded WebView into another parent (a Qt widget or native window id),
        or park it hidden with ``None`` (while its host window is being recreated)."""
        self._core.reparent(_native_window_id(parent))

    def hide(self) -> None:
        self._core.set_visible(False)

    def set_title(self, title: str) -> None:
        self._core.set_title(title)

    @property
    def closed(self) -> bool:
        """True once the WebView has closed and its handlers have finished."""
        return self._router.closed.is_set()

    def wait_closed(self, timeout: float = 30.0) -> bool:
        """Wait at most ``timeout`` seconds until the WebView has closed and its handlers
        have finished; True if it has.

        In hosted mode the main thread is the one that carries out the close: waiting there
        would freeze the host for the whole timeout, so a wait with ``timeout > 0`` on it
        raises ``WrongThreadError`` unless the WebView has closed already (``timeout=0``
        only checks). Use :meth:`on_closed` there."""
        if self._router.closed.is_set():
            return True
        if timeout > 0 and self._mode == "hosted" and is_main_thread():
            raise WrongThreadError(
                "wait_closed() on the host's main thread in hosted mode would freeze the host: "
                "this thread carries out the close. Use webview.on_closed(callback), or check "
                "webview.closed"
            )
        return self._router.closed.wait(timeout)

    def close(self) -> None:
        """Close the WebView (any thread). Pending evaluations end with WebViewClosedError."""
        self._core.close()

    def __enter__(self) -> WebView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- page -------------------------------------------------------------------------

    def emit(self, event_name: str, data: Any = None) -> None:
        """Deliver ``data`` to the page's ``auroraview.on(event_name, ...)`` listeners.
        Data JSON cannot hold raises ``PayloadError``."""
        self._core.emit(event_name, to_json(data, f"emit({event_name!r})"))

    def eval_js(self, script: str) -> None:
        """Run ``script`` in the page (fire-and-forget; errors are logged)."""
        self._core.eval(script)

    def eval_js_async(
        self,
        script: str,
        callback: Optional[EvalCallback] = None,
        timeout_ms: float = DEFAULT_EVAL_TIMEOUT_MS,
    ) -> Future:
        """Run ``script`` and deliver its value (Promises are awaited): ``callback(result,
        error)`` is called exactly once, on auroraview's completion thread, with the value
        or with a JavaScriptError, EvalTimeoutError, WebViewClosedError, PageChangedError
        or PayloadError (a value Python cannot decode). Also returns a
        ``concurrent.futures.Future`` that settles the same way
        (``await asyncio.wrap_future(f)``). Whatever the callback raises is logged."""
        future: Future = Future()
        future.set_running_or_notify_cancel()

        def done(value_json: Optional[str], error: Optional[BaseException]) -> None:
            value = None
            if error is None:
                try:
                    value = from_json(value_json or "null", "the script's value")
                except PayloadError as exc:
                    error = exc
            if error is None:
                run_callback(future.set_result, "settling an eval_js_async future", value)
            else:
                run_callback(future.set_exception, "settling an eval_js_async future", error)
            if callback is not None:
                run_callback(callback, "an eval_js_async callback", value, error)

        self._core.eval_async(script, done, float(timeout_ms))
        return future

    async def eval_js_awaitable(
        self, script: str, timeout_ms: float = DEFAULT_EVAL_TIMEOUT_MS
    ) -> Any:
        """``await webview.eval_js_awaitable(script)``: the script's value, from any asyncio
        loop on any thread (the awaiting loop is never blocked). Ends like
        :meth:`eval_js_async`: with the value or its error, at the latest after
        ``timeout_ms``. Cancelling the awaiting task stops the wait at once (the page may
        still run the script)."""
        import asyncio

        return await asyncio.wrap_future(self.eval_js_async(script, timeout_ms=timeout_ms))

    def eval_js_sync(self, script: str, timeout_ms: float = DEFAULT_EVAL_TIMEOUT_MS) -> Any:
        """Run ``script`` and return its value, waiting at most ``timeout_ms`` (GIL
        released). Raises on the UI thread itself (use :meth:`eval_js_async` there)."""
        return from_json(self._core.eval_sync(script, float(timeout_ms)), "the script's value")

    def load_url(self, url: str) -> None:
        self._core.load_url(url)

    def load_html(self, html: str) -> None:
        self._core.load_html(html)

    def reload(self) -> None:
        self._core.reload()

    # -- thread-safe handles ------------------------------------------------------------

    def get_proxy(self) -> WebViewProxy:
        """A handle whose every method is safe from any thread (RFC 0002 section 4)."""
        return WebViewProxy(self)

    def thread_safe(self) -> DCCThreadSafeWrapper:
        """A thread-safe wrapper for cross-thread use (RFC 0002 section 3)."""
        from .utils.dcc_thread_safe import DCCThreadSafeWrapper

        return DCCThreadSafeWrapper(self)

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<auroraview.WebView id={self._core.id} {state} dcc_mode={self._dcc_mode}>"


from .proxy import WebViewProxy  # noqa: E402  (circular: the proxy wraps a WebView)
from .utils.dcc_thread_safe import DCCThreadSafeWrapper  # noqa: E402
