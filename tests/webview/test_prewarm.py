"""``auroraview.prewarm()``: each spare WebView it keeps is handed to the next WebView it can
serve, which then works as any other (its own bridge and token, handlers, page events, window
title, its asset root's scheme); WebViews it cannot serve are built as before and leave the
spare alone; a new spare follows the used one; ``prewarm(spares=0)`` ends it. Runs in both
WebView modes (hosted: prewarm on the Qt host's main thread). No timing is asserted (the
start-up benchmark, ``benches/bench_startup.py``, measures it).
"""

from __future__ import annotations

import sys
import threading

import auroraview
import pytest
from auroraview import _core

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="spare WebViews exist on Linux only"
)

PAGE = """<!doctype html><title>from the page</title><body><script>
window.answer = null;
// Retried until a handler is registered (the test registers it after the constructor).
auroraview.whenReady().then(function go() {
  auroraview.call('add', {a: 2, b: 3}).then(v => { window.answer = v; }, () => setTimeout(go, 5));
});
</script></body>"""


def stats() -> dict:
    return _core.runtime_stats()


@pytest.fixture
def prewarmed(wv_host):
    """A runtime with a spare ready; the spare is ended after the test."""
    auroraview.prewarm(mode=wv_host.mode)
    assert wv_host.serve_until(lambda: stats()["spares_ready"], 30), "no spare WebView"
    yield wv_host
    auroraview.prewarm(mode=wv_host.mode, spares=0)
    assert wv_host.serve_until(lambda: not stats()["spares_ready"], 10)


def test_the_next_webview_gets_the_spare_and_works(prewarmed):
    host = prewarmed
    used = stats()["spares_used"]
    threads: list[str] = []
    events: list[tuple[str, str]] = []

    def add(data):
        threads.append(threading.current_thread().name)
        return data["a"] + data["b"]

    webview = host.open(title="Spare panel", html=PAGE)
    webview.on("add")(add)
    webview.on_loaded(lambda event: events.append(("loaded", event["url"])))
    webview.on_title_changed(lambda event: events.append(("title", event["title"])))
    webview.show(block=False)
    host.wait_js(webview, "window.answer", 5, timeout=15)
    assert stats()["spares_used"] == used + 1
    assert len(threads) == 1
    assert host.run_js(webview, "document.title") == "from the page"
    assert host.serve_until(lambda: ("title", "from the page") in events, 5), events
    assert host.serve_until(lambda: any(kind == "loaded" for kind, _ in events), 5), events
    # Its own bridge: Python -> page and page -> Python both work, and its messages carry a
    # token the page cannot read.
    assert host.run_js(webview, "21 * 2") == 42
    assert (
        host.run_js(webview, "JSON.stringify(Object.keys(window.auroraview))").count("token") == 0
    )


def test_a_new_spare_follows_the_used_one(prewarmed):
    host = prewarmed
    used = stats()["spares_used"]
    first = host.open_ready(html=PAGE)
    assert stats()["spares_used"] == used + 1
    assert host.serve_until(lambda: stats()["spares_ready"], 30), "no new spare"
    second = host.open_ready(html=PAGE)
    assert stats()["spares_used"] == used + 2
    for webview in (first, second):
        host.wait_js(webview, "window.answer === null", True)


@pytest.mark.parametrize(
    "options",
    [{"debug": True}, {"capture_file_drop": True}, {"incognito": True}, {"transparent": True}],
    ids=["debug", "capture_file_drop", "incognito", "transparent"],
)
def test_a_webview_the_spare_cannot_serve_is_built_as_before(prewarmed, options):
    host = prewarmed
    used = stats()["spares_used"]
    webview = host.open_ready(html="<!doctype html><p>plain</p>", **options)
    assert host.run_js(webview, "document.querySelector('p').textContent") == "plain"
    assert stats()["spares_used"] == used
    assert stats()["spares_ready"]


def test_an_asset_root_page_loads_in_the_spare(prewarmed, tmp_path):
    host = prewarmed
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    used = stats()["spares_used"]
    webview = host.open(asset_root=tmp_path)
    webview.on("add")(lambda data: data["a"] * data["b"])
    host.wait_js(webview, "window.answer", 6, timeout=15)
    assert stats()["spares_used"] == used + 1
    assert host.run_js(webview, "location.href") == "auroraview://localhost/index.html"


def test_two_spares_serve_two_panels_back_to_back(prewarmed):
    host = prewarmed
    auroraview.prewarm(mode=host.mode, spares=2)
    assert host.serve_until(lambda: stats()["spares_ready"] == 2, 30), stats()
    used = stats()["spares_used"]
    first = host.open(html=PAGE)
    second = host.open(html=PAGE)
    assert stats()["spares_used"] == used + 2
    for webview in (first, second):
        webview.on("add")(lambda data: data["a"] + data["b"])
        host.wait_js(webview, "window.answer", 5, timeout=15)


@pytest.mark.parametrize("bad", [-1, 5, 1.5, "1", True])
def test_prewarm_refuses_a_bad_count(bad):
    with pytest.raises((TypeError, ValueError)):
        auroraview.prewarm(spares=bad)


def test_prewarm_without_a_spare_ends_it(prewarmed):
    host = prewarmed
    auroraview.prewarm(mode=host.mode, spares=0)
    assert host.serve_until(lambda: not stats()["spares_ready"], 10)
    used = stats()["spares_used"]
    webview = host.open_ready(html="<!doctype html><p>cold</p>")
    assert host.run_js(webview, "document.querySelector('p').textContent") == "cold"
    assert stats()["spares_used"] == used
    host.serve_for(0.3)
    assert not stats()["spares_ready"]


def test_prewarm_in_hosted_mode_off_the_main_thread_is_refused(wv_host):
    if wv_host.mode != "hosted":
        pytest.skip("hosted mode only")
    from auroraview.errors import WrongThreadError

    errors: list[BaseException] = []

    def worker() -> None:
        try:
            auroraview.prewarm(mode="hosted")
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert len(errors) == 1 and isinstance(errors[0], WrongThreadError)


def test_a_webview_from_a_spare_ignores_posts_without_its_token(prewarmed):
    host = prewarmed
    used = stats()["spares_used"]
    calls: list[object] = []
    webview = host.open(html="<!doctype html><p>x</p>")
    webview.on("h")(lambda data: calls.append(data) or data)
    host.wait_ready(webview)
    assert stats()["spares_used"] == used + 1
    raw = "window.webkit.messageHandlers.auroraview.postMessage"
    for forged in (
        f"{raw}(JSON.stringify({{u: 'about:blank', m: [{{t: 'call', id: 1, name: 'h'}}]}}))",
        f"{raw}(JSON.stringify({{k: '0000000000000000', u: 'about:blank', "
        "m: [{t: 'call', id: 2, name: 'h', data: 'guessed'}]}))",
    ):
        assert host.run_js(webview, f"{forged}; 'sent'") == "sent"
    assert host.run_js(webview, "auroraview.call('h', 'real')") == "real"
    host.serve_for(0.1)
    assert calls == ["real"]
