"""Making a WebView's native side: its spec, its creation on the right thread, and closing
every open one before the interpreter exits.

Lives here: the spec dict the Rust runtime reads (``webview_spec``), creation in own or
hosted mode (``create``: hosted WebViews are made on the host's main thread, with a bounded
wait), and the table of open WebViews that the exit hook closes. Must not live here: the
mode decision (``_runtime.py``), what a host window is (the host adapter's
``native_window_id``), the WebView's API (``webview.py``).
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Optional, Union

from . import _core, _profiles, _protocol, _runtime
from ._describe import describe
from ._window import window_options
from .errors import DispatchTimeoutError, WebViewStartError
from .utils.thread_dispatcher import host_adapter_class, is_main_thread, run_on_main_thread_sync

if TYPE_CHECKING:
    from ._core_types import RuntimeMode, WebViewSpec
    from ._router import Router

#: Open WebViews (by id), so the interpreter's exit can close them first: their handler
#: threads must finish calling into Python before Python finalizes.
OPEN: dict[int, tuple[_core.WebViewProxy, Router]] = {}


@atexit.register
def _close_all_at_exit(timeout: float = 2.0) -> None:
    views = list(OPEN.values())
    for core, _router in views:
        core.close()
    # Hosted mode after the host's loop has ended (app.exec() returned): nothing would run
    # the close we just queued, so run it here, on the UI thread, now.
    _core.run_ui_pass()
    # Then wait until the runtime's threads are done calling into Python for them (on_closed
    # callbacks, evaluation callbacks): Python must not finalize under them.
    deadline = time.monotonic() + timeout
    for core, _router in views:
        core.wait_finished(max(0.0, deadline - time.monotonic()))


def native_window_id(parent: object) -> Optional[int]:
    """The native window id to embed in: None or an int as given, else the host's id for
    one of its window objects (a Qt widget's ``winId()``, see
    ``HostAdapter.native_window_id``)."""
    if parent is None or isinstance(parent, int):
        return parent
    window_id = host_adapter_class().native_window_id(parent)
    if window_id is None:
        raise TypeError(f"parent must be a Qt widget or a native window id, not {parent!r}")
    return window_id


def origins(allowed: Union[str, Iterable[str]]) -> list[str]:
    """``allowed_origins`` as a list of strings: one str is one origin (not its letters)."""
    if isinstance(allowed, str):
        return [allowed]
    listed = list(allowed)
    for origin in listed:
        if not isinstance(origin, str):
            raise TypeError(
                f"allowed_origins must be strings such as 'https://tools.studio.local', "
                f"not {type(origin).__name__}"
            )
    return listed


#: The constructor arguments that are top-level window options (``_window.window_options``).
WINDOW_OPTIONS = (
    "frameless",
    "always_on_top",
    "position",
    "min_size",
    "max_size",
    "icon",
    "maximized",
    "transparent",
)


def webview_spec(options: dict[str, Any], schemes: list[str]) -> WebViewSpec:
    """The spec the Rust runtime builds a WebView from, out of the ``WebView`` constructor's
    arguments (``options``, by name) and the custom schemes registered so far. Raises
    ValueError or TypeError for arguments that cannot work, before anything is created."""
    if options["url"] is not None and options["html"] is not None:
        raise ValueError("pass url= or html=, not both")
    asset_root = options["asset_root"]
    incognito = bool(options["incognito"])
    return {
        "title": options["title"],
        "url": _protocol.asset_url(asset_root, options["url"], options["html"]),
        "html": options["html"],
        "width": int(options["width"]),
        "height": int(options["height"]),
        "resizable": bool(options["resizable"]),
        "visible": False,
        "debug": bool(options["debug"]) or options["remote_debugging_port"] is not None,
        "allowed_origins": origins(options["allowed_origins"]),
        "parent": native_window_id(options["parent"]),
        "naive_delivery": bool(options["_naive_delivery"]),  # benchmark baseline only
        "asset_root": None if asset_root is None else os.fspath(asset_root),
        "schemes": schemes,
        "capture_file_drop": bool(options["capture_file_drop"]),
        "data_directory": _profiles.resolve(options["data_directory"], incognito),
        "incognito": incognito,
        "own_process": bool(options["own_process"]),
        "forward_console": bool(options["forward_console"]),
        "window": window_options(**{name: options[name] for name in WINDOW_OPTIONS}),
    }


class _Creation:
    """A hosted WebView created on the main thread for a worker that may stop waiting: if
    the worker gave up (``create_timeout``), the WebView is closed as soon as it exists."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.abandoned = False
        self.core: Optional[_core.WebViewProxy] = None

    def keep(self, core: _core.WebViewProxy) -> _core.WebViewProxy:
        with self.lock:
            self.core = core
            abandoned = self.abandoned
        if abandoned:
            core.close()
        return core

    def abandon(self) -> None:
        with self.lock:
            self.abandoned = True
            core = self.core
        if core is not None:
            core.close()


def _create_here(
    mode: RuntimeMode, spec: WebViewSpec, router: Router, timeout: float
) -> _core.WebViewProxy:
    _runtime.ensure_started(mode)
    return _core.create_webview(spec, router, timeout)


def create(
    mode: RuntimeMode, spec: WebViewSpec, router: Router, timeout: float
) -> _core.WebViewProxy:
    """The native WebView for ``spec``, answering to ``router``, made within ``timeout``
    seconds. Hosted WebViews live on the host's main thread: made off it, it is created
    there, and one still being built when the wait ends is closed as soon as it exists, so
    a timed-out constructor leaves nothing behind."""
    if mode != "hosted" or is_main_thread():
        return _create_here(mode, spec, router, timeout)
    creation = _Creation()
    try:
        return run_on_main_thread_sync(
            lambda: creation.keep(_create_here(mode, spec, router, timeout)), timeout=timeout
        )
    except DispatchTimeoutError as exc:
        creation.abandon()
        raise WebViewStartError(
            f"the WebView was not created within create_timeout={timeout} s: the host's "
            f"main thread did not get to it ({describe(exc)}); nothing is left open"
        ) from exc
