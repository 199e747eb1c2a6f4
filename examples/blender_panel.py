"""A tool panel for Blender: the page adds objects with ``bpy.ops`` and follows a background
job, while every Blender call stays on Blender's main thread.

- ``dcc_mode=True``: the page's calls run on the main thread (Blender's timer pumps them in
  the full application; in background mode ``show()`` serves them itself).
- The "bake" job runs on a worker thread: it streams progress to the page with ``emit`` (any
  thread) and reads the scene only through ``run_on_main_thread_sync``.

Run it in Blender's Text Editor or ``blender --python examples/blender_panel.py``, or with
the ``bpy`` module from PyPI (background mode; Linux needs an X display for the window)::

    bash scripts/with-display.sh python examples/blender_panel.py --auto
"""

from __future__ import annotations

import sys
import threading
import time

import bpy
from auroraview import WebView
from auroraview.utils import run_on_main_thread_sync

PAGE = """<!doctype html>
<html><body style="font: 14px sans-serif; margin: 20px">
<h3>Blender tools</h3>
<label>size <input id="size" type="number" value="1" min="0.1" step="0.5"></label>
<button id="cube">Add cube</button> <button id="monkey">Add monkey</button>
<button id="bake">Bake</button> <progress id="bar" max="100" value="0"></progress>
<ul id="objects"></ul>
<script>
  async function add(kind) {
    const size = Number(document.getElementById("size").value);
    await auroraview.call("add", {kind: kind, size: size});
    const names = await auroraview.call("objects");
    document.getElementById("objects").innerHTML = names.map((n) => "<li>" + n + "</li>").join("");
  }
  document.getElementById("cube").onclick = () => add("cube");
  document.getElementById("monkey").onclick = () => add("monkey");
  document.getElementById("bake").onclick = () => auroraview.call("bake");
  auroraview.on("progress", (p) => { document.getElementById("bar").value = p; });
  auroraview.on("start", async (auto) => {
    if (!auto) return;
    await add("cube");
    await add("monkey");
    const baked = new Promise((resolve) => auroraview.once("baked", resolve));
    await auroraview.call("bake");
    const result = await baked;
    auroraview.call("finish", {items: document.querySelectorAll("li").length, baked: result,
                               bar: document.getElementById("bar").value});
  });
</script></body></html>"""


def main(auto: bool) -> int:
    webview = WebView(title="Blender tools", html=PAGE, width=420, height=420, dcc_mode=True)
    outcome: dict = {}

    @webview.on("add")
    def add(data: dict) -> str:
        size = float(data["size"])
        if data["kind"] == "monkey":
            bpy.ops.mesh.primitive_monkey_add(size=size)
        else:
            bpy.ops.mesh.primitive_cube_add(size=size)
        return bpy.context.active_object.name

    @webview.on("objects")
    def objects(_data) -> list:
        return sorted(obj.name for obj in bpy.context.scene.objects)

    @webview.on("bake")
    def bake(_data) -> bool:
        def job() -> None:  # a worker thread: never touches bpy directly
            for step in range(0, 101, 5):
                time.sleep(0.01)  # the "work"
                webview.emit("progress", step)
            meshes = run_on_main_thread_sync(
                lambda: sum(obj.type == "MESH" for obj in bpy.context.scene.objects), timeout=10
            )
            webview.emit("baked", {"meshes": meshes})

        threading.Thread(target=job, name="bake", daemon=True).start()
        return True

    @webview.on("finish")
    def finish(data: dict) -> None:
        outcome.update(data)
        webview.close()

    webview.emit("start", auto)  # held until the page's bridge is ready
    safety_net = threading.Timer(30.0, webview.close)  # never hang a scripted run
    if auto:
        safety_net.start()
    webview.show()  # background mode: serves the main thread until the panel closes
    safety_net.cancel()
    if not auto:
        return 0
    ok = outcome.get("baked", {}).get("meshes", 0) >= 2 and outcome.get("bar") == 100
    print(f"objects in the page: {outcome.get('items')}; baked: {outcome.get('baked')}")
    print("blender_panel: OK" if ok else f"blender_panel: FAILED {outcome}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    auto = "--auto" in sys.argv
    code = main(auto)
    if auto or bpy.app.background:
        sys.exit(code)
