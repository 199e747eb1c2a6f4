"""Type stubs of the Rust extension ``auroraview._core`` (private: use ``auroraview.utils``)."""

from typing import Callable, Literal, Optional, TypeVar, final

from typing_extensions import Self

from auroraview._core_types import (
    DialogSpec,
    RuntimeMode,
    RuntimeStats,
    WebViewSink,
    WebViewSpec,
)

__all__ = [
    "ERROR_CLASSES",
    "MAX_MESSAGE_BYTES",
    "SINK_METHODS",
    "Decision",
    "Dispatcher",
    "PageCall",
    "ProtocolRequest",
    "WebViewProxy",
    "__version__",
    "create_webview",
    "current_thread_ident",
    "prewarm",
    "run_ui_pass",
    "runtime_mode",
    "runtime_stats",
    "set_default_data_directory",
    "set_log_level",
    "set_web_extension_dir",
    "start_runtime",
]

_T = TypeVar("_T")

__version__: str

def set_log_level(level: str) -> None:
    """Most verbose Rust log level forwarded to Python's logging ("off", "error", "warn",
    "info" (default), "debug", "trace"). Records go to loggers named after their Rust module
    (``auroraview_webview.ui``, ...), from an "auroraview-log" thread."""

def current_thread_ident() -> int:
    """The calling thread's OS identity; equals ``threading.get_ident()``."""

