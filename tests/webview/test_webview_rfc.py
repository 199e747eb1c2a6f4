"""Every code example of RFC 0002 (sections 1-4, the migration guide's "Before" and its three
"After" options), run as written against a real WebView whose page calls it.

The examples call ``maya.cmds``: they run with the fake Maya of ``tests/fake_hosts``, whose
commands raise off the main thread, and the main thread is served by each real loop in
turn: a standalone script (``run_main_loop``), a Qt application (the DCC main thread
is a Qt event loop) and the fake Maya's own loop (``maya.utils.executeDeferred``). So "runs
on the main thread" is checked by Maya itself, and recorded per call besides.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from auroraview.utils import dcc_thread_safe, run_on_main_thread_sync
from wvsupport import MAIN_IDENT, PageServer, Where, join_all, start_threads

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.parametrize("wv_host", ["standalone", "qt", "maya"], indirect=True),
]

PAGE = """<!doctype html><html><body><div id="status">idle</div><script>
window.got = [];
auroraview.on("status", function (d) { got.push(["status", d]); });
function updateStatus(s) {
  document.getElementById("status").textContent = s;
  got.push(["updateStatus", s]);
}
</script></body></html>"""


class Scene:
    """The fake Maya's ``cmds``, with ``cmds.file`` added, recording every command and the
    thread it ran on (Maya's commands raise off the main thread)."""

    def __init__(self, cmds: Any, fake: Any) -> None:
        self.cmds, self.fake = cmds, fake
        self.calls: list[tuple[str, Any, int]] = []
        self.path = "untitled.ma"

    def file(self, rename: Any = None, save: bool = False, **flags: Any) -> Any:
        self.fake.loop.require_main("maya.cmds.file")
        call = {k: v for k, v in (("rename", rename), ("save", save)) if v} | flags
        self.calls.append(("file", call, threading.get_ident()))
        if rename:
            self.path = rename
            return rename
        return self.path

    def wrap(self, name: str) -> Any:
        original = getattr(self.cmds, name)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)  # raises off the main thread
            self.calls.append((name, args, threading.get_ident()))
            return result

        return recorded


@pytest.fixture
def maya_scene(wv_host, monkeypatch):
    """``maya.cmds`` importable for the examples: the fake Maya's, whichever loop serves."""
    if wv_host.maya is not None:
        scene = Scene(wv_host.maya.cmds, wv_host.maya.fake)
        stack = None
    else:
        import contextlib

        from fake_hosts.conftest_helpers import installed

        stack = contextlib.ExitStack()
        maya, _utils, cmds = stack.enter_context(
            installed("maya", ["maya", "maya.utils", "maya.cmds"])
        )
        scene = Scene(cmds, maya._fake)
    monkeypatch.setattr(scene.cmds, "file", scene.file, raising=False)
    for name in ("polyCube", "ls"):
        monkeypatch.setattr(scene.cmds, name, scene.wrap(name))
    try:
        yield scene
        assert scene.fake.loop.violations == [], "maya.cmds used off the main thread"
    finally:
        if stack is not None:
            stack.close()


def test_section_1_dcc_thread_safe_handler(wv_host, maya_scene):
    dcc_hwnd = wv_host.parent_window()
    # --- RFC 0002, section 1, as written (plus html= for the page) ---
    from auroraview.utils import dcc_thread_safe

    webview = wv_host.open(parent=dcc_hwnd, html=PAGE)

    @webview.on("save_scene")
    @dcc_thread_safe  # Automatically runs on DCC main thread
    def handle_save(data):
        import maya.cmds as cmds

        path = data.get("path")
        cmds.file(rename=path)
        cmds.file(save=True)
        return {"status": "saved", "path": path}

    # ---
    assert wv_host.serve_until(lambda: wv_host.embedded_in(dcc_hwnd), 5)
    wv_host.wait_ready(webview)
    result = wv_host.run_js(webview, "auroraview.call('save_scene', {path: '/shots/a010.ma'})")
    assert result == {"status": "saved", "path": "/shots/a010.ma"}
    assert maya_scene.calls == [
        ("file", {"rename": "/shots/a010.ma"}, MAIN_IDENT),
        ("file", {"save": True}, MAIN_IDENT),
    ]
    # The decorated function also works called directly, from a worker.
    out: list = []
    workers = start_threads(lambda _: out.append(handle_save({"path": "/shots/b.ma"})), 1)
    assert wv_host.serve_until(lambda: out, 10)
    join_all(workers)
    assert out == [{"status": "saved", "path": "/shots/b.ma"}]
    assert [c[2] for c in maya_scene.calls] == [MAIN_IDENT] * 4


