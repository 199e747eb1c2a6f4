"""Which host adapter serves the process, and the one dispatcher they all feed.

State: one ``auroraview._core.Dispatcher`` owned by Python's main thread, and the adapter
wired to it. Detection order is ``ADAPTERS``; ``AURORAVIEW_DISPATCHER=<name>`` forces one.
Detection is re-checked at most every ``RECHECK_INTERVAL`` seconds while the adapter is a
provisional fallback (standalone) or its host has gone, so an early "no host" answer (say,
before the QApplication exists) is not cached forever. Switching adapters keeps the queue:
queued work is woken through the new host.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from typing import Optional

from auroraview._core import Dispatcher
from auroraview.errors import AuroraViewError

from .base import HostAdapter, logger
from .blender import BlenderAdapter
from .houdini import HoudiniAdapter
from .max import MaxAdapter
from .maya import MayaAdapter
from .nuke import NukeAdapter
from .qt import QtAdapter
from .standalone import StandaloneAdapter
from .unreal import UnrealAdapter

ENV_VAR = "AURORAVIEW_DISPATCHER"
RECHECK_INTERVAL = 0.05

#: Detection order: specific hosts before the generic Qt route, standalone last.
ADAPTERS: tuple[type[HostAdapter], ...] = (
    UnrealAdapter,
    MayaAdapter,
    HoudiniAdapter,
    NukeAdapter,
    BlenderAdapter,
    MaxAdapter,
    QtAdapter,
    StandaloneAdapter,
)

_lock = threading.RLock()
_dispatcher: Optional[Dispatcher] = None
_adapter: Optional[HostAdapter] = None
_next_check = 0.0


def adapter_names() -> list[str]:
    return [cls.name for cls in ADAPTERS]


def _choose() -> type[HostAdapter]:
    forced = os.environ.get(ENV_VAR, "").strip().lower()
    if forced:
        for cls in ADAPTERS:
            if cls.name == forced:
                return cls
        raise AuroraViewError(
            f"{ENV_VAR}={forced!r} names no dispatcher; choose one of {adapter_names()}"
        )
    for cls in ADAPTERS:
        try:
            if cls.detect():
                return cls
        except Exception:
            logger.debug("auroraview: %s detection failed", cls.name, exc_info=True)
    return StandaloneAdapter


def _refresh_locked() -> Dispatcher:
    global _dispatcher, _adapter, _next_check
    if _dispatcher is None or _dispatcher.closed:
        _dispatcher = Dispatcher(threading.main_thread().ident or 0)
        _adapter = None
    chosen = _choose()
    current = _adapter
    on_main = threading.current_thread() is threading.main_thread()
    if current is not None and type(current) is chosen and current.provisional and on_main:
        # Detection on the main thread confirms what a worker could only guess.
        current.provisional = type(current).provisional
    if current is None or type(current) is not chosen or not current.is_alive():
        if not on_main and chosen.needs_main_thread_install():
            raise AuroraViewError(
                f"the {chosen.name!r} dispatcher must be installed on the main thread: call "
                "auroraview.utils.install_dispatcher() there first (for example in your "
                "add-on's register() or startup script)"
            )
        if current is not None:
            current.uninstall()
            _adapter = None
        adapter = chosen()
        try:
            adapter.install(_dispatcher)
        except Exception as exc:
            raise AuroraViewError(f"cannot use the {chosen.name!r} dispatcher: {exc}") from exc
        _adapter = adapter
        logger.info("auroraview: main-thread dispatch through %s", chosen.name)
    _next_check = time.monotonic() + RECHECK_INTERVAL
    return _dispatcher


def get_dispatcher() -> Dispatcher:
    """The process's dispatcher, wired to the detected host (created on first use).

    The fast path costs a clock read: a confirmed host adapter is checked for liveness at
    most every ``RECHECK_INTERVAL``; a provisional one is re-detected that often (and at
    once on the main thread when only the main thread can confirm it).
    """
    global _next_check
    dispatcher, adapter = _dispatcher, _adapter
    if dispatcher is not None and adapter is not None and not dispatcher.closed:
        now = time.monotonic()
        if adapter.provisional:
            on_main = threading.current_thread() is threading.main_thread()
            if now < _next_check and not (on_main and _unconfirmed(adapter)):
                return dispatcher
        elif now < _next_check:
            return dispatcher
        elif adapter.is_alive():
            _next_check = now + RECHECK_INTERVAL
            return dispatcher
    with _lock:
        return _refresh_locked()


def recheck_while_waiting() -> None:
    """Called by a waiting sync call every few tens of ms while no real host is wired: a
    host that appears meanwhile (a QApplication created later) picks up the queued call."""
    get_dispatcher()


def needs_recheck() -> bool:
    """True while the adapter is a fallback that a real host could replace."""
    adapter = _adapter
    return adapter is None or adapter.provisional


def _unconfirmed(adapter: HostAdapter) -> bool:
    """A guess made off the main thread that only the main thread can confirm."""
    return adapter.provisional and not type(adapter).provisional


def install_dispatcher() -> str:
    """Detect the host and wire the dispatcher now (for example from a Blender add-on's
    ``register()``, on the main thread). Returns the adapter's name."""
    with _lock:
        _refresh_locked()
        return current_host()


def current_host() -> str:
    """Name of the adapter in use (re-detecting the host if that is due)."""
    get_dispatcher()
    adapter = _adapter
    return adapter.name if adapter is not None else StandaloneAdapter.name


def current_adapter() -> Optional[HostAdapter]:
    return _adapter


def shutdown_dispatcher() -> int:
    """Shut the dispatcher down: queued calls fail with ``DispatchClosedError``, queued posts
    are logged as dropped, the host hook is removed. The next use starts afresh. Returns how
    many queued tasks were dropped."""
    global _dispatcher, _adapter
    with _lock:
        dispatcher, adapter = _dispatcher, _adapter
        _dispatcher, _adapter = None, None
        if adapter is not None:
            adapter.uninstall()
        return dispatcher.shutdown() if dispatcher is not None else 0


atexit.register(shutdown_dispatcher)
