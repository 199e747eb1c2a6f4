"""Hosted-mode flood benchmark: how long the host's main thread stalls while a flood of work
reaches it, against Qt's own queued signals carrying as many messages.

In a Qt application on GLib (hosted mode, the WebView on the main thread), a 1 ms QTimer
heartbeat runs on the main thread and records the gaps between its beats while:

- auroraview: the page fires 5,000 ``dcc_mode`` calls at once (their handlers run on the main
  thread, each answers the page);
- peer: a worker thread emits 5,000 queued Qt signals to a slot on the main thread (the
  slot does the same trivial work), which is how a Qt tool would do it without auroraview;
- second peer, when PySide6-Addons is installed (``make bench`` installs it): a QtWebEngine
  page fires 5,000 QWebChannel calls to a slot on the main thread at once, each answering
  the page, which is what a Qt tool with a web panel would use instead of auroraview. It has
  a web engine's processes competing for the CPUs, as ours does.

Prints, per side, the median over repeats of the longest gap and of the p99 gap (and, for
ours, how many of the page's posts waited for a pass of the UI thread), and the ratio of
the longest gaps (target: auroraview's at most 2x the queued signals'; the ratio to
QtWebEngine's is printed beside it). Each side runs in a process
of its own (one GLib main-context owner per process).

Run: ``make bench`` (or ``scripts/with-display.sh .venv/bin/python
benches/bench_hosted_flood.py``). The machine is noisy: compare within one run.
``BENCH_PIN=1`` is a diagnostic: each side's main thread gets a CPU to itself, and every
other thread, its web engine's processes included, shares the other one.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys

CALLS = 5000
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))

SIDE = r"""
import json, os, sys, threading, time
os.environ.pop("QT_NO_GLIB", None)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, TESTS_DIR)
if SIDE_NAME == "qtwebengine":
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    from PySide6 import QtWebChannel, QtWebEngineWidgets
from qtbinding import QtCore, QtWidgets, exec_loop
app = QtWidgets.QApplication(["bench"])
CALLS = CALLS_N
beats = []
heartbeat = QtCore.QTimer()
heartbeat.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
heartbeat.setInterval(1)
heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))

def run_until(done, timeout):
    loop = QtCore.QEventLoop()
    check = QtCore.QTimer()
    check.setInterval(5)
    deadline = time.monotonic() + timeout
    check.timeout.connect(lambda: (done() or time.monotonic() > deadline) and loop.quit())
    check.start()
    exec_loop(loop)
    check.stop()

# BENCH_PIN=1 (a diagnostic): the main thread alone on CPU 1, every other thread of this
# process and of its child processes (web engines) on CPU 0, so nothing competes with the
# main thread for its CPU. Called once everything is running, before the heartbeat.
def pin():
    if os.environ.get("BENCH_PIN") != "1" or os.cpu_count() < 2:
        return
    me = os.getpid()
    main_tid = threading.get_native_id()
    children, parents = set(), {me}
    for _ in range(4):  # children, grandchildren, ...
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid in parents:
                children.add(int(entry))
        parents |= children
    for pid in {me} | children:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                os.sched_setaffinity(int(tid), {1} if int(tid) == main_tid else {0})
            except OSError:
                pass

handled = []
extra = {}
if SIDE_NAME == "auroraview":
    from auroraview import WebView
    webview = WebView(html="<p>flood</p>", mode="hosted", dcc_mode=True)
    webview.on("work")(lambda i: handled.append(i) or i)
    ready = webview.eval_js_async("auroraview.whenReady().then(() => 1)")
    run_until(ready.done, 15)
    pin()
    heartbeat.start()
    run_until(lambda: False, 0.3)
    t0 = len(beats)
    start = time.perf_counter()
    # The page fires every call in one go (one JavaScript task, so one post to the host).
    webview.eval_js(
        "window.answered = 0; for (let i = 0; i < CALLS; i++)"
        " auroraview.call('work', i).then(() => answered++);".replace("CALLS", str(CALLS)))
    run_until(lambda: len(handled) >= CALLS, 30)
    settled = webview.eval_js_async("new Promise(r => { const t = setInterval(() => {"
        " if (answered >= N) { clearInterval(t); r(answered); } }, 1); })".replace(
        "N", str(CALLS)), timeout_ms=30000)
    run_until(settled.done, 30)
    from auroraview import _core
    stats = _core.runtime_stats()
    extra = {"posts": stats["page_posts"], "posts_waited": stats["page_posts_waited"]}
