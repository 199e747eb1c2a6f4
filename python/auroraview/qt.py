"""``QtWebView``: an auroraview WebView as a QWidget, for layouts and dock widgets.

The widget is a native child window (``WA_NativeWindow``); the WebView is embedded in it on
the host's main thread (hosted mode) and follows its size. When Qt recreates the widget's
native window (floating or re-docking a dock) the WebView is parked and moved into the new
window, page intact; when the widget goes, the WebView is closed, never left inside a
destroyed X window (dropping it there would make GDK abort the process). Works with whichever Qt
binding the host has loaded (PySide6, PyQt6, PySide2, PyQt5).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, Optional

from .webview import WebView

__all__ = ["QtWebView"]

_BINDINGS = ("PySide6", "PyQt6", "PySide2", "PyQt5")


def _binding() -> str:
    for name in _BINDINGS:
        if f"{name}.QtWidgets" in sys.modules:
            return name
    return "PySide6"


_B = _binding()
QtCore: Any = importlib.import_module(f"{_B}.QtCore")
QtGui: Any = importlib.import_module(f"{_B}.QtGui")
QtWidgets: Any = importlib.import_module(f"{_B}.QtWidgets")

_WA = getattr(QtCore.Qt, "WidgetAttribute", QtCore.Qt)
_PLATFORM_SURFACE = getattr(QtCore.QEvent, "Type", QtCore.QEvent).PlatformSurface
_SURFACE_EVENT = getattr(
    QtGui.QPlatformSurfaceEvent, "SurfaceEventType", QtGui.QPlatformSurfaceEvent
)
_ABOUT_TO_BE_DESTROYED = _SURFACE_EVENT.SurfaceAboutToBeDestroyed
_CREATED = _SURFACE_EVENT.SurfaceCreated


class _SurfaceGuard(QtCore.QObject):  # type: ignore[misc]
    """Keeps an embedded WebView safe while Qt destroys and recreates its host window.

    Qt recreates a native child window whenever its top-level changes (a dock floating or
    re-docking): the X window the WebView lives in is destroyed and a new one made. Before
    the old one goes, the WebView is parked (hidden, under the root window); once the new
    one exists it moves in. When the widget itself goes, the parked WebView is closed. A
    separate parentless object does this: a widget being deleted cannot watch itself.
    Guards keep themselves alive (``_GUARDS``) until their WebView closes.
    """

    def __init__(self, widget: Any, surface: Any, webview: WebView) -> None:
        super().__init__()
        self._webview = webview
        self._widget_sync = widget._sync_bounds
        surface.installEventFilter(self)
        surface.destroyed.connect(webview.close)
        widget.destroyed.connect(webview.close)
        _GUARDS.add(self)
        webview.on_closed(lambda: _GUARDS.discard(self))

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if event.type() == _PLATFORM_SURFACE and not self._webview.closed:
            kind = event.surfaceEventType()
            if kind == _ABOUT_TO_BE_DESTROYED:
                self._webview.reparent(None)  # synchronous on the UI thread
            elif kind == _CREATED:
                self._webview.reparent(int(watched.winId()))
                self._widget_sync()
        return False


_GUARDS: set = set()


class QtWebView(QtWidgets.QWidget):  # type: ignore[misc]
    """A QWidget showing an auroraview :class:`WebView`.

    Keyword arguments are those of :class:`WebView` (``url``, ``html``, ``dcc_mode``,
    ``debug``, ``allowed_origins``...). The WebView is ``self.webview``: register handlers
    with ``widget.webview.on(...)`` or the shortcut ``widget.on(...)``. Create it on the
    host's main thread.
    """

    def __init__(self, parent: Optional[Any] = None, **webview_kwargs: Any) -> None:
        super().__init__(parent)
        self.setAttribute(_WA.WA_NativeWindow)
        self.setAttribute(_WA.WA_DontCreateNativeAncestors)
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
