"""Main-thread dispatch benchmark: auroraview against what a tool author would otherwise use.

Run with ``make bench`` (or ``scripts/with-display.sh .venv/bin/python benches/bench_dispatch.py``).
One run prints, side by side:

1. Round trip worker -> main -> result: sequential sync calls of a trivial function from one
   worker thread (p50, p99, mean over ``--samples`` calls after a warm-up) for
   - auroraview on the standalone loop (main thread in ``run_main_loop``),
   - auroraview on a Qt host (main thread in ``app.exec()``, worker in
     ``run_on_main_thread_sync``),
   - PySide6's ``QMetaObject.invokeMethod(..., BlockingQueuedConnection)`` (peer of the Qt host),
   - a pure-Python pump: ``queue.Queue`` of (func, Event, result) served by the main thread
     (peer of the standalone loop),
   - two diagnostic rows: the same dispatchers called without the Python layer.
   Back-to-back calls, and (peers only) one call per millisecond, so that both threads are idle
   when a call starts, as with the sporadic calls of a real tool.
2. Burst throughput: ``--burst`` posts from 4 threads of a trivial callable, timed from the
   first post to the last callable run on the main thread, for the standalone loop, the Qt host
   and the pure-Python queue pump.
3. Ratios and the targets of the issue, with PASS/MISS (informational; exit status is 0).

Thread placement changes these numbers several-fold on a small VM (waking a thread on an idle
virtual CPU is slow; two threads sharing one CPU hand over quickly), so each case runs pinned
two ways: ``split`` (main thread on one CPU, workers on another) and ``same`` (all on one CPU).
Each measurement runs in a fresh process (``--scenario NAME``; a QApplication cannot be torn
down and rebuilt cleanly), and the cases run ``--repeats`` times in alternation so that noise
from other processes hits them all alike; tables show the median over the repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import statistics
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Optional

# Before anything can import Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

RESULT_TAG = "BENCH_RESULT "
BURST_THREADS = 4

# Targets from the issue.
TARGET_STANDALONE_P50_US = 20.0
TARGET_QT_RATIO = 1.2
TARGET_BURST_PER_S = 300_000.0


def trivial() -> int:
    return 1


# ---------------------------------------------------------------------------------------------
# Measurement helpers (run inside the scenario process)
# ---------------------------------------------------------------------------------------------


def summarize(samples_ns: list[int]) -> dict[str, float]:
    """p50/p90/p99/max/mean of round-trip samples, in microseconds (nearest rank)."""
    s = sorted(samples_ns)
    n = len(s)

    def pct(q: float) -> float:
        return s[min(n - 1, int(q * n))] / 1000.0

    return {
        "n": n,
        "p50": pct(0.50),
        "p90": pct(0.90),
        "p99": pct(0.99),
        "max": s[-1] / 1000.0,
        "mean": sum(s) / n / 1000.0,
    }


def measure_round_trips(
    call: Callable[[], Any], warmup: int, samples: int, gap_s: float = 0.0
) -> list[int]:
    """Time ``samples`` sequential ``call()``s after ``warmup`` untimed ones; with ``gap_s``,
    sleep that long (untimed) before each call, so that both threads go idle in between."""
    for _ in range(warmup):
        if call() != 1:
            raise AssertionError("round trip returned a wrong value")
    out = [0] * samples
    clock = time.perf_counter_ns
    sleep = time.sleep
    for i in range(samples):
        if gap_s:
            sleep(gap_s)
        t0 = clock()
        r = call()
        out[i] = clock() - t0
        if r != 1:
            raise AssertionError("round trip returned a wrong value")
    return out


def rt_params(args: argparse.Namespace) -> tuple[int, int, float]:
    """(warm-up calls, timed calls, gap in seconds) for ``measure_round_trips``."""
    return args.warmup, args.samples, args.gap_us / 1e6


# Where the threads may run (set in the scenario process by ``apply_placement``):
#   split: main thread on one CPU, worker threads on another (an otherwise idle machine);
#   same:  every thread on one CPU (a machine whose other cores are busy);
#   free:  wherever the OS scheduler puts them.
PLACEMENTS = ("split", "same", "free")
_worker_cpus: Optional[set[int]] = None


def apply_placement(placement: str) -> None:
    """Pin the calling (main) thread; threads started later inherit it, and worker threads
    call ``pin_worker`` to move to their own CPU."""
    global _worker_cpus
    if placement == "free" or not hasattr(os, "sched_setaffinity"):
        return
    cpus = sorted(os.sched_getaffinity(0))
    if placement == "split":
        if len(cpus) < 2:
            raise SystemExit("placement 'split' needs two CPUs")
        os.sched_setaffinity(0, {cpus[0]})
        _worker_cpus = {cpus[1]}
    elif placement == "same":
        os.sched_setaffinity(0, {cpus[0]})
    else:
        raise SystemExit(f"unknown placement {placement!r}; choose from {PLACEMENTS}")


def pin_worker() -> None:
    """Called first thing by every worker thread (Linux: affects the calling thread only)."""
    if _worker_cpus is not None:
        os.sched_setaffinity(0, _worker_cpus)


class Burst:
    """``total`` posts from ``BURST_THREADS`` threads; the callable counts on the main thread
    and records the time of the last one. ``post(fn)`` is the mechanism under test."""

    def __init__(self, total: int, post: Callable[[Callable[[], None]], None]) -> None:
        self.total = total
        self.per_thread = total // BURST_THREADS
        self.total = self.per_thread * BURST_THREADS
        self.post = post
        self.count = 0
        self.t_first = 0
        self.t_last = 0
        self.t_posted: list[int] = []
        self.on_done: Optional[Callable[[], None]] = None
        self.barrier = threading.Barrier(BURST_THREADS, action=self._go)
        self.threads = [
            threading.Thread(target=self._producer, name=f"burst-{i}", daemon=True)
            for i in range(BURST_THREADS)
        ]

    def _go(self) -> None:
        self.t_first = time.perf_counter_ns()

    def tick(self) -> None:
        # Runs on the main thread only.
        self.count += 1
        if self.count == self.total:
            self.t_last = time.perf_counter_ns()
            if self.on_done is not None:
                self.on_done()

    def _producer(self) -> None:
        pin_worker()
        post, tick = self.post, self.tick
        self.barrier.wait()
        for _ in range(self.per_thread):
            post(tick)
        self.t_posted.append(time.perf_counter_ns())

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def join(self) -> None:
        for t in self.threads:
            t.join(timeout=60)

    def result(self) -> dict[str, float]:
        if self.count != self.total:
            raise AssertionError(f"burst ran {self.count} of {self.total} callables")
        elapsed = (self.t_last - self.t_first) / 1e9
        posting = (max(self.t_posted) - self.t_first) / 1e9
        return {
            "n": self.total,
            "seconds": elapsed,
            "rate": self.total / elapsed,
            "posting_seconds": posting,
        }


def run_worker(target: Callable[[], None]) -> threading.Thread:
    def pinned() -> None:
        pin_worker()
        target()

    t = threading.Thread(target=pinned, name="bench-worker", daemon=True)
    t.start()
    return t


def make_qapp() -> Any:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(["auroraview-bench"])


def qt_watchdog(app: Any, seconds: float) -> None:
    from PySide6.QtCore import QTimer

    QTimer.singleShot(int(seconds * 1000), app.quit)


def qt_quit_from_worker(app: Any) -> None:
    from PySide6.QtCore import QMetaObject, Qt

    QMetaObject.invokeMethod(app, "quit", Qt.ConnectionType.QueuedConnection)


def apply_core_tuning(args: argparse.Namespace) -> None:
    """Diagnostics only: make the registry build its dispatcher with other spin/budget."""
    if args.spin is None and args.budget is None:
        return
    import functools

    from auroraview import _core
    from auroraview.utils.thread_dispatcher import registry

    kw = {}
    if args.spin is not None:
        kw["spin"] = args.spin
    if args.budget is not None:
        kw["budget"] = args.budget
    registry.Dispatcher = functools.partial(_core.Dispatcher, **kw)


# ---------------------------------------------------------------------------------------------
# Scenarios: each runs in its own process and returns a dict
# ---------------------------------------------------------------------------------------------


def rt_standalone(args: argparse.Namespace) -> dict[str, Any]:
    """auroraview public API; main thread in run_main_loop()."""
    from auroraview.utils import (
        current_host,
        run_main_loop,
        run_on_main_thread_sync,
        shutdown_dispatcher,
        stop_main_loop,
    )

    apply_core_tuning(args)
    res: dict[str, Any] = {}

    def worker() -> None:
        try:
            res["samples"] = measure_round_trips(
                lambda: run_on_main_thread_sync(trivial, timeout=10.0), *rt_params(args)
            )
        finally:
            stop_main_loop()

    host = current_host()
    t = run_worker(worker)
    run_main_loop(timeout=120)
    t.join()
    shutdown_dispatcher()
    return {"host": host, **summarize(res["samples"])}


def rt_core(args: argparse.Namespace) -> dict[str, Any]:
    """Diagnostic: the low-level _core.Dispatcher (no Python layer): .run() and .call()."""
    from auroraview import _core

    kw: dict[str, float] = {}
    if args.spin is not None:
        kw["spin"] = args.spin
    if args.budget is not None:
        kw["budget"] = args.budget
    d = _core.Dispatcher(threading.get_ident(), **kw)
    res: dict[str, Any] = {}

    def worker() -> None:
        try:
            res["samples"] = measure_round_trips(lambda: d.call(trivial, 10.0), *rt_params(args))
        finally:
            d.stop()

    t = run_worker(worker)
    d.run(120)
    t.join()
    d.shutdown()
    return {"host": "core", **summarize(res["samples"])}


def rt_qt(args: argparse.Namespace) -> dict[str, Any]:
    """auroraview public API; a QApplication in the process, main thread in app.exec()."""
    app = make_qapp()
    from auroraview.utils import current_host, run_on_main_thread_sync, shutdown_dispatcher

    apply_core_tuning(args)
    host = current_host()
    res: dict[str, Any] = {}

    def worker() -> None:
        try:
            res["samples"] = measure_round_trips(
                lambda: run_on_main_thread_sync(trivial, timeout=10.0), *rt_params(args)
            )
        finally:
            qt_quit_from_worker(app)

    qt_watchdog(app, 120)
    t = run_worker(worker)
    app.exec()
    t.join()
    shutdown_dispatcher()
    return {"host": host, **summarize(res["samples"])}


def rt_qt_core(args: argparse.Namespace) -> dict[str, Any]:
    """Diagnostic: the Qt host's dispatcher called directly (``get_dispatcher().call``), which
    skips the per-call Python work of ``run_on_main_thread_sync`` (host checks)."""
    app = make_qapp()
    from auroraview.utils import current_host, get_dispatcher, shutdown_dispatcher

    apply_core_tuning(args)
    host = current_host()
    d = get_dispatcher()
    res: dict[str, Any] = {}

    def worker() -> None:
        try:
            res["samples"] = measure_round_trips(lambda: d.call(trivial, 10.0), *rt_params(args))
        finally:
            qt_quit_from_worker(app)

    qt_watchdog(app, 120)
    t = run_worker(worker)
    app.exec()
    t.join()
    shutdown_dispatcher()
    return {"host": host, **summarize(res["samples"])}


def rt_qt_blocking(args: argparse.Namespace) -> dict[str, Any]:
    """PySide6 only: invokeMethod(obj, "run", BlockingQueuedConnection); result via obj."""
    app = make_qapp()
    from PySide6.QtCore import QMetaObject, QObject, Qt, Slot

    class Runner(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.func: Callable[[], Any] = trivial
            self.result: Any = None

        @Slot()
        def run(self) -> None:
            self.result = self.func()

    obj = Runner()  # created on the main (GUI) thread, so it lives there
    blocking = Qt.ConnectionType.BlockingQueuedConnection
    invoke = QMetaObject.invokeMethod
    res: dict[str, Any] = {}

    def call() -> Any:
        obj.func = trivial
        invoke(obj, "run", blocking)
        return obj.result

    def worker() -> None:
        try:
            res["samples"] = measure_round_trips(call, *rt_params(args))
        finally:
            qt_quit_from_worker(app)

    qt_watchdog(app, 120)
    t = run_worker(worker)
    app.exec()
    t.join()
    return {"host": "qt-blocking", **summarize(res["samples"])}


def rt_pyqueue(args: argparse.Namespace) -> dict[str, Any]:
    """Pure Python: queue.Queue of (func, Event, holder) served by the main thread."""
    q: queue.Queue = queue.Queue()
    res: dict[str, Any] = {}

    def call() -> Any:
        ev = threading.Event()
        holder: list[Any] = []
        q.put((trivial, ev, holder))
        ev.wait(10.0)
        return holder[0]

    def worker() -> None:
        try:
            res["samples"] = measure_round_trips(call, *rt_params(args))
        finally:
            q.put(None)

    t = run_worker(worker)
    while True:
        item = q.get()
        if item is None:
            break
        func, ev, holder = item
        holder.append(func())
        ev.set()
    t.join()
    return {"host": "pyqueue", **summarize(res["samples"])}


def burst_standalone(args: argparse.Namespace) -> dict[str, Any]:
    from auroraview.utils import (
        current_host,
        run_main_loop,
        run_on_main_thread,
        shutdown_dispatcher,
        stop_main_loop,
    )

    apply_core_tuning(args)
    host = current_host()
    b = Burst(args.burst, run_on_main_thread)
    b.on_done = stop_main_loop
    # Start the producers from inside the loop, so the loop is already serving.
    run_on_main_thread(b.start)
    run_main_loop(timeout=120)
    b.join()
    shutdown_dispatcher()
    return {"host": host, **b.result()}


def burst_qt(args: argparse.Namespace) -> dict[str, Any]:
    app = make_qapp()
    from auroraview.utils import current_host, run_on_main_thread, shutdown_dispatcher
    from PySide6.QtCore import QTimer

    apply_core_tuning(args)
    host = current_host()
    b = Burst(args.burst, run_on_main_thread)
    b.on_done = app.quit
    QTimer.singleShot(0, b.start)  # fires once app.exec() runs
    qt_watchdog(app, 120)
    app.exec()
    b.join()
    shutdown_dispatcher()
    return {"host": host, **b.result()}


def burst_pyqueue(args: argparse.Namespace) -> dict[str, Any]:
    q: queue.Queue = queue.Queue()
    b = Burst(args.burst, q.put)
    done = []
    b.on_done = lambda: done.append(True)
    b.start()
    get = q.get
    while not done:
        get()()
    b.join()
    return {"host": "pyqueue", **b.result()}


SCENARIOS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "rt-standalone": rt_standalone,
    "rt-qt": rt_qt,
    "rt-qt-blocking": rt_qt_blocking,
    "rt-pyqueue": rt_pyqueue,
    "rt-core": rt_core,
    "rt-qt-core": rt_qt_core,
    "burst-standalone": burst_standalone,
    "burst-qt": burst_qt,
    "burst-pyqueue": burst_pyqueue,
}

LABELS = {
    "rt-standalone": "auroraview, standalone loop (run_main_loop)",
    "rt-qt": "auroraview, Qt host (app.exec)",
    "rt-qt-blocking": "PySide6 invokeMethod BlockingQueued",
    "rt-pyqueue": "Python queue.Queue + Event pump",
    "rt-core": "diag: own _core.Dispatcher, .run/.call",
    "rt-qt-core": "diag: Qt host, get_dispatcher().call",
    "burst-standalone": "auroraview, standalone loop",
    "burst-qt": "auroraview, Qt host",
    "burst-pyqueue": "Python queue.Queue pump",
}

DEFAULT_RT = ["rt-standalone", "rt-qt", "rt-qt-blocking", "rt-pyqueue"]
# Not peers: the same dispatcher without the Python layer, to show where time goes.
DIAG_RT = ["rt-core", "rt-qt-core"]
DEFAULT_BURST = ["burst-standalone", "burst-qt", "burst-pyqueue"]

PLACEMENT_LABELS = {
    "split": "2 CPUs: main on CPU0, workers on CPU1",
    "same": "1 CPU: all threads on CPU0",
    "free": "unpinned (OS scheduler)",
}


# ---------------------------------------------------------------------------------------------
# Driver: runs the cases in child processes, in alternation, and prints the tables
# ---------------------------------------------------------------------------------------------


class Case:
    """One measurement: a scenario under a placement; ``gap_us`` > 0 makes sparse calls."""

    def __init__(self, scenario: str, placement: str, gap_us: float = 0.0) -> None:
        self.scenario, self.placement, self.gap_us = scenario, placement, gap_us
        self.kind = "burst" if scenario.startswith("burst-") else "sparse" if gap_us else "dense"
        self.key = f"{scenario}/{placement}" + (f"/gap{gap_us:g}us" if gap_us else "")
        self.runs: list[dict[str, Any]] = []

    def child_cmd(self, args: argparse.Namespace) -> list[str]:
        sparse = self.kind == "sparse"
        cmd = [sys.executable, os.path.abspath(__file__), "--scenario", self.scenario]
        cmd += ["--placement", self.placement, "--gap-us", str(self.gap_us)]
        cmd += ["--samples", str(args.sparse_samples if sparse else args.samples)]
        cmd += ["--warmup", str(args.warmup // 10 if sparse else args.warmup)]
        cmd += ["--burst", str(args.burst)]
        for opt in ("spin", "budget", "switchinterval"):
            if getattr(args, opt) is not None:
                cmd += [f"--{opt}", str(getattr(args, opt))]
        return cmd

    def median(self, field: str) -> float:
        return statistics.median(r[field] for r in self.runs)

    def span(self, field: str) -> str:
        values = [r[field] for r in self.runs]
        if field == "rate":
            return f"{min(values) / 1e3:,.0f}k-{max(values) / 1e3:,.0f}k"
        return f"{min(values):.1f}-{max(values):.1f}"


def run_child(args: argparse.Namespace, case: Case) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("AURORAVIEW_DISPATCHER", None)  # let each scenario pick its host by detection
    before = cpu_snapshot()
    cmd = case.child_cmd(args)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
    after = cpu_snapshot()
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_TAG):
            result = json.loads(line[len(RESULT_TAG) :])
            result["others"] = other_load(before, after)
            return result
    raise RuntimeError(f"{case.key} failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def cpu_snapshot() -> Optional[tuple[float, float, float]]:
    """(wall seconds, machine busy CPU-seconds, CPU-seconds used by our child processes)."""
    try:
        with open("/proc/stat") as f:
            fields = [float(x) for x in f.readline().split()[1:]]
        import resource
    except (OSError, ValueError, ImportError):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)  # idle + iowait
    busy = (sum(fields[:8]) - idle) / tick  # user..steal (guest time is inside user)
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.monotonic(), busy, ru.ru_utime + ru.ru_stime


def other_load(before: Optional[tuple], after: Optional[tuple]) -> Optional[float]:
    """Average number of CPUs kept busy by other processes between two snapshots."""
    if before is None or after is None or after[0] <= before[0]:
        return None
    others = (after[1] - before[1]) - (after[2] - before[2])
    return max(0.0, others / (after[0] - before[0]))


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def build_cases(args: argparse.Namespace) -> list[Case]:
    placements = args.placements.split(",")
    for pl in placements:
        if pl not in PLACEMENTS:
            raise SystemExit(f"unknown placement {pl!r}; choose from {PLACEMENTS}")
    names = args.only.split(",") if args.only else DEFAULT_RT + DIAG_RT + DEFAULT_BURST
    for n in names:
        if n not in SCENARIOS:
            raise SystemExit(f"unknown scenario {n!r}; choose from {sorted(SCENARIOS)}")
    cases = [Case(n, pl) for n in names for pl in placements]
    if args.sparse_gap_us > 0:
        sparse_pl = "split" if "split" in placements else placements[0]
        cases += [
            Case(n, sparse_pl, args.sparse_gap_us)
            for n in names
            if n in DEFAULT_RT  # the peers only; diagnostics are for back-to-back calls
        ]
    return cases


def print_grid(
    cases: list[Case],
    placements: list[str],
    kind: str,
    columns: list[tuple[str, int]],
    cell: Callable[[Case], str],
    key_field: str,
) -> dict[tuple[str, str], float]:
    """One row per scenario of ``kind``, one column group per placement (``columns``: name and
    width of each column, ``cell`` renders a group). Returns the median of ``key_field``."""
    out: dict[tuple[str, str], float] = {}
    scenarios = list(dict.fromkeys(c.scenario for c in cases if c.kind == kind))
    if not scenarios:
        return out
    by = {(c.scenario, c.placement): c for c in cases if c.kind == kind}
    group = sum(w for _, w in columns) + len(columns) - 1
    print(f"{'':<44}" + "".join(f" | {pl:^{group}}" for pl in placements))
    names = " ".join(f"{name:>{w}}" for name, w in columns)
    print(f"{'scenario':<44}" + f" | {names}" * len(placements))
    print("-" * (44 + (group + 3) * len(placements)))
    for n in scenarios:
        row = f"{LABELS[n]:<44}"
        for pl in placements:
            c = by.get((n, pl))
            if c is None or not c.runs:
                row += f" | {'':{group}}"
                continue
            out[(n, pl)] = c.median(key_field)
            row += f" | {cell(c)}"
        print(row)
    return out


def print_dense(cases: list[Case], placements: list[str]) -> dict[tuple[str, str], float]:
    """Back-to-back round trips, one column group per placement. Returns p50 by case."""
    if not any(c.kind == "dense" for c in cases):
        return {}
    print("\nRound trip worker -> main -> result, back-to-back calls, microseconds")
    p50 = print_grid(
        cases,
        placements,
        "dense",
        [("p50", 6), ("p99", 7), ("mean", 6), ("p50 range", 11)],
        lambda c: (
            f"{c.median('p50'):>6.1f} {c.median('p99'):>7.1f} {c.median('mean'):>6.1f}"
            f" {c.span('p50'):>11}"
        ),
        "p50",
    )
    print("  (p50 range: lowest-highest p50 over the repeats)")
    return p50


def print_sparse(cases: list[Case]) -> dict[str, float]:
    sparse = [c for c in cases if c.kind == "sparse" and c.runs]
    if not sparse:
        return {}
    c0 = sparse[0]
    print(
        f"\nRound trip, one call every {c0.gap_us / 1000:g} ms (threads idle in between), "
        f"{PLACEMENT_LABELS[c0.placement]}, microseconds"
    )
    print(f"{'scenario':<44} | {'p50':>6} {'p99':>7} {'mean':>6} {'p50 range':>11}")
    print("-" * 80)
    out = {}
    for c in sparse:
        out[c.scenario] = c.median("p50")
        print(
            f"{LABELS[c.scenario]:<44} | {c.median('p50'):>6.1f} {c.median('p99'):>7.1f} "
            f"{c.median('mean'):>6.1f} {c.span('p50'):>11}"
        )
    return out


def print_burst(cases: list[Case], placements: list[str], total: int) -> dict:
    if not any(c.kind == "burst" for c in cases):
        return {}
    print(
        f"\nBurst: {total:,} posts from {BURST_THREADS} threads, first post -> last callable run,"
        " callables/s (posting: seconds until the producers were done)"
    )
    return print_grid(
        cases,
        placements,
        "burst",
        [("calls/s", 10), ("posting", 8), ("rate range", 14)],
        lambda c: (
            f"{c.median('rate'):>10,.0f} {c.median('posting_seconds'):>7.3f}s {c.span('rate'):>14}"
        ),
        "rate",
    )


def print_targets(
    p50: dict[tuple[str, str], float],
    sparse: dict[str, float],
    rate: dict[tuple[str, str], float],
    placements: list[str],
) -> None:
    print("\nRatios and targets (informational; medians of the repeats)")
    for pl in placements:
        print(f"  [{PLACEMENT_LABELS[pl]}]")
        sa, pq = p50.get(("rt-standalone", pl)), p50.get(("rt-pyqueue", pl))
        if sa is not None:
            vs = f"; Python queue pump {pq:.1f} us, ratio x{sa / pq:.2f}" if pq else ""
            print(
                f"    standalone p50 {sa:.1f} us (target <= {TARGET_STANDALONE_P50_US:.0f} us)"
                f"{vs}  {verdict(sa <= TARGET_STANDALONE_P50_US)}"
            )
        qt, qb = p50.get(("rt-qt", pl)), p50.get(("rt-qt-blocking", pl))
        if qt is not None and qb is not None:
            print(
                f"    Qt host p50 / BlockingQueued p50 = {qt:.1f} / {qb:.1f} = x{qt / qb:.2f} "
                f"(target <= x{TARGET_QT_RATIO})  {verdict(qt / qb <= TARGET_QT_RATIO)}"
            )
        qc = p50.get(("rt-qt-core", pl))
        if qt is not None and qb is not None and qc is not None:
            print(
                f"    diag: Qt host via get_dispatcher().call p50 {qc:.1f} us = x{qc / qb:.2f} "
                f"of BlockingQueued; run_on_main_thread_sync's Python adds {qt - qc:+.1f} us"
            )
        cc = p50.get(("rt-core", pl))
        if sa is not None and cc is not None:
            print(
                f"    diag: bare _core.Dispatcher p50 {cc:.1f} us; the Python layer adds "
                f"{sa - cc:+.1f} us"
            )
        peer = rate.get(("burst-pyqueue", pl))
        for n in ("burst-standalone", "burst-qt"):
            r = rate.get((n, pl))
            if r is not None:
                vs = f"; x{r / peer:.2f} of the Python queue pump" if peer else ""
                print(
                    f"    burst, {LABELS[n]}: {r:,.0f}/s (target >= {TARGET_BURST_PER_S:,.0f}/s)"
                    f"{vs}  {verdict(r >= TARGET_BURST_PER_S)}"
                )
    if sparse:
        print("  [one call every ms, split]")
        sa, pq = sparse.get("rt-standalone"), sparse.get("rt-pyqueue")
        if sa is not None:
            vs = f"; Python queue pump {pq:.1f} us, ratio x{sa / pq:.2f}" if pq else ""
            print(
                f"    standalone p50 {sa:.1f} us (target <= {TARGET_STANDALONE_P50_US:.0f} us)"
                f"{vs}  {verdict(sa <= TARGET_STANDALONE_P50_US)}"
            )
        qt, qb = sparse.get("rt-qt"), sparse.get("rt-qt-blocking")
        if qt is not None and qb is not None:
            print(
                f"    Qt host p50 / BlockingQueued p50 = {qt:.1f} / {qb:.1f} = x{qt / qb:.2f} "
                f"(target <= x{TARGET_QT_RATIO})  {verdict(qt / qb <= TARGET_QT_RATIO)}"
            )


def drive(args: argparse.Namespace) -> None:
    cases = build_cases(args)
    placements = args.placements.split(",")
    try:
        import PySide6

        qt_version = PySide6.__version__
    except ImportError:
        qt_version = "not installed"
    print(
        f"Python {platform.python_version()}, PySide6 {qt_version}, {os.cpu_count()} CPUs, "
        f"{platform.machine()} {platform.system()} {platform.release()}"
    )
    print(
        f"round trips: {args.warmup} warm-up + {args.samples:,} timed calls "
        f"(sparse: {args.warmup // 10} + {args.sparse_samples:,}); burst: {args.burst:,} posts "
        f"from {BURST_THREADS} threads; {len(cases)} cases x {args.repeats} repeats in "
        f"alternation, one process each; medians shown. Load avg before: {loadavg()}"
    )
    tuning = [
        f"{k}={getattr(args, k)}"
        for k in ("spin", "budget", "switchinterval")
        if getattr(args, k) is not None
    ]
    if tuning:
        print("tuning (diagnostic):", ", ".join(tuning))
    sys.stdout.flush()

    t_start = time.monotonic()
    cpu_before = cpu_snapshot()
    for rep in range(args.repeats):
        for c in cases:
            r = run_child(args, c)
            c.runs.append(r)
            if args.verbose:
                brief = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()}
                print(f"  [{rep + 1}/{args.repeats}] {c.key}: {brief}", flush=True)
    cpu_after = cpu_snapshot()

    p50 = print_dense(cases, placements)
    sparse = print_sparse(cases)
    rate = print_burst(cases, placements, args.burst)
    print_targets(p50, sparse, rate, placements)
    others = other_load(cpu_before, cpu_after)
    busy_runs = sum(1 for c in cases for r in c.runs if (r.get("others") or 0) > 0.25)
    print(
        f"\ntotal {time.monotonic() - t_start:.0f} s; load avg after: {loadavg()}; CPUs kept "
        f"busy by other processes: {'?' if others is None else f'{others:.2f}'} of "
        f"{os.cpu_count()} on average, > 0.25 in {busy_runs} of "
        f"{sum(len(c.runs) for c in cases)} runs"
    )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({c.key: c.runs for c in cases}, f, indent=1)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scenario", help="run one scenario in this process and print its JSON")
    p.add_argument("--only", help="comma-separated scenarios to drive (default: all)")
    p.add_argument("--placements", default="split,same", help=f"from {PLACEMENTS}")
    p.add_argument("--placement", default="free", help="(scenario process) where threads run")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--samples", type=int, default=20_000)
    p.add_argument("--warmup", type=int, default=2_000)
    p.add_argument("--gap-us", type=float, default=0.0, help="(scenario) pause before each call")
    p.add_argument("--sparse-samples", type=int, default=2_000)
    p.add_argument("--sparse-gap-us", type=float, default=1000.0, help="0: no sparse cases")
    p.add_argument("--burst", type=int, default=100_000)
    p.add_argument("--spin", type=float, help="diagnostic: Dispatcher spin, seconds")
    p.add_argument("--budget", type=float, help="diagnostic: Dispatcher pump budget, seconds")
    p.add_argument("--switchinterval", type=float, help="diagnostic: sys.setswitchinterval")
    p.add_argument("--json", help="also write every run's results to this file")
    p.add_argument("-v", "--verbose", action="store_true", help="print every run")
    args = p.parse_args()
    if args.scenario:
        apply_placement(args.placement)
        if args.switchinterval is not None:
            sys.setswitchinterval(args.switchinterval)
        result = SCENARIOS[args.scenario](args)
        result["placement"] = args.placement
        print(RESULT_TAG + json.dumps(result), flush=True)
        return
    drive(args)


if __name__ == "__main__":
    main()
