"""The page operations of a WebView, written once for every face that offers them.

A WebView has three faces: :class:`auroraview.WebView` itself, the handle that
``get_proxy()`` returns (:class:`auroraview.WebViewProxy`, RFC 0002 section 4) and the one
that ``thread_safe()`` returns (:class:`auroraview.DCCThreadSafeWrapper`, section 3). Each
of these operations is safe from any thread, so the faces share this one implementation
(:class:`PageMethods`) and one signature, with the same defaults; each talks to the Rust
WebView (``_core.WebViewProxy``) directly, not through another face. ``tests/test_faces.py``
checks that no face redefines them.

Must not live here: handler registration, window management, creation (``webview.py`` and
its helpers), waiting or queueing (Rust).
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Callable, Optional

from . import _core
from ._callbacks import run_callback
from ._defaults import DEFAULT_EVAL_TIMEOUT_MS
from ._payload import from_json, to_json
from .errors import PayloadError

if TYPE_CHECKING:
    from ._handlers import HandlerMethods
    from ._router import Router

__all__ = ["PAGE_OPERATIONS", "EvalCallback", "PageHandle", "PageMethods"]

#: ``callback(result, error)`` of :meth:`PageMethods.eval_js_async`.
EvalCallback = Callable[[Any, Optional[BaseException]], None]

#: The operations every face of a WebView offers (``closed`` is a property).
PAGE_OPERATIONS = (
    "closed",
    "close",
    "emit",
    "eval_js",
    "eval_js_async",
    "eval_js_awaitable",
    "eval_js_sync",
    "load_url",
    "load_html",
    "reload",
)


class PageMethods:
    """The page operations of a WebView; every method may be called from any thread.

    A class mixing this in sets ``_core`` (the Rust WebView) and ``_router`` (the WebView's
    :class:`auroraview._router.Router`, which knows when it has closed).
    """

    _core: _core.WebViewProxy
    _router: Router

    @property
    def closed(self) -> bool:
        """True once the WebView has closed and its handlers have finished."""
        return self._router.closed.is_set()

    def close(self) -> None:
        """Close the WebView (any thread). Pending evaluations end with WebViewClosedError."""
        self._core.close()

    def emit(self, event_name: str, data: Any = None) -> None:
        """Deliver ``data`` to the page's ``auroraview.on(event_name, ...)`` listeners
        (``None`` arrives as ``null``). Data JSON cannot hold raises ``PayloadError``; a page
        too far behind (16 MiB of events unread) or a full queue raises ``QueueFullError``:
        slow down and retry."""
        self._core.emit(event_name, to_json(data, "emit(%r)", event_name))

    def eval_js(self, script: str) -> None:
        """Run ``script`` in the page (fire-and-forget; errors are logged)."""
        self._core.eval(script)

    def eval_js_async(
        self,
        script: str,
        callback: Optional[EvalCallback] = None,
        timeout_ms: float = DEFAULT_EVAL_TIMEOUT_MS,
    ) -> Future[Any]:
        """Run ``script`` and deliver its value (Promises are awaited): ``callback(result,
        error)`` is called exactly once, on auroraview's completion thread, with the value
        or with a JavaScriptError, EvalTimeoutError, WebViewClosedError, PageChangedError
        or PayloadError (a value Python cannot decode). Also returns a
        ``concurrent.futures.Future`` that settles the same way
        (``await asyncio.wrap_future(f)``). Whatever the callback raises is logged."""
        future: Future[Any] = Future()
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
        released). Raises JavaScriptError (a RuntimeError), EvalTimeoutError,
        WebViewClosedError...; raises WrongThreadError on the UI thread itself (use
        :meth:`eval_js_async` there)."""
        return from_json(self._core.eval_sync(script, float(timeout_ms)), "the script's value")

    def load_url(self, url: str) -> None:
        """Navigate to ``url``."""
        self._core.load_url(url)

    def load_html(self, html: str) -> None:
        """Show ``html`` as the page."""
        self._core.load_html(html)

    def reload(self) -> None:
        """Reload the page."""
        self._core.reload()


class PageHandle(PageMethods):
    """A handle on a WebView, made from it: the base of ``WebViewProxy`` and
    ``DCCThreadSafeWrapper``. It reaches the Rust WebView directly (one hop). (The
    WebView is typed by the part of it a handle uses, so that no face imports
    ``webview.py``, not even for types.)"""

    def __init__(self, webview: HandlerMethods) -> None:
        self._webview = webview
        self._core = webview._core
        self._router = webview._router
