"""The bridge's own socket (Linux, with the web extension installed, as ``make build`` does):
pages and the runtime talk over it rather than the engine's message handler, the page's
scripts never get hold of it, and a process that does not know the runtime's secret is
refused without disturbing the pages. With ``AURORAVIEW_TRANSPORT=engine`` the engine's path
carries everything, as before.
"""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from advsupport import PAGE, poll

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.skipif(sys.platform != "linux", reason="the bridge's socket is Linux's"),
    pytest.mark.skipif(
        os.environ.get("AURORAVIEW_TRANSPORT") == "engine",
        reason="the socket is off (AURORAVIEW_TRANSPORT=engine)",
    ),
]

HELLO, POST = 1, 2


def frame(kind: int, page: int, body: bytes) -> bytes:
    """One frame as ``auroraview_core::frames`` writes it."""
    return struct.pack("<IBQ", 9 + len(body), kind, page) + body


def socket_name() -> str:
    """The runtime's abstract socket, as the kernel lists it."""
    prefix = f"@auroraview-{os.getpid()}-"
    with open("/proc/net/unix") as f:
        for line in f:
            path = line.split()[-1]
            if path.startswith(prefix):
                return path[1:]
    raise AssertionError("the runtime has no bridge socket")


def stats() -> dict:
    from auroraview import _core

    return dict(_core.runtime_stats())


def echo_page(wv_host):
    webview = wv_host.open(html=PAGE)
    webview.on("echo")(lambda x: x)
    wv_host.wait_ready(webview)
    return webview


def test_the_extension_is_installed_where_the_package_looks():
    from auroraview._runtime import WEB_EXTENSION_DIR

    assert (WEB_EXTENSION_DIR / "libauroraview_webext.so").is_file(), (
        "make build installs the web extension (scripts/build-webext.sh)"
    )
    assert sorted(p.name for p in WEB_EXTENSION_DIR.iterdir()) == ["libauroraview_webext.so"]


def test_calls_events_and_evaluations_travel_over_the_socket(wv_host):
    webview = echo_page(wv_host)
    before = stats()
    got = wv_host.run_js(
        webview,
        "(async () => { const out = []; for (let i = 0; i < 50; i++) "
        "out.push(await auroraview.call('echo', i)); return out; })()",
    )
    assert got == list(range(50))
    after = stats()
    posts = after["page_posts"] - before["page_posts"]
    assert posts >= 51  # 50 calls one at a time, and the evaluation's result
    assert after["socket_posts"] - before["socket_posts"] == posts
    # The answers went back by it too (once a fence had passed: at most the first few not),
    # written by the thread that settled each call: nothing else for the page was queued.
    scripts = after["socket_scripts"] - before["socket_scripts"]
    direct = after["direct_answers"] - before["direct_answers"]
    assert scripts + direct >= 45
    assert direct >= 40


def test_a_direct_answer_never_overtakes_what_was_sent_before_it(wv_host):
    """A call's answer skips the UI thread only when nothing for the page is ahead of it:
    events the handler emitted, and one emitted by a thread it waited for, reach the page
    before the answer, every time. Plain calls on the same page do go direct (so the order
    check runs where the direct way is tried)."""
    import threading

    webview = wv_host.open(html=PAGE)
    webview.on("echo")(lambda x: x)

    @webview.on("busy")
    def busy(n):
        for i in range(n):
            webview.emit("tick", i)
        helper = threading.Thread(target=lambda: webview.emit("tick", "thread"))
        helper.start()
        helper.join()
        return n

    wv_host.wait_ready(webview)
    before = stats()
    bad = wv_host.run_js(
        webview,
        """(async () => {
            const seen = [];
            auroraview.on('tick', (d) => seen.push(d));
            const bad = [];
            for (let k = 0; k < 300; k++) {
                seen.length = 0;
                const n = k % 4;
                const r = await auroraview.call('busy', n);
                const want = [...Array(n).keys(), 'thread'];
                if (r !== n || JSON.stringify(seen) !== JSON.stringify(want)) {
                    bad.push([k, r, seen.slice()]);
                }
            }
            for (let i = 0; i < 50; i++) await auroraview.call('echo', i);
            return bad;
        })()""",
        timeout=30,
    )
    assert bad == []
    assert stats()["direct_answers"] - before["direct_answers"] >= 40


