"""Routing the page's calls and events to Python handlers, and answering every call once.

The Rust runtime calls a :class:`Router` (its "sink") on the WebView's handler thread:
``_on_call(call)`` for ``auroraview.call``, ``_on_event(name, data_json)`` for
``auroraview.emit`` and ``_on_closed()`` once, last. A handler runs on that thread, or, for
``dcc_mode`` and ``@dcc_thread_safe`` handlers, is queued to the main thread's dispatcher
(the handler thread never waits for the main thread).

Every call is answered exactly once: ``call`` is a ``_core.PageCall``, settled by its first
``resolve``/``reject``. Everything user code can do on the way (raise any
``BaseException``, return a value JSON cannot hold, an exception whose ``__str__`` raises, a
dispatcher shut down with the call queued) ends in a rejection that says what happened; a
call this module loses anyway is rejected by Rust when the ``PageCall`` is collected.

What must not live here: the WebView's own API (``webview.py``), JSON details
(``_payload.py``), waiting or queueing (Rust).
"""

from __future__ import annotations

import concurrent.futures
import functools
import inspect
import logging
import threading
import types
from typing import Any, Callable, Optional

from . import _asyncio, _core, _protocol
from ._callbacks import run_callback
from ._channel import Channel, channel_parameter
from ._describe import describe, type_name
from ._payload import from_json, to_json, utf8_safe
from .errors import PayloadError
from .utils.dcc_thread_safe import MARKER
from .utils.thread_dispatcher import get_dispatcher, is_main_thread
from .utils.thread_dispatcher.registry import runs_inline_now

logger = logging.getLogger("auroraview.webview")


def _unwrapped(handler: Callable[..., Any]) -> Callable[..., Any]:
    """The function a ``@dcc_thread_safe(_async)`` handler wraps (a method keeps its
    ``self``); any other handler as it is."""
    if not getattr(handler, MARKER, False):
        return handler
    inner = getattr(handler, "__wrapped__", handler)
    owner = getattr(handler, "__self__", None)
    if inspect.ismethod(handler) and not inspect.ismethod(inner) and owner is not None:
        inner = types.MethodType(inner, owner)  # a decorated method keeps its self
    return inner


def route(handler: Callable[..., Any], dcc_mode: bool) -> tuple[Callable[..., Any], bool]:
    """The callable to run, and whether it must run on the host's main thread (never with
    ``AURORAVIEW_DISPATCHER=fallback``, AuroraView's inline mode: it runs where it is)."""
    if getattr(handler, MARKER, False):
        # @dcc_thread_safe(_async): run the undecorated function on the main thread
        # ourselves, asynchronously, instead of blocking the handler thread in its wrapper.
        handler, dcc_mode = _unwrapped(handler), True
    if dcc_mode:
        get_dispatcher()  # (re)selects the host, which decides whether dispatch is inline
        dcc_mode = not runs_inline_now()
    return handler, dcc_mode


def reject(call: _core.PageCall, name: str, message: str) -> None:
    """Reject ``call`` (if still pending); never raises."""
    try:
        call.reject(name, utf8_safe(message))
    except BaseException:
        logger.error("auroraview: could not reject page call %r", call.name, exc_info=True)


def reject_with(call: _core.PageCall, exc: BaseException) -> None:
    """Reject ``call`` with ``exc``'s type name and message; never raises."""
    reject(call, type_name(exc), describe(exc))


def _log_raised(what: str, exc: BaseException) -> None:
    # The page gets the error (its Promise rejects); the traceback is for debugging. An
    # exception that is not an Exception (SystemExit, KeyboardInterrupt, ...) is unusual in
    # a handler: say so louder.
    level = logging.INFO if isinstance(exc, Exception) else logging.WARNING
    logger.log(level, "auroraview: %s raised %s", what, type_name(exc), exc_info=exc)


