"""WebViews sharing a web process (Linux): a WebView opened while another of its profile is
open is built into that one's web process, unless it asked for its own, is incognito, or
opens on an http(s) URL. Each test says which processes run, that every page still answers
as itself, and what closing and crashing one of them does to the others."""

from __future__ import annotations

import os
import signal
import sys

import pytest
from advsupport import PAGE, cpu_ticks, poll, web_processes
from auroraview.errors import PageChangedError
from wvsupport import PageServer

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="WebKitGTK's process model")

ECHO = "settle(auroraview.call('who', 0))"


def opened(wv_host, name: str, **kwargs):
    """A ready WebView whose handler ``who`` answers ``name``."""
    webview = wv_host.open_ready(html=PAGE, **kwargs)
    webview.on("who")(lambda _data: name)
    return webview


def test_a_second_webview_shares_the_first_ones_process_and_each_page_answers_as_itself(
    wv_host,
):
    first = opened(wv_host, "first")
    process = web_processes()
    assert len(process) == 1, process
    second = opened(wv_host, "second")
    third = opened(wv_host, "third")
    assert web_processes() == process
    # Calls, answers and evaluations reach their own page, in every direction.
    for webview, name in ((first, "first"), (second, "second"), (third, "third")):
        assert wv_host.run_js(webview, ECHO) == ["ok", name]
        wv_host.run_js(webview, f"document.title = '{name}'; true")
    for webview, name in ((first, "first"), (second, "second"), (third, "third")):
        assert wv_host.run_js(webview, "document.title") == name


@pytest.mark.parametrize("how", ["own_process", "incognito", "remote"])
def test_what_gets_a_process_of_its_own(wv_host, how):
    # (Another profile's WebView too: tests/webview/test_profiles.py, since a profile keeps
    # a network process of its own for the rest of the process's life.)
    first = opened(wv_host, "first")
    if how == "remote":
        server = PageServer()
        server.pages["/"] = PAGE
        other = wv_host.open_ready(url=server.url("/"), allowed_origins=server.origin)
        other.on("who")(lambda _data: "other")
    else:
        options = {
            "own_process": {"own_process": True},
            "incognito": {"incognito": True},
        }[how]
        other = opened(wv_host, "other", **options)
    assert len(web_processes()) == 2, web_processes()
    assert wv_host.run_js(first, ECHO) == ["ok", "first"]
    assert wv_host.run_js(other, ECHO) == ["ok", "other"]
    # A WebView with a process of its own is not one a later WebView shares.
    opened(wv_host, "third")
    assert len(web_processes()) == 2, web_processes()


def test_closing_one_leaves_the_process_to_the_others_and_the_last_ends_it(wv_host):
    first = opened(wv_host, "first")
    second = opened(wv_host, "second")
    process = web_processes()
    first.close()
    assert wv_host.serve_until(lambda: first.closed, 10)
    wv_host.serve_for(0.3)
    assert web_processes() == process
    assert wv_host.run_js(second, ECHO) == ["ok", "second"]
    # A WebView opened now shares it too (the closed one is no partner).
    third = opened(wv_host, "third")
    assert web_processes() == process
    for webview in (second, third):
        webview.close()
    assert wv_host.serve_until(lambda: second.closed and third.closed, 10)
    assert poll(lambda: not web_processes(), 10), web_processes()


def test_a_spinning_page_stalls_its_partner_and_closing_both_stops_it(wv_host):
    # (Closing the spinning one alone may end the process or not, depending on whether the
    # engine has found it not responding yet: the next test.)
    spinning = opened(wv_host, "spinning")
    partner = opened(wv_host, "partner")
    (process,) = web_processes()
    spinning.eval_js("setTimeout(function () { while (true) {} }, 0)")
    t0 = cpu_ticks(process)
    assert wv_host.serve_until(lambda: cpu_ticks(process) - t0 > 10, 20), "no spin"
    # The partner's page runs on the same (busy) thread: a call waits, bounded.
    late = partner.eval_js_async("1", timeout_ms=500)
    assert wv_host.serve_until(late.done, 10)
    assert isinstance(late.exception(0), TimeoutError)
    spinning.close()
    assert wv_host.serve_until(lambda: spinning.closed, 10)
    partner.close()
    assert wv_host.serve_until(lambda: partner.closed, 10)
    assert poll(lambda: process not in web_processes(), 10), "the spinning page lives on"


