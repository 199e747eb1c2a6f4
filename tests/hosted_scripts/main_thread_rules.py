"""Hosted mode's rules on the UI thread (= the Qt main thread): a blocking eval fails at
once naming the non-blocking form; handlers never run inside the UI callback (a dcc_mode
handler may open a nested event loop, like a modal dialog, without re-entering the
WebView); own mode is refused while Qt runs on GLib."""

from __future__ import annotations

import threading
import time

from _common import MAIN, QtCore, finish, result, run_until
from auroraview import WebView
from auroraview._qt_binding import exec_loop
from auroraview.errors import WebViewStartError, WrongThreadError
from auroraview.utils import dcc_thread_safe

wv = WebView(
    html="<body><script>auroraview.whenReady().then(() =>"
    " auroraview.call('modal', 1).then(v => auroraview.emit('after', v)))</script>"
)
t0 = time.perf_counter()
try:
    wv.eval_js_sync("1")
    refused = None
except WrongThreadError as exc:
    refused = str(exc)
refused_ms = (time.perf_counter() - t0) * 1000

seen = {}


def modal(value):
    # A modal dialog runs a nested event loop on the main thread: other page traffic keeps
    # flowing (the emit below is delivered while we are still inside this handler).
    seen["thread"] = threading.get_ident()
    loop = QtCore.QEventLoop()
    wv.eval_js_async("21 * 2", lambda v, e: seen.setdefault("nested", v))
    QtCore.QTimer.singleShot(300, loop.quit)
    exec_loop(loop)
    return value + 1


wv.on("modal")(dcc_thread_safe(modal))  # runs on the main thread, via the dispatcher
after = []
wv.on("after")(after.append)
run_until(lambda: after, 15)

own_refused = None
try:
    WebView(html="<body></body>", mode="own")
except WebViewStartError as exc:
    own_refused = str(exc)
result(
    refused=refused,
    refused_ms=refused_ms,
    modal_on_main=seen.get("thread") == MAIN,
    nested_eval=seen.get("nested"),
    after=after,
    own_refused=own_refused,
)
wv.close()
finish()
