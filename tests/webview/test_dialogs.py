"""Native dialogs, answered with real keyboard input (XTEST through xdotool) the way a user
would: from Python on any thread (a Future, or a bounded wait), and from the page
(``auroraview.dialog.*`` Promises); parented to the WebView's window, or to the host's
top-level window when docked; dismissed when nobody waits any more or the WebView closes.

The main thread keeps serving while a dialog is open (in hosted mode it is the thread that
shows it), so the input is typed from another thread.
"""

from __future__ import annotations

import threading
import time

import pytest
from wvsupport import MAIN_IDENT
from xinput import find_window, window_property, xdotool


def _answer(title: str, *keys: str) -> threading.Thread:
    """Types ``keys`` into the dialog titled ``title`` once it is on the screen, from a
    thread of its own (``type:TEXT`` types text; anything else is a key name)."""
    done: dict = {}

    def run():
        xid = find_window(title, timeout=15)
        done["xid"] = xid
        if xid is None:
            return
        xdotool("windowfocus", "--sync", str(xid))
        for key in keys:
            if key.startswith("type:"):
                xdotool("type", "--delay", "15", key[5:])
            else:
                xdotool("key", key)
            time.sleep(0.25)

    thread = threading.Thread(target=run, name=f"answer-{title}", daemon=True)
    thread.done = done
    thread.start()
    return thread


def _window(wv_host, title, timeout=10.0):
    """The dialog's X id, looked for from another thread while this one serves (in hosted
    mode it is the thread that shows the dialog)."""
    box: dict = {}
    finder = threading.Thread(target=lambda: box.setdefault("xid", find_window(title, timeout)))
    finder.start()
    wv_host.serve_until(lambda: not finder.is_alive(), timeout + 2)
    finder.join(1)
    return box.get("xid")


def _shown(wv_host, title):
    webview = wv_host.open(title=title, html="<p>panel</p>", position=(0, 0))
    webview.show(block=False)
    wv_host.wait_ready(webview)
    return webview


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "plate.exr").write_text("x")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    return tmp_path


def test_file_dialogs_answered_by_the_keyboard(wv_host, folder):
    webview = _shown(wv_host, "dialogs-files")
    cases = [
        (
            lambda: webview.dialog.open_file_async(
                title="Open plate", default_path=folder, filters={"Images": ["exr"]}
            ),
            "Open plate",
            ["ctrl+l", f"type:{folder}/plate.exr", "Return"],
            [str(folder / "plate.exr")],
        ),
        (
            lambda: webview.dialog.save_file_async(
                title="Save notes", default_path=folder / "new notes.txt"
            ),
            "Save notes",
            ["Return"],
            [str(folder / "new notes.txt")],
        ),
        (
            lambda: webview.dialog.pick_folder_async(title="Pick folder", default_path=folder),
            "Pick folder",
            ["ctrl+l", f"type:{folder}/sub/", "Return"],
            [str(folder / "sub")],
        ),
        (
            lambda: webview.dialog.open_file_async(title="Cancel me", default_path=folder),
            "Cancel me",
            ["Escape"],
            None,
        ),
    ]
    for show, title, keys, expected in cases:
        future = show()
        typist = _answer(title, *keys)
        assert wv_host.serve_until(future.done, 20), f"{title}: no answer"
        typist.join(10)
        assert future.result(0) == expected, title
        wv_host.serve_for(0.2)
        assert find_window(title, timeout=0.2) is None, f"{title} is still on the screen"


def test_message_and_confirm(wv_host):
    webview = _shown(wv_host, "dialogs-messages")
    for show, title, keys, expected in [
        (
            lambda: webview.dialog.confirm_async("Replace?", title="Ask OK"),
            "Ask OK",
            ["Return"],
            True,
        ),
        (
            lambda: webview.dialog.confirm_async("Replace?", title="Ask cancel"),
            "Ask cancel",
            ["Escape"],
            False,
        ),
        (
            lambda: webview.dialog.message_async("Done", title="Tell", level="warning"),
            "Tell",
            ["Return"],
            True,
        ),
    ]:
        future = show()
        typist = _answer(title, *keys)
        assert wv_host.serve_until(future.done, 20), title
        typist.join(10)
        assert future.result(0) is expected, title


def test_a_blocking_dialog_from_a_worker_thread(wv_host, folder):
    webview = _shown(wv_host, "dialogs-worker")
    result: dict = {}

    def worker():
        result["path"] = webview.dialog.open_file(title="Worker open", default_path=folder)
        result["thread"] = threading.get_ident()

    thread = threading.Thread(target=worker, name="tool-worker")
    thread.start()
    _answer("Worker open", "ctrl+l", f"type:{folder}/notes.txt", "Return")
    assert wv_host.serve_until(lambda: "path" in result, 20)
    thread.join(5)
    assert result["path"] == str(folder / "notes.txt")
    assert result["thread"] != MAIN_IDENT


def test_blocking_on_the_hosted_main_thread_is_refused(wv_host):
    from auroraview.errors import WrongThreadError

    webview = _shown(wv_host, "dialogs-main")
    if wv_host.mode != "hosted":
        pytest.skip("own mode: the main thread may wait (the UI thread is another)")
    with pytest.raises(WrongThreadError, match="_async"):
        webview.dialog.confirm("Sure?")