@final
class Dispatcher:
    """Runs Python callables on one owner thread on behalf of any thread.

    Waits release the GIL. Wakes are coalesced: the waker runs once per burst of posts.
    """

    def __new__(cls, owner_ident: int, *, budget: float = 0.004, spin: float = 0.00005) -> Self: ...
    @property
    def owner_ident(self) -> int: ...
    def is_owner_thread(self) -> bool: ...
    def set_waker(self, waker: Optional[Callable[[], object]]) -> None:
        """Callable run from any thread, once per burst, to make the owner call ``pump()``."""
    def use_main_loop_waker(self) -> bool:
        """Wake through the platform's main loop (Linux: a GLib idle source on the default
        main context, which a Qt application on GLib iterates), without Python; False,
        changing nothing, where there is none."""
    idle_hint: str
    """Appended to timeout errors when the owner never pumped during the wait."""
    budget: float
    """Seconds one ``pump()`` may run tasks before it yields to the host loop."""
    @property
    def pending(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    @property
    def pump_count(self) -> int: ...
    def post(
        self,
        func: Callable[[], object],
        abandon: Optional[Callable[[BaseException], object]] = None,
    ) -> None:
        """Queue ``func()`` for the owner thread. Raises DispatchClosedError after shutdown.
        If a shutdown abandons it while queued, ``abandon(error)`` is called (else logged)."""
    def call(
        self,
        func: Callable[[], _T],
        timeout: float,
        recheck: Optional[Callable[[], object]] = None,
    ) -> _T:
        """Run ``func()`` on the owner thread and return its result (inline on the owner).

        ``recheck`` is called every 50 ms while waiting (host re-detection)."""
    def pump(self, budget: Optional[float] = None) -> bool:
        """Owner thread only: run queued tasks within the budget; True if work remains."""
    def run(self, timeout: Optional[float] = None) -> Literal["stopped", "deadline", "closed"]:
        """Owner thread only: serve the queue until ``stop()``, shutdown or the timeout."""
    def stop(self) -> None: ...
    def shutdown(self) -> int:
        """Fail every queued task with DispatchClosedError; returns how many were dropped."""

MAX_MESSAGE_BYTES: int
"""Largest payload accepted in either direction between Python and the page (16 MiB)."""

SINK_METHODS: tuple[str, ...]
"""The names of the sink methods the runtime calls (``WebViewSink``'s members)."""

ERROR_CLASSES: tuple[str, ...]
"""The names of the ``auroraview.errors`` classes the extension raises."""

def start_runtime(mode: RuntimeMode) -> RuntimeMode:
    """Start the process's WebView runtime ("hosted": on this thread, whose running event
    loop iterates GLib's main context). A process keeps one mode for its life."""

def runtime_mode() -> Optional[RuntimeMode]:
    """The running runtime's mode, or None."""

def runtime_stats() -> RuntimeStats:
    """What the WebView runtime holds now: ``open_views``, ``pending_evals`` and
    ``queued_commands``, ``spares_ready`` (spare WebViews kept after ``prewarm`` ready to be
    handed out), ``spares_used`` (WebViews built from one so far), ``page_posts`` and
    ``page_messages`` (posts received from pages so far, and the messages they carried),
    ``page_posts_waited`` (posts that arrived in a burst and waited, unparsed, for a pass of
    the UI thread); all 0 when no runtime runs."""

def prewarm(spares: int) -> bool:
    """Queue the runtime's pre-warming: the default web context now and ``spares`` spare
    WebViews kept from then on (0 ends them). False when no runtime runs."""

def run_ui_pass() -> bool:
    """Hosted mode, on the UI (main) thread: apply queued WebView commands now (for when the
    host's loop has ended). False, doing nothing, anywhere else."""

def create_webview(spec: WebViewSpec, sink: WebViewSink, timeout: float = 30.0) -> WebViewProxy:
    """Open a WebView. The runtime calls ``sink``'s methods (see ``WebViewSink``) on the
    WebView's handler thread. ValueError for an unknown spec key, TypeError for a value of
    the wrong type."""

@final
class PageCall:
    """One ``auroraview.call`` from the page. Settled once, by the first ``resolve`` or
    ``reject``; one collected unsettled is rejected with an ``InternalError``."""

    @property
    def name(self) -> str: ...
    @property
    def data(self) -> str:
        """The page's argument as JSON text."""
    @property
    def channel(self) -> bool:
        """True if the page listens to the call's channel (``onMessage``)."""
    @property
    def bound(self) -> bool:
        """True for a bound-method call: ``data`` is ``{"args": [...], "kwargs": {...}}``."""
    @property
    def settled(self) -> bool: ...
    def message(self, data_json: str) -> bool:
        """Send ``data_json`` on the call's channel, before its result; False (nothing
        sent) once the call is settled."""
    def resolve(self, value_json: str) -> bool:
        """Resolve with ``value_json``; False if already settled."""
    def reject(self, name: str, message: str) -> bool:
        """Reject with an Error named ``name``; False if already settled."""

@final
class ProtocolRequest:
    """One request for a scheme the application handles; answered once by ``respond``;
    one collected unanswered is answered 500."""

    @property
    def method(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def headers(self) -> list[tuple[str, str]]: ...
    @property
    def body(self) -> bytes: ...
    @property
    def settled(self) -> bool: ...
    def respond(
        self,
        status: int,
        headers: list[tuple[str, str]],
        body: Optional[bytes] = None,
        path: Optional[str] = None,
    ) -> bool:
        """Answer with ``body`` or the file at ``path`` (streamed, Range honoured); False if
        already answered."""

@final
class WebViewProxy:
    """Drives one WebView from any thread; every method only queues work for the UI thread."""

    @property
    def id(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    def emit(self, name: str, data_json: str) -> None: ...
    def eval(self, script: str) -> None: ...
    def eval_async(
        self,
        script: str,
        callback: Callable[[Optional[str], Optional[BaseException]], object],
        timeout_ms: float,
    ) -> None:
        """``callback(value_json, None)`` or ``callback(None, error)``, exactly once, on the
        completion thread."""
    def eval_sync(self, script: str, timeout_ms: float) -> str: ...
    def register_scheme(self, scheme: str) -> None:
        """Send this WebView's ``scheme://`` requests to the sink's ``_on_protocol``."""
    def load_url(self, url: str) -> None: ...
    def load_html(self, html: str) -> None: ...
    def reload(self) -> None: ...
    def set_title(self, title: str) -> None: ...
    def set_visible(self, visible: bool) -> None: ...
    def set_bounds(self, x: int, y: int, width: int, height: int) -> None: ...
    def reparent(self, parent: Optional[int] = None) -> None:
        """Move an embedded WebView under native window ``parent``, or park it (None)."""
    def close(self) -> None: ...
    def set_guards(self, navigation: bool, close: bool, timeout: float) -> None: ...
    def request_close(self) -> None: ...
    def open_devtools(self) -> None: ...
    def dialog(
        self,
        spec: DialogSpec,
        callback: Callable[[Optional[str], Optional[BaseException]], object],
        timeout: float,
    ) -> None: ...
    def route_calls_to(self, dispatcher: Optional[Dispatcher] = None) -> None:
        """Post the page's calls straight to ``dispatcher``'s owner thread, answered there
        by the sink's ``_answer_on_main(call)`` (no Python on the handler thread); None:
        through the sink's ``_on_call`` again."""
    def on_closed(self, callback: Callable[[], object]) -> None:
        """``callback()`` once, on the completion thread, as soon as the WebView has closed
        (at once if it has), without waiting for its handlers."""
    def wait_closed(self, timeout: float) -> bool: ...
    def wait_finished(self, timeout: float) -> bool:
        """Wait (GIL released) until the WebView closed and no thread of the runtime will call
        into Python for it again; True if so within ``timeout`` seconds."""

@final
class Decision:
    """A request the application may refuse (a navigation, a close); answered once."""

    def answer(self, allow: bool) -> bool: ...
    @property
    def settled(self) -> bool: ...

def set_default_data_directory(path: str) -> bool: ...
def set_web_extension_dir(path: str) -> None: ...