class Router:
    """The sink the Rust runtime calls on the WebView's handler thread."""

    def __init__(self, handlers: dict[str, Callable[..., Any]], dcc_mode: bool) -> None:
        self.handlers = handlers
        self.dcc_mode = dcc_mode
        #: Scheme -> handler (``register_protocol``).
        self.protocols: dict[str, Callable[..., Any]] = {}
        #: "namespace.method" -> bound method (``bind_api``).
        self.bindings: dict[str, Callable[..., Any]] = {}
        #: The main thread's asyncio loop when the WebView was made there inside one.
        self.main_loop: Any = None
        #: Coroutines of this WebView's handlers still running (cancelled at close).
        self.tasks: set[concurrent.futures.Future[Any]] = set()
        self._tasks_lock = threading.Lock()
        self.closed = threading.Event()
        #: The WebView's ``_core.WebViewProxy``, once it exists.
        self.core: Optional[_core.WebViewProxy] = None
        #: The handler running on the handler thread now, if any (for diagnostics).
        self.running: Optional[str] = None
        #: Run first when the WebView closes, by auroraview itself (never user code).
        self.internal_on_closed: list[Callable[[], object]] = []
        #: The user's ``on_closed`` callbacks, run after the internal ones.
        self.on_closed: list[Callable[[], None]] = []
        #: Window events (``_events.WindowEvents``), once the WebView sets them up.
        self.window_events: Any = None
        #: auroraview's own page calls (``auroraview:dialog``): name -> ``f(call)``, which
        #: settles the call itself; never routed to the main thread.
        self.internal_calls: dict[str, Callable[[_core.PageCall], None]] = {}

    # -- calls ----------------------------------------------------------------------------

    def _lookup(self, call: _core.PageCall) -> Optional[Callable[..., Any]]:
        if call.bound:
            return self.bindings.get(call.name)
        return self.handlers.get(call.name) or self.bindings.get(call.name)

    def _no_handler(self, call: _core.PageCall) -> None:
        if call.bound:
            namespace, _, method = call.name.partition(".")
            reject(
                call,
                "LookupError",
                f"no method {method!r} is bound in namespace {namespace!r} (bind_api)",
            )
        else:
            reject(call, "LookupError", f"no handler named {call.name!r}")

    def route_direct(self) -> None:
        """``dcc_mode``: have Rust post this WebView's page calls straight to the main
        thread's dispatcher (``_answer_on_main`` answers them there), so no Python runs on
        the handler thread for them; not in AuroraView's inline fallback mode."""
        if self.core is None or not self.dcc_mode:
            return
        try:
            dispatcher = get_dispatcher()
            self.core.route_calls_to(None if runs_inline_now() else dispatcher)
        except BaseException:
            logger.debug("auroraview: page calls keep the Python route", exc_info=True)

    def _internal(self, call: _core.PageCall) -> bool:
        """Answers auroraview's own page calls; False for any other call."""
        internal = (
            self.internal_calls.get(call.name) if call.name.startswith("auroraview:") else None
        )
        if internal is None:
            return False
        try:
            internal(call)
        except BaseException as exc:
            reject_with(call, exc)
        return True

    def _answer_on_main(self, call: _core.PageCall) -> None:
        """A call Rust posted to the main thread (``route_direct``)."""
        if self._internal(call):
            return
        handler = self._lookup(call)
        if handler is None:
            self._no_handler(call)
            return
        target = _unwrapped(handler)
        self.running = call.name
        try:
            self._answer(call, target)
        finally:
            self.running = None

    def _on_call(self, call: _core.PageCall) -> None:
        if self._internal(call):
            return
        handler = self._lookup(call)
        if handler is None:
            self._no_handler(call)
            return
        target, on_main = route(handler, self.dcc_mode)
        if not on_main:
            self.running = call.name
            try:
                self._answer(call, target)
            finally:
                self.running = None
            return
        try:
            get_dispatcher().post(
                functools.partial(self._answer, call, target),
                abandon=functools.partial(reject_with, call),
            )
        except BaseException as exc:  # no dispatcher (shut down, no host): the page hears
            reject_with(call, exc)
        self.route_direct()  # (a new dispatcher since the last call: route the next ones)

    def _arguments(
        self, call: _core.PageCall, handler: Callable[..., Any], data: Any
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The handler's arguments: ``(data,)`` for a handler; for a bound method the
        page's positional and keyword arguments (``auroraview.api.m(a, kwargs({...}))``), or
        for a plain ``call`` of one, ``data`` spread (a list as positional arguments, an
        object as keywords, ``null`` as none, anything else as one argument). A parameter
        annotated ``Channel`` gets the call's channel."""
        if call.bound:
            if not isinstance(data, dict):
                raise TypeError("a bound call's data must be {args, kwargs}")
            args, kwargs = data.get("args", []), data.get("kwargs", {})
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise TypeError("a bound call's args must be a list and its kwargs an object")
            positional, keywords = tuple(args), dict(kwargs)
        elif call.name in self.bindings and call.name not in self.handlers:
            if data is None:
                positional, keywords = (), {}
            elif isinstance(data, list):
                positional, keywords = tuple(data), {}
            elif isinstance(data, dict):
                positional, keywords = (), dict(data)
            else:
                positional, keywords = (data,), {}
        else:
            positional, keywords = (data,), {}
        param = channel_parameter(handler)
        if param is not None:
            keywords[param] = Channel(call)
        return positional, keywords

    def _answer(self, call: _core.PageCall, handler: Callable[..., Any]) -> None:
        name = call.name
        try:
            data = from_json(call.data, f"the data sent to handler {name!r}")
            args, kwargs = self._arguments(call, handler, data)
        except BaseException as exc:
            reject_with(call, exc)
            return
        try:
            result = handler(*args, **kwargs)
        except BaseException as exc:
            _log_raised(f"handler {name!r}", exc)
            reject_with(call, exc)
            if isinstance(exc, KeyboardInterrupt) and is_main_thread():
                raise  # Ctrl+C on the main thread: the page heard; the host's loop gets it
            return
        if inspect.isawaitable(result):
            self._await(call, result)
            return
        self._resolve(call, result)

    def _await(self, call: _core.PageCall, awaitable: Any) -> None:
        """An ``async def`` handler: its coroutine runs on an asyncio loop (see
        ``_asyncio``); the call settles when it ends, or is rejected if it is cancelled."""
        name = call.name
        try:
            coro = awaitable if inspect.iscoroutine(awaitable) else _awaited(awaitable)
            if is_main_thread():
                future = _asyncio.submit_on_main(coro, self.main_loop)
            else:
                future = _asyncio.submit(coro)
        except BaseException as exc:
            reject_with(call, exc)
            return
        with self._tasks_lock:
            self.tasks.add(future)

        def done(f: concurrent.futures.Future[Any]) -> None:
            with self._tasks_lock:
                self.tasks.discard(f)
            if f.cancelled():
                reject(
                    call,
                    "CancelledError",
                    f"handler {name!r} was cancelled (its WebView closed, or the loop stopped)",
                )
                return
            exc = _asyncio.error_of(f)
            if exc is not None:
                _log_raised(f"handler {name!r}", exc)
                reject_with(call, exc)
                return
            self._resolve(call, f.result())

        future.add_done_callback(done)

    def _resolve(self, call: _core.PageCall, result: Any) -> None:
        name = call.name
        try:
            text = to_json(result, "the result of handler %r", name)
        except PayloadError as exc:
            reject(call, "TypeError", describe(exc))
            return
        except BaseException as exc:  # the value's own code raised KeyboardInterrupt...
            reject_with(call, exc)
            return
        try:
            call.resolve(text)
        except BaseException as exc:
            reject_with(call, exc)

    # -- events ---------------------------------------------------------------------------

    def _on_event(self, name: str, data_json: str) -> None:
        if name.startswith("auroraview:"):
            if self.window_events is not None:
                self.window_events.internal_event(name, data_json)
            return
        handler = self.handlers.get(name)
        if handler is None:
            logger.debug("auroraview: no handler for page event %r", name)
            return
        target, on_main = route(handler, self.dcc_mode)
        if not on_main:
            self.running = name
            try:
                self._deliver_event(target, name, data_json)
            finally:
                self.running = None
            return
        try:
            get_dispatcher().post(functools.partial(self._deliver_event, target, name, data_json))
        except BaseException as exc:
            logger.warning("auroraview: page event %r was dropped: %s", name, describe(exc))

    @staticmethod
    def _deliver_event(handler: Callable[..., Any], name: str, data_json: str) -> None:
        try:
            data = from_json(data_json, f"the data of page event {name!r}")
        except BaseException as exc:
            logger.warning("auroraview: %s", describe(exc))
            return
        try:
            result = handler(data)
            if inspect.isawaitable(result):
                coro = result if inspect.iscoroutine(result) else _awaited(result)
                future = (
                    _asyncio.submit_on_main(coro, None)
                    if is_main_thread()
                    else _asyncio.submit(coro)
                )
                future.add_done_callback(functools.partial(_log_event_outcome, name))
        except BaseException as exc:
            logger.warning(
                "auroraview: handler %r raised %s on a page event",
                name,
                type_name(exc),
                exc_info=exc,
            )
            if isinstance(exc, KeyboardInterrupt) and is_main_thread():
                raise

    # -- custom schemes -------------------------------------------------------------------

    def _on_protocol(self, core: _core.ProtocolRequest) -> None:
        """A request for a registered scheme, on an ``auroraview-protocol`` thread. The
        WebView's ``dcc_mode`` does not apply (a page loads many of these); a handler
        decorated with ``@dcc_thread_safe`` runs on the main thread."""
        handler = self.protocols.get(_protocol.scheme_of(core.url))
        if handler is None:
            core.respond(404, [], body=b"404 Not Found: no handler for this scheme")
            return
        target, on_main = route(handler, False)
        if not on_main:
            _protocol.answer(core, target)
            return
        what = f"protocol handler for {core.url!r}"
        try:
            get_dispatcher().post(
                functools.partial(_protocol.answer, core, target),
                abandon=lambda exc: _protocol.fail(core, exc, what),
            )
        except BaseException as exc:
            _protocol.fail(core, exc, what)

    # -- window events --------------------------------------------------------------------

    def _on_window_event(self, kind: str, data_json: str, decision: Any) -> None:
        if self.window_events is None:
            if decision is not None:
                decision.answer(True)
            return
        self.window_events.deliver(kind, data_json, decision)

    # -- close ----------------------------------------------------------------------------

    def _on_closed(self) -> None:
        # Coroutines still running have no page left to answer: cancel them (bounded).
        with self._tasks_lock:
            tasks = list(self.tasks)
        for task in tasks:
            task.cancel()
        self.closed.set()
        # auroraview's own callbacks first: they must not depend on the user's succeeding.
        for callback in list(self.internal_on_closed) + list(self.on_closed):
            run_callback(callback, "a close callback")


async def _awaited(awaitable: Any) -> Any:
    """A coroutine awaiting any awaitable (run_coroutine_threadsafe takes coroutines only)."""
    return await awaitable


def _log_event_outcome(name: str, future: concurrent.futures.Future[Any]) -> None:
    if not future.cancelled() and future.exception() is not None:
        exc = _asyncio.error_of(future)
        logger.warning(
            "auroraview: handler %r raised %s on a page event",
            name,
            type_name(exc),
            exc_info=exc,
        )