elif SIDE_NAME == "qtwebengine":
    settled = []
    class Py(QtCore.QObject):
        @QtCore.Slot(int, result=int)
        def work(self, i):
            handled.append(i)
            return i
        @QtCore.Slot()
        def done(self):
            settled.append(True)
    view = QtWebEngineWidgets.QWebEngineView()
    channel = QtWebChannel.QWebChannel()
    py = Py()
    channel.registerObject("py", py)
    view.page().setWebChannel(channel)
    view.setHtml(WEBENGINE_PAGE, QtCore.QUrl("qrc:///"))
    view.show()
    page = view.page()
    def js(script, timeout=15):
        box = []
        page.runJavaScript(script, 0, box.append)
        run_until(lambda: bool(box), timeout)
        return box[0] if box else None
    deadline = time.monotonic() + 30
    while js("window.ready === true") is not True and time.monotonic() < deadline:
        run_until(lambda: False, 0.02)
    pin()
    heartbeat.start()
    run_until(lambda: False, 0.3)
    t0 = len(beats)
    start = time.perf_counter()
    # The page fires every call in one go (one JavaScript task), as ours does.
    page.runJavaScript("window.flood(CALLS)".replace("CALLS", str(CALLS)), 0)
    run_until(lambda: len(handled) >= CALLS, 30)
    run_until(lambda: bool(settled), 30)  # the page calls done() once every answer is in
else:
    class Receiver(QtCore.QObject):
        sig = (getattr(QtCore, "Signal", None) or QtCore.pyqtSignal)(int)
        def __init__(self):
            super().__init__()
            self.sig.connect(self.work, QtCore.Qt.ConnectionType.QueuedConnection)
        def work(self, i):
            handled.append(i)
    receiver = Receiver()
    pin()
    heartbeat.start()
    run_until(lambda: False, 0.3)
    t0 = len(beats)
    start = time.perf_counter()
    def flood():
        for i in range(CALLS):
            receiver.sig.emit(i)
    threading.Thread(target=flood).start()
    run_until(lambda: len(handled) >= CALLS, 30)
elapsed = time.perf_counter() - start
run_until(lambda: False, 0.2)
heartbeat.stop()
window = beats[t0 - 1:]
gaps = sorted((b - a) * 1000 for a, b in zip(window, window[1:]))
print("RESULT " + json.dumps({"handled": len(handled), "elapsed_s": elapsed,
    "max_ms": gaps[-1], "p99_ms": gaps[int(len(gaps) * 0.99)], "beats": len(gaps), **extra}))
"""

WEBENGINE_PAGE = """<!doctype html><body>
<script src="qrc:///qtwebchannel/qwebchannel.js"></script><script>
new QWebChannel(qt.webChannelTransport, ch => { window.py = ch.objects.py; window.ready = true; });
window.flood = n => {
  window.answered = 0;
  for (let i = 0; i < n; i++) py.work(i, () => { if (++answered === n) py.done(); });
};
</script></body>"""


def run_side(side: str) -> dict:
    tests = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests")
    code = (
        SIDE.replace("TESTS_DIR", repr(tests))
        .replace("CALLS_N", str(CALLS))
        .replace("SIDE_NAME", repr(side))
        .replace("WEBENGINE_PAGE", repr(WEBENGINE_PAGE))
    )
    env = {k: v for k, v in os.environ.items() if k != "QT_NO_GLIB"}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{side} failed:\n{proc.stdout}\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT ") :])


def main() -> None:
    print(f"Hosted flood: {CALLS} messages to the main thread at once, 1 ms heartbeat there")
    sides = {"auroraview": "auroraview", "qt-signals": "qt"}
    if importlib.util.find_spec("PySide6.QtWebEngineWidgets") is not None:
        sides["qtwebengine"] = "qtwebengine"
    results: dict[str, list[dict]] = {side: [] for side in sides}
    for _ in range(REPEATS):
        for side, name in sides.items():
            results[side].append(run_side(name))
    print(f"{'':28}{'longest stall':>16}{'p99 gap':>12}{'all handled in':>18}")
    medians = {}
    for side, runs in results.items():
        assert all(r["handled"] >= CALLS for r in runs), runs
        worst = statistics.median(r["max_ms"] for r in runs)
        p99 = statistics.median(r["p99_ms"] for r in runs)
        elapsed = statistics.median(r["elapsed_s"] for r in runs)
        medians[side] = worst
        label = {
            "auroraview": "auroraview dcc_mode calls",
            "qt-signals": "Qt queued signals (peer)",
            "qtwebengine": "QtWebEngine + QWebChannel",
        }[side]
        print(f"{label:28}{worst:13.1f} ms{p99:9.1f} ms{elapsed * 1000:15.0f} ms")
        print(f"{'':28}runs: " + ", ".join(f"{r['max_ms']:.1f}" for r in runs))
        if "posts_waited" in runs[0]:
            waited = ", ".join(f"{r['posts_waited']}/{r['posts']}" for r in runs)
            print(f"{'':28}posts that waited for a pass: {waited}")
    ratio = medians["auroraview"] / max(medians["qt-signals"], 0.001)
    verdict = "ok" if ratio <= 2.0 else "MISSED"
    print(f"longest stall, auroraview / Qt: x{ratio:.2f} (target <= x2.0): {verdict}")
    if "qtwebengine" in medians:
        ratio = medians["auroraview"] / max(medians["qtwebengine"], 0.001)
        print(f"longest stall, auroraview / QtWebEngine + QWebChannel: x{ratio:.2f}")
    else:
        print("QtWebEngine + QWebChannel: not installed (PySide6-Addons), not measured")


if __name__ == "__main__":
    main()
