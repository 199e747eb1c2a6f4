"""Which WebView runtime mode this process uses, and starting it.

Two modes (see docs/thread-model.md): "own", a dedicated UI thread running its own event loop,
and "hosted", the host's main thread, whose running event loop already services WebViews
(Qt runs its loop on GLib's default main context on Linux, and that context can have only
one owner thread per process; on Windows Qt's loop dispatches our windows' messages; on
macOS AppKit allows only the main thread, so hosted is the only mode there). The mode is
chosen automatically, can be forced with ``WebView(mode=...)`` or
``AURORAVIEW_WEBVIEW_MODE``, and a mode that cannot work here fails at construction with a
message saying why and what to do.

Whether the host's loop can serve WebViews, and what to prepare before a UI thread of our
own starts, are the host adapter's answers (``HostAdapter.serves_webviews``,
``prepare_own_mode``): no toolkit is known here.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from . import _core
from .errors import WebViewStartError
from .utils.thread_dispatcher import host_adapter_class

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from ._core_types import RuntimeMode

ENV_VAR = "AURORAVIEW_WEBVIEW_MODE"
MODES = ("auto", "own", "hosted")


def host_loop_serves_webviews() -> bool:
    """True if this process's host event loop can service WebViews on its thread (the host
    adapter's answer; see ``HostAdapter.serves_webviews``)."""
    return host_adapter_class().serves_webviews()


def choose_mode(requested: Optional[str] = None) -> RuntimeMode:
    """The mode a new WebView uses: ``requested``, else ``$AURORAVIEW_WEBVIEW_MODE``, else
    "auto" (the running runtime's mode; else hosted when a host loop can serve WebViews;
    else own)."""
    wanted = (requested or os.environ.get(ENV_VAR) or "auto").strip().lower()
    if wanted not in MODES:
        raise ValueError(f"unknown WebView mode {wanted!r}; choose one of {MODES}")
    return decide_mode(wanted, _core.runtime_mode(), sys.platform, host_loop_serves_webviews())


def decide_mode(
    wanted: str, running: Optional[RuntimeMode], platform: str, host_loop: bool
) -> RuntimeMode:
    """The mode for ``wanted`` ("auto", "own" or "hosted") given the runtime mode already
    running (if any), the platform (``sys.platform``) and whether a host loop can serve
    WebViews; raises WebViewStartError, saying why and what to do, when it cannot work."""
    linux = platform.startswith("linux")
    mode: RuntimeMode = running or ("hosted" if host_loop else "own")
    if wanted in ("own", "hosted"):
        mode = "own" if wanted == "own" else "hosted"
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


def ensure_started(mode: RuntimeMode) -> None:
    """Start the runtime in ``mode`` (hosted: on the calling thread, the host's main one).

    Own mode: the host adapter first prepares the process for a UI thread of ours
    (``HostAdapter.prepare_own_mode``; on Linux, Qt applications created later keep off
    GLib's main context, which our UI thread owns).
    """
    if mode == "own":
        host_adapter_class().prepare_own_mode()
    if _core.runtime_mode() is None:
        from ._profiles import set_default

        set_default()  # before the first WebView, whoever creates it
        _use_web_extension()
    _core.start_runtime(mode)


#: Where the build installs the bridge's web extension (Linux): pages and the runtime then
#: talk over a socket of the bridge's own rather than the engine's message handler.
WEB_EXTENSION_DIR = Path(__file__).resolve().parent / "_webext"


def _use_web_extension() -> None:
    """Tells the runtime where the web extension is, if this installation has it (before the
    runtime starts). Without it, pages use the engine's path (slower, the same guarantees)."""
    if (WEB_EXTENSION_DIR / "libauroraview_webext.so").is_file():
        _core.set_web_extension_dir(str(WEB_EXTENSION_DIR))
    else:
        logger.debug(
            "auroraview: no web extension in %s: pages use the engine's path", WEB_EXTENSION_DIR
        )
