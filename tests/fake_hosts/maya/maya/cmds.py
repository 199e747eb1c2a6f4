"""Fake ``maya.cmds``: ``about`` and a tiny scene API that, like Maya's commands, raises
``RuntimeError`` when called from any thread but the main thread."""

from __future__ import annotations

from maya import _fake


def about(batch=False, version=False, **_flags):
    _fake.loop.require_main("maya.cmds.about")
    if batch:
        return _fake.batch
    if version:
        return "2025"
    raise TypeError("about: pass one query flag")


def _unique(base: str) -> str:
    if base not in _fake.scene:
        return base
    stem = base.rstrip("0123456789") or base
    i = 1
    while f"{stem}{i}" in _fake.scene:
        i += 1
    return f"{stem}{i}"


def polyCube(name="pCube1", **_flags):
    _fake.loop.require_main("maya.cmds.polyCube")
    node = _unique(name)
    _fake.scene[node] = "transform"
    shape = _unique("polyCube1")
    _fake.scene[shape] = "polyCube"
    return [node, shape]


def ls(type=None, **_flags):
    _fake.loop.require_main("maya.cmds.ls")
    return sorted(n for n, t in _fake.scene.items() if type is None or t == type)


def objExists(name):
    _fake.loop.require_main("maya.cmds.objExists")
    return name in _fake.scene


def delete(*names):
    _fake.loop.require_main("maya.cmds.delete")
    for n in names:
        if n not in _fake.scene:
            raise ValueError(f"No object matches name: {n}")
        del _fake.scene[n]
