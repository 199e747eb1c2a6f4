"""The Python side of the panel: the page's handlers, the export job and the stress test.

The WebView is created with ``dcc_mode=True``, so every handler below runs on the main
thread (queued through auroraview's dispatcher, never inside the WebView's own callbacks)
and may use the scene directly. The export job and the stress workers are ordinary
background threads: they reach the scene only through ``run_on_main_thread_sync`` and talk
to the page with ``webview.emit``, which any thread may call.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any, Callable, Optional

from auroraview.errors import DispatchClosedError, WebViewClosedError
from auroraview.utils import is_main_thread, run_on_main_thread, run_on_main_thread_sync

from .scene import Scene


def latency_stats(seconds: list[float]) -> dict[str, Any]:
    """p50/p99/max of ``seconds``, in milliseconds."""
    if not seconds:
        return {"p50_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}
    ordered = sorted(seconds)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000.0

    return {"p50_ms": pick(0.50), "p99_ms": pick(0.99), "max_ms": ordered[-1] * 1000.0}


class PanelTools:
    """Registers the page's handlers on ``webview`` and runs the jobs they start.

    ``ui`` is the window (main thread only): ``set_export_progress(percent, status)`` and
    ``set_status(text)``; ``watch`` measures the main loop's longest gap (``start``/``stop``).
    """

    def __init__(
        self,
        webview: Any,
        scene: Scene,
        ui: Any,
        watch: Any,
        *,
        threads: int = 8,
        calls: int = 500,
        page_calls: int = 1000,
        export_steps: int = 100,
        export_step_s: float = 0.02,
    ) -> None:
        self.webview = webview
        self.scene = scene
        self.ui = ui
        self.watch = watch
        self.threads, self.calls, self.page_calls = threads, calls, page_calls
        self.export_steps, self.export_step_s = export_steps, export_step_s
        #: Set when the page has loaded and asked for the scene (its first call).
        self.page_ready = threading.Event()
        self.page_ready_at = 0.0
        #: Results, for the summary.
        self.handler_calls = 0
        self.handler_calls_on_main = 0
        self.export_result: Optional[dict[str, Any]] = None
        self.stress_result: Optional[dict[str, Any]] = None
        #: Called on the main thread with each finished stress result.
        self.on_stress_done: Optional[Callable[[dict[str, Any]], None]] = None
        self._export_thread: Optional[threading.Thread] = None
        self._stress: Optional[_StressRun] = None
        self._register()
        scene.subscribe(self._push_scene)

    # -- handlers (main thread) --------------------------------------------------------------

    def _register(self) -> None:
        on = self.webview.on
        on("scene.list")(self._handler(self._scene_list))
        on("scene.add")(self._handler(lambda d: self.scene.add(str(d.get("kind", "")))))
        on("scene.delete")(self._handler(lambda d: ", ".join(self.scene.delete(d["names"]))))
        on("scene.rename")(
            self._handler(lambda d: self.scene.rename(d["name"], str(d.get("new_name", ""))))
        )
        on("scene.select")(self._handler(self._scene_select))
        on("export.start")(self._export_start)
        on("stress.start")(self._stress_start)
        on("stress.ping")(self._stress_ping)
        on("stress.finish")(self._stress_finish)

    def _handler(self, edit: Callable[[dict[str, Any]], Any]) -> Callable[[Any], dict[str, Any]]:
        """A scene handler: apply ``edit``, answer with its result and the new scene."""

        def handle(data: Any) -> dict[str, Any]:
            self._count()
            result = edit(data or {})
            return {
                "result": result,
                "scene": self.scene.snapshot(),
                "thread": _thread_name(),
            }

        return handle

    def _count(self) -> None:
        self.handler_calls += 1
        if is_main_thread():
            self.handler_calls_on_main += 1

    def _scene_list(self, _data: dict[str, Any]) -> None:
        if not self.page_ready.is_set():
            self.page_ready_at = time.perf_counter()
            self.page_ready.set()

    def _scene_select(self, data: dict[str, Any]) -> None:
        self.scene.select(data.get("names", []))

    def _push_scene(self) -> None:
        """Scene listener (main thread): tell the page about changes made anywhere."""
        self.webview.emit("scene.changed", self.scene.snapshot())

    # -- export: a background job streaming progress ----------------------------------------

    def _export_start(self, _data: Any) -> dict[str, Any]:
        self._count()
        if self._export_thread is not None and self._export_thread.is_alive():
            raise RuntimeError("an export is already running")
        names = self.scene.names()  # main thread: the handler may read the scene
        self._export_thread = threading.Thread(
            target=self._export_job, args=(names,), name="export-job", daemon=True
        )
        self._export_thread.start()
        return {
            "objects": len(names),
            "thread": _thread_name(),
            "job_thread": self._export_thread.name,
        }

    def _export_job(self, names: list[str]) -> None:
        """Runs on the export thread: never touches the scene or the widgets directly."""
        start = time.perf_counter()
        steps = self.export_steps
        events = 0
        try:
            for step in range(steps + 1):
                percent = round(100 * step / steps)
                if percent < 10:
                    status = "collecting the scene"
                elif percent < 90 and names:
                    index = min(len(names) - 1, (percent - 10) * len(names) // 80)
                    status = f"writing {names[index]} ({index + 1}/{len(names)})"
                elif percent < 100:
                    status = "compressing"
                else:
                    status = "done"
                if step % 25 == 0:
                    # A real exporter asks the DCC for data: always on the main thread.
                    run_on_main_thread_sync(self.scene.ping, timeout=10)
                self.webview.emit(
                    "export.progress",
                    {"percent": percent, "status": status, "thread": _thread_name()},
                )
                events += 1
                run_on_main_thread(self.ui.set_export_progress, percent, status)
                if step < steps:
                    time.sleep(self.export_step_s)
            elapsed = (time.perf_counter() - start) * 1000.0
            result = {
                "status": f"exported {len(names)} objects",
                "objects": len(names),
                "events": events,
                "elapsed_ms": elapsed,
                "thread": _thread_name(),
            }
        except (WebViewClosedError, DispatchClosedError):
            return  # the tool was closed while exporting
        except Exception as exc:
            result = {"status": f"failed: {exc}", "events": events, "error": repr(exc)}
        self.export_result = result
        with contextlib.suppress(WebViewClosedError):
            self.webview.emit("export.done", result)

    # -- stress: worker threads and page calls into the main thread --------------------------

    def _stress_start(self, _data: Any) -> dict[str, Any]:
        self._count()
        if self._stress is not None and not self._stress.finished:
            raise RuntimeError("a stress run is already in progress")
        self.ui.set_status("stress test running: the main thread serves every call")
        self.watch.start()
        self._stress = _StressRun(self, self.threads, self.calls, self.page_calls)
        self._stress.start()
        return {
            "threads": self.threads,
            "calls": self.calls,
            "page_calls": self.page_calls,
            "thread": _thread_name(),
        }

    def _stress_ping(self, _data: Any) -> dict[str, Any]:
        on_main = is_main_thread()
        self.scene.ping()  # raises off the main thread, as a DCC call would
        run = self._stress
        if run is not None:
            run.page_pings += 1
            run.page_pings_on_main += on_main
        return {"main": on_main}

    def _stress_finish(self, page: dict[str, Any]) -> dict[str, Any]:
        self._count()
        run = self._stress
        if run is None:
            raise RuntimeError("no stress run to finish")
        gap_ms = self.watch.stop()
        wall = time.perf_counter() - run.started
        python = run.python_stats()
        total = python["calls"] + page["calls"]
        result = {
            "python": python,
            "page": {
                **page,
                "handled": run.page_pings,
                "handled_on_main": run.page_pings_on_main,
            },
            "main_gap_ms": gap_ms,
            "wall_ms": wall * 1000.0,
            "throughput": round((python["ok"] + page["ok"]) / wall) if wall > 0 else 0,
            "ok": (
                python["on_main"] == python["calls"]
                and page["on_main"] == page["calls"]
                and run.page_pings_on_main == page["calls"]
                and python["errors"] == 0
                and page["failed"] == 0
            ),
            "total": total,
        }
        run.finished = True
        self.stress_result = result
        self.ui.set_status(
            f"stress: {python['on_main'] + page['on_main']}/{total} calls ran on the main "
            f"thread; longest main-loop gap {gap_ms:.1f} ms"
        )
        if self.on_stress_done is not None:
            self.on_stress_done(result)
        return result


class _StressRun:
    """``threads`` workers, each making ``calls`` sequential ``run_on_main_thread_sync``
    calls that touch the scene, timed one by one; progress goes to the page."""

    def __init__(self, tools: PanelTools, threads: int, calls: int, page_calls: int) -> None:
        self.tools = tools
        self.threads, self.calls, self.page_calls = threads, calls, page_calls
        self.latencies: list[list[float]] = [[] for _ in range(threads)]
        self.on_main = [0] * threads
        self.errors: list[str] = []
        self.page_pings = 0
        self.page_pings_on_main = 0
        self.finished = False
        self.started = 0.0
        self.python_wall = 0.0

    def start(self) -> None:
        self.started = time.perf_counter()
        threading.Thread(target=self._coordinate, name="stress-coordinator", daemon=True).start()

    def _probe(self) -> bool:
        self.tools.scene.ping()
        return is_main_thread()

    def _work(self, index: int) -> None:
        latencies = self.latencies[index]
        for _ in range(self.calls):
            sent = time.perf_counter()
            try:
                on_main = run_on_main_thread_sync(self._probe, timeout=10)
            except Exception as exc:
                self.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies.append(time.perf_counter() - sent)
            self.on_main[index] += bool(on_main)

    def _coordinate(self) -> None:
        with contextlib.suppress(WebViewClosedError):  # the tool was closed meanwhile
            self._run_workers()

    def _run_workers(self) -> None:
        workers = [
            threading.Thread(target=self._work, args=(i,), name=f"stress-{i}", daemon=True)
            for i in range(self.threads)
        ]
        for worker in workers:
            worker.start()
        total = self.threads * self.calls
        while any(w.is_alive() for w in workers):
            workers[0].join(0.05)
            done = sum(len(lat) for lat in self.latencies) + len(self.errors)
            self.tools.webview.emit("stress.progress", {"done": done, "total": total})
        for worker in workers:
            worker.join()
        self.python_wall = time.perf_counter() - self.started
        stats = self.python_stats()
        self.tools.webview.emit("stress.progress", {"done": total, "total": total})
        self.tools.webview.emit("stress.python_done", stats)

    def python_stats(self) -> dict[str, Any]:
        merged = [x for lat in self.latencies for x in lat]
        return {
            "threads": self.threads,
            "calls": self.threads * self.calls,
            "ok": len(merged),
            "on_main": sum(self.on_main),
            "errors": len(self.errors),
            "first_error": self.errors[0] if self.errors else "",
            "wall_ms": self.python_wall * 1000.0,
            **latency_stats(merged),
        }


def _thread_name() -> str:
    return threading.current_thread().name


def format_stress(result: dict[str, Any]) -> list[str]:
    """The stress result as summary lines (the tests read these)."""
    py, page = result["python"], result["page"]
    return [
        f"stress: Python {py['threads']} threads x {py['calls'] // max(py['threads'], 1)} "
        f"run_on_main_thread_sync: {py['on_main']}/{py['calls']} ran on the main thread, "
        f"{py['errors']} errors, p50 {py['p50_ms']:.2f} ms, p99 {py['p99_ms']:.2f} ms, "
        f"max {py['max_ms']:.1f} ms, {py['wall_ms']:.0f} ms in all",
        f"stress: page {page['calls']} concurrent auroraview.call: {page['on_main']}/"
        f"{page['calls']} ran on the main thread ({page['handled_on_main']} counted by the "
        f"handler), {page['failed']} failed, p50 {page['p50_ms']:.1f} ms, "
        f"p99 {page['p99_ms']:.1f} ms, max {page['max_ms']:.1f} ms, "
        f"burst done in {page['wall_ms']:.0f} ms",
        f"stress: main loop's longest gap {result['main_gap_ms']:.1f} ms, "
        f"{result['throughput']} calls/s overall, {'OK' if result['ok'] else 'FAILED'}",
    ]