def test_section_2_dcc_mode(wv_host, maya_scene):
    dcc_hwnd = wv_host.parent_window()
    # --- RFC 0002, section 2, as written ---
    # Enable DCC mode - all callbacks automatically run on main thread
    webview = wv_host.open(
        parent=dcc_hwnd,
        dcc_mode=True,  # Enable automatic thread marshaling
        html=PAGE,
    )

    # No decorator needed - automatically thread-safe
    @webview.on("create_object")
    def handle_create(data):
        import maya.cmds as cmds

        return cmds.polyCube()[0]

    # ---
    assert webview.dcc_mode is True
    assert wv_host.serve_until(lambda: wv_host.embedded_in(dcc_hwnd), 5)
    wv_host.wait_ready(webview)
    # Three concurrent calls: each runs once, on the main thread, in call order.
    names = wv_host.run_js(
        webview, "Promise.all([1, 2, 3].map(() => auroraview.call('create_object', {})))"
    )
    assert names == ["pCube1", "pCube2", "pCube3"]
    # A page event reaches the same handler, on the main thread too.
    wv_host.run_js(webview, "auroraview.emit('create_object', {}); true")
    assert wv_host.serve_until(lambda: len(maya_scene.calls) == 4, 10)
    assert maya_scene.calls == [("polyCube", (), MAIN_IDENT)] * 4
    assert "pCube4" in maya_scene.fake.scene


def test_section_3_thread_safe_wrapper(wv_host, maya_scene):
    server = PageServer()
    server.pages["/example.html"] = "<!doctype html><title>example</title><p>example</p>"
    try:
        # --- RFC 0002, section 3, as written (a local page instead of example.com) ---
        webview = wv_host.open(html=PAGE)

        # Get a thread-safe wrapper for cross-thread calls
        safe_webview = webview.thread_safe()
        # ---
        wv_host.wait_ready(webview)
        done: list = []
        where = Where()

        def worker(_: int) -> None:
            where("worker")
            # --- Can be called from any thread ---
            safe_webview.eval_js("console.log('Hello')")  # Thread-safe
            safe_webview.emit("status", {"ready": True})  # Thread-safe
            # ---
            done.append(safe_webview.eval_js_sync("window.got"))
            safe_webview.load_url(server.url("/example.html"))  # Thread-safe

        workers = start_threads(worker, 1)
        assert wv_host.serve_until(lambda: done, 10)
        join_all(workers)
        assert done == [[["status", {"ready": True}]]]
        assert where.seen[0][1] != MAIN_IDENT
        # The page the wrapper loaded is trusted (the application loaded it): bridge works.
        assert wv_host.serve_until(lambda: "/example.html" in server.requests, 10)
        calls: list = []
        webview.on("where")(lambda data: calls.append(data) or "here")
        wv_host.wait_js(webview, "document.title", "example")
        assert wv_host.run_js(webview, "auroraview.call('where', location.pathname)") == "here"
        assert calls == ["/example.html"]
        assert maya_scene.calls == []
    finally:
        server.close()


def test_section_4_dcc_aware_proxy(wv_host, maya_scene):
    webview = wv_host.open(html=PAGE)
    where = Where()

    def handle_scene_change(data):
        where("scene_changed")
        import maya.cmds as cmds

        return {"seen": data, "nodes": cmds.ls()}

    def get_scene_info():
        where("get_scene_info")
        import maya.cmds as cmds

        return {"nodes": cmds.ls(), "path": maya_scene.path}

    # --- RFC 0002, section 4, as written ---
    proxy = webview.get_proxy()

    # Register a callback that runs on DCC main thread
    proxy.on_dcc_main_thread("scene_changed", handle_scene_change)

    # Emit event and get result on DCC main thread
    result = proxy.call_on_dcc_main_thread(get_scene_info)
    # ---
    assert result == {"nodes": [], "path": "untitled.ma"}  # inline: called on the main thread
    wv_host.wait_ready(webview)
    answer = wv_host.run_js(webview, "auroraview.call('scene_changed', {frame: 12})")
    assert answer == {"seen": {"frame": 12}, "nodes": []}
    wv_host.run_js(webview, "auroraview.emit('scene_changed', {frame: 13}); true")
    assert wv_host.serve_until(lambda: len(where.seen) == 3, 10)
    # From a worker, the proxy's call waits for the main thread (served by the loop).
    from_worker: list = []

    def worker(_: int) -> None:
        from_worker.append(proxy.call_on_dcc_main_thread(get_scene_info, timeout=10))

    workers = start_threads(worker, 1)
    assert wv_host.serve_until(lambda: from_worker, 10)
    join_all(workers)
    assert from_worker == [{"nodes": [], "path": "untitled.ma"}]
    assert where.labels() == ["get_scene_info", "scene_changed", "scene_changed", "get_scene_info"]
    assert where.all_on_main()
    assert [c[0] for c in maya_scene.calls] == ["ls"] * 4


