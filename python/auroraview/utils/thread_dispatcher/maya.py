"""Maya: ``maya.utils.executeDeferred(fn)`` runs fn on the main thread at the next idle.

``executeInMainThreadWithResult`` is not used: sync calls are built on the dispatcher, with a
timeout. In batch mode (mayapy, ``maya.standalone``) there are no idle events, so Maya is not
detected there and the standalone loop (``run_main_loop()``) serves instead.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Optional

from .base import HostAdapter


class MayaAdapter(HostAdapter):
    name = "maya"
    idle_hint = (
        "Maya did not reach idle during the wait (a modal dialog or a long script on the main "
        "thread?). In mayapy/batch mode call auroraview.utils.run_main_loop() instead."
    )

    #: The main thread's answer to ``cmds.about(batch=True)``, with the ``maya.cmds`` it
    #: came from (batch mode does not change during a process's life).
    _batch_seen: Optional[tuple[Any, bool]] = None

    @classmethod
    def detect(cls) -> bool:
        utils = sys.modules.get("maya.utils")
        if utils is None or not hasattr(utils, "executeDeferred"):
            return False
        if "maya.standalone" in sys.modules:
            return False
        cmds = sys.modules.get("maya.cmds")
        # maya.cmds may only be used on the main thread; off it, go by what the main thread
        # found, else (not asked yet) by maya.standalone alone: a guess, provisional.
        if cmds is not None and threading.current_thread() is threading.main_thread():
            try:
                batch = bool(cmds.about(batch=True))
            except Exception:
                return False
            cls._batch_seen = (cmds, batch)
            return not batch
        seen = cls._batch_seen
        if cmds is not None and seen is not None and seen[0] is cmds:
            return not seen[1]
        return True

    def install(self, dispatcher: Any) -> None:
        # Off the main thread batch mode cannot be ruled out (maya.cmds is main-thread
        # only): stay provisional until a detection on the main thread confirms the GUI.
        self.provisional = threading.current_thread() is not threading.main_thread()
        super().install(dispatcher)

    def wake(self) -> None:
        sys.modules["maya.utils"].executeDeferred(self.pump)
