"""The built Vite panel (``examples/vite-panel``) docked in a Qt main window, as a tool panel
in a Qt DCC (Maya, Houdini, Nuke, 3ds Max, ...): ``QtWebView(asset_root=dist)`` serves the
built front end at ``auroraview://localhost/``, and ``bind_api`` gives the page a Python API
(``dcc_mode=True``: its methods run on the DCC's main thread).

Build the front end first (``make vite-panel``, or ``npm ci && npm run build`` in
``examples/vite-panel``). Linux/X11: Qt needs the xcb platform and its GLib event loop, which
this script sets for itself (a DCC already runs that way). Run::

    bash scripts/with-display.sh python examples/vite_panel_qt.py          # use it
    bash scripts/with-display.sh python examples/vite_panel_qt.py --auto   # checks, quits
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# Before Qt is imported (standalone only; inside a DCC Qt is already set up).
os.environ.pop("QT_NO_GLIB", None)
os.environ["QT_QPA_PLATFORM"] = "xcb"

from auroraview import Channel
from auroraview.qt import QtWebView
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QListWidget, QMainWindow

DIST = Path(__file__).resolve().parent / "vite-panel" / "dist"


class PanelApi:
    """What the panel calls as ``bindings<PanelApi>("panel")`` (see src/main.ts)."""

    def __init__(self, scene: QListWidget) -> None:
        self.scene = scene  # stands in for the DCC's scene

    def scene_info(self) -> dict:
        return {"name": "shot_010", "objects": self.scene.count()}

    def export_frames(self, count: int, channel: Channel) -> str:
        for frame in range(1, count + 1):
            self.scene.addItem(f"frame {frame}")  # a Qt widget: fine, we run on main
            channel.send({"frame": frame})
        return f"exported {count} frames"


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    scene = QListWidget()
    scene.addItems(["camera", "light", "cube"])
    window.setCentralWidget(scene)

    dock = QDockWidget("Scene panel", window)
    panel = QtWebView(dock, asset_root=DIST, dcc_mode=True)
    panel.webview.bind_api(PanelApi(scene), namespace="panel")
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resize(900, 560)
    window.show()

    if "--auto" in sys.argv:
        return autopilot(app, panel, scene)
    return app.exec()


def autopilot(app: QApplication, panel: QtWebView, scene: QListWidget) -> int:
    """Waits (in Qt's loop) for the page's report, checks it, and tears down in order."""
    outcome: dict = {}

    def got(report, error) -> None:  # on auroraview's completion thread: no Qt here
        if error is None and report and (report.get("done") or report.get("error")):
            outcome.update(report)

    def poll() -> None:  # on the main thread
        if outcome:
            app.quit()
        else:
            panel.webview.eval_js_async("window.panelReport || null", got)

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(100)
    QTimer.singleShot(30_000, app.quit)  # never hang a scripted run
    app.exec()
    timer.stop()
    ok = outcome.get("frames") == [1, 2, 3, 4, 5] and outcome.get("font") is True
    print(f"python said {outcome.get('python')}; the scene has {scene.count()} items")
    # Close the WebView while its X window still exists, then the window.
    panel.webview.close()
    deadline = time.monotonic() + 5
    while not panel.webview.closed and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    for widget in app.topLevelWidgets():
        widget.close()
    app.processEvents()
    print("vite_panel_qt: OK" if ok else f"vite_panel_qt: FAILED {outcome}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
