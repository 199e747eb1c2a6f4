"""Fake ``unreal`` (the Unreal Editor's Python module).

- ``register_slate_post_tick_callback(fn)`` returns a handle; the game thread calls
  ``fn(delta_seconds)`` after every Slate tick until
  ``unregister_slate_post_tick_callback(handle)``. There is no other way onto the game thread
  and no synchronous API. Both may only be called on the game thread (RuntimeError
  elsewhere, and the call is recorded).
- The editor ticks at a frame rate (``FAKE_UNREAL_HZ``, default 60) and Slate throttles when
  the user is idle: with ``FAKE_UNREAL_IDLE_HZ`` set, the rate drops to that after
  ``FAKE_UNREAL_IDLE_AFTER`` seconds (default 0.5) without :meth:`_FakeUnreal.user_input`.
  Posting work does not wake the editor.
- ``EditorAssetLibrary`` calls are game-thread only (RuntimeError elsewhere).
"""

from __future__ import annotations

import builtins
import collections
import os
import time

from fake_hosts._mainloop import MainLoop


class _FakeUnreal:
    def __init__(self) -> None:
        self.active_hz = float(os.environ.get("FAKE_UNREAL_HZ", "60"))
        idle = os.environ.get("FAKE_UNREAL_IDLE_HZ")
        self.idle_hz = float(idle) if idle else None
        self.idle_after = float(os.environ.get("FAKE_UNREAL_IDLE_AFTER", "0.5"))
        self.last_input = time.monotonic()
        self.loop = MainLoop("unreal", period_fn=self._period)
        self.calls: collections.Counter[str] = collections.Counter()
        #: Handles registered and not yet unregistered, in registration order.
        self.registered: list[_DelegateHandle] = []
        #: Every handle ever registered / unregistered.
        self.registrations: list[_DelegateHandle] = []
        self.unregistrations: list[_DelegateHandle] = []
        self.assets: set[str] = {"/Game"}

    def _period(self) -> float:
        throttled = (
            self.idle_hz is not None and time.monotonic() - self.last_input >= self.idle_after
        )
        return 1.0 / (self.idle_hz if throttled else self.active_hz)

    def user_input(self) -> None:
        """The user moved the mouse: Slate ticks at full rate for a while."""
        self.last_input = time.monotonic()

    def run(self, until=None, timeout: float = 10.0) -> bool:
        return self.loop.run(until, timeout)


_fake = _FakeUnreal()


class _DelegateHandle:
    def __init__(self, tick_id: int) -> None:
        self._tick_id = tick_id

    def __repr__(self) -> str:
        return f"<unreal._DelegateHandle {self._tick_id}>"


def _game_thread_only(api: str) -> None:
    # Raises a RuntimeError subclass and records the call.
    _fake.loop.require_main(f"unreal.{api}")


def register_slate_post_tick_callback(callable):
    _fake.calls["register_slate_post_tick_callback"] += 1
    _game_thread_only("register_slate_post_tick_callback")
    if not builtins.callable(callable):
        raise TypeError("callable expected")
    handle = _DelegateHandle(_fake.loop.add_tick(callable))
    _fake.registered.append(handle)
    _fake.registrations.append(handle)
    return handle


def unregister_slate_post_tick_callback(handle):
    _fake.calls["unregister_slate_post_tick_callback"] += 1
    _game_thread_only("unregister_slate_post_tick_callback")
    if not isinstance(handle, _DelegateHandle):
        raise TypeError(f"expected a _DelegateHandle, got {type(handle).__name__}")
    _fake.loop.remove_tick(handle._tick_id)
    if handle in _fake.registered:
        _fake.registered.remove(handle)
    _fake.unregistrations.append(handle)


def log(message) -> None:
    print(f"LogPython: {message}")


class EditorAssetLibrary:
    @staticmethod
    def make_directory(path: str) -> bool:
        _game_thread_only("EditorAssetLibrary.make_directory")
        _fake.assets.add(path)
        return True

    @staticmethod
    def does_directory_exist(path: str) -> bool:
        _game_thread_only("EditorAssetLibrary.does_directory_exist")
        return path in _fake.assets

    @staticmethod
    def list_assets(directory_path: str, recursive: bool = True, include_folder: bool = False):
        _game_thread_only("EditorAssetLibrary.list_assets")
        return sorted(a for a in _fake.assets if a.startswith(directory_path))
