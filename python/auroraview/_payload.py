"""JSON encoding of payloads that cross to the page, with errors that name the culprit.

Only encoding and decoding live here; sizes are checked by the Rust side (one limit,
``MAX_MESSAGE_BYTES``, both directions).
"""

from __future__ import annotations

import json
from typing import Any

from .errors import PayloadError

_encoder = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def to_json(value: Any, what: str) -> str:
    """``value`` as JSON text, or ``PayloadError`` saying which value of which call failed."""
    try:
        return _encoder.encode(value)
    except (TypeError, ValueError) as exc:
        raise PayloadError(
            f"{what}: {type(value).__name__} value is not JSON-serialisable ({exc})"
        ) from exc


def from_json(text: str) -> Any:
    return json.loads(text)
