"""Run callables on the host application's main thread from any thread.

The public functions of RFC 0002 (``run_on_main_thread``, ``run_on_main_thread_sync``, ...)
and the standalone loop live here, plus the rest of AuroraView 0.5's dispatcher API
(backends and their registry, its errors and decorators, re-exported). The host adapters
are one small file each beside this one (``qt.py``, ``maya.py``, ...); the backend registry
(``backend_registry.py``) lists them with the custom backends, and ``registry.py`` chooses.
The queueing, waiting and waking are done in Rust (``auroraview._core.Dispatcher``); nothing
here waits except through it.
"""

from __future__ import annotations

import functools
import importlib
import threading
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

from auroraview.errors import (
    DeadlockDetectedError,
    ShutdownInProgressError,
    ThreadDispatchTimeoutError,
    ThreadSafetyError,
    WrongThreadError,
)

from .backend_registry import (
    clear_dispatcher_backends,
    get_current_dcc_name,
    is_dcc_environment,
    list_dispatcher_backends,
    register_dispatcher_backend,
    unregister_dispatcher_backend,
)
from .backends import (
    BlenderDispatcherBackend,
    DispatcherPriority,
    FallbackDispatcherBackend,
    HoudiniDispatcherBackend,
    MaxDispatcherBackend,
    MayaDispatcherBackend,
    NukeDispatcherBackend,
    QtDispatcherBackend,
    StandaloneDispatcherBackend,
    ThreadDispatcherBackend,
    UnrealDispatcherBackend,
)
from .base import HostAdapter, logger
from .registry import (
    ADAPTERS,
    ENV_VAR,
    current_adapter,
    current_host,
    get_dispatcher,
    get_dispatcher_backend,
    host_adapter_class,
    install_dispatcher,
    needs_recheck,
    recheck_while_waiting,
    runs_inline_now,
    shutdown_dispatcher,
)

if TYPE_CHECKING:  # defined in ..dcc_thread_safe, which imports this module
    from ..dcc_thread_safe import (
        DCCThreadSafeWrapper,
        dcc_thread_safe,
        dcc_thread_safe_async,
        defer_to_main_thread,
        ensure_main_thread,
        wrap_callback_for_dcc,
    )

