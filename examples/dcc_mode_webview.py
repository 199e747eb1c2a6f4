"""``dcc_mode=True`` (RFC 0002 section 2): every handler runs on the host's main thread.

The ``Scene`` below stands in for a DCC API such as ``maya.cmds``: it raises when called off
the main thread. With ``dcc_mode=True`` the page's calls reach the handlers on the main
thread (queued to the dispatcher; the WebView's handler thread never blocks on them). In a
standalone script ``show()`` blocks and the main thread serves those calls until the window
closes; inside a DCC, ``show()`` returns and the host's event loop serves them.

Run (Linux; needs an X display, ``scripts/with-display.sh`` starts a private Xvfb)::

    bash scripts/with-display.sh python examples/dcc_mode_webview.py          # click around
    bash scripts/with-display.sh python examples/dcc_mode_webview.py --auto   # scripted run
"""

from __future__ import annotations

import argparse
import sys
import threading

from auroraview import WebView

PAGE = """<!doctype html>
<html><body style="font: 15px sans-serif; margin: 24px">
<h2>Scene tools (dcc_mode)</h2>
<button id="cube">Create cube</button> <button id="sphere">Create sphere</button>
<ul id="outliner"></ul>
<p id="status"></p>
<script>
  async function create(type) {
    const name = await auroraview.call("create_object", {type: type});
    const names = await auroraview.call("list_objects");
    document.getElementById("outliner").innerHTML =
      names.map((n) => "<li>" + n + "</li>").join("");
    return name;
  }
  document.getElementById("cube").onclick = () => create("cube");
  document.getElementById("sphere").onclick = () => create("sphere");
  auroraview.on("status", (s) => { document.getElementById("status").textContent = s; });
  // Python emits "start" once its handlers are registered.
  auroraview.on("start", async (options) => {
    if (!options.auto) return;
    for (const type of ["cube", "sphere", "cube"]) await create(type);
    auroraview.call("finish", {outliner: document.querySelectorAll("li").length});
  });
</script></body></html>"""


class Scene:
    """A DCC API stand-in: main thread only, like ``maya.cmds`` or ``bpy.data``."""

    def __init__(self) -> None:
        self._objects: list[str] = []

    def _check(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("scene API called off the main thread")

    def create(self, kind: str) -> str:
        self._check()
        name = f"{kind}{len(self._objects) + 1}"
        self._objects.append(name)
        return name

    def names(self) -> list[str]:
        self._check()
        return list(self._objects)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--auto", action="store_true", help="scripted run that closes itself")
    args = parser.parse_args()

    scene = Scene()
    webview = WebView(title="Scene tools", html=PAGE, width=420, height=360, dcc_mode=True)
    proxy = webview.get_proxy()  # every method is safe from any thread
    outcome: dict = {}

    @webview.on("create_object")
    def create_object(data):
        name = scene.create(data["type"])  # safe: dcc_mode runs this on the main thread
        print(f"created {name} on {threading.current_thread().name}", flush=True)
        return name

    @webview.on("list_objects")
    def list_objects(data):
        return scene.names()

    def report_from_worker() -> None:
        # A worker reaches the scene through the dispatcher, and the page through the proxy.
        names = proxy.call_on_dcc_main_thread(scene.names, timeout=5)
        proxy.emit("status", f"a worker counted {len(names)} objects")
        outcome["worker_count"] = len(names)
        proxy.close()

    @webview.on("finish")
    def finish(data):
        outcome["outliner"] = data["outliner"]
        threading.Thread(target=report_from_worker, name="reporter").start()

    webview.emit("start", {"auto": args.auto})  # held until the page is ready
    safety_net = threading.Timer(12.0, webview.close)  # --auto: never hang
    if args.auto:
        safety_net.start()
    webview.show()  # blocks: this main thread serves the dcc_mode handlers until closed
    safety_net.cancel()

    ok = not args.auto or (outcome.get("outliner") == 3 and outcome.get("worker_count") == 3)
    print(f"objects: {scene.names()}", flush=True)
    print("dcc_mode_webview: OK" if ok else f"dcc_mode_webview: FAILED {outcome}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
