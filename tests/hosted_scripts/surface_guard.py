"""QtWebView's guard of its native window, the part of auroraview.qt that differs between
bindings (PySide2 has no QPlatformSurfaceEvent, so there the kind of each surface event is
told by the surface's previous state). Twice, the widget's QWindow destroys its native
window and makes a new one: the WebView must be parked (still open), then shown inside the
new window with its page intact. Then the widget goes: the WebView must close before its X
window is destroyed (GDK must not see its window destroyed under it).

``--no-guard`` leaves the guard out: the control run, which shows that the checks can fail.
"""

from __future__ import annotations

import sys

import auroraview.qt
from _common import NAME, QtWidgets, finish, grab, result, run_until
from auroraview.qt import QtWebView

PAGE = '<!doctype html><body style="margin:0;background:rgb(200,40,120)"></body>'
COLOUR = [200, 40, 120]

if "--no-guard" in sys.argv:
    auroraview.qt._SurfaceGuard = lambda *args: None  # type: ignore[misc, assignment]

holder = QtWidgets.QWidget()
holder.resize(400, 300)
layout = QtWidgets.QVBoxLayout(holder)
layout.setContentsMargins(0, 0, 0, 0)
panel = QtWebView(holder, html=PAGE)
layout.addWidget(panel)
holder.show()
webview = panel.webview


def js(script: str):
    out = []
    webview.eval_js_async(script, lambda v, e: out.append(repr(e) if e else v), timeout_ms=5000)
    run_until(lambda: out, 6)
    return out[0] if out else "no answer"


def centre_colour():
    c = grab(holder).toImage().pixelColor(200, 150)
    return [c.red(), c.green(), c.blue()]


ready = js("auroraview.whenReady().then(() => (window.mark = 7))")
run_until(lambda: False, 0.3)
before = centre_colour()
cycles = []
for _ in range(2):
    surface = panel.windowHandle()
    old_xid = int(surface.winId())
    surface.destroy()
    run_until(lambda: False, 0.2)
    parked_open = not webview.closed
    surface.create()
    surface.setVisible(True)  # as Qt does when it recreates a visible widget's window
    run_until(lambda: False, 0.4)
    cycles.append(
        {
            "parked_open": parked_open,
            "new_window": int(surface.winId()) != old_xid,
            "mark": js("window.mark"),
            "colour": centre_colour(),
        }
    )

pending = []
if not webview.closed:
    webview.eval_js_async(
        "new Promise(() => {})", lambda v, e: pending.append(type(e).__name__), timeout_ms=20000
    )
holder.deleteLater()
run_until(lambda: webview.closed and pending, 1.0)
run_until(lambda: False, 0.3)  # let GDK see what happened to its windows
result(
    binding=NAME,
    ready=ready,
    before=before,
    colour=COLOUR,
    cycles=cycles,
    closed=webview.closed,
    pending=pending,
)
finish()
