"""Browser data that survives restarts, and the tools to debug a page.

- ``WebView(data_directory=...)``: localStorage, IndexedDB and cookies are kept there, per
  tool (the default is a folder per application under the user's data directory;
  ``incognito=True`` keeps nothing). Run this twice: the visit counter goes on.
- ``debug=True`` + ``webview.open_devtools()``: WebKit's inspector.
- ``remote_debugging_port=9222``: http://127.0.0.1:9222/ lists the page for a browser's
  inspector (first WebView of a process only).
- ``forward_console=True``: the page's ``console.*`` goes to the ``auroraview.console``
  logger.

Run::

    bash scripts/with-display.sh python examples/profiles_and_debugging.py          # inspect it
    bash scripts/with-display.sh python examples/profiles_and_debugging.py --auto
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path

from auroraview import WebView

ROOT = Path(tempfile.gettempdir()) / "auroraview-example-site"
PAGE = """<!doctype html><title>Visits</title><body style="font: 15px sans-serif">
<h2 id="count"></h2><script>
  const visits = Number(localStorage.getItem("visits") || 0) + 1;
  localStorage.setItem("visits", String(visits));
  document.getElementById("count").textContent = "visit number " + visits;
  console.info("visit", visits, {stored: true});
</script></body>"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--auto", action="store_true", help="show it briefly and exit")
    parser.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "auroraview-visits"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="[%(name)s] %(message)s")

    ROOT.mkdir(exist_ok=True)
    (ROOT / "index.html").write_text(PAGE)
    webview = WebView(
        title="Profiles and debugging",
        asset_root=ROOT,  # auroraview://localhost/: the same origin at every run
        data_directory=args.data,
        debug=True,
        forward_console=True,
    )
    result: dict = {}

    def script() -> None:
        time.sleep(1.0)
        result["count"] = webview.eval_js_sync("localStorage.getItem('visits')")
        webview.open_devtools()
        if args.auto:
            time.sleep(1.0)
            webview.close()

    threading.Thread(target=script, daemon=True).start()
    webview.show()
    print(f"visits stored in {args.data}: {result.get('count')}")
    ok = result.get("count") is not None
    print("profiles_and_debugging: OK" if ok else "profiles_and_debugging: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
