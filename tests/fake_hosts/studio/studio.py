"""Fake ``studio``: a DCC that auroraview has no adapter for (think Katana, Mari, Substance).

It stands for the custom hosts a studio adds with ``register_dispatcher_backend``. Its
documented Python API, run by a real event loop on the main thread:

- ``execute_deferred(fn, *args, **kwargs)``: any thread; queues ``fn`` for the main loop's
  next pass, also when called on the main thread (never inline). An exception escaping
  ``fn`` is printed and swallowed, as hosts do.
- ``execute_in_main_thread(fn, *args, **kwargs)``: inline on the main thread; elsewhere
  blocks until the main loop has run it, with no timeout (the fake gives up after 60 s).
- ``is_main_thread()``.
- ``create_object(name)`` / ``objects()``: the scene; main thread only (RuntimeError
  elsewhere).

``FAKE_STUDIO_HEADLESS=1``: the command-line build (``studio.HEADLESS``), whose loop never
runs deferred work.
"""

from __future__ import annotations

import collections
import os
import threading

from fake_hosts._mainloop import MainLoop

#: How long the fake lets execute_in_main_thread block before it calls it a hang.
HANG_AFTER = 60.0


class _FakeStudio:
    def __init__(self) -> None:
        self.headless = os.environ.get("FAKE_STUDIO_HEADLESS", "0") == "1"
        self.loop = MainLoop("studio", process_idle=not self.headless)
        self.calls: collections.Counter[str] = collections.Counter()
        self.scene: list[str] = []

    def run(self, until=None, timeout: float = 10.0) -> bool:
        return self.loop.run(until, timeout)


_fake = _FakeStudio()

#: True in the command-line build (no event loop runs deferred work).
HEADLESS = _fake.headless


def execute_deferred(fn, *args, **kwargs):
    _fake.calls["execute_deferred"] += 1
    _fake.loop.post_idle(fn, *args, **kwargs)


def execute_in_main_thread(fn, *args, **kwargs):
    _fake.calls["execute_in_main_thread"] += 1
    if _fake.loop.on_main_thread():
        return fn(*args, **kwargs)
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
        raise AssertionError("execute_in_main_thread would hang: the main loop never ran")
    ok, value = outcome[0]
    if ok:
        return value
    raise value


def is_main_thread():
    return _fake.loop.on_main_thread()


def create_object(name):
    _fake.loop.require_main("studio.create_object")
    _fake.scene.append(name)
    return name


def objects():
    _fake.loop.require_main("studio.objects")
    return list(_fake.scene)
