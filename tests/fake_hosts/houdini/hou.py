"""Fake ``hou`` (Houdini's main module).

Configuration (read at import, like a Houdini session's mode):

- ``FAKE_HOUDINI_UI=0``: hython (no UI): ``isUIAvailable()`` is False and ``import
  hdefereval`` raises ImportError. Default 1 (the Houdini application).
- ``FAKE_HOUDINI_PERIOD=<seconds>``: slow event loop. Houdini was measured at ~19 Hz for
  deferred work (p50 52 ms per round trip): ``0.05`` reproduces that. Default 0 (event-driven).

``node(path)`` and ``Node.createNode`` are main-thread only here (RuntimeError elsewhere); in
Houdini, touching the scene from another thread is not safe.
"""

from __future__ import annotations

import collections
import os

from fake_hosts._mainloop import MainLoop


class _FakeHoudini:
    def __init__(self) -> None:
        self.ui = os.environ.get("FAKE_HOUDINI_UI", "1") == "1"
        self.loop = MainLoop("houdini", period=float(os.environ.get("FAKE_HOUDINI_PERIOD", "0")))
        self.calls: collections.Counter[str] = collections.Counter()
        self.nodes: dict[str, str] = {"/obj": "objnet"}

    def run(self, until=None, timeout: float = 10.0) -> bool:
        return self.loop.run(until, timeout)


_fake = _FakeHoudini()


def isUIAvailable() -> bool:
    return _fake.ui


def applicationVersionString() -> str:
    return "20.5.332"


class OperationFailed(Exception):
    pass


class Node:
    def __init__(self, path: str) -> None:
        self._path = path

    def path(self) -> str:
        return self._path

    def name(self) -> str:
        return self._path.rsplit("/", 1)[-1]

    def createNode(self, node_type: str, node_name=None) -> Node:
        _fake.loop.require_main("hou.Node.createNode")
        base = node_name or f"{node_type}1"
        name, i = base, 1
        while f"{self._path}/{name}" in _fake.nodes:
            i += 1
            name = f"{base.rstrip('0123456789')}{i}"
        path = f"{self._path}/{name}"
        _fake.nodes[path] = node_type
        return Node(path)

    def children(self) -> tuple:
        _fake.loop.require_main("hou.Node.children")
        prefix = self._path + "/"
        return tuple(
            Node(p)
            for p in sorted(_fake.nodes)
            if p.startswith(prefix) and "/" not in p[len(prefix) :]
        )


def node(path: str):
    _fake.loop.require_main("hou.node")
    return Node(path) if path in _fake.nodes else None
