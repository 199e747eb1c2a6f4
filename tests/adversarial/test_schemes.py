"""Custom schemes under attack: a page that tries to read files outside its asset root (``..``,
``%2e%2e``, encoded separators, absolute paths, symlinks out of the root), protocol
handlers that raise anything or return garbage, huge bodies both ways, a handler that never
answers while its WebView closes. The user sees 403/404/413/500 with a reason, never a
file from outside the root, and nothing left behind."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from assetsupport import make_dist
from auroraview import ProtocolResponse

pytestmark = pytest.mark.timeout(60)

FETCH_JS = """(async function (url, init) {
  try {
    const r = await fetch(url, init);
    const text = await r.text();
    return {status: r.status, length: text.length, text: text.slice(0, 200)};
  } catch (e) { return {status: 0, error: e.name}; }
})"""


def fetch(wv_host, webview, url: str, init: dict | None = None, timeout: float = 15.0):
    script = f"({FETCH_JS})({json.dumps(url)}, {json.dumps(init or {})})"
    return wv_host.run_js(webview, script, timeout)


@pytest.fixture
def dist(tmp_path):
    dist = make_dist(tmp_path)
    os.symlink(tmp_path / "secret.txt", dist / "link-out.txt")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.txt").write_text("TOP SECRET dir")
    os.symlink(tmp_path / "outside", dist / "dir-out")
    os.symlink(dist / "data.json", dist / "link-in.json")
    return dist


@pytest.mark.parametrize(
    ("how", "path", "statuses"),
    [
        ("dot-dot", "/../secret.txt", (404,)),  # the URL parser resolves it inside the root
        ("deep dot-dot", "/assets/../../../secret.txt", (404,)),
        ("encoded dot-dot", "/%2e%2e/secret.txt", (403, 404)),
        ("mixed dot-dot", "/.%2E/%2e./secret.txt", (403, 404)),
        ("encoded slash", "/..%2fsecret.txt", (403,)),
        ("encoded slashes", "/assets%2f..%2f..%2fsecret.txt", (403,)),
        ("encoded backslash", "/..%5csecret.txt", (403,)),
        ("absolute path", "//etc/passwd", (403,)),
        ("absolute, encoded", "/%2fetc%2fpasswd", (403,)),
        ("symlink to a file outside", "/link-out.txt", (403,)),
        ("symlink to a folder outside", "/dir-out/x.txt", (403,)),
        ("drive letter", "/C:/Windows/win.ini", (403,)),
        ("NUL byte", "/data.json%00.txt", (403,)),
    ],
)
def test_requests_that_leave_the_root_are_refused(wv_host, dist, how, path, statuses):
    webview = wv_host.open_ready(asset_root=dist)
    got = fetch(wv_host, webview, "auroraview://localhost" + path)
    assert got["status"] in statuses, (how, got)
    assert "SECRET" not in got.get("text", "") and "root:" not in got.get("text", "")
    # A symlink that stays inside the root is followed.
    assert fetch(wv_host, webview, "/link-in.json")["text"] == '{"answer": 42}'


def test_an_absolute_filesystem_path_as_url_is_refused(wv_host, dist):
    webview = wv_host.open_ready(asset_root=dist)
    secret = dist.parent / "secret.txt"
    got = fetch(wv_host, webview, f"auroraview://localhost/{secret}")
    assert got["status"] == 403 and "SECRET" not in got["text"]


class Odd(BaseException):
    pass


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no str")


@pytest.mark.parametrize(
    ("name", "answer", "status", "text"),
    [
        ("SystemExit", SystemExit(3), 500, "SystemExit: 3"),
        ("GeneratorExit", GeneratorExit("gen"), 500, "GeneratorExit: gen"),
        ("BaseException subclass", Odd("odd"), 500, "Odd: odd"),
        ("unprintable", Unprintable(), 500, "Unprintable: <Unprintable whose message"),
        ("object", object(), 500, "TypeError: a protocol handler must return"),
        ("dict", {"a": 1}, 500, "TypeError: a protocol handler must return"),
        ("bad status", (999, {}, b"x"), 500, "ValueError: status must be"),
        ("bool status", (True, {}, b"x"), 500, "ValueError: status must be"),
        ("bad body", ProtocolResponse(body=42), 500, "TypeError: a response body"),
        ("missing file", Path("/nonexistent/file.bin"), 404, "404 Not Found"),
        ("None", None, 500, "TypeError: a protocol handler must return"),
    ],
)
def test_handlers_that_raise_or_return_garbage(wv_host, name, answer, status, text):
    def handler(request):
        if request.path == "/":
            return ProtocolResponse("<!doctype html><p>x</p>", mime_type="text/html")
        if isinstance(answer, BaseException):
            raise answer
        return answer

    webview = wv_host.open_ready(url="evil://host/", protocols={"evil": handler})
    got = fetch(wv_host, webview, "evil://host/thing")
    assert got["status"] == status, (name, got)
    assert got["text"].startswith(text), (name, got)
    # The WebView and its handler go on.
    assert fetch(wv_host, webview, "evil://host/thing")["status"] == status


def test_huge_bodies_both_ways(wv_host):
    big = b"z" * (24 * 1024 * 1024)
    seen = []

    def handler(request):
        if request.path == "/":
            return ProtocolResponse("<!doctype html><p>x</p>", mime_type="text/html")
        seen.append(len(request.body))
        return big

    webview = wv_host.open_ready(url="big://host/", protocols={"big": handler})
    got = fetch(wv_host, webview, "big://host/download", timeout=30)
    assert (got["status"], got["length"]) == (200, len(big))
    # A request body over the message limit is refused before Python sees it.
    got = wv_host.run_js(
        webview,
        "fetch('big://host/upload', {method: 'POST', body: 'u'.repeat(17 * 1024 * 1024)})"
        ".then(r => r.status, e => e.name)",
        timeout=30,
    )
    assert got == 413
    small = fetch(wv_host, webview, "big://host/upload", {"method": "POST", "body": "ok"})
    assert small["status"] == 200
    assert seen == [0, 2]


def test_a_handler_that_never_answers_while_its_webview_closes(wv_host):
    release = threading.Event()
    entered = threading.Event()

    def handler(request):
        if request.path == "/":
            return ProtocolResponse("<!doctype html><p>x</p>", mime_type="text/html")
        entered.set()
        release.wait(20)
        return b"too late"

    webview = wv_host.open_ready(url="slow://host/", protocols={"slow": handler})
    wv_host.run_js(webview, "window.pending = fetch('slow://host/x').then(r => r.status); 1")
    assert wv_host.serve_until(entered.is_set, 10)
    webview.close()
    assert wv_host.serve_until(lambda: webview.wait_closed(0), 10)
    release.set()  # the late answer finds its WebView gone and is dropped
