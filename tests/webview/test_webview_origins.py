"""Only content the application loaded itself may reach its handlers: inline HTML, URLs it
loaded (``url=``, ``load_url``) and origins it allowed. A page that navigates itself to
another origin, and a cross-origin iframe, reach nothing. Two local HTTP servers on
127.0.0.1 are the two origins; pages the bridge does not serve report what they saw to
their server."""

from __future__ import annotations

import pytest
from wvsupport import REPORT_JS, PageServer, Where, captured_logs

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def origins():
    a, b = PageServer(), PageServer()
    a.pages["/index.html"] = f"<!doctype html><html><body><p>A</p><script>{REPORT_JS}</script>"
    a.pages["/with_frame.html"] = (
        f"<!doctype html><html><body><p>A with a frame of B</p>"
        f"<iframe src='{b.url('/frame.html')}'></iframe></body></html>"
    )
    # A page of origin B that tries the bridge, and says what happened.
    b.pages["/b.html"] = f"""<!doctype html><html><body><p>B</p><script>{REPORT_JS}
report('b_bridge', typeof window.auroraview);
if (window.auroraview) {{
  auroraview.call('h', 'from B').then(v => report('b_call', 'resolved ' + v),
                                     e => report('b_call', 'rejected ' + e.message));
  try {{ auroraview.emit('h', 'emit from B'); }} catch (e) {{ report('b_emit', e.name); }}
}}
try {{ window.webkit.messageHandlers.auroraview.postMessage(JSON.stringify(
  {{u: location.href, m: [{{t: 'call', id: 9, name: 'h', data: 'raw B'}}]}})); }}
catch (e) {{ report('b_raw', e.name); }}
setTimeout(() => report('b_done', 1), 300);
</script></body></html>"""
    # A cross-origin frame that looks for a way in.
    b.pages["/frame.html"] = f"""<!doctype html><html><body><script>{REPORT_JS}
report('frame_bridge', typeof window.auroraview);
report('frame_ipc', typeof window.ipc);
var handler = window.webkit && window.webkit.messageHandlers &&
  window.webkit.messageHandlers.auroraview;
report('frame_handler', typeof handler);
try {{ report('frame_parent', typeof window.parent.auroraview); }}
catch (e) {{ report('frame_parent', e.name); }}
var topUrl = '{a.url("/with_frame.html")}';
var forged = [
  JSON.stringify({{u: topUrl, m: [{{t: 'call', id: 1, name: 'h', data: 'frame no token'}}]}}),
  JSON.stringify({{k: '0123456789abcdef', u: topUrl,
                  m: [{{t: 'call', id: 2, name: 'h', data: 'frame guess'}}]}}),
  JSON.stringify({{u: topUrl, m: [{{t: 'emit', name: 'h', data: 'frame emit'}}]}}),
  JSON.stringify({{u: topUrl, m: [{{t: 'ready'}}]}}),
  'garbage'
];
forged.forEach(function (m) {{
  try {{ handler.postMessage(m); report('frame_posted', 1); }}
  catch (e) {{ report('frame_post_error', e.name); }}
}});
setTimeout(() => report('frame_done', 1), 200);
</script></body></html>"""
    b.pages["/c.html"] = "<!doctype html><html><body><p>C on B</p></body></html>"
    yield a, b
    a.close()
    b.close()


def navigate_from_page(wv_host, webview, url: str) -> None:
    assert wv_host.run_js(webview, f"setTimeout(() => {{ location.href = {url!r}; }}, 0); true")


