"""Helpers of the root test modules: the main thread's identity, and running a real Qt event
loop on it until a condition holds (bounded)."""

from __future__ import annotations

import threading
import time
from typing import Callable

MAIN_IDENT = threading.main_thread().ident


def run_qt_until(done: Callable[[], bool], timeout: float) -> bool:
    """Run a real Qt event loop on this (main) thread until ``done()`` or ``timeout``
    seconds. Returns ``done()``."""
    from qtbinding import QtCore, exec_loop

    loop = QtCore.QEventLoop()
    check = QtCore.QTimer()
    check.setInterval(2)
    check.timeout.connect(lambda: done() and loop.quit())
    check.start()
    QtCore.QTimer.singleShot(int(timeout * 1000), loop.quit)
    deadline = time.monotonic() + timeout
    if not done():
        exec_loop(loop)
    check.stop()
    assert time.monotonic() <= deadline + 1.0
    return done()
