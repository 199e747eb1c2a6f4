"""Drives a studio's ``ThreadDispatcherBackend`` from auroraview's dispatcher core.

:class:`BackendAdapter` is the host adapter for a registered custom backend. Its wake hands
the backend one "serve" function through ``backend.run_deferred(serve)``; the host runs it on
its main thread and it pumps the dispatcher. Everything else (queueing, bounded waits, typed
errors, exactly-once settlement, shutdown) stays the Rust dispatcher's, as for the built-in
hosts. ``run_deferred`` is called from one thread per adapter ("auroraview-wake-<name>"),
never from the thread that posted: a backend that blocks there cannot stretch a caller's
bounded wait. A wake that fails (``run_deferred`` raised, or ran the pump off the main
thread) is logged, and the adapter reports itself broken so that the registry wires the
backend again, which retries the wake; queued work stays queued meanwhile. What must not
live here: host detection or the registry (``backend_registry.py``, ``registry.py``).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Optional

from .base import HostAdapter, logger

if TYPE_CHECKING:
    from .backend_registry import BackendEntry

#: Guards the failure streaks (``BackendEntry.failures``): refused pumps and failed wakes
#: can be reported by several threads at once.
_streak_lock = threading.Lock()


class BackendAdapter(HostAdapter):
    """The host adapter of one registered custom backend (one instance per wiring)."""

    watched = True

    def __init__(self, entry: BackendEntry) -> None:
        super().__init__()
        backend = entry.instance()
        if backend is None:  # the registry only wires backends it could load
            raise RuntimeError(f"the {entry.display_name!r} backend could not be loaded")
        self.entry = entry
        self.backend = backend
        self.name = entry.key  # type: ignore[misc]
        self.idle_hint = (
            f"The {entry.display_name!r} dispatcher backend did not get auroraview's pump run "
            "on the main thread during the wait: is the host's main loop blocked or not "
            f"running, or does {type(backend).__name__}.run_deferred() queue nothing?"
        )
        self._broken = False
        self._stopping = False
        self._wake_requested = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def install(self, dispatcher: Any) -> None:
        self._thread = threading.Thread(
            target=self._deliver_wakes, name=f"auroraview-wake-{self.name}", daemon=True
        )
        self._thread.start()
        super().install(dispatcher)

    def uninstall(self) -> None:
        super().uninstall()
        self._stopping = True
        self._wake_requested.set()

    def is_alive(self) -> bool:
        return not self._broken

    def wake(self) -> None:
        self._wake_requested.set()

    def _deliver_wakes(self) -> None:
        """The wake thread: one ``run_deferred(serve)`` per requested wake (coalesced)."""
        while True:
            self._wake_requested.wait()
            if self._stopping:
                return
            self._wake_requested.clear()
            try:
                self.backend.run_deferred(self._serve)
            except BaseException as exc:  # user code: whatever it raises, keep serving
                self._failed(f"its run_deferred() raised {type(exc).__name__}: {exc}", exc)

    def _serve(self, *_: Any, **__: Any) -> None:
        """What the host runs on its main thread: pump the dispatcher (within its budget)."""
        dispatcher = self.dispatcher
        if dispatcher is None or dispatcher.closed:
            return  # unwired since this wake was queued: the new wiring has its own
        if not dispatcher.is_owner_thread():
            self._failed(
                "its run_deferred() ran auroraview's pump on thread "
                f"{threading.current_thread().name!r}, not the main thread",
                None,
            )
            return
        entry = self.entry
        if entry.failures:
            with _streak_lock:
                recovered, entry.failures = entry.failures > 0, 0
            if recovered:
                logger.info("auroraview: the %r backend serves again", entry.display_name)
        try:
            dispatcher.pump()
        except Exception:  # nothing of ours may escape into the host's loop
            logger.error("auroraview: pumping the dispatcher failed", exc_info=True)

    def _failed(self, reason: str, exc: Optional[BaseException]) -> None:
        self._broken = True
        entry = self.entry
        dispatcher = self.dispatcher
        if dispatcher is not None:
            dispatcher.idle_hint = (
                f"The {entry.display_name!r} dispatcher backend failed to wake the main "
                f"thread: {reason}."
            )
        with _streak_lock:
            entry.failures += 1
            first = entry.failures == 1
        # The first failure of a streak is an error; retries that fail again are debug.
        log = logger.error if first else logger.debug
        log(
            "auroraview: the %r dispatcher backend failed to wake the main thread: %s; "
            "calls wait (bounded) and the wake is retried",
            entry.display_name,
            reason,
            exc_info=exc,
        )
