"""Shared set-up of the hosted-mode scripts: a real Qt application on GLib's main context
(QT_NO_GLIB unset), the xcb platform under the test X display, and a RESULT line. The Qt
binding is the one ``tests/qtbinding.py`` picks (the scripts import Qt from here)."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

os.environ.pop("QT_NO_GLIB", None)
os.environ["QT_QPA_PLATFORM"] = "xcb"
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # tests/: qtbinding

from qtbinding import NAME, QtCore, QtGui, QtWidgets, exec_loop, qt_enum, shutdown

__all__ = ["MAIN", "NAME", "QtCore", "QtGui", "QtWidgets", "app", "qt_enum", "result"]

QEventLoop, QTimer = QtCore.QEventLoop, QtCore.QTimer
app = QtWidgets.QApplication(sys.argv[:1])
MAIN = threading.get_ident()


def run_until(done, timeout: float) -> bool:
    """Run the real Qt loop until ``done()`` or ``timeout`` seconds."""
    # A QEventLoop, not app.exec()/app.quit(): Qt 6's quit() closes every window.
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: (done() or time.monotonic() > deadline) and loop.quit())
    timer.start(2)
    exec_loop(loop)
    timer.stop()
    return bool(done())


def result(**values) -> None:
    print("RESULT " + json.dumps(values), flush=True)


def finish() -> None:
    """Tear Qt down in order (PySide can crash at interpreter exit otherwise)."""
    for widget in app.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    app.processEvents()
    shutdown(app)


def grab(window):
    """A screenshot of ``window`` (X11 content, embedded child windows included), taken
    from inside the running event loop."""
    shots = []
    QTimer.singleShot(0, lambda: shots.append(app.primaryScreen().grabWindow(window.winId())))
    run_until(lambda: shots, 5)
    return shots[0]
