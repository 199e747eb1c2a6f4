"""Window events: loads, titles, navigation and new-window requests, close requests, in both
modes (own and hosted) and docked, with real input where input matters (XSendEvent's
WM_DELETE_WINDOW, a real click through XTEST).

Every callback runs where handlers run (the handler thread, or the main thread for
``dcc_mode``), never on the UI thread; refusable requests wait for the application without
the UI thread waiting, at most ``veto_timeout``.
"""

from __future__ import annotations

import stat
import threading

import pytest
from wvsupport import MAIN_IDENT, PageServer, Where, captured_logs
from xinput import click, find_window, send_close_request, window_geometry

HANDLER_THREAD = "auroraview-hand"


def test_loads_and_titles_reach_python_with_their_urls(wv_host):
    server = PageServer()
    server.pages["/a.html"] = "<title>Alpha</title><p>a</p>"
    try:
        webview = wv_host.open(title="events-load")
        where = Where()
        seen: list[tuple[str, dict]] = []

        def record(kind):
            def callback(event):
                where(kind)
                seen.append((kind, event))

            return callback

        webview.on_load_started(record("load_started"))
        webview.on_loaded(record("loaded"))
        webview.on_title_changed(record("title_changed"))
        webview.load_url(server.url("/a.html"))
        assert wv_host.serve_until(
            lambda: ("loaded", {"url": server.url("/a.html")}) in seen, 15
        ), seen
        assert wv_host.serve_until(lambda: ("title_changed", {"title": "Alpha"}) in seen, 5)
        kinds = [k for k, e in seen if e.get("url") == server.url("/a.html")]
        assert kinds.index("load_started") < kinds.index("loaded")
        where.handler_thread()  # every callback on the one handler thread
    finally:
        server.close()


@pytest.mark.parametrize("wv_host", ["maya"], indirect=True)
def test_dcc_mode_callbacks_run_on_the_main_thread(wv_host):
    webview = wv_host.open(title="events-dcc", dcc_mode=True)
    where = Where()
    webview.on_title_changed(lambda e: where("title") or wv_host.maya.cmds.ls())
    webview.on_navigation(lambda e: where("navigation"))
    webview.load_html("<title>Main</title>")
    assert wv_host.serve_until(lambda: "title" in where.labels(), 10)
    assert "navigation" in where.labels()
    assert where.all_on_main(), where.seen


def test_a_navigation_refused_by_a_callback_keeps_the_page(wv_host):
    server = PageServer()
    server.pages["/ok.html"] = "<title>ok</title>"
    server.pages["/no.html"] = "<title>no</title>"
    try:
        webview = wv_host.open_ready(
            title="events-nav", html="<p id=p>start</p>", allowed_origins=server.origin
        )
        asked: list[str] = []

        @webview.on_navigation
        def guard(event):
            asked.append(event["url"])
            return not event["url"].endswith("/no.html")

        wv_host.run_js(webview, f"location.href = {server.url('/no.html')!r}; 1")
        assert wv_host.serve_until(lambda: server.url("/no.html") in asked, 10), asked
        wv_host.serve_for(0.5)
        assert wv_host.run_js(webview, "document.getElementById('p').textContent") == "start"
        assert "/no.html" not in server.requests  # refused before any request was made
        # The application's own navigation, refused: the old page stays ready, and what
        # was sent after it reaches the old page.
        wv_host.run_js(webview, "auroraview.on('after', v => window.after = v); 1")
        webview.load_url(server.url("/no.html"))
        webview.emit("after", 1)
        assert wv_host.serve_until(lambda: asked.count(server.url("/no.html")) == 2, 10)
        wv_host.wait_js(webview, "window.after", 1)
        # An allowed navigation goes ahead.
        wv_host.run_js(webview, f"location.href = {server.url('/ok.html')!r}; 1")
        wv_host.wait_js(webview, "document.title", "ok", 15)
    finally:
        server.close()


