"""The event loop of a fake host application, run for real by the thread that owns it.

Each fake host (Maya, Houdini, Nuke, Unreal, Blender) builds its dispatch API on one
:class:`MainLoop`. The loop only makes progress while its owner thread (the process's main
thread, as in every DCC) is inside :meth:`MainLoop.run`; when the test's main thread does
anything else, the "host" is blocked, exactly like a DCC running a long operation.

One iteration of the loop, in order:

1. move what other threads queued (thread-safe) onto the owner's queues;
2. "idle events": run every deferred callable that was queued before this pass started
   (a callable queued during the pass waits for the next one, so nothing runs inline);
3. count down "after N iterations" callables and run those that are due;
4. run due timers (a timer returns ``None`` to stop or a number of seconds to run again);
5. call every tick callback with the seconds since the previous iteration.

Between iterations the loop sleeps: until the next post (event-driven hosts, ``period=0``),
or until ``period`` seconds after the previous iteration began (hosts with a frame rate or a
slow event loop; posts do not wake those early). An exception that escapes a callable is
handled like a host does: the traceback is printed to stderr and the loop goes on; the
exception is also kept in :attr:`MainLoop.errors` so tests can assert that nothing of
auroraview's ever escaped into the host.
"""

from __future__ import annotations

import collections
import heapq
import itertools
import queue
import sys
import threading
import time
import traceback
from typing import Any, Callable, Optional

#: Longest sleep between two checks of ``run(until=...)`` in an event-driven loop.
POLL = 0.002


class HostLoopTimeout(AssertionError):
    """``MainLoop.run(until=...)`` ran out of time before the condition held."""


class ThreadAffinityError(RuntimeError):
    """A fake host's main-thread-only API was called from another thread."""


