"""The backend registry of AuroraView 0.5's API: which backends exist, at which priority.

One priority-ordered list of :class:`BackendEntry`: the built-in hosts (Maya 200 ... Qt 100,
standalone and fallback 0) and the backends a studio registers, as classes or lazily loaded
``"module:ClassName"`` strings. Here: registering, listing, loading and availability, and
the DCC questions (``is_dcc_environment``, ``get_current_dcc_name``, ``dcc_mode="auto"``).
Not here: choosing the backend that serves and wiring it to the dispatcher (``registry.py``,
which this module tells about every change).
"""

from __future__ import annotations

import importlib
import itertools
import threading
from typing import Any, Callable, Optional, Union

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
    backend_display_name,
)
from .base import logger

__all__ = [
    "BackendSpec",
    "clear_dispatcher_backends",
    "get_current_dcc_name",
    "is_dcc_environment",
    "list_dispatcher_backends",
    "register_dispatcher_backend",
    "resolve_dcc_mode",
    "unregister_dispatcher_backend",
]

#: A backend class, or ``"package.module:ClassName"`` (imported when first needed).
BackendSpec = Union[type[ThreadDispatcherBackend], str]

_lock = threading.RLock()
_seq = itertools.count()


class BackendEntry:
    """One registered backend: its spec, priority and name, and its one instance (created
    when first needed; a spec that fails to load is retried at the next check)."""

    def __init__(self, spec: BackendSpec, priority: int, name: str) -> None:
        self.spec = spec
        self.priority = priority
        self.name = name
        self.seq = next(_seq)
        #: Consecutive failed wakes (``backend_adapter.py``): only the first is an error.
        self.failures = 0
        self._instance: Optional[ThreadDispatcherBackend] = None
        self._complained = False
        self.load_error = ""

    @property
    def display_name(self) -> str:
        """The registered name, or the class name without ``Backend``/``DispatcherBackend``."""
        if self.name:
            return self.name
        if isinstance(self.spec, str):
            return backend_display_name(self.spec.rpartition(":")[2])
        return backend_display_name(self.spec.__name__)

    @property
    def key(self) -> str:
        """The name ``AURORAVIEW_DISPATCHER`` and ``current_host()`` use (lower case)."""
        return self.display_name.lower()

    def instance(self) -> Optional[ThreadDispatcherBackend]:
        """The backend instance, or None if its class cannot be loaded or built (logged)."""
        backend = self._instance
        if backend is not None:
            return backend
        with _lock:
            if self._instance is None:
                try:
                    self._instance = _load(self.spec)()
                    self.load_error = ""
                except Exception as exc:
                    self.load_error = f"{type(exc).__name__}: {exc}"
                    # A module missing outside its host is expected (a plugin registered
                    # everywhere); anything else is a mistake worth a warning, once.
                    quiet = isinstance(exc, ImportError) or self._complained
                    self._complained = True
                    (logger.debug if quiet else logger.warning)(
                        "auroraview: dispatcher backend %r cannot be loaded: %s",
                        self.display_name,
                        self.load_error,
                        exc_info=not quiet,
                    )
            return self._instance

    def available(self) -> bool:
        """The backend's ``is_available()``; False if it cannot be loaded or raises."""
        backend = self.instance()
        if backend is None:
            return False
        try:
            return bool(backend.is_available())
        except Exception:
            quiet = self._complained
            self._complained = True
            (logger.debug if quiet else logger.warning)(
                "auroraview: %s.is_available() raised; treated as not available",
                type(backend).__name__,
                exc_info=True,
            )
            return False

    def __repr__(self) -> str:
        return f"<BackendEntry {self.display_name!r} priority={self.priority}>"


def _load(spec: BackendSpec) -> type[ThreadDispatcherBackend]:
    if isinstance(spec, str):
        module_name, _, class_name = spec.partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
    else:
        cls = spec
    if not (isinstance(cls, type) and issubclass(cls, ThreadDispatcherBackend)):
        raise TypeError(f"{spec!r} is not a ThreadDispatcherBackend subclass")
    return cls


def _check_spec(backend: Any) -> None:
    if isinstance(backend, str):
        module_name, colon, class_name = backend.partition(":")
        if not (colon and module_name.strip() and class_name.isidentifier()):
            raise ValueError(
                f"a backend given as a string must be 'package.module:ClassName', got {backend!r}"
            )
    elif not (isinstance(backend, type) and issubclass(backend, ThreadDispatcherBackend)):
        raise TypeError(
            "register a ThreadDispatcherBackend subclass (the class, not an instance) or a "
            f"'package.module:ClassName' string, not {backend!r}"
        )


#: The built-in entries, in default priority order. Their objects live for the process, so
#: re-registering a built-in class (to change its priority) keeps the host wired.
_BUILTIN_DEFAULTS: tuple[tuple[type[ThreadDispatcherBackend], int, str], ...] = (
    (MayaDispatcherBackend, DispatcherPriority.MAYA, "Maya"),
    (HoudiniDispatcherBackend, DispatcherPriority.HOUDINI, "Houdini"),
    (NukeDispatcherBackend, DispatcherPriority.NUKE, "Nuke"),
    (BlenderDispatcherBackend, DispatcherPriority.BLENDER, "Blender"),
    (MaxDispatcherBackend, DispatcherPriority.MAX, "Max"),
    (UnrealDispatcherBackend, DispatcherPriority.UNREAL, "Unreal"),
    (QtDispatcherBackend, DispatcherPriority.QT, "Qt"),
    (StandaloneDispatcherBackend, DispatcherPriority.FALLBACK, "Standalone"),
    (FallbackDispatcherBackend, DispatcherPriority.FALLBACK, "Fallback"),
)
_BUILTINS: dict[type, BackendEntry] = {
    cls: BackendEntry(cls, priority, name) for cls, priority, name in _BUILTIN_DEFAULTS
}
#: What serves when no registered backend is available (say, all were unregistered).
STANDALONE = _BUILTINS[StandaloneDispatcherBackend]