def test_a_navigation_without_an_answer_in_time_goes_ahead_logged(wv_host):
    server = PageServer()
    server.pages["/later.html"] = "<title>later</title>"
    try:
        webview = wv_host.open_ready(
            title="events-slow", html="<p>x</p>", veto_timeout=0.3, allowed_origins=server.origin
        )
        release = threading.Event()

        @webview.on_navigation
        def slow(event):
            release.wait(10)
            return False  # too late: ignored

        with captured_logs() as logs:
            wv_host.run_js(webview, f"location.href = {server.url('/later.html')!r}; 1")
            wv_host.wait_js(webview, "document.title", "later", 10)
            release.set()
            assert wv_host.serve_until(
                lambda: any("no answer to a request" in m for m in logs.messages()), 5
            ), logs.messages()
    finally:
        server.close()


@pytest.mark.parametrize("wv_host", ["standalone", "maya"], indirect=True)
def test_the_close_button_asks_python_and_the_page(wv_host):
    title = f"events-close-{wv_host.loop}"
    webview = wv_host.open(
        title=title,
        html="<script>auroraview.on('close_requested', e => {"
        " if (window.dirty) e.preventDefault(); })</script>",
        dcc_mode=wv_host.loop == "maya",
        position=(0, 0),
    )
    webview.show(block=False)
    wv_host.wait_ready(webview)
    where = Where()
    answers = [False, True, True]

    @webview.on_close_requested
    def guard(event):
        where("close")
        assert event == {}
        return answers.pop(0)

    xid = find_window(title)
    assert xid is not None, "the WebView's window is not on the screen"
    # 1: Python refuses.
    wv_host.serve_for(0.3)  # the page's guard reaches Python
    send_close_request(xid)
    assert wv_host.serve_until(lambda: len(where.seen) == 1, 10)
    wv_host.serve_for(0.5)
    assert not webview.closed
    # 2: Python allows, the page refuses (unsaved changes).
    wv_host.run_js(webview, "window.dirty = true")
    send_close_request(xid)
    assert wv_host.serve_until(lambda: len(where.seen) == 2, 10)
    wv_host.serve_for(0.5)
    assert not webview.closed
    # 3: both allow: it closes.
    wv_host.run_js(webview, "window.dirty = false")
    send_close_request(xid)
    assert wv_host.serve_until(lambda: webview.wait_closed(0), 10)
    if wv_host.loop == "maya":
        assert where.all_on_main(), where.seen
    else:
        where.handler_thread()


def test_a_raising_close_guard_lets_the_window_close(wv_host):
    webview = wv_host.open_ready(title="events-raise", html="<p>x</p>")

    @webview.on_close_requested
    def broken(event):
        raise SystemExit("a guard that exits")

    with captured_logs() as logs:
        webview.request_close()
        assert wv_host.serve_until(lambda: webview.wait_closed(0), 10)
    assert any("raised SystemExit" in m for m in logs.messages()), logs.messages()


def test_a_docked_webview_is_asked_before_it_closes(wv_host):
    parent = wv_host.parent_window()
    webview = wv_host.open(title="events-docked", parent=parent, html="<title>Docked</title>")
    webview.show(block=False)
    titles: list[str] = []
    webview.on_title_changed(lambda e: titles.append(e["title"]))
    webview.load_html("<title>Docked again</title>")
    assert wv_host.serve_until(lambda: "Docked again" in titles, 10), titles
    keep = [True]

    @webview.on_close_requested
    def guard(event):
        return False if keep[0] else None

    webview.request_close()
    wv_host.serve_for(0.5)
    assert not webview.closed
    keep[0] = False
    webview.request_close()
    assert wv_host.serve_until(lambda: webview.wait_closed(0), 10)


