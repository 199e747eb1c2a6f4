"""Calling user callbacks where auroraview must go on whatever they do.

Lives here: :func:`run_callback`, used wherever a callback's outcome must not stop
auroraview (an ``eval_js_async`` callback, an ``on_closed`` callback, settling a Future).
Must not live here: deciding which thread runs a callback (``_router.py``, the dispatcher).
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Optional

from ._describe import type_name

logger = logging.getLogger("auroraview.webview")


def run_callback(callback: Callable[..., Any], what: str, *args: Any) -> Optional[Any]:
    """``callback(*args)``; whatever it raises (BaseException included) is logged and the
    caller goes on (then None is returned)."""
    try:
        return callback(*args)
    except BaseException as exc:
        logger.warning("auroraview: %s raised %s", what, type_name(exc), exc_info=exc)
        return None
