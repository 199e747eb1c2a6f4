"""Window and page events of a WebView: loads, titles, navigation and new-window requests,
close requests, dropped files, and the page's console.

The Rust runtime hands each event to the WebView's router on its handler thread
(``_on_window_event(kind, data_json, decision)``); :class:`WindowEvents` calls the
registered callbacks with the same routing rules as handlers (``dcc_mode`` and
``@dcc_thread_safe`` on the host's main thread, ``async def`` on an asyncio loop) and never
blocks the handler thread waiting for them. A request the application may refuse (a
navigation, a close) carries a ``_core.Decision``: the first callback that returns ``False``
refuses it; once every callback (and, for a close, the page) has answered, it is allowed.
Rust bounds the wait: no answer within ``veto_timeout`` allows it, with a warning.

What must not live here: the WebView's API (``webview.py`` has thin methods), dialogs
(``_dialogs.py``), waiting of any kind.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
import urllib.parse
import webbrowser
from typing import Any, Callable, Optional

from . import _asyncio
from ._describe import describe, type_name
from ._payload import from_json
from .utils.thread_dispatcher import get_dispatcher, is_main_thread

logger = logging.getLogger("auroraview.webview")
#: Where ``forward_console=True`` sends the page's ``console.*`` messages.
console_logger = logging.getLogger("auroraview.console")

#: Event kinds, as callbacks are registered (``webview.on_<kind>``).
KINDS = (
    "load_started",
    "loaded",
    "navigation",
    "new_window",
    "title_changed",
    "close_requested",
    "file_drop",
)
#: New-window policies: open the URL in the default browser (for a user's click), or never.
NEW_WINDOW_POLICIES = ("browser", "deny")
#: URL schemes a new-window request may open in the default browser.
BROWSER_SCHEMES = ("http", "https", "mailto")

_CONSOLE_LEVELS = {
    "debug": logging.DEBUG,
    "log": logging.INFO,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "error": logging.ERROR,
}


def _opinion(result: Any) -> Optional[bool]:
    """A callback's answer: ``False`` refuses, ``True`` asks for (a new window), anything
    else has no opinion."""
    if result is False:
        return False
    if result is True:
        return True
    return None


class _Poll:
    """Collects the answers of ``count`` voters (callbacks that may answer on other
    threads) and calls ``finish`` once: with ``False`` at the first refusal, else when all
    have answered, with ``True`` if any asked for it, else ``None``."""

    def __init__(self, count: int, finish: Callable[[Optional[bool]], None]) -> None:
        self._left = count
        self._result: Optional[bool] = None
        self._done = False
        self._lock = threading.Lock()
        self._finish = finish
        if count == 0:
            self._done = True
            self._call(None)

    def _call(self, result: Optional[bool]) -> None:
        try:
            self._finish(result)
        except BaseException:
            logger.error("auroraview: finishing a window event failed", exc_info=True)

    def vote(self, opinion: Optional[bool]) -> None:
        with self._lock:
            if self._done:
                return
            self._left -= 1
            if opinion is True:
                self._result = True
            if opinion is not False and self._left > 0:
                return
            self._done = True
            result = False if opinion is False else self._result
        self._call(result)


class WindowEvents:
    """A WebView's window-event callbacks, and how each event reaches them."""

    def __init__(self, dcc_mode: bool, new_window: str, veto_timeout: float) -> None:
        if new_window not in NEW_WINDOW_POLICIES:
            raise ValueError(f"new_window must be one of {NEW_WINDOW_POLICIES}, not {new_window!r}")
        if not (veto_timeout > 0):
            raise ValueError(
                f"veto_timeout must be a positive number of seconds, not {veto_timeout!r}"
            )
        self.dcc_mode = dcc_mode
        self.new_window = new_window
        self.veto_timeout = float(veto_timeout)
        self.callbacks: dict[str, list[Callable[..., Any]]] = {k: [] for k in KINDS}
        #: The page listens to close requests (``auroraview.on("close_requested", ...)``).
        self.page_close_guard = False
        #: The WebView's ``_core.WebViewProxy``, once it exists.
        self.core: Any = None
        self._lock = threading.Lock()
        self._guards: tuple[bool, bool] = (False, False)

    # -- registration (any thread) ----------------------------------------------------------

    def add(self, kind: str, callback: Callable[..., Any]) -> Callable[..., Any]:
        if not callable(callback):
            raise TypeError(f"the {kind} callback is not callable: {callback!r}")
        with self._lock:
            self.callbacks[kind].append(callback)
        self.sync_guards()
        return callback

    def remove(self, kind: str, callback: Callable[..., Any]) -> None:
        with self._lock:
            if callback in self.callbacks[kind]:
                self.callbacks[kind].remove(callback)
        self.sync_guards()

    def sync_guards(self) -> None:
        """Tells the runtime which requests we decide (only those are held for us). Under
        the lock, so the runtime hears the latest state last."""
        with self._lock:
            guards = (
                bool(self.callbacks["navigation"]),
                bool(self.callbacks["close_requested"]) or self.page_close_guard,
            )
            if guards == self._guards or self.core is None or self.core.closed:
                return
            self._guards = guards
            try:
                self.core.set_guards(guards[0], guards[1], self.veto_timeout)
            except BaseException as exc:
                logger.warning("auroraview: cannot update the WebView's guards: %s", describe(exc))

    # -- delivery (the handler thread) --------------------------------------------------------

    def deliver(self, kind: str, data_json: str, decision: Any) -> None:
        try:
            data = from_json(data_json, f"the data of window event {kind!r}")
        except BaseException as exc:
            logger.warning("auroraview: %s", describe(exc))
            if decision is not None:
                decision.answer(True)
            return
        if kind == "load_started" and self.page_close_guard:
            self.page_close_guard = False  # a new page: its guard, if any, says so again
            self.sync_guards()
        with self._lock:
            callbacks = list(self.callbacks.get(kind, ()))
        if kind == "navigation":
            poll = _Poll(len(callbacks), lambda r: _answer(decision, r is not False))
        elif kind == "close_requested":
            page = self.page_close_guard
            poll = _Poll(len(callbacks) + int(page), lambda r: _answer(decision, r is not False))
            if page:
                self._ask_page(poll)
        elif kind == "new_window":
            poll = _Poll(len(callbacks), functools.partial(self._new_window, data))
        else:
            poll = None
            if decision is not None:
                decision.answer(True)
        for callback in callbacks:
            self._run(callback, kind, data, poll)

    def _run(
        self, callback: Callable[..., Any], kind: str, data: Any, poll: Optional[_Poll]
    ) -> None:
        from ._router import route

        vote = poll.vote if poll is not None else (lambda _opinion: None)
        try:
            target, on_main = route(callback, self.dcc_mode)
        except BaseException as exc:
            logger.warning("auroraview: %s callback: %s", kind, describe(exc))
            vote(None)
            return
        call = functools.partial(_call, target, kind, data, vote)
        if not on_main:
            call()
            return
        try:
            get_dispatcher().post(call, abandon=lambda _exc: vote(None))
        except BaseException as exc:
            logger.warning("auroraview: the %s event was not delivered: %s", kind, describe(exc))
            vote(None)

    def _ask_page(self, poll: _Poll) -> None:
        """The page's vote on a close: its ``close_requested`` listeners, through the bridge."""

        def done(value_json: Optional[str], error: Optional[BaseException]) -> None:
            if error is not None:
                logger.warning(
                    "auroraview: the page did not answer a close request (%s); it counts as "
                    "allowing",
                    describe(error),
                )
                poll.vote(None)
                return
            poll.vote(False if value_json == "false" else None)

        try:
            self.core.eval_async(
                "window.__auroraview_close_requested()", done, self.veto_timeout * 1000.0
            )
        except BaseException as exc:
            logger.warning("auroraview: cannot ask the page about closing: %s", describe(exc))
            poll.vote(None)

    def _new_window(self, data: Any, result: Optional[bool]) -> None:
        url = data.get("url", "") if isinstance(data, dict) else ""
        gesture = bool(data.get("user_gesture")) if isinstance(data, dict) else False
        if result is None:
            result = self.new_window == "browser" and gesture
        if not result:
            logger.info("auroraview: a request to open %r in a new window was refused", url)
            return
        scheme = urllib.parse.urlsplit(url).scheme.lower()
        if scheme not in BROWSER_SCHEMES:
            logger.warning(
                "auroraview: not opening %r in the default browser: only %s URLs are",
                url,
                ", ".join(BROWSER_SCHEMES),
            )
            return
        # webbrowser may start a process: not on the handler or main thread.
        threading.Thread(
            target=_open_in_browser, args=(url,), name="auroraview-browser", daemon=True
        ).start()

    # -- internal page events -------------------------------------------------------------

    def internal_event(self, name: str, data_json: str) -> None:
        """``auroraview:*`` events the bridge sends (never user handlers)."""
        try:
            data = from_json(data_json, f"the data of internal event {name!r}")
        except BaseException:
            return
        if not isinstance(data, dict):
            return
        if name == "auroraview:guard":
            self.page_close_guard = data.get("close") is True
            self.sync_guards()
        elif name == "auroraview:console":
            level = _CONSOLE_LEVELS.get(str(data.get("level")), logging.INFO)
            console_logger.log(level, "%s", str(data.get("text", "")))


