"""Hosted-mode flood benchmark: how long the host's main thread stalls while a flood of work
reaches it, against Qt's own queued signals carrying as many messages.

In a Qt application on GLib (hosted mode, the WebView on the main thread), a 1 ms QTimer
heartbeat runs on the main thread and records the gaps between its beats while:

- auroraview: the page fires 5,000 ``dcc_mode`` calls at once (their handlers run on the main
  thread, each answers the page);
- peer: a worker thread emits 5,000 queued Qt signals to a slot on the main thread (the
  slot does the same trivial work), which is how a Qt tool would do it without auroraview.

Prints, per side, the median over repeats of the longest gap and of the p99 gap, and the
ratio of the longest gaps (target: auroraview's at most 2x Qt's). Each side runs in a process
of its own (one GLib main-context owner per process).

Run: ``make bench`` (or ``scripts/with-display.sh .venv/bin/python
benches/bench_hosted_flood.py``). The machine is noisy: compare within one run.
"""

from __future__ import annotations

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

handled = []
if SIDE_NAME == "auroraview":
    from auroraview import WebView
    webview = WebView(html="<p>flood</p>", mode="hosted", dcc_mode=True)
    webview.on("work")(lambda i: handled.append(i) or i)
    ready = webview.eval_js_async("auroraview.whenReady().then(() => 1)")
    run_until(ready.done, 15)
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
else:
    class Receiver(QtCore.QObject):
        sig = (getattr(QtCore, "Signal", None) or QtCore.pyqtSignal)(int)
        def __init__(self):
            super().__init__()
            self.sig.connect(self.work, QtCore.Qt.ConnectionType.QueuedConnection)
        def work(self, i):
            handled.append(i)
    receiver = Receiver()
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
    "max_ms": gaps[-1], "p99_ms": gaps[int(len(gaps) * 0.99)], "beats": len(gaps)}))
"""


def run_side(side: str) -> dict:
    tests = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests")
    code = (
        SIDE.replace("TESTS_DIR", repr(tests))
        .replace("CALLS_N", str(CALLS))
        .replace("SIDE_NAME", repr(side))
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
    results: dict[str, list[dict]] = {"auroraview": [], "qt-signals": []}
    for _ in range(REPEATS):
        for side in results:
            results[side].append(run_side("auroraview" if side == "auroraview" else "qt"))
    print(f"{'':28}{'longest stall':>16}{'p99 gap':>12}{'all handled in':>18}")
    medians = {}
    for side, runs in results.items():
        assert all(r["handled"] >= CALLS for r in runs), runs
        worst = statistics.median(r["max_ms"] for r in runs)
        p99 = statistics.median(r["p99_ms"] for r in runs)
        elapsed = statistics.median(r["elapsed_s"] for r in runs)
        medians[side] = worst
        label = "auroraview dcc_mode calls" if side == "auroraview" else "Qt queued signals (peer)"
        print(f"{label:28}{worst:13.1f} ms{p99:9.1f} ms{elapsed * 1000:15.0f} ms")
        print(f"{'':28}runs: " + ", ".join(f"{r['max_ms']:.1f}" for r in runs))
    ratio = medians["auroraview"] / max(medians["qt-signals"], 0.001)
    verdict = "ok" if ratio <= 2.0 else "MISSED"
    print(f"longest stall, auroraview / Qt: x{ratio:.2f} (target <= x2.0): {verdict}")


if __name__ == "__main__":
    main()
