"""Remote inspection in a process of its own (the inspector server is process-wide and read
when the engine starts): a WebView made with ``remote_debugging_port``, the server's list of
inspectable pages read over HTTP before and after ``open_devtools()``, then the WebView
closed with its inspector open. Prints one JSON line.

Usage: devtools_probe.py (own|hosted) PORT
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent.parent)]


def main() -> None:
    mode, port = sys.argv[1], int(sys.argv[2])
    serve = _serving(mode)
    from auroraview import WebView

    webview = WebView(
        title="devtools-probe",
        html="<title>Probe Page Title</title><p>x</p>",
        remote_debugging_port=port,
        mode=mode,
    )
    webview.show(block=False)
    future = webview.eval_js_async("auroraview.whenReady().then(() => document.title)")
    serve(future.done, 15)
    assert future.result(0) == "Probe Page Title"

    def targets() -> str:
        # From another thread while this one serves: in hosted mode the inspector server
        # runs on this (the main) thread's loop.
        from concurrent.futures import ThreadPoolExecutor

        def fetch() -> str:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as reply:
                return reply.read().decode("utf-8", "replace")

        with ThreadPoolExecutor(1) as pool:
            page = pool.submit(fetch)
            serve(page.done, 10)
            return page.result(0)

    before = targets()
    webview.open_devtools()
    deadline = time.monotonic() + 15
    after = before
    while "UserInterface/Main.html" not in after and time.monotonic() < deadline:
        serve(lambda: False, 0.2)
        after = targets()
    webview.close()
    serve(lambda: webview.wait_closed(0), 10)
    print(
        json.dumps(
            {
                "page_listed": "Probe Page Title" in before,
                "inspector_before": "UserInterface/Main.html" in before,
                "inspector_after": "UserInterface/Main.html" in after,
                "closed": webview.closed,
            }
        ),
        flush=True,
    )


def _serving(mode):
    if mode == "own":
        from auroraview.utils import run_main_loop

        def serve(done, timeout):
            deadline = time.monotonic() + timeout
            while not done() and time.monotonic() < deadline:
                run_main_loop(timeout=0.01)

        return serve
    from qtbinding import QtCore, QtWidgets, exec_loop

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["probe"])

    def serve(done, timeout):
        deadline = time.monotonic() + timeout
        loop = QtCore.QEventLoop()
        timer = QtCore.QTimer()
        timer.setInterval(5)
        timer.timeout.connect(lambda: (done() or time.monotonic() >= deadline) and loop.quit())
        timer.start()
        if not done() and time.monotonic() < deadline:
            exec_loop(loop)
        timer.stop()

    serve.app = app
    return serve


if __name__ == "__main__":
    main()
