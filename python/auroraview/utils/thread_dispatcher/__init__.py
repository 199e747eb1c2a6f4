"""Run callables on the host application's main thread from any thread.

The public functions of RFC 0002 (``run_on_main_thread``, ``run_on_main_thread_sync``, ...)
and the standalone loop live here; the host adapters are one small file each beside this one
(``qt.py``, ``maya.py``, ...), chosen by ``registry.py``. The queueing, waiting and waking are
done in Rust (``auroraview._core.Dispatcher``); nothing here waits except through it.
"""

from __future__ import annotations

import functools
import sys
import threading
from typing import Any, Callable, Optional, TypeVar

from auroraview.errors import WrongThreadError

from .base import HostAdapter, logger
from .registry import (
    ADAPTERS,
    ENV_VAR,
    current_adapter,
    current_host,
    get_dispatcher,
    install_dispatcher,
    needs_recheck,
    recheck_while_waiting,
    shutdown_dispatcher,
)

__all__ = [
    "ADAPTERS",
    "ENV_VAR",
    "HostAdapter",
    "current_adapter",
    "current_host",
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


def _bind(func: Callable[..., T], args: tuple, kwargs: dict) -> Callable[[], T]:
    if not callable(func):
        raise TypeError(f"expected a callable, got {type(func).__name__}")
    return functools.partial(func, *args, **kwargs) if args or kwargs else func


def run_on_main_thread(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Queue ``func(*args, **kwargs)`` for the main thread and return at once.

    Always queued, even on the main thread (it runs at the host's next pump, never inline).
    If it raises, the exception is logged on the ``auroraview.dispatch`` logger. If the
    dispatcher is shut down before it runs, that is logged too (after
    ``shutdown_dispatcher()`` the next call starts a fresh dispatcher).
    """
    get_dispatcher().post(_bind(func, args, kwargs))


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
    """
    bound = _bind(func, args, kwargs)
    if is_main_thread():
        return bound()
    dispatcher = get_dispatcher()
    wait = _default_timeout if timeout is None else timeout
    if needs_recheck():
        return dispatcher.call(bound, wait, recheck_while_waiting)
    return dispatcher.call(bound, wait)


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
    """Hosts whose hook must be registered on the main thread (Unreal's tick, Blender's
    timer) get it when auroraview is first imported there, as from a startup script."""
    if is_main_thread() and any(name in sys.modules for name in ("unreal", "bpy")):
        try:
            install_dispatcher()
        except Exception:
            logger.warning("auroraview: could not install the host dispatcher", exc_info=True)


_install_eagerly()
