"""The one Qt binding finder (``auroraview._qt_binding``): its order, the
``AURORAVIEW_QT_BINDING`` override, and what it finds in this environment (the real binding:
PySide6 in .venv, the combination's own binding in each virtualenv of the version matrix)."""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import types
from pathlib import Path

import pytest
from auroraview import _qt_binding
from auroraview._qt_binding import (
    BINDINGS,
    ENV_VAR,
    binding_order,
    exec_loop,
    import_binding,
    qt_enum,
    running_qt_core,
)

INSTALLED = [name for name in BINDINGS if importlib.util.find_spec(name) is not None]


def test_default_order_is_qt6_before_qt5():
    assert BINDINGS == ("PySide6", "PyQt6", "PySide2", "PyQt5")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", BINDINGS),
        ("PyQt5", ("PyQt5", "PySide6", "PyQt6", "PySide2")),
        (" pyqt5 , PYSIDE2 ", ("PyQt5", "PySide2", "PySide6", "PyQt6")),
        ("PySide2,PySide2,", ("PySide2", "PySide6", "PyQt6", "PyQt5")),
    ],
)
def test_the_environment_puts_named_bindings_first(monkeypatch, value, expected):
    monkeypatch.setenv(ENV_VAR, value)
    assert binding_order() == expected


def test_an_unknown_name_is_ignored_with_one_warning(monkeypatch, caplog):
    monkeypatch.setenv(ENV_VAR, "PyQt4,PyQt5")
    monkeypatch.setattr(_qt_binding, "_warned", set())
    monkeypatch.setattr(_qt_binding, "_cached_order", ("", BINDINGS))
    with caplog.at_level(logging.WARNING, logger="auroraview.qt"):
        assert binding_order() == ("PyQt5", "PySide6", "PyQt6", "PySide2")
        assert binding_order()[0] == "PyQt5"
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "'PyQt4'" in warnings[0] and ENV_VAR in warnings[0]


def test_import_binding_finds_the_installed_binding():
    assert INSTALLED, "no Qt binding installed"
    binding = import_binding()
    assert binding.name == INSTALLED[0] or f"{binding.name}.QtWidgets" in sys.modules
    assert binding.QtWidgets.__name__ == f"{binding.name}.QtWidgets"
    assert binding.QtCore.qVersion().startswith(("5.", "6."))


def test_a_preferred_binding_that_is_not_installed_falls_through(monkeypatch):
    missing = [name for name in BINDINGS if name not in INSTALLED]
    if not missing:
        pytest.skip("every binding is installed")
    monkeypatch.setenv(ENV_VAR, missing[0])
    assert import_binding().name in INSTALLED


def test_running_qt_core_is_the_application_of_the_binding_in_use(qapp):
    core = running_qt_core()
    assert core is not None and core.QCoreApplication.instance() is qapp
    assert type(qapp).__module__.startswith(core.__name__.split(".")[0])


def test_with_two_bindings_loaded_the_order_decides(qapp, monkeypatch):
    """Two bindings cannot be loaded together here (each wheel brings its own Qt), so the
    second one is a stand-in module with an application, as a DCC with two would have."""
    real = running_qt_core().__name__.split(".")[0]
    other = next(name for name in BINDINGS if name != real)
    stand_in = types.ModuleType(f"{other}.QtCore")
    stand_in.QCoreApplication = types.SimpleNamespace(instance=lambda: object())
    monkeypatch.setitem(sys.modules, f"{other}.QtCore", stand_in)
    monkeypatch.setenv(ENV_VAR, other)
    assert running_qt_core() is stand_in
    monkeypatch.setenv(ENV_VAR, real)
    assert running_qt_core().__name__ == f"{real}.QtCore"


def test_qt_enum_reads_scoped_and_flat_enums():
    core = import_binding().QtCore
    native = qt_enum(core.Qt, "WidgetAttribute", "WA_NativeWindow")
    assert int(getattr(native, "value", native)) == 100  # Qt::WA_NativeWindow
    flat = types.SimpleNamespace(WA_NativeWindow=100)  # a binding without the enum's type
    assert qt_enum(flat, "WidgetAttribute", "WA_NativeWindow") == 100
    with pytest.raises(AttributeError):
        qt_enum(flat, "WidgetAttribute", "NoSuchMember")


def test_exec_loop_runs_a_real_event_loop(qapp):
    core = import_binding().QtCore
    loop = core.QEventLoop()
    core.QTimer.singleShot(0, lambda: loop.exit(7))
    assert exec_loop(loop) == 7


def test_a_binding_that_is_being_imported_is_passed_over(qapp):
    """While any thread imports a module of the running binding (here a probe module of
    that package whose import blocks), detection does not call into it; afterwards it does.
    (Calling into PyQt5 while it initialises QtGui crashed the process.)"""
    import importlib.abc
    import importlib.util
    import threading

    core = running_qt_core()
    package = core.__name__.split(".")[0]
    probe = f"{package}._auroraview_import_probe"
    entered, release = threading.Event(), threading.Event()

    class SlowLoader(importlib.abc.Loader):
        def create_module(self, spec):
            return None

        def exec_module(self, module):
            entered.set()
            release.wait(10)

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            return importlib.util.spec_from_loader(name, SlowLoader()) if name == probe else None

    finder = Finder()
    sys.meta_path.insert(0, finder)
    importer = threading.Thread(target=importlib.import_module, args=(probe,))
    try:
        importer.start()
        assert entered.wait(10)
        assert running_qt_core() is None
    finally:
        release.set()
        importer.join(10)
        sys.meta_path.remove(finder)
        sys.modules.pop(probe, None)
    assert running_qt_core() is core


def test_a_worker_never_makes_the_bindings_application_type(tmp_path):
    """In a fresh process, a worker asking for the running Qt application does not make
    PySide6's lazily created ``QCoreApplication`` type (making types on two threads at once
    deadlocked PySide6 about once in 35 runs under load); once the main thread made an
    application, the worker finds it."""
    import subprocess

    script = tmp_path / "worker_detection.py"
    script.write_text(
        "import threading\n"
        "from auroraview._qt_binding import running_qt_core\n"
        "from qtbinding import QtCore, QtWidgets\n"
        "lazy = 'QCoreApplication' not in vars(QtCore)\n"
        "seen = []\n"
        "def ask():\n"
        "    seen.append(running_qt_core())\n"
        "t = threading.Thread(target=ask); t.start(); t.join()\n"
        "assert seen == [None], seen\n"
        "assert not lazy or 'QCoreApplication' not in vars(QtCore)\n"
        "app = QtWidgets.QApplication([])\n"
        "t = threading.Thread(target=ask); t.start(); t.join()\n"
        "assert seen[1] is QtCore, seen\n"
        "print('RESULT', lazy)\n"
    )
    path = [str(Path(__file__).resolve().parent), os.environ.get("PYTHONPATH", "")]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, path)))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().startswith("RESULT")
