"""show(block=True) with a handler that never returns: once the window closes, show() keeps
serving for the grace period (5 s), then returns anyway, naming the handler; it is not held
by the handler for ever. The close itself comes from a worker, a few hundred ms in."""

from __future__ import annotations

import logging
import threading
import time

from _host import MODE, PAGE, result
from auroraview import WebView

records: list = []


class Keep(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        records.append(record.getMessage())


logging.getLogger("auroraview").addHandler(Keep())
webview = WebView(html=PAGE, mode=MODE)
forever = threading.Event()
entered = threading.Event()


@webview.on("hang")
def hang(data):
    entered.set()
    forever.wait(60)  # a hung handler (on the handler thread)
    return "never"


webview.eval_js("auroraview.whenReady().then(() => auroraview.call('hang'))")


def close_later() -> None:
    entered.wait(10)
    time.sleep(0.3)
    webview.close()


closed_at: list = []
webview.get_proxy()._webview._core.on_closed(lambda: closed_at.append(time.monotonic()))
threading.Thread(target=close_later, daemon=True).start()
t0 = time.monotonic()
webview.show(block=True)
returned = time.monotonic()
forever.set()
result(
    entered=entered.is_set(),
    after_close=round(returned - closed_at[0], 2) if closed_at else None,
    total=round(returned - t0, 2),
    warned=any("still running" in r and "'hang'" in r for r in records),
)
