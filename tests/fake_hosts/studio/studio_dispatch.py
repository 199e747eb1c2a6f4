"""A studio's dispatcher backend for the fake ``studio`` host, written only from the public
contract in docs/thread-dispatch.md ("Custom hosts"): the page's example, as a studio would
ship it in its own package (registered as ``"studio_dispatch:StudioBackend"``)."""

from __future__ import annotations

import sys

from auroraview.utils.thread_dispatcher import ThreadDispatcherBackend


class StudioBackend(ThreadDispatcherBackend):
    """Our in-house "studio" application, whose Python API has execute_deferred()."""

    def is_available(self):
        studio = sys.modules.get("studio")  # look, don't import
        return studio is not None and not studio.HEADLESS

    def run_deferred(self, func, *args, **kwargs):
        sys.modules["studio"].execute_deferred(func, *args, **kwargs)

    def run_sync(self, func, *args, **kwargs):  # for code that calls the backend directly
        return sys.modules["studio"].execute_in_main_thread(func, *args, **kwargs)
