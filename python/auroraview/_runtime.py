"""Which WebView runtime mode this process uses, and starting it.

Two modes (see docs/thread-model.md): "own", a dedicated UI thread running its own event loop,
and "hosted", the host's main thread, whose running event loop already services WebViews
(Qt runs its loop on GLib's default main context on Linux, and that context can have only
one owner thread per process; on Windows Qt's loop dispatches our windows' messages; on
macOS AppKit allows only the main thread, so hosted is the only mode there). The mode is
chosen automatically, can be forced with ``WebView(mode=...)`` or
``AURORAVIEW_WEBVIEW_MODE``, and a mode that cannot work here fails at construction with a
message saying why and what to do.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Optional

from . import _core
from ._qt_binding import qt_runs_on_glib, running_qt_core
from .errors import WebViewStartError

logger = logging.getLogger("auroraview.webview")

ENV_VAR = "AURORAVIEW_WEBVIEW_MODE"
MODES = ("auto", "own", "hosted")


def host_loop_serves_webviews(platform: str = sys.platform) -> bool:
    """True if this process's host event loop can service WebViews on its thread.

    Linux: a Qt application on GLib's dispatcher (GTK shares GLib's default context).
    Windows: any Qt application (its dispatcher dispatches every message of the thread, our
    windows' included). macOS: any Qt application (it runs the Cocoa loop on the main
    thread, which also serves the main dispatch queue).
    """
    if platform.startswith("linux"):
        return qt_runs_on_glib()
    return running_qt_core() is not None


def choose_mode(requested: Optional[str] = None) -> str:
    """The mode a new WebView uses: ``requested``, else ``$AURORAVIEW_WEBVIEW_MODE``, else
    "auto" (the running runtime's mode; else hosted when a host loop can serve WebViews;
    else own)."""
    wanted = (requested or os.environ.get(ENV_VAR) or "auto").strip().lower()
    if wanted not in MODES:
        raise ValueError(f"unknown WebView mode {wanted!r}; choose one of {MODES}")
    return decide_mode(wanted, _core.runtime_mode(), sys.platform, host_loop_serves_webviews())


def decide_mode(wanted: str, running: Optional[str], platform: str, host_loop: bool) -> str:
    """The mode for ``wanted`` ("auto", "own" or "hosted") given the runtime mode already
    running (if any), the platform (``sys.platform``) and whether a host loop can serve
    WebViews; raises WebViewStartError, saying why and what to do, when it cannot work."""
    linux = platform.startswith("linux")
    mode = wanted if wanted != "auto" else running or ("hosted" if host_loop else "own")
    if running is not None and mode != running:
        raise WebViewStartError(
            f"this process already runs WebViews in {running} mode and cannot switch to "
            f"{mode} mode (the WebView runtime keeps one UI thread for the life of the "
            f"process); create every WebView in {running} mode"
        )
    if mode == "own" and platform == "darwin":
        raise WebViewStartError(
            "on macOS, AppKit and WKWebView run only on the main thread, so a WebView UI "
            "thread of its own is not possible: create the QApplication first and create "
            "WebViews on the main thread (hosted mode, the automatic choice then)"
        )
    if mode == "own" and linux and host_loop and running is None:
        raise WebViewStartError(
            "a Qt application runs its event loop on GLib's main context in this process, so "
            "a WebView UI thread of its own would fight it for that context: use "
            "mode='hosted' (the automatic choice here), or start Qt with QT_NO_GLIB=1"
        )
    if mode == "hosted" and not host_loop and running is None:
        needs = (
            "a Qt application on Linux, whose loop iterates GLib's main context"
            if linux
            else "a Qt application"
        )
        raise WebViewStartError(
            f"hosted mode needs a running host event loop on this thread ({needs}) and none "
            "was found: create the QApplication first, or use mode='own' in a script "
            "without a host loop"
        )
    return mode


def ensure_started(mode: str) -> None:
    """Start the runtime in ``mode`` (hosted: on the calling thread, the host's main one).

    Own mode on Linux: our UI thread owns GLib's main context from now on, so a Qt
    application created later in this process must not use the GLib event dispatcher (it
    would hang waiting for that context). ``QT_NO_GLIB=1`` is set for it, unless the
    environment already says otherwise.
    """
    if mode == "own" and sys.platform.startswith("linux") and running_qt_core() is None:
        if "QT_NO_GLIB" not in os.environ:
            os.environ["QT_NO_GLIB"] = "1"
            logger.info("auroraview: set QT_NO_GLIB=1 for Qt applications created later")
    if _core.runtime_mode() is None:
        from ._profiles import set_default

        set_default()  # before the first WebView, whoever creates it
    _core.start_runtime(mode)
