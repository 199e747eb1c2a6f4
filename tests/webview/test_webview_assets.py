"""``WebView(asset_root=...)``: a built front end served at ``auroraview://localhost/`` by the
engine, without Python: module graphs (dynamic import, module worker, fetch), MIME types,
byte ranges, 404s, directories, big files, and the bridge on that origin."""

from __future__ import annotations

import os

import pytest
from assetsupport import MEDIA_SIZE, TYPED, make_dist, media_bytes

pytestmark = pytest.mark.timeout(60)

FETCH_JS = """(async function (url, init) {
  const r = await fetch(url, init);
  const body = new Uint8Array(await r.arrayBuffer());
  return {status: r.status, type: r.headers.get("content-type"),
          range: r.headers.get("content-range"), length: body.length,
          head: Array.from(body.slice(0, 4)), text: new TextDecoder().decode(body.slice(0, 120))};
})"""


@pytest.fixture
def dist(tmp_path):
    return make_dist(tmp_path)


def fetch(wv_host, webview, url: str, headers: dict | None = None) -> dict:
    init = {"headers": headers} if headers else {}
    import json

    return wv_host.run_js(webview, f"({FETCH_JS})({json.dumps(url)}, {json.dumps(init)})")


def test_a_built_module_app_loads_and_talks_to_python(wv_host, dist):
    webview = wv_host.open(asset_root=dist)
    webview.on("double")(lambda n: n * 2)
    wv_host.wait_ready(webview)
    assert wv_host.run_js(webview, "location.href") == "auroraview://localhost/index.html"
    wv_host.wait_js(webview, "window.mainDone === true", True)
    assert wv_host.run_js(webview, "loaded") == ["main", "lazy", {"answer": 42}]
    assert wv_host.run_js(webview, "fromWorker") == "lazy:42"
    assert wv_host.run_js(webview, "auroraview.call('double', 21)") == 42
    assert wv_host.run_js(webview, "isSecureContext") is True


def test_mime_types(wv_host, dist):
    webview = wv_host.open_ready(asset_root=dist)
    for name, mime in TYPED.items():
        got = fetch(wv_host, webview, f"/typed/{name}")
        assert got["status"] == 200, (name, got)
        assert got["type"].split(";")[0] == mime, (name, got)


def test_byte_ranges_for_media(wv_host, dist):
    webview = wv_host.open_ready(asset_root=dist)
    data = media_bytes()
    whole = fetch(wv_host, webview, "/media.mp4")
    assert (whole["status"], whole["length"], whole["range"]) == (200, MEDIA_SIZE, None)
    for header, start, end in [
        ("bytes=1000-1999", 1000, 1999),
        ("bytes=99990-", 99990, MEDIA_SIZE - 1),
        ("bytes=-10", MEDIA_SIZE - 10, MEDIA_SIZE - 1),
        ("bytes=5-999999", 5, MEDIA_SIZE - 1),
    ]:
        got = fetch(wv_host, webview, "/media.mp4", {"Range": header})
        assert got["status"] == 206, (header, got)
        assert got["range"] == f"bytes {start}-{end}/{MEDIA_SIZE}"
        assert got["length"] == end - start + 1
        assert got["head"] == list(data[start : start + 4])
        assert got["type"] == "video/mp4"
    got = fetch(wv_host, webview, "/media.mp4", {"Range": f"bytes={MEDIA_SIZE}-"})
    assert got["status"] == 416


def test_missing_files_and_directories(wv_host, dist):
    webview = wv_host.open_ready(asset_root=dist)
    assert fetch(wv_host, webview, "/nope.js")["status"] == 404
    assert fetch(wv_host, webview, "/assets/nope/deeper.mjs")["status"] == 404
    assert fetch(wv_host, webview, "/assets/")["status"] == 404  # a folder without index
    sub = fetch(wv_host, webview, "/sub/")
    assert (sub["status"], sub["text"]) == (200, "<!doctype html><p>sub index</p>")
    assert fetch(wv_host, webview, "/page%20two.html")["status"] == 200
    # A module that fails to load rejects its import (it does not hang).
    got = wv_host.run_js(
        webview, "import('./missing.mjs').then(() => 'loaded', e => e.constructor.name)"
    )
    assert got == "TypeError"


def test_pages_of_the_root_by_url_and_navigation(wv_host, dist):
    webview = wv_host.open_ready(asset_root=dist, url="auroraview://localhost/sub/index.html")
    webview.on("where")(lambda data: data)
    got = wv_host.run_js(webview, "auroraview.call('where', location.pathname)")
    assert got == "/sub/index.html"
    webview.load_url("auroraview://localhost/index.html")
    wv_host.wait_js(webview, "auroraview.whenReady().then(() => location.pathname)", "/index.html")
    assert wv_host.run_js(webview, "auroraview.call('where', 'again')") == "again"


def test_the_url_form_is_checked(tmp_path, dist):
    from auroraview import WebView

    with pytest.raises(ValueError, match=r"url='auroraview://localhost/index.html'"):
        WebView(asset_root=dist, url="index.html")
    with pytest.raises(ValueError, match=r"auroraview://localhost/sub/page.html"):
        WebView(asset_root=dist, url="./sub/page.html")
    with pytest.raises(ValueError, match="html="):
        WebView(asset_root=dist, html="<p>x</p>")
    with pytest.raises(ValueError, match="asset_root"):
        WebView(asset_root=tmp_path / "nowhere")
    with pytest.raises(ValueError, match="not a directory"):
        WebView(asset_root=dist / "index.html")
    with pytest.raises(TypeError, match="asset_root"):
        WebView(asset_root=42)


def test_a_webview_without_asset_root_serves_nothing_there(wv_host, dist):
    served = wv_host.open_ready(asset_root=dist)
    other = wv_host.open_ready(html="<p>inline</p>")
    got = wv_host.run_js(
        other,
        "fetch('auroraview://localhost/data.json').then(r => r.status, e => e.name)",
    )
    assert got in (404, "TypeError")  # refused, or the cross-origin fetch is blocked
    assert fetch(wv_host, served, "/data.json")["status"] == 200


def test_a_big_file_streams_while_the_page_stays_responsive(wv_host, dist):
    size = 200 * 1024 * 1024
    with open(dist / "big.bin", "wb") as f:
        f.truncate(size)  # sparse: reads as zeros
    webview = wv_host.open_ready(asset_root=dist)
    wv_host.run_js(
        webview,
        "window.big = fetch('/big.bin').then(r => r.arrayBuffer()).then(b => b.byteLength); 1",
    )
    # The UI thread keeps serving evaluations while the engine reads the file.
    for i in range(5):
        assert wv_host.run_js(webview, f"{i} + 1") == i + 1
    assert wv_host.run_js(webview, "big", timeout=30) == size
    os.remove(dist / "big.bin")
