"""Shared set-up of the hosted-mode scripts: a real Qt application on GLib's main context
(QT_NO_GLIB unset), the xcb platform under the test X display, and a RESULT line."""

from __future__ import annotations

import json
import os
import sys
import threading
import time

os.environ.pop("QT_NO_GLIB", None)
os.environ["QT_QPA_PLATFORM"] = "xcb"

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
MAIN = threading.get_ident()


def run_until(done, timeout: float) -> bool:
    """Run the real Qt loop until ``done()`` or ``timeout`` seconds."""
    # A QEventLoop, not app.exec()/app.quit(): Qt 6's quit() closes every window.
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: (done() or time.monotonic() > deadline) and loop.quit())
    timer.start(2)
    loop.exec()
    timer.stop()
    return bool(done())


def result(**values) -> None:
    print("RESULT " + json.dumps(values), flush=True)


def finish() -> None:
    """Tear Qt down in order (PySide6 can crash at interpreter exit otherwise)."""
    for widget in app.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    app.processEvents()
    app.shutdown()


def grab(window):
    """A screenshot of ``window`` (X11 content, embedded child windows included), taken
    from inside the running event loop."""
    shots = []
    QTimer.singleShot(0, lambda: shots.append(app.primaryScreen().grabWindow(window.winId())))
    run_until(lambda: shots, 5)
    return shots[0]
