"""Helpers of the WebView suite: thread identities, log capture, small HTTP servers."""

from __future__ import annotations

import contextlib
import http.server
import logging
import os
import threading
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any, Callable, Optional

MAIN_IDENT = threading.main_thread().ident

#: How the kernel names auroraview's threads (``comm`` keeps 15 bytes of the name).
HANDLER_COMM = "auroraview-hand"
COMPLETION_COMM = "auroraview-comp"


def thread_comm(native_id: Optional[int] = None) -> str:
    """The kernel's name of a thread of this process (the calling thread by default)."""
    tid = threading.get_native_id() if native_id is None else native_id
    with open(f"/proc/self/task/{tid}/comm") as f:
        return f.read().strip()


_this_thread = threading.local()


def own_comm() -> str:
    """The calling thread's kernel name, read from /proc once per thread.

    Cached in thread-local storage, which dies with its thread, so a new thread that gets
    a finished one's id reads its own name. Reading it on every call opened a file, which
    releases the GIL: under Python threads busy in a loop, each handler run that recorded
    where it ran then waited a whole round of CPython's switch intervals to get it back.
    """
    comm = getattr(_this_thread, "comm", None)
    if comm is None:
        comm = _this_thread.comm = thread_comm()
    return comm


def task_comms() -> dict[int, str]:
    """Every thread of this process: native id -> kernel name."""
    out = {}
    for tid in os.listdir("/proc/self/task"):
        with contextlib.suppress(OSError):
            out[int(tid)] = thread_comm(int(tid))
    return out


def handler_threads() -> set[int]:
    """Native ids of the live WebView handler threads (``auroraview-handlers-<id>``)."""
    return {tid for tid, comm in task_comms().items() if comm == HANDLER_COMM}


def python_threads() -> set[str]:
    """Names of the live threads Python started itself (not Rust threads seen by Python)."""
    return {t.name for t in threading.enumerate() if not isinstance(t, threading._DummyThread)}


class Where:
    """Records which thread each call ran on: ``(label, ident, native id, kernel name)``."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, int, str]] = []
        self._lock = threading.Lock()

    def __call__(self, label: str) -> None:
        entry = (label, threading.get_ident(), threading.get_native_id(), own_comm())
        with self._lock:
            self.seen.append(entry)

    def labels(self) -> list[str]:
        return [s[0] for s in self.seen]

    def all_on_main(self) -> bool:
        return bool(self.seen) and all(s[1] == MAIN_IDENT for s in self.seen)

    def handler_thread(self) -> int:
        """The one WebView handler thread (native id) every call ran on; fails otherwise."""
        natives = {s[2] for s in self.seen}
        assert len(natives) == 1, f"calls ran on several threads: {self.seen}"
        assert all(s[1] != MAIN_IDENT and s[3] == HANDLER_COMM for s in self.seen), self.seen
        return natives.pop()


class LogRecords(logging.Handler):
    """Collects every record logged while installed (on the root logger)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, level: int = logging.WARNING) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= level]


@contextlib.contextmanager
def captured_logs() -> Iterator[LogRecords]:
    handler = LogRecords()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def start_threads(target: Callable[..., Any], n: int, *args: Any) -> list[threading.Thread]:
    threads = [
        threading.Thread(target=target, args=(i, *args), name=f"wv-test-{i}", daemon=True)
        for i in range(n)
    ]
    for t in threads:
        t.start()
    return threads


def join_all(threads: list[threading.Thread], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    alive = [t.name for t in threads if t.is_alive()]
    assert alive == [], f"threads still running: {alive}"


class PageServer:
    """A tiny HTTP server on 127.0.0.1 (its own origin) in a daemon thread.

    ``pages[path] = html`` serves a page; a GET of ``/report?key=value`` is recorded in
    :attr:`reports` (how a page the bridge does not serve tells the test what it saw).
    """

    def __init__(self, no_store: bool = True) -> None:
        """``no_store=False`` lets the engine keep pages in its back/forward cache."""
        self.pages: dict[str, str] = {}
        self.reports: list[tuple[str, str]] = []
        self.requests: list[str] = []
        server_self = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                server_self.requests.append(url.path)
                if url.path == "/report":
                    for key, values in urllib.parse.parse_qs(url.query).items():
                        server_self.reports.extend((key, v) for v in values)
                    body = b"ok"
                elif url.path in server_self.pages:
                    body = server_self.pages[url.path].encode()
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                if no_store:
                    self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"page-server-{self.origin}", daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return self.origin + path

    def reported(self, key: str) -> list[str]:
        return [v for k, v in list(self.reports) if k == key]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


#: JS for pages served by PageServer: ``report(key, value)`` sends one report home.
REPORT_JS = (
    "function report(k, v) { fetch('/report?' + encodeURIComponent(k) + '=' + "
    "encodeURIComponent(String(v))); }"
)


class X11Window:
    """A real top-level X11 window of this process, made with Xlib through ctypes on a
    connection of its own: what a DCC hands to ``WebView(parent=...)`` as its window id."""

    def __init__(self, width: int = 800, height: int = 600) -> None:
        import ctypes
        import ctypes.util

        xlib = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        xlib.XOpenDisplay.restype = ctypes.c_void_p
        xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        xlib.XDefaultRootWindow.restype = ctypes.c_ulong
        xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        xlib.XCreateSimpleWindow.restype = ctypes.c_ulong
        xlib.XCreateSimpleWindow.argtypes = (
            [ctypes.c_void_p, ctypes.c_ulong]
            + [ctypes.c_int] * 2
            + [ctypes.c_uint] * 3
            + [ctypes.c_ulong] * 2
        )
        for name in ("XMapWindow", "XDestroyWindow"):
            getattr(xlib, name).argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        for name in ("XSync",):
            getattr(xlib, name).argtypes = [ctypes.c_void_p, ctypes.c_int]
        xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._xlib = xlib
        self._display = xlib.XOpenDisplay(None)
        if not self._display:
            raise RuntimeError("cannot open the X display")
        root = xlib.XDefaultRootWindow(self._display)
        self.xid = int(
            xlib.XCreateSimpleWindow(self._display, root, 0, 0, width, height, 0, 0, 0xFFFFFF)
        )
        xlib.XMapWindow(self._display, self.xid)
        xlib.XSync(self._display, 0)

    def child_count(self) -> int:
        """How many child windows the window has now (an embedded WebView makes one)."""
        import ctypes

        xlib = self._xlib
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children = ctypes.POINTER(ctypes.c_ulong)()
        count = ctypes.c_uint()
        xlib.XSync(self._display, 0)
        ok = xlib.XQueryTree(
            ctypes.c_void_p(self._display),
            ctypes.c_ulong(self.xid),
            ctypes.byref(root),
            ctypes.byref(parent),
            ctypes.byref(children),
            ctypes.byref(count),
        )
        if children:
            xlib.XFree(children)
        return int(count.value) if ok else -1

    def destroy(self) -> None:
        if self._display:
            self._xlib.XDestroyWindow(self._display, self.xid)
            self._xlib.XSync(self._display, 0)
            self._xlib.XCloseDisplay(self._display)
            self._display = None
