"""Fake ``maya.utils``: the documented thread helpers and their behaviour.

- ``executeDeferred(fn, *args, **kwargs)``: runs ``fn`` at the next idle event, even when
  called on the main thread; an exception is printed (traceback) and swallowed. In batch
  mode it never runs at all. Also accepts a string of Python code.
- ``executeInMainThreadWithResult(fn, *args, **kwargs)``: on the main thread runs inline;
  otherwise blocks until the main thread has run it at an idle event (forever, in Maya; the
  fake gives up after 60 s with an AssertionError) and returns its result.
- ``processIdleEvents()``: main thread: run the queued idle events now.
"""

from __future__ import annotations

import threading

from maya import _fake

#: How long the fake lets executeInMainThreadWithResult block before it calls it a hang.
HANG_AFTER = 60.0


def executeDeferred(fn, *args, **kwargs):
    _fake.calls["executeDeferred"] += 1
    _fake.loop.post_idle(fn, *args, **kwargs)


def executeInMainThreadWithResult(fn, *args, **kwargs):
    _fake.calls["executeInMainThreadWithResult"] += 1
    if _fake.loop.on_main_thread():
        if isinstance(fn, str):
            return eval(fn)
        return fn(*args, **kwargs)
    if _fake.batch:
        raise AssertionError("executeInMainThreadWithResult would hang: no idle events in batch")
    done = threading.Event()
    outcome: list = []

    def run():
        try:
            outcome.append((True, fn(*args, **kwargs)))
        except BaseException as exc:
            outcome.append((False, exc))
        finally:
            done.set()

    _fake.loop.post_idle(run)
    if not done.wait(HANG_AFTER):
        raise AssertionError("executeInMainThreadWithResult would hang: main thread never idle")
    ok, value = outcome[0]
    if ok:
        return value
    raise value


def processIdleEvents():
    _fake.calls["processIdleEvents"] += 1
    _fake.loop.require_main("maya.utils.processIdleEvents")
    was = _fake.loop.process_idle
    _fake.loop.process_idle = True
    try:
        _fake.loop.iterate()
    finally:
        _fake.loop.process_idle = was
