"""A docked QtWebView torn down at a given moment after its creation: its dock deleted at
once (``delete``, the binding's own deletion: shiboken/sip), later (``deleteLater``), or with
its parent window. argv: HOW DELAY_MS. The process must survive every order, the WebView end
closed, and a new panel work afterwards."""

from __future__ import annotations

import sys

from _common import NAME, QtCore, QtWidgets, finish, qt_enum, result, run_until
from auroraview.qt import QtWebView

how, delay_ms = sys.argv[1], int(sys.argv[2])
PAGE = "<!doctype html><body style='background:#234'><p>panel</p></body>"


def delete_now(obj) -> None:
    if NAME.startswith("PySide"):
        import importlib

        importlib.import_module("shiboken6" if NAME == "PySide6" else "shiboken2").delete(obj)
    else:
        import importlib

        importlib.import_module(f"{NAME}.sip").delete(obj)


win = QtWidgets.QMainWindow()
win.resize(800, 500)
win.setCentralWidget(QtWidgets.QLabel("viewport"))
win.show()
run_until(lambda: False, 0.2)
dock = QtWidgets.QDockWidget("auroraview", win)
panel = QtWebView(dock, html=PAGE)
dock.setWidget(panel)
win.addDockWidget(qt_enum(QtCore.Qt, "DockWidgetArea", "RightDockWidgetArea"), dock)
webview = panel.webview


def tear_down() -> None:
    if how == "delete":
        delete_now(dock)
    elif how == "deleteLater":
        dock.deleteLater()
    elif how == "parent":
        win.deleteLater()
    else:
        raise SystemExit(f"unknown teardown {how}")


if delay_ms == 0:
    tear_down()
else:
    QtCore.QTimer.singleShot(delay_ms, tear_down)
closed = run_until(lambda: webview.closed, 10)
run_until(lambda: False, 0.3)
# A new panel, in a new window, works.
win2 = QtWidgets.QMainWindow()
panel2 = QtWebView(win2, html="<!doctype html><p>again</p>")
win2.setCentralWidget(panel2)
win2.show()
answer = panel2.webview.eval_js_async("auroraview.whenReady().then(() => 6 * 7)")
run_until(answer.done, 15)
result(closed=closed, again=answer.result(0) if answer.done() else None)
finish()
