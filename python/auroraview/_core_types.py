"""The types of the boundary with the Rust extension ``auroraview._core``: the dicts Python
passes in (:class:`WebViewSpec` with its :class:`WindowOptions`, :class:`DialogSpec`) and
gets back (:class:`RuntimeStats`), and the :class:`WebViewSink` protocol, the object whose
methods the runtime calls.

``_core.pyi`` uses these, as pydantic-core's stub uses its ``core_schema`` module; they live
in a real module so that Python code and tests can import them (type-only names: no
behaviour, nothing here runs on its own). The Rust side reads the same keys and calls the
same method names (``crates/auroraview-python/src/spec.rs``, ``sink.rs``);
``tests/test_stubs.py`` checks that both agree. What must not live here: logic.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Literal, Optional, Protocol, TypedDict, Union

if TYPE_CHECKING:
    from ._core import Decision, PageCall, ProtocolRequest

#: A file system path as the extension accepts it.
PathArg = Union[str, os.PathLike[str]]

#: A ``(x, y)`` or ``(width, height)`` pair of pixels.
Pair = tuple[int, int]


class WindowOptions(TypedDict, total=False):
    """A top-level window's options (``WebViewSpec["window"]``; see ``_window.py``)."""

    frameless: bool
    always_on_top: bool
    position: Optional[Pair]
    min_size: Optional[Pair]
    max_size: Optional[Pair]
    icon: Optional[PathArg]
    maximized: bool
    transparent: bool


class WebViewSpec(TypedDict, total=False):
    """What ``_core.create_webview`` opens. Every key is optional (the runtime's default);
    an unknown key is a ValueError. Meanings: ``auroraview.WebView``'s parameters."""

    title: str
    url: Optional[str]
    html: Optional[str]
    width: int
    height: int
    resizable: bool
    visible: bool
    debug: bool
    allowed_origins: list[str]
    #: A native window id to embed in (X11 window, HWND, NSView*), or None: top level.
    parent: Optional[int]
    #: Benchmark baseline only: one script evaluation per page operation.
    naive_delivery: bool
    asset_root: Optional[PathArg]
    schemes: list[str]
    capture_file_drop: bool
    data_directory: Optional[PathArg]
    incognito: bool
    own_process: bool
    forward_console: bool
    window: WindowOptions


DialogKind = Literal["open_file", "open_files", "save_file", "pick_folder", "message", "confirm"]
MessageLevel = Literal["info", "warning", "error"]

#: The WebView runtime's modes (``_core.start_runtime``).
RuntimeMode = Literal["own", "hosted"]


class _DialogKind(TypedDict):
    kind: DialogKind


class DialogSpec(_DialogKind, total=False):
    """What ``WebViewProxy.dialog`` shows: ``kind`` is required, the rest optional."""

    title: str
    default_path: Optional[PathArg]
    #: (name, patterns) pairs, e.g. ``[("Images", ["*.png", "*.jpg"])]``.
    filters: list[tuple[str, list[str]]]
    message: str
    level: MessageLevel


class RuntimeStats(TypedDict):
    """What ``_core.runtime_stats()`` returns (all 0 when no runtime runs)."""

    open_views: int
    pending_evals: int
    queued_commands: int
    #: Spare WebViews kept after ``auroraview.prewarm()`` ready to be handed out.
    spares_ready: int
    #: WebViews built from a spare so far.
    spares_used: int
    #: Posts received from pages so far (a burst of messages travels in posts of ~32 KiB).
    page_posts: int
    #: Messages those posts carried.
    page_messages: int
    #: Posts that arrived in a burst and waited, unparsed, for a pass of the UI thread.
    page_posts_waited: int
    #: Of the posts, those that came by the bridge's own socket (Linux, web extension
    #: installed) rather than the engine's message handler.
    socket_posts: int
    #: Scripts (batches of page operations) sent to pages by that socket.
    socket_scripts: int
    #: Call answers written to the page's socket by the thread that settled the call.
    direct_answers: int


class WebViewSink(Protocol):
    """The object ``_core.create_webview(spec, sink)`` reports a WebView's traffic to; the
    runtime calls these methods (by the names in ``_core.SINK_METHODS``) on the WebView's
    handler thread, scheme requests on an ``auroraview-protocol`` thread. What they return
    is ignored; what they raise is logged, and the page still hears (a call is rejected, a
    request answered 500).

    The runtime tolerates a sink without ``_on_window_event`` (it gets no window events);
    ``_on_protocol`` is needed once a scheme is registered and ``_answer_on_main`` once
    ``WebViewProxy.route_calls_to`` names a dispatcher. ``auroraview._router.Router`` is the
    full implementation.
    """

    def _on_call(self, call: PageCall) -> object:
        """One ``auroraview.call`` from the page; settle ``call`` once."""

    def _on_event(self, name: str, data_json: str) -> object:
        """One ``auroraview.emit`` from the page; ``data_json`` is JSON text."""

    def _on_protocol(self, request: ProtocolRequest) -> object:
        """A request for a scheme this WebView handles; answer ``request`` once."""

    def _on_window_event(self, kind: str, data_json: str, decision: Optional[Decision]) -> object:
        """A window event (``kind``: "loaded", "navigation", "close_requested", "file_drop",
        ...); ``decision`` is set for a request the application may refuse."""

    def _on_closed(self) -> object:
        """The WebView closed; called once, after everything else."""

    def _answer_on_main(self, call: PageCall) -> object:
        """A page call routed to the main thread's dispatcher, run on its owner thread."""
