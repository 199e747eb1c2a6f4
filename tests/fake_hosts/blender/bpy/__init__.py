"""Fake ``bpy`` for the full Blender application (with a window manager and a main loop).

Only the full-application path needs a fake: the real ``bpy`` module from PyPI (installed in
the test environment) always runs in background mode, where timers never fire; the tests
run that one in a subprocess.

- ``bpy.app.background``: False (``FAKE_BLENDER_BACKGROUND=1`` for True; then there is no
  event loop at all and :meth:`_FakeBlender.run` refuses to run).
- ``bpy.app.timers.register(function, first_interval=0, persistent=False)``: the main loop
  calls ``function()`` ``first_interval`` seconds later; it returns None to stop or a number
  of seconds to run again. An exception is printed and stops the timer. Registering from
  another thread is not documented as safe: the fake serves it but records it.
  Loading a file (``bpy.ops.wm.read_homefile()``) drops every non-persistent timer.
- Blender's loop sleeps ~5 ms per pass when idle: ``FAKE_BLENDER_PERIOD`` (default 0.005).
- ``bpy.data.objects`` and ``bpy.ops``: main thread only (RuntimeError here; in Blender such
  calls from a thread corrupt data or crash).
"""

from __future__ import annotations

import collections
import os

from fake_hosts._mainloop import MainLoop


class _FakeBlender:
    def __init__(self) -> None:
        self.background = os.environ.get("FAKE_BLENDER_BACKGROUND", "0") == "1"
        self.loop = MainLoop(
            "blender", period=float(os.environ.get("FAKE_BLENDER_PERIOD", "0.005"))
        )
        self.calls: collections.Counter[str] = collections.Counter()
        #: Timer functions by id() (Blender keys timers by the object passed), with the
        #: persistence flag. A bound method is a new object on every attribute access, so
        #: unregister(obj.method) does not find the timer that register(obj.method) made.
        self.persistent: dict[int, tuple[object, bool]] = {}
        self.background_timers: list = []
        self.timer_registrations: list[tuple[object, bool]] = []
        self.objects: dict[str, Object] = {}
        self.files_loaded = 0

    def run(self, until=None, timeout: float = 10.0) -> bool:
        if self.background:
            raise AssertionError("blender -b has no event loop: timers never fire")
        return self.loop.run(until, timeout)


_fake = _FakeBlender()


class _Timers:
    @staticmethod
    def register(function, first_interval=0, persistent=False):
        _fake.calls["timers.register"] += 1
        _fake.loop.note_off_thread("bpy.app.timers.register")
        if not callable(function):
            raise TypeError("function must be callable")
        _fake.persistent[id(function)] = (function, bool(persistent))
        _fake.timer_registrations.append((function, bool(persistent)))
        if not _fake.background:
            _fake.loop.add_timer(function, first_interval)
        else:
            _fake.background_timers.append(function)

    @staticmethod
    def unregister(function):
        _fake.calls["timers.unregister"] += 1
        _fake.loop.note_off_thread("bpy.app.timers.unregister")
        if _fake.background:
            kept = [f for f in _fake.background_timers if f is not function]
            if len(kept) == len(_fake.background_timers):
                raise ValueError("Error: function is not registered")
            _fake.background_timers[:] = kept
            return
        if not _fake.loop.remove_timer(function):
            raise ValueError("Error: function is not registered")

    @staticmethod
    def is_registered(function):
        _fake.loop.note_off_thread("bpy.app.timers.is_registered")
        if _fake.background:
            return any(f is function for f in _fake.background_timers)
        return _fake.loop.has_timer(function)


class _App:
    background = _fake.background
    version = (4, 2, 0)
    version_string = "4.2.0"
    timers = _Timers()


app = _App()


class Object:
    def __init__(self, name: str, data=None) -> None:
        self.name = name
        self.data = data


class _Objects:
    def new(self, name, object_data):
        _fake.loop.require_main("bpy.data.objects.new")
        unique, i = name, 0
        while unique in _fake.objects:
            i += 1
            unique = f"{name}.{i:03d}"
        obj = Object(unique, object_data)
        _fake.objects[unique] = obj
        return obj

    def remove(self, obj):
        _fake.loop.require_main("bpy.data.objects.remove")
        del _fake.objects[obj.name]

    def keys(self):
        _fake.loop.require_main("bpy.data.objects.keys")
        return list(_fake.objects)

    def __len__(self):
        _fake.loop.require_main("len(bpy.data.objects)")
        return len(_fake.objects)

    def __contains__(self, name):
        _fake.loop.require_main("bpy.data.objects.__contains__")
        return name in _fake.objects


class _Data:
    objects = _Objects()


data = _Data()


class _WmOps:
    @staticmethod
    def read_homefile(**_kwargs):
        """Load the startup file: drops every non-persistent timer, like any file load."""
        _fake.loop.require_main("bpy.ops.wm.read_homefile")
        _fake.objects.clear()
        _fake.files_loaded += 1
        _fake.loop.clear_timers(lambda fn: _fake.persistent.get(id(fn), (None, False))[1])
        return {"FINISHED"}


class _MeshOps:
    @staticmethod
    def primitive_cube_add(**_kwargs):
        _fake.loop.require_main("bpy.ops.mesh.primitive_cube_add")
        data.objects.new("Cube", "Mesh")
        return {"FINISHED"}


class _Ops:
    wm = _WmOps()
    mesh = _MeshOps()


ops = _Ops()
