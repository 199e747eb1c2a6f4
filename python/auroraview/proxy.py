"""``WebViewProxy``: a WebView's handle for any thread (RFC 0002 section 4).

The page operations are the WebView's own (``_page.PageMethods``: one implementation for
every face); this face adds the two DCC helpers of the RFC, which go through the
main-thread dispatcher. Nothing here blocks except the bounded waits it documents. Must not
live here: page operations of its own (add them to ``_page.py``), anything that imports
``webview.py`` at run time.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, TypeVar

from ._page import PageHandle
from .utils.dcc_thread_safe import dcc_thread_safe
from .utils.thread_dispatcher import run_on_main_thread_sync

__all__ = ["WebViewProxy"]

T = TypeVar("T")


class WebViewProxy(PageHandle):
    """Drive a WebView from any thread; created by :meth:`WebView.get_proxy`.

    Its page operations (``emit``, ``eval_js``, ``eval_js_async``, ``eval_js_awaitable``,
    ``eval_js_sync``, ``load_url``, ``load_html``, ``reload``, ``close``, ``closed``) are
    the WebView's own, with the same signatures and defaults.
    """

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

    def __repr__(self) -> str:
        return f"<auroraview.WebViewProxy of {self._webview!r}>"
