"""Remote inspection of a WebView's page: WebKitGTK's inspector server on Linux, WebView2's
Chrome DevTools Protocol port on Windows. Both are process-wide and read when the engine
starts, so ``WebView(remote_debugging_port=...)`` takes effect only for the first WebView of
a process (later ones get a warning when they ask for another port).

- Linux: ``WEBKIT_INSPECTOR_HTTP_SERVER=127.0.0.1:<port>``: a web page at
  ``http://127.0.0.1:<port>/`` lists the inspectable pages (their titles and URLs) and opens
  WebKit's inspector for them in a browser.
- Windows: ``WEBVIEW2_ADDITIONAL_BROWSER_ARGUMENTS=--remote-debugging-port=<port>``: Chrome's
  DevTools (``chrome://inspect``, or ``http://127.0.0.1:<port>/json``). Not run here.

Only 127.0.0.1 is bound. What must not live here: the in-window inspector (``debug=True``,
``open_devtools``; Rust).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Optional

logger = logging.getLogger("auroraview.webview")


def _variable(port: int) -> tuple[str, str]:
    if sys.platform.startswith("win"):
        return "WEBVIEW2_ADDITIONAL_BROWSER_ARGUMENTS", f"--remote-debugging-port={port}"
    return "WEBKIT_INSPECTOR_HTTP_SERVER", f"127.0.0.1:{port}"


def enable(port: Optional[int], engine_started: bool) -> None:
    """Asks the engine to serve remote inspection on ``port`` (see the module docstring)."""
    if port is None:
        return
    if isinstance(port, bool) or not isinstance(port, int) or not (0 < port < 65536):
        raise ValueError(f"remote_debugging_port must be a port number (1-65535), not {port!r}")
    name, value = _variable(port)
    current = os.environ.get(name)
    if current == value:
        return
    if engine_started:
        logger.warning(
            "auroraview: remote_debugging_port=%d is ignored: the engine of this process "
            "started already (%s=%r); pass it to the first WebView, or set %s before it",
            port,
            name,
            current,
            name,
        )
        return
    os.environ[name] = value
