"""Which host adapter serves the process, and the one dispatcher they all feed.

State: one ``auroraview._core.Dispatcher`` owned by Python's main thread, the adapter wired
to it, and the backend registry entry it came from. Selection walks the backend registry
(``backend_registry.py``) by priority: the first available backend wins, built-in or custom;
``AURORAVIEW_DISPATCHER=<name>`` forces one. Detection is re-checked at most every
``RECHECK_INTERVAL`` seconds while the adapter is a provisional fallback (standalone) or its
host has gone (or its wiring broke), and at the next use after the registry changes, so an
early "no host" answer (say, before the QApplication exists) is not cached forever.
Switching adapters keeps the queue: queued work is woken through the new host.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from typing import Optional

from auroraview._core import Dispatcher
from auroraview.errors import AuroraViewError

from . import backend_registry
from .backend_adapter import BackendAdapter
from .backend_registry import BackendEntry
from .backends import (
    StandaloneDispatcherBackend,
    ThreadDispatcherBackend,
    builtin_adapter_class,
    runs_inline,
)
from .base import HostAdapter, logger
from .blender import BlenderAdapter
from .fallback import FallbackAdapter
from .houdini import HoudiniAdapter
from .max import MaxAdapter
from .maya import MayaAdapter
from .nuke import NukeAdapter
from .qt import QtAdapter
from .standalone import StandaloneAdapter
from .unreal import UnrealAdapter

ENV_VAR = "AURORAVIEW_DISPATCHER"
RECHECK_INTERVAL = 0.05

#: The built-in host adapters, in their default priority order (the registry's order).
ADAPTERS: tuple[type[HostAdapter], ...] = (
    MayaAdapter,
    HoudiniAdapter,
    NukeAdapter,
    BlenderAdapter,
    MaxAdapter,
    UnrealAdapter,
    QtAdapter,
    StandaloneAdapter,
)

_lock = threading.RLock()
_dispatcher: Optional[Dispatcher] = None
_adapter: Optional[HostAdapter] = None
_entry: Optional[BackendEntry] = None
_next_check = 0.0
#: Set when the backend registry changed: the next dispatch selects again.
_stale = False


def adapter_names() -> list[str]:
    """Every name ``AURORAVIEW_DISPATCHER`` accepts (the registered backends')."""
    return backend_registry.keys()


def _invalidate() -> None:
    global _stale, _next_check
    _stale = True
    _next_check = 0.0


backend_registry.set_change_hook(_invalidate)


def _adapter_class(entry: BackendEntry) -> type[HostAdapter]:
    backend = entry.instance()
    if backend is None:
        return StandaloneAdapter
    builtin = builtin_adapter_class(backend)
    if builtin is not None:
        return builtin
    return FallbackAdapter if runs_inline(backend) else BackendAdapter


def _make_adapter(entry: BackendEntry) -> HostAdapter:
    cls = _adapter_class(entry)
    return BackendAdapter(entry) if cls is BackendAdapter else cls()


def _choose() -> BackendEntry:
    forced = os.environ.get(ENV_VAR, "").strip().lower()
    if forced:
        entry = backend_registry.find(forced)
        if entry is None:
            raise AuroraViewError(
                f"{ENV_VAR}={forced!r} names no dispatcher; choose one of {adapter_names()}"
            )
        backend = entry.instance()
        if backend is None:
            raise AuroraViewError(
                f"{ENV_VAR}={forced!r}: the backend cannot be loaded ({entry.load_error})"
            )
        # A built-in host is forced as is (its install fails if the host is missing); a
        # custom backend must say it is available.
        if _adapter_class(entry) is BackendAdapter and not entry.available():
            raise AuroraViewError(
                f"{ENV_VAR}={forced!r}: {type(backend).__name__}.is_available() is False here"
            )
        return entry
    for entry in backend_registry.entries():
        if entry.available():
            return entry
    return backend_registry.STANDALONE


def _refresh_locked() -> Dispatcher:
    global _dispatcher, _adapter, _entry, _next_check, _stale
    if _dispatcher is None or _dispatcher.closed:
        _dispatcher = Dispatcher(threading.main_thread().ident or 0)
        _adapter, _entry = None, None
    _stale = False  # before choosing: a change made meanwhile selects again
    chosen = _choose()
    current, previous = _adapter, _entry
    on_main = threading.current_thread() is threading.main_thread()
    if current is not None and previous is chosen and current.provisional and on_main:
        # Detection on the main thread confirms what a worker could only guess.
        current.provisional = type(current).provisional
    if current is None or previous is not chosen or not current.is_alive():
        adapter_class = _adapter_class(chosen)
        if not on_main and adapter_class.needs_main_thread_install():
            raise AuroraViewError(
                f"the {chosen.key!r} dispatcher must be installed on the main thread: call "
                "auroraview.utils.install_dispatcher() there first (for example in your "
                "add-on's register() or startup script)"
            )
        if current is not None:
            current.uninstall()
            _adapter, _entry = None, None
        adapter = _make_adapter(chosen)
        try:
            adapter.install(_dispatcher)
        except Exception as exc:
            raise AuroraViewError(f"cannot use the {adapter.name!r} dispatcher: {exc}") from exc
        _adapter, _entry = adapter, chosen
        if previous is chosen:  # the same host, wired again (its loop or wake broke)
            logger.debug("auroraview: main-thread dispatch re-wired through %s", adapter.name)
        else:
            logger.info("auroraview: main-thread dispatch through %s", adapter.name)
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
        elif not _stale and adapter.is_alive():
            _next_check = now + RECHECK_INTERVAL
            return dispatcher
    with _lock:
        return _refresh_locked()


def recheck_while_waiting() -> None:
    """Called by a waiting sync call every few tens of ms while no real host is wired (a
    host that appears meanwhile, say a QApplication created later, picks up the queued
    call), or while a custom backend serves (a wake that failed is retried)."""
    get_dispatcher()


def needs_recheck() -> bool:
    """True while the adapter is a fallback that a real host could replace, or one whose
    wiring is watched while calls wait (custom backends)."""
    adapter = _adapter
    return adapter is None or adapter.provisional or adapter.watched


def runs_inline_now() -> bool:
    """True while AuroraView's fallback is selected: dispatch runs functions inline."""
    adapter = _adapter
    return adapter is not None and adapter.inline


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
    """The adapter wired now (None before the first dispatch)."""
    return _adapter


def host_adapter_class() -> type[HostAdapter]:
    """The class of the adapter that serves this process, to ask what the host offers
    (``serves_webviews()``, ``needs_main_thread_install()``, ...) without wiring anything:
    the wired adapter's while it is current, else the one selection would choose now
    (``HostAdapter`` itself when none can be chosen, such as an ``AURORAVIEW_DISPATCHER``
    that names no backend: the next dispatch reports that). Any thread."""
    adapter = _adapter
    if adapter is not None and not _stale and not adapter.provisional:
        return type(adapter)
    try:
        return _adapter_class(_choose())  # no lock: detection is safe from any thread
    except AuroraViewError:
        return HostAdapter


def get_dispatcher_backend() -> ThreadDispatcherBackend:
    """The backend that serves this process (selecting it if that is due): the first
    available by priority, or the one ``AURORAVIEW_DISPATCHER`` names. The same instance
    while that backend serves. Outside a DCC it is ``StandaloneDispatcherBackend`` (or
    ``FallbackDispatcherBackend`` with ``AURORAVIEW_DISPATCHER=fallback``)."""
    get_dispatcher()
    backend = (_entry or backend_registry.STANDALONE).instance()
    if backend is None:  # a wired entry was loaded; this is only a guard
        backend = StandaloneDispatcherBackend()
    return backend


def shutdown_dispatcher() -> int:
    """Shut the dispatcher down: queued calls fail with ``DispatchClosedError``, queued posts
    are logged as dropped, the host hook is removed. The next use starts afresh. Returns how
    many queued tasks were dropped."""
    global _dispatcher, _adapter, _entry
    with _lock:
        dispatcher, adapter = _dispatcher, _adapter
        _dispatcher, _adapter, _entry = None, None, None
        if adapter is not None:
            adapter.uninstall()
        return dispatcher.shutdown() if dispatcher is not None else 0


atexit.register(shutdown_dispatcher)
