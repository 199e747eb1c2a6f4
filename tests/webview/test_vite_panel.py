"""The real front end of ``examples/vite-panel`` (TypeScript, built by Vite from the npm
registry; ``make test`` builds it first) loaded from its ``dist/`` through ``asset_root``:
its module graph loads (a dynamic import, a module worker, fetched JSON, a web font), it
calls Python through ``bind_api`` with a Channel, and its pixels reach the screen."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
from auroraview import Channel

pytestmark = pytest.mark.timeout(90)

DIST = Path(__file__).resolve().parents[2] / "examples" / "vite-panel" / "dist"
SWATCH = (18, 184, 134)  # the page's #swatch, 240 x 120 CSS pixels


def require_dist() -> None:
    if not (DIST / "index.html").exists():
        message = "examples/vite-panel is not built: run `make vite-panel` (make test does)"
        if os.environ.get("AURORAVIEW_REQUIRE_VITE_PANEL") == "1":
            pytest.fail(message)
        pytest.skip(message)


class PanelApi:
    """The Python side the panel binds (namespace "panel")."""

    def __init__(self) -> None:
        self.threads: list[int] = []

    def scene_info(self):
        self.threads.append(threading.get_ident())
        return {"name": "shot_010", "objects": 42}

    def export_frames(self, count, channel: Channel):
        for frame in range(1, count + 1):
            channel.send({"frame": frame})
        return f"exported {count} frames"


def screen_pixels(colour: tuple[int, int, int]) -> dict:
    script = Path(__file__).with_name("screen_colour.py")
    out = subprocess.run(
        ["/usr/bin/python3", str(script), *map(str, colour)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(out.stdout)


def test_the_built_panel_loads_and_talks_to_python(wv_host):
    require_dist()
    api = PanelApi()
    webview = wv_host.open(asset_root=DIST, title="vite panel", width=480, height=420)
    webview.bind_api(api, namespace="panel")
    webview.show(block=False)
    wv_host.wait_ready(webview)
    wv_host.wait_js(
        webview,
        "!!(window.panelReport && (panelReport.done || panelReport.error))",
        True,
        timeout=20,
    )
    report = wv_host.run_js(webview, "panelReport")
    assert report.get("error") is None, report
    assert report["host"] == "auroraview"
    assert report["dynamicImport"] == "lazy chunk"
    assert report["worker"] == 42
    assert report["json"] == {"scene": "shot_010", "layers": ["bg", "fg", "fx"]}
    assert report["font"] is True
    assert report["python"] == {"name": "shot_010", "objects": 42}
    assert report["frames"] == [1, 2, 3, 4, 5]
    assert report["exported"] == "exported 5 frames"
    assert len(api.threads) == 1
    # The page is the asset root's, and its font face came from there.
    assert wv_host.run_js(webview, "location.href") == "auroraview://localhost/index.html"
    faces = wv_host.run_js(webview, "Array.from(document.fonts).map(f => [f.family, f.status])")
    assert ["Inter", "loaded"] in faces or ['"Inter"', "loaded"] in faces, faces
    # What the user sees: the swatch's colour on the X screen, about 240 x 120 pixels. The
    # screen is read between turns of the host's loop (a grab inside a busy loop would
    # starve GTK's redraws, which run at a lower priority than timers).
    seen: dict = {}
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        wv_host.serve_for(0.3)
        seen = screen_pixels(SWATCH)
        if seen["count"] >= 0.8 * 240 * 120:
            break
    assert seen["count"] >= 0.8 * 240 * 120, (seen, screen_pixels((27, 30, 36)))
    x0, y0, x1, y1 = seen["box"]
    assert 220 <= x1 - x0 + 2 <= 260 and 100 <= y1 - y0 + 2 <= 140, seen
