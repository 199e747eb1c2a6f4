"""AuroraView 0.5's fallback, chosen explicitly: main-thread calls run inline on the caller.

Selected by ``AURORAVIEW_DISPATCHER=fallback`` (or a ``FallbackDispatcherBackend``
registered above the other backends). While it is in use, ``run_on_main_thread``,
``run_on_main_thread_sync`` and the decorators run the function at once on the calling
thread, whatever thread that is: upstream's behaviour outside a DCC, for tool unit tests.
The dispatcher itself still exists and is served like the standalone one
(``run_main_loop()`` / ``pump_main_thread()``), so nothing already queued is lost when the
fallback is switched on or off. Never select it inside a DCC: host APIs would be called off
their main thread.
"""

from __future__ import annotations

from typing import Any

from .base import logger
from .standalone import StandaloneAdapter

_warned = False


class FallbackAdapter(StandaloneAdapter):
    name = "fallback"
    inline = True

    def install(self, dispatcher: Any) -> None:
        global _warned
        if not _warned:
            _warned = True
            logger.warning(
                "auroraview: the fallback dispatcher is selected: main-thread calls run inline "
                "on the calling thread (meant for unit tests outside a DCC)"
            )
        super().install(dispatcher)