class MainLoop:
    def __init__(
        self,
        name: str,
        *,
        period: float = 0.0,
        period_fn: Optional[Callable[[], float]] = None,
        process_idle: bool = True,
    ) -> None:
        self.name = name
        #: The host's main thread: the process's main thread, as in every DCC.
        self.main_ident = threading.main_thread().ident
        #: Minimum seconds between the starts of two iterations (0: event-driven).
        self.period = period
        #: If set, called each iteration for the period (frame-rate throttling).
        self.period_fn = period_fn
        #: False in batch/terminal modes: idle events are queued but never processed.
        self.process_idle = process_idle
        self.iterations = 0
        self.depth = 0  # > 0 while run() is active (nested runs allowed: modal dialogs)
        #: Exceptions that escaped into the host loop (printed and swallowed, like a host).
        self.errors: list[BaseException] = []
        #: Main-thread-only APIs called from other threads: (api, thread ident).
        self.violations: list[tuple[str, int]] = []
        #: How many callables the loop has started (each host callback, timer, idle event).
        self.callbacks_started = 0
        self._incoming: queue.SimpleQueue = queue.SimpleQueue()
        self._wake = threading.Event()
        self._idle: collections.deque = collections.deque()
        self._after: list[list[Any]] = []  # [iterations left, fn, args, kwargs]
        self._timers: list[tuple[float, int, Callable[[], Any]]] = []  # heap
        self._timer_seq = itertools.count()
        self._ticks: dict[int, Callable[[float], Any]] = {}
        self._tick_ids = itertools.count(1)
        self._ticks_lock = threading.Lock()
        self._last_start: Optional[float] = None

    # ----- thread affinity -------------------------------------------------------------

    def on_main_thread(self) -> bool:
        return threading.get_ident() == self.main_ident

    def require_main(self, api: str) -> None:
        """Raise like a host does when ``api`` is used off the main thread (and record it)."""
        if not self.on_main_thread():
            self.violations.append((api, threading.get_ident()))
            raise ThreadAffinityError(f"{self.name}: {api} may only be called from the main thread")

    def note_off_thread(self, api: str) -> None:
        """Record (without raising) a call the host does not support off the main thread."""
        if not self.on_main_thread():
            self.violations.append((api, threading.get_ident()))

    # ----- queuing (any thread) --------------------------------------------------------

    def post_idle(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run ``fn(*args, **kwargs)`` at the next idle pass. Any thread; never inline."""
        self._incoming.put(("idle", fn, args, kwargs))
        self._wake.set()

    def post_after(
        self, iterations: int, fn: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> None:
        """Run ``fn`` after the loop has iterated ``iterations`` more times. Any thread."""
        self._incoming.put(("after", max(0, int(iterations)), fn, args, kwargs))
        self._wake.set()

    def add_timer(self, fn: Callable[[], Any], first_interval: float) -> None:
        """Timer with Blender's contract: ``fn()`` returns None to stop, seconds to repeat."""
        self._incoming.put(("timer", fn, float(first_interval)))
        self._wake.set()

    def remove_timer(self, fn: Callable[[], Any]) -> bool:
        """Owner thread: unschedule ``fn``; True if it was scheduled."""
        self._drain()
        before = len(self._timers)
        self._timers = [t for t in self._timers if t[2] is not fn]
        heapq.heapify(self._timers)
        return len(self._timers) != before

    def has_timer(self, fn: Callable[[], Any]) -> bool:
        self._drain()
        return any(t[2] is fn for t in self._timers)

    def timer_functions(self) -> list[Callable[[], Any]]:
        self._drain()
        return [t[2] for t in self._timers]

    def clear_timers(self, keep: Callable[[Callable[[], Any]], bool]) -> None:
        """Owner thread: drop every timer whose function ``keep`` rejects."""
        self._drain()
        self._timers = [t for t in self._timers if keep(t[2])]
        heapq.heapify(self._timers)

    def add_tick(self, fn: Callable[[float], Any]) -> int:
        with self._ticks_lock:
            handle = next(self._tick_ids)
            self._ticks[handle] = fn
            return handle

    def remove_tick(self, handle: int) -> bool:
        with self._ticks_lock:
            return self._ticks.pop(handle, None) is not None

    def tick_handles(self) -> list[int]:
        with self._ticks_lock:
            return list(self._ticks)

    def idle_backlog(self) -> int:
        """Owner thread: idle events queued and not yet run."""
        self._drain()
        return len(self._idle)

    # ----- running (owner thread) ------------------------------------------------------

    def run(self, until: Optional[Callable[[], Any]] = None, timeout: float = 10.0) -> bool:
        """Run the loop on the calling (main) thread until ``until()`` is true or ``timeout``
        seconds have passed. Without ``until`` it runs for ``timeout`` seconds and returns
        False. With ``until`` it returns True, or raises :class:`HostLoopTimeout`."""
        if not self.on_main_thread():
            raise ThreadAffinityError(f"{self.name}: the event loop runs on the main thread only")
        deadline = time.monotonic() + timeout
        self.depth += 1
        try:
            while True:
                if until is not None and until():
                    return True
                now = time.monotonic()
                if now >= deadline:
                    break
                self._sleep(now, deadline)
                if until is not None and until():
                    return True
                if time.monotonic() >= deadline:
                    break
                self.iterate()
        finally:
            self.depth -= 1
        if until is None:
            return False
        raise HostLoopTimeout(f"{self.name} event loop: condition not met within {timeout} s")

    def iterate(self) -> None:
        """One pass of the loop (owner thread)."""
        now = time.monotonic()
        delta = 0.0 if self._last_start is None else now - self._last_start
        self._last_start = now
        self._wake.clear()
        self._drain()
        if self.process_idle:
            for _ in range(len(self._idle)):
                fn, args, kwargs = self._idle.popleft()
                self._invoke(fn, args, kwargs)
        if self._after:
            due = []
            for item in self._after:
                item[0] -= 1
                if item[0] < 0:
                    due.append(item)
            for item in due:
                self._after.remove(item)
                self._invoke(item[1], item[2], item[3])
        while self._timers and self._timers[0][0] <= now:
            _, _, fn = heapq.heappop(self._timers)
            again = self._invoke(fn, (), {})
            if isinstance(again, (int, float)) and not isinstance(again, bool):
                heapq.heappush(
                    self._timers, (time.monotonic() + max(0.0, again), next(self._timer_seq), fn)
                )
        with self._ticks_lock:
            ticks = list(self._ticks.items())
        for handle, fn in ticks:
            with self._ticks_lock:
                if handle not in self._ticks:
                    continue
            self._invoke(fn, (delta,), {})
        self.iterations += 1

    def _current_period(self) -> float:
        return self.period_fn() if self.period_fn is not None else self.period

    def _sleep(self, now: float, deadline: float) -> None:
        period = self._current_period()
        if period > 0 and self._last_start is not None:
            # A frame-rate / slow host: the next pass starts one period after the last.
            wake_at = min(self._last_start + period, deadline)
            while True:
                left = wake_at - time.monotonic()
                if left <= 0:
                    return
                time.sleep(min(left, 0.01))
        # Event-driven: sleep until something is posted or a timer is due.
        self._drain()
        if (self._idle and self.process_idle) or self._after:
            return
        wait = POLL
        if self._timers:
            wait = min(wait, max(0.0, self._timers[0][0] - now))
        self._wake.wait(max(0.0, min(wait, deadline - now)))

    def _drain(self) -> None:
        if not self.on_main_thread():
            return
        while True:
            try:
                item = self._incoming.get_nowait()
            except queue.Empty:
                return
            kind = item[0]
            if kind == "idle":
                self._idle.append(item[1:])
            elif kind == "after":
                self._after.append(list(item[1:]))
            elif kind == "timer":
                _, fn, first = item
                heapq.heappush(
                    self._timers, (time.monotonic() + max(0.0, first), next(self._timer_seq), fn)
                )

    def _invoke(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        self.callbacks_started += 1
        try:
            if isinstance(fn, str):  # hosts also accept a string of Python code
                exec(fn, sys.modules["__main__"].__dict__)
                return None
            return fn(*args, **kwargs)
        except Exception as exc:
            # What a host does with an exception in deferred code: print it, carry on.
            self.errors.append(exc)
            traceback.print_exc(file=sys.stderr)
            return None
