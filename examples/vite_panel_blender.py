"""The built Vite panel (``examples/vite-panel``) as a Blender tool window:
``WebView(asset_root=dist, dcc_mode=True)`` serves the built front end, and ``bind_api``
gives the page a Python API whose methods run on Blender's main thread (``bpy`` is not
thread-safe).

Build the front end first (``make vite-panel``, or ``npm ci && npm run build`` in
``examples/vite-panel``). Run it in Blender (Text Editor, or ``blender --python
examples/vite_panel_blender.py``), or with the ``bpy`` module from PyPI (background mode;
Linux needs an X display)::

    bash scripts/with-display.sh python examples/vite_panel_blender.py --auto
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import bpy
from auroraview import Channel, WebView

DIST = Path(__file__).resolve().parent / "vite-panel" / "dist"


class PanelApi:
    """What the panel calls as ``bindings<PanelApi>("panel")`` (see src/main.ts)."""

    def scene_info(self) -> dict:
        return {"name": bpy.context.scene.name, "objects": len(bpy.context.scene.objects)}

    def export_frames(self, count: int, channel: Channel) -> str:
        scene = bpy.context.scene
        for frame in range(1, count + 1):
            scene.frame_set(frame)  # bpy on the main thread (dcc_mode)
            channel.send({"frame": frame})
        return f"exported {count} frames of {scene.name}"


def main(auto: bool) -> int:
    webview = WebView(title="Scene panel", asset_root=DIST, width=480, height=420, dcc_mode=True)
    webview.bind_api(PanelApi(), namespace="panel")
    outcome: dict = {}

    if auto:

        def watch() -> None:  # a worker thread: waits for the page's report, then closes
            for _ in range(300):
                report = webview.eval_js_sync("window.panelReport || null")
                if report and (report.get("done") or report.get("error")):
                    outcome.update(report)
                    break
                threading.Event().wait(0.1)
            webview.close()

        threading.Thread(target=watch, name="watch", daemon=True).start()
    webview.show()  # background mode: serves the main thread until the panel closes
    if not auto:
        return 0
    ok = outcome.get("frames") == [1, 2, 3, 4, 5] and outcome.get("worker") == 42
    print(f"python said {outcome.get('python')}; {outcome.get('exported')}")
    print("vite_panel_blender: OK" if ok else f"vite_panel_blender: FAILED {outcome}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    auto = "--auto" in sys.argv
    code = main(auto)
    if auto or bpy.app.background:
        sys.exit(code)
