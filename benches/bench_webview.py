"""WebView benchmark: page <-> Python latencies and emit throughput, side by side in one run.

Prints, for a real WebKitGTK WebView on auroraview's own UI thread:
- JS -> Python -> JS call round trip (measured in the page with performance.now()), for a
  plain handler (handler thread) and a dcc_mode handler (main thread via the dispatcher);
- Python -> JS ``eval_js_sync`` round trip (measured in Python);
- ``emit`` throughput from 8 threads into the page (events counted by the page), for
  auroraview's batched delivery and, in the same run, a naive one-script-per-message
  delivery (the same runtime with batching switched off);
- QtWebEngine + QWebChannel when PySide6's QtWebEngine is installed (it is not part of
  PySide6-Essentials; it is reported as not installed otherwise).

Run: ``make bench`` (or ``scripts/with-display.sh .venv/bin/python benches/bench_webview.py``).
Figures are medians of repeats; this machine is noisy, so compare ratios within one run.
"""

from __future__ import annotations

import os
import statistics
import threading
import time

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


def webengine_peer() -> str:
    try:
        import PySide6.QtWebChannel
        import PySide6.QtWebEngineWidgets  # noqa: F401
    except ImportError:
        return "not installed (PySide6-Essentials has no QtWebEngine)"
    return "installed but not measured here"


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
    print(f"auroraview WebView benchmark ({REPEATS} repeats, medians; WebKitGTK, own UI thread)")
    print(f"{'metric':<44}{'p50':>12}{'p99':>12}")
    print(f"{'JS->Python->JS call, handler thread (ms)':<44}{call50:>12.3f}{call99:>12.3f}")
    print(f"{'JS->Python->JS call, dcc_mode main (ms)':<44}{main50:>12.3f}{main99:>12.3f}")
    print(f"{'Python->JS eval_js_sync round trip (ms)':<44}{eval50:>12.3f}{eval99:>12.3f}")
    print()
    print(f"{'emit throughput, 8 threads (events/s)':<44}{'':>12}")
    print(f"{'  auroraview (one script per burst)':<44}{emit:>12,.0f}")
    print(f"{'  naive (one script per message)':<44}{naive:>12,.0f}")
    print(f"{'  ratio':<44}{emit / naive:>11.1f}x")
    print(f"QtWebEngine + QWebChannel: {webengine_peer()}")
    print()
    for label, ok in (
        ("call p50 <= 0.25 ms", call50 <= 0.25),
        ("call p99 <= 1 ms", call99 <= 1.0),
        ("emit >= 200,000 events/s", emit >= 200_000),
        ("emit >= 5x naive", emit >= 5 * naive),
    ):
        print(f"target {label:<28} {'PASS' if ok else 'MISS'}")


if __name__ == "__main__":
    main()
