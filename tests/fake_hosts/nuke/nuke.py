"""Fake ``nuke``.

Configuration: ``FAKE_NUKE_GUI=0`` for terminal mode (``nuke -t``): ``nuke.GUI`` is False and
there is no event loop serving ``executeInMainThread``. Default 1.

- ``executeInMainThread(call, args=(), kwargs={})``: queues ``call(*args, **kwargs)`` for the
  main thread (also when called on it). ``args`` must be a tuple and ``kwargs`` a dict:
  anything else is a TypeError, as in Nuke (a lone argument is a common mistake).
- ``executeInMainThreadWithResult(call, args=(), kwargs={})``: blocks until done; an exception
  in ``call`` is printed and swallowed (returns None). It has no main-thread guard: from the
  main thread it would wait forever; the fake raises AssertionError("... would hang").
- ``createNode``/``allNodes``/``toNode``: main thread only (RuntimeError elsewhere).
"""

from __future__ import annotations

import collections
import os
import sys
import threading
import traceback

from fake_hosts._mainloop import MainLoop


class _FakeNuke:
    def __init__(self) -> None:
        self.gui = os.environ.get("FAKE_NUKE_GUI", "1") == "1"
        self.loop = MainLoop("nuke", process_idle=self.gui)
        self.calls: collections.Counter[str] = collections.Counter()
        self.nodes: dict[str, str] = {}

    def run(self, until=None, timeout: float = 10.0) -> bool:
        return self.loop.run(until, timeout)


_fake = _FakeNuke()

GUI = _fake.gui
env = {"gui": _fake.gui, "NukeVersionString": "15.1v3"}

#: How long the fake lets executeInMainThreadWithResult block before it calls it a hang.
HANG_AFTER = 60.0


def _check_args(args, kwargs):
    if not isinstance(args, tuple):
        raise TypeError(f"args must be a tuple, not {type(args).__name__}")
    if not isinstance(kwargs, dict):
        raise TypeError(f"kwargs must be a dict, not {type(kwargs).__name__}")


def executeInMainThread(call, args=(), kwargs=None):
    _fake.calls["executeInMainThread"] += 1
    kwargs = {} if kwargs is None else kwargs
    _check_args(args, kwargs)
    _fake.loop.post_idle(call, *args, **kwargs)


def executeInMainThreadWithResult(call, args=(), kwargs=None):
    _fake.calls["executeInMainThreadWithResult"] += 1
    kwargs = {} if kwargs is None else kwargs
    _check_args(args, kwargs)
    if _fake.loop.on_main_thread():
        raise AssertionError("nuke.executeInMainThreadWithResult on the main thread would hang")
    done = threading.Event()
    box = [None]

    def run():
        try:
            box[0] = call(*args, **kwargs)
        except Exception:
            traceback.print_exc(file=sys.stderr)  # Nuke prints it; the caller gets None
        finally:
            done.set()

    _fake.loop.post_idle(run)
    if not done.wait(HANG_AFTER):
        raise AssertionError("executeInMainThreadWithResult would hang: main thread never idle")
    return box[0]


class Node:
    def __init__(self, name: str) -> None:
        self._name = name

    def name(self) -> str:
        return self._name

    def Class(self) -> str:
        return _fake.nodes[self._name]


def createNode(node_class, args="", inpanel=True):
    _fake.loop.require_main("nuke.createNode")
    i = 1
    while f"{node_class}{i}" in _fake.nodes:
        i += 1
    name = f"{node_class}{i}"
    _fake.nodes[name] = node_class
    return Node(name)


def allNodes(filter=None):
    _fake.loop.require_main("nuke.allNodes")
    return [Node(n) for n, c in _fake.nodes.items() if filter is None or c == filter]


def toNode(name):
    _fake.loop.require_main("nuke.toNode")
    return Node(name) if name in _fake.nodes else None