def _nothing() -> None:
    pass


_entries: tuple[BackendEntry, ...] = ()
_on_change: Callable[[], None] = _nothing


def _publish(entries: list[BackendEntry]) -> None:
    """Replace the list (readers iterate a tuple without the lock) and tell the selector."""
    global _entries
    _entries = tuple(sorted(entries, key=lambda e: (-e.priority, e.seq)))
    _on_change()


def _reset_builtins() -> None:
    for cls, priority, name in _BUILTIN_DEFAULTS:
        entry = _BUILTINS[cls]
        entry.priority, entry.name = priority, name
    _publish(list(_BUILTINS.values()))


def set_change_hook(hook: Callable[[], None]) -> None:
    """``registry.py``: called after every change, so the next dispatch re-selects."""
    global _on_change
    _on_change = hook


def entries() -> tuple[BackendEntry, ...]:
    """Every registered backend, highest priority first (registration order among equals)."""
    return _entries


def find(key: str) -> Optional[BackendEntry]:
    """The first entry (by priority) whose lower-case name is ``key``."""
    return next((e for e in _entries if e.key == key), None)


def keys() -> list[str]:
    return list(dict.fromkeys(e.key for e in _entries))


def _index(backend: Any) -> int:
    return next((i for i, e in enumerate(_entries) if e.spec is backend or e.spec == backend), -1)


def register_dispatcher_backend(backend: BackendSpec, priority: int = 0, *, name: str = "") -> None:
    """Register a backend: a :class:`ThreadDispatcherBackend` subclass or a
    ``"package.module:ClassName"`` string (imported only when first needed). Higher
    ``priority`` is tried first; ``name`` is its display name (default: the class name
    without ``Backend``), also what ``AURORAVIEW_DISPATCHER`` matches, case-insensitively.
    Registering the same class or string again updates its priority and name. The next
    dispatch selects again. Raises ``TypeError``/``ValueError`` for anything else."""
    _check_spec(backend)
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise TypeError(f"priority must be an int, not {priority!r}")
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {name!r}")
    with _lock:
        entries = list(_entries)
        i = _index(backend)
        entry: Optional[BackendEntry]
        if i >= 0:
            entry = entries[i]
        else:
            # A built-in that was unregistered comes back as the same entry.
            entry = _BUILTINS.get(backend) if isinstance(backend, type) else None
            if entry is None:
                entry = BackendEntry(backend, priority, name)
            entries.append(entry)
        entry.priority, entry.name = priority, name
        _publish(entries)
    logger.debug("auroraview: dispatcher backend %r registered at %d", entry.display_name, priority)


def unregister_dispatcher_backend(backend: BackendSpec) -> bool:
    """Remove a backend registered as ``backend`` (the same class or string). Returns True
    if it was registered. If it was serving, the next dispatch selects another; queued work
    is kept and served through that one."""
    with _lock:
        i = _index(backend)
        if i < 0:
            return False
        entries = list(_entries)
        del entries[i]
        _publish(entries)
    return True


def clear_dispatcher_backends() -> None:
    """Back to the built-in backends at their default priorities (for tests)."""
    with _lock:
        _reset_builtins()


def list_dispatcher_backends() -> list[tuple[int, str, bool]]:
    """``(priority, name, available)`` of every registered backend, highest priority first.
    Loads string specs and asks each ``is_available()``."""
    return [(e.priority, e.display_name, e.available()) for e in _entries]


def _first_dcc() -> Optional[BackendEntry]:
    for entry in _entries:
        if entry.priority < DispatcherPriority.DCC_THRESHOLD:
            break
        if entry.available():
            return entry
    return None


def is_dcc_environment() -> bool:
    """True if a backend at ``DispatcherPriority.DCC_THRESHOLD`` (150) or above is available:
    a built-in DCC (Maya, Houdini, Nuke, Blender, 3ds Max, Unreal) or a custom one registered
    that high. A plain Qt application or a script is not a DCC."""
    return _first_dcc() is not None


def get_current_dcc_name() -> Optional[str]:
    """The ``get_name()`` of the DCC backend :func:`is_dcc_environment` finds ("Maya", ...),
    or None outside a DCC."""
    entry = _first_dcc()
    if entry is None:
        return None
    backend = entry.instance()
    try:
        return str(backend.get_name()) if backend is not None else entry.display_name
    except Exception:
        return entry.display_name


def resolve_dcc_mode(dcc_mode: Union[bool, str]) -> bool:
    """``WebView(dcc_mode=...)``: ``"auto"`` is True inside a detected DCC
    (:func:`is_dcc_environment`) and False elsewhere; a bool is itself."""
    if isinstance(dcc_mode, str):
        if dcc_mode.strip().lower() == "auto":
            return is_dcc_environment()
        raise ValueError(f"dcc_mode must be True, False or 'auto', not {dcc_mode!r}")
    if dcc_mode is None or isinstance(dcc_mode, (bool, int)):
        return bool(dcc_mode)
    raise TypeError(f"dcc_mode must be True, False or 'auto', not {dcc_mode!r}")


_reset_builtins()
