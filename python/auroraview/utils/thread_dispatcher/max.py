"""3ds Max: a Qt application; MaxPlus (and its EvalOnMainThread) is gone since Max 2022 and
pymxs has no dispatch API, so the Qt route is the supported one. Calling pymxs from another
thread does not raise, it corrupts state: always go through the dispatcher."""

from __future__ import annotations

import sys

from .qt import QtAdapter


class MaxAdapter(QtAdapter):
    name = "max"
    idle_hint = "3ds Max's Qt event loop did not run during the wait (is a script blocking it?)."

    @classmethod
    def detect(cls) -> bool:
        return "pymxs" in sys.modules and super().detect()