def test_migration_before(wv_host, maya_scene):
    hwnd = wv_host.parent_window()
    # --- RFC 0002, migration guide, "Before", as written (plus html= for the page) ---
    webview = wv_host.open(parent=hwnd, html=PAGE)
    proxy = webview.get_proxy()

    # Must manually ensure thread safety
    @webview.on("create_object")
    def handle_create(data):
        # This might be called from WebView thread!
        # Need to manually dispatch to main thread
        def _create():
            import maya.cmds as cmds

            return cmds.polyCube()[0]

        return run_on_main_thread_sync(_create)

    # Background thread must use proxy
    def background_work():
        proxy.eval_js("updateStatus('working')")

    # ---
    wv_host.wait_ready(webview)
    assert wv_host.run_js(webview, "auroraview.call('create_object', {})") == "pCube1"
    workers = start_threads(lambda _: background_work(), 1)
    join_all(workers)
    assert wv_host.run_js(webview, "document.getElementById('status').textContent") == "working"
    assert maya_scene.calls == [("polyCube", (), MAIN_IDENT)]


def test_migration_after_all_three_options(wv_host, maya_scene):
    hwnd = wv_host.parent_window()
    # --- RFC 0002, migration guide, "After", as written (plus html= for the page) ---
    # Option 1: Enable dcc_mode
    webview = wv_host.open(parent=hwnd, dcc_mode=True, html=PAGE)

    @webview.on("create_object")
    def handle_create(data):
        # Automatically runs on main thread!
        import maya.cmds as cmds

        return cmds.polyCube()[0]

    # Option 2: Use thread_safe() wrapper
    safe = webview.thread_safe()
    safe.eval_js("updateStatus('working')")  # Thread-safe!

    # Option 3: Use decorator explicitly
    from auroraview.utils import dcc_thread_safe

    @webview.on("export")
    @dcc_thread_safe
    def handle_export(data):
        import maya.cmds as cmds

        cmds.file(save=True)

    # ---
    assert wv_host.serve_until(lambda: wv_host.embedded_in(hwnd), 5)
    wv_host.wait_ready(webview)
    # Option 2 was queued before the page was ready: it ran once the page was.
    assert wv_host.run_js(webview, "window.got") == [["updateStatus", "working"]]
    assert wv_host.run_js(webview, "auroraview.call('create_object', {})") == "pCube1"
    assert wv_host.run_js(webview, "auroraview.call('export', {})") is None
    # Option 2 from another thread too.
    workers = start_threads(lambda _: safe.eval_js("updateStatus('from a worker')"), 1)
    join_all(workers)
    assert wv_host.run_js(webview, "document.getElementById('status').textContent") == (
        "from a worker"
    )
    assert maya_scene.calls == [
        ("polyCube", (), MAIN_IDENT),
        ("file", {"save": True}, MAIN_IDENT),
    ]


def test_dcc_thread_safe_is_not_double_wrapped_in_dcc_mode(wv_host, maya_scene):
    """``@dcc_thread_safe`` handlers in a ``dcc_mode`` WebView run once, on the main
    thread, without blocking the handler thread in the decorator's wait."""
    webview = wv_host.open(dcc_mode=True, html=PAGE)
    where = Where()

    @webview.on("both")
    @dcc_thread_safe
    def both(data):
        where("both")
        import maya.cmds as cmds

        return cmds.polyCube(name=data)[0]

    wv_host.wait_ready(webview)
    got = wv_host.run_js(webview, "Promise.all(['a', 'b'].map(n => auroraview.call('both', n)))")
    assert got == ["a", "b"]
    assert where.labels() == ["both", "both"] and where.all_on_main()
