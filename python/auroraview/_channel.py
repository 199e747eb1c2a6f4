"""``Channel``: a handler streams messages (progress, chunks, log lines) to the page before it
returns. The page receives them, in order, through the call's ``onMessage`` and then gets the
call's result; nothing ever follows the result (a Channel used after its call ended raises
:class:`~auroraview.errors.ChannelClosedError`).

A handler asks for one with a parameter annotated ``Channel``::

    @webview.on("export")
    def export(data, channel: Channel):
        for i, frame in enumerate(frames):
            channel.send({"done": i + 1, "of": len(frames)})
        return "ok"

What must not live here: routing calls (``_router.py``); the ordering guarantee itself is
Rust's (messages and the result travel through the same command queue, and the call's
``PageCall`` refuses messages once settled).
"""

from __future__ import annotations

import inspect
import threading
import weakref
from typing import Any, Callable, Optional

from . import _core
from ._payload import to_json
from .errors import ChannelClosedError

__all__ = ["Channel", "channel_parameter"]


class Channel:
    """The message stream of one page call. Thread-safe: any thread may ``send`` while the
    handler runs."""

    __slots__ = ("_call", "_listening")

    def __init__(self, call: _core.PageCall) -> None:
        self._call = call
        self._listening = call.channel

    @property
    def listening(self) -> bool:
        """True if the page passed ``onMessage`` (otherwise messages are checked and
        dropped)."""
        return self._listening

    @property
    def closed(self) -> bool:
        """True once the call has ended: ``send`` raises then."""
        return self._call.settled

    def send(self, data: Any = None) -> None:
        """Send ``data`` (JSON-serialisable) to the page's ``onMessage``. Raises
        ``PayloadError`` for data JSON cannot hold, ``QueueFullError`` when the UI thread is
        that far behind, ``ChannelClosedError`` after the call ended."""
        text = to_json(data, "a Channel message")
        if self._listening:
            sent = self._call.message(text)
        else:
            sent = not self._call.settled
        if not sent:
            raise ChannelClosedError(
                f"the call {self._call.name!r} has ended (its result was sent): a Channel "
                f"can only be used while its call runs"
            )

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<auroraview.Channel of {self._call.name!r} {state}>"


_PARAMS: weakref.WeakKeyDictionary[Any, Optional[str]] = weakref.WeakKeyDictionary()
_PARAMS_LOCK = threading.Lock()


def _is_channel(annotation: Any) -> bool:
    if annotation is Channel:
        return True
    return isinstance(annotation, str) and annotation.rsplit(".", 1)[-1].strip("'\"") == "Channel"


def channel_parameter(func: Callable[..., Any]) -> Optional[str]:
    """The name of ``func``'s parameter annotated ``Channel``, if any (cached)."""
    key = getattr(func, "__func__", func)
    try:
        with _PARAMS_LOCK:
            if key in _PARAMS:
                return _PARAMS[key]
    except TypeError:  # unhashable callable
        key = None
    name = None
    try:
        for param in inspect.signature(func).parameters.values():
            if _is_channel(param.annotation):
                name = param.name
                break
    except (TypeError, ValueError):
        name = None
    if key is not None:
        with _PARAMS_LOCK:
            _PARAMS[key] = name
    return name
