"""Files dropped from another application, with a real XDND drag: a GTK drag source in a
process of its own (Debian's python3-gi) offering ``text/uri-list``, dragged by XTEST input
(xdotool: press, small moves, release) onto the WebView's window. With
``capture_file_drop=True`` the absolute paths and the drop position reach Python's
``on_file_drop`` callbacks and the page's ``file_drop`` event; without it the page gets the
engine's HTML5 drop (whose paths WebKit hides from pages)."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
from wvsupport import Where
from xinput import find_window, window_geometry, xdotool

SOURCE = Path(__file__).resolve().parent / "scripts" / "drag_source.py"
SYSTEM_PYTHON = "/usr/bin/python3"

PAGE = """<body style='margin:0;width:100vw;height:100vh'>
<script>
window.dropped = []; window.html5 = [];
auroraview.on('file_drop', e => window.dropped.push(e));
document.addEventListener('dragover', e => e.preventDefault());
document.addEventListener('drop', e => {
  e.preventDefault();
  window.html5.push({types: Array.from(e.dataTransfer.types), x: e.clientX, y: e.clientY});
});
</script></body>"""


@pytest.fixture
def drag(tmp_path):
    """``drag(files, to=(x, y))``: a real drag of ``files`` from a source window at (0, 0)
    to the screen position ``to``."""
    if not os.path.exists(SYSTEM_PYTHON):
        pytest.fail("Debian's python3 with python3-gi is needed (scripts/setup.sh)")
    sources = []
    movers = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}

    def run(files, to):
        uris = [Path(f).resolve().as_uri() for f in files]
        source = subprocess.Popen(
            [SYSTEM_PYTHON, str(SOURCE), "0", "0", *uris],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        sources.append(source)
        assert source.stdout.readline().strip() == "ready"
        assert find_window("auroraview-drag-source") is not None

        # From another thread: the drop target's loop must keep running meanwhile (in
        # hosted mode it is this thread's).
        def move():
            xdotool("mousemove", "100", "100")
            time.sleep(0.1)
            xdotool("mousedown", "1")
            (x0, y0), (x1, y1) = (100, 100), to
            for i in range(1, 21):
                x, y = x0 + (x1 - x0) * i // 20, y0 + (y1 - y0) * i // 20
                xdotool("mousemove", str(x), str(y))
                time.sleep(0.03)
            time.sleep(0.2)
            xdotool("mouseup", "1")

        mover = threading.Thread(target=move, name="drag-input", daemon=True)
        mover.start()
        movers.append(mover)
        return source

    yield run
    for mover in movers:
        mover.join(10)
    for source in sources:
        source.kill()
        source.wait(5)


def _files(tmp_path):
    folder = tmp_path / "shot 01"  # a space, to be percent-decoded
    folder.mkdir()
    files = [folder / "plate.exr", folder / "notes é.txt"]
    for f in files:
        f.write_text("x")
    return [str(f) for f in files]


def test_dropped_files_reach_python_and_the_page_with_their_paths(wv_host, drag, tmp_path):
    title = "drop-target"
    webview = wv_host.open(
        title=title, html=PAGE, capture_file_drop=True, position=(300, 0), width=400, height=300
    )
    webview.show(block=False)
    wv_host.wait_ready(webview)
    where = Where()
    drops = []
    webview.on_file_drop(lambda e: where("drop") or drops.append(e))
    xid = find_window(title)
    x, y, _w, _h = window_geometry(xid)
    files = _files(tmp_path)
    drag(files, to=(x + 150, y + 120))
    assert wv_host.serve_until(lambda: drops, 15), "no file drop reached Python"
    event = drops[0]
    assert event["paths"] == files
    assert abs(event["x"] - 150) <= 15 and abs(event["y"] - 120) <= 15, event
    where.handler_thread()
    wv_host.wait_js(webview, "window.dropped.length", 1)
    assert wv_host.run_js(webview, "window.dropped[0]") == event
    # Captured: the page got no HTML5 drop.
    assert wv_host.run_js(webview, "window.html5") == []


def test_without_capture_the_page_gets_the_html5_drop(wv_host, drag, tmp_path):
    title = "drop-html5"
    webview = wv_host.open(title=title, html=PAGE, position=(300, 0), width=400, height=300)
    webview.show(block=False)
    wv_host.wait_ready(webview)
    drops = []
    webview.on_file_drop(drops.append)
    xid = find_window(title)
    x, y, _w, _h = window_geometry(xid)
    drag(_files(tmp_path), to=(x + 200, y + 100))
    wv_host.wait_js(webview, "window.html5.length", 1, 15)
    html5 = wv_host.run_js(webview, "window.html5[0]")
    assert abs(html5["x"] - 200) <= 15 and abs(html5["y"] - 100) <= 15, html5
    assert wv_host.run_js(webview, "window.dropped") == []
    assert drops == []
