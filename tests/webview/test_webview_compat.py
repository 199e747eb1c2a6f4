"""AuroraView 0.5 code against a real WebView (issue 15): ``WebView(dcc_mode="auto")``, on
inside a detected DCC and off in a script, and ``DCCThreadSafeWrapper`` imported from
``auroraview.utils.thread_dispatcher``, whose page errors are caught as upstream caught them
(``RuntimeError``). The DCC is the fake Maya of ``tests/fake_hosts`` (its commands raise off
the main thread); "a script" is the standalone loop, or Qt's in hosted mode.
"""

from __future__ import annotations

import threading

import pytest
from wvsupport import MAIN_IDENT, join_all, start_threads

pytestmark = pytest.mark.timeout(60)

PAGE = "<!doctype html><html><body><p>compat</p></body></html>"


@pytest.mark.parametrize("wv_host", ["standalone", "maya"], indirect=True)
def test_dcc_mode_auto(wv_host):
    inside_dcc = wv_host.maya is not None
    webview = wv_host.open(html=PAGE, dcc_mode="auto")
    assert webview.dcc_mode is inside_dcc
    seen: list = []

    @webview.on("scene")
    def scene(data):
        seen.append(threading.get_ident())
        if inside_dcc:
            return wv_host.maya.cmds.ls()  # Maya's commands raise off the main thread
        return "no scene"

    wv_host.wait_ready(webview)
    assert wv_host.run_js(webview, "auroraview.call('scene', {})") == (
        [] if inside_dcc else "no scene"
    )
    assert len(seen) == 1
    assert (seen[0] == MAIN_IDENT) is inside_dcc  # main thread in the DCC, handler thread outside


@pytest.mark.parametrize("wv_host", ["standalone"], indirect=True)
def test_thread_safe_wrapper_page_errors_are_runtime_errors(wv_host):
    from auroraview.errors import JavaScriptError
    from auroraview.utils.thread_dispatcher import DCCThreadSafeWrapper

    webview = wv_host.open_ready(html=PAGE)
    safe = DCCThreadSafeWrapper(webview)
    out: list = []

    def worker(_):
        try:
            safe.eval_js_sync("throw new TypeError('nope')", timeout_ms=5000)
        except RuntimeError as exc:  # what code written for AuroraView catches
            out.append(exc)
        out.append(safe.eval_js_sync("1 + 2", timeout_ms=5000))

    workers = start_threads(worker, 1)
    assert wv_host.serve_until(lambda: len(out) == 2, 15)
    join_all(workers)
    assert isinstance(out[0], JavaScriptError) and out[0].js_name == "TypeError"
    assert out[1] == 3
