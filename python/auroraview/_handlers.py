"""Registering what answers the page: handlers, bound APIs, custom schemes, close callbacks.

:class:`HandlerMethods` is mixed into :class:`auroraview.WebView`; it only fills the
WebView's tables (its :class:`auroraview._router.Router` reads them on the handler thread).
Must not live here: routing calls to threads, answering them (``_router.py``), window or
page operations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

from . import _bindings

if TYPE_CHECKING:
    from . import _core
    from ._router import Router

F = TypeVar("F", bound=Callable[..., Any])


def check_protocol(scheme: object, handler: object) -> None:
    """Raise TypeError unless ``scheme`` is a str and ``handler`` is callable."""
    if not isinstance(scheme, str):
        raise TypeError(f"a scheme is a str such as 'studio', not {type(scheme).__name__}")
    if not callable(handler):
        raise TypeError(f"the handler of {scheme!r}:// is not callable")


class HandlerMethods:
    """The WebView's registration methods. The class mixing this in sets ``_handlers``,
    ``_router`` and ``_core``."""

    _handlers: dict[str, Callable[..., Any]]
    _router: Router
    _core: _core.WebViewProxy

    def on(self, event_name: str) -> Callable[[F], F]:
        """Register the decorated function as the handler of ``event_name``: the page's
        ``auroraview.call(event_name, data)`` resolves with its return value, and
        ``auroraview.emit(event_name, data)`` calls it too. Returns the function unchanged."""

        def register(func: F) -> F:
            if not callable(func):
                raise TypeError(f"handler for {event_name!r} is not callable")
            self._handlers[event_name] = func
            return func

        return register

    def off(self, event_name: str) -> None:
        """Remove the handler of ``event_name`` (calls then reject with "no handler")."""
        self._handlers.pop(event_name, None)

    def register_protocol(
        self, scheme: str, handler: Optional[Callable[..., Any]] = None
    ) -> Callable[..., Any]:
        """Answer the page's requests for ``scheme://...`` URLs with ``handler(request)``
        (an :class:`auroraview.ProtocolRequest`), on auroraview's protocol threads, several
        at once. It returns a :class:`auroraview.ProtocolResponse`, bytes, str, a
        ``pathlib.Path`` (streamed) or ``(status, headers, body)``; what it raises answers
        500 with the error. Usable as a decorator (``@webview.register_protocol("studio")``).
        Register before the page asks (or pass ``protocols=`` to the constructor): a
        scheme with no handler answers 404."""
        if handler is None:
            return lambda func: self.register_protocol(scheme, func)
        check_protocol(scheme, handler)
        self._core.register_scheme(scheme)  # ValueError for a reserved or invalid name
        self._router.protocols[scheme] = handler
        return handler

    def bind_call(self, name: str, func: Optional[Callable[..., Any]] = None) -> Callable[..., Any]:
        """``on(name)`` for calls (AuroraView's name): ``auroraview.call(name, data)`` runs
        ``func(data)``. Usable as a decorator."""
        if func is None:
            return self.on(name)
        return self.on(name)(func)

    def bind_api(self, obj: object, namespace: str = "api") -> list[str]:
        """Expose every public method of ``obj`` to the page as
        ``auroraview.<namespace>.<method>(...)``, returning a Promise. Positional arguments
        map as given; keywords through ``auroraview.kwargs({...})`` as the last argument.
        Methods are routed like handlers (``dcc_mode``, ``@dcc_thread_safe``,
        ``async def``, a ``Channel`` parameter); their exceptions reject the Promise. Binding
        a namespace again replaces it. Bindings live in Python: they hold across reloads
        and navigation. Returns the bound names (``"api.export"``, ...)."""
        _bindings.check_namespace(namespace)
        methods = _bindings.methods_of(obj)
        bindings = self._router.bindings
        prefix = namespace + "."
        fresh = {prefix + name: method for name, method in methods.items()}
        for key in [k for k in bindings if k.startswith(prefix)]:
            if key not in fresh:
                bindings.pop(key, None)
        bindings.update(fresh)
        return sorted(fresh)

    def unbind_api(self, namespace: str = "api") -> None:
        """Remove the methods bound in ``namespace`` (calls then reject with LookupError)."""
        prefix = namespace + "."
        for key in [k for k in self._router.bindings if k.startswith(prefix)]:
            self._router.bindings.pop(key, None)

    def on_closed(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` (on the handler thread) once the WebView has closed and its
        handlers have finished. Whatever a callback raises is logged; the others still run."""
        self._router.on_closed.append(callback)
