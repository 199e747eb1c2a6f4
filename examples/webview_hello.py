"""A WebView panel whose page calls a Python handler, while a Python thread streams progress.

- The page calls ``auroraview.call("greet", {...})``; the handler's return value resolves the
  page's Promise, and its exception rejects it (type and message).
- A worker thread calls ``webview.emit("progress", ...)``: emitting is safe from any thread.
- ``show()`` blocks this standalone script (its main thread serves auroraview) until the
  window closes.

Run (Linux; needs an X display, ``scripts/with-display.sh`` starts a private Xvfb)::

    bash scripts/with-display.sh python examples/webview_hello.py           # close it yourself
    bash scripts/with-display.sh python examples/webview_hello.py --auto    # closes after 3 s
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time

from auroraview import WebView
from auroraview.errors import WebViewClosedError

PAGE = """<!doctype html>
<html><body style="font: 15px sans-serif; margin: 24px">
<h2>auroraview hello</h2>
<p id="greeting">waiting for Python...</p>
<p id="error"></p>
<progress id="bar" max="100" value="0" style="width: 100%"></progress>
<button id="again">Greet again</button>
<script>
  async function greet(data) {
    return auroraview.call("greet", data);  // resolves with the handler's return value
  }
  auroraview.whenReady().then(async () => {
    document.getElementById("greeting").textContent = (await greet({name: "TD"})).text;
    let error = null;
    try {
      await greet({});  // no name: the handler raises ValueError, the Promise rejects
    } catch (err) {
      error = err.name + ": " + err.message;
      document.getElementById("error").textContent = error;
    }
    auroraview.emit("page_ready", {error: error});  // an event: no reply
  });
  auroraview.on("progress", (p) => {
    document.getElementById("bar").value = p.percent;
  });
  document.getElementById("again").onclick = async () => {
    document.getElementById("greeting").textContent = (await greet({name: "again"})).text;
  };
</script></body></html>"""


def main() -> int:
    # Handler exceptions are logged (with traceback) on the "auroraview.webview" logger.
    logging.basicConfig(level=logging.WARNING, format="[%(name)s] %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--auto", action="store_true", help="close the window by itself")
    parser.add_argument("--seconds", type=float, default=3.0, help="how long --auto stays open")
    args = parser.parse_args()

    # A blank WebView first, so the handlers exist before the page can call them.
    webview = WebView(title="auroraview hello", width=480, height=280)
    state: dict = {"greeted": 0}

    @webview.on("greet")
    def greet(data):
        # Runs on the WebView's handler thread, not the main thread.
        name = data.get("name")
        if not name:
            raise ValueError("greet needs a name")  # rejects the page's Promise
        state["greeted"] += 1
        print(f"greet({name!r}) called by the page", flush=True)
        return {"text": f"Hello, {name}! (answered by Python)"}

    def stream_progress() -> None:
        try:
            for percent in range(0, 101, 10):
                webview.emit("progress", {"percent": percent})  # any thread may emit
                time.sleep(0.1)
            # Read the page back from this worker (a bounded wait; the GIL is released).
            shown = webview.eval_js_sync("document.getElementById('bar').value")
        except WebViewClosedError:
            return  # the window was closed first
        print(f"progress streamed; the page shows {shown}", flush=True)
        state["shown"] = shown

    @webview.on("page_ready")
    def page_ready(data):
        state["page_error"] = data["error"]
        print(f"page ready; its second call was rejected with {data['error']!r}", flush=True)
        threading.Thread(target=stream_progress, name="progress").start()

    webview.load_html(PAGE)
    if args.auto:
        threading.Timer(args.seconds, webview.close).start()
    webview.show()  # blocks until the window is closed (standalone script)

    ok = (
        state["greeted"] >= 1
        and state.get("page_error") == "ValueError: greet needs a name"
        and state.get("shown") == 100
    )
    print("webview_hello: OK" if ok else f"webview_hello: FAILED {state}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
