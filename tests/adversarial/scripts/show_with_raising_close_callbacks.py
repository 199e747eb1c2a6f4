"""show(block=True) whose WebView's on_closed callbacks raise KeyboardInterrupt and
SystemExit: show() still returns (its own stop comes before, and does not depend on, the
user's callbacks), and every callback ran."""

from __future__ import annotations

import threading
import time

from _host import MODE, PAGE, result
from auroraview import WebView

webview = WebView(html=PAGE, mode=MODE)
ran: list = []


def raise_interrupt() -> None:
    ran.append("interrupt")
    raise KeyboardInterrupt


def raise_exit() -> None:
    ran.append("exit")
    raise SystemExit(2)


webview.on_closed(raise_interrupt)
webview.on_closed(raise_exit)
webview.on_closed(lambda: ran.append("last"))
closed_at: list = []


def close_later() -> None:
    time.sleep(0.5)
    closed_at.append(time.monotonic())
    webview.close()


threading.Thread(target=close_later, daemon=True).start()
webview.show(block=True)
returned = time.monotonic()
time.sleep(0.2)
result(after_close=round(returned - closed_at[0], 2), ran=ran)
