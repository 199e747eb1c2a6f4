"""Which WebView runtime mode this process uses, and starting it.

Two modes (see THREAD-MODEL.md): "own", a dedicated UI thread running its own event loop,
and "hosted", the host's main thread, whose running event loop already services WebViews
(Qt runs its loop on GLib's default main context on Linux, and that context can have only
one owner thread per process). The mode is chosen automatically, can be forced with
``WebView(mode=...)`` or ``AURORAVIEW_WEBVIEW_MODE``, and a mode that cannot work here fails
at construction with a message saying why and what to do.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Optional

from . import _core
from .errors import WebViewStartError
from .utils.thread_dispatcher.qt import running_qt_core

logger = logging.getLogger("auroraview.webview")

ENV_VAR = "AURORAVIEW_WEBVIEW_MODE"
MODES = ("auto", "own", "hosted")


def qt_runs_on_glib() -> bool:
    """True if a Qt application exists and its event dispatcher is GLib's."""
    core = running_qt_core()
    if core is None:
        return False
    app = core.QCoreApplication.instance()
    dispatcher = core.QAbstractEventDispatcher.instance(app.thread())
    if dispatcher is None:
        return False
    return "glib" in dispatcher.metaObject().className().lower()


def choose_mode(requested: Optional[str] = None) -> str:
    """The mode a new WebView uses: ``requested``, else ``$AURORAVIEW_WEBVIEW_MODE``, else
    "auto" (the running runtime's mode; else hosted in a Qt-on-GLib host; else own)."""
    wanted = (requested or os.environ.get(ENV_VAR) or "auto").strip().lower()
    if wanted not in MODES:
        raise ValueError(f"unknown WebView mode {wanted!r}; choose one of {MODES}")
    running = _core.runtime_mode()
    glib_qt = sys.platform.startswith("linux") and qt_runs_on_glib()
    mode = wanted if wanted != "auto" else running or ("hosted" if glib_qt else "own")
    if running is not None and mode != running:
        raise WebViewStartError(
            f"this process already runs WebViews in {running} mode and cannot switch to "
            f"{mode} mode (only one thread per process may own GLib's main context); "
            f"create every WebView in {running} mode"
        )
    if mode == "own" and glib_qt and running is None:
        raise WebViewStartError(
            "a Qt application runs its event loop on GLib's main context in this process, so "
            "a WebView UI thread of its own would fight it for that context: use "
            "mode='hosted' (the automatic choice here), or start Qt with QT_NO_GLIB=1"
        )
    if mode == "hosted" and not glib_qt and sys.platform.startswith("linux"):
        raise WebViewStartError(
            "hosted mode needs a running host event loop that iterates GLib's main context "
            "(a Qt application on Linux) and none was found: create the QApplication first, "
            "or use mode='own' in a script without a host loop"
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
    _core.start_runtime(mode)
