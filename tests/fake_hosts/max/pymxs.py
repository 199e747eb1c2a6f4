"""Fake ``pymxs`` (3ds Max 2022+).

3ds Max has no Python dispatch API (MaxPlus and its EvalOnMainThread are gone); it is a Qt
application, so main-thread work goes through Qt's event loop. The tests pair this module
with a real Qt QApplication. Calling pymxs from another thread does not raise in Max (it
silently corrupts state); the fake raises RuntimeError and records the call so tests can see it.
"""

from __future__ import annotations

import collections
import threading

_MAIN = threading.main_thread().ident


class _FakeMax:
    def __init__(self) -> None:
        self.calls: collections.Counter[str] = collections.Counter()
        self.violations: list[tuple[str, int]] = []
        self.objects: list[str] = []


_fake = _FakeMax()


def _main_only(api: str) -> None:
    if threading.get_ident() != _MAIN:
        _fake.violations.append((api, threading.get_ident()))
        raise RuntimeError(f"pymxs.{api} called off the main thread (would corrupt Max's state)")


class _Runtime:
    def maxVersion(self):
        return [26000, 62, 0, 26, 0, 0, 0, 2024, ".0 Update"]

    def Box(self, name=None, **_props):
        _main_only("runtime.Box")
        obj = name or f"Box{len(self.objects_named('Box')) + 1:03d}"
        _fake.objects.append(obj)
        return obj

    def objects_named(self, prefix: str) -> list[str]:
        return [o for o in _fake.objects if o.startswith(prefix)]

    @property
    def objects(self):
        _main_only("runtime.objects")
        return list(_fake.objects)


runtime = _Runtime()
