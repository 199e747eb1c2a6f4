"""``bind_api``: the public methods of a Python object as ``auroraview.<namespace>.<method>``
in the page, each returning a Promise.

The page calls ``auroraview.api.export(path, auroraview.kwargs({"frames": 10}))``; Python
runs ``obj.export(path, frames=10)``. Bindings live in Python, keyed ``"namespace.method"``:
the bridge turns any property of ``auroraview.<namespace>`` into a call of that name, so they
need no page code and survive reloads and navigation. They are routed like handlers
(``dcc_mode``, ``@dcc_thread_safe``, ``async def``, a ``Channel`` parameter).

What must not live here: routing calls (``_router.py``).
"""

from __future__ import annotations

import inspect
import re
from typing import Any, Callable

#: Names the bridge itself defines, or every JavaScript object has: never a namespace.
RESERVED = frozenset(
    {"call", "on", "off", "once", "emit", "whenReady", "kwargs", "options", "dialog", "then"}
    | {"constructor", "toString", "toLocaleString", "valueOf", "hasOwnProperty"}
    | {"isPrototypeOf", "propertyIsEnumerable", "__proto__", "__defineGetter__"}
    | {"__defineSetter__", "__lookupGetter__", "__lookupSetter__"}
)

_NAME = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def check_namespace(namespace: Any) -> str:
    if not isinstance(namespace, str) or not _NAME.match(namespace):
        raise ValueError(
            f"namespace must be a JavaScript identifier such as 'api', not {namespace!r}"
        )
    if namespace in RESERVED:
        raise ValueError(
            f"namespace {namespace!r} is taken by the bridge (auroraview.{namespace}); "
            f"choose another name"
        )
    return namespace


def methods_of(obj: Any) -> dict[str, Callable[..., Any]]:
    """The public callables of ``obj`` (names not starting with ``_``), without evaluating
    its properties."""
    out: dict[str, Callable[..., Any]] = {}
    for name in dir(obj):
        if name.startswith("_") or name in ("then",):
            continue
        try:
            static = inspect.getattr_static(obj, name)
        except AttributeError:
            continue
        if isinstance(static, property):
            continue
        try:
            value = getattr(obj, name)
        except Exception:
            continue
        if callable(value) and not inspect.isclass(value):
            out[name] = value
    return out
