"""The type stub ``auroraview/_core.pyi`` names everything the extension exports, so type
checkers and editors see the real API (a new binding without a stub entry fails here)."""

from __future__ import annotations

import inspect
from pathlib import Path

import auroraview
from auroraview import _core

STUB = (Path(auroraview.__file__).parent / "_core.pyi").read_text()


def public(names):
    return [n for n in names if not n.startswith("_")]


def test_every_export_and_method_is_in_the_stub():
    missing = []
    for name in public(dir(_core)):
        obj = getattr(_core, name)
        if not (f"def {name}" in STUB or f"class {name}" in STUB or f"{name}:" in STUB):
            missing.append(name)
        if inspect.isclass(obj):
            for member in public(vars(obj)):
                if f"def {member}" not in STUB and f"{member}:" not in STUB:
                    missing.append(f"{name}.{member}")
    assert missing == []
    assert "def create_webview" in STUB and "class Dispatcher" in STUB
