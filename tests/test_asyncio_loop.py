"""auroraview's asyncio loop (``auroraview._asyncio``): one thread, started on first use,
its coroutines cancelled and the thread stopped at interpreter exit, and a coroutine that
raises ``KeyboardInterrupt`` or ``SystemExit`` does not end it."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading

from auroraview import _asyncio

EXIT_SCRIPT = textwrap.dedent(
    """
    import asyncio, threading
    from auroraview import _asyncio

    assert not _asyncio.running()
    async def forever():
        try:
            await asyncio.sleep(3600)
        finally:
            print("cancelled at exit", flush=True)
    _asyncio.submit(forever())
    assert _asyncio.running()
    print("threads:", [t.name for t in threading.enumerate() if t.name == _asyncio.THREAD_NAME])
    """
)


def test_the_loop_stops_at_exit_and_cancels_what_runs():
    proc = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT], capture_output=True, text=True, timeout=20
    )
    assert proc.returncode == 0, proc.stderr
    assert "threads: ['auroraview-asyncio']" in proc.stdout
    assert "cancelled at exit" in proc.stdout


def test_one_loop_thread_that_survives_base_exceptions():
    async def escape(exc):
        raise exc

    async def fine():
        return threading.current_thread().name

    for exc in (KeyboardInterrupt("k"), SystemExit(3)):
        future = _asyncio.submit(escape(exc))
        assert isinstance(_asyncio.error_of(future.exception(5) and future), type(exc))
    assert _asyncio.submit(fine()).result(5) == _asyncio.THREAD_NAME
    assert sum(t.name == _asyncio.THREAD_NAME for t in threading.enumerate()) == 1
    assert asyncio.iscoroutinefunction(fine)