def test_page_that_navigates_to_another_origin_reaches_no_handler(wv_host, origins):
    a, b = origins
    webview = wv_host.open_ready(url=a.url("/index.html"))
    where = Where()
    webview.on("h")(lambda data: where(f"h:{data}") or f"got {data}")
    assert wv_host.run_js(webview, "auroraview.call('h', 'from A')") == "got from A"
    navigate_from_page(wv_host, webview, b.url("/b.html"))
    assert wv_host.serve_until(lambda: b.reported("b_done"), 10)
    wv_host.serve_for(0.1)
    # The bridge script may be present in B, but nothing B sends reaches a handler.
    assert where.labels() == ["h:from A"]
    assert b.reported("b_bridge") == ["object"]
    assert b.reported("b_call") == []  # never settled: its messages were dropped
    assert b.reported("b_emit") == [] and b.reported("b_raw") == []
    # The application loading A again brings the bridge back.
    webview.load_url(a.url("/index.html"))
    wv_host.wait_js(webview, "location.href", a.url("/index.html"))
    assert wv_host.run_js(webview, "auroraview.call('h', 'back on A')") == "got back on A"
    assert where.labels() == ["h:from A", "h:back on A"]
    where.handler_thread()


def test_a_url_the_application_loads_is_trusted(wv_host, origins):
    a, b = origins
    webview = wv_host.open_ready(url=a.url("/index.html"))
    where = Where()
    webview.on("h")(lambda data: where(f"h:{data}") or f"got {data}")
    webview.load_url(b.url("/c.html"))
    wv_host.wait_js(webview, "location.href", b.url("/c.html"))
    assert wv_host.run_js(webview, "auroraview.call('h', 'from B')") == "got from B"
    assert where.labels() == ["h:from B"]
    where.handler_thread()


def test_allowed_origins_admit_a_page_the_app_did_not_load(wv_host, origins):
    a, b = origins
    webview = wv_host.open_ready(url=a.url("/index.html"), allowed_origins=[b.origin])
    where = Where()
    webview.on("h")(lambda data: where(f"h:{data}") or f"got {data}")
    before = len(b.reported("b_call"))
    navigate_from_page(wv_host, webview, b.url("/b.html"))
    assert wv_host.serve_until(lambda: len(b.reported("b_call")) > before, 10)
    assert b.reported("b_call")[-1] == "resolved got from B"
    assert wv_host.serve_until(lambda: "h:emit from B" in where.labels(), 5)
    assert sorted(where.labels()) == ["h:emit from B", "h:from B"]  # the raw post was not
    where.handler_thread()


def test_cross_origin_iframe_gets_no_bridge(wv_host, origins):
    a, b = origins
    webview = wv_host.open_ready(url=a.url("/with_frame.html"))
    where = Where()
    webview.on("h")(lambda data: where(f"h:{data}") or f"got {data}")
    assert wv_host.serve_until(lambda: b.reported("frame_done"), 10)
    wv_host.serve_for(0.1)
    assert b.reported("frame_bridge") == ["undefined"]
    assert b.reported("frame_ipc") == ["undefined"]
    assert b.reported("frame_parent") == ["SecurityError"]
    # WebKit exposes its message handler to the frame; everything posted there is ignored.
    assert b.reported("frame_handler") == ["object"]
    assert len(b.reported("frame_posted")) == 5
    assert where.seen == []
    # The main page's bridge is unaffected.
    assert wv_host.run_js(webview, "auroraview.call('h', 'from A')") == "got from A"
    assert where.labels() == ["h:from A"]
    where.handler_thread()


def test_a_refused_origin_is_logged(wv_host, origins):
    a, b = origins
    webview = wv_host.open_ready(url=a.url("/index.html"))
    before = len(b.reported("b_done"))
    with captured_logs() as logs:
        navigate_from_page(wv_host, webview, b.url("/b.html"))
        assert wv_host.serve_until(lambda: len(b.reported("b_done")) > before, 10)

        def refused() -> list[str]:
            return [m for m in logs.messages() if b.origin in m and "not an allowed" in m]

        assert wv_host.serve_until(refused, 5), logs.messages(0)
        wv_host.serve_for(0.1)
    # B sent several messages (ready, a call, an emit, a raw post): one warning, not one each.
    assert len(refused()) == 1, logs.messages(0)
