"""Fake ``maya`` package (interactive Maya, or batch mode with ``FAKE_MAYA_BATCH=1``).

The real package is nearly empty; interactive Maya imports ``maya.utils`` and ``maya.cmds``
at startup. The fake's state lives in :data:`_fake`, shared by the submodules.
"""

from __future__ import annotations

import collections
import os

from fake_hosts._mainloop import MainLoop


class _FakeMaya:
    def __init__(self) -> None:
        self.batch = os.environ.get("FAKE_MAYA_BATCH", "0") == "1"
        # Maya is Qt-based and event-driven: a deferred call wakes the loop at once. In
        # batch mode there are no idle events, so deferred code never runs.
        self.loop = MainLoop("maya", process_idle=not self.batch)
        #: Every vendor dispatch API call, by name.
        self.calls: collections.Counter[str] = collections.Counter()
        #: The scene: node name -> node type.
        self.scene: dict[str, str] = {}

    def run(self, until=None, timeout: float = 10.0) -> bool:
        return self.loop.run(until, timeout)


_fake = _FakeMaya()
