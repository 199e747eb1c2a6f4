"""Window events in a real Qt host (xcb, Qt on GLib): a docked panel's loads and titles, its
guarded close (``request_close``), a dialog parented to the host's main window, and a
floating QtWebView window closed through its window's close request (WM_DELETE_WINDOW sent
with XSendEvent, as a window manager's close button does): refused by Python, then by the
page, then allowed; the widget closes with it."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from _common import MAIN, QtCore, QtWidgets, finish, qt_enum, result, run_until

sys.path.insert(1, str(Path(__file__).resolve().parent.parent / "webview"))
from auroraview.qt import QtWebView
from xinput import find_window, send_close_request, window_property, xdotool

win = QtWidgets.QMainWindow()
win.setWindowTitle("host-main-window")
win.resize(900, 600)
win.setCentralWidget(QtWidgets.QLabel("viewport"))
dock = QtWidgets.QDockWidget("auroraview", win)
panel = QtWebView(dock, html="<title>first</title><p>docked</p>", dcc_mode=True)
dock.setWidget(panel)
win.addDockWidget(qt_enum(QtCore.Qt, "DockWidgetArea", "RightDockWidgetArea"), dock)
win.show()

seen = []
threads = set()


def record(kind):
    def callback(event):
        threads.add(threading.get_ident() == MAIN)
        seen.append([kind, event])

    return callback


panel.webview.on_loaded(record("loaded"))
panel.webview.on_title_changed(record("title"))
panel.webview.load_html("<title>second</title><p>docked again</p>")
run_until(lambda: ["title", {"title": "second"}] in seen, 15)

# A guarded close of the docked panel: refused, then allowed.
answers = [False, None]
panel.webview.on_close_requested(lambda e: answers.pop(0))
panel.webview.request_close()
run_until(lambda: False, 0.5)
docked_refused = not panel.webview.closed

# A dialog of the docked panel is transient for the host's main window.
future = panel.webview.dialog.confirm_async("Docked?", title="docked-dialog")
found = {}


def look():
    found["dialog"] = find_window("docked-dialog", 15)
    found["host"] = find_window("host-main-window", 5)
    if found["dialog"]:
        found["transient"] = window_property(found["dialog"], "WM_TRANSIENT_FOR")
        xdotool("windowfocus", "--sync", str(found["dialog"]))
        xdotool("key", "Return")


looker = threading.Thread(target=look)
looker.start()
run_until(future.done, 20)
looker.join(5)
dialog_answer = future.result(0) if future.done() else None
dialog_parent_ok = bool(found.get("host")) and found.get("transient", "").endswith(
    hex(found["host"])
)

panel.webview.request_close()
run_until(lambda: panel.webview.closed, 10)
docked_closed = panel.webview.closed

# A floating QtWebView window, closed through its window's close request.
floating = QtWebView(
    None,
    html="<title>floating</title><script>auroraview.on('close_requested', "
    "e => { if (window.dirty) e.preventDefault(); })</script>",
)
floating.setWindowTitle("floating-panel")
floating.resize(400, 300)
floating.show()
run_until(lambda: False, 1.0)
votes = [False, True, True]
asked = []


@floating.webview.on_close_requested
def guard(event):
    asked.append(1)
    return votes.pop(0)


xid = {}
finder = threading.Thread(target=lambda: xid.setdefault("id", find_window("floating-panel", 10)))
finder.start()
run_until(lambda: not finder.is_alive(), 12)
steps = []
for dirty in ("false", "true", "false"):
    floating.webview.eval_js(f"window.dirty = {dirty}")
    run_until(lambda: False, 0.3)
    send_close_request(xid["id"])
    count = len(asked)
    run_until(lambda count=count: len(asked) > count, 10)
    # Once closed, the widget hides in a later turn of the loop: wait for both.
    run_until(lambda: floating.webview.closed and not floating.isVisible(), 1.0)
    steps.append([floating.webview.closed, floating.isVisible()])

result(
    seen=seen,
    on_main=sorted(threads),
    docked_refused=docked_refused,
    docked_closed=docked_closed,
    dialog_answer=dialog_answer,
    dialog_parent_ok=dialog_parent_ok,
    floating_steps=steps,
)
finish()
