"""The WebView's three faces (``WebView``, ``get_proxy()``, ``thread_safe()``) on a real page:
each drives the same page from a worker thread, with the same behaviour (``emit`` without
data arrives as ``null`` from every face), and a close through one is seen by all.
(Their signatures are compared in tests/test_faces.py.)
"""

from __future__ import annotations

import pytest
from wvsupport import join_all, start_threads

pytestmark = pytest.mark.timeout(60)

PAGE = """<!doctype html><html><body><script>
window.got = [];
auroraview.on("ping", function (d) { got.push(d); });
</script></body></html>"""


@pytest.mark.parametrize("wv_host", ["standalone", "qt"], indirect=True)
def test_every_face_drives_the_same_page_alike(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    faces = {"webview": webview, "proxy": webview.get_proxy(), "safe": webview.thread_safe()}
    for face in faces.values():
        assert face._core is webview._core  # one hop to the Rust WebView, whatever the face
    counts: list = []

    def worker(_: int) -> None:
        for name, face in faces.items():
            face.emit("ping")
            face.emit("ping", {"from": name})
            counts.append(face.eval_js_sync("got.length", timeout_ms=5000))

    workers = start_threads(worker, 1)
    assert wv_host.serve_until(lambda: len(counts) == 3, 20)
    join_all(workers)
    assert counts == [2, 4, 6]
    assert wv_host.run_js(webview, "got") == [
        None,
        {"from": "webview"},
        None,
        {"from": "proxy"},
        None,
        {"from": "safe"},
    ]
    assert not any(face.closed for face in faces.values())
    faces["safe"].close()
    assert wv_host.serve_until(lambda: webview.closed, 10)
    assert all(face.closed for face in faces.values())