def _open_in_browser(url: str) -> None:
    try:
        if not webbrowser.open(url):
            logger.warning("auroraview: no browser could open %r", url)
    except BaseException as exc:
        logger.warning("auroraview: opening %r in the browser failed: %s", url, describe(exc))


def _answer(decision: Any, allow: bool) -> None:
    if decision is not None:
        decision.answer(allow)


def _call(target: Callable[..., Any], kind: str, data: Any, vote: Callable[[Any], None]) -> None:
    try:
        result = target(data)
    except BaseException as exc:
        logger.warning("auroraview: a %s callback raised %s", kind, type_name(exc), exc_info=exc)
        vote(None)
        if isinstance(exc, KeyboardInterrupt) and is_main_thread():
            raise
        return
    if not inspect.isawaitable(result):
        vote(_opinion(result))
        return

    async def awaited() -> Any:
        return await result

    try:
        future = (
            _asyncio.submit_on_main(awaited(), None)
            if is_main_thread()
            else _asyncio.submit(awaited())
        )
    except BaseException as exc:
        logger.warning("auroraview: a %s callback: %s", kind, describe(exc))
        vote(None)
        return

    def done(f: Any) -> None:
        if f.cancelled():
            vote(None)
            return
        exc = _asyncio.error_of(f)
        if exc is not None:
            logger.warning(
                "auroraview: a %s callback raised %s", kind, type_name(exc), exc_info=exc
            )
            vote(None)
            return
        vote(_opinion(f.result()))

    future.add_done_callback(done)


