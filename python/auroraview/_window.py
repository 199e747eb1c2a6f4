"""Options of a top-level WebView window (frameless, always on top, position, size limits,
icon, maximised, transparent), checked and turned into the runtime's spec.

Platform notes (see docs/webview.md): on Linux (GTK) every option is a request to the window
manager: without one (a bare Xvfb) the hints are set on the window but nothing enforces
them; ``transparent`` needs a compositing manager to show through. They apply to top-level
WebViews only: an embedded one (``parent=``, ``QtWebView``) ignores them with a warning.
Implemented on Linux only so far. What must not live here: toolkit code (Rust).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Optional, Union

if TYPE_CHECKING:
    from ._core_types import WindowOptions

Pair = Optional[tuple[int, int]]


def _pair(name: str, value: Any, positive: bool) -> Pair:
    if value is None:
        return None
    try:
        a, b = value
        pair = (int(a), int(b))
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a pair of integers such as (100, 200), not {value!r}"
        ) from None
    if positive and (pair[0] < 0 or pair[1] < 0):
        raise ValueError(f"{name} must not be negative, got {pair}")
    return pair


def window_options(
    *,
    frameless: bool = False,
    always_on_top: bool = False,
    position: Any = None,
    min_size: Any = None,
    max_size: Any = None,
    icon: Optional[Union[str, os.PathLike[str]]] = None,
    maximized: bool = False,
    transparent: bool = False,
) -> WindowOptions:
    """The spec's ``window`` entry; raises TypeError/ValueError for bad options."""
    options: WindowOptions = {
        "frameless": bool(frameless),
        "always_on_top": bool(always_on_top),
        "maximized": bool(maximized),
        "transparent": bool(transparent),
        "position": _pair("position", position, positive=False),
        "min_size": _pair("min_size", min_size, positive=True),
        "max_size": _pair("max_size", max_size, positive=True),
    }
    lo, hi = options["min_size"], options["max_size"]
    if lo and hi and (lo[0] > hi[0] or lo[1] > hi[1]):
        raise ValueError(f"min_size {lo} is larger than max_size {hi}")
    if icon is not None:
        path = os.fspath(icon)
        if not os.path.isfile(path):
            raise ValueError(f"icon {path!r} is not a file")
        options["icon"] = os.path.abspath(path)
    return options
