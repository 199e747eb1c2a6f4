"""``WebView``: a real system WebView (WebKitGTK / WebView2 / WKWebView) driven from Python.

The native WebView lives on auroraview's UI thread; this object only sends it commands (any
thread may use it). The page's ``auroraview.call``/``emit`` reach the handlers registered
with :meth:`WebView.on`: on the WebView's handler thread, or on the host's main thread for
``dcc_mode=True`` and ``@dcc_thread_safe`` handlers (queued to the dispatcher, never
blocking the handler thread). A handler's return value resolves the page's Promise; its
exception rejects it with the exception's type and message.

The class is put together from one mixin per job: page operations (``_page.py``, shared
with ``WebViewProxy`` and ``DCCThreadSafeWrapper``), registration (``_handlers.py``),
``show()`` (``_serving.py``) and window events (``_events.py``); creation is
``_creation.py``'s. What lives here: the constructor, window management, the faces.
What must not: waiting or queueing logic (that is Rust's), host detection or any toolkit
(``utils.thread_dispatcher`` and its adapters).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from typing import Any, Callable, Optional, Union

from . import _asyncio, _core, _creation, _debugging, _runtime
from ._dialogs import Dialogs, PageDialogs
from ._events import WindowEventMethods, WindowEvents
from ._handlers import HandlerMethods, check_protocol
from ._page import PageMethods
from ._router import Router
from ._serving import ServingMethods
from .errors import WrongThreadError
from .proxy import WebViewProxy
from .utils.dcc_thread_safe import DCCThreadSafeWrapper
from .utils.thread_dispatcher import is_main_thread
from .utils.thread_dispatcher.backend_registry import resolve_dcc_mode

__all__ = ["WebView"]


class WebView(PageMethods, HandlerMethods, ServingMethods, WindowEventMethods):
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
        own_process: give the page a web process of its own. By default (Linux) a WebView
            shares the web process of an open WebView of its profile, which makes it open
            several times faster and saves that process's memory, but ties the two: a page
            stuck in a loop stalls the others, and a crash ends them all (each can
            ``reload()``). Incognito WebViews and those opened on an ``http(s)`` URL always
            get their own. See docs/webview.md, "Web processes".
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
        asset_root: Optional[Union[str, os.PathLike[str]]] = None,
        protocols: Optional[Mapping[str, Callable[..., Any]]] = None,
        capture_file_drop: bool = False,
        data_directory: Optional[Union[str, os.PathLike[str]]] = None,
        incognito: bool = False,
        own_process: bool = False,
        frameless: bool = False,
        always_on_top: bool = False,
        position: Optional[tuple[int, int]] = None,
        min_size: Optional[tuple[int, int]] = None,
        max_size: Optional[tuple[int, int]] = None,
        icon: Optional[Union[str, os.PathLike[str]]] = None,
        maximized: bool = False,
        transparent: bool = False,
        new_window: str = "browser",
        veto_timeout: float = 5.0,
        remote_debugging_port: Optional[int] = None,
        forward_console: bool = False,
        _naive_delivery: bool = False,
    ) -> None:
        options = dict(locals())  # every argument, by name (read by webview_spec)
        del options["self"]
        schemes = dict(protocols or {})
        for scheme, handler in schemes.items():
            check_protocol(scheme, handler)
        spec = _creation.webview_spec(options, list(schemes))
        dcc_mode = resolve_dcc_mode(dcc_mode)
        self._dcc_mode = dcc_mode
        self._handlers: dict[str, Callable[..., Any]] = {}
        self._router = Router(self._handlers, dcc_mode)
        self._router.protocols.update(schemes)
        self._window_events = WindowEvents(dcc_mode, new_window, veto_timeout)
        self._router.window_events = self._window_events
        self._router.internal_calls["auroraview:dialog"] = PageDialogs(self)
        _debugging.enable(remote_debugging_port, _core.runtime_mode() is not None)
        if is_main_thread():
            self._router.main_loop = _asyncio.main_thread_loop()
        self._serving = False
        self._serving_lock = threading.Lock()
        self._mode = _runtime.choose_mode(mode)
        self._core = _creation.create(self._mode, spec, self._router, create_timeout)
        self._attach()

    def _attach(self) -> None:
        """Connect the new native WebView to this object's router and window events, and
        list it among the open WebViews until it closes."""
        view_id = self._core.id
        self._router.core = self._core
        self._window_events.core = self._core
        self._window_events.sync_guards()
        self._router.route_direct()
        _creation.OPEN[view_id] = (self._core, self._router)

        def forget() -> None:
            _creation.OPEN.pop(view_id, None)

        self._router.internal_on_closed.append(self._stop_serving)
        self._router.internal_on_closed.append(forget)

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

    @property
    def dcc_mode(self) -> bool:
        """True if every handler runs on the host's main thread."""
        return self._dcc_mode

    # -- window -----------------------------------------------------------------------

    def set_bounds(self, x: int, y: int, width: int, height: int) -> None:
        """Place an embedded WebView inside its parent window (logical pixels)."""
        self._core.set_bounds(int(x), int(y), int(width), int(height))

    def reparent(self, parent: Any) -> None:
        """Move an embedded WebView into another parent (a Qt widget or native window id),
        or park it hidden with ``None`` (while its host window is being recreated)."""
        self._core.reparent(_creation.native_window_id(parent))

    def hide(self) -> None:
        """Hide the window (``show()`` shows it again)."""
        self._core.set_visible(False)

    def set_title(self, title: str) -> None:
        """Set the window's title."""
        self._core.set_title(title)

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

    def __enter__(self) -> WebView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the other faces --------------------------------------------------------------

    def get_proxy(self) -> WebViewProxy:
        """A handle whose every method is safe from any thread (RFC 0002 section 4)."""
        return WebViewProxy(self)

    def thread_safe(self) -> DCCThreadSafeWrapper:
        """A thread-safe wrapper for cross-thread use (RFC 0002 section 3)."""
        return DCCThreadSafeWrapper(self)

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<auroraview.WebView id={self._core.id} {state} dcc_mode={self._dcc_mode}>"
