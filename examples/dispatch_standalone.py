"""Worker threads calling a main-thread-only API through auroraview's dispatcher.

A standalone script has no host event loop, so its main thread serves the calls itself with
``run_main_loop()``. Inside a DCC you would skip that line: the host's loop serves them.

Run (no display needed)::

    python examples/dispatch_standalone.py

Exits 0 when every check passes, within a few seconds.
"""

from __future__ import annotations

import sys
import threading
import time

from auroraview.errors import DispatchTimeoutError
from auroraview.utils import (
    current_host,
    dcc_thread_safe,
    dcc_thread_safe_async,
    run_main_loop,
    run_on_main_thread,
    run_on_main_thread_sync,
    stop_main_loop,
)

WORKERS = 4
CALLS_PER_WORKER = 50


class Scene:
    """Stands in for a DCC API (``maya.cmds``, ``hou``, ``bpy``): main thread only."""

    def __init__(self) -> None:
        self.objects: list[str] = []

    def _check(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("the scene may only be used on the main thread")

    def add(self, name: str) -> str:
        self._check()
        self.objects.append(name)
        return name

    def count(self) -> int:
        self._check()
        return len(self.objects)


scene = Scene()
log_lines: list[str] = []


@dcc_thread_safe  # blocks the caller (bounded) and returns the value
def object_count() -> int:
    return scene.count()


@dcc_thread_safe_async  # fire-and-forget: queued for the main thread, returns None at once
def log_on_main(line: str) -> None:
    log_lines.append(line)


def worker(index: int, failures: list[str]) -> None:
    for i in range(CALLS_PER_WORKER):
        name = run_on_main_thread_sync(scene.add, f"cube_w{index}_{i}", timeout=5)
        if name != f"cube_w{index}_{i}":
            failures.append(f"worker {index} got {name!r}")
    log_on_main(f"worker {index} done, scene had {object_count()} objects")


def timeout_demo(results: dict) -> None:
    """A sync call that cannot start in time is cancelled and never runs."""
    busy = threading.Event()

    def slow_main_thread_work() -> None:
        busy.set()
        time.sleep(0.5)  # the main thread is busy (a long DCC operation)

    ran_late: list[bool] = []
    run_on_main_thread(slow_main_thread_work)
    busy.wait(5)
    try:
        run_on_main_thread_sync(lambda: ran_late.append(True), timeout=0.1)
        results["timeout"] = "no timeout?"
    except DispatchTimeoutError as exc:
        results["timeout"] = type(exc).__name__
    results["ran_late"] = ran_late


def error_demo(results: dict) -> None:
    """An exception raised on the main thread re-raises in the worker, same type."""

    def missing_node() -> None:
        raise KeyError("pCube42")

    try:
        run_on_main_thread_sync(missing_node)
    except KeyError as exc:
        results["error"] = f"KeyError {exc}"


def main() -> int:
    print(f"dispatch_standalone: host={current_host()}", flush=True)
    failures: list[str] = []
    results: dict = {}
    threads = [threading.Thread(target=worker, args=(i, failures)) for i in range(WORKERS)]
    threads.append(threading.Thread(target=timeout_demo, args=(results,)))
    threads.append(threading.Thread(target=error_demo, args=(results,)))

    def coordinator() -> None:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop_main_loop()  # any thread may stop the loop

    threading.Thread(target=coordinator, name="coordinator").start()
    t0 = time.perf_counter()
    exit_reason = run_main_loop(timeout=15)  # serve until stop_main_loop() (or 15 s)
    elapsed = time.perf_counter() - t0
    run_main_loop(timeout=0.05)  # let the last fire-and-forget posts run

    expected = WORKERS * CALLS_PER_WORKER
    print(f"main loop exit: {exit_reason} after {elapsed:.2f} s", flush=True)
    print(f"scene objects: {scene.count()} (expected {expected})", flush=True)
    for line in sorted(log_lines):
        print(f"  {line}", flush=True)
    print(f"timeout: {results.get('timeout')}; cancelled task ran: {bool(results.get('ran_late'))}")
    print(f"exception from the main thread: {results.get('error')}")
    ok = (
        exit_reason == "stopped"
        and scene.count() == expected
        and len(log_lines) == WORKERS
        and results.get("timeout") == "DispatchTimeoutError"
        and not results.get("ran_late")
        and results.get("error") == "KeyError 'pCube42'"
        and not failures
    )
    print("dispatch_standalone: OK" if ok else f"dispatch_standalone: FAILED {failures}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
