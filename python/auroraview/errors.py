"""The exceptions auroraview raises.

Only exception classes live here; the Rust extension looks them up by name, so renaming one
is a breaking change for ``auroraview._core`` too.

Hierarchy::

    AuroraViewError
    ├── DispatchError               a main-thread call did not return its function's value
    │   ├── DispatchTimeoutError    (also a TimeoutError) the wait ran out
    │   │   └── NoMainLoopError     ... and nothing ever served the main thread's queue
    │   ├── DispatchClosedError     the dispatcher was shut down
    │   └── DispatchCancelledError  the call was cancelled before it started
    └── WrongThreadError            (also a RuntimeError) a main-thread-only API was
                                    called from another thread

An exception raised by *your* function is never wrapped: it re-raises in the caller with its
own type and traceback.
"""

from __future__ import annotations

__all__ = [
    "AuroraViewError",
    "DispatchCancelledError",
    "DispatchClosedError",
    "DispatchError",
    "DispatchTimeoutError",
    "NoMainLoopError",
    "WrongThreadError",
]


class AuroraViewError(Exception):
    """Base class of every error auroraview raises itself."""


class DispatchError(AuroraViewError):
    """A call dispatched to the main thread did not produce its function's result."""


class DispatchTimeoutError(DispatchError, TimeoutError):
    """The wait for the main thread ran out.

    If the function had not started, it was cancelled and will never run. If it had
    started, it runs to completion and its result is discarded.
    """


class NoMainLoopError(DispatchTimeoutError):
    """Nothing served the main thread's queue: no host event loop is running and nobody
    called ``run_main_loop()`` or ``pump_main_thread()``. The message says what to do in the
    detected host."""


class DispatchClosedError(DispatchError):
    """The dispatcher was shut down before the call could run."""


class DispatchCancelledError(DispatchError):
    """The call was cancelled before it started."""


class WrongThreadError(AuroraViewError, RuntimeError):
    """An API that only the main (owner) thread may use was called from another thread."""
