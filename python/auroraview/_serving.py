"""``WebView.show()``: showing the window and, when asked to block, serving the main thread
until the WebView has closed.

Own mode serves with auroraview's own main-thread loop (``run_main_loop``: ``dcc_mode``
handlers, ``run_on_main_thread``); hosted mode runs the host's event loop, through the host
adapter (``HostAdapter.run_until_closed``), which services the WebView too. Either way a
blocking ``show()`` returns once the WebView has closed and its handlers have finished, or
``HANDLER_GRACE_SECONDS`` after the close. Must not live here: any toolkit (the adapters
know those), creation, page operations.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Optional

from ._defaults import HANDLER_GRACE_SECONDS
from .errors import WrongThreadError
from .utils.thread_dispatcher import (
    current_adapter,
    current_host,
    host_adapter_class,
    is_main_thread,
    run_main_loop,
    stop_main_loop,
)

if TYPE_CHECKING:
    from . import _core
    from ._router import Router

logger = logging.getLogger("auroraview.webview")


def host_loop_serves() -> bool:
    """True if the host's own loop serves the main thread (see
    ``HostAdapter.host_loop_serves``)."""
    current_host()  # (re)detects the host
    adapter = current_adapter()
    return adapter is not None and adapter.host_loop_serves()


class ServingMethods:
    """``show()`` and the loops it may block in (mixed into :class:`auroraview.WebView`,
    which sets ``_core``, ``_router`` and ``_mode``)."""

    _core: _core.WebViewProxy
    _router: Router
    _mode: str
    _serving: bool
    _serving_lock: threading.Lock

    def show(self, block: Optional[bool] = None) -> None:
        """Show the window. ``block=True`` then serves the main thread until the window
        closes: our loop in own mode (dcc_mode handlers, ``run_on_main_thread``), the host's
        event loop (Qt's) in hosted mode. The default blocks only where no host event loop
        serves the main thread (standalone scripts, Blender in background mode), so that
        something does.

        A blocking ``show()`` returns once the WebView has closed and its handlers have
        finished, or ``HANDLER_GRACE_SECONDS`` (5 s) after the close when a handler is still
        running then (logged with the handler's name; it goes on in the background)."""
        self._core.set_visible(True)
        if block is None:
            block = self._mode == "own" and not host_loop_serves()
        if not block:
            return
        if not is_main_thread():
            raise WrongThreadError("show(block=True) must be called on the main thread")
        if self._mode == "hosted":
            self._run_host_loop_until_closed()
        else:
            self._run_own_loop_until_closed()
        if not self._router.closed.is_set():
            logger.warning(
                "auroraview: show() returns %.0f s after WebView %d closed, while handler %r "
                "is still running (it goes on in the background)",
                HANDLER_GRACE_SECONDS,
                self._core.id,
                self._router.running,
            )

    def _run_own_loop_until_closed(self) -> None:
        """Own mode: serve the main thread with our loop until the WebView closes (the
        close hook stops the loop), then while its handlers finish, within the grace."""
        self._core.on_closed(self._stop_serving)
        with self._serving_lock:
            self._serving = True
        try:
            while not self._core.closed:
                run_main_loop()
            deadline = time.monotonic() + HANDLER_GRACE_SECONDS
            while not self._router.closed.is_set() and time.monotonic() < deadline:
                run_main_loop(timeout=deadline - time.monotonic())
        finally:
            with self._serving_lock:
                self._serving = False

    def _run_host_loop_until_closed(self) -> None:
        """Hosted mode: the WebView is serviced by the host's event loop, so block in that
        loop, not in ours, until the WebView closes, then while its handlers finish (within
        the grace)."""
        host = host_adapter_class()
        core, router = self._core, self._router
        host.run_until_closed(core.on_closed, lambda: core.closed)
        host.run_until_closed(
            router.internal_on_closed.append, router.closed.is_set, HANDLER_GRACE_SECONDS
        )

    def _stop_serving(self) -> None:
        # Under the lock: a stop requested after show() returned would be kept for the
        # next run_main_loop() and end it at once.
        with self._serving_lock:
            if self._serving:
                stop_main_loop()
