"""Text about objects that user code controls, made without ever raising.

An exception's ``__str__``, a class's ``__name__`` (through a metaclass) and a value's
``__repr__`` are user code: they can raise anything, ``BaseException`` included. auroraview
describes such objects where it must always go on (rejecting a page call, logging a failed
callback), so the helpers here fall back to a plain description instead of raising.

What must not live here: anything that decides what to do with an error.
"""

from __future__ import annotations

from typing import Any


def type_name(obj: Any) -> str:
    """The name of ``obj``'s type, or ``"object"`` when even that cannot be read."""
    try:
        name = type(obj).__name__
        return name if isinstance(name, str) else "object"
    except BaseException:
        return "object"


def describe(exc: BaseException) -> str:
    """``str(exc)``; when that raises (or returns a non-str), a description saying so."""
    try:
        text = str(exc)
        if isinstance(text, str):
            return text
    except BaseException:
        pass
    return f"<{type_name(exc)} whose message cannot be shown: its __str__ failed>"
