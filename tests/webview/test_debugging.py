"""Debugging: the in-window inspector (``debug=True``, ``open_devtools()``), WebKitGTK's
remote inspector server (``remote_debugging_port``: connected to and read back, in a
process of its own), and the page's console forwarded to Python's logging
(``forward_console=True``), through the bridge."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from wvsupport import captured_logs

PROBE = Path(__file__).resolve().parent / "scripts" / "devtools_probe.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_remote_inspector_lists_the_page_and_devtools_open():
    mode = os.environ.get("AURORAVIEW_TEST_WEBVIEW_MODE", "own").strip().lower() or "own"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBKIT_INSPECTOR")}
    env.pop("AURORAVIEW_DISPATCHER", None)
    if mode == "hosted":
        env.pop("QT_NO_GLIB", None)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    done = subprocess.run(
        [sys.executable, str(PROBE), mode, str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out == {
        "page_listed": True,
        "inspector_before": False,
        "inspector_after": True,
        "closed": True,
    }


def test_open_devtools_needs_debug(wv_host):
    webview = wv_host.open_ready(title="devtools-off", html="<p>x</p>")
    with captured_logs() as logs:
        webview.open_devtools()
        assert wv_host.serve_until(
            lambda: any("without debug=True" in m for m in logs.messages()), 5
        ), logs.messages()


def test_a_webview_closes_with_its_inspector_open(wv_host):
    webview = wv_host.open_ready(title="devtools-on", html="<p>x</p>", debug=True)
    webview.show(block=False)
    webview.open_devtools()
    wv_host.serve_for(1.0)
    webview.close()
    assert wv_host.serve_until(lambda: webview.wait_closed(0), 10)


def test_the_page_console_reaches_python_logging(wv_host):
    webview = wv_host.open_ready(title="console", html="<p>x</p>", forward_console=True)
    with captured_logs() as logs:
        wv_host.run_js(
            webview,
            "console.log('plain', 1, {a: [2]}); console.warn('careful'); "
            "console.error('broken'); console.debug('detail'); "
            "const cyc = {}; cyc.self = cyc; console.info(cyc); true",
        )

        def console():
            return [
                (r.levelno, r.getMessage()) for r in logs.records if r.name == "auroraview.console"
            ]

        assert wv_host.serve_until(lambda: len(console()) == 5, 5), console()
    assert console() == [
        (logging.INFO, 'plain 1 {"a":[2]}'),
        (logging.WARNING, "careful"),
        (logging.ERROR, "broken"),
        (logging.DEBUG, "detail"),
        (logging.INFO, "[object Object]"),
    ]


def test_without_forward_console_nothing_is_forwarded(wv_host):
    webview = wv_host.open_ready(title="console-off", html="<p>x</p>")
    with captured_logs() as logs:
        wv_host.run_js(webview, "console.error('not for python'); true")
        wv_host.serve_for(0.5)
    assert not [r for r in logs.records if r.name == "auroraview.console"]


@pytest.mark.parametrize("port", [0, 70000, True, "9222"])
def test_bad_remote_debugging_ports_are_refused(port):
    from auroraview import WebView

    with pytest.raises(ValueError, match="remote_debugging_port"):
        WebView(remote_debugging_port=port)
