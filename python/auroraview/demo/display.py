"""Getting an X11 display for the demo before Qt is imported.

The WebView is embedded in a Qt widget as an X11 child window, so Qt must use its xcb
platform plugin and run its event loop on GLib (``QT_NO_GLIB`` must not be set: in hosted
mode Qt's GLib loop is what services WebKitGTK). Without any display, a private Xvfb is
started for the life of the process, as ``scripts/with-display.sh`` does for ``make demo``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
from typing import Optional


def _note(message: str) -> None:
    print(f"[demo] {message}", file=sys.stderr)


def prepare_environment() -> None:
    """Force the xcb platform and the GLib event dispatcher (call before importing Qt)."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform != "xcb":
        if platform:
            _note(f"QT_QPA_PLATFORM={platform} replaced by xcb: embedding needs X11")
        os.environ["QT_QPA_PLATFORM"] = "xcb"
    if os.environ.pop("QT_NO_GLIB", None) is not None:
        _note("QT_NO_GLIB unset: the docked WebView is serviced by Qt's GLib event loop")


def ensure_display(timeout: float = 10.0) -> Optional[subprocess.Popen[bytes]]:
    """Make sure ``$DISPLAY`` names an X server; start a private Xvfb if it names none.

    Returns the Xvfb process started (stopped at exit), or None if a display was already
    there. Raises RuntimeError if there is no display and Xvfb cannot be started.
    """
    if os.environ.get("DISPLAY"):
        return None
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise RuntimeError(
            "no X display ($DISPLAY is unset) and Xvfb is not installed: run the demo with "
            "`make demo` (it installs and starts Xvfb), or under `xvfb-run -a`"
        )
    read_fd, write_fd = os.pipe()
    # -displayfd: Xvfb picks a free display number and writes it to the pipe when ready.
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    number = _read_display_number(read_fd, timeout)
    os.close(read_fd)
    if number is None:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"Xvfb did not start (no display number within {timeout:.0f} s)")
    os.environ["DISPLAY"] = f":{number}"
    atexit.register(_stop, proc)
    _note(f"no display: started Xvfb on :{number}")
    return proc


def _read_display_number(fd: int, timeout: float) -> Optional[str]:
    import select
    import time

    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            return None
        chunk = os.read(fd, 16)
        if not chunk:
            return None
        data += chunk
    return data.strip().decode() or None


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
