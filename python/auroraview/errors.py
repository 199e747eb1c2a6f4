"""The exceptions auroraview raises.

Only exception classes live here; the Rust extension looks them up by name, so renaming one
is a breaking change for ``auroraview._core`` too.

Hierarchy::

    AuroraViewError
    ├── ThreadSafetyError           (AuroraView 0.5's base name) a thread-safety guarantee
    │   │                           stopped a call
    │   ├── DispatchError           a main-thread call did not return its function's value
    │   │   ├── DispatchTimeoutError    (also a ThreadDispatchTimeoutError and a
    │   │   │   │                       TimeoutError) the wait ran out
    │   │   │   └── NoMainLoopError     ... and nothing ever served the main thread's queue
    │   │   ├── DispatchClosedError     (also a ShutdownInProgressError) the dispatcher was
    │   │   │                           shut down
    │   │   └── DispatchCancelledError  the call was cancelled before it started
    │   ├── ThreadDispatchTimeoutError  AuroraView 0.5's name for a dispatch timeout
    │   ├── ShutdownInProgressError     AuroraView 0.5's name for "shut down"
    │   ├── DeadlockDetectedError       AuroraView 0.5's name; never raised here (see below)
    │   └── WrongThreadError        (also a RuntimeError) an API was called on a thread
    │                               where it cannot work (main-thread-only, or a blocking
    │                               wait on the UI thread itself)
    └── WebViewError                a WebView operation failed
        ├── WebViewStartError       the WebView (or its UI thread) could not be created
        ├── WebViewClosedError      the WebView is closed
        ├── QueueFullError          the UI thread's command queue is at its bound, or
        │                           (emit) the page has 16 MiB of events unread
        ├── PayloadError            (also a ValueError) too large, or not JSON-serialisable
        ├── JavaScriptError         (also a RuntimeError) the page's script threw;
        │                           ``.js_name`` is its type
        ├── EvalTimeoutError        (also a TimeoutError) no result from the page in time
        ├── PageChangedError        the page reloaded/navigated before it answered
        ├── ChannelClosedError      (also a RuntimeError) a Channel was used after its
        │                           call ended
        └── DialogTimeoutError      (also a TimeoutError) nobody answered a native dialog in
                                    time (it was dismissed)

An exception raised by *your* function is never wrapped: it re-raises in the caller with its
own type and traceback.

The four AuroraView 0.5 names (``ThreadSafetyError``, ``ThreadDispatchTimeoutError``,
``ShutdownInProgressError``, ``DeadlockDetectedError``) are bases of ours, so code written
for AuroraView catches our errors unchanged: ``except ThreadDispatchTimeoutError`` catches a
``DispatchTimeoutError``. ``DeadlockDetectedError`` is never raised: a call that would wait
on its own thread runs inline instead, and every other wait ends at its timeout.
"""

from __future__ import annotations

__all__ = [
    "AuroraViewError",
    "ChannelClosedError",
    "DeadlockDetectedError",
    "DialogTimeoutError",
    "DispatchCancelledError",
    "DispatchClosedError",
    "DispatchError",
    "DispatchTimeoutError",
    "EvalTimeoutError",
    "JavaScriptError",
    "NoMainLoopError",
    "PageChangedError",
    "PayloadError",
    "QueueFullError",
    "ShutdownInProgressError",
    "ThreadDispatchTimeoutError",
    "ThreadSafetyError",
    "WebViewClosedError",
    "WebViewError",
    "WebViewStartError",
    "WrongThreadError",
]


class AuroraViewError(Exception):
    """Base class of every error auroraview raises itself."""


class ThreadSafetyError(AuroraViewError):
    """A thread-safety guarantee stopped a call (AuroraView 0.5's base class name)."""


class ThreadDispatchTimeoutError(ThreadSafetyError):
    """A wait for the main thread ran out (AuroraView 0.5's name; what auroraview raises is
    its subclass :class:`DispatchTimeoutError`)."""


class ShutdownInProgressError(ThreadSafetyError):
    """Work was refused or dropped because the dispatcher shut down (AuroraView 0.5's name;
    what auroraview raises is its subclass :class:`DispatchClosedError`)."""


class DeadlockDetectedError(ThreadSafetyError):
    """AuroraView 0.5's name for a detected deadlock. auroraview never raises it: a sync call
    made on the main thread runs inline, and every other wait is bounded, so a would-be
    deadlock ends as a :class:`DispatchTimeoutError` instead. Kept so ``except`` clauses
    written for AuroraView still import."""


class DispatchError(ThreadSafetyError):
    """A call dispatched to the main thread did not produce its function's result."""


class DispatchTimeoutError(DispatchError, ThreadDispatchTimeoutError, TimeoutError):
    """The wait for the main thread ran out.

    If the function had not started, it was cancelled and will never run. If it had
    started, it runs to completion and its result is discarded.
    """


class NoMainLoopError(DispatchTimeoutError):
    """Nothing served the main thread's queue: no host event loop is running and nobody
    called ``run_main_loop()`` or ``pump_main_thread()``. The message says what to do in the
    detected host."""


class DispatchClosedError(DispatchError, ShutdownInProgressError):
    """The dispatcher was shut down before the call could run."""


class DispatchCancelledError(DispatchError):
    """The call was cancelled before it started."""


class WrongThreadError(ThreadSafetyError, RuntimeError):
    """An API that only the main (owner) thread may use was called from another thread."""


class WebViewError(AuroraViewError):
    """A WebView operation failed."""


class WebViewStartError(WebViewError):
    """The WebView, or the UI thread that owns it, could not be created (no display, or a
    mode that cannot work in this process; the message says why and what to do)."""


class WebViewClosedError(WebViewError):
    """The WebView is closed; its pending calls and waits end with this error."""


class QueueFullError(WebViewError):
    """The UI thread's command queue is at its bound, or (``emit``) the page is behind: its
    web process has more than 16 MiB of events unread. The sender is told instead of the
    message being dropped or piled up. Slow down, or batch into fewer, larger messages."""


class PayloadError(WebViewError, ValueError):
    """A payload was refused: larger than ``auroraview.MAX_MESSAGE_BYTES``, or not JSON."""


class JavaScriptError(WebViewError, RuntimeError):
    """The page's script threw (or its Promise rejected). Also a ``RuntimeError``, which is
    what AuroraView 0.5's ``DCCThreadSafeWrapper.eval_js_sync`` raised for it.

    ``js_name`` is the JavaScript error's type (``TypeError``, ...), ``js_message`` its
    message.
    """

    def __init__(self, message: str, js_name: str = "Error") -> None:
        super().__init__(f"{js_name}: {message}" if js_name else message)
        self.js_name = js_name
        self.js_message = message


class EvalTimeoutError(WebViewError, TimeoutError):
    """The page did not report the script's value in time."""


class PageChangedError(WebViewError):
    """The page reloaded or navigated away before it reported back."""


class ChannelClosedError(WebViewError, RuntimeError):
    """A :class:`auroraview.Channel` was used after its call ended (the handler returned or
    raised): nothing may follow a call's result."""


class DialogTimeoutError(WebViewError, TimeoutError):
    """Nobody answered a native dialog (``webview.dialog``) within its timeout; it was
    dismissed."""
