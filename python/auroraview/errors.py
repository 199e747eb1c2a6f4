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
    ├── WrongThreadError            (also a RuntimeError) an API was called on a thread
    │                               where it cannot work (main-thread-only, or a blocking
    │                               wait on the UI thread itself)
    └── WebViewError                a WebView operation failed
        ├── WebViewStartError       the WebView (or its UI thread) could not be created
        ├── WebViewClosedError      the WebView is closed
        ├── QueueFullError          the UI thread's command queue is at its bound
        ├── PayloadError            (also a ValueError) too large, or not JSON-serialisable
        ├── JavaScriptError         the page's script threw; ``.js_name`` is its type
        ├── EvalTimeoutError        (also a TimeoutError) no result from the page in time
        └── PageChangedError        the page reloaded/navigated before it answered

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
    "EvalTimeoutError",
    "JavaScriptError",
    "NoMainLoopError",
    "PageChangedError",
    "PayloadError",
    "QueueFullError",
    "WebViewClosedError",
    "WebViewError",
    "WebViewStartError",
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


class WebViewError(AuroraViewError):
    """A WebView operation failed."""


class WebViewStartError(WebViewError):
    """The WebView, or the UI thread that owns it, could not be created (no display, or a
    mode that cannot work in this process; the message says why and what to do)."""


class WebViewClosedError(WebViewError):
    """The WebView is closed; its pending calls and waits end with this error."""


class QueueFullError(WebViewError):
    """The UI thread's command queue is at its bound: the sender is told instead of the
    command being dropped. Slow down, or batch into fewer, larger messages."""


class PayloadError(WebViewError, ValueError):
    """A payload was refused: larger than ``auroraview.MAX_MESSAGE_BYTES``, or not JSON."""


class JavaScriptError(WebViewError):
    """The page's script threw (or its Promise rejected).

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