class WindowEventMethods:
    """The WebView's ``on_<event>`` methods and the other window calls (mixed into
    :class:`auroraview.WebView`). Each ``on_<event>`` registers ``callback(event)`` (a
    dict) and returns it, so it works as a decorator too; callbacks follow the routing of
    handlers (``dcc_mode``, ``@dcc_thread_safe``, ``async def``)."""

    _window_events: WindowEvents
    _core: Any

    def on_load_started(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """A new page started loading: ``{"url"}``."""
        return self._window_events.add("load_started", callback)

    def on_loaded(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """The page finished loading: ``{"url"}``."""
        return self._window_events.add("loaded", callback)

    def on_title_changed(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """The page's title changed: ``{"title"}``."""
        return self._window_events.add("title_changed", callback)

    def on_navigation(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """A navigation is about to happen: ``{"url", "user_gesture"}``. Return ``False`` to
        refuse it. Navigations wait for the answer (at most ``veto_timeout``, then they
        go ahead, logged) only while such a callback is registered."""
        return self._window_events.add("navigation", callback)

    def on_new_window(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """The page asked for a new window (``window.open``, ``target="_blank"``), which is
        never opened inside the application: ``{"url", "user_gesture"}``. Return ``True`` to
        open the URL in the default browser, ``False`` to refuse, ``None`` for the
        ``new_window`` policy."""
        return self._window_events.add("new_window", callback)

    def on_close_requested(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """The window's close button was pressed (or :meth:`request_close` called):
        ``{}``. Return ``False`` to keep the window open (unsaved changes); at most
        ``veto_timeout``, then it closes, logged. ``close()`` never asks."""
        return self._window_events.add("close_requested", callback)

    #: AuroraView's name for :meth:`on_close_requested`.
    on_closing = on_close_requested

    def on_file_drop(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """Files were dropped from the OS (``capture_file_drop=True``):
        ``{"paths": [absolute paths], "x", "y"}`` (the drop position in the page, in CSS
        pixels). The page gets the same as its ``file_drop`` event."""
        return self._window_events.add("file_drop", callback)

    def off_window_event(self, kind: str, callback: Callable[..., Any]) -> None:
        """Remove a callback registered with ``on_<kind>``."""
        if kind not in KINDS:
            raise ValueError(f"unknown window event {kind!r}: one of {KINDS}")
        self._window_events.remove(kind, callback)

    def request_close(self) -> None:
        """Ask to close, as the window's close button does: ``on_close_requested``
        callbacks and the page's ``close_requested`` listeners may refuse. Any thread."""
        self._core.request_close()

    def open_devtools(self) -> None:
        """Open the web inspector (the WebView must be made with ``debug=True``; otherwise a
        warning is logged). Any thread."""
        self._core.open_devtools()