def test_a_crash_reaches_every_page_of_the_process_and_each_comes_back(wv_host, caplog):
    first = opened(wv_host, "first")
    second = opened(wv_host, "second")
    (process,) = web_processes()
    pending = [
        webview.eval_js_async("new Promise(function () {})", timeout_ms=30_000)
        for webview in (first, second)
    ]
    wv_host.serve_for(0.2)
    os.kill(process, signal.SIGKILL)
    for future in pending:
        assert wv_host.serve_until(future.done, 10)
        assert isinstance(future.exception(0), PageChangedError)
        assert "web process ended" in str(future.exception(0))
    for webview, name in ((first, "first"), (second, "second")):
        webview.reload()
        wv_host.wait_ready(webview, timeout=20)
        assert wv_host.run_js(webview, ECHO) == ["ok", name]
    assert process not in web_processes()


@pytest.mark.parametrize("alone", [True, False], ids=["alone", "sharing"])
def test_no_webview_joins_a_process_that_shows_a_web_site(wv_host, alone):
    """A page that goes to a web site stays in the process it had (WebKit does not move
    it): a new WebView must not join that process, nor that of a WebView sharing it."""
    server = PageServer()
    server.pages["/"] = PAGE
    if not alone:
        tool = opened(wv_host, "tool")
    browsing = opened(wv_host, "browsing", allowed_origins=server.origin)
    browsing.load_url(server.url("/"))
    wv_host.wait_js(browsing, "location.origin", server.origin, timeout=15)
    assert len(web_processes()) == 1, web_processes()
    later = opened(wv_host, "later")
    assert len(web_processes()) == 2, web_processes()
    assert wv_host.run_js(later, ECHO) == ["ok", "later"]
    if not alone:
        assert wv_host.run_js(tool, ECHO) == ["ok", "tool"]


def test_closing_a_crashed_webview_spares_its_reloaded_partner(wv_host):
    """After a crash, a reloaded page may run in a new process the crashed WebView is tied
    to too: closing the crashed one must not end it."""
    crashed = opened(wv_host, "crashed")
    partner = opened(wv_host, "partner")
    (process,) = web_processes()
    os.kill(process, signal.SIGKILL)
    assert wv_host.serve_until(lambda: process not in web_processes(), 10)
    wv_host.serve_for(0.3)
    partner.reload()
    wv_host.wait_ready(partner, timeout=20)
    assert wv_host.run_js(partner, ECHO) == ["ok", "partner"]
    crashed.close()
    assert wv_host.serve_until(lambda: crashed.closed, 10)
    wv_host.serve_for(0.5)
    assert wv_host.run_js(partner, ECHO) == ["ok", "partner"]


def test_a_process_the_engine_finds_stuck_is_no_partner_and_a_close_ends_it(wv_host, caplog):
    spinning = opened(wv_host, "spinning")
    partner = opened(wv_host, "partner")
    (process,) = web_processes()
    spinning.eval_js("setTimeout(function () { while (true) {} }, 0)")
    wv_host.serve_for(0.3)
    # Opened into the stuck process (nothing says it is stuck yet): its page never loads, but
    # its load is what makes the engine time the process's answer.
    stuck = wv_host.open(html=PAGE)
    assert wv_host.serve_until(
        lambda: any("is not responding" in r.getMessage() for r in caplog.records), 20
    ), "the engine never found the process stuck"
    assert web_processes() == [process]
    # A WebView opened now gets a process of its own, and works.
    fresh = opened(wv_host, "fresh")
    assert len(web_processes()) == 2, web_processes()
    assert wv_host.run_js(fresh, ECHO) == ["ok", "fresh"]
    # Closing the spinning one ends the process, though two others are in it: each hears
    # that its page is gone, and comes back with reload() (in a new process).
    waiting = [webview.eval_js_async("1", timeout_ms=30_000) for webview in (partner, stuck)]
    spinning.close()
    assert wv_host.serve_until(lambda: spinning.closed, 10)
    assert poll(lambda: process not in web_processes(), 10), "the stuck process lives on"
    for future in waiting:
        assert wv_host.serve_until(future.done, 10)
        assert isinstance(future.exception(0), PageChangedError)
    stuck.on("who")(lambda _data: "stuck")
    for webview, name in ((partner, "partner"), (stuck, "stuck")):
        webview.reload()
        wv_host.wait_ready(webview, timeout=20)
        assert wv_host.run_js(webview, ECHO) == ["ok", name]
