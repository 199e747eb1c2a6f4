"""Nested event loops inside main-thread handlers, as Qt DCC tools open them: a modal dialog
(``QDialog.exec()``), a ``QEventLoop.exec()``, a ``processEvents()`` loop, and a second
WebView's blocking ``show()``. The rule (docs/thread-dispatch.md, "Nested loops"): a nested
loop serves what is already queued for the main thread, in order, as Qt itself does, and
what arrives while it is open. Queued before it: a slow task, the task that opens the loop and
ten more behind it, posted while the main thread is busy; during it: ten page calls. All
twenty must run while the loop is open, once each, in order."""

from __future__ import annotations

import threading
import time

import pytest
from wvsupport import MAIN_IDENT

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.parametrize("wv_host", ["qt"], indirect=True),
]

PAGE = "<!doctype html><html><body><p>nested</p></body></html>"
OPEN_FOR = 1.5  # seconds the nested loop stays open


def open_nested(kind: str, wv_host) -> None:
    """Open a nested loop of ``kind`` on the main thread for OPEN_FOR seconds."""
    from qtbinding import QtCore, QtWidgets, exec_loop

    if kind == "dialog":
        dialog = QtWidgets.QDialog()
        QtCore.QTimer.singleShot(int(OPEN_FOR * 1000), dialog.accept)
        exec_loop(dialog)
    elif kind == "event_loop":
        loop = QtCore.QEventLoop()
        QtCore.QTimer.singleShot(int(OPEN_FOR * 1000), loop.quit)
        exec_loop(loop)
    elif kind == "process_events":
        deadline = time.monotonic() + OPEN_FOR
        while time.monotonic() < deadline:
            QtWidgets.QApplication.processEvents()
            time.sleep(0.001)
    elif kind == "show_block":
        from auroraview import WebView

        second = WebView(html=PAGE, mode=wv_host.mode)
        threading.Timer(OPEN_FOR, second.close).start()
        second.show(block=True)
    else:
        raise AssertionError(kind)


KINDS = ["dialog", "event_loop", "process_events", "show_block"]


class Log:
    """What ran, when, and whether on the main thread."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, float]] = []
        self.lock = threading.Lock()

    def __call__(self, what: str) -> None:
        if threading.get_ident() != MAIN_IDENT:
            what += " OFF MAIN"
        with self.lock:
            self.entries.append((what, time.monotonic()))

    def names(self) -> list[str]:
        return [w for w, _ in self.entries]

    def at(self, what: str) -> float:
        return next(t for w, t in self.entries if w == what)

    def ran_inside(self, prefix: str, count: int) -> None:
        """The ``count`` entries named ``prefix N`` ran in order, while the loop was open."""
        ran = [(w, t) for w, t in self.entries if w.startswith(prefix)]
        assert [w for w, _ in ran] == [f"{prefix} {i}" for i in range(count)], self.entries
        opened, closed = self.at("open"), self.at("closed")
        assert all(opened < t < closed for _, t in ran), (prefix, ran, opened, closed)


@pytest.mark.parametrize("kind", KINDS)
def test_work_queued_before_a_nested_loop_runs_inside_it(wv_host, kind):
    from auroraview.utils import get_dispatcher, run_on_main_thread

    wv_host.open_ready(html=PAGE)  # the WebView runtime, and in hosted mode its loop
    log = Log()

    def modal() -> None:
        log("open")
        open_nested(kind, wv_host)
        log("closed")

    # Queued while the main thread is busy elsewhere: a slow task, the task that opens the
    # nested loop, and ten behind it, with the one wake their burst asked for. The pump that
    # takes that wake runs the slow task, then opens the loop: the ten must run inside it.
    run_on_main_thread(lambda: (log("slow"), time.sleep(0.05)))
    run_on_main_thread(modal)
    for i in range(10):
        run_on_main_thread(log, f"task {i}")
    assert get_dispatcher().pending == 12
    assert wv_host.serve_until(lambda: "closed" in log.names(), 20)
    wv_host.serve_until(lambda: len(log.entries) == 13, 5)
    assert sorted(log.names()) == sorted(
        ["slow", "open", "closed"] + [f"task {i}" for i in range(10)]
    )
    log.ran_inside("task", 10)


@pytest.mark.parametrize("kind", KINDS)
def test_page_calls_made_while_a_handler_runs_a_nested_loop_run_inside_it(wv_host, kind):
    webview = wv_host.open_ready(html=PAGE, dcc_mode=True)
    log = Log()

    @webview.on("modal")
    def modal(data):
        log("open")
        webview.eval_js("for (let i = 0; i < 10; i++) auroraview.call('quick', i)")
        open_nested(kind, wv_host)
        log("closed")
        return "closed"

    @webview.on("quick")
    def quick(i):
        log(f"quick {i}")
        return i

    webview.eval_js("auroraview.call('modal')")
    assert wv_host.serve_until(lambda: "closed" in log.names(), 20)
    assert not [w for w in log.names() if "OFF MAIN" in w], log.names()
    log.ran_inside("quick", 10)
