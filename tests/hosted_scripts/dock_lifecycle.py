"""A docked QtWebView: screenshot pixels, resize, float and re-dock, then destroy the dock
while JS calls and an evaluation are pending."""

from __future__ import annotations

import sys
import threading

from _common import MAIN, QtCore, QtWidgets, finish, grab, qt_enum, result, run_until
from auroraview.errors import WebViewClosedError
from auroraview.qt import QtWebView

PAGE = """<!doctype html><body style="margin:0;background:rgb(20,160,90)">
<h1 style="color:white">panel</h1><script>
auroraview.whenReady().then(() => auroraview.emit('up', innerWidth));
window.pending = [];
window.fireSlow = () => { for (let i = 0; i < 5; i++)
  window.pending.push(auroraview.call('slow', i).catch(e => 'rejected')); };
</script></body>"""

out = sys.argv[1]
win = QtWidgets.QMainWindow()
win.resize(900, 600)
win.setCentralWidget(QtWidgets.QLabel("viewport"))
dock = QtWidgets.QDockWidget("auroraview", win)
panel = QtWebView(dock, html=PAGE, dcc_mode=True)
dock.setWidget(panel)
win.addDockWidget(qt_enum(QtCore.Qt, "DockWidgetArea", "RightDockWidgetArea"), dock)
win.show()
widths = []
panel.on("up")(widths.append)
slow_threads = []


@panel.on("slow")
def slow(i):
    slow_threads.append(threading.get_ident())
    return i


assert run_until(lambda: widths, 15), "panel never came up"
run_until(lambda: False, 0.5)  # let it paint


def sample(img, x, y):
    c = img.pixelColor(x, y)
    return [c.red(), c.green(), c.blue()]


shot = grab(win)
shot.save(out)
img = shot.toImage()
geo = dock.geometry()
inside = sample(img, geo.x() + geo.width() // 2, geo.y() + geo.height() // 2)
outside = sample(img, 50, win.height() // 2)

win.resizeDocks([dock], [600], qt_enum(QtCore.Qt, "Orientation", "Horizontal"))
run_until(lambda: False, 0.4)
img2 = grab(win).toImage()
geo2 = dock.geometry()
inside_after_resize = sample(img2, geo2.x() + 20, geo2.y() + geo2.height() // 2)
page_width = []
panel.webview.eval_js_async("innerWidth", lambda v, e: page_width.append(v))
run_until(lambda: page_width, 5)
panel_width = panel.width()

dock.setFloating(True)
run_until(lambda: False, 0.4)
dock.setFloating(False)
run_until(lambda: False, 0.4)
webview = panel.webview
still_open_after_redock = not webview.closed
pong = []
webview.eval_js_async("1 + 1", lambda v, e: pong.append(v))
run_until(lambda: pong, 5)

# Pending work, then destroy the dock (and the widget's native window) under it.
errors = []
webview.eval_js("window.fireSlow()")
webview.eval_js_async(
    "new Promise(() => {})", lambda v, e: errors.append(type(e).__name__), timeout_ms=20000
)
run_until(lambda: False, 0.05)
dock.deleteLater()
run_until(lambda: webview.closed and errors, 5)
reopened = QtWebView(None, html="<body>again</body>")
again = []
reopened.webview.eval_js_async(
    "auroraview.whenReady().then(() => 'again')", lambda v, e: again.append(v)
)
reopened.show()
run_until(lambda: again, 10)
reopened.webview.close()
result(
    inside=inside,
    outside=outside,
    inside_after_resize=inside_after_resize,
    dock_width=geo2.width(),
    panel_width=panel_width,
    page_width=page_width[0],
    redocked_ok=still_open_after_redock and pong == [2],
    closed=webview.closed,
    pending_eval_errors=errors,
    closed_error_name=WebViewClosedError.__name__,
    slow_on_main=all(t == MAIN for t in slow_threads),
    again=again,
)
finish()
