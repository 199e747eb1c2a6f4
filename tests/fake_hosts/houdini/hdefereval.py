"""Fake ``hdefereval``: Houdini's deferred-execution helpers, traps included.

- Importing it without a UI (hython) raises ImportError.
- ``executeDeferred(fn, *args, **kwargs)``: runs ``fn`` when the event loop is next idle.
- ``executeDeferredAfterWaiting(fn, num_waits, *args, **kwargs)``: after ``num_waits`` more
  passes of the event loop.
- ``executeInMainThreadWithResult(fn, *args, **kwargs)``: blocks until the main thread ran
  ``fn``. Called on the main thread it waits forever in Houdini: the fake raises
  AssertionError("... would hang") instead. The result travels through a module-level global,
  as in Houdini, so two concurrent callers can receive each other's results.
- There is no ``executeInMainThread``.
"""

from __future__ import annotations

import threading

import hou

if not hou.isUIAvailable():
    raise ImportError("hdefereval is only available in a graphical Houdini session")

_fake = hou._fake

#: How long the fake lets executeInMainThreadWithResult block before it calls it a hang.
HANG_AFTER = 60.0

# Houdini hands results back through module state (see the module docstring).
_result = None
_exception = None


def executeDeferred(fn, *args, **kwargs):
    _fake.calls["executeDeferred"] += 1
    _fake.loop.post_idle(fn, *args, **kwargs)


def executeDeferredAfterWaiting(fn, num_waits, *args, **kwargs):
    _fake.calls["executeDeferredAfterWaiting"] += 1
    _fake.loop.post_after(num_waits, fn, *args, **kwargs)


def executeInMainThreadWithResult(fn, *args, **kwargs):
    _fake.calls["executeInMainThreadWithResult"] += 1
    if _fake.loop.on_main_thread():
        raise AssertionError(
            "hdefereval.executeInMainThreadWithResult called on the main thread would hang"
        )
    done = threading.Event()

    def run():
        global _result, _exception
        _result, _exception = None, None
        try:
            _result = fn(*args, **kwargs)
        except Exception as exc:
            _exception = exc
        done.set()

    _fake.loop.post_idle(run)
    if not done.wait(HANG_AFTER):
        raise AssertionError("executeInMainThreadWithResult would hang: main thread never idle")
    if _exception is not None:
        raise _exception
    return _result
