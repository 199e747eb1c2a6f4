"""Where a WebView keeps its browser data (localStorage, IndexedDB, cookies, caches).

``WebView(data_directory=...)`` names a folder; WebViews with the same folder share one
profile, and different folders share nothing. Without one, each application gets its own
folder under the user's data directory (never the DCC's install folder, which is often not
writable): ``$XDG_DATA_HOME/auroraview/<app>`` (``~/.local/share/...``) on Linux,
``%LOCALAPPDATA%\\auroraview\\<app>`` on Windows, ``~/Library/Application Support/auroraview/
<app>`` on macOS. ``<app>`` is ``AURORAVIEW_APP_NAME`` if set, else the detected DCC
(``maya``, ``blender``, ...), else the script's name. ``incognito=True`` keeps nothing.

What must not live here: the engine's side (one web context per folder, in Rust).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path
from typing import Optional, Union

from . import _core

logger = logging.getLogger("auroraview.webview")

APP_NAME_VAR = "AURORAVIEW_APP_NAME"


def user_data_root() -> Path:
    """The user's data directory for applications, per platform."""
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support"
    base = os.environ.get("XDG_DATA_HOME")
    return Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "share"


def app_name() -> str:
    """The name of this application's folder (see the module docstring)."""
    name = os.environ.get(APP_NAME_VAR, "").strip()
    if not name:
        try:
            from .utils.thread_dispatcher import get_current_dcc_name

            name = (get_current_dcc_name() or "").strip()
        except Exception:
            name = ""
    if not name:
        stem = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else ""
        name = "" if stem in ("", "-c", "__main__", "-m") else stem
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name.lower()).strip(".-")
    return name or "python"


def default_data_directory() -> Path:
    return user_data_root() / "auroraview" / app_name()


def set_default() -> None:
    """Tells the runtime the default profile's folder (the engine creates it when it first
    stores something), before its first WebView (the ``_core`` layer's WebViews without a
    ``data_directory`` use it too). Kept for the life of the process; a failure leaves the
    engine's own default."""
    try:
        _core.set_default_data_directory(str(default_data_directory().resolve()))
    except Exception:
        logger.warning("auroraview: the default data directory cannot be used", exc_info=True)


def resolve(
    data_directory: Optional[Union[str, os.PathLike[str]]], incognito: bool
) -> Optional[str]:
    """The folder to pass to the runtime (created if missing), or None for incognito and
    the default profile (see :func:`set_default`)."""
    if incognito or data_directory is None:
        return None
    folder = Path(data_directory).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"data_directory {str(folder)!r} cannot be created: {exc}") from exc
    if not folder.is_dir():
        raise ValueError(f"data_directory {str(folder)!r} is not a folder")
    return str(folder.resolve())
