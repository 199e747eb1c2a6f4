"""The WebView suites' host: one fixture, ``wv_host``, through which every test opens WebViews
and runs the main thread's loop, so the same tests can run in each WebView mode. Shared by
``tests/webview`` and ``tests/adversarial`` (each conftest imports the fixture from here).

Modes (``AURORAVIEW_TEST_WEBVIEW_MODE``):

- ``own`` (default): the WebView lives on auroraview's own UI thread; the pytest main thread
  plays the DCC's main thread and serves the dispatcher with one of three real loops:
  ``standalone`` (``run_main_loop``), ``qt`` (a ``QEventLoop`` of the binding
  ``tests/qtbinding.py`` picks; the QApplication runs without the GLib dispatcher,
  ``QT_NO_GLIB=1``, because the UI thread owns GLib's default context) or ``maya`` (the
  fake Maya host of ``tests/fake_hosts``, whose ``maya.cmds`` raise off the main thread).
- ``hosted``: the WebView lives on the Qt host's main thread, serviced by Qt's own GLib
  event loop (QT_NO_GLIB unset). The Qt loop is then what serves: the ``standalone``
  parameter runs as ``qt``, and ``maya`` runs the fake Maya's idle processing from Qt's
  loop, as Maya (a Qt application) does.

A test picks the loop with ``@pytest.mark.parametrize("wv_host", [...], indirect=True)``;
the default is ``standalone``. Tests only use the fixture's methods to open WebViews, serve
the main thread and wait for pages; nothing else here knows the mode.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from typing import Any, Callable

import pytest
from wvsupport import X11Window, handler_threads

MODE_VAR = "AURORAVIEW_TEST_WEBVIEW_MODE"
MODES = ("own", "hosted")
LOOPS = ("standalone", "qt", "maya")


class WebViewHost:
    """What every WebView test uses: open WebViews, serve the main thread, wait for pages."""

    def __init__(self, mode: str, loop: str) -> None:
        self.mode = mode
        #: Which real loop serves the main thread: "standalone", "qt" or "maya".
        self.loop = loop
        #: The fake Maya (``.fake``, ``.cmds``, ``.utils``) when ``loop == "maya"``.
        self.maya: Any = None
        self.opened: list[Any] = []
        self._windows: list[X11Window] = []
        self._serve: Callable[[Callable[[], Any], float], Any] = self._serve_standalone

    # -- the three operations tests use ------------------------------------------------

    def open(self, **kwargs: Any) -> Any:
        """A new ``WebView(**kwargs)``; closed at the end of the test."""
        from auroraview import WebView

        kwargs.setdefault("mode", self.mode)
        webview = WebView(**kwargs)
        self.opened.append(webview)
        assert webview.mode == self.mode
        return webview

    def parent_window(self) -> int:
        """A native window of the "DCC" to pass as ``parent=`` (its X11 id); destroyed at
        the end of the test, after every WebView has closed."""
        window = X11Window()
        self._windows.append(window)
        return window.xid

    def embedded_in(self, parent: int) -> bool:
        """True once a WebView is embedded in the window ``parent_window()`` returned."""
        window = next(w for w in self._windows if w.xid == parent)
        return window.child_count() > 0

    def serve_until(self, predicate: Callable[[], Any], timeout: float) -> bool:
        """Run the main thread's loop until ``predicate()`` is true or ``timeout`` seconds
        have passed; returns ``bool(predicate())``."""
        deadline = time.monotonic() + timeout
        if not predicate():
            self._serve(lambda: predicate() or time.monotonic() >= deadline, timeout + 1.0)
        return bool(predicate())

    def wait_ready(self, webview: Any, timeout: float = 15.0) -> None:
        """Wait (serving the main thread) until the page's bridge is ready."""
        assert self.run_js(webview, "auroraview.whenReady().then(() => true)", timeout) is True

    # -- conveniences built on those -----------------------------------------------------

    def serve_for(self, seconds: float) -> None:
        """Serve the main thread for ``seconds``, whatever happens."""
        self.serve_until(lambda: False, seconds)

    def run_js(self, webview: Any, script: str, timeout: float = 10.0) -> Any:
        """``script``'s value (Promises awaited), serving the main thread meanwhile; raises
        the evaluation's error (JavaScriptError, ...)."""
        future = webview.eval_js_async(script, timeout_ms=timeout * 1000)
        assert self.serve_until(future.done, timeout + 3), f"no answer to {script[:80]!r}"
        return future.result(0)

    def wait_js(self, webview: Any, script: str, expected: Any, timeout: float = 10.0) -> None:
        """Wait (serving) until ``script`` evaluates to ``expected``. Across a navigation an
        evaluation may still run in the page being left, or end with PageChangedError:
        both are retried."""
        from auroraview.errors import PageChangedError

        deadline = time.monotonic() + timeout
        value: Any = None
        while time.monotonic() < deadline:
            try:
                value = self.run_js(webview, script, max(0.5, deadline - time.monotonic()))
            except PageChangedError:
                continue
            if value == expected:
                return
            self.serve_for(0.01)
        raise AssertionError(f"{script!r} is {value!r}, not {expected!r}, after {timeout} s")

    def open_ready(self, **kwargs: Any) -> Any:
        webview = self.open(**kwargs)
        self.wait_ready(webview)
        return webview

    # -- loops ---------------------------------------------------------------------------

    @staticmethod
    def _serve_standalone(done: Callable[[], Any], timeout: float) -> None:
        from auroraview.utils import run_main_loop

        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            run_main_loop(timeout=0.005)

    @staticmethod
    def _serve_qt(done: Callable[[], Any], timeout: float) -> None:
        from qtbinding import QtCore, exec_loop

        deadline = time.monotonic() + timeout
        loop = QtCore.QEventLoop()
        check = QtCore.QTimer()
        # Not 1 ms: a timer due at every iteration of a processEvents() loop (a test's
        # nested loop) would starve WebKit's own GLib sources, which run at a lower priority.
        check.setInterval(5)
        check.timeout.connect(lambda: (done() or time.monotonic() >= deadline) and loop.quit())
        check.start()
        try:
            if not done():
                exec_loop(loop)
        finally:
            check.stop()

    def _serve_maya(self, done: Callable[[], Any], timeout: float) -> None:
        from fake_hosts._mainloop import HostLoopTimeout

        with contextlib.suppress(HostLoopTimeout):
            self.maya.fake.run(done, timeout)

    def _serve_maya_in_qt(self, done: Callable[[], Any], timeout: float) -> None:
        from qtbinding import QtCore

        loop = self.maya.fake.loop
        pump = QtCore.QTimer()
        pump.setInterval(1)
        pump.timeout.connect(loop.iterate)
        pump.start()
        try:
            self._serve_qt(done, timeout)
        finally:
            pump.stop()

    # -- teardown ------------------------------------------------------------------------

    def close_all(self) -> None:
        for webview in self.opened:
            webview.close()
        try:
            closed = self.serve_until(lambda: all(w.wait_closed(0) for w in self.opened), 10.0)
            assert closed, "a WebView did not close within 10 s"
        finally:
            for window in self._windows:
                window.destroy()


