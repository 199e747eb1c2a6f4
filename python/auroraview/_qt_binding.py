"""The one place that finds the Qt binding: PySide6, PyQt6, PySide2 or PyQt5.

Lives here: the order in which bindings are considered (``AURORAVIEW_QT_BINDING`` puts the
named ones first), the QtCore of the running Qt application (``running_qt_core``), importing a
binding's QtCore/QtGui/QtWidgets for widgets (``import_binding``), and the two differences
between the bindings that callers trip over (enums reached through their type, which PyQt6
requires and the others accept; ``exec`` versus PySide2's ``exec_``).
Must not live here: widgets, dispatch, anything that creates Qt objects. Nothing here imports
a binding except ``import_binding``, which is only called when a widget is wanted.
"""

from __future__ import annotations

import importlib
import importlib._bootstrap
import importlib.util
import logging
import os
import sys
import threading
from types import ModuleType
from typing import Any, NamedTuple, Optional

logger = logging.getLogger("auroraview.qt")

ENV_VAR = "AURORAVIEW_QT_BINDING"
#: The default order: Qt 6 before Qt 5, PySide before PyQt.
BINDINGS = ("PySide6", "PyQt6", "PySide2", "PyQt5")

_warned: set[str] = set()
_cached_order: tuple[str, tuple[str, ...]] = ("", BINDINGS)  # (the variable's value, order)


class Binding(NamedTuple):
    """A Qt binding's name and its three modules that auroraview uses."""

    name: str
    QtCore: ModuleType
    QtGui: ModuleType
    QtWidgets: ModuleType


def binding_order() -> tuple[str, ...]:
    """The bindings to consider, in order: those named in ``$AURORAVIEW_QT_BINDING``
    (comma-separated, any case) first, then the others in the default order.

    A process that has two bindings loaded (a DCC shipping PySide2 plus a studio tool on
    PyQt5, say) uses the first one in this order. Unknown names are ignored with a warning.
    """
    global _cached_order
    raw = os.environ.get(ENV_VAR, "")
    if raw == _cached_order[0]:
        return _cached_order[1]
    preferred: list[str] = []
    for part in raw.split(","):
        name = part.strip()
        if not name:
            continue
        match = next((b for b in BINDINGS if b.lower() == name.lower()), None)
        if match is None:
            if raw not in _warned:
                _warned.add(raw)
                logger.warning(
                    "auroraview: %s=%r names an unknown Qt binding %r (known: %s); ignored",
                    ENV_VAR,
                    raw,
                    name,
                    ", ".join(BINDINGS),
                )
        elif match not in preferred:
            preferred.append(match)
    order = tuple(preferred) + tuple(b for b in BINDINGS if b not in preferred)
    _cached_order = (raw, order)
    return order


def running_qt_core() -> Optional[ModuleType]:
    """The QtCore module of the first loaded binding (in ``binding_order()``) whose
    application instance exists; None when no Qt application runs in this process.

    A binding that some thread is still importing is passed over: calling into it then can
    crash the process (PyQt5: ``QCoreApplication.instance()`` on a worker while the main
    thread initialises ``QtGui`` segfaults). Detection runs again soon after.

    On a thread other than the main one, a binding whose ``QCoreApplication`` type does not
    exist yet is passed over too. PySide6 creates its types on first use, and a worker that
    makes one while the main thread makes another can deadlock the process: seen here,
    a worker's ``QtCore.QCoreApplication`` against the main thread's ``QtCore.QTimer``, with
    each thread waiting for what the other holds. Any Qt application made from Python creates
    that type, so nothing is missed there. An application made in C++, whose Python never
    touched ``QCoreApplication``, is found once the main thread asks.
    """
    on_main = threading.current_thread() is threading.main_thread()
    for name in binding_order():
        core = sys.modules.get(f"{name}.QtCore")
        if core is None or _being_imported(name):
            continue
        app_type = vars(core).get("QCoreApplication")
        if app_type is None:
            if not on_main:
                continue
            app_type = core.QCoreApplication
        if app_type.instance() is not None:
            return core
    return None


def _being_imported(binding: str) -> bool:
    """True while a module of ``binding`` is being imported (by any thread): importlib holds
    a per-module lock for that time (``importlib._bootstrap._module_locks``, private but the
    same dict from Python 3.3 to 3.13; absent, nothing is known to be in progress)."""
    locks = getattr(importlib._bootstrap, "_module_locks", None)
    if not locks:
        return False
    prefix = binding + "."
    try:
        names = list(locks)
    except RuntimeError:  # changed size while copied: some import is under way
        return True
    return any(n == binding or n.startswith(prefix) for n in names)


def qt_runs_on_glib() -> bool:
    """True if a Qt application exists and its main event dispatcher is GLib's (Linux,
    unless ``QT_NO_GLIB=1``): its loop then iterates GLib's default main context."""
    core = running_qt_core()
    if core is None:
        return False
    app = core.QCoreApplication.instance()
    dispatcher = core.QAbstractEventDispatcher.instance(app.thread())
    if dispatcher is None:
        return False
    return "glib" in dispatcher.metaObject().className().lower()


def loaded_binding() -> Optional[str]:
    """The binding to build widgets with when one is already in use: the running
    application's, else the first (in order) whose QtWidgets is imported; None otherwise."""
    core = running_qt_core()
    if core is not None:
        return core.__name__.split(".")[0]
    return next((n for n in binding_order() if f"{n}.QtWidgets" in sys.modules), None)


def import_binding() -> Binding:
    """QtCore, QtGui and QtWidgets of the binding in use (``loaded_binding()``), else of
    the first one in ``binding_order()`` that imports. Raises ImportError naming every
    binding tried when none does."""
    name = loaded_binding()
    candidates = (name,) if name is not None else binding_order()
    failures: list[str] = []
    for candidate in candidates:
        if name is None and importlib.util.find_spec(candidate) is None:
            failures.append(f"{candidate}: not installed")
            continue
        try:
            modules = [importlib.import_module(f"{candidate}.{m}") for m in Binding._fields[1:]]
        except ImportError as exc:
            failures.append(f"{candidate}: {exc}")
            continue
        return Binding(candidate, *modules)
    raise ImportError(
        "auroraview.qt needs a Qt binding (PySide6, PyQt6, PySide2 or PyQt5) and none "
        "imports: " + "; ".join(failures)
    )


def qt_enum(scope: Any, type_name: str, member: str) -> Any:
    """``scope.type_name.member`` (the only form PyQt6 has), else ``scope.member``.

    Example: ``qt_enum(QtCore.Qt, "WidgetAttribute", "WA_NativeWindow")``.
    """
    enum_type = getattr(scope, type_name, None)
    value = getattr(enum_type, member, None) if enum_type is not None else None
    return value if value is not None else getattr(scope, member)


def exec_loop(loop: Any) -> Any:
    """Run a QEventLoop/QDialog/QApplication: ``exec()``, or ``exec_()`` on PySide2."""
    run = getattr(loop, "exec", None) or loop.exec_
    return run()
