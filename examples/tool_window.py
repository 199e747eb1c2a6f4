"""A floating tool window: no title bar, always above the application, at a chosen place,
with size limits and its own icon.

Window options apply to top-level WebViews (a docked ``QtWebView`` ignores them). On Linux
each is a request to the window manager; ``transparent=True`` needs a compositing one.

Run::

    bash scripts/with-display.sh python examples/tool_window.py           # close: the button
    bash scripts/with-display.sh python examples/tool_window.py --auto
"""

from __future__ import annotations

import argparse
import sys
import threading
import time

from auroraview import WebView

PAGE = """<!doctype html><body style="margin:0;font:14px sans-serif;background:#223;color:#eee">
<div style="padding:10px">Quick tools
<button onclick="auroraview.call('close_me')" style="float:right">x</button></div></body>"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--auto", action="store_true", help="show it briefly and exit")
    args = parser.parse_args()
    webview = WebView(
        title="Quick tools",
        html=PAGE,
        width=260,
        height=120,
        frameless=True,
        always_on_top=True,
        position=(40, 40),
        min_size=(200, 100),
        max_size=(600, 400),
    )
    webview.on("close_me")(lambda _data: webview.close())
    if args.auto:
        threading.Thread(target=lambda: (time.sleep(1.5), webview.close()), daemon=True).start()
    webview.show()
    print("tool_window: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
