"""Run in a fresh interpreter with the REAL ``bpy`` module (background mode) and a real
WebView (WebKitGTK, own mode): a panel inside Blender. Prints ``RESULT {json}``.

The page drives everything: it calls ``dcc_mode`` handlers that add cubes with ``bpy.ops``
(they must run on Blender's main thread), starts a background job that streams progress
events, checks that a handler's exception rejects its call, asks where to save through the
native "Save as" dialog (``auroraview.dialog.save``: Blender has no Qt; the test answers the
dialog with real keystrokes when a folder is given as argv[1]) and saves the scene there,
and reports what it saw. The script's main thread serves the dispatcher in
``webview.show()`` until the page closes it.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

import bpy
from auroraview import WebView, utils

MAIN = threading.get_ident()

PAGE = """<!doctype html><html><body><script>
auroraview.whenReady().then(async function () {
  const names = [];
  for (let i = 1; i <= 5; i++) names.push(await auroraview.call("add_cube", {size: i}));
  const progress = [];
  auroraview.on("progress", function (p) { progress.push(p); });
  const jobDone = new Promise(function (r) { auroraview.once("job_done", r); });
  await auroraview.call("start_job", 100);
  const total = await jobDone;
  const failed = await auroraview.call("add_cube", {size: -1})
    .then(function () { return null; }, function (e) { return [e.name, e.message]; });
  let saved = null;
  if (SAVE_DIR) {
    const path = await auroraview.dialog.save({title: "Save scene as",
                                               defaultPath: SAVE_DIR + "/cubes.blend"});
    saved = path && await auroraview.call("save_as", path);
  }
  await auroraview.call("done", {names: names, progress: progress, total: total, failed: failed,
                                 saved: saved});
});
</script></body></html>"""


def main() -> dict:
    seen_threads: list[int] = []
    report: dict = {}
    save_dir = sys.argv[1] if len(sys.argv) > 1 else ""
    page = PAGE.replace("SAVE_DIR", json.dumps(save_dir))
    webview = WebView(title="auroraview in Blender", html=page, dcc_mode=True)

    @webview.on("add_cube")
    def add_cube(data: dict) -> str:
        seen_threads.append(threading.get_ident())
        if data["size"] <= 0:
            raise ValueError("bad size")
        bpy.ops.mesh.primitive_cube_add(size=float(data["size"]))
        return bpy.context.active_object.name

    @webview.on("start_job")
    def start_job(n: int) -> bool:
        seen_threads.append(threading.get_ident())

        def job() -> None:  # a background thread: emits only, touches no Blender data
            for i in range(n):
                webview.emit("progress", i)
            webview.emit("job_done", n)

        threading.Thread(target=job, daemon=True).start()
        return True

    @webview.on("save_as")
    def save_as(path: str) -> str:
        seen_threads.append(threading.get_ident())
        bpy.ops.wm.save_as_mainfile(filepath=path)
        return bpy.data.filepath

    @webview.on("done")
    def done(data: dict) -> None:
        seen_threads.append(threading.get_ident())
        report.update(data)
        webview.close()

    watchdog = threading.Timer(60, webview.close)  # a hung page must still end the script
    watchdog.start()
    t0 = time.monotonic()
    webview.show()  # blocks: serves Blender's main thread until the page closes the WebView
    watchdog.cancel()
    names = report.get("names", [])
    return {
        "host": utils.current_host(),
        "background": bpy.app.background,
        "mode": webview.mode,
        "names": names,
        "all_exist": bool(names) and all(n in bpy.data.objects for n in names),
        "sizes": [round(bpy.data.objects[n].dimensions.x, 3) for n in names],
        "progress_in_order": report.get("progress") == list(range(100)),
        "total": report.get("total"),
        "failed": report.get("failed"),
        "saved": report.get("saved"),
        "saved_exists": bool(report.get("saved")) and os.path.isfile(report["saved"]),
        "handler_calls": len(seen_threads),
        "all_on_main": all(t == MAIN for t in seen_threads),
        "elapsed": time.monotonic() - t0,
    }


if __name__ == "__main__":
    print("RESULT " + json.dumps(main()), flush=True)
