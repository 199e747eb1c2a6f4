"""Writes or reads browser storage in a WebView of its own process, for the profile tests
(tests/webview/test_profiles.py): localStorage and IndexedDB of an asset-root page
(``auroraview://localhost``, the same origin in every process) and a cookie of a
127.0.0.1 page. Prints one JSON line: what it read (or ``{"wrote": true}``).

Usage: profile_probe.py (own|hosted) (write VALUE|read|pair) [--dir PATH | --incognito]
``pair`` opens two WebViews with the directories ``PATH/a`` and ``PATH/b`` (and a third
with ``PATH/a`` again) in this one process: what each reads after the first wrote, and how
many web processes they run in.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent.parent), str(HERE.parent.parent / "adversarial")]

from advsupport import web_processes  # noqa: E402
from wvsupport import PageServer  # noqa: E402

WRITE = """(async (value) => {
  localStorage.setItem('probe', value);
  await new Promise((ok, fail) => {
    const r = indexedDB.open('probe', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('s');
    r.onerror = () => fail(r.error);
    r.onsuccess = () => {
      const tx = r.result.transaction('s', 'readwrite');
      tx.objectStore('s').put(value, 'k');
      tx.oncomplete = () => { r.result.close(); ok(true); };
      tx.onerror = () => fail(tx.error);
    };
  });
  return true;
})(VALUE)"""

READ = """(async () => {
  const idb = await new Promise((ok) => {
    const r = indexedDB.open('probe', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('s');
    r.onerror = () => ok('error');
    r.onsuccess = () => {
      const tx = r.result.transaction('s', 'readonly');
      const g = tx.objectStore('s').get('k');
      g.onsuccess = () => { r.result.close(); ok(g.result === undefined ? null : g.result); };
      g.onerror = () => ok('error');
    };
  });
  return {local: localStorage.getItem('probe'), idb};
})()"""


def main() -> None:
    mode, action = sys.argv[1], sys.argv[2]
    value = sys.argv[3] if action == "write" else None
    rest = sys.argv[4:] if action == "write" else sys.argv[3:]
    incognito = "--incognito" in rest
    folder = rest[rest.index("--dir") + 1] if "--dir" in rest else None

    serve = _serving(mode)
    from auroraview import WebView

    root = Path(tempfile.mkdtemp(prefix="probe-root-"))
    (root / "index.html").write_text("<title>probe</title><p>probe</p>")
    server = PageServer(no_store=True)
    server.pages["/cookie.html"] = "<title>cookie</title>"

    def run(webview, script, timeout=15.0):
        future = webview.eval_js_async(script, timeout_ms=timeout * 1000)
        serve(future.done, timeout + 2)
        return future.result(0)

    def open_view(directory, private=False):
        webview = WebView(
            title="probe",
            asset_root=str(root),
            data_directory=directory,
            incognito=private,
            mode=mode,
        )
        run(webview, "auroraview.whenReady().then(() => true)")
        return webview

    def cookie(webview, set_to=None):
        webview.load_url(server.url("/cookie.html"))
        serve(lambda: False, 0.0)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if run(webview, "document.title", 2) == "cookie":
                    break
            except Exception:
                pass
        if set_to is not None:
            run(webview, f"document.cookie = 'probe={set_to}; max-age=3600; path=/'; true")
        return run(webview, "(document.cookie.match(/probe=([^;]*)/) || [])[1] || null")

    out: dict = {}
    if action == "pair":
        base = Path(folder)
        a = open_view(str(base / "a"))
        run(a, WRITE.replace("VALUE", json.dumps("from-a")))
        b = open_view(str(base / "b"))
        a2 = open_view(str(base / "a"))
        out = {"b": run(b, READ), "a_again": run(a2, READ), "web_processes": len(web_processes())}
    else:
        webview = open_view(folder, incognito)
        if action == "write":
            run(webview, WRITE.replace("VALUE", json.dumps(value)))
            cookie(webview, value)
            out = {"wrote": True}
        else:
            out = run(webview, READ)
            out["cookie"] = cookie(webview)
        webview.close()
        serve(lambda: webview.wait_closed(0), 10)
    # Give the engine's network process a moment to write its files before the process
    # exits (it writes asynchronously).
    serve(lambda: False, 1.5)
    server.close()
    print(json.dumps(out), flush=True)


def _serving(mode):
    if mode == "own":
        from auroraview.utils import run_main_loop

        def serve(done, timeout):
            deadline = time.monotonic() + timeout
            while not done() and time.monotonic() < deadline:
                run_main_loop(timeout=0.01)

        return serve
    from qtbinding import QtCore, QtWidgets, exec_loop

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["probe"])

    def serve(done, timeout):
        deadline = time.monotonic() + timeout
        loop = QtCore.QEventLoop()
        timer = QtCore.QTimer()
        timer.setInterval(5)
        timer.timeout.connect(lambda: (done() or time.monotonic() >= deadline) and loop.quit())
        timer.start()
        if not done() and time.monotonic() < deadline:
            exec_loop(loop)
        timer.stop()

    serve.app = app
    return serve


if __name__ == "__main__":
    main()
