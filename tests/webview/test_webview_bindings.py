"""``bind_api(obj, namespace)`` and ``bind_call``: a Python object's public methods as
``auroraview.<namespace>.<method>(...)`` in the page, with positional and keyword
arguments, exceptions rejecting, ``dcc_mode`` and ``@dcc_thread_safe`` honoured, across
reloads and navigation."""

from __future__ import annotations

import pytest
from auroraview.utils import dcc_thread_safe
from wvsupport import MAIN_IDENT, Where

pytestmark = pytest.mark.timeout(60)

PAGE = "<!doctype html><html><body><p>bindings</p></body></html>"
SETTLE = "(p => p.then(v => ['ok', v], e => [e.name, e.message]))"


class SceneApi:
    def __init__(self, where: Where | None = None) -> None:
        self.where = where
        self.items: list[str] = []

    def add(self, name, kind="cube", *, selected=False):
        if self.where is not None:
            self.where(f"add {name}")
        self.items.append(name)
        return {"name": name, "kind": kind, "selected": selected, "count": len(self.items)}

    def fail(self, message):
        raise KeyError(message)

    def nothing(self):
        return None

    @property
    def expensive(self):  # never evaluated by bind_api
        raise AssertionError("a property was evaluated")

    def _private(self):
        return "hidden"


def settle(wv_host, webview, script):
    return wv_host.run_js(webview, f"{SETTLE}({script})")


def test_positional_and_keyword_arguments(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    api = SceneApi()
    assert webview.bind_api(api) == ["api.add", "api.fail", "api.nothing"]
    assert settle(wv_host, webview, "auroraview.api.add('a')") == [
        "ok",
        {"name": "a", "kind": "cube", "selected": False, "count": 1},
    ]
    got = settle(
        wv_host, webview, "auroraview.api.add('b', 'sphere', auroraview.kwargs({selected: true}))"
    )
    assert got == ["ok", {"name": "b", "kind": "sphere", "selected": True, "count": 2}]
    got = settle(wv_host, webview, "auroraview.api.add(auroraview.kwargs({name: 'c'}))")
    assert got[1]["name"] == "c"
    assert settle(wv_host, webview, "auroraview.api.nothing()") == ["ok", None]
    # The same methods through a plain call: a list is positional, an object keywords.
    assert settle(wv_host, webview, "auroraview.call('api.add', ['d', 'cone'])")[1]["kind"] == (
        "cone"
    )
    assert settle(wv_host, webview, "auroraview.call('api.add', {name: 'e'})")[1]["name"] == "e"
    assert api.items == ["a", "b", "c", "d", "e"]


def test_errors_reject_the_promise(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    webview.bind_api(SceneApi())
    assert settle(wv_host, webview, "auroraview.api.fail('gone')") == ["KeyError", "'gone'"]
    got = settle(wv_host, webview, "auroraview.api.add()")
    assert got[0] == "TypeError" and "name" in got[1]
    got = settle(wv_host, webview, "auroraview.api.add('x', auroraview.kwargs({colour: 1}))")
    assert got[0] == "TypeError"
    got = settle(wv_host, webview, "auroraview.api._private()")
    assert got == ["LookupError", "no method '_private' is bound in namespace 'api' (bind_api)"]
    assert settle(wv_host, webview, "auroraview.scene.add('x')")[0] == "LookupError"
    got = settle(wv_host, webview, "auroraview.api.add(() => 1n, 1n)")
    assert got[0] == "TypeError"
    got = wv_host.run_js(webview, "try { auroraview.kwargs(1); 'no' } catch (e) { e.name }")
    assert got == "TypeError"


def test_namespaces_bind_call_and_rebinding(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    webview.bind_api(SceneApi(), namespace="scene")

    class Tools:
        def version(self):
            return 1

    webview.bind_api(Tools(), namespace="tools")

    @webview.bind_call("ping")
    def ping(data):
        return ["pong", data]

    assert settle(wv_host, webview, "auroraview.scene.add('x')")[0] == "ok"
    assert settle(wv_host, webview, "auroraview.tools.version()") == ["ok", 1]
    assert settle(wv_host, webview, "auroraview.call('ping', 3)") == ["ok", ["pong", 3]]

    class Tools2:
        def version(self):
            return 2

    webview.bind_api(Tools2(), namespace="tools")
    assert settle(wv_host, webview, "auroraview.tools.version()") == ["ok", 2]
    webview.unbind_api("tools")
    assert settle(wv_host, webview, "auroraview.tools.version()")[0] == "LookupError"
    for bad in ("call", "emit", "kwargs", "then", "toString", "a.b", "", 3):
        with pytest.raises(ValueError):
            webview.bind_api(Tools(), namespace=bad)


def test_bindings_survive_reload_and_navigation(wv_host):
    webview = wv_host.open_ready(html=PAGE)
    webview.bind_api(SceneApi())
    assert settle(wv_host, webview, "auroraview.api.add('before')")[1]["count"] == 1
    webview.reload()
    wv_host.wait_js(webview, "auroraview.whenReady().then(() => 1)", 1)
    assert settle(wv_host, webview, "auroraview.api.add('reloaded')")[1]["count"] == 2
    webview.load_html("<!doctype html><p>another page</p>")
    wv_host.wait_js(
        webview, "auroraview.whenReady().then(() => document.body.textContent)", "another page"
    )
    assert settle(wv_host, webview, "auroraview.api.add('navigated')")[1]["count"] == 3


@pytest.mark.parametrize("wv_host", ["standalone", "qt", "maya"], indirect=True)
def test_dcc_mode_runs_methods_on_the_main_thread(wv_host):
    where = Where()
    webview = wv_host.open_ready(html=PAGE, dcc_mode=True)
    webview.bind_api(SceneApi(where))
    assert settle(wv_host, webview, "auroraview.api.add('m')")[0] == "ok"
    assert where.all_on_main(), where.seen


def test_dcc_thread_safe_methods_run_on_the_main_thread_with_their_self(wv_host):
    seen = []

    class Api:
        def __init__(self):
            self.tag = "mine"

        @dcc_thread_safe
        def on_main(self, x):
            import threading

            seen.append(threading.get_ident())
            return [self.tag, x]

        def anywhere(self):
            import threading

            return threading.get_ident() == MAIN_IDENT

    webview = wv_host.open_ready(html=PAGE)
    webview.bind_api(Api())
    assert settle(wv_host, webview, "auroraview.api.on_main(1)") == ["ok", ["mine", 1]]
    assert seen == [MAIN_IDENT]
    assert settle(wv_host, webview, "auroraview.api.anywhere()") == ["ok", False]
