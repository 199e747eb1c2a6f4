"""The demo (``python -m auroraview.demo``, the README's first command) runs its scripted
session end to end, and its screenshot shows the page inside the dock.

The demo runs in a subprocess: it is a Qt application on the GLib event dispatcher with a
hosted WebView, which cannot share a process with the rest of the suite (one owner of GLib's
main context per process). The scene model's thread guard is checked in-process.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading

import pytest
from auroraview.demo.page import PAGE_BACKGROUND, PAGE_HTML
from auroraview.demo.scene import Scene, SceneThreadError
from auroraview.demo.tools import latency_stats

needs_display = pytest.mark.skipif(
    not os.environ.get("DISPLAY") and shutil.which("Xvfb") is None,
    reason="needs an X display (or Xvfb)",
)


def run_demo(*args: str, timeout: float = 150) -> subprocess.CompletedProcess:
    # Qt must use xcb and its GLib dispatcher in the demo, whatever this process was given.
    env = {k: v for k, v in os.environ.items() if k != "QT_NO_GLIB"}
    env["QT_QPA_PLATFORM"] = "xcb"
    return subprocess.run(
        [sys.executable, "-m", "auroraview.demo", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def colour_share(image, rect, accept) -> float:
    """Share of the pixels sampled in ``rect`` (x, y, w, h) for which ``accept(r, g, b)``."""
    x0, y0, w, h = rect
    hits = total = 0
    for y in range(max(y0, 0), min(y0 + h, image.height()), 3):
        for x in range(max(x0, 0), min(x0 + w, image.width()), 3):
            c = image.pixelColor(x, y)
            total += 1
            hits += bool(accept(c.red(), c.green(), c.blue()))
    return hits / total if total else 0.0


def is_page_background(r: int, g: int, b: int) -> bool:
    return all(abs(v - ref) <= 3 for v, ref in zip((r, g, b), PAGE_BACKGROUND))


def is_done_green(r: int, g: int, b: int) -> bool:
    """The finished progress bar's green (a gradient from #2fb67c to #3ecf8e)."""
    return r < 90 and g > 160 and 100 < b < 160


@needs_display
def test_scripted_demo_runs_everything_on_the_main_thread_and_shows_the_page(tmp_path):
    shot = tmp_path / "demo.png"
    proc = run_demo("--screenshot", str(shot))
    out = proc.stdout
    assert proc.returncode == 0, f"demo failed ({proc.returncode}):\n{out}\n{proc.stderr}"
    assert "auroraview demo: OK" in out, out

    # Every stress call ran on the main thread: 8 threads x 500 sync calls, 1000 page calls.
    py = re.search(
        r"stress: Python (\d+) threads x (\d+) run_on_main_thread_sync: "
        r"(\d+)/(\d+) ran on the main thread, (\d+) errors",
        out,
    )
    assert py, out
    threads, calls, on_main, total, errors = map(int, py.groups())
    assert (threads, calls) == (8, 500)
    assert on_main == total == threads * calls and errors == 0
    page = re.search(
        r"stress: page (\d+) concurrent auroraview\.call: (\d+)/(\d+) ran on the main thread "
        r"\((\d+) counted by the handler\), (\d+) failed",
        out,
    )
    assert page, out
    n, on_main, total, handled, failed = map(int, page.groups())
    assert n == on_main == total == handled == 1000 and failed == 0
    assert re.search(r"stress: main loop's longest gap [\d.]+ ms, \d+ calls/s overall, OK", out)
    assert re.search(r"handlers: (\d+)/\1 scene/export/stress calls ran on the main thread", out)
    assert "the page, the native outliner and the scene agree" in out
    assert re.search(r"export: 101 progress events from thread 'export-job'", out)

    # The screenshot shows the page inside the dock, in its final state.
    from PySide6.QtGui import QImage

    where = re.search(r"screenshot: .*\((\d+)x(\d+); panel at (\d+),(\d+) (\d+)x(\d+):", out)
    assert where, out
    width, height, px, py_, pw, ph = map(int, where.groups())
    image = QImage(str(shot))
    assert not image.isNull() and (image.width(), image.height()) == (width, height)
    assert pw > 300 and ph > 400 and px + pw <= width and py_ + ph <= height
    panel = (px, py_, pw, ph)
    left_of_panel = (0, py_, px - 10, ph)  # the outliner and the viewport: native Qt
    inside = colour_share(image, panel, is_page_background)
    outside = colour_share(image, left_of_panel, is_page_background)
    assert inside > 0.15, f"page background on only {inside:.0%} of the dock"
    assert outside < 0.01, f"page background outside the dock ({outside:.0%})"
    # The finished export bar (painted by the page after 101 emitted events) is visible.
    assert colour_share(image, panel, is_done_green) > 0.005


def test_scene_refuses_every_thread_but_the_main_one():
    scene = Scene()
    assert scene.add("cube") == "cube1"
    errors = []

    def worker() -> None:
        for call in (scene.names, lambda: scene.add("sphere"), scene.snapshot):
            try:
                call()
            except SceneThreadError as exc:
                errors.append(str(exc))

    thread = threading.Thread(target=worker, name="not-main")
    thread.start()
    thread.join(10)
    assert len(errors) == 3 and "'not-main'" in errors[0]
    assert scene.names() == ["cube1"] and scene.refused == 3


def test_scene_edits():
    scene = Scene()
    changes = []
    scene.subscribe(lambda: changes.append(scene.names()))
    assert [scene.add(k) for k in ("cube", "sphere", "cube")] == ["cube1", "sphere1", "cube2"]
    assert scene.select(["cube2", "ghost"]) == ["cube2"]
    assert scene.rename("cube2", "hero") == "hero" and scene.selection() == ["hero"]
    with pytest.raises(ValueError, match="already exists"):
        scene.rename("hero", "cube1")
    with pytest.raises(ValueError, match="not a valid name"):
        scene.rename("hero", "9 lives")
    with pytest.raises(KeyError):
        scene.rename("ghost", "x")
    assert scene.delete(["sphere1", "ghost"]) == ["sphere1"]
    assert scene.add("sphere") == "sphere2"  # names are not reused
    assert changes[-1] == ["cube1", "hero", "sphere2"]
    assert scene.snapshot()[1] == {"name": "hero", "kind": "cube", "selected": True}


def test_page_is_self_contained():
    assert not re.search(r"https?://|\bsrc=|@import|url\(", PAGE_HTML)
    assert "#{:02x}{:02x}{:02x}".format(*PAGE_BACKGROUND) in PAGE_HTML


def test_latency_stats():
    stats = latency_stats([i / 1000 for i in range(1, 101)])  # 1..100 ms
    assert stats == pytest.approx({"p50_ms": 51.0, "p99_ms": 100.0, "max_ms": 100.0})
    assert latency_stats([])["p99_ms"] == 0.0
