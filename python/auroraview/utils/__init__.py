"""Thread-safety utilities of RFC 0002: main-thread dispatch and the DCC decorators.

Everything a tool author imports for threading comes from here; the implementation is in
``thread_dispatcher/`` (dispatch and host adapters) and ``dcc_thread_safe.py`` (decorators).
"""

from __future__ import annotations

from .dcc_thread_safe import (
    DCCThreadSafeWrapper,
    dcc_thread_safe,
    dcc_thread_safe_async,
    ensure_main_thread,
)
from .thread_dispatcher import (
    current_host,
    get_default_timeout,
    get_dispatcher,
    install_dispatcher,
    is_main_thread,
    pump_main_thread,
    run_main_loop,
    run_on_main_thread,
    run_on_main_thread_sync,
    set_default_timeout,
    shutdown_dispatcher,
    stop_main_loop,
)

__all__ = [
    "DCCThreadSafeWrapper",
    "current_host",
    "dcc_thread_safe",
    "dcc_thread_safe_async",
    "ensure_main_thread",
    "get_default_timeout",
    "get_dispatcher",
    "install_dispatcher",
    "is_main_thread",
    "pump_main_thread",
    "run_main_loop",
    "run_on_main_thread",
    "run_on_main_thread_sync",
    "set_default_timeout",
    "shutdown_dispatcher",
    "stop_main_loop",
]
