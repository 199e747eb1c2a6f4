"""Nuke: ``nuke.executeInMainThread(fn, args=())`` queues fn for the main thread.

Not used: ``executeInMainThreadWithResult`` (swallows exceptions, returns None, and has no
main-thread guard). ``args`` must be a tuple. Without a GUI (``nuke -t``) Nuke is not
detected and the standalone loop serves.
"""

from __future__ import annotations

import sys

from .base import HostAdapter


class NukeAdapter(HostAdapter):
    name = "nuke"
    idle_hint = "Nuke's main loop did not run during the wait (is the main thread busy?)."

    @classmethod
    def detect(cls) -> bool:
        nuke = sys.modules.get("nuke")
        return nuke is not None and bool(getattr(nuke, "GUI", False))

    def wake(self) -> None:
        sys.modules["nuke"].executeInMainThread(self.pump, args=())
