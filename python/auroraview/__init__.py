"""auroraview: WebView tool panels for DCC applications, with thread safety built in.

This package is the public Python API; the engine is the Rust extension ``auroraview._core``.
Main-thread dispatch lives in :mod:`auroraview.utils`; errors in :mod:`auroraview.errors`.
"""

from __future__ import annotations

from . import errors, utils
from ._channel import Channel
from ._core import MAX_MESSAGE_BYTES, __version__
from ._prewarm import prewarm
from ._protocol import ProtocolRequest, ProtocolResponse
from .proxy import WebViewProxy
from .utils.dcc_thread_safe import DCCThreadSafeWrapper
from .webview import WebView

__all__ = [
    "MAX_MESSAGE_BYTES",
    "Channel",
    "DCCThreadSafeWrapper",
    "ProtocolRequest",
    "ProtocolResponse",
    "WebView",
    "WebViewProxy",
    "__version__",
    "errors",
    "prewarm",
    "utils",
]
