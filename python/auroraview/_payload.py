"""JSON encoding of payloads that cross to the page, with errors that name the culprit.

Only encoding and decoding live here; sizes are checked by the Rust side (one limit,
``MAX_MESSAGE_BYTES``, both directions). Every failure to encode or decode becomes a
``PayloadError`` (a ``ValueError``) that says which value of which call failed, whatever the
cause: a type JSON does not know, NaN, nesting deeper than Python's recursion limit, a
mapping whose ``items()`` raises. Only ``KeyboardInterrupt`` and ``SystemExit`` raised by the
value's own code pass through unchanged: they are not about the payload.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from typing import Any, Callable

from ._describe import describe, type_name
from .errors import PayloadError

_encoder = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
_ascii_encoder = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":"))
#: A surrogate code point in a Python str is always a lone one (JS strings may carry them):
#: it has no UTF-8 form, so such text is sent with ``\uXXXX`` escapes instead.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse(value: Any) -> Any:
    raise TypeError(f"Object of type {type_name(value)} is not JSON serializable")


#: CPython's C encoder factory (``None`` where the interpreter has none: then the stdlib's
#: ``JSONEncoder`` encodes).
_MAKE = getattr(json.encoder, "c_make_encoder", None)
_local = threading.local()


class _ThreadEncoders:
    """One thread's C encoders, built once (``JSONEncoder.encode`` builds one per call: 2 of
    its 2.5 us for an int), and the cycle markers they share: the encoder enters each
    container's id on the way in and removes it on the way out, so a value that contains
    itself is refused at once ("Circular reference detected"), never walked down to the
    recursion limit (on 3.12+ that limit assumes an 8 MiB stack). One set per thread, since
    the markers are the walk's state."""

    __slots__ = ("ascii", "busy", "markers", "plain")

    def __init__(self, make: Callable[..., Callable[[Any, int], Sequence[str]]]) -> None:
        self.markers: dict[int, Any] = {}
        self.plain, self.ascii = (
            make(self.markers, _refuse, quote, None, ":", ",", False, False, False)
            for quote in (json.encoder.encode_basestring, json.encoder.encode_basestring_ascii)
        )
        #: A walk is under way on this thread (a value's own code, such as a mapping's
        #: ``items()``, encoding again): the nested one takes the stdlib's way.
        self.busy = False


def _stdlib_encode(value: Any) -> str:
    text = _encoder.encode(value)
    if not text.isascii() and _SURROGATE.search(text):
        text = _ascii_encoder.encode(value)
    return text


def to_json(value: Any, what: str, *args: object) -> str:
    """``value`` as JSON text, or ``PayloadError`` saying which value of which call failed:
    ``what % args`` (formatted only then, so that the hot path pays nothing for it)."""
    try:
        if _MAKE is None:
            return _stdlib_encode(value)
        try:
            encoders: _ThreadEncoders = _local.encoders
        except AttributeError:
            encoders = _local.encoders = _ThreadEncoders(_MAKE)
        if encoders.busy:
            return _stdlib_encode(value)
        encoders.busy = True
        try:
            chunks = encoders.plain(value, 0)
            text = chunks[0] if len(chunks) == 1 else "".join(chunks)
            if not text.isascii() and _SURROGATE.search(text):
                chunks = encoders.ascii(value, 0)
                text = chunks[0] if len(chunks) == 1 else "".join(chunks)
            return text
        except BaseException:
            encoders.markers.clear()  # a failed walk leaves the ids it was inside
            raise
        finally:
            encoders.busy = False
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        if args:
            what = what % args
        raise PayloadError(
            f"{what}: {type_name(value)} value is not JSON-serialisable "
            f"({type_name(exc)}: {describe(exc)})"
        ) from exc


def utf8_safe(text: str) -> str:
    """``text`` with any lone surrogate replaced by its ``\\udXXX`` spelling (for messages
    that cross to the page outside JSON)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def from_json(text: str, what: str = "the page's value") -> Any:
    """The value of JSON ``text``; ``PayloadError`` when Python cannot hold it (nesting
    deeper than the recursion limit, integers longer than ``sys.int_info`` allows)."""
    try:
        return json.loads(text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        raise PayloadError(
            f"{what} cannot be decoded in Python ({type_name(exc)}: {describe(exc)})"
        ) from exc
