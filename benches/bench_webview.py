"""WebView benchmark: page <-> Python latencies and emit throughput, side by side in one run.

Prints, for a real WebKitGTK WebView on auroraview's own UI thread:
- JS -> Python -> JS call round trip (measured in the page with performance.now()), for a
  plain handler (handler thread) and a dcc_mode handler (main thread via the dispatcher);
- Python -> JS ``eval_js_sync`` round trip (measured in Python);
- ``emit`` throughput from 8 threads into the page (events counted by the page), for
  auroraview's batched delivery and, in the same run, a naive one-script-per-message
  delivery (the same runtime with batching switched off);
- QtWebEngine + QWebChannel (PySide6-Addons), in its own process in the same run, when it is
  installed (it is not part of PySide6-Essentials; reported as not installed otherwise):
  the same sequential-call and eval measurements, with the slot on the GUI thread;
- the floor: the same call and eval round trips with a Rust echo handler and no Python
  (``crates/auroraview-webview/examples/echo_floor.rs``, built by ``make bench``), in its
  own processes in the same run: what the engine and our threads allow, and so what the
  Python hop costs;
- the engine's paths with none of our code (``examples/engine_paths.rs`` and the web
  extension ``examples/engine_webext.rs``): WebKitGTK's message handler with a script, with
  a reply, and a socket straight from a web extension, each answered at once.

Run: ``make bench`` (or ``scripts/with-display.sh .venv/bin/python benches/bench_webview.py``).
Figures are medians of repeats; this machine is noisy, so compare ratios within one run.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from pathlib import Path
from typing import Optional

if "--hosted" not in __import__("sys").argv:
    os.environ.setdefault("AURORAVIEW_DISPATCHER", "standalone")

from auroraview import WebView
from auroraview.utils import run_main_loop, stop_main_loop

CALLS = 2000
EVALS = 2000
EMIT_THREADS = 8
EMITS_PER_THREAD = 25_000
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))

PAGE = """<!doctype html><body><script>
window.count = 0;
auroraview.on('ev', () => { window.count++; });
// Sequential calls: the gap between two arrivals in Python is one full JS -> Python -> JS
// round trip (WebKit coarsens performance.now() to 1 ms, so the clock is Python's).
window.callBench = async (name, n) => {
  for (let i = 0; i < n; i++) {
    if (await auroraview.call(name, i) !== i) throw new Error('wrong value');
  }
  return n;
};
</script></body>"""


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


ARRIVALS: list[int] = []


def echo(i: int) -> int:
    ARRIVALS.append(time.perf_counter_ns())
    return i


def open_view(naive: bool = False) -> WebView:
    from auroraview.utils import dcc_thread_safe

    wv = WebView(html=PAGE, _naive_delivery=naive)
    wv.on("echo")(echo)
    wv.on("echo_main")(dcc_thread_safe(echo))
    return wv


def bench_calls(wv: WebView, name: str) -> tuple[float, float]:
    wv.eval_js_sync(f"window.callBench('{name}', 100)", timeout_ms=60_000)  # warm-up
    ARRIVALS.clear()
    wv.eval_js_sync(f"window.callBench('{name}', {CALLS})", timeout_ms=120_000)
    gaps = [(b - a) / 1e6 for a, b in zip(ARRIVALS, ARRIVALS[1:])]
    return pct(gaps, 0.5), pct(gaps, 0.99)


def bench_eval(wv: WebView) -> tuple[float, float]:
    for _ in range(100):
        wv.eval_js_sync("1")
    lat = []
    for _ in range(EVALS):
        t0 = time.perf_counter_ns()
        wv.eval_js_sync("1")
        lat.append((time.perf_counter_ns() - t0) / 1e6)
    return pct(lat, 0.5), pct(lat, 0.99)


def bench_emit(wv: WebView) -> float:
    wv.eval_js_sync("window.count = 0")
    total = EMIT_THREADS * EMITS_PER_THREAD
    go = threading.Barrier(EMIT_THREADS + 1)

    def flood() -> None:
        go.wait()
        for i in range(EMITS_PER_THREAD):
            wv.emit("ev", i)

    threads = [threading.Thread(target=flood) for _ in range(EMIT_THREADS)]
    for t in threads:
        t.start()
    go.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    while wv.eval_js_sync("window.count", timeout_ms=60_000) < total:
        time.sleep(0.002)
    return total / (time.perf_counter() - t0)


WEBENGINE_PAGE = """<!doctype html><body>
<script src="qrc:///qtwebchannel/qwebchannel.js"></script><script>
new QWebChannel(qt.webChannelTransport, ch => { window.py = ch.objects.py; window.ready = true; });
window.run = n => { let i = 0; const next = () => { if (i < n) py.echo(i++, next); }; next(); };
</script></body>"""


def webengine_scenario() -> None:
    """The peer, in its own process: QtWebEngine + QWebChannel, slot on the GUI thread. Prints
    one JSON line: call and runJavaScript round trips (ms, p50/p99), measured as ours are."""
    import json

    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QObject, QTimer, QUrl, Slot
    from PySide6.QtWebChannel import QWebChannel
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    arrivals: list[int] = []

    class Py(QObject):
        @Slot(int, result=int)
        def echo(self, i: int) -> int:
            arrivals.append(time.perf_counter_ns())
            return i

    view = QWebEngineView()
    channel = QWebChannel()
    py = Py()
    channel.registerObject("py", py)
    view.page().setWebChannel(channel)
    view.setHtml(WEBENGINE_PAGE, QUrl("qrc:///"))
    view.show()
    page = view.page()
    out: dict = {}
    evals: list[float] = []

    def when_ready() -> None:
        page.runJavaScript("window.ready === true", 0, lambda ok: start() if ok else retry())

    def retry() -> None:
        QTimer.singleShot(20, when_ready)

    def start() -> None:
        page.runJavaScript(f"window.run({CALLS + 100})", 0)
        poll_calls()

    def poll_calls() -> None:
        if len(arrivals) < CALLS + 100:
            QTimer.singleShot(5, poll_calls)
            return
        timed = arrivals[100:]
        gaps = [(b - a) / 1e6 for a, b in zip(timed, timed[1:])]
        out["call"] = (pct(gaps, 0.5), pct(gaps, 0.99))
        eval_next(time.perf_counter_ns())

    def eval_next(t0: int) -> None:
        def done(_value: object) -> None:
            evals.append((time.perf_counter_ns() - t0) / 1e6)
            if len(evals) < EVALS + 100:
                eval_next(time.perf_counter_ns())
            else:
                timed = evals[100:]
                out["eval"] = (pct(timed, 0.5), pct(timed, 0.99))
                app.quit()

        page.runJavaScript("1", 0, done)

    QTimer.singleShot(0, when_ready)
    QTimer.singleShot(120_000, app.quit)
    app.exec()
    print("WEBENGINE " + json.dumps(out), flush=True)


def hosted_scenario() -> None:
    """auroraview hosted in a QApplication, in its own process: Qt's loop runs on the main
    thread (as in a Qt DCC) and the WebView's UI work runs there; a worker thread drives the
    same call and eval measurements as the own-mode rows. Prints one JSON line."""
    import json

    from auroraview.utils import dcc_thread_safe
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    wv = WebView(html=PAGE, mode="hosted")
    wv.on("echo")(echo)
    wv.on("echo_main")(dcc_thread_safe(echo))
    out: dict = {}
    done = threading.Event()

    def work() -> None:
        try:
            wv.eval_js_sync("auroraview.whenReady().then(() => 1)", timeout_ms=30_000)
            runs: dict[str, list] = {"call": [], "call_main": [], "eval": []}
            for _ in range(REPEATS):
                runs["call"].append(bench_calls(wv, "echo"))
                runs["call_main"].append(bench_calls(wv, "echo_main"))
                runs["eval"].append(bench_eval(wv))
            for key, values in runs.items():
                out[key] = [statistics.median(v[i] for v in values) for i in (0, 1)]
            from auroraview import _core

            out["socket_posts"] = _core.runtime_stats()["socket_posts"]
        finally:
            done.set()

    threading.Thread(target=work, daemon=True).start()
    check = QTimer()
    check.timeout.connect(lambda: app.quit() if done.is_set() else None)
    check.start(20)
    QTimer.singleShot(300_000, app.quit)
    app.exec()
    print("HOSTED " + json.dumps(out), flush=True)
    os._exit(0)  # measured; closing is not part of it


def scenario(flag: str, tag: str, env: dict, timeout: float) -> dict:
    """Runs this file with ``flag`` in a process of its own; its ``TAG {json}`` line."""
    import json
    import subprocess
    import sys

    env = dict(env)
    env.pop("QT_NO_GLIB", None)  # Qt on GLib, as a DCC runs it
    proc = subprocess.run(
        [sys.executable, __file__, flag], capture_output=True, text=True, timeout=timeout, env=env
    )
    for line in proc.stdout.splitlines():
        if line.startswith(tag + " "):
            return json.loads(line[len(tag) + 1 :])
    raise RuntimeError(f"the {flag} scenario failed:\n{proc.stdout}\n{proc.stderr}")


def hosted_rows(transport: str) -> Optional[dict]:
    """The hosted scenario with ``AURORAVIEW_TRANSPORT=transport`` (None without PySide6)."""
    import importlib.util

    if importlib.util.find_spec("PySide6.QtWidgets") is None:
        return None
    env = dict(os.environ, AURORAVIEW_TRANSPORT=transport)
    env.pop("AURORAVIEW_DISPATCHER", None)
    env.setdefault("QT_QPA_PLATFORM", "xcb")
    return scenario("--hosted", "HOSTED", env, 600)


def webengine_peer() -> Optional[dict]:
    """Runs the QtWebEngine scenario if PySide6's QtWebEngine is installed; None if not."""
    import importlib.util

    if importlib.util.find_spec("PySide6.QtWebEngineWidgets") is None:
        return None
    return scenario("--webengine", "WEBENGINE", dict(os.environ), 300)


