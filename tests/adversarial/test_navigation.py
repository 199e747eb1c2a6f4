"""Navigation with work in flight: links, history.back() into the back/forward cache,
location.reload(), load_url() while calls are pending, local files, and pages the
application did not load (data: and about:blank reached by the page itself). The user sees
every call settle once (answered, or rejected as its page unloads), evaluations on a page
that went away end with PageChangedError, and the bridge work on every page the
application loaded."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import pytest
from advsupport import SETTLE_JS
from auroraview.errors import EvalTimeoutError, PageChangedError
from wvsupport import REPORT_JS, PageServer

pytestmark = pytest.mark.timeout(60)

SITE_PAGE = f"""<!doctype html><html><body><p>NAME</p><a id="next" href="/b.html">b</a>
<script>{SETTLE_JS}{REPORT_JS}
window.shows = [];
window.addEventListener('pageshow', function (e) {{ shows.push(e.persisted); }});
</script></body></html>"""


@pytest.fixture
def site():
    server = PageServer(no_store=False)  # cacheable: pages may enter the back/forward cache
    server.pages["/a.html"] = SITE_PAGE.replace("NAME", "A")
    server.pages["/b.html"] = SITE_PAGE.replace("NAME", "B")
    yield server
    server.close()


def settle(wv_host, webview, script: str):
    return wv_host.run_js(webview, f"settle({script})")


def test_a_link_and_history_back_keep_the_bridge_both_ways(wv_host, site):
    webview = wv_host.open_ready(url=site.url("/a.html"))
    webview.on("where")(lambda data: data)
    assert settle(wv_host, webview, "auroraview.call('where', location.pathname)") == [
        "ok",
        "/a.html",
    ]
    wv_host.run_js(webview, "setTimeout(() => document.getElementById('next').click(), 0); 1")
    wv_host.wait_js(webview, "location.pathname", "/b.html")
    wv_host.wait_js(webview, "auroraview.whenReady().then(() => location.pathname)", "/b.html")
    assert settle(wv_host, webview, "auroraview.call('where', location.pathname)") == [
        "ok",
        "/b.html",
    ]
    wv_host.run_js(webview, "setTimeout(() => history.back(), 0); 1")
    wv_host.wait_js(webview, "location.pathname", "/a.html")
    # Restored from the back/forward cache (the page kept its state) or loaded anew: either
    # way the bridge works both ways again.
    restored = wv_host.run_js(webview, "shows")
    assert restored in ([False, True], [True], [False]), restored
    assert settle(wv_host, webview, "auroraview.call('where', location.pathname)") == [
        "ok",
        "/a.html",
    ]
    wv_host.run_js(webview, "window.heard = []; auroraview.on('ping', d => heard.push(d)); 1")
    webview.emit("ping", "after back")
    wv_host.wait_js(webview, "heard", ["after back"])
    assert wv_host.run_js(webview, "1 + 2") == 3


def test_the_back_forward_cache_is_used_and_handled(wv_host, site):
    # WebKit keeps a cacheable page when leaving it by a link: coming back restores it
    # (pageshow.persisted). The bridge says "ready" again then.
    webview = wv_host.open_ready(url=site.url("/a.html"))
    webview.on("h")(lambda data: "answered")
    wv_host.run_js(webview, "window.marker = 'kept'; 1")
    wv_host.run_js(webview, "setTimeout(() => document.getElementById('next').click(), 0); 1")
    wv_host.wait_js(webview, "location.pathname", "/b.html")
    wv_host.run_js(webview, "setTimeout(() => history.back(), 0); 1")
    wv_host.wait_js(webview, "location.pathname", "/a.html")
    if wv_host.run_js(webview, "window.marker || null") != "kept":
        pytest.skip("this WebKit did not restore the page from its back/forward cache")
    assert wv_host.run_js(webview, "shows") == [False, True]
    assert settle(wv_host, webview, "auroraview.call('h')") == ["ok", "answered"]
    future = webview.eval_js_async("auroraview.whenReady().then(() => 'ready again')")
    assert wv_host.serve_until(future.done, 10) and future.result(0) == "ready again"


@pytest.mark.parametrize("how", ["location.reload", "load_url", "reload"])
def test_navigating_with_calls_in_flight(wv_host, site, how):
    webview = wv_host.open_ready(url=site.url("/a.html"))
    release = threading.Event()
    ran: list = []

    def slow(data):
        release.wait(10)
        ran.append(data)
        return "late"

    webview.on("slow")(slow)
    webview.on("fast")(lambda data: data)
    # Three calls wait in the page; the page then goes away.
    wv_host.run_js(
        webview,
        "window.outcomes = [];"
        " [1, 2, 3].forEach(i => auroraview.call('slow', i).then("
        "   v => outcomes.push(['ok', v]), e => outcomes.push([e.name, e.message])));"
        " 1",
    )
    pending = webview.eval_js_async("new Promise(function () {})", timeout_ms=20_000)
    if how == "location.reload":
        wv_host.run_js(webview, "setTimeout(() => location.reload(), 0); 1")
    elif how == "load_url":
        webview.load_url(site.url("/b.html"))
    else:
        webview.reload()
    # The evaluation on the old page ends with PageChangedError, not its timeout.
    assert wv_host.serve_until(pending.done, 10)
    assert isinstance(pending.exception(0), PageChangedError)
    wv_host.wait_js(webview, "auroraview.whenReady().then(() => typeof outcomes)", "undefined")
    release.set()
    # Each handler still ran once; its answer had no page to go to.
    assert wv_host.serve_until(lambda: sorted(ran) == [1, 2, 3], 10)
    assert settle(wv_host, webview, "auroraview.call('fast', 'new page')") == ["ok", "new page"]


def test_the_old_pages_calls_are_rejected_as_it_unloads(wv_host, site):
    webview = wv_host.open_ready(url=site.url("/a.html"))
    release = threading.Event()
    webview.on("slow")(lambda data: release.wait(10) and "late")
    # The page reports its calls' outcomes to the server as it unloads.
    wv_host.run_js(
        webview,
        "auroraview.call('slow', 1).catch(e => fetch("
        "'/report?unload=' + encodeURIComponent(e.message), {keepalive: true})); 1",
    )
    webview.load_url(site.url("/b.html"))
    assert wv_host.serve_until(lambda: site.reported("unload"), 10)
    assert "the page is unloading" in site.reported("unload")[0]
    release.set()


def test_an_answer_for_the_previous_documents_call_settles_nothing_here(wv_host, site):
    """Call ids are per document. An answer for a call of the document before (which can
    reach the new one if the page navigates after the host checked the answer's page)
    must not settle this document's call of the same number: ids start at a random number
    in each document, so the ids the previous one used (here: the first thousand any
    document would have used counting from 1) match no call here."""
    webview = wv_host.open_ready(url=site.url("/a.html"))
    release = threading.Event()
    webview.on("slow")(lambda data: release.wait(10) and f"real {data}")
    webview.load_url(site.url("/b.html"))
    wv_host.wait_js(webview, "auroraview.whenReady().then(() => location.pathname)", "/b.html")
    wv_host.run_js(
        webview,
        "window.outcome = null;"
        " auroraview.call('slow', 1).then(v => { outcome = ['ok', v]; },"
        "   e => { outcome = [e.name, e.message]; });"
        # The answers of a document before, had it counted its calls from 1.
        " for (let id = 1; id <= 1000; id++) __auroraview_deliver([['r', id, 1, 'stale']]);"
        " 1",
    )
    wv_host.serve_for(0.2)
    assert wv_host.run_js(webview, "outcome") is None
    release.set()
    wv_host.wait_js(webview, "outcome", ["ok", "real 1"])


@pytest.mark.parametrize("where", ["tmp", "home"])
def test_local_files_get_the_bridge(wv_host, where):
    base = Path(tempfile.gettempdir()) if where == "tmp" else Path.home()
    folder = Path(tempfile.mkdtemp(prefix="auroraview-file-", dir=base))
    try:
        page = folder / "panel.html"
        page.write_text(f"<!doctype html><html><body><script>{SETTLE_JS}</script></body></html>")
        webview = wv_host.open_ready(url=page.as_uri())
        webview.on("h")(lambda data: f"file says {data}")
        assert settle(wv_host, webview, "auroraview.call('h', 1)") == ["ok", "file says 1"]
        assert wv_host.run_js(webview, "location.protocol") == "file:"
        webview.emit("e", 1)
        assert wv_host.run_js(webview, "21 * 2") == 42
    finally:
        for item in folder.iterdir():
            item.unlink()
        folder.rmdir()


def test_a_data_url_the_application_loads_gets_the_bridge(wv_host):
    html = f"<!doctype html><html><body><script>{SETTLE_JS}</script></body></html>"
    url = "data:text/html;charset=utf-8," + html.replace("#", "%23").replace("\n", " ")
    webview = wv_host.open_ready(url=url)
    webview.on("h")(lambda data: "data url")
    assert settle(wv_host, webview, "auroraview.call('h')") == ["ok", "data url"]


def test_pages_the_page_itself_reaches_get_no_bridge(wv_host, site):
    webview = wv_host.open_ready(url=site.url("/a.html"))
    ran: list = []
    webview.on("h")(ran.append)
    # The application's page navigates itself to about:blank and to a data: URL: neither
    # was loaded by the application, so what they send is dropped.
    theirs = (
        "data:text/html,<script>auroraview.emit('h', 'theirs');"
        " auroraview.call('h', 'call')</script>"
    )
    for target in ("about:blank", theirs):
        webview.load_url(site.url("/a.html"))
        wv_host.wait_js(webview, "auroraview.whenReady().then(() => 1)", 1)
        wv_host.run_js(webview, f"setTimeout(() => {{ location.href = {target!r}; }}, 0); 1")
        wv_host.serve_for(1.0)
        # Its bridge never becomes ready for the host: what Python sends waits, bounded.
        # (WebKit refuses a page's own top-level navigation to a data: URL: the page then
        # stays where it was, which is the application's.)
        future = webview.eval_js_async("location.protocol", timeout_ms=500)
        assert wv_host.serve_until(future.done, 5)
        if future.exception(0) is None:
            assert target.startswith("data:") and future.result(0) == "http:", target
        else:
            assert isinstance(future.exception(0), (EvalTimeoutError, PageChangedError))
    wv_host.serve_for(0.2)
    assert ran == []
    # Loading the application's page again brings the bridge back.
    webview.load_url(site.url("/a.html"))
    wv_host.wait_js(webview, "auroraview.whenReady().then(() => location.pathname)", "/a.html")
    wv_host.run_js(webview, "auroraview.emit('h', 'back'); 1")
    assert wv_host.serve_until(lambda: ran == ["back"], 5)


def test_env_home_is_where_the_home_test_writes():
    # The "home" case above must write under the real home directory.
    assert Path.home().exists() and os.access(Path.home(), os.W_OK)
