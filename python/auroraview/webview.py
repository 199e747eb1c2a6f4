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
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any, Callable, Optional, TypeVar

from . import _core, _runtime
from ._defaults import DEFAULT_EVAL_TIMEOUT_MS
from ._payload import from_json, to_json, utf8_safe
from .errors import WrongThreadError
from .utils.dcc_thread_safe import MARKER
from .utils.thread_dispatcher import (
    current_adapter,
    current_host,
    is_main_thread,
    run_main_loop,
    run_on_main_thread,
    run_on_main_thread_sync,
    stop_main_loop,
)

__all__ = ["WebView"]

logger = logging.getLogger("auroraview.webview")

F = TypeVar("F", bound=Callable[..., Any])
EvalCallback = Callable[[Any, Optional[BaseException]], None]


def _route(handler: Callable[..., Any], dcc_mode: bool) -> tuple[Callable[..., Any], bool]:
    """The callable to run, and whether it must run on the host's main thread."""
    if getattr(handler, MARKER, False):
        # @dcc_thread_safe(_async): run the undecorated function on the main thread
        # ourselves, asynchronously, instead of blocking the handler thread in its wrapper.
        return getattr(handler, "__wrapped__", handler), True
    return handler, dcc_mode


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
        from .utils.thread_dispatcher.qt import running_qt_core

        core = running_qt_core()
        if core is not None:
            attrs = getattr(core.Qt, "WidgetAttribute", core.Qt)
            set_attribute(attrs.WA_NativeWindow)
    return int(win_id())


def _host_loop_serves() -> bool:
    """True if the host's own loop serves the main thread (see HostAdapter)."""
    current_host()  # (re)detects the host
    adapter = current_adapter()
    return adapter is not None and adapter.host_loop_serves()


def _undecodable(name: str, exc: BaseException) -> str:
    return f"the data sent to handler {name!r} cannot be decoded in Python: {exc}"


class _Router:
    """The sink the Rust runtime calls on the WebView's handler thread."""

    def __init__(self, handlers: dict[str, Callable[..., Any]], dcc_mode: bool) -> None:
        self.handlers = handlers
        self.dcc_mode = dcc_mode
        self.core: Optional[_core.WebViewProxy] = None
        self.closed = threading.Event()
        self.on_closed: list[Callable[[], None]] = []

    def _reject(self, page: int, call_id: int, kind: str, message: str) -> None:
        assert self.core is not None
        self.core.resolve(page, call_id, None, (kind, utf8_safe(message)))

    def _on_call(self, page: int, call_id: int, name: str, data_json: str) -> None:
        handler = self.handlers.get(name)
        if handler is None:
            self._reject(page, call_id, "LookupError", f"no handler named {name!r}")
            return
        target, on_main = _route(handler, self.dcc_mode)
        if on_main:
            try:
                run_on_main_thread(self._invoke, target, name, data_json, page, call_id)
            except Exception as exc:  # dispatcher shut down
                self._reject(page, call_id, type(exc).__name__, str(exc))
        else:
            self._invoke(target, name, data_json, page, call_id)

    def _invoke(
        self, handler: Callable[..., Any], name: str, data_json: str, page: int, call_id: int
    ) -> None:
        assert self.core is not None
        try:
            data = from_json(data_json)
        except (ValueError, RecursionError) as exc:  # valid JSON Python cannot hold
            self._reject(page, call_id, type(exc).__name__, _undecodable(name, exc))
            return
        try:
            result = handler(data)
        except Exception as exc:
            # The page gets the error (its Promise rejects); the traceback is for debugging.
            logger.info("auroraview: handler %r raised", name, exc_info=True)
            self._reject(page, call_id, type(exc).__name__, str(exc))
            return
        try:
            text = to_json(result, f"the result of handler {name!r}")
        except ValueError as exc:
            self._reject(page, call_id, "TypeError", str(exc))
            return
        try:
            self.core.resolve(page, call_id, text)
        except Exception as exc:  # refused (the queue at its bound...): the page must hear
            self._reject(page, call_id, type(exc).__name__, str(exc))

    def _on_event(self, name: str, data_json: str) -> None:
        handler = self.handlers.get(name)
        if handler is None:
            logger.debug("auroraview: no handler for page event %r", name)
            return
        target, on_main = _route(handler, self.dcc_mode)
        if on_main:
            run_on_main_thread(self._deliver_event, target, name, data_json)
        else:
            self._deliver_event(target, name, data_json)

    @staticmethod
    def _deliver_event(handler: Callable[..., Any], name: str, data_json: str) -> None:
        try:
            data = from_json(data_json)
        except (ValueError, RecursionError) as exc:
            logger.warning("auroraview: %s", _undecodable(name, exc))
            return
        try:
            handler(data)
        except Exception:
            logger.warning("auroraview: handler %r raised on a page event", name, exc_info=True)

    def _on_closed(self) -> None:
        self.closed.set()
        for callback in list(self.on_closed):
            try:
                callback()
            except Exception:
                logger.warning("auroraview: a close callback raised", exc_info=True)


#: Open WebViews (by id), so the interpreter's exit can close them first: their handler
#: threads must finish calling into Python before Python finalizes.
_OPEN: dict[int, tuple[_core.WebViewProxy, _Router]] = {}


@atexit.register
def _close_all_at_exit(timeout: float = 2.0) -> None:
    views = list(_OPEN.values())
    for core, _router in views:
        core.close()
    deadline = time.monotonic() + timeout
    for _core_proxy, router in views:
        router.closed.wait(max(0.0, deadline - time.monotonic()))