@pytest.fixture
def wv_host(request, monkeypatch) -> Iterator[WebViewHost]:
    """The WebView host of this test (see the module docstring)."""
    mode = os.environ.get(MODE_VAR, "own").strip().lower() or "own"
    if mode not in MODES:
        raise pytest.UsageError(f"{MODE_VAR}={mode!r}: choose one of {MODES}")
    loop = getattr(request, "param", "standalone")
    assert loop in LOOPS, loop
    if mode == "hosted" and loop == "standalone":
        loop = "qt"
    host = WebViewHost(mode, loop)
    handlers_before = handler_threads()
    with contextlib.ExitStack() as stack:
        if loop == "standalone":
            monkeypatch.setenv("AURORAVIEW_DISPATCHER", "standalone")
        elif loop == "qt":
            request.getfixturevalue("qapp")
            monkeypatch.setenv("AURORAVIEW_DISPATCHER", "qt")
            host._serve = host._serve_qt
        else:
            from fake_hosts.conftest_helpers import installed

            monkeypatch.delenv("AURORAVIEW_DISPATCHER", raising=False)
            maya, maya_utils, cmds = stack.enter_context(
                installed("maya", ["maya", "maya.utils", "maya.cmds"])
            )
            host.maya = _Maya(maya._fake, cmds, maya_utils)
            if mode == "hosted":
                # Maya is a Qt application: its idle processing (executeDeferred) runs
                # from Qt's event loop, which also services the hosted WebViews.
                request.getfixturevalue("qapp")
                host._serve = host._serve_maya_in_qt
            else:
                host._serve = host._serve_maya
        try:
            yield host
        finally:
            host.close_all()
        # Every handler thread of this test's WebViews has ended.
        deadline = time.monotonic() + 2.0
        while handler_threads() - handlers_before and time.monotonic() < deadline:
            time.sleep(0.01)
        leaked = handler_threads() - handlers_before
        assert not leaked, f"WebView handler threads still running after close: {leaked}"
        if host.maya is not None:
            assert host.maya.fake.loop.errors == [], "exceptions escaped into the Maya loop"
            assert host.maya.fake.loop.violations == [], "maya.cmds used off the main thread"


class _Maya:
    def __init__(self, fake: Any, cmds: Any, utils: Any) -> None:
        self.fake, self.cmds, self.utils = fake, cmds, utils
