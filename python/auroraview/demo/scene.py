"""The demo's "scene": a tiny in-memory DCC scene that, like a real DCC API, may only be
touched on the main thread.

Every public method checks the calling thread first and raises :class:`SceneThreadError`
anywhere else, the way ``maya.cmds`` or ``hou`` would refuse (or, worse, corrupt state).
The demo never breaks that rule: the page's handlers run on the main thread
(``dcc_mode=True``) and worker threads reach the scene through ``run_on_main_thread_sync``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Callable

KINDS = ("cube", "sphere")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")


class SceneThreadError(RuntimeError):
    """The scene was touched from a thread other than the main thread."""


@dataclass
class SceneObject:
    name: str
    kind: str


class Scene:
    """Objects with unique names, a selection, and listeners told about every change."""

    def __init__(self) -> None:
        self._owner = threading.main_thread().ident
        self._objects: list[SceneObject] = []
        self._selected: set[str] = set()
        self._next_index = {kind: 1 for kind in KINDS}
        self._listeners: list[Callable[[], None]] = []
        #: Calls made on the main thread (every call, since others raise).
        self.touches = 0
        #: Calls refused because they came from another thread.
        self.refused = 0

    # -- the guard every DCC-style call goes through ---------------------------------------

    def _enter(self, what: str) -> None:
        if threading.get_ident() != self._owner:
            self.refused += 1
            raise SceneThreadError(
                f"scene.{what}() called from thread {threading.current_thread().name!r}; "
                "the scene may only be touched on the main thread"
            )
        self.touches += 1

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- reading ---------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` (on the main thread) after every change."""
        self._enter("subscribe")
        self._listeners.append(listener)

    def names(self) -> list[str]:
        self._enter("names")
        return [obj.name for obj in self._objects]

    def objects(self) -> list[SceneObject]:
        self._enter("objects")
        return list(self._objects)

    def selection(self) -> list[str]:
        self._enter("selection")
        return [obj.name for obj in self._objects if obj.name in self._selected]

    def snapshot(self) -> list[dict[str, Any]]:
        """The scene as JSON-ready rows: ``{"name", "kind", "selected"}``."""
        self._enter("snapshot")
        return [
            {"name": obj.name, "kind": obj.kind, "selected": obj.name in self._selected}
            for obj in self._objects
        ]

    def ping(self) -> int:
        """A trivial scene query (the stress test's payload): the object count."""
        self._enter("ping")
        return len(self._objects)

    # -- editing ---------------------------------------------------------------------------

    def add(self, kind: str) -> str:
        self._enter("add")
        if kind not in KINDS:
            raise ValueError(f"unknown object kind {kind!r}; choose one of {KINDS}")
        taken = {obj.name for obj in self._objects}
        while f"{kind}{self._next_index[kind]}" in taken:
            self._next_index[kind] += 1
        name = f"{kind}{self._next_index[kind]}"
        self._next_index[kind] += 1
        self._objects.append(SceneObject(name, kind))
        self._changed()
        return name

    def delete(self, names: list[str]) -> list[str]:
        """Delete the named objects; returns the names actually deleted."""
        self._enter("delete")
        doomed = set(names)
        gone = [obj.name for obj in self._objects if obj.name in doomed]
        if gone:
            self._objects = [obj for obj in self._objects if obj.name not in doomed]
            self._selected -= doomed
            self._changed()
        return gone

    def rename(self, old: str, new: str) -> str:
        self._enter("rename")
        new = new.strip()
        if not _NAME.match(new):
            raise ValueError(
                f"{new!r} is not a valid name (letters, digits and _, not starting with a digit)"
            )
        target = next((obj for obj in self._objects if obj.name == old), None)
        if target is None:
            raise KeyError(f"no object named {old!r}")
        if new != old and any(obj.name == new for obj in self._objects):
            raise ValueError(f"an object named {new!r} already exists")
        target.name = new
        if old in self._selected:
            self._selected.discard(old)
            self._selected.add(new)
        self._changed()
        return new

    def select(self, names: list[str]) -> list[str]:
        """Replace the selection (unknown names are ignored); returns the new selection."""
        self._enter("select")
        existing = {obj.name for obj in self._objects}
        wanted = set(names) & existing
        if wanted != self._selected:
            self._selected = wanted
            self._changed()
        return [obj.name for obj in self._objects if obj.name in self._selected]
