"""Files from the OS and native dialogs: a drop target that receives the real paths of files
dragged from the file manager, and "Save as..." through the native save dialog, from Python
and from the page.

- ``WebView(capture_file_drop=True)``: drops go to ``@webview.on_file_drop`` and to the
  page's ``auroraview.on("file_drop", e => ...)`` as ``{"paths", "x", "y"}``.
- ``webview.dialog.save_file(...)`` (any thread but a Qt host's main thread; bounded) or
  ``save_file_async(...)`` (a Future); ``auroraview.dialog.save({...})`` from the page.

Run::

    bash scripts/with-display.sh python examples/files_and_dialogs.py           # drag files in
    bash scripts/with-display.sh python examples/files_and_dialogs.py --auto    # scripted
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

from auroraview import WebView
from auroraview.errors import DialogTimeoutError

PAGE = """<!doctype html><body style="font: 15px sans-serif; margin: 24px">
<div id="target" style="border: 2px dashed #888; padding: 40px; text-align: center">
  Drop plates here</div>
<ul id="files"></ul>
<button id="save">Save list as...</button> <span id="status"></span>
<script>
  const files = [];
  auroraview.on("file_drop", (e) => {
    for (const p of e.paths) { files.push(p); const li = document.createElement("li");
      li.textContent = p; document.getElementById("files").append(li); }
  });
  document.getElementById("save").onclick = async () => {
    const path = await auroraview.dialog.save({title: "Save list as",
      defaultPath: "plates.txt", filters: [{name: "Text", extensions: ["txt"]}]});
    if (path) await auroraview.call("write_list", {path, files});
    document.getElementById("status").textContent = path ? "saved " + path : "cancelled";
  };
</script></body>"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--auto", action="store_true", help="run a scripted session and exit")
    args = parser.parse_args()

    webview = WebView(title="Files and dialogs", html=PAGE, capture_file_drop=True)
    dropped: list[str] = []

    @webview.on_file_drop
    def on_drop(event):
        dropped.extend(event["paths"])
        print(f"dropped at ({event['x']}, {event['y']}): {event['paths']}")

    @webview.on("write_list")
    def write_list(data):
        Path(data["path"]).write_text("\n".join(data["files"]) + "\n")
        return True

    outcome: dict = {}
    if args.auto:

        def script() -> None:
            time.sleep(1.0)
            # Nobody is there to answer in --auto: the dialog is dismissed after its timeout.
            try:
                outcome["path"] = webview.dialog.save_file(
                    title="Save list as", default_path="plates.txt", timeout=1.0
                )
            except DialogTimeoutError as exc:
                outcome["timeout"] = str(exc)
            webview.close()

        threading.Thread(target=script, daemon=True).start()
    webview.show()
    if args.auto:
        print(f"save dialog without an answer: {outcome.get('timeout', outcome)}")
        ok = "timeout" in outcome
        print("files_and_dialogs: OK" if ok else "files_and_dialogs: FAILED")
        return 0 if ok else 1
    print(f"files dropped: {dropped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
