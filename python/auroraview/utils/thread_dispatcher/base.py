"""The host-adapter contract: how a host makes its main thread call ``Dispatcher.pump()``.

An adapter knows one host's dispatch API, and what the host offers WebViews
(:meth:`HostAdapter.serves_webviews`, :meth:`HostAdapter.run_until_closed`,
:meth:`HostAdapter.native_window_id`, :meth:`HostAdapter.prepare_own_mode`: the WebView
code asks these instead of knowing any toolkit), and nothing else: no queueing, no waiting,
no results (that is the Rust dispatcher's job). The WebView answers default to those of a
Qt application in the process, if one runs (``qt.py``): every DCC we know is one, or can
have one started inside it; a host that serves WebViews some other way overrides them.
Adapters live one per file beside this one; the backend registry (``backend_registry.py``)
lists them by priority, beside the custom backends a studio registers
(``backend_adapter.py`` drives those). This is auroraview's internal contract; the public
one for custom hosts is ``ThreadDispatcherBackend`` (``backends.py``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable, ClassVar, Optional

if TYPE_CHECKING:
    from auroraview._core import Dispatcher

logger = logging.getLogger("auroraview.dispatch")


class HostAdapter:
    """Connects a host's main loop to a dispatcher.

    Subclasses set ``name``, implement :meth:`detect` and :meth:`wake`, and override
    :meth:`install`/:meth:`uninstall` when the host needs a hook set up or torn down.
    """

    #: Name used by ``AURORAVIEW_DISPATCHER`` and reported by ``current_host()``.
    name: ClassVar[str] = ""
    #: True for a fallback that detection should keep trying to replace.
    provisional: bool = False
    #: True if sync calls waiting on this adapter should re-check it (``is_alive()``) while
    #: they wait, so a broken wiring is replaced during the wait, not only at the next use.
    watched: ClassVar[bool] = False
    #: True for AuroraView's fallback: the public dispatch functions run functions inline on
    #: the calling thread instead of queueing them (``fallback.py``).
    inline: ClassVar[bool] = False
    #: Appended to a timeout error when nothing served the queue during the wait.
    idle_hint: str = "The host's event loop did not run; is the main thread blocked?"

    def __init__(self) -> None:
        self.dispatcher: Dispatcher | None = None

    @classmethod
    def needs_main_thread_install(cls) -> bool:
        """True if :meth:`install` calls host APIs that only the main thread may call (a
        tick or timer registration). The registry then refuses to install it from another
        thread, with an error naming ``install_dispatcher()``, instead of calling the host
        API off its thread."""
        return False

    @classmethod
    def detect(cls) -> bool:
        """True if this process is this host and its main loop can serve us. Cheap, no side
        effects, callable from any thread; looks at ``sys.modules`` rather than importing."""
        raise NotImplementedError

    def host_loop_serves(self) -> bool:
        """True if the host's own running loop pumps the dispatcher, with no help from the
        script (False for standalone Python and Blender's background mode, where the script
        must serve with ``run_main_loop()`` / ``pump_main_thread()``)."""
        return True

    def is_alive(self) -> bool:
        """False once the host loop this adapter is wired to has gone (say, the Qt
        application was destroyed) or its wiring broke (a custom backend's wake failed); the
        registry then selects and wires an adapter anew."""
        return True

    def install(self, dispatcher: Dispatcher) -> None:
        """Wire the host to ``dispatcher``: from now on each ``wake()`` makes the host's main
        thread call ``dispatcher.pump()`` soon."""
        self.dispatcher = dispatcher
        dispatcher.idle_hint = self.idle_hint
        dispatcher.set_waker(self.wake)

    def uninstall(self) -> None:
        """Undo :meth:`install`. Must not raise."""
        dispatcher, self.dispatcher = self.dispatcher, None
        if dispatcher is not None:
            dispatcher.set_waker(None)

    def wake(self) -> None:
        """Ask the host to pump soon. Called from any thread, once per burst; must not block
        and must not pump inline."""
        raise NotImplementedError

    def pump(self) -> None:
        """Run queued work now; hosts call this on their main thread."""
        dispatcher = self.dispatcher
        if dispatcher is not None and not dispatcher.closed:
            dispatcher.pump()

    # -- what the host offers WebViews (defaults: a Qt application's, see qt.py) -----------

    @classmethod
    def serves_webviews(cls) -> bool:
        """True if the host's running event loop on the main thread can also service
        WebViews there (hosted mode: the WebView runtime then needs no UI thread of its
        own). Called on any thread."""
        from .qt import QtAdapter

        return QtAdapter.serves_webviews()

    @classmethod
    def run_until_closed(
        cls,
        subscribe: Callable[[Callable[[], None]], None],
        finished: Callable[[], bool],
        timeout: Optional[float] = None,
    ) -> None:
        """Run the host's event loop on the main thread (the caller's) until ``finished()``
        is true, or ``timeout`` seconds have passed. ``subscribe(stop)`` is called first
        with a ``stop()`` that any thread may call once ``finished()`` has become true;
        ``finished()`` is then checked before the loop starts, so no stop is missed.
        Raises ``WrongThreadError`` when no host loop can run here."""
        from .qt import QtAdapter

        QtAdapter.run_until_closed(subscribe, finished, timeout)

    @classmethod
    def native_window_id(cls, window: object) -> Optional[int]:
        """The native window id (an X11 window id, an HWND, an ``NSView*``) of one of the
        host's window objects (a Qt widget, made a native window first), or None if this
        host does not know ``window``."""
        from .qt import QtAdapter

        return QtAdapter.native_window_id(window)

    @classmethod
    def prepare_own_mode(cls) -> None:
        """The WebView runtime is about to start a UI thread of its own (own mode): keep
        the host, and a toolkit the process may start later, from fighting it for the
        platform's main context (Linux: GLib's)."""
        from .qt import QtAdapter

        QtAdapter.prepare_own_mode()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"
