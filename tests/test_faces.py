"""One face per concept: the WebView's faces share one implementation, the modules import each
other without cycles, and the package keeps its shape (files under 500 lines, functions
under 80).

The faces are ``WebView``, ``WebViewProxy`` (``get_proxy()``) and ``DCCThreadSafeWrapper``
(``thread_safe()``). Their page operations once were copies that drifted apart (``emit``'s
``data`` was sent as ``{}`` by one and ``null`` by another); these tests fail if a face
defines one of them again, or with another signature. (The faces' behaviour on a real
WebView is tested in tests/webview/test_webview_rfc.py.)
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import auroraview
import pytest
from auroraview import DCCThreadSafeWrapper, WebView, WebViewProxy
from auroraview._page import PAGE_OPERATIONS, PageMethods
from auroraview.utils.thread_dispatcher import DCCThreadSafeWrapper as WrapperFromDispatcher

PACKAGE = Path(auroraview.__file__).parent
FACES = (WebView, WebViewProxy, DCCThreadSafeWrapper)


def _function(cls: type, name: str):
    attr = inspect.getattr_static(cls, name)
    return attr.fget if isinstance(attr, property) else attr


@pytest.mark.parametrize("name", PAGE_OPERATIONS)
def test_every_face_has_the_same_signature(name):
    signatures = {face.__name__: inspect.signature(_function(face, name)) for face in FACES}
    reference = inspect.signature(_function(PageMethods, name))
    assert signatures == dict.fromkeys(signatures, reference), name


@pytest.mark.parametrize("name", PAGE_OPERATIONS)
def test_no_face_redefines_a_page_operation(name):
    for face in FACES:
        defined_in = next(k for k in face.__mro__ if name in vars(k))
        assert defined_in is PageMethods, f"{face.__name__}.{name} is defined in {defined_in}"


def test_emit_sends_none_as_none_on_every_face():
    for face in FACES:
        data = inspect.signature(face.emit).parameters["data"]
        assert data.default is None, face


def test_the_wrapper_is_one_class_wherever_it_is_imported_from():
    from auroraview.utils import DCCThreadSafeWrapper as from_utils
    from auroraview.utils.dcc_thread_safe import DCCThreadSafeWrapper as from_module

    assert DCCThreadSafeWrapper is from_utils is from_module is WrapperFromDispatcher


# ----- the import graph -------------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, typing: bool) -> set[str]:
    """The auroraview modules ``path`` imports at module level (not inside functions);
    those under ``if TYPE_CHECKING:`` too when ``typing``."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            nodes = node.body if typing else []
        else:
            nodes = [node]
        for node in nodes:
            _add_import(node, package, found)
    return {m for m in found if m.startswith("auroraview")}


def _add_import(node: ast.stmt, package: str, found: set[str]) -> None:
    if isinstance(node, ast.Import):
        found.update(a.name for a in node.names)
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join(anchor + ([base] if base else []))
        found.add(base)
        found.update(f"{base}.{a.name}" for a in node.names)


def _graph(typing: bool) -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: _imports(path, typing) & set(modules) for name, path in modules.items()}


@pytest.mark.parametrize("typing", [False, True], ids=["run time", "with TYPE_CHECKING"])
def test_webview_and_proxy_do_not_import_each_other_in_a_cycle(typing):
    """The faces do not import ``webview.py``, not even for types; the WebView imports
    them."""
    graph = _graph(typing)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            module = todo.pop()
            for nxt in graph.get(module, ()):
                # A package's __init__ runs first anyway; following it proves nothing.
                if nxt == goal:
                    return True
                if nxt not in seen and not (PACKAGE.parent / nxt.replace(".", "/")).is_dir():
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    assert reaches("auroraview.webview", "auroraview.proxy")
    for face in ("auroraview.proxy", "auroraview._page", "auroraview.utils.dcc_thread_safe"):
        assert not reaches(face, "auroraview.webview"), face


def test_webview_code_knows_no_qt():
    """Qt is the host adapters' business (utils/thread_dispatcher/qt.py) and the widget's
    (qt.py): the WebView's own modules ask the adapter."""
    for name in ("webview", "_page", "_handlers", "_serving", "_creation", "_runtime", "proxy"):
        source = (PACKAGE / f"{name}.py").read_text()
        assert "_qt_binding" not in source and "QtCore" not in source, name


# ----- shape ------------------------------------------------------------------------------------


def test_files_under_500_lines_and_functions_under_80():
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text()
        lines = source.count("\n")
        if lines >= 500:
            too_long.append(f"{path.relative_to(PACKAGE)}: {lines} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                length = (node.end_lineno or node.lineno) - first + 1
                if length >= 80:
                    too_long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert too_long == []


def test_rust_and_bridge_files_under_500_lines():
    """The same limit for the crates' sources and the JS bridge; a file's trailing unit-test
    module does not count (functions: clippy's too_many_lines, clippy.toml)."""
    crates = PACKAGE.parent.parent / "crates"
    too_long = []
    for path in sorted([*crates.rglob("src/**/*.rs"), *crates.rglob("src/**/*.js")]):
        if "tests" in path.relative_to(crates).parts or "fuzz" in path.parts:
            continue
        source = path.read_text()
        code = source.split("\n#[cfg(test)]\nmod tests", 1)[0]
        lines = code.count("\n")
        if lines >= 500:
            too_long.append(f"{path.relative_to(crates)}: {lines} lines")
    assert too_long == []
