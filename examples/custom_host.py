"""A host auroraview has no adapter for (Katana, Mari, Substance Painter, an in-house
application), added without patching auroraview: subclass ``ThreadDispatcherBackend``,
register it, and every main-thread route (``run_on_main_thread_sync``, ``dcc_mode``
handlers, window-event callbacks) goes through the host's own deferral API.

The "host" here is a tiny stand-in with a queue-driven main loop and an
``execute_deferred(fn)`` API, as such applications have. ``AURORAVIEW_DISPATCHER=minihost``
(a backend's name) would select it even where another backend has a higher priority.

Run::

    python examples/custom_host.py
"""

from __future__ import annotations

import queue
import sys
import threading

from auroraview.utils import run_on_main_thread_sync
from auroraview.utils.thread_dispatcher import (
    ThreadDispatcherBackend,
    get_current_dcc_name,
    register_dispatcher_backend,
    unregister_dispatcher_backend,
)


class MiniHost:
    """The application: one main thread running a loop over its deferred work."""

    def __init__(self) -> None:
        self.main = threading.main_thread()
        self.jobs: queue.Queue = queue.Queue()
        self.running = True

    def execute_deferred(self, fn, *args, **kwargs):  # its public API: any thread
        self.jobs.put((fn, args, kwargs))

    def loop(self) -> None:  # what the application itself runs on its main thread
        while self.running:
            fn, args, kwargs = self.jobs.get()
            fn(*args, **kwargs)


HOST = MiniHost()


class MiniHostBackend(ThreadDispatcherBackend):
    """The documented contract (docs/thread-dispatch.md, "Custom hosts")."""

    def is_available(self) -> bool:
        return True

    def run_deferred(self, func, *args, **kwargs) -> None:
        HOST.execute_deferred(func, *args, **kwargs)

    def run_sync(self, func, *args, **kwargs):  # for code that calls the backend directly
        raise NotImplementedError("auroraview drives the backend through run_deferred")

    def is_main_thread(self) -> bool:
        return threading.current_thread() is HOST.main

    def get_name(self) -> str:
        return "MiniHost"


def main() -> int:
    register_dispatcher_backend(MiniHostBackend, priority=250, name="minihost")
    results: list[str] = []

    def worker() -> None:
        # From a worker thread: runs on the host's main thread, waits at most 5 s.
        where = run_on_main_thread_sync(lambda: threading.current_thread().name, timeout=5)
        results.append(where)
        HOST.execute_deferred(setattr, HOST, "running", False)

    threading.Thread(target=worker, name="tool-worker").start()
    HOST.loop()  # the "application" serves its main thread
    print(f"host: {get_current_dcc_name()}; the call ran on: {results}")
    unregister_dispatcher_backend(MiniHostBackend)
    ok = results == ["MainThread"]
    print("custom_host: OK" if ok else "custom_host: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
