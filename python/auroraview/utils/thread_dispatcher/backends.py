"""The backend classes of AuroraView 0.5's dispatcher API: the public contract for custom hosts.

Here: :class:`ThreadDispatcherBackend` (the base class a studio subclasses to add a host),
:class:`DispatcherPriority`, :class:`FallbackDispatcherBackend`, and one backend class per
built-in host adapter (``MayaDispatcherBackend``, ...), which stand for those adapters in the
backend registry. Classes only: no registry state, no queueing and no waiting. How a
registered backend is driven by the dispatcher core lives in ``backend_adapter.py``; the
registry in ``backend_registry.py``. See docs/coming-from-auroraview.md.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from typing import Any, Callable, ClassVar, Optional, TypeVar

from .base import HostAdapter, logger
from .blender import BlenderAdapter
from .houdini import HoudiniAdapter
from .max import MaxAdapter
from .maya import MayaAdapter
from .nuke import NukeAdapter
from .qt import QtAdapter
from .standalone import StandaloneAdapter
from .unreal import UnrealAdapter

T = TypeVar("T")

__all__ = [
    "BlenderDispatcherBackend",
    "DispatcherPriority",
    "FallbackDispatcherBackend",
    "HoudiniDispatcherBackend",
    "MaxDispatcherBackend",
    "MayaDispatcherBackend",
    "NukeDispatcherBackend",
    "QtDispatcherBackend",
    "StandaloneDispatcherBackend",
    "ThreadDispatcherBackend",
    "UnrealDispatcherBackend",
]


def backend_display_name(class_name: str) -> str:
    """``StudioBackend`` -> ``Studio``; ``MayaDispatcherBackend`` -> ``Maya``; a name without
    the ``Backend`` suffix (``MyDispatcher``) is kept whole."""
    if class_name.endswith("Backend") and len(class_name) > len("Backend"):
        stem = class_name[: -len("Backend")]
        if stem.endswith("Dispatcher") and len(stem) > len("Dispatcher"):
            stem = stem[: -len("Dispatcher")]
        return stem
    return class_name


class DispatcherPriority:
    """Registry priorities: higher is tried first. Backends at ``DCC_THRESHOLD`` or above
    count as DCC applications for :func:`is_dcc_environment`."""

    MAYA = 200
    HOUDINI = 190
    NUKE = 180
    BLENDER = 170
    MAX = 160
    UNREAL = 150
    DCC_THRESHOLD = 150
    QT = 100
    FALLBACK = 0


class ThreadDispatcherBackend(ABC):
    """A host's way of running a function on its main thread: subclass it to add a host.

    Implement :meth:`is_available`, :meth:`run_deferred` and :meth:`run_sync`, then
    ``register_dispatcher_backend(YourBackend, priority=...)``. When your backend is
    selected, auroraview's dispatcher drives it through :meth:`run_deferred` alone: it asks
    your host to run one small "pump" function on the main thread, once per burst of work,
    and the pump runs the queued calls within a 4 ms budget. Queueing, waiting, timeouts,
    exceptions and shutdown are the dispatcher's, with the same guarantees as for the
    built-in hosts. The contract, method by method:

    - :meth:`is_available`: any thread, often (while auroraview re-checks the host); cheap,
      non-blocking, no side effects, no auroraview calls. Raising counts as "not available".
    - :meth:`run_deferred`: called from one auroraview thread (never the caller's, never the
      main thread), so it may block without blocking callers. It must make the host run
      ``func(*args, **kwargs)`` on the main thread (Python's main thread) soon, and never
      inline. If it raises, the error is logged, the calls waiting end at their timeouts
      (typed errors), queued posts stay queued, and the wake is retried at the next use.
    - :meth:`run_sync`: not used by auroraview's dispatcher (sync calls are built on
      :meth:`run_deferred` with a bounded wait); implement it for code that calls your
      backend directly.
    - :meth:`is_main_thread`: not used for routing either: auroraview's main thread is
      Python's main thread, and a pump run on any other thread is refused (logged), so the
      calls end at their timeouts instead of running on the wrong thread.
    """

    @abstractmethod
    def is_available(self) -> bool:
        """True if this process is this backend's host and its main loop can serve."""

    @abstractmethod
    def run_deferred(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Make the host run ``func(*args, **kwargs)`` on its main thread soon; return at once."""

    @abstractmethod
    def run_sync(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)`` on the main thread and return its result."""

    def is_main_thread(self) -> bool:
        """True on the host's main thread (here: Python's main thread)."""
        return threading.current_thread() is threading.main_thread()

    def get_name(self) -> str:
        """The class name without its ``Backend`` (and then ``Dispatcher``) suffix."""
        return backend_display_name(type(self).__name__)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.get_name()!r}>"


