"""Window events: know when the page loaded, follow its title, keep links inside the tool,
and stop the window from closing while there are unsaved changes (asked in Python and in
the page).

- ``@webview.on_loaded`` / ``on_title_changed``: ``{"url"}`` / ``{"title"}``.
- ``@webview.on_navigation``: return ``False`` to keep the page where it is.
- ``@webview.on_close_requested``: return ``False`` to keep the window open; the page's
  ``auroraview.on("close_requested", e => e.preventDefault())`` can refuse too. Both are
  asked when the window's close button is pressed or ``request_close()`` is called;
  ``close()`` never asks.

Run::

    bash scripts/with-display.sh python examples/window_events.py           # try closing it
    bash scripts/with-display.sh python examples/window_events.py --auto    # scripted
"""

from __future__ import annotations

import argparse
import sys
import threading
import time

from auroraview import WebView

PAGE = """<!doctype html><title>Shot notes</title>
<body style="font: 15px sans-serif; margin: 24px">
<h2>Shot notes</h2><textarea id="notes" rows="6" cols="50"></textarea>
<p><a href="https://example.invalid/elsewhere">a link that must not leave the tool</a></p>
<script>
  let dirty = false;
  notes.oninput = () => { dirty = true; document.title = "Shot notes *"; };
  auroraview.on("saved", () => { dirty = false; document.title = "Shot notes"; });
  // The page's own veto: unsaved text keeps the window open.
  auroraview.on("close_requested", (event) => { if (dirty) event.preventDefault(); });
</script></body>"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--auto", action="store_true", help="run a scripted session and exit")
    args = parser.parse_args()

    webview = WebView(title="Window events", html=PAGE, width=520, height=360)
    log: list[str] = []
    unsaved_in_python = {"value": False}

    @webview.on_loaded
    def loaded(event):
        log.append(f"loaded {event['url']}")

    @webview.on_title_changed
    def title(event):
        log.append(f"title {event['title']!r}")

    @webview.on_navigation
    def stay(event):
        return event["url"].startswith("about:")  # nothing outside the tool

    @webview.on_close_requested
    def ask(event):
        if unsaved_in_python["value"]:
            log.append("close refused by Python: unsaved changes")
            return False
        return None

    if args.auto:

        def script() -> None:
            time.sleep(1.0)
            webview.eval_js("notes.value = 'v2: fix the flicker'; notes.oninput()")
            time.sleep(0.3)
            webview.request_close()  # the page refuses: its text is not saved
            time.sleep(0.8)
            log.append(f"after the page's refusal, closed: {webview.closed}")
            unsaved_in_python["value"] = True
            webview.emit("saved")
            time.sleep(0.3)
            webview.request_close()  # now Python refuses
            time.sleep(0.8)
            unsaved_in_python["value"] = False
            webview.request_close()  # nobody refuses: it closes

        threading.Thread(target=script, daemon=True).start()
    webview.show()  # serves this script's main thread until the window closes
    for line in log:
        print(line)
    ok = webview.closed and "close refused by Python: unsaved changes" in log
    print("window_events: OK" if ok else "window_events: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
