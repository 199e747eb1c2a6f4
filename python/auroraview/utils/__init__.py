"""Thread-safety utilities of RFC 0002: main-thread dispatch and the DCC decorators.

Everything a tool author imports for threading comes from here; the implementation is in
``thread_dispatcher/`` (dispatch, host adapters, AuroraView 0.5's backend registry) and
``dcc_thread_safe.py`` (decorators). The complete AuroraView 0.5 dispatcher API, errors and
backend classes included, is importable from ``auroraview.utils.thread_dispatcher``.
"""

from __future__ import annotations

from .dcc_thread_safe import (
    DCCThreadSafeWrapper,
    dcc_thread_safe,
    dcc_thread_safe_async,
    defer_to_main_thread,
    ensure_main_thread,
    wrap_callback_for_dcc,
)
from .thread_dispatcher import (
    DispatcherPriority,
    ThreadDispatcherBackend,
    clear_dispatcher_backends,
    current_host,
    get_current_dcc_name,
    get_default_timeout,
    get_dispatcher,
    get_dispatcher_backend,
    install_dispatcher,
    is_dcc_environment,
    is_main_thread,
    list_dispatcher_backends,
    pump_main_thread,
    register_dispatcher_backend,
    run_main_loop,
    run_on_main_thread,
    run_on_main_thread_sync,
    run_on_main_thread_sync_with_timeout,
    set_default_timeout,
    shutdown_dispatcher,
    stop_main_loop,
    unregister_dispatcher_backend,
)

__all__ = [
    "DCCThreadSafeWrapper",
    "DispatcherPriority",
    "ThreadDispatcherBackend",
    "clear_dispatcher_backends",
    "current_host",
    "dcc_thread_safe",
    "dcc_thread_safe_async",
    "defer_to_main_thread",
    "ensure_main_thread",
    "get_current_dcc_name",
    "get_default_timeout",
    "get_dispatcher",
    "get_dispatcher_backend",
    "install_dispatcher",
    "is_dcc_environment",
    "is_main_thread",
    "list_dispatcher_backends",
    "pump_main_thread",
    "register_dispatcher_backend",
    "run_main_loop",
    "run_on_main_thread",
    "run_on_main_thread_sync",
    "run_on_main_thread_sync_with_timeout",
    "set_default_timeout",
    "shutdown_dispatcher",
    "stop_main_loop",
    "unregister_dispatcher_backend",
    "wrap_callback_for_dcc",
]
