"""Blender: a persistent ``bpy.app.timers`` timer pumps the dispatcher in the full application.

In background mode (``blender -b``, and the ``bpy`` module from PyPI) timers never fire. The
adapter then installs nothing, and the host script serves calls itself with
``auroraview.utils.pump_main_thread()`` or ``run_main_loop()``; a call nobody serves fails
with ``NoMainLoopError`` saying so, instead of hanging.
"""

from __future__ import annotations

import sys
from typing import Any, Optional

from .base import HostAdapter

#: Seconds between timer polls while the queue is idle (Blender timers cannot be woken from
#: another thread: registering timers off the main thread is not documented as safe).
IDLE_INTERVAL = 0.005

BACKGROUND_HINT = (
    "Blender runs in background mode (blender -b, or the bpy module), where bpy.app.timers "
    "never fire: serve calls from your script's main thread with "
    "auroraview.utils.pump_main_thread() in your loop, or auroraview.utils.run_main_loop()."
)


class BlenderAdapter(HostAdapter):
    name = "blender"
    idle_hint = "Blender's timers did not run during the wait (is a modal operator running?)."

    def __init__(self) -> None:
        super().__init__()
        self.background = False
        self._timer_registered = False
        # Blender finds timers by the exact object registered: keep one bound method.
        self._timer = self._on_timer

    @classmethod
    def detect(cls) -> bool:
        return "bpy" in sys.modules

    @classmethod
    def needs_main_thread_install(cls) -> bool:
        # Full app: registering the timer is a bpy call. Background: nothing is registered.
        return not bool(sys.modules["bpy"].app.background)

    def install(self, dispatcher: Any) -> None:
        bpy = sys.modules["bpy"]
        self.background = bool(bpy.app.background)
        if self.background:
            self.idle_hint = BACKGROUND_HINT
            super().install(dispatcher)
            return
        super().install(dispatcher)
        bpy.app.timers.register(self._timer, first_interval=0.0, persistent=True)
        self._timer_registered = True

    def host_loop_serves(self) -> bool:
        return not self.background

    def uninstall(self) -> None:
        if self._timer_registered:
            self._timer_registered = False
            timers = sys.modules["bpy"].app.timers
            try:
                if timers.is_registered(self._timer):
                    timers.unregister(self._timer)
            except Exception:  # Blender shutting down
                pass
        super().uninstall()

    def _on_timer(self) -> Optional[float]:
        dispatcher = self.dispatcher
        if dispatcher is None or dispatcher.closed:
            return None  # stops the timer
        more = dispatcher.pending > 0 and dispatcher.pump()
        return 0.0 if more else IDLE_INTERVAL

    def wake(self) -> None:
        # Full app: the timer polls. Background: the script pumps. Nothing to wake.
        pass
