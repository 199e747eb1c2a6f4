"""Houdini: ``hdefereval.executeDeferred(fn)`` runs fn on the main thread from the UI loop.

Not used: ``executeInMainThreadWithResult`` (waits forever when called on the main thread and
passes results through a module global). ``hdefereval`` does not import in hython (no UI):
Houdini is then not detected and the standalone loop serves. Houdini's loop can be slow
(~50 ms per round trip measured), which is why sync waits have timeouts.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Optional

from .base import HostAdapter


def _hdefereval() -> Optional[ModuleType]:
    module = sys.modules.get("hdefereval")
    if module is None:
        try:
            module = importlib.import_module("hdefereval")
        except ImportError:
            return None
    return module


class HoudiniAdapter(HostAdapter):
    name = "houdini"
    idle_hint = "Houdini's UI loop did not run during the wait (is the main thread busy?)."

    @classmethod
    def detect(cls) -> bool:
        hou = sys.modules.get("hou")
        if hou is None:
            return False
        try:
            if not hou.isUIAvailable():
                return False
        except Exception:
            return False
        return _hdefereval() is not None

    def wake(self) -> None:
        module = _hdefereval()
        if module is not None:
            module.executeDeferred(self.pump)
