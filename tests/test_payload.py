"""JSON encoding of what Python sends to the page (``auroraview._payload.to_json``): the
same text as ``json.dumps`` would give, lone surrogates escaped, every failure a
``PayloadError`` naming the call, cycles refused at once, and encoders that threads (and a
value's own code, encoding again) can use at the same time.

No WebView here: the encoder's answers are checked directly; the suites under
``tests/webview`` and ``tests/adversarial`` check that pages receive them.
"""

from __future__ import annotations

import enum
import json
import sys
import threading
from collections import OrderedDict
from typing import Any

import pytest
from auroraview import _payload
from auroraview._payload import to_json
from auroraview.errors import PayloadError


class Colour(enum.IntEnum):
    RED = 1


class SlowItems(dict):
    """A mapping whose ``items()`` is Python code, so another thread can run mid-encoding."""

    def items(self):  # type: ignore[override]
        out = []
        for key in self:
            out.append((key, self[key]))
        return out


VALUES: list[Any] = [
    None,
    True,
    0,
    -(2**70),
    1.5,
    1e300,
    "",
    "plain",
    "é ünïcode ✓ 🎬",
    'quote " backslash \\ newline \n tab \t nul \x00',
    [],
    {},
    [1, "two", [3.0, None], {"k": False}],
    {"a": 1, "b": {"c": [1, 2, {"d": "e"}]}},
    (1, 2),
    OrderedDict([("z", 1), ("a", 2)]),
    {1: "int key", 2.5: "float key", False: "bool key", None: "none key"},
    Colour.RED,
    SlowItems(x=1, y=[2]),
]


@pytest.mark.parametrize("value", VALUES, ids=[repr(v)[:30] for v in VALUES])
def test_the_text_is_what_json_dumps_gives(value, monkeypatch):
    want = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    assert to_json(value, "x") == want
    # Where the interpreter has no C encoder, the stdlib's JSONEncoder gives the same.
    monkeypatch.setattr(_payload, "_MAKE", None)
    assert to_json(value, "x") == want


def test_a_lone_surrogate_is_sent_escaped_and_other_text_as_is():
    assert to_json(["\ud83d", "é"], "x") == '["\\ud83d","\\u00e9"]'
    assert to_json(["é"], "x") == '["é"]'


@pytest.mark.parametrize(
    ("value", "cause"),
    [
        (float("nan"), "ValueError"),
        (float("inf"), "ValueError"),
        (object(), "TypeError"),
        ({"set": {1, 2}}, "TypeError"),
        ({(1, 2): "tuple key"}, "TypeError"),
    ],
)
def test_values_json_cannot_hold_raise_payload_error_naming_the_call(value, cause):
    with pytest.raises(PayloadError) as info:
        to_json(value, "emit(%r)", "it's 100%")
    message = str(info.value)
    assert message.startswith('emit("it\'s 100%"): '), message
    assert f"({cause}: " in message, message
    assert isinstance(info.value, ValueError)


def test_a_cycle_is_refused_at_once_and_leaves_no_markers_behind():
    looped: list[Any] = [1]
    looped.append(looped)
    node: dict[str, Any] = {"name": "n"}
    node["children"] = [{"parent": node}]
    for value in (looped, node):
        with pytest.raises(PayloadError, match="Circular reference detected"):
            to_json(value, "a Channel message")
    # The failed walks left no ids behind: the same objects encode afterwards.
    looped.pop()
    assert to_json(looped, "x") == "[1]"
    node["children"] = []
    assert to_json([node, node], "x") == '[{"name":"n","children":[]},{"name":"n","children":[]}]'


def test_a_cycle_on_a_thread_with_a_small_stack_is_refused_not_a_crash():
    # Rust's threads default to 2 MiB; from 3.12 the recursion limit assumes 8 MiB, so a
    # cycle walked to the limit crashed such a thread (3.13). Refused at once instead.
    node: dict[str, Any] = {}
    node["self"] = node
    seen: list[Any] = []
    old = threading.stack_size(2 << 20)
    try:
        worker = threading.Thread(target=lambda: seen.append(_raises(node)))
        worker.start()
    finally:
        threading.stack_size(old)
    worker.join(10)
    assert len(seen) == 1 and "Circular reference" in seen[0], seen


def _raises(value: Any) -> str:
    try:
        to_json(value, "x")
    except PayloadError as exc:
        return str(exc)
    return "no error"


def test_a_values_own_code_that_encodes_again_gets_its_own_walk():
    inner: list[str] = []
    entered: list[bool] = []

    class Reentrant(dict):
        def items(self):  # type: ignore[override]
            if not entered:
                entered.append(True)
                inner.append(to_json(outer, "inner"))  # the value being walked, again
            return super().items()

    shared = Reentrant(a=1)
    outer = [shared, 2]
    assert to_json(outer, "outer") == '[{"a":1},2]'
    assert inner == ['[{"a":1},2]']


def test_keyboard_interrupt_from_the_values_own_code_passes_through():
    class Interrupting(dict):
        def items(self):  # type: ignore[override]
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        to_json(Interrupting(a=1), "x")
    assert to_json({"after": True}, "x") == '{"after":true}'


def test_threads_encoding_one_shared_value_at_once_all_get_its_text():
    # Switch threads as often as the interpreter can, so that walks interleave.
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        _encode_from_eight_threads()
    finally:
        sys.setswitchinterval(old)


def _encode_from_eight_threads() -> None:
    shared = SlowItems(a=[SlowItems(b=i) for i in range(20)], c="é")
    want = json.dumps(shared, ensure_ascii=False, separators=(",", ":"))
    go = threading.Barrier(8)
    wrong: list[Any] = []

    def encode() -> None:
        go.wait()
        for _ in range(500):
            try:
                text = to_json(shared, "x")
            except BaseException as exc:
                wrong.append(exc)
                return
            if text != want:
                wrong.append(text)
                return

    threads = [threading.Thread(target=encode) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    assert wrong == []
