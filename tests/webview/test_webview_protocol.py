"""``webview.register_protocol(scheme, handler)``: Python answers a scheme's requests
(method, URL, headers, body) with status, headers and a body (bytes, str, a file streamed),
off the UI thread, several at once; what a handler raises is a 500 with its message."""

from __future__ import annotations

import json
import threading
import time

import pytest
from auroraview import ProtocolResponse
from wvsupport import MAIN_IDENT, captured_logs, thread_comm

pytestmark = pytest.mark.timeout(60)

PAGE = "<!doctype html><html><body><p>studio</p></body></html>"

FETCH_JS = """(async function (url, init) {
  const r = await fetch(url, init);
  return {status: r.status, type: r.headers.get("content-type"),
          range: r.headers.get("content-range"), x: r.headers.get("x-studio"),
          text: await r.text()};
})"""


def fetch(wv_host, webview, url: str, init: dict | None = None, timeout: float = 10.0):
    script = f"({FETCH_JS})({json.dumps(url)}, {json.dumps(init or {})})"
    return wv_host.run_js(webview, script, timeout)


def studio_view(wv_host, handler):
    """A WebView whose page is ``studio://panel/index.html``, served by ``handler`` for
    every other path."""

    def serve(request):
        if request.path == "/index.html":
            return ProtocolResponse(PAGE, mime_type="text/html")
        return handler(request)

    webview = wv_host.open(url="studio://panel/index.html", protocols={"studio": serve})
    wv_host.wait_ready(webview)
    return webview


def test_a_handler_answers_with_status_headers_and_body(wv_host):
    seen = []

    def handler(request):
        seen.append((request.method, request.path, request.header("X-Ask"), request.body))
        seen.append((threading.get_ident(), thread_comm()))
        return ProtocolResponse(
            json.dumps({"got": request.body.decode()}),
            status=201,
            headers={"X-Studio": "yes", "Content-Type": "application/json"},
        )

    webview = studio_view(wv_host, handler)
    got = fetch(
        wv_host,
        webview,
        "studio://panel/api/items?x=1",
        {"method": "POST", "headers": {"X-Ask": "please"}, "body": "payload"},
    )
    assert got["status"] == 201
    assert got["type"] == "application/json" and got["x"] == "yes"
    assert json.loads(got["text"]) == {"got": "payload"}
    assert seen[0] == ("POST", "/api/items", "please", b"payload")
    ident, comm = seen[1]
    assert ident != MAIN_IDENT and comm.startswith("auroraview-prot"), seen[1]
    # The scheme's page has the bridge.
    webview.on("h")(lambda data: f"bridge {data}")
    assert wv_host.run_js(webview, "auroraview.call('h', 1)") == "bridge 1"


def test_the_short_forms_of_a_response(wv_host, tmp_path):
    media = tmp_path / "clip.mp4"
    media.write_bytes(bytes(range(200)))
    answers = {
        "/bytes.bin": b"\x00\x01raw",
        "/text.txt": "some text",
        "/clip.mp4": media,
        "/tuple.json": (202, {"Content-Type": "application/json"}, b"[1]"),
        "/style.css": ProtocolResponse(b"p{}"),
        "/none": ProtocolResponse(None, status=204),
    }
    webview = studio_view(wv_host, lambda request: answers[request.path])
    got = {path: fetch(wv_host, webview, "studio://panel" + path) for path in answers}
    assert got["/bytes.bin"]["status"] == 200
    assert got["/bytes.bin"]["type"] == "application/octet-stream"
    assert got["/text.txt"]["text"] == "some text"
    assert got["/text.txt"]["type"].startswith("text/plain")
    assert got["/clip.mp4"]["type"] == "video/mp4"
    assert got["/tuple.json"]["status"] == 202 and got["/tuple.json"]["text"] == "[1]"
    assert got["/style.css"]["type"].startswith("text/css")
    assert got["/none"]["status"] == 204
    # A file body honours Range.
    ranged = {"headers": {"Range": "bytes=10-19"}}
    part = fetch(wv_host, webview, "studio://panel/clip.mp4", ranged)
    assert (part["status"], part["range"]) == (206, "bytes 10-19/200")


@pytest.mark.parametrize("raised", [ValueError("no such asset"), KeyboardInterrupt("stop")])
def test_what_a_handler_raises_is_a_500_with_its_message(wv_host, raised):
    def handler(request):
        if request.path == "/raise":
            raise raised
        return "fine"

    webview = studio_view(wv_host, handler)
    with captured_logs() as logs:
        got = fetch(wv_host, webview, "studio://panel/raise")
    assert got["status"] == 500
    assert got["text"] == f"{type(raised).__name__}: {raised}"
    assert any("protocol handler" in m for m in logs.messages())
    # The next request is served as usual.
    assert fetch(wv_host, webview, "studio://panel/next")["text"] == "fine"


def test_many_requests_at_once(wv_host):
    lock = threading.Lock()
    running = [0]
    most = [0]

    def handler(request):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return request.path

    webview = studio_view(wv_host, handler)
    got = wv_host.run_js(
        webview,
        "Promise.all(Array.from({length: 40}, (_, i) =>"
        " fetch('studio://panel/n/' + i).then(r => r.text())))",
        timeout=30,
    )
    assert got == [f"/n/{i}" for i in range(40)]
    assert most[0] >= 2, "requests were handled one at a time"


def test_register_protocol_as_a_decorator_and_its_checks(wv_host):
    webview = wv_host.open_ready(html=PAGE)

    @webview.register_protocol("thumbs")
    def thumbs(request):
        svg = b"<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>"
        return ProtocolResponse(svg, mime_type="image/svg+xml")

    assert callable(thumbs)
    for bad in ("auroraview", "https", "file", "Bad", "studio://"):
        with pytest.raises(ValueError):
            webview.register_protocol(bad, lambda request: b"")
    with pytest.raises(TypeError):
        webview.register_protocol("studio", "not callable")
    # An inline page may load the registered scheme's resources (an <img>).
    got = wv_host.run_js(
        webview,
        "new Promise(r => { const i = new Image(); i.onload = () => r('loaded');"
        " i.onerror = () => r('error'); i.src = 'thumbs://x/a.svg'; })",
    )
    assert got == "loaded"