@pytest.fixture
def browser(tmp_path, monkeypatch):
    """A stand-in default browser (``$BROWSER``) that records the URLs it is given."""
    log = tmp_path / "opened.txt"
    script = tmp_path / "browser.sh"
    script.write_text(f'#!/bin/sh\necho "$1" >> {log}\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("BROWSER", str(script))
    import webbrowser

    monkeypatch.setattr(webbrowser, "_tryorder", None, raising=False)
    monkeypatch.setattr(webbrowser, "_browsers", {}, raising=False)

    def opened():
        return log.read_text().split() if log.exists() else []

    return opened


PAGE_WITH_LINK = (
    "<body style='margin:0'><a id=a href='https://example.invalid/docs' target='_blank' "
    "style='display:block;width:400px;height:300px;background:#08f'>docs</a></body>"
)


@pytest.mark.parametrize("policy", ["browser", "deny"])
def test_a_clicked_new_window_link_opens_in_the_browser_by_policy(wv_host, browser, policy):
    title = f"events-newwin-{policy}"
    webview = wv_host.open(title=title, html=PAGE_WITH_LINK, position=(0, 0), new_window=policy)
    webview.show(block=False)
    wv_host.wait_ready(webview)
    requests: list[dict] = []
    where = Where()
    webview.on_new_window(lambda e: where("new_window") or requests.append(e))
    xid = find_window(title)
    assert xid is not None
    x, y, _w, _h = window_geometry(xid)
    click(x + 100, y + 100)
    assert wv_host.serve_until(lambda: requests, 10), "no new-window request"
    assert requests[0] == {"url": "https://example.invalid/docs", "user_gesture": True}
    where.handler_thread()
    if policy == "browser":
        assert wv_host.serve_until(lambda: browser() == ["https://example.invalid/docs"], 10)
    else:
        wv_host.serve_for(0.5)
        assert browser() == []
    # The page stays where it was; no second engine window exists.
    assert wv_host.run_js(webview, "location.href") == "about:blank"


def test_a_new_window_callback_decides_over_the_policy(wv_host, browser):
    links = "".join(
        f"<a href='{url}' target='_blank' style='display:block;height:100px'>{i}</a>"
        for i, url in enumerate(
            ["https://ok.invalid/a", "https://no.invalid/b", "ssh://example.invalid/"]
        )
    )
    title = "events-newwin-cb"
    webview = wv_host.open(
        title=title,
        html=f"<body style='margin:0'>{links}</body>",
        position=(0, 0),
        new_window="deny",
    )
    webview.show(block=False)
    wv_host.wait_ready(webview)
    asked: list[str] = []

    @webview.on_new_window
    def decide(event):
        asked.append(event["url"])
        return not event["url"].startswith("https://no.invalid")

    xid = find_window(title)
    assert xid is not None
    x, y, _w, _h = window_geometry(xid)
    for row in range(3):
        click(x + 50, y + 50 + 100 * row)
        assert wv_host.serve_until(lambda row=row: len(asked) == row + 1, 10), asked
    wv_host.serve_for(0.5)
    # Allowed by the callback; refused by it; allowed but not a browser's URL.
    assert browser() == ["https://ok.invalid/a"]


def test_callbacks_never_run_on_the_ui_thread(wv_host):
    """Callbacks never run on the UI thread: in own mode that is auroraview-ui; in hosted
    mode the main thread, which only runs them for dcc_mode (through the dispatcher)."""
    webview = wv_host.open(title="events-threads")
    names: list[tuple[int, str]] = []
    webview.on_loaded(lambda e: names.append((threading.get_ident(), _comm())))
    webview.load_html("<p>x</p>")
    assert wv_host.serve_until(lambda: names, 10)
    ident, comm = names[0]
    assert ident != MAIN_IDENT and comm == HANDLER_THREAD and comm != "auroraview-ui"


def _comm() -> str:
    with open(f"/proc/self/task/{threading.get_native_id()}/comm") as f:
        return f.read().strip()


def test_unknown_options_are_refused():
    from auroraview import WebView

    with pytest.raises(ValueError, match="new_window"):
        WebView(new_window="tab")
    with pytest.raises(ValueError, match="veto_timeout"):
        WebView(veto_timeout=0)
