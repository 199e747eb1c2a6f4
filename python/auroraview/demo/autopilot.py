"""The scripted run: clicks the page's own buttons (through ``eval_js_async``), checks what
happened on every side, saves a screenshot and reports.

It runs on a thread of its own, like any tool code that must not block the DCC: it waits on
the page and on the main thread only with bounded waits, and touches the scene and the
widgets only through ``run_on_main_thread_sync``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import traceback
from collections.abc import Iterator
from typing import Any, Callable, Optional

from auroraview.errors import JavaScriptError
from auroraview.utils import run_on_main_thread, run_on_main_thread_sync

from .scene import Scene, SceneThreadError
from .tools import PanelTools, format_stress

#: The least share of the panel's pixels that must show the page's background colour.
MIN_PAGE_BACKGROUND = 0.10


@contextlib.contextmanager
def _quiet_expected_handler_error(name: str) -> Iterator[None]:
    """Drop auroraview's warning (with traceback) about handler ``name`` raising: the
    scripted run provokes that error on purpose."""

    def keep(record: logging.LogRecord) -> bool:
        return not (isinstance(record.args, tuple) and record.args and record.args[0] == name)

    logger = logging.getLogger("auroraview.webview")
    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


def say(text: str) -> None:
    print(f"[auto] {text}", flush=True)


def expect(condition: Any, message: str) -> None:
    if not condition:
        raise AssertionError(message)


class Autopilot:
    def __init__(
        self,
        window: Any,
        scene: Scene,
        tools: PanelTools,
        screenshot: str,
        finish: Callable[[int], None],
    ) -> None:
        self.window = window
        self.webview = window.webview
        self.scene = scene
        self.tools = tools
        self.screenshot = screenshot
        self.finish = finish
        self.started = time.perf_counter()
        self.step = "starting"
        #: Set when the session gave up on the run (its timeout): stop quietly.
        self.cancelled = False

    def start(self) -> None:
        threading.Thread(target=self._run, name="autopilot", daemon=True).start()

    # -- plumbing ----------------------------------------------------------------------------

    def js(self, script: str, timeout: float = 10.0) -> Any:
        """The value of ``script`` in the page (Promises awaited); raises its error."""
        future = self.webview.eval_js_async(script, timeout_ms=timeout * 1000.0)
        return future.result(timeout + 5.0)

    def wait_js(self, script: str, expected: Any, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            value = self.js(script)
            if value == expected:
                return
            time.sleep(0.02)
        raise AssertionError(f"{script} is {value!r}, expected {expected!r}")

    @staticmethod
    def main(func: Callable[..., Any], *args: Any) -> Any:
        return run_on_main_thread_sync(func, *args, timeout=10)

    def _run(self) -> None:
        code = 0
        try:
            self._script()
        except Exception:
            if self.cancelled:
                return  # the session already reported the timeout and closed the WebView
            code = 1
            print(f"[auto] FAILED during: {self.step}", flush=True)
            traceback.print_exc()
        run_on_main_thread(self.finish, code)

    # -- the script ----------------------------------------------------------------------------

    def _script(self) -> None:
        ready_ms = self._wait_for_page()
        self._edit_scene()
        self._outliner_and_thread_guard()
        export, stress = self._export_and_stress()
        scene_names = self._compare_views()
        shot = self._screenshot()
        self._summary(ready_ms, scene_names, export, stress, shot)

    def _wait_for_page(self) -> float:
        """Milliseconds from the WebView's creation to the page's ready."""
        tools, window = self.tools, self.window
        self.step = "waiting for the page"
        expect(tools.page_ready.wait(30), "the page did not load within 30 s")
        ready_ms = float(tools.page_ready_at - window.created_at) * 1000.0
        say(f"page loaded {ready_ms:.0f} ms after the WebView was created ({self.webview.mode})")
        return ready_ms

    def _edit_scene(self) -> None:
        self.step = "adding objects"
        added, threads = [], set()
        for button in ("add-cube", "add-sphere", "add-cube", "add-sphere", "add-cube"):
            reply = self.js(f"demo.click({button!r})")
            added.append(reply["result"])
            threads.add(reply["thread"])
        expect(threads == {"MainThread"}, f"handlers ran on {threads}")
        say(f"+ Cube / + Sphere x5 -> {', '.join(added)} (handlers ran on the MainThread)")

        self.step = "deleting"
        self.js("demo.clickRow('sphere1')")
        reply = self.js("demo.click('delete')")
        expect(reply["result"] == "sphere1", f"deleted {reply['result']!r}")
        say("row sphere1 + Delete selected -> sphere1 deleted")

        self.step = "renaming"
        self.js("demo.clickRow('cube2')")
        reply = self.js("demo.rename('hero_cube')")
        expect(reply["result"] == "hero_cube", f"renamed to {reply['result']!r}")
        say("row cube2 + Rename 'hero_cube' -> hero_cube")
        self.js("demo.clickRow('cube1')")
        try:
            with _quiet_expected_handler_error("scene.rename"):
                self.js("demo.rename('9 lives')")
        except JavaScriptError as exc:
            expect(exc.js_name == "ValueError", f"rename failed with {exc!r}")
            say(f"Rename to '9 lives' rejected in the page with the handler's {exc.js_name}")
        else:
            raise AssertionError("an invalid name was accepted")
        self.js("document.getElementById('rename-input').value = ''")

    def _outliner_and_thread_guard(self) -> None:
        window = self.window
        self.step = "selecting in the native outliner"
        self.main(window.select_in_outliner, "sphere2")
        self.wait_js("demo.scene.filter(o => o.selected).map(o => o.name).join()", "sphere2")
        say("sphere2 selected in the native Qt outliner -> the page followed (scene.changed)")

        self.step = "checking the scene's thread guard"
        try:
            self.scene.names()
        except SceneThreadError:
            say("scene read directly from the autopilot thread -> SceneThreadError, as in a DCC")
        else:
            raise AssertionError("the scene allowed a call off the main thread")

    def _export_and_stress(self) -> tuple[dict[str, Any], dict[str, Any]]:
        self.step = "exporting"
        export = self.js("demo.click('export')", timeout=30)
        expect(
            export["events_seen"] == export["events"],
            f"the page saw {export['events_seen']} of {export['events']} progress events",
        )
        say(
            f"Export -> {export['events']} progress events (0..100%) emitted from thread "
            f"{export['thread']!r}, all shown, {export['elapsed_ms'] / 1000:.2f} s"
        )

        self.step = "stress test"
        stress = self.js("demo.click('stress')", timeout=90)
        expect(stress["ok"], "the stress test failed: " + "; ".join(format_stress(stress)))
        say(
            f"Stress -> {stress['total']} calls, all on the main thread, in "
            f"{stress['wall_ms'] / 1000:.2f} s"
        )
        return export, stress

    def _compare_views(self) -> list[str]:
        window = self.window
        self.step = "comparing the views"
        page_rows = self.js("demo.rows()")
        scene_names: list[str] = self.main(self.scene.names)
        outliner = self.main(window.outliner_names)
        expect(
            page_rows == scene_names == outliner,
            f"views differ: page {page_rows}, scene {scene_names}, outliner {outliner}",
        )
        return scene_names

    def _screenshot(self) -> Optional[dict[str, Any]]:
        window = self.window
        shot = None
        if self.screenshot:
            self.step = "screenshot"
            folder = os.path.dirname(os.path.abspath(self.screenshot))
            os.makedirs(folder, exist_ok=True)
            time.sleep(0.5)  # let WebKit paint the final state
            shot = self.main(window.save_screenshot, self.screenshot)
            expect(shot["saved"], f"could not save {self.screenshot}")
            expect(
                shot["page_background"] >= MIN_PAGE_BACKGROUND,
                f"the page is not visible in the dock ({shot['page_background']:.0%} of the "
                "panel has the page's background colour)",
            )
        return shot

    def _summary(
        self,
        ready_ms: float,
        scene_names: list[str],
        export: dict[str, Any],
        stress: dict[str, Any],
        shot: Optional[dict[str, Any]],
    ) -> None:
        tools = self.tools
        self.step = "summary"
        scene_stats = self.main(lambda: (self.scene.touches, self.scene.refused))
        elapsed = time.perf_counter() - self.started
        lines = [
            f"WebView: {self.webview.mode} mode, docked in a QDockWidget; page loaded in "
            f"{ready_ms:.0f} ms",
            f"scene: {len(scene_names)} objects ({', '.join(scene_names)}); the page, the native "
            "outliner and the scene agree",
            f"handlers: {tools.handler_calls_on_main}/{tools.handler_calls} scene/export/stress "
            f"calls ran on the main thread; the scene was used {scene_stats[0]} times on the "
            f"main thread and refused {scene_stats[1]} call off it (the deliberate check)",
            f"export: {export['events']} progress events from thread {export['thread']!r}, "
            f"{export['elapsed_ms'] / 1000:.2f} s",
            *format_stress(stress),
        ]
        if shot is not None:
            x, y, w, h = shot["panel"]
            lines.append(
                f"screenshot: {self.screenshot} ({shot['size'][0]}x{shot['size'][1]}; panel at "
                f"{x},{y} {w}x{h}: {shot['page_background']:.0%} page background)"
            )
        print(f"\nauroraview demo: OK in {elapsed:.1f} s", flush=True)
        for line in lines:
            print(f"  {line}", flush=True)
