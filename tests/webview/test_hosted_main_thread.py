"""Blocking calls on the host's main thread in hosted mode, where that thread is also the
WebView's UI thread: each one either completes inline or fails at once with
``WrongThreadError`` naming the non-blocking alternative. None freezes the host for its
timeout. (Own mode: the same calls are ordinary bounded waits; see the other tests.)

The list (docs/webview.md, "Modes"): ``eval_js_sync`` (and the proxy's and the thread-safe
wrapper's), ``wait_closed`` with a timeout; ``run_on_main_thread_sync`` and
``call_on_dcc_main_thread`` run inline; ``show(block=True)`` runs the host's loop."""

from __future__ import annotations

import time

import pytest
from auroraview.errors import WrongThreadError
from auroraview.utils import run_on_main_thread_sync

pytestmark = pytest.mark.timeout(60)

PAGE = "<!doctype html><html><body><p>main</p></body></html>"


@pytest.fixture
def hosted(wv_host):
    if wv_host.mode != "hosted":
        pytest.skip("hosted mode only: there the main thread is the UI thread")
    return wv_host


@pytest.mark.parametrize(
    "call",
    [
        "webview.eval_js_sync",
        "proxy.eval_js_sync",
        "thread_safe.eval_js_sync",
        "webview.wait_closed",
    ],
)
def test_blocking_waits_for_the_page_fail_at_once(hosted, call):
    webview = hosted.open_ready(html=PAGE)
    target = {
        "webview.eval_js_sync": lambda: webview.eval_js_sync("1", timeout_ms=5000),
        "proxy.eval_js_sync": lambda: webview.get_proxy().eval_js_sync("1", timeout_ms=5000),
        "thread_safe.eval_js_sync": lambda: webview.thread_safe().eval_js_sync("1", 5000),
        "webview.wait_closed": lambda: webview.wait_closed(5),
    }[call]
    t0 = time.monotonic()
    with pytest.raises(WrongThreadError) as info:
        target()
    assert time.monotonic() - t0 < 1.0
    message = str(info.value)
    assert "eval_js_async" in message or "on_closed" in message, message
    # The host and the page go on.
    assert hosted.run_js(webview, "2 + 2") == 4


def test_main_thread_dispatch_and_dcc_calls_run_inline(hosted):
    webview = hosted.open_ready(html=PAGE)
    assert run_on_main_thread_sync(lambda: "inline", timeout=1) == "inline"
    assert webview.get_proxy().call_on_dcc_main_thread(lambda: 5, timeout=1) == 5
