"""``WebViewProxy``: every method safe from any thread (RFC 0002 section 4).

A thin Python face over the Rust proxy: page operations are queued for the UI thread; the
DCC helpers go through the main-thread dispatcher. Nothing here blocks except the bounded
waits it documents.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

from ._defaults import DEFAULT_EVAL_TIMEOUT_MS
from .utils.dcc_thread_safe import dcc_thread_safe
from .utils.thread_dispatcher import run_on_main_thread_sync

if TYPE_CHECKING:
    from .webview import EvalCallback, WebView

__all__ = ["WebViewProxy"]

T = TypeVar("T")


class WebViewProxy:
    """Drive a WebView from any thread; created by :meth:`WebView.get_proxy`."""

    def __init__(self, webview: WebView) -> None:
        self._webview = webview

    @property
    def closed(self) -> bool:
        return self._webview.closed

    def emit(self, event_name: str, data: Any = None) -> None:
        self._webview.emit(event_name, data)

    def eval_js(self, script: str) -> None:
        self._webview.eval_js(script)

    def eval_js_async(
        self,
        script: str,
        callback: Optional[EvalCallback] = None,
        timeout_ms: float = DEFAULT_EVAL_TIMEOUT_MS,
    ) -> Future:
        return self._webview.eval_js_async(script, callback, timeout_ms)

    def eval_js_sync(self, script: str, timeout_ms: float = DEFAULT_EVAL_TIMEOUT_MS) -> Any:
        return self._webview.eval_js_sync(script, timeout_ms)

    def load_url(self, url: str) -> None:
        self._webview.load_url(url)

    def load_html(self, html: str) -> None:
        self._webview.load_html(html)

    def reload(self) -> None:
        self._webview.reload()

    def close(self) -> None:
        self._webview.close()

    def on_dcc_main_thread(self, event_name: str, handler: Callable[..., Any]) -> None:
        """Register ``handler`` for the page's ``event_name`` calls and events; it runs on
        the DCC's main thread."""
        self._webview.on(event_name)(dcc_thread_safe(handler))

    def call_on_dcc_main_thread(
        self, func: Callable[..., T], *args: Any, timeout: Optional[float] = None, **kwargs: Any
    ) -> T:
        """Run ``func(*args, **kwargs)`` on the DCC's main thread and return its result
        (inline on the main thread; bounded wait elsewhere)."""
        return run_on_main_thread_sync(func, *args, timeout=timeout, **kwargs)