class WebView:
    """A WebView window whose page talks to Python.

    Args:
        title, url, html, width, height: what to show (``url`` or ``html``, not both).
        parent: the host window to embed in: a Qt widget (made native) or a native window
            id (an X11 window id on Linux, an HWND on Windows, an ``NSView*`` on macOS: what
            ``QWidget.winId()`` returns on each). The WebView then fills ``width`` x ``height`` at
            the parent's origin; call :meth:`set_bounds` when the parent resizes (or use
            :class:`auroraview.qt.QtWebView`, which does it for you).
        dcc_mode: run every handler on the host's main thread (RFC 0002 section 2).
        debug: enable the web inspector.
        allowed_origins: origins (``"https://tools.studio.local"``) whose pages may use the
            bridge, besides inline HTML, local files and URLs you load yourself.
        create_timeout: seconds to wait for the native WebView to exist.
        mode: "own" (a dedicated UI thread), "hosted" (the host's main thread, serviced by
            its running event loop: the automatic choice in a Qt application on Linux) or
            None/"auto" (choose; ``AURORAVIEW_WEBVIEW_MODE`` overrides).
    """

    def __init__(
        self,
        title: str = "auroraview",
        url: Optional[str] = None,
        html: Optional[str] = None,
        width: int = 800,
        height: int = 600,
        parent: Any = None,
        dcc_mode: bool = False,
        debug: bool = False,
        *,
        resizable: bool = True,
        allowed_origins: Sequence[str] = (),
        create_timeout: float = 30.0,
        mode: Optional[str] = None,
        _naive_delivery: bool = False,
    ) -> None:
        if url is not None and html is not None:
            raise ValueError("pass url= or html=, not both")
        parent_id = _native_window_id(parent)
        self._dcc_mode = dcc_mode
        self._handlers: dict[str, Callable[..., Any]] = {}
        self._router = _Router(self._handlers, dcc_mode)
        self._serving = False
        self._router.on_closed.append(self._stop_serving)
        spec = {
            "title": title,
            "url": url,
            "html": html,
            "width": int(width),
            "height": int(height),
            "resizable": bool(resizable),
            "visible": False,
            "debug": bool(debug),
            "allowed_origins": list(allowed_origins),
            "parent": parent_id,
            "naive_delivery": bool(_naive_delivery),  # benchmark baseline only
        }
        self._mode = _runtime.choose_mode(mode)
        if self._mode == "hosted" and not is_main_thread():
            # Hosted WebViews live on the host's main thread: create it there.
            self._core = run_on_main_thread_sync(
                self._create, spec, create_timeout, timeout=create_timeout
            )
        else:
            self._core = self._create(spec, create_timeout)
        self._router.core = self._core
        view_id = self._core.id
        _OPEN[view_id] = (self._core, self._router)
        self._router.on_closed.append(lambda: _OPEN.pop(view_id, None))

    def _create(self, spec: dict, timeout: float) -> _core.WebViewProxy:
        _runtime.ensure_started(self._mode)
        return _core.create_webview(spec, self._router, timeout)

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

    def off(self, event_name: str) -> None:
        """Remove the handler of ``event_name`` (calls then reject with "no handler")."""
        self._handlers.pop(event_name, None)

    def on_closed(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` (on the handler thread) once the WebView has closed."""
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
        does."""
        self._core.set_visible(True)
        if block is None:
            block = self._mode == "own" and not _host_loop_serves()
        if not block:
            return
        if not is_main_thread():
            raise WrongThreadError("show(block=True) must be called on the main thread")
        if self._mode == "hosted":
            self._run_host_loop_until_closed()
            return
        self._serving = True
        try:
            while not self._router.closed.is_set():
                run_main_loop()
        finally:
            self._serving = False

    def _run_host_loop_until_closed(self) -> None:
        """Hosted mode: the WebView is serviced by the host's (Qt's) event loop, so block in
        that loop, not in ours, until the WebView closes."""
        from .utils.thread_dispatcher.qt import running_qt_core

        core = running_qt_core()
        if core is None:
            raise WrongThreadError("show(block=True) in hosted mode needs the Qt application")
        loop = core.QEventLoop()
        self._router.on_closed.append(lambda: run_on_main_thread(loop.quit))
        if not self._router.closed.is_set():
            loop.exec()

    def _stop_serving(self) -> None:
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
        return self._router.closed.is_set()

    def wait_closed(self, timeout: float = 30.0) -> bool:
        """Wait at most ``timeout`` seconds until the WebView has closed and its handlers
        have finished; True if it has."""
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
        """Deliver ``data`` to the page's ``auroraview.on(event_name, ...)`` listeners."""
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
        or with a JavaScriptError, EvalTimeoutError, WebViewClosedError or PageChangedError.
        Also returns a ``concurrent.futures.Future`` (``await asyncio.wrap_future(f)``)."""
        future: Future = Future()
        future.set_running_or_notify_cancel()

        def done(value_json: Optional[str], error: Optional[BaseException]) -> None:
            value = None
            if error is None:
                try:
                    value = from_json(value_json or "null")
                except ValueError as exc:
                    error = exc
            if error is None:
                future.set_result(value)
            else:
                future.set_exception(error)
            if callback is not None:
                callback(value, error)

        self._core.eval_async(script, done, float(timeout_ms))
        return future

    def eval_js_sync(self, script: str, timeout_ms: float = DEFAULT_EVAL_TIMEOUT_MS) -> Any:
        """Run ``script`` and return its value, waiting at most ``timeout_ms`` (GIL
        released). Raises on the UI thread itself (use :meth:`eval_js_async` there)."""
        return from_json(self._core.eval_sync(script, float(timeout_ms)))

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
