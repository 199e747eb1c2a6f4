"""auroraview: WebView tool panels for DCC applications, with thread safety built in.

This package is the public Python API; the engine is the Rust extension ``auroraview._core``.
Main-thread dispatch lives in :mod:`auroraview.utils`; errors in :mod:`auroraview.errors`.
"""

from __future__ import annotations

from . import errors, utils
from ._core import __version__

__all__ = ["__version__", "errors", "utils"]
