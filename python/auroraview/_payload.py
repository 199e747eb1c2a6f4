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
from typing import Any, Callable, Optional

from ._describe import describe, type_name
from .errors import PayloadError

_encoder = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
_ascii_encoder = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":"))
#: A surrogate code point in a Python str is always a lone one (JS strings may carry them):
#: it has no UTF-8 form, so such text is sent with ``\uXXXX`` escapes instead.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse(value: Any) -> Any:
    raise TypeError(f"Object of type {type_name(value)} is not JSON serializable")


def _c_encoder(ascii_only: bool) -> Optional[Callable[[Any, int], list[str]]]:
    """CPython's C encoder, built once and reused (``JSONEncoder.encode`` builds one per
    call: 2 of its 2.5 us for an int). Built without cycle markers, so it holds no state
    and threads may share it; a cycle then ends as ``RecursionError``, like nesting too deep.
    ``None`` where the interpreter has no C encoder (then ``JSONEncoder`` is used)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    quote = json.encoder.encode_basestring_ascii if ascii_only else json.encoder.encode_basestring
    encoder: Callable[[Any, int], list[str]] = make(
        None, _refuse, quote, None, ":", ",", False, False, False
    )
    return encoder


_fast = _c_encoder(ascii_only=False)
_fast_ascii = _c_encoder(ascii_only=True)


def to_json(value: Any, what: str, *args: object) -> str:
    """``value`` as JSON text, or ``PayloadError`` saying which value of which call failed:
    ``what % args`` (formatted only then, so that the hot path pays nothing for it)."""
    try:
        if _fast is None or _fast_ascii is None:
            text = _encoder.encode(value)
            if not text.isascii() and _SURROGATE.search(text):
                text = _ascii_encoder.encode(value)
            return text
        chunks = _fast(value, 0)
        text = chunks[0] if len(chunks) == 1 else "".join(chunks)
        if not text.isascii() and _SURROGATE.search(text):
            chunks = _fast_ascii(value, 0)
            text = chunks[0] if len(chunks) == 1 else "".join(chunks)
        return text
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
