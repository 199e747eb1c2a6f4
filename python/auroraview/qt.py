"""``QtWebView``: an auroraview WebView as a QWidget, for layouts and dock widgets.

The widget is a native child window (``WA_NativeWindow``); the WebView is embedded in it on
the host's main thread (hosted mode), follows its size, and is closed when the widget's
native window is about to be destroyed, before the X window goes away (dropping an embedded
WebView after its parent window would make GDK abort the process). Works with whichever Qt
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
_ABOUT_TO_BE_DESTROYED = getattr(
    QtGui.QPlatformSurfaceEvent, "SurfaceEventType", QtGui.QPlatformSurfaceEvent
).SurfaceAboutToBeDestroyed


class _SurfaceGuard(QtCore.QObject):  # type: ignore[misc]
    """Closes a WebView when the native window it is embedded in is about to be destroyed.

    A separate parentless object: while a widget is being deleted its own Python methods can
    no longer be relied on, so the widget cannot watch its own surface. Guards keep
    themselves alive (``_GUARDS``) until they fire or their WebView closes.
    """

    def __init__(self, surface: Any, webview: WebView) -> None:
        super().__init__()
        self._webview = webview
        surface.installEventFilter(self)
        _GUARDS.add(self)
        webview.on_closed(lambda: _GUARDS.discard(self))

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if event.type() == _PLATFORM_SURFACE and event.surfaceEventType() == _ABOUT_TO_BE_DESTROYED:
            self._webview.close()  # on the UI thread: closes synchronously
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
            _SurfaceGuard(surface, self.webview)

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