__all__ = [
    "ADAPTERS",
    "ENV_VAR",
    "BlenderDispatcherBackend",
    "DCCThreadSafeWrapper",
    "DeadlockDetectedError",
    "DispatcherPriority",
    "FallbackDispatcherBackend",
    "HostAdapter",
    "HoudiniDispatcherBackend",
    "MaxDispatcherBackend",
    "MayaDispatcherBackend",
    "NukeDispatcherBackend",
    "QtDispatcherBackend",
    "ShutdownInProgressError",
    "StandaloneDispatcherBackend",
    "ThreadDispatchTimeoutError",
    "ThreadDispatcherBackend",
    "ThreadSafetyError",
    "UnrealDispatcherBackend",
    "clear_dispatcher_backends",
    "current_adapter",
    "current_host",
    "dcc_thread_safe",
    "dcc_thread_safe_async",
    "defer_to_main_thread",
    "ensure_main_thread",
    "get_current_dcc_name",
    "get_default_timeout",
    "get_dispatcher",
    "get_dispatcher_backend",
    "host_adapter_class",
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

#: Names defined in ``auroraview.utils.dcc_thread_safe`` (which imports this module, so
#: they are looked up on first use instead of imported here).
_DECORATORS = frozenset(
    {
        "DCCThreadSafeWrapper",
        "dcc_thread_safe",
        "dcc_thread_safe_async",
        "defer_to_main_thread",
        "ensure_main_thread",
        "wrap_callback_for_dcc",
    }
)


def __getattr__(name: str) -> Any:
    if name in _DECORATORS:
        # (``auroraview.utils.dcc_thread_safe`` the attribute is the decorator, not the module.)
        module = importlib.import_module("auroraview.utils.dcc_thread_safe")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


T = TypeVar("T")

#: Seconds a sync call waits for the main thread unless told otherwise.
DEFAULT_TIMEOUT = 30.0
_default_timeout = DEFAULT_TIMEOUT


def get_default_timeout() -> float:
    """Seconds ``run_on_main_thread_sync`` waits when no ``timeout`` is given (30 s unless
    changed by :func:`set_default_timeout`)."""
    return _default_timeout


def set_default_timeout(seconds: float) -> None:
    """Set the default wait of ``run_on_main_thread_sync`` and the decorators, process-wide."""
    global _default_timeout
    seconds = float(seconds)
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(f"the default timeout must be a finite number > 0, got {seconds}")
    _default_timeout = seconds


def is_main_thread() -> bool:
    """True on the host's main thread (Python's main thread)."""
    return threading.current_thread() is threading.main_thread()


def _bind(func: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Callable[[], T]:
    if not callable(func):
        raise TypeError(f"expected a callable, got {type(func).__name__}")
    return functools.partial(func, *args, **kwargs) if args or kwargs else func


def run_on_main_thread(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Queue ``func(*args, **kwargs)`` for the main thread and return at once.

    Always queued, even on the main thread (it runs at the host's next pump, never inline).
    If it raises, the exception is logged on the ``auroraview.dispatch`` logger. If the
    dispatcher is shut down before it runs, that is logged too (after
    ``shutdown_dispatcher()`` the next call starts a fresh dispatcher).
    (With ``AURORAVIEW_DISPATCHER=fallback`` it runs at once on the calling thread instead,
    its exception still logged, not raised.)
    """
    bound = _bind(func, args, kwargs)
    dispatcher = get_dispatcher()
    if runs_inline_now():
        _run_inline_logged(bound)
        return
    dispatcher.post(bound)


def _run_inline_logged(bound: Callable[[], Any]) -> None:
    try:
        bound()
    except Exception:
        name = getattr(bound, "__qualname__", None) or repr(bound)
        logger.error("auroraview: main-thread task %s raised", name, exc_info=True)


def run_on_main_thread_sync(
    func: Callable[..., T], *args: Any, timeout: Optional[float] = None, **kwargs: Any
) -> T:
    """Run ``func(*args, **kwargs)`` on the main thread and return its result.

    On the main thread it runs inline. Otherwise the caller waits at most ``timeout``
    seconds (default :func:`get_default_timeout`), with the GIL released. An exception from
    ``func`` re-raises here with its type and traceback. Raises ``DispatchTimeoutError`` (if
    ``func`` had not started it is cancelled and never runs), ``NoMainLoopError`` when
    nothing serves the main thread, ``DispatchClosedError`` after shutdown. (``timeout`` is
    this function's own argument: to pass one to ``func``, use ``functools.partial``.)
    With ``AURORAVIEW_DISPATCHER=fallback`` it runs ``func`` at once on the calling thread.
    """
    bound = _bind(func, args, kwargs)
    if is_main_thread():
        return bound()
    dispatcher = get_dispatcher()
    if runs_inline_now():  # AURORAVIEW_DISPATCHER=fallback: AuroraView's inline fallback
        return bound()
    wait = _default_timeout if timeout is None else timeout
    if needs_recheck():
        return dispatcher.call(bound, wait, recheck_while_waiting)
    return dispatcher.call(bound, wait)


def run_on_main_thread_sync_with_timeout(
    func: Callable[..., T], *args: Any, timeout: float = 30.0, **kwargs: Any
) -> T:
    """AuroraView 0.5's bounded sync call: :func:`run_on_main_thread_sync` with a
    ``timeout`` that defaults to 30 s. Raises ``DispatchTimeoutError`` (a
    ``ThreadDispatchTimeoutError``) when it runs out; a function that had not started by
    then is cancelled and never runs."""
    return run_on_main_thread_sync(func, *args, timeout=timeout, **kwargs)


def pump_main_thread(budget: Optional[float] = None) -> bool:
    """Run queued main-thread work now (main thread only), for at most ``budget`` seconds
    (default 4 ms). For hosts whose loop we cannot hook, such as Blender in background mode.
    Returns True if work remains."""
    _require_main_thread("pump_main_thread")
    return get_dispatcher().pump(budget)


def run_main_loop(timeout: Optional[float] = None) -> str:
    """Serve main-thread calls until :func:`stop_main_loop`, :func:`shutdown_dispatcher` or
    ``timeout`` seconds (main thread only; for standalone scripts). The GIL is released while
    idle and Ctrl+C works. Returns ``"stopped"``, ``"deadline"`` or ``"closed"``."""
    _require_main_thread("run_main_loop")
    return get_dispatcher().run(timeout)


def stop_main_loop() -> None:
    """Make :func:`run_main_loop` return after its current task. Any thread."""
    get_dispatcher().stop()


def _require_main_thread(what: str) -> None:
    if not is_main_thread():
        raise WrongThreadError(
            f"{what}() must be called on the main thread, not {threading.current_thread().name}"
        )


def _install_eagerly() -> None:
    """Hosts whose hook must be registered on the main thread (``needs_main_thread_install``:
    Unreal's tick, Blender's timer) get it when auroraview is first imported there, as
    from a startup script."""
    if not is_main_thread():
        return
    try:
        if host_adapter_class().needs_main_thread_install():
            install_dispatcher()
    except Exception:
        logger.warning("auroraview: could not install the host dispatcher", exc_info=True)


_install_eagerly()
