"""Unreal Editor: one Slate post-tick callback pumps the dispatcher on the game thread.

``unreal.register_slate_post_tick_callback(fn)`` runs ``fn(delta_seconds)`` every Slate tick
until ``unregister_slate_post_tick_callback(handle)``; there is no sync API. One handle per
install, unregistered on uninstall. Slate ticks slower when the editor is idle, so latency
follows the editor's tick rate.
"""

from __future__ import annotations

import sys
from typing import Any

from .base import HostAdapter


class UnrealAdapter(HostAdapter):
    name = "unreal"
    idle_hint = "The Unreal editor did not tick during the wait (is the game thread blocked?)."

    def __init__(self) -> None:
        super().__init__()
        self._handle: Any = None

    @classmethod
    def detect(cls) -> bool:
        unreal = sys.modules.get("unreal")
        return unreal is not None and hasattr(unreal, "register_slate_post_tick_callback")

    @classmethod
    def needs_main_thread_install(cls) -> bool:
        return True

    def install(self, dispatcher: Any) -> None:
        super().install(dispatcher)
        self._handle = sys.modules["unreal"].register_slate_post_tick_callback(self._tick)

    def uninstall(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            try:
                sys.modules["unreal"].unregister_slate_post_tick_callback(handle)
            except Exception:  # editor shutting down
                pass
        super().uninstall()

    def _tick(self, delta_seconds: float) -> None:
        dispatcher = self.dispatcher
        if dispatcher is not None and dispatcher.pending:
            self.pump()

    def wake(self) -> None:
        # The tick callback polls the queue; nothing to wake.
        pass