def test_answers_the_socket_cannot_take_at_once_wait_and_all_arrive(wv_host):
    """Answers written directly while the page is too busy to read its socket: its buffer
    fills, the rest waits in the connection's queue for the UI thread's watch, and every
    answer arrives, whole, once the page reads again."""
    webview = wv_host.open(html=PAGE)
    webview.on("big")(lambda i: {"i": i, "pad": "x" * 60_000})
    wv_host.wait_ready(webview)
    before = stats()
    got = wv_host.run_js(
        webview,
        """(async () => {
            const calls = [];
            for (let i = 0; i < 40; i++) calls.push(auroraview.call('big', i));
            await new Promise((r) => setTimeout(r, 0));  // the calls are posted
            const until = Date.now() + 400;
            while (Date.now() < until) {}  // and the page reads nothing meanwhile
            const out = await Promise.all(calls);
            return out.map((r) => [r.i, r.pad.length]);
        })()""",
        timeout=30,
    )
    assert got == [[i, 60_000] for i in range(40)]
    assert stats()["direct_answers"] - before["direct_answers"] > 0


def test_the_page_never_sees_the_socket_function(wv_host):
    webview = echo_page(wv_host)
    probe = (
        "[typeof window.__auroraview_socket_post, "
        "Object.getOwnPropertyNames(window).filter(n => n.indexOf('socket') >= 0).length]"
    )
    assert wv_host.run_js(webview, probe) == ["undefined", 0]
    # After a navigation too: the new document's bridge takes its own.
    webview.load_html(PAGE)
    wv_host.wait_js(webview, "typeof auroraview === 'object' && document.readyState", "complete")
    wv_host.wait_ready(webview)
    assert wv_host.run_js(webview, probe) == ["undefined", 0]
    assert wv_host.run_js(webview, "auroraview.call('echo', 'again')") == "again"


@pytest.mark.parametrize(
    "first",
    [
        frame(HELLO, 0, b"not the secret"),
        frame(POST, 1, b'{"k":"0123456789abcdef0123456789abcdef","u":"","m":[]}'),
        b"\xff" * 64,
        b"x" * 8192,
    ],
    ids=["wrong-secret", "post-without-hello", "garbage", "flood-before-hello"],
)
def test_a_process_without_the_secret_is_refused_and_pages_go_on(wv_host, first):
    webview = echo_page(wv_host)
    calls_before = stats()["page_posts"]
    intruder = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    intruder.connect("\0" + socket_name())
    intruder.sendall(first)
    intruder.setblocking(False)
    closed = []

    def refused() -> bool:
        try:
            closed.append(intruder.recv(1) == b"")
        except BlockingIOError:
            return False
        except OSError:
            closed.append(True)
        return True

    assert wv_host.serve_until(refused, 10), "the runtime kept the connection open"
    assert closed[-1] is True
    intruder.close()
    assert stats()["page_posts"] == calls_before  # nothing it sent reached a page
    assert wv_host.run_js(webview, "auroraview.call('echo', 7)") == 7


def test_the_engine_path_carries_everything_when_the_socket_is_off(wv_host):
    script = textwrap.dedent(
        """
        import threading
        from auroraview import WebView, _core
        wv = WebView(html="<p>x</p>", mode="own")
        wv.on("echo")(lambda x: x)
        done = threading.Event()
        wv.on("done")(lambda *_: done.set())
        wv.eval_js_async("(async () => { for (let i = 0; i < 20; i++) "
                         "await auroraview.call('echo', i); auroraview.emit('done', 1); })()")
        assert done.wait(20), "the page's calls were not answered"
        assert wv.eval_js_sync("6 * 7") == 42
        s = _core.runtime_stats()
        print(s["page_posts"], s["socket_posts"])
        wv.close()
        """
    )
    env = dict(os.environ, AURORAVIEW_TRANSPORT="engine")
    env.pop("AURORAVIEW_TEST_WEBVIEW_MODE", None)
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=50,
        cwd=Path(__file__).parent,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    posts, socket_posts = map(int, out.stdout.split()[-2:])
    assert posts >= 21 and socket_posts == 0


def test_a_page_whose_web_process_ends_comes_back_over_the_socket(wv_host):
    from advsupport import web_processes

    webview = echo_page(wv_host)
    processes = web_processes()
    assert len(processes) == 1, processes
    pending = webview.eval_js_async("new Promise(function () {})", timeout_ms=30_000)
    wv_host.serve_for(0.2)
    os.kill(processes[0], 9)
    assert wv_host.serve_until(pending.done, 10)  # the end is reported
    webview.reload()
    wv_host.wait_ready(webview, timeout=20)
    posts, scripts = stats()["socket_posts"], stats()["socket_scripts"]
    assert wv_host.run_js(webview, "auroraview.call('echo', 'back')") == "back"
    assert stats()["socket_posts"] > posts
    assert poll(lambda: stats()["socket_scripts"] > scripts, 5)
