"""The interpreter exits with a WebView open and work pending. In hosted mode the host's
loop has ended first (app.exec() returned), so nothing would run the close: the exit hook
runs it inline. The user sees every on_closed callback run and every pending evaluation end
with WebViewClosedError, before the process ends."""

from __future__ import annotations

import threading

from _host import MODE, PAGE, app, run_js
from auroraview import WebView

webview = WebView(html=PAGE, mode=MODE)
run_js(webview, "auroraview.whenReady().then(() => true)")


lock = threading.Lock()


def event(text: str) -> None:
    with lock:  # callbacks run on two threads: whole lines only
        print(f"EVENT {text}", flush=True)


def on_closed() -> None:
    event("on_closed")


def settled(value, error) -> None:
    event(f"eval {type(error).__name__}")


webview.on_closed(on_closed)
webview.eval_js_async("new Promise(function () {})", settled, timeout_ms=60_000)
if MODE == "hosted":
    from qtbinding import QtCore, exec_loop

    QtCore.QTimer.singleShot(100, app.quit)
    exec_loop(app)  # the host's loop runs, then ends
    event("loop ended")
event("exiting")
# No close: the interpreter's exit closes the WebView (atexit), a worker still around.
threading.Thread(target=lambda: None).start()
