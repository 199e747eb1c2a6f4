"""Run in a fresh interpreter with the REAL ``bpy`` module (PyPI, background mode only).

Usage: ``python real_bpy.py MODE``; prints ``RESULT {json}``.

- ``pump``: worker threads make sync calls that create objects through ``bpy.data`` and
  ``bpy.ops``; the script's own loop serves them with ``pump_main_thread()``.
- ``run_main_loop``: the same, served by ``run_main_loop()`` until a worker calls
  ``stop_main_loop()``.
- ``no_loop``: nobody pumps; a worker's sync call with a short timeout must fail with
  NoMainLoopError naming ``pump_main_thread``; its function must not run later.
"""

from __future__ import annotations

import json
import sys
import threading
import time

import bpy
from auroraview import utils
from auroraview.errors import NoMainLoopError

MAIN = threading.get_ident()
THREADS, CALLS = 4, 25


def make_object(tag: str) -> dict:
    """Runs on the main thread: touches real Blender data."""
    obj = bpy.data.objects.new(f"av_{tag}", None)
    bpy.context.scene.collection.objects.link(obj)
    return {"name": obj.name, "ident": threading.get_ident()}


def add_cube() -> dict:
    bpy.ops.mesh.primitive_cube_add(size=1.0)
    return {"name": bpy.context.active_object.name, "ident": threading.get_ident()}


def served(mode: str) -> dict:
    results: list = []
    errors: list = []
    finished: list = []

    def worker(i: int) -> None:
        try:
            for j in range(CALLS):
                results.append(utils.run_on_main_thread_sync(make_object, f"{i}_{j}", timeout=20))
            results.append(utils.run_on_main_thread_sync(add_cube, timeout=20))
        except BaseException as exc:
            errors.append(repr(exc))
        finally:
            finished.append(i)
            if mode == "run_main_loop" and len(finished) == THREADS:
                utils.stop_main_loop()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    pumps = 0
    if mode == "pump":
        deadline = time.monotonic() + 30
        while len(finished) < THREADS and time.monotonic() < deadline:
            utils.pump_main_thread()
            pumps += 1
            time.sleep(0.0005)  # the script's own work between pumps
    else:
        utils.run_main_loop(timeout=30)
    for t in threads:
        t.join(10)
    names = [r["name"] for r in results]
    return {
        "host": utils.current_host(),
        "background": bpy.app.background,
        "errors": errors,
        "count": len(results),
        "all_on_main": all(r["ident"] == MAIN for r in results),
        "unique_names": len(set(names)) == len(names),
        "all_exist": all(n in bpy.data.objects for n in names),
        "cubes": sorted(n for n in names if n.startswith("Cube")),
        "elapsed": time.monotonic() - t0,
        "pumps": pumps,
    }


def no_loop() -> dict:
    ran: list = []
    outcome: dict = {}

    def worker() -> None:
        t0 = time.monotonic()
        try:
            utils.run_on_main_thread_sync(ran.append, "late", timeout=0.3)
            outcome["error"] = None
        except NoMainLoopError as exc:
            outcome["error"] = "NoMainLoopError"
            outcome["message"] = str(exc)
        except BaseException as exc:
            outcome["error"] = repr(exc)
        outcome["elapsed"] = time.monotonic() - t0

    host = utils.current_host()
    t = threading.Thread(target=worker)
    t.start()
    t.join(10)  # the main thread is "busy" (does not pump) meanwhile
    alive = t.is_alive()
    for _ in range(5):  # pumping afterwards must not run the timed-out call
        utils.pump_main_thread()
    return {"host": host, "alive": alive, "ran": ran, **outcome}


def main() -> None:
    mode = sys.argv[1]
    result = no_loop() if mode == "no_loop" else served(mode)
    print("RESULT " + json.dumps(result))
    utils.shutdown_dispatcher()


if __name__ == "__main__":
    main()