def test_an_unanswered_dialog_is_dismissed_at_its_timeout(wv_host):
    from auroraview.errors import DialogTimeoutError

    webview = _shown(wv_host, "dialogs-timeout")
    future = webview.dialog.confirm_async("Anyone?", title="Nobody answers", timeout=0.5)
    assert _window(wv_host, "Nobody answers") is not None
    assert wv_host.serve_until(future.done, 10)
    with pytest.raises(DialogTimeoutError):
        future.result(0)
    wv_host.serve_for(0.3)
    assert find_window("Nobody answers", timeout=0.2) is None


def test_closing_the_webview_ends_its_dialogs(wv_host):
    from auroraview.errors import WebViewClosedError

    webview = _shown(wv_host, "dialogs-close")
    future = webview.dialog.open_file_async(title="Left open")
    assert _window(wv_host, "Left open") is not None
    webview.close()
    assert wv_host.serve_until(future.done, 10)
    with pytest.raises(WebViewClosedError):
        future.result(0)
    wv_host.serve_for(0.3)
    assert find_window("Left open", timeout=0.3) is None


def test_dialogs_are_transient_for_the_panel_window(wv_host):
    webview = _shown(wv_host, "dialogs-parent")
    panel = find_window("dialogs-parent")
    future = webview.dialog.confirm_async("Parent?", title="Whose child")
    dialog = _window(wv_host, "Whose child")
    assert dialog is not None
    assert window_property(dialog, "WM_TRANSIENT_FOR").endswith(hex(panel)), (
        window_property(dialog, "WM_TRANSIENT_FOR"),
        hex(panel),
    )
    _answer("Whose child", "Escape")
    assert wv_host.serve_until(future.done, 10)


def test_a_docked_webview_parents_its_dialogs_to_the_host_window(wv_host):
    host = wv_host.parent_window()
    webview = wv_host.open(parent=host, html="<p>docked</p>")
    webview.show(block=False)
    future = webview.dialog.confirm_async("Docked?", title="Docked child")
    dialog = _window(wv_host, "Docked child")
    assert dialog is not None
    assert window_property(dialog, "WM_TRANSIENT_FOR").endswith(hex(host)), (
        window_property(dialog, "WM_TRANSIENT_FOR"),
        hex(host),
    )
    _answer("Docked child", "Return")
    assert wv_host.serve_until(future.done, 10)
    assert future.result(0) is True


def test_the_page_opens_dialogs_with_promises(wv_host, folder):
    webview = _shown(wv_host, "dialogs-page")
    wv_host.run_js(
        webview,
        "window.out = {};"
        f"auroraview.dialog.open({{title: 'Page open', defaultPath: {str(folder)!r},"
        " filters: [{name: 'Text', extensions: ['txt']}]})"
        ".then(p => window.out.open = p, e => window.out.open = 'error ' + e.name); 1",
    )
    _answer("Page open", "ctrl+l", f"type:{folder}/notes.txt", "Return")
    wv_host.wait_js(webview, "window.out.open", str(folder / "notes.txt"), 20)
    # One at a time: a second request while one is open is refused.
    wv_host.run_js(
        webview,
        "auroraview.dialog.confirm({title: 'Page confirm', message: 'Go?'})"
        ".then(v => window.out.confirm = v); "
        "auroraview.dialog.message({message: 'x'})"
        ".then(() => window.out.busy = 'opened', e => window.out.busy = e.name); 1",
    )
    wv_host.wait_js(webview, "window.out.busy", "BusyError", 10)
    _answer("Page confirm", "Return")
    wv_host.wait_js(webview, "window.out.confirm", True, 20)
    # Bad options from the page are refused with a TypeError.
    wv_host.run_js(
        webview,
        "auroraview.dialog.open({title: 5}).catch(e => window.out.bad = e.name); 1",
    )
    wv_host.wait_js(webview, "window.out.bad", "TypeError", 10)


def test_bad_arguments_are_refused_at_once(wv_host):
    webview = wv_host.open(title="dialogs-bad")
    with pytest.raises(TypeError):
        webview.dialog.open_file_async(title=3)
    with pytest.raises(TypeError):
        webview.dialog.open_file_async(filters={"Images": [5]})
    with pytest.raises(ValueError, match="message level"):
        webview.dialog.message_async("x", level="loud")


def test_every_typed_dialog_key_is_read_by_the_runtime(wv_host):
    """``DialogSpec`` (``auroraview/_core_types.py``) names the keys the Rust side reads: each
    with a value of the wrong type is a TypeError (an unknown key would be a ValueError),
    refused before any dialog shows; the callback is never called."""
    from auroraview._core_types import DialogSpec

    class Wrong:
        pass

    webview = wv_host.open(title="dialogs-keys")
    called = []
    keys = sorted(DialogSpec.__annotations__)
    assert "kind" in keys and "level" in keys
    for key in keys:
        with pytest.raises(TypeError):
            webview._core.dialog({"kind": "message", key: Wrong()}, called.append, 5.0)
    with pytest.raises(ValueError, match="unknown dialog option"):
        webview._core.dialog({"kind": "message", "colour": "red"}, called.append, 5.0)
    assert called == []
