"""The boundary with the extension agrees on both sides: the sink method names the runtime
calls (``_core.SINK_METHODS``) are the ``WebViewSink`` protocol's, the spec keys typed in
``WebViewSpec``/``WindowOptions`` are the ones the Rust side reads, and the exception
classes it raises exist. The stub itself is checked against the built extension by
``mypy.stubtest`` in ``make lint``."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from auroraview import _core, errors
from auroraview._core_types import (
    DialogSpec,
    RuntimeStats,
    WebViewSink,
    WebViewSpec,
    WindowOptions,
)
from auroraview._router import Router


def protocol_methods(protocol: type) -> set[str]:
    return {
        name
        for name, member in vars(protocol).items()
        if inspect.isfunction(member) and not name.startswith("__")
    }


def test_the_runtime_calls_exactly_the_protocols_methods():
    assert len(_core.SINK_METHODS) == len(set(_core.SINK_METHODS)) == 6
    assert set(_core.SINK_METHODS) == protocol_methods(WebViewSink)


def test_the_router_implements_every_sink_method():
    router = Router({}, dcc_mode=False)
    for name in _core.SINK_METHODS:
        assert callable(getattr(router, name)), name


def test_every_error_class_the_extension_raises_exists():
    assert "WebViewClosedError" in _core.ERROR_CLASSES
    assert len(_core.ERROR_CLASSES) == len(set(_core.ERROR_CLASSES))
    for name in _core.ERROR_CLASSES:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.AuroraViewError), name
        assert name in errors.__all__


class _Sink:
    def _on_call(self, call):
        call.reject("Error", "unused")

    def _on_event(self, name, data_json):
        pass

    def _on_closed(self):
        pass


class _Wrong:
    """A value no spec key accepts."""


@pytest.mark.parametrize("key", sorted(WebViewSpec.__annotations__))
def test_every_typed_spec_key_is_read_by_the_runtime(key):
    # A known key with a value of the wrong type fails to convert (TypeError); an unknown
    # key would be a ValueError. Both come before any runtime is needed.
    with pytest.raises(TypeError):
        _core.create_webview({key: _Wrong()}, _Sink())


@pytest.mark.parametrize("key", sorted(WindowOptions.__annotations__))
def test_every_typed_window_option_is_read_by_the_runtime(key):
    with pytest.raises(TypeError):
        _core.create_webview({"window": {key: _Wrong()}}, _Sink())


def test_an_unknown_key_is_a_value_error_naming_it():
    with pytest.raises(ValueError, match='unknown WebView option "colour"'):
        _core.create_webview({"colour": "red"}, _Sink())
    with pytest.raises(ValueError, match='unknown window option "colour"'):
        _core.create_webview({"window": {"colour": "red"}}, _Sink())


@pytest.mark.parametrize("timeout", [-1.0, float("nan"), float("inf")])
def test_a_bad_timeout_is_a_value_error_in_seconds(timeout):
    with pytest.raises(ValueError, match="timeout must be a finite number of seconds >= 0"):
        _core.create_webview({}, _Sink(), timeout)


SPEC_RS = Path(__file__).resolve().parent.parent / "crates/auroraview-python/src/spec.rs"


def keys_read_by(function: str) -> set[str]:
    """The keys a reader in spec.rs matches on (``"key" =>`` arms of its ``match key``)."""
    source = SPEC_RS.read_text()
    body = source.split(f"fn {function}(", 1)[1].split("\nfn ", 1)[0].split("\npub", 1)[0]
    arms = re.findall(r'^( *)"([a-z_]+)" =>', body.split("match key.as_str() {", 1)[1], re.M)
    # Only the arms of that match (its first arm's indentation), not of matches nested in them.
    return {key for indent, key in arms if indent == arms[0][0]} if arms else set()


@pytest.mark.parametrize(
    ("function", "typed"),
    [
        ("webview_spec", WebViewSpec),
        ("window_options", WindowOptions),
        ("dialog_spec", DialogSpec),
    ],
)
def test_every_key_the_runtime_reads_is_typed(function, typed):
    # The other direction of the checks above: a key Rust reads that the TypedDict lacks
    # would type-check wrongly (mypy would refuse a caller passing it).
    read = keys_read_by(function)
    assert read, f"no keys found in {function}: has spec.rs changed shape?"
    assert read == set(typed.__annotations__), sorted(read ^ set(typed.__annotations__))


def test_runtime_stats_has_exactly_the_typed_keys():
    assert set(_core.runtime_stats()) == set(RuntimeStats.__annotations__)
