"""The adversarial suite: bad input and faults from pages, handlers and callers, run in own
mode and in hosted mode (``AURORAVIEW_TEST_WEBVIEW_MODE=hosted``; ``make test`` runs both).

Every test opens WebViews through ``wv_host`` (shared with ``tests/webview``), states what
the user sees, and is checked by the autouse ``ledger`` afterwards: nothing left running or
pending once its WebViews closed (no WebView open, no evaluation pending, no command queued,
no handler thread, no WebKit web process, at most one network process).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "webview"))

from advsupport import network_processes, poll, web_processes
from wvhost import wv_host

__all__ = ["ledger", "wv_host"]


@pytest.fixture(autouse=True)
def ledger():
    """Checks, after the test and its WebViews' teardown, that nothing was left behind."""
    from auroraview import _core

    before = _core.runtime_stats()
    yield
    stats: dict = {}

    def settled() -> bool:
        stats.update(_core.runtime_stats())
        return (
            stats["open_views"] <= before["open_views"]
            and stats["pending_evals"] == 0
            and stats["queued_commands"] == 0
        )

    assert poll(settled, 5.0), f"left behind: {stats} (before: {before})"
    assert poll(lambda: not web_processes(), 10.0), f"web processes left: {web_processes()}"
    assert len(network_processes()) <= 1, f"network processes: {network_processes()}"
