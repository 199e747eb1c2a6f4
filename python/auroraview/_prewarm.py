"""``auroraview.prewarm()``: start the WebView runtime ahead of the first panel.

A DCC's start-up script (``userSetup.py``, ``123.py``, ``menu.py``, a Blender add-on's
``register()``) calls it; the panel opened later from a shelf button then skips what prewarm
did: the UI thread and GTK, the default profile's web context, and the launch of its page's
web process: the runtime keeps hidden spare WebViews (one by default) whose web process
already runs, and hands each to the next WebView it can serve.

What must not live here: the runtime's start (``_runtime``) or the spare itself (Rust,
``crates/auroraview-webview/src/ui/spare.rs``).
"""

from __future__ import annotations

import logging
import threading
from typing import Optional

from . import _core, _runtime
from ._describe import describe
from .errors import WrongThreadError
from .utils.thread_dispatcher import is_main_thread

__all__ = ["prewarm"]

logger = logging.getLogger("auroraview.webview")

#: The most spare WebViews ``prewarm`` keeps (each is an idle web process).
MAX_SPARES = 4


def prewarm(mode: Optional[str] = None, *, spares: int = 1) -> None:
    """Start the WebView runtime now, so the first panel opens faster; returns at once.

    Starts the runtime in ``mode`` (chosen as ``WebView(mode=...)`` chooses it: hosted in a
    Qt application on Linux, else own), makes the default profile's web context, and keeps
    ``spares`` hidden spare WebViews (0 to ``MAX_SPARES``) with their web process running
    from then on: a used one is replaced 500 ms after its panel's page is ready. The next
    top-level WebView of the default profile without ``debug``, ``capture_file_drop``,
    ``transparent`` or ``incognito`` is built from a spare (Linux; elsewhere prewarm starts
    the runtime only); every other WebView is built as before. Each spare costs one idle
    web process. Later panels share an open panel's web process (see ``WebView``'s
    ``own_process``), so one spare is enough; ``spares=2`` gives two panels opened back to
    back a web process each. ``prewarm(spares=0)`` ends the spares and keeps none.

    Own mode: the runtime starts on a background thread (the caller does not wait); a
    failure (no display, say) is logged and the first ``WebView()`` reports it as usual.
    Hosted mode: call it on the main thread, whose event loop runs the WebViews (GTK is
    initialised on it now; the rest happens when that loop next runs). Calling it again is
    harmless.
    """
    if isinstance(spares, bool) or not isinstance(spares, int):
        raise TypeError(f"spares is an int (0 to {MAX_SPARES}), not {type(spares).__name__}")
    if not 0 <= spares <= MAX_SPARES:
        raise ValueError(f"spares must be between 0 and {MAX_SPARES}, not {spares}")
    chosen = _runtime.choose_mode(mode)
    if chosen == "hosted":
        if not is_main_thread():
            raise WrongThreadError(
                "prewarm() in hosted mode must be called on the main thread (its event loop "
                "runs the WebViews)"
            )
        _runtime.ensure_started("hosted")
        _core.prewarm(spares)
        return

    def start() -> None:
        try:
            _runtime.ensure_started("own")
            _core.prewarm(spares)
        except Exception as exc:
            logger.warning("auroraview: prewarm() could not start the runtime: %s", describe(exc))

    threading.Thread(target=start, name="auroraview-prewarm", daemon=True).start()
