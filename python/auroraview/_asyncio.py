"""The asyncio event loop auroraview owns, for ``async def`` handlers and methods.

One thread per process, ``auroraview-asyncio``, started by the first coroutine and stopped
at interpreter exit (its remaining tasks are cancelled first). Handlers never run on the UI
thread. Under ``dcc_mode`` (or ``@dcc_thread_safe``) a coroutine runs on the main thread's
asyncio loop when one runs there (a Qt host driven by an asyncio integration, or a script
inside ``asyncio.run``); otherwise on this loop, with a warning once.

What must not live here: deciding which handler runs where (``_router.py``).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import logging
import threading
from collections.abc import Coroutine
from typing import Any, Optional

logger = logging.getLogger("auroraview.webview")

THREAD_NAME = "auroraview-asyncio"

_lock = threading.Lock()
_loop: Optional[asyncio.AbstractEventLoop] = None
_thread: Optional[threading.Thread] = None
_warned_no_main_loop = False


def loop() -> asyncio.AbstractEventLoop:
    """auroraview's loop, started on first use."""
    global _loop, _thread
    with _lock:
        if _loop is not None and _thread is not None and _thread.is_alive():
            return _loop
        new = asyncio.new_event_loop()
        started = threading.Event()

        def run() -> None:
            _name_os_thread()
            asyncio.set_event_loop(new)
            new.call_soon(started.set)
            try:
                new.run_forever()
            finally:
                try:
                    new.run_until_complete(new.shutdown_asyncgens())
                finally:
                    new.close()

        thread = threading.Thread(target=run, name=THREAD_NAME, daemon=True)
        thread.start()
        started.wait(10)
        _loop, _thread = new, thread
        return new


def _name_os_thread() -> None:
    """Give the OS thread its own name: it would otherwise keep the name of the thread that
    started it (a WebView's handler thread, in ``top -H`` and to tests counting those)."""
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/comm", "w") as comm:
            comm.write(THREAD_NAME[:15])
    except OSError:
        pass  # not Linux: the name is cosmetic


def running() -> bool:
    """True while auroraview's loop thread runs."""
    return _thread is not None and _thread.is_alive()


@atexit.register
def stop(timeout: float = 2.0) -> None:
    """Cancel what still runs on auroraview's loop and stop its thread (at exit)."""
    global _loop, _thread
    with _lock:
        current, thread = _loop, _thread
        _loop = _thread = None
    if current is None or thread is None or not thread.is_alive():
        return

    async def cancel_all() -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout / 2)

    try:
        asyncio.run_coroutine_threadsafe(cancel_all(), current).result(timeout)
    except BaseException:
        pass
    current.call_soon_threadsafe(current.stop)
    thread.join(timeout)


def main_thread_loop() -> Optional[asyncio.AbstractEventLoop]:
    """The asyncio loop running on the calling (main) thread, if any."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Escaped(Exception):
    """Carries a ``KeyboardInterrupt`` or ``SystemExit`` a coroutine raised: asyncio would
    re-raise those out of the loop and end its thread. ``.exc`` is the original."""

    def __init__(self, exc: BaseException) -> None:
        super().__init__(str(exc))
        self.exc = exc


async def _contained(coro: Coroutine[Any, Any, Any]) -> Any:
    try:
        return await coro
    except (KeyboardInterrupt, SystemExit) as exc:
        raise Escaped(exc) from exc


def error_of(future: concurrent.futures.Future[Any]) -> Optional[BaseException]:
    """The exception a finished (not cancelled) Future ended with, unwrapped."""
    exc = future.exception()
    return exc.exc if isinstance(exc, Escaped) else exc


def submit(
    coro: Coroutine[Any, Any, Any], target: Optional[asyncio.AbstractEventLoop] = None
) -> concurrent.futures.Future[Any]:
    """Runs ``coro`` on ``target`` (auroraview's loop by default) from any thread; the
    returned Future settles with its outcome (read errors with :func:`error_of`), and
    cancelling it cancels the task."""
    return asyncio.run_coroutine_threadsafe(_contained(coro), target or loop())


def submit_on_main(
    coro: Coroutine[Any, Any, Any], main_loop: Optional[asyncio.AbstractEventLoop]
) -> concurrent.futures.Future[Any]:
    """For a coroutine that must run on the main thread (called there): the main thread's
    running loop, else ``main_loop`` if it still runs, else auroraview's loop (warned once)."""
    global _warned_no_main_loop
    here = main_thread_loop()
    if here is not None:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        task = here.create_task(_contained(coro))
        _chain(task, future)
        return future
    if main_loop is not None and main_loop.is_running() and not main_loop.is_closed():
        return submit(coro, main_loop)
    if not _warned_no_main_loop:
        _warned_no_main_loop = True
        logger.warning(
            "auroraview: an async dcc_mode handler found no asyncio loop on the main thread; "
            "it runs on auroraview's own loop (thread %s) instead: call the DCC from it "
            "through run_on_main_thread",
            THREAD_NAME,
        )
    return submit(coro)


def _chain(task: asyncio.Task[Any], future: concurrent.futures.Future[Any]) -> None:
    def copy(done: asyncio.Task[Any]) -> None:
        if future.done():
            return
        if done.cancelled():
            future.cancel()
        elif done.exception() is not None:
            future.set_exception(done.exception())
        else:
            future.set_result(done.result())

    def cancel(f: concurrent.futures.Future[Any]) -> None:
        if f.cancelled():
            task.get_loop().call_soon_threadsafe(task.cancel)

    task.add_done_callback(copy)
    future.add_done_callback(cancel)
