"""A Qt main window with an auroraview panel in a QDockWidget, like a tool panel in a DCC.

``auroraview.qt.QtWebView`` is a QWidget: put it in any layout or dock. It runs in "hosted"
mode: the WebView lives on Qt's main thread and Qt's own (GLib) event loop services it. The
panel's handlers use ``dcc_mode=True``, so they may touch Qt widgets (main thread only); a
worker thread streams progress to the page and reaches Qt through the dispatcher. Floating
and re-docking the dock keeps the page; destroying the widget closes the WebView.

Linux/X11 only. Qt must use the xcb platform and its GLib event loop (``QT_NO_GLIB`` unset);
this script sets both for itself before importing Qt. Run::

    bash scripts/with-display.sh python examples/qt_docked_panel.py          # use it
    bash scripts/with-display.sh python examples/qt_docked_panel.py --auto   # scripted, quits
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

# Before Qt is imported: embedding needs X11, and hosted mode needs Qt's GLib event loop.
os.environ.pop("QT_NO_GLIB", None)
os.environ["QT_QPA_PLATFORM"] = "xcb"

from auroraview.qt import QtWebView
from auroraview.utils import current_host, run_on_main_thread, run_on_main_thread_sync
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QListWidget, QMainWindow

PAGE = """<!doctype html>
<html><body style="font: 14px sans-serif; margin: 12px">
<h3>Tools</h3>
<button id="add">Add item</button> <button id="job">Run job</button>
<p id="count">0 items</p>
<progress id="bar" max="100" value="0" style="width: 100%"></progress>
<script>
  let clicks = 0;
  document.getElementById("add").onclick = async () => {
    clicks += 1;
    const n = await auroraview.call("add_item", {name: "item " + clicks});
    document.getElementById("count").textContent = n + " items";
  };
  document.getElementById("job").onclick = () => auroraview.call("start_job");
  auroraview.on("progress", (p) => { document.getElementById("bar").value = p; });
  auroraview.whenReady().then(() => auroraview.emit("panel_ready"));
</script></body></html>"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--auto", action="store_true", help="scripted run that quits by itself")
    args = parser.parse_args()

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("auroraview docked panel")
    window.resize(900, 560)
    outliner = QListWidget()  # the "DCC" side: a Qt widget, main thread only
    window.setCentralWidget(outliner)
    dock = QDockWidget("Tools", window)
    panel = QtWebView(dock, html=PAGE, dcc_mode=True)
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    webview = panel.webview
    print(f"panel mode: {webview.mode}; dispatcher: {current_host()}", flush=True)

    ready = threading.Event()
    job_done = threading.Event()

    @panel.on("panel_ready")
    def panel_ready(data):
        ready.set()

    @panel.on("add_item")
    def add_item(data):
        outliner.addItem(data["name"])  # a Qt widget: fine, dcc_mode runs us on main
        return outliner.count()

    @panel.on("start_job")
    def start_job(data):
        def job() -> None:
            for percent in range(0, 101, 20):
                webview.emit("progress", percent)  # any thread may emit
                time.sleep(0.05)
            # Qt widgets only on the main thread. A lambda, so that even window.statusBar()
            # (which creates the bar on first use) is evaluated there, not here.
            run_on_main_thread(lambda: window.statusBar().showMessage("job finished"))
            job_done.set()

        threading.Thread(target=job, name="job").start()

    def autopilot() -> None:
        """Drives the window from a worker: the page through the WebView, Qt through the
        dispatcher (a worker must never call Qt widgets directly)."""
        ok = False
        try:
            assert ready.wait(10), "the panel never became ready"
            print("panel ready", flush=True)
            for _ in range(2):
                webview.eval_js_sync("document.getElementById('add').click()")
            count = webview.eval_js_sync(
                "new Promise(r => setTimeout(() => r(document.getElementById('count')"
                ".textContent), 100))"
            )
            items = run_on_main_thread_sync(outliner.count)
            print(f"page says {count!r}; the outliner has {items} items", flush=True)
            webview.eval_js("document.getElementById('job').click()")
            assert job_done.wait(5), "the job did not finish"
            run_on_main_thread_sync(dock.setFloating, True)
            time.sleep(0.3)
            run_on_main_thread_sync(dock.setFloating, False)
            time.sleep(0.3)
            survived = webview.eval_js_sync("document.getElementById('count').textContent")
            print(f"after float/re-dock the page still says {survived!r}", flush=True)
            ok = items == 2 and count == "2 items" and survived == count
        except Exception as exc:
            print(f"autopilot failed: {type(exc).__name__}: {exc}", flush=True)
        run_on_main_thread(app.exit, 0 if ok else 1)

    window.show()
    if args.auto:
        threading.Thread(target=autopilot, name="autopilot", daemon=True).start()
        QTimer.singleShot(15000, lambda: app.exit(2))  # never hang
    code = app.exec()

    # Tear down in order: close the WebView while its X window still exists.
    webview.close()
    deadline = time.monotonic() + 5
    while not webview.closed and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    window.close()
    app.processEvents()
    print("qt_docked_panel: OK" if code == 0 else f"qt_docked_panel: FAILED ({code})", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
