"""``QtWebView``: an auroraview WebView as a QWidget, for layouts and dock widgets.

The widget is a native child window (``WA_NativeWindow``); the WebView is embedded in it on
the host's main thread (hosted mode) and follows its size. If Qt destroys the widget's
native window and makes a new one (``destroy()``/``create()``, a change of window type; on
X11 floating and re-docking a dock keep the same window) the WebView is parked and moved into
the new window, page intact; when the widget goes, the WebView is closed, never left inside a
destroyed X window (dropping it there would make GDK abort the process). Works with whichever
Qt binding the host has loaded (PySide6, PyQt6, PySide2, PyQt5; found by
``auroraview._qt_binding``). Must not live here: the binding finder, dispatch, page logic."""

from __future__ import annotations

from typing import Any, Optional

from ._qt_binding import import_binding, logger, qt_enum
from .webview import WebView

__all__ = ["QtWebView"]

# The binding the host uses (see auroraview._qt_binding; AURORAVIEW_QT_BINDING reorders).
_B = import_binding()
QtCore: Any = _B.QtCore
QtGui: Any = _B.QtGui
QtWidgets: Any = _B.QtWidgets

_WA_NATIVE_WINDOW = qt_enum(QtCore.Qt, "WidgetAttribute", "WA_NativeWindow")
_WA_NO_NATIVE_ANCESTORS = qt_enum(QtCore.Qt, "WidgetAttribute", "WA_DontCreateNativeAncestors")
_PLATFORM_SURFACE = qt_enum(QtCore.QEvent, "Type", "PlatformSurface")
# PySide2 has no QPlatformSurfaceEvent class: its surface events arrive as plain QEvents
# whose kind cannot be read (see _SurfaceGuard._on_surface_event).
_SURFACE_EVENT = getattr(QtGui, "QPlatformSurfaceEvent", None)
_ABOUT_TO_BE_DESTROYED = (
    qt_enum(_SURFACE_EVENT, "SurfaceEventType", "SurfaceAboutToBeDestroyed")
    if _SURFACE_EVENT is not None
    else None
)


class _SurfaceGuard(QtCore.QObject):  # type: ignore[misc]
    """Keeps an embedded WebView safe while Qt destroys and recreates its host window.

    When Qt destroys the native window the WebView lives in and makes a new one for the same
    QWindow (``QWindow.destroy()``/``create()``; on X11 floating and re-docking a dock keep
    the window, measured with all four bindings), the WebView is parked before the old window
    goes (hidden, under the root window) and moves in once the new one exists. When the
    widget or its QWindow goes, the WebView is closed. A separate parentless object does
    this: a widget being deleted cannot watch itself. Guards keep themselves alive
    (``_GUARDS``) until their WebView closes.
    """

    def __init__(self, widget: Any, surface: Any, webview: WebView) -> None:
        super().__init__()
        self._webview = webview
        self._widget_sync = widget._sync_bounds
        self._surface_exists = True  # installed on a created surface (winId() was called)
        surface.installEventFilter(self)
        surface.destroyed.connect(webview.close)
        widget.destroyed.connect(webview.close)
        _GUARDS.add(self)
        webview.on_closed(lambda: _GUARDS.discard(self))

    def eventFilter(self, watched: Any, event: Any) -> bool:
        # Never raise into Qt: PyQt aborts the host application on an exception here.
        try:
            if event.type() == _PLATFORM_SURFACE:
                self._on_surface_event(watched, event)
        except Exception:
            logger.exception("auroraview: handling a Qt surface event failed")
        return False

    def _on_surface_event(self, watched: Any, event: Any) -> None:
        # Qt sends SurfaceCreated and SurfaceAboutToBeDestroyed strictly in turn (create()
        # only makes a missing surface, destroy() only sends for an existing one), and the
        # guard starts on a created surface: where the binding cannot read the event's
        # kind (PySide2), the surface's previous state tells it.
        read_kind = getattr(event, "surfaceEventType", None)
        if read_kind is not None:
            going = read_kind() == _ABOUT_TO_BE_DESTROYED
        else:
            going = self._surface_exists
        self._surface_exists = not going
        if self._webview.closed:
            return
        if going:
            self._webview.reparent(None)  # synchronous on the UI thread
        else:
            self._webview.reparent(int(watched.winId()))
            self._widget_sync()


_GUARDS: set[_SurfaceGuard] = set()


class QtWebView(QtWidgets.QWidget):  # type: ignore[misc]
    """A QWidget showing an auroraview :class:`WebView`.

    Keyword arguments are those of :class:`WebView` (``url``, ``html``, ``dcc_mode``,
    ``debug``, ``allowed_origins``...). The WebView is ``self.webview``: register handlers
    with ``widget.webview.on(...)`` or the shortcut ``widget.on(...)``. Create it on the
    host's main thread.
    """

    def __init__(self, parent: Optional[Any] = None, **webview_kwargs: Any) -> None:
        super().__init__(parent)
        self.setAttribute(_WA_NATIVE_WINDOW)
        self.setAttribute(_WA_NO_NATIVE_ANCESTORS)
        self.setMinimumSize(40, 40)
        webview_kwargs.setdefault("width", max(self.width(), 1))
        webview_kwargs.setdefault("height", max(self.height(), 1))
        webview_kwargs.setdefault("mode", "hosted")
        self.webview = WebView(parent=int(self.winId()), **webview_kwargs)
        self.webview.show(block=False)
        self._sync_bounds()
        surface = self.windowHandle()
        if surface is not None:
            _SurfaceGuard(self, surface, self.webview)

    def sizeHint(self) -> Any:
        return QtCore.QSize(420, 320)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._sync_bounds()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._sync_bounds()

    def _sync_bounds(self) -> None:
        if not self.webview.closed:
            size = self.size()
            self.webview.set_bounds(0, 0, max(size.width(), 1), max(size.height(), 1))

    def on(self, event_name: str) -> Any:
        """Shortcut for ``self.webview.on(event_name)``."""
        return self.webview.on(event_name)

    def closeEvent(self, event: Any) -> None:
        """A floating panel's close button (the widget is a window): asked like the close
        button of a WebView's own window (``on_close_requested``, the page's
        ``close_requested`` listeners); the widget closes once the WebView has. A widget
        inside another window just hides, as any QWidget does."""
        if not self.isWindow() or self.webview.closed or self._close_allowed:
            super().closeEvent(event)
            return
        event.ignore()
        if not self._close_hooked:
            self._close_hooked = True
            self.webview.on_closed(self._closed_by_webview)
        self.webview.request_close()

    _close_allowed = False
    _close_hooked = False

    def _closed_by_webview(self) -> None:
        from .utils.thread_dispatcher import run_on_main_thread

        def close_widget() -> None:
            self._close_allowed = True
            try:
                self.close()
            except RuntimeError:  # the widget is gone already
                pass

        run_on_main_thread(close_widget)
