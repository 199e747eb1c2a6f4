"""Set-up shared by the adversarial suite's subprocess scripts (cases that end or interrupt
the process, which a pytest process cannot survive): the WebView mode from ``argv[1]``
("own" or "hosted"), a loop that serves the main thread in that mode, and a RESULT line.

Hosted: a real Qt application on GLib's main context (QT_NO_GLIB unset), whose loop services
the WebViews. Own: the standalone loop (``run_main_loop``) serves the main thread.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, Callable

MODE = sys.argv[1] if len(sys.argv) > 1 else "own"
assert MODE in ("own", "hosted"), MODE
# Python's own SIGINT handler, whatever the parent ignored (a background job ignores it).
signal.signal(signal.SIGINT, signal.default_int_handler)

if MODE == "hosted":
    os.environ.pop("QT_NO_GLIB", None)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(1, str(Path(__file__).resolve().parents[2]))  # tests/: qtbinding
    from qtbinding import QtCore, QtWidgets, exec_loop

    app: Any = QtWidgets.QApplication(sys.argv[:1])
else:
    os.environ["QT_NO_GLIB"] = "1"
    app = None

PAGE = """<!doctype html><html><body><script>
window.settle = function (p) {
  return p.then(function (v) { return ["ok", v]; },
                function (e) { return [e.name, e.message]; });
};
</script></body></html>"""


def serve(done: Callable[[], Any], timeout: float) -> bool:
    """Serve the main thread until ``done()`` or ``timeout`` seconds; returns ``done()``."""
    deadline = time.monotonic() + timeout
    if MODE == "own":
        from auroraview.utils import run_main_loop

        while not done() and time.monotonic() < deadline:
            run_main_loop(timeout=0.01)
        return bool(done())
    loop = QtCore.QEventLoop()
    timer = QtCore.QTimer()
    timer.timeout.connect(lambda: (done() or time.monotonic() > deadline) and loop.quit())
    timer.start(2)
    if not done():
        exec_loop(loop)
    timer.stop()
    return bool(done())


def run_js(webview: Any, script: str, timeout: float = 10.0) -> Any:
    future = webview.eval_js_async(script, timeout_ms=timeout * 1000)
    assert serve(future.done, timeout + 2), script
    return future.result(0)


def result(**values: Any) -> None:
    print("RESULT " + json.dumps(values), flush=True)
