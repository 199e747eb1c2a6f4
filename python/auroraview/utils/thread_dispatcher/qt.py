"""Qt hosts (any application with a running QCoreApplication; PySide6/2, PyQt6/5).

Which binding's application that is, is decided in ``auroraview._qt_binding`` (one finder
for the whole package; ``AURORAVIEW_QT_BINDING`` reorders it).

Route: a QObject that lives in the application's thread and a signal connected to its slot
with ``QueuedConnection``; emitting the signal from any thread posts an event that the GUI
thread's loop delivers, and the slot pumps. Never ``QTimer.singleShot`` from a worker (the
timer would belong to a thread with no event loop and never fire), never
``BlockingQueuedConnection`` (deadlocks when the caller is the GUI thread).

When Qt runs on GLib (Linux), the wake is a GLib idle source on the default main context
instead (``Dispatcher.use_main_loop_waker``): Qt's loop iterates that context, and unlike a
posted event it is delivered inside a ``processEvents()`` loop that a main-thread handler
runs (Qt does not deliver events posted during an event's delivery there). It also needs
neither the GIL nor a signal emit.

What a Qt host offers WebViews is answered here too (``serves_webviews``,
``run_until_closed``, ``native_window_id``, ``prepare_own_mode``), and by default for every
other adapter (``base.py``): the WebView code knows no Qt.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType
from typing import Any, Callable, Optional

from ..._qt_binding import exec_loop, qt_enum, qt_runs_on_glib, running_qt_core
from ...errors import WrongThreadError
from .base import HostAdapter, logger

_pump_classes: dict[str, type] = {}

#: Seconds one pump may run tasks in a Qt host before it yields to Qt's loop (1 ms: during a
#: flood of main-thread work a 1 ms Qt timer still fires between two pumps, where 2 ms made
#: every gap at least 2 ms; see benches/bench_hosted_flood.py and docs/benchmarks.md).
QT_PUMP_BUDGET = 0.001


def _pump_class(core: ModuleType) -> type:
    cls = _pump_classes.get(core.__name__)
    if cls is None:
        signal = getattr(core, "Signal", None) or core.pyqtSignal
        slot: Callable[[], Callable[[Callable[[Any], None]], Callable[[Any], None]]] = (
            getattr(core, "Slot", None) or core.pyqtSlot
        )

        class _QtPump(core.QObject):  # type: ignore[name-defined, misc]
            wake_requested = signal()

            def __init__(self, pump: Callable[[], None]) -> None:
                super().__init__()
                self._pump = pump

            @slot()
            def on_wake(self) -> None:
                self._pump()

        cls = _pump_classes[core.__name__] = _QtPump
    return cls


def _queued_connection(core: ModuleType) -> Any:
    connection_type = getattr(core.Qt, "ConnectionType", None)
    queued = getattr(connection_type, "QueuedConnection", None)
    return queued if queued is not None else core.Qt.QueuedConnection


class QtAdapter(HostAdapter):
    name = "qt"
    idle_hint = (
        "The Qt event loop did not deliver events during the wait: is the GUI thread blocked, "
        "or has app.exec() not been started yet?"
    )

    def __init__(self) -> None:
        super().__init__()
        self._pump_obj: Any = None
        self._app_id = 0
        self._core: Optional[ModuleType] = None

    @classmethod
    def detect(cls) -> bool:
        return running_qt_core() is not None

    def is_alive(self) -> bool:
        core = self._core
        app = core.QCoreApplication.instance() if core is not None else None
        return app is not None and id(app) == self._app_id

    def install(self, dispatcher: Any) -> None:
        core = running_qt_core()
        if core is None:
            raise RuntimeError("no QApplication/QCoreApplication exists in this process")
        app = core.QCoreApplication.instance()
        obj = _pump_class(core)(self.pump)
        # Created on whichever thread detected Qt; it must live in the GUI thread.
        obj.moveToThread(app.thread())
        obj.wake_requested.connect(obj.on_wake, _queued_connection(core))
        self._core, self._app_id, self._pump_obj = core, id(app), obj
        super().install(dispatcher)
        if qt_runs_on_glib() and dispatcher.use_main_loop_waker():
            logger.debug("auroraview: Qt runs on GLib; main-thread wakes are GLib idle sources")
        # A Qt host's loop delivers its own queued events a few at a time between its
        # timers and input: a pump of ours holds it at most as long.
        dispatcher.budget = QT_PUMP_BUDGET

    def uninstall(self) -> None:
        super().uninstall()
        obj, self._pump_obj = self._pump_obj, None
        if obj is not None:
            try:
                obj.wake_requested.disconnect()
                obj.deleteLater()
            except RuntimeError:  # the C++ object went with the application
                pass

    def wake(self) -> None:
        obj = self._pump_obj
        if obj is None:
            return
        try:
            obj.wake_requested.emit()
        except RuntimeError as exc:  # "Internal C++ object already deleted"
            logger.warning("auroraview: the Qt application is gone; cannot wake it (%s)", exc)

    # -- what a Qt application offers WebViews ----------------------------------------------

    @classmethod
    def serves_webviews(cls) -> bool:
        """Linux: a Qt application on GLib's event dispatcher (GTK shares GLib's default
        main context). Windows: any Qt application (its dispatcher dispatches every message
        of the thread, our windows' included). macOS: any Qt application (it runs the Cocoa
        loop on the main thread, which also serves the main dispatch queue)."""
        on_linux = sys.platform.startswith("linux")  # (a variable: mypy checks one platform)
        if on_linux:
            return qt_runs_on_glib()
        return running_qt_core() is not None

    @classmethod
    def run_until_closed(
        cls,
        subscribe: Callable[[Callable[[], None]], None],
        finished: Callable[[], bool],
        timeout: Optional[float] = None,
    ) -> None:
        """A ``QEventLoop`` on the main thread, quit through the dispatcher (``quit()`` is
        not thread-safe), or by a ``QTimer`` after ``timeout``."""
        from . import run_on_main_thread

        core = running_qt_core()
        if core is None:
            raise WrongThreadError("show(block=True) in hosted mode needs the Qt application")
        loop = core.QEventLoop()
        subscribe(lambda: run_on_main_thread(loop.quit))
        if finished():
            return
        if timeout is not None:
            core.QTimer.singleShot(int(timeout * 1000), loop.quit)
        if not finished():
            exec_loop(loop)

    @classmethod
    def native_window_id(cls, window: object) -> Optional[int]:
        """A widget's ``winId()``, after making it a native window (``WA_NativeWindow``)."""
        win_id = getattr(window, "winId", None)
        if win_id is None:
            return None
        set_attribute = getattr(window, "setAttribute", None)
        core = running_qt_core()
        if set_attribute is not None and core is not None:
            set_attribute(qt_enum(core.Qt, "WidgetAttribute", "WA_NativeWindow"))
        return int(win_id())

    @classmethod
    def prepare_own_mode(cls) -> None:
        """Linux: our UI thread owns GLib's main context from now on, so a Qt application
        created later in this process must not use the GLib event dispatcher (it would hang
        waiting for that context): ``QT_NO_GLIB=1`` is set for it, unless the environment
        already says otherwise."""
        if sys.platform.startswith("linux") and running_qt_core() is None:
            if "QT_NO_GLIB" not in os.environ:
                os.environ["QT_NO_GLIB"] = "1"
                logger.info("auroraview: set QT_NO_GLIB=1 for Qt applications created later")
