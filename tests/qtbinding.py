"""The Qt binding the tests drive: the one auroraview's own finder picks
(``auroraview._qt_binding``: PySide6, PyQt6, PySide2 or PyQt5, whichever imports first;
``AURORAVIEW_QT_BINDING`` chooses when several are installed).

Tests and the subprocess scripts they start get QtCore/QtGui/QtWidgets from here, never from a
binding by name, so the same tests run on every binding of the version matrix
(``scripts/test-matrix.sh``). Importing this module imports Qt: import it where Qt is wanted.
"""

from __future__ import annotations

from typing import Any

from auroraview._qt_binding import exec_loop, import_binding, qt_enum

__all__ = ["NAME", "QtCore", "QtGui", "QtWidgets", "exec_loop", "qt_enum", "shutdown"]

_binding = import_binding()
#: "PySide6", "PyQt6", "PySide2" or "PyQt5".
NAME: str = _binding.name
QtCore: Any = _binding.QtCore
QtGui: Any = _binding.QtGui
QtWidgets: Any = _binding.QtWidgets


def shutdown(app: Any) -> None:
    """Tear the application down before interpreter exit where the binding offers it
    (PySide's ``shutdown()``; PyQt has none and needs none)."""
    stop = getattr(app, "shutdown", None)
    if stop is not None:
        stop()
