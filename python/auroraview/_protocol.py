"""Custom URL schemes answered by Python: :class:`ProtocolRequest`, :class:`ProtocolResponse`
and how a handler's return value becomes the engine's answer.

A handler registered with ``webview.register_protocol(scheme, handler)`` runs on one of
auroraview's ``auroraview-protocol`` threads (several requests at once), never on the UI
thread. It returns a :class:`ProtocolResponse`, or for short: ``bytes``/``str`` (200, the
type guessed from the URL), a ``pathlib.Path`` (the file, streamed, ``Range`` honoured), or
a ``(status, headers, body)`` tuple. Whatever it raises (``BaseException`` included), or a
value of another kind, answers 500 with the error's text, and is logged. Every request is
answered exactly once; one this module loses is answered 500 by Rust when collected.

What must not live here: serving ``asset_root`` (Rust does that without Python), routing
page calls (``_router.py``).
"""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from . import _core
from ._describe import describe, type_name

logger = logging.getLogger("auroraview.webview")

Body = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", None]


@dataclass(frozen=True)
class ProtocolRequest:
    """A request of the page for a URL of a registered scheme."""

    method: str
    url: str
    #: The request headers as ``(name, value)`` pairs, in the order the engine gave them.
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """The first header called ``name`` (any case), or ``default``."""
        lower = name.lower()
        for key, value in self.headers:
            if key.lower() == lower:
                return value
        return default

    @property
    def path(self) -> str:
        """The URL's path (``/a/b.json`` of ``studio://host/a/b.json?x=1``), not decoded."""
        rest = self.url.split("://", 1)[-1]
        slash = rest.find("/")
        path = rest[slash:] if slash >= 0 else "/"
        for stop in "?#":
            path = path.split(stop, 1)[0]
        return path or "/"


@dataclass
class ProtocolResponse:
    """What a protocol handler answers. ``body`` is bytes, text (sent as UTF-8) or a path
    to a file (streamed; ``Range`` requests get 206). Without a ``Content-Type`` header the
    type is guessed from the file's or the URL's extension."""

    body: Body = b""
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    mime_type: Optional[str] = None


def _response(value: Any) -> ProtocolResponse:
    """The handler's return value as a :class:`ProtocolResponse`; TypeError otherwise."""
    if isinstance(value, ProtocolResponse):
        return value
    if isinstance(value, tuple) and len(value) == 3:
        status, headers, body = value
        return ProtocolResponse(body=body, status=status, headers=headers or {})
    if isinstance(value, (bytes, bytearray, memoryview, str, os.PathLike)):
        return ProtocolResponse(body=value)
    raise TypeError(
        f"a protocol handler must return ProtocolResponse, bytes, str, a pathlib.Path or "
        f"(status, headers, body), not {type_name(value)}"
    )


def _respond(core: _core.ProtocolRequest, response: ProtocolResponse) -> None:
    status = response.status
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise ValueError(f"status must be an HTTP status code (100-599), not {status!r}")
    headers = [(str(k), str(v)) for k, v in dict(response.headers).items()]
    if response.mime_type is not None:
        headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
        headers.append(("Content-Type", str(response.mime_type)))
    body = response.body
    if isinstance(body, os.PathLike):
        core.respond(status, headers, path=os.fspath(body))
        return
    if body is None:
        data = b""
    elif isinstance(body, str):
        data = body.encode("utf-8")
        if not any(k.lower() == "content-type" for k, _ in headers) and response.mime_type is None:
            headers.append(("Content-Type", "text/plain; charset=utf-8"))
    elif isinstance(body, (bytes, bytearray, memoryview)):
        data = bytes(body)
    else:
        raise TypeError(f"a response body must be bytes, str or a path, not {type_name(body)}")
    core.respond(status, headers, body=data)


def fail(core: _core.ProtocolRequest, exc: BaseException, what: str) -> None:
    """Answer 500 with ``exc``'s type and text, and log it; never raises."""
    level = logging.WARNING if isinstance(exc, Exception) else logging.ERROR
    logger.log(level, "auroraview: %s raised %s", what, type_name(exc), exc_info=exc)
    try:
        text = f"{type_name(exc)}: {describe(exc)}"
        core.respond(500, [("Content-Type", "text/plain; charset=utf-8")], body=text.encode())
    except BaseException:
        logger.error("auroraview: could not answer %s", what, exc_info=True)


def request_of(core: _core.ProtocolRequest) -> ProtocolRequest:
    return ProtocolRequest(
        method=core.method, url=core.url, headers=tuple(core.headers), body=core.body
    )


def deliver(core: _core.ProtocolRequest, value: Any, what: str) -> None:
    """Answer ``core`` with a handler's return value (500 if it is not a response)."""
    try:
        _respond(core, _response(value))
    except BaseException as exc:
        fail(core, exc, what)


def answer(core: _core.ProtocolRequest, handler: Callable[[ProtocolRequest], Any]) -> None:
    """Run ``handler`` for ``core`` and answer it; never raises."""
    what = f"protocol handler for {core.url!r}"
    try:
        value = handler(request_of(core))
        if inspect.isawaitable(value):
            from . import _asyncio

            future = _asyncio.submit(_await(value))
            future.add_done_callback(lambda f: _settle(core, f, what))
            return
    except BaseException as exc:
        fail(core, exc, what)
        return
    deliver(core, value, what)


async def _await(awaitable: Any) -> Any:
    return await awaitable


def _settle(core: _core.ProtocolRequest, future: Any, what: str) -> None:
    """An ``async def`` protocol handler ended (on auroraview's loop)."""
    from . import _asyncio

    if future.cancelled():
        fail(core, RuntimeError("the handler's coroutine was cancelled"), what)
    elif (error := _asyncio.error_of(future)) is not None:
        fail(core, error, what)
    else:
        deliver(core, future.result(), what)


#: The URL ``asset_root`` is served at, and the page a WebView with one opens by default.
ASSET_ORIGIN = "auroraview://localhost"
DEFAULT_ASSET_URL = ASSET_ORIGIN + "/index.html"


def asset_url(asset_root: Any, url: Optional[str], html: Optional[str]) -> Optional[str]:
    """The URL a WebView with ``asset_root`` opens: ``url`` as given (an
    ``auroraview://localhost/...`` URL, or any absolute URL), or the root's ``index.html``.
    A path relative to the root is refused with an error showing the URL form."""
    if asset_root is None:
        return url
    if not isinstance(asset_root, (str, os.PathLike)):
        raise TypeError(f"asset_root must be a str or a path, not {type_name(asset_root)}")
    if html is not None:
        raise ValueError("pass asset_root= with url= (or neither), not with html=")
    if url is None:
        return DEFAULT_ASSET_URL
    if "://" not in url and not url.startswith(("about:", "data:")):
        page = url.lstrip("./")
        raise ValueError(
            f"with asset_root, url names the page by its URL: "
            f"url={ASSET_ORIGIN + '/' + page!r}, not the path {url!r} relative to the root "
            f"(or leave url out to open {DEFAULT_ASSET_URL})"
        )
    return url


def scheme_of(url: str) -> str:
    return url.split(":", 1)[0].lower() if ":" in url else ""
