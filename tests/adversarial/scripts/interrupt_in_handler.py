"""Ctrl+C while a dcc_mode handler runs on the main thread: the page's call is rejected with
KeyboardInterrupt, and the interrupt is not swallowed by the pump: it reaches the code that
serves the main thread (run_main_loop raises it; in a Qt host it surfaces in the loop's
Python code). The WebView then goes on."""

from __future__ import annotations

import os
import signal
import sys
import threading

from _host import MODE, PAGE, result, run_js, serve
from auroraview import WebView

webview = WebView(html=PAGE, dcc_mode=True, mode=MODE)
interrupted: list = []
hook = sys.excepthook


def excepthook(kind, value, tb):  # a Qt slot's exception lands here
    if issubclass(kind, KeyboardInterrupt):
        interrupted.append("excepthook")
        return
    hook(kind, value, tb)


sys.excepthook = excepthook


@webview.on("work")
def work(data):
    # A real SIGINT, delivered to this (main) thread while the handler runs.
    os.kill(os.getpid(), signal.SIGINT)
    threading.Event().wait(0.2)  # the signal lands here, as KeyboardInterrupt
    return "finished"


run_js(webview, "auroraview.whenReady().then(() => true)")
future = webview.eval_js_async("settle(auroraview.call('work'))", timeout_ms=10_000)
try:
    serve(future.done, 10)
    serve(lambda: interrupted, 2)
except KeyboardInterrupt:
    interrupted.append("loop")
serve(future.done, 5)
settled = future.result(0)
after = run_js(webview, "settle(Promise.resolve('alive'))")
webview.close()
serve(lambda: webview.closed, 10)
result(settled=settled, interrupted=interrupted, after=after)