FLOOR_BIN = Path(__file__).resolve().parent.parent / "target/release/examples/echo_floor"
#: The floor takes the same way between page and runtime as the Python rows: the bridge's
#: socket when the web extension is installed (``AURORAVIEW_TRANSPORT=engine`` turns it off
#: for both).
FLOOR_ENV = dict(
    os.environ,
    AURORAVIEW_WEB_EXTENSION_DIR=str(
        Path(__file__).resolve().parent.parent / "python/auroraview/_webext"
    ),
)


def rust_runs(binary: Path, tag: str, timeout: float) -> Optional[list[dict]]:
    """The ``TAG {json}`` line of REPEATS runs of a Rust example (None if it was not built)."""
    import json
    import subprocess

    if not binary.exists():
        return None
    runs = []
    for _ in range(REPEATS):
        proc = subprocess.run(
            [str(binary)], capture_output=True, text=True, timeout=timeout, env=FLOOR_ENV
        )
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(tag + " ")]
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"{binary.name} failed:\n{proc.stdout}\n{proc.stderr}")
        runs.append(json.loads(lines[-1][len(tag) + 1 :]))
    return runs


def floor_rows() -> Optional[dict]:
    """Medians over REPEATS runs of the Rust-only floor (None if it was not built)."""
    runs = rust_runs(FLOOR_BIN, "FLOOR", 300)
    if runs is None:
        return None
    return {
        key: tuple(statistics.median(r[key][i] for r in runs) for i in (0, 1))
        for key in ("call", "eval")
    }