_fallback_warned = False


def _warn_off_main(what: str) -> None:
    global _fallback_warned
    if not _fallback_warned and threading.current_thread() is not threading.main_thread():
        _fallback_warned = True
        logger.warning(
            "auroraview: FallbackDispatcherBackend.%s ran a function on %s, not the main "
            "thread (the fallback runs functions inline; use it outside DCC applications only)",
            what,
            threading.current_thread().name,
        )


class FallbackDispatcherBackend(ThreadDispatcherBackend):
    """AuroraView 0.5's last resort: runs every function at once, on the calling thread.

    Always available. Its methods run inline whatever the thread (a warning is logged, once,
    the first time that is not the main thread), and exceptions propagate to the caller.
    Selected through ``AURORAVIEW_DISPATCHER=fallback`` (or registered above the other
    backends), it makes ``run_on_main_thread`` and friends run inline too: for tool unit tests
    outside a DCC. auroraview's own default outside a DCC is ``StandaloneDispatcherBackend``
    (calls wait for ``run_main_loop()`` / ``pump_main_thread()`` on the main thread).
    """

    def is_available(self) -> bool:
        return True

    def run_deferred(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        _warn_off_main("run_deferred")
        func(*args, **kwargs)

    def run_sync(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        _warn_off_main("run_sync")
        return func(*args, **kwargs)


class BuiltinBackend(ThreadDispatcherBackend):
    """Stands for one of auroraview's host adapters in the registry. Its methods go through
    auroraview's dispatcher (bounded waits, typed errors), whichever host that serves."""

    #: The host adapter this backend selects.
    adapter_class: ClassVar[type[HostAdapter]]

    def is_available(self) -> bool:
        try:
            return bool(self.adapter_class.detect())
        except Exception:
            logger.debug("auroraview: %s detection failed", self.get_name(), exc_info=True)
            return False

    def run_deferred(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        from . import run_on_main_thread

        run_on_main_thread(func, *args, **kwargs)

    def run_sync(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        from . import run_on_main_thread_sync

        return run_on_main_thread_sync(func, *args, **kwargs)


class MayaDispatcherBackend(BuiltinBackend):
    """Maya's GUI (``maya.utils.executeDeferred``); not ``mayapy``/batch mode."""

    adapter_class = MayaAdapter


class HoudiniDispatcherBackend(BuiltinBackend):
    """Houdini with its UI (``hdefereval.executeDeferred``); not ``hython``."""

    adapter_class = HoudiniAdapter


class NukeDispatcherBackend(BuiltinBackend):
    """Nuke's GUI (``nuke.executeInMainThread``); not ``nuke -t``."""

    adapter_class = NukeAdapter


class BlenderDispatcherBackend(BuiltinBackend):
    """Blender (a ``bpy.app.timers`` timer; in background mode the script pumps)."""

    adapter_class = BlenderAdapter


class MaxDispatcherBackend(BuiltinBackend):
    """3ds Max (its Qt event loop)."""

    adapter_class = MaxAdapter


class UnrealDispatcherBackend(BuiltinBackend):
    """The Unreal Editor (a Slate post-tick callback)."""

    adapter_class = UnrealAdapter


class QtDispatcherBackend(BuiltinBackend):
    """Any application with a running Qt event loop (a queued signal)."""

    adapter_class = QtAdapter


class StandaloneDispatcherBackend(BuiltinBackend):
    """auroraview's default outside a host: calls wait for ``run_main_loop()`` or
    ``pump_main_thread()`` on the main thread."""

    adapter_class = StandaloneAdapter


def builtin_adapter_class(backend: ThreadDispatcherBackend) -> Optional[type[HostAdapter]]:
    """The host adapter a built-in backend stands for (None for any other backend, and for
    a subclass that overrides ``run_deferred``: that one is driven like a custom backend)."""
    if isinstance(backend, BuiltinBackend) and (
        type(backend).run_deferred is BuiltinBackend.run_deferred
    ):
        return backend.adapter_class
    return None


def runs_inline(backend: ThreadDispatcherBackend) -> bool:
    """True for the fallback backend (and subclasses that keep its ``run_deferred``)."""
    return (
        isinstance(backend, FallbackDispatcherBackend)
        and type(backend).run_deferred is FallbackDispatcherBackend.run_deferred
    )
