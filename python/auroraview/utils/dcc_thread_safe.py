"""Decorators that make a function run on the DCC's main thread (RFC 0002, section 1).

``ensure_main_thread`` / ``dcc_thread_safe``: the call blocks (bounded) and returns the
function's result. ``dcc_thread_safe_async`` (alias ``defer_to_main_thread``, AuroraView
0.5's name): fire-and-forget. ``wrap_callback_for_dcc`` picks one of the two. All keep
``__name__``, ``__doc__`` and ``__wrapped__``, and mark the wrapper so
``WebView(dcc_mode=True)`` does not wrap twice. Each works bare (``@dcc_thread_safe``) or
with options (``@dcc_thread_safe(timeout=5)``). ``DCCThreadSafeWrapper`` (what
``WebView.thread_safe()`` returns) lives here too, RFC 0002's home for it; its methods are
the WebView's page operations (``auroraview._page``), not copies of them.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional, TypeVar, Union, overload

from .._page import PageHandle
from .thread_dispatcher import is_main_thread, run_on_main_thread, run_on_main_thread_sync

__all__ = [
    "DCCThreadSafeWrapper",
    "dcc_thread_safe",
    "dcc_thread_safe_async",
    "defer_to_main_thread",
    "ensure_main_thread",
    "wrap_callback_for_dcc",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Attribute set on wrappers that already marshal to the main thread.
MARKER = "__auroraview_main_thread__"


def _sync_wrapper(func: F, timeout: Optional[float]) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if is_main_thread():
            return func(*args, **kwargs)
        return run_on_main_thread_sync(functools.partial(func, *args, **kwargs), timeout=timeout)

    setattr(wrapper, MARKER, True)
    return wrapper  # type: ignore[return-value]


@overload
def ensure_main_thread(func: F, *, timeout: Optional[float] = None) -> F: ...
@overload
def ensure_main_thread(*, timeout: Optional[float] = None) -> Callable[[F], F]: ...
def ensure_main_thread(
    func: Optional[F] = None, *, timeout: Optional[float] = None
) -> Union[F, Callable[[F], F]]:
    """Make every call of ``func`` run on the main thread and return its result.

    On the main thread the call runs inline; from other threads it waits at most
    ``timeout`` seconds (default: ``get_default_timeout()``). Exceptions re-raise in the
    caller with their type and traceback.
    """
    if func is None:
        return lambda f: _sync_wrapper(f, timeout)
    return _sync_wrapper(func, timeout)


@overload
def dcc_thread_safe(func: F, *, timeout: Optional[float] = None) -> F: ...
@overload
def dcc_thread_safe(*, timeout: Optional[float] = None) -> Callable[[F], F]: ...
def dcc_thread_safe(
    func: Optional[F] = None, *, timeout: Optional[float] = None
) -> Union[F, Callable[[F], F]]:
    """Run the decorated function on the DCC's main thread (blocking, bounded).

    Use it on WebView handlers that call DCC APIs::

        @webview.on("export")
        @dcc_thread_safe
        def handle_export(data):
            import maya.cmds as cmds
            return cmds.file(exportSelected=True, type="mayaAscii")

    Same semantics as :func:`ensure_main_thread`.
    """
    return (
        ensure_main_thread(func, timeout=timeout) if func else ensure_main_thread(timeout=timeout)
    )


def _async_wrapper(func: Callable[..., Any]) -> Callable[..., None]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        run_on_main_thread(func, *args, **kwargs)

    setattr(wrapper, MARKER, True)
    return wrapper


def dcc_thread_safe_async(
    func: Optional[Callable[..., Any]] = None,
) -> Union[Callable[..., None], Callable[[Callable[..., Any]], Callable[..., None]]]:
    """Queue each call of the decorated function for the DCC's main thread and return
    ``None`` at once (even on the main thread: the call runs at the host's next pump).
    Exceptions it raises are logged on the ``auroraview.dispatch`` logger. Works bare
    (``@dcc_thread_safe_async``) or called (``@dcc_thread_safe_async()``)."""
    if func is None:
        return _async_wrapper
    return _async_wrapper(func)


def defer_to_main_thread(
    func: Optional[Callable[..., Any]] = None,
) -> Union[Callable[..., None], Callable[[Callable[..., Any]], Callable[..., None]]]:
    """AuroraView 0.5's name for :func:`dcc_thread_safe_async`: each call is queued for the
    main thread and returns ``None`` at once."""
    return dcc_thread_safe_async(func)


def wrap_callback_for_dcc(callback: Callable[..., Any], async_mode: bool = False) -> Any:
    """Wrap ``callback`` so that it runs on the DCC's main thread: blocking with its result
    (:func:`dcc_thread_safe`), or fire-and-forget when ``async_mode`` is true
    (:func:`dcc_thread_safe_async`). AuroraView 0.5's helper for callbacks handed to
    libraries that call them from their own threads."""
    if not callable(callback):
        raise TypeError(f"expected a callable, got {type(callback).__name__}")
    return dcc_thread_safe_async(callback) if async_mode else dcc_thread_safe(callback)


class DCCThreadSafeWrapper(PageHandle):
    """Cross-thread handle on a WebView (RFC 0002 section 3): every method may be called
    from any thread. Created by ``WebView.thread_safe()``.

    Its methods (``eval_js``, ``eval_js_sync``, ``emit``, ``load_url``, ``load_html``,
    ``reload``, ``close``, and ``eval_js_async``, ``eval_js_awaitable``, ``closed``) are the
    WebView's own page operations (``auroraview._page``), with the same signatures and
    defaults."""

    def __repr__(self) -> str:
        return f"<auroraview.DCCThreadSafeWrapper of {self._webview!r}>"