ENGINE_BIN = FLOOR_BIN.with_name("engine_paths")


def engine_rows() -> Optional[dict]:
    """WebKitGTK's own round-trip paths, none of our code: medians over REPEATS runs of
    ``engine_paths`` (None if it was not built). Keys: path name -> (p50_ms, p99_ms)."""
    runs = rust_runs(ENGINE_BIN, "ENGINE", 600)
    if runs is None:
        return None
    return {
        path: tuple(statistics.median(r[path][i] for r in runs) / 1000 for i in (0, 1))
        for path in runs[0]
    }


def main() -> None:
    results: dict[str, list] = {k: [] for k in ("call", "call_main", "eval", "emit", "naive")}
    done = threading.Event()

    def work() -> None:
        try:
            batched = open_view()
            naive = open_view(naive=True)
            for wv in (batched, naive):
                wv.eval_js_sync("auroraview.whenReady().then(() => 1)", timeout_ms=30_000)
            for _ in range(REPEATS):
                results["call"].append(bench_calls(batched, "echo"))
                results["call_main"].append(bench_calls(batched, "echo_main"))
                results["eval"].append(bench_eval(batched))
                results["emit"].append(bench_emit(batched))
                results["naive"].append(bench_emit(naive))
            batched.close()
            naive.close()
        finally:
            done.set()
            stop_main_loop()

    threading.Thread(target=work, daemon=True).start()
    while not done.is_set():
        run_main_loop(timeout=1.0)  # serves the dcc_mode handler

    def med(key: str, i: int = 0) -> float:
        vals = [r[i] if isinstance(r, tuple) or isinstance(r, list) else r for r in results[key]]
        return statistics.median(vals)

    call50, call99 = med("call", 0), med("call", 1)
    main50, main99 = med("call_main", 0), med("call_main", 1)
    eval50, eval99 = med("eval", 0), med("eval", 1)
    emit, naive = med("emit"), med("naive")
    from auroraview import _core

    stats = _core.runtime_stats()
    way = "the bridge's socket" if stats["socket_posts"] else "the engine's message handler"
    print(f"auroraview WebView benchmark ({REPEATS} repeats, medians; WebKitGTK, own UI thread)")
    print(f"page -> runtime: {way} ({stats['socket_posts']:,} of {stats['page_posts']:,} posts)")
    print(f"{'metric':<44}{'p50':>12}{'p99':>12}")
    print(f"{'JS->Python->JS call, handler thread (ms)':<44}{call50:>12.3f}{call99:>12.3f}")
    print(f"{'JS->Python->JS call, dcc_mode main (ms)':<44}{main50:>12.3f}{main99:>12.3f}")
    print(f"{'Python->JS eval_js_sync round trip (ms)':<44}{eval50:>12.3f}{eval99:>12.3f}")
    print()
    print(f"{'emit throughput, 8 threads (events/s)':<44}{'':>12}")
    print(f"{'  auroraview (one script per burst)':<44}{emit:>12,.0f}")
    print(f"{'  naive (one script per message)':<44}{naive:>12,.0f}")
    print(f"{'  ratio':<44}{emit / naive:>11.1f}x")
    floor = floor_rows()
    if floor is None:
        print(f"floor (Rust echo, no Python): not built ({FLOOR_BIN.name}), not measured")
    else:
        (f50, f99), (fe50, fe99) = floor["call"], floor["eval"]
        print(f"{'floor: Rust echo, no Python (same run)':<44}{'p50':>12}{'p99':>12}")
        print(f"{'  JS->Rust->JS call (ms)':<44}{f50:>12.3f}{f99:>12.3f}")
        print(f"{'  Rust->JS eval_wait round trip (ms)':<44}{fe50:>12.3f}{fe99:>12.3f}")
        print(f"{'  the Python hop, call p50 (ms)':<44}{call50 - f50:>12.3f}")
        print(f"{'  the Python hop, eval p50 (ms)':<44}{eval50 - fe50:>12.3f}")
    engine = engine_rows()
    if engine is None:
        print(f"engine paths (WebKitGTK alone): not built ({ENGINE_BIN.name}), not measured")
    else:
        print(f"{'engine paths: WebKitGTK alone, a call (ms)':<44}{'p50':>12}{'p99':>12}")
        for path, (p50, p99) in engine.items():
            print(f"{'  ' + path:<44}{p50:>12.3f}{p99:>12.3f}")
    hosted = {way: hosted_rows(way) for way in ("socket", "engine")}
    if hosted["socket"] is not None:
        print(f"{'hosted in a QApplication (Qt loop, main thread)':<44}{'p50':>12}{'p99':>12}")
        for rows in hosted.values():
            assert rows is not None
            label = "bridge's socket" if rows["socket_posts"] else "engine's way"
            for key, what in (
                ("call", "call, handler thread"),
                ("call_main", "call, dcc_mode main"),
                ("eval", "eval_js_sync"),
            ):
                p50, p99 = rows[key]
                print(f"{'  ' + what + ', ' + label + ' (ms)':<44}{p50:>12.3f}{p99:>12.3f}")
    peer = webengine_peer()
    if peer is None:
        print("QtWebEngine + QWebChannel: not installed (PySide6-Addons), not measured")
    else:
        (w50, w99), (we50, we99) = peer["call"], peer["eval"]
        print(f"{'QtWebEngine + QWebChannel (peer, same run)':<44}{'p50':>12}{'p99':>12}")
        print(f"{'  JS->Python slot->JS call (ms)':<44}{w50:>12.3f}{w99:>12.3f}")
        print(f"{'  runJavaScript with callback (ms)':<44}{we50:>12.3f}{we99:>12.3f}")
        print(f"{'  ratio call p50, auroraview / QtWebEngine':<44}{call50 / w50:>11.2f}x")
        print(f"{'  ratio eval p50, auroraview / QtWebEngine':<44}{eval50 / we50:>11.2f}x")
        if floor is not None:
            print(f"{'  ratio call p50, floor / QtWebEngine':<44}{f50 / w50:>11.2f}x")
            print(f"{'  ratio eval p50, floor / QtWebEngine':<44}{fe50 / we50:>11.2f}x")
        for way, rows in hosted.items():
            if rows is not None:
                print(
                    f"{'  ratio call p50, hosted ' + way + ' / QtWebEngine':<44}"
                    f"{rows['call'][0] / w50:>11.2f}x"
                )
                print(
                    f"{'  ratio eval p50, hosted ' + way + ' / QtWebEngine':<44}"
                    f"{rows['eval'][0] / we50:>11.2f}x"
                )
        for path, (p50, _) in (engine or {}).items():
            print(f"{'  ratio p50, engine ' + path + ' / QtWebEngine call':<44}{p50 / w50:>11.2f}x")
    print()
    targets = [
        ("call p50 <= 0.25 ms", call50 <= 0.25),
        ("call p99 <= 1 ms", call99 <= 1.0),
        ("emit >= 200,000 events/s", emit >= 200_000),
        ("emit >= 5x naive", emit >= 5 * naive),
    ]
    if peer is not None:
        targets += [
            ("call p50 <= 0.8x QtWebEngine", call50 <= 0.8 * peer["call"][0]),
            ("eval p50 <= 1.0x QtWebEngine", eval50 <= 1.0 * peer["eval"][0]),
        ]
        rows = hosted["socket"]
        if rows is not None:
            targets += [
                ("hosted call p50 <= 0.8x QtWebEngine", rows["call"][0] <= 0.8 * peer["call"][0]),
                ("hosted eval p50 <= 1.0x QtWebEngine", rows["eval"][0] <= peer["eval"][0]),
            ]
    for label, ok in targets:
        print(f"target {label:<37} {'PASS' if ok else 'MISS'}")


if __name__ == "__main__":
    import sys

    if "--webengine" in sys.argv:
        webengine_scenario()
    elif "--hosted" in sys.argv:
        hosted_scenario()
    else:
        main()
