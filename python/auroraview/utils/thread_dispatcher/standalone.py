"""Standalone Python (no host loop): the main thread serves calls in ``run_main_loop()``.

The Rust dispatcher wakes a thread blocked in ``run_main_loop()`` by itself, so this adapter's
wake does nothing. It is provisional: while it is in use the registry keeps looking for a
real host (a QApplication created later, say).
"""

from __future__ import annotations

from .base import HostAdapter


class StandaloneAdapter(HostAdapter):
    name = "standalone"
    provisional = True
    idle_hint = (
        "No host event loop was found: call auroraview.utils.run_main_loop() on the main "
        "thread, or auroraview.utils.pump_main_thread() regularly from your own loop."
    )

    @classmethod
    def detect(cls) -> bool:
        return True

    def host_loop_serves(self) -> bool:
        return False

    def wake(self) -> None:
        # run_main_loop() is parked in Rust and unparked by the dispatcher itself.
        pass
