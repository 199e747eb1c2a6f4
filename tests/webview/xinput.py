"""Real X11 input for the WebView suite: find windows by title, click and type with xdotool
(XTEST: the X server delivers them as a user's input), and send a window manager's close
request (``WM_DELETE_WINDOW``) with XSendEvent, as a window manager's close button does.
Needs Debian's ``xdotool`` (scripts/setup.sh)."""

from __future__ import annotations

import ctypes
import ctypes.util
import shutil
import subprocess
import time
from typing import Optional

import pytest


def need_xdotool() -> None:
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool is missing: run scripts/setup.sh (Debian package xdotool)")


def xdotool(*args: str, timeout: float = 10.0) -> str:
    need_xdotool()
    done = subprocess.run(
        ["xdotool", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    return done.stdout.strip()


def find_window(title: str, timeout: float = 10.0) -> Optional[int]:
    """The X id of the (last mapped) window whose WM_NAME is exactly ``title``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = xdotool("search", "--onlyvisible", "--name", f"^{title}$")
        ids = [int(line) for line in out.split() if line.strip().isdigit()]
        if ids:
            return ids[-1]
        time.sleep(0.05)
    return None


def window_geometry(xid: int) -> tuple[int, int, int, int]:
    """``(x, y, width, height)`` of a window on the screen."""
    out = xdotool("getwindowgeometry", "--shell", str(xid))
    values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def click(x: int, y: int) -> None:
    """A real left click at screen position ``(x, y)``."""
    xdotool("mousemove", str(x), str(y))
    time.sleep(0.05)
    xdotool("click", "1")


class _ClientMessage(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


def send_close_request(xid: int) -> None:
    """What a window manager's close button does: a ``WM_PROTOCOLS`` client message with
    ``WM_DELETE_WINDOW``, sent to the window with XSendEvent."""
    xlib = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XInternAtom.restype = ctypes.c_ulong
    xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    xlib.XSendEvent.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_long,
        ctypes.POINTER(_XEvent),
    ]
    xlib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = xlib.XOpenDisplay(None)
    assert display, "cannot open the X display"
    try:
        event = _XEvent()
        event.xclient.type = 33  # ClientMessage
        event.xclient.window = xid
        event.xclient.message_type = xlib.XInternAtom(display, b"WM_PROTOCOLS", 0)
        event.xclient.format = 32
        event.xclient.data[0] = xlib.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
        event.xclient.data[1] = 0  # CurrentTime
        assert xlib.XSendEvent(display, xid, 0, 0, ctypes.byref(event)) != 0
        xlib.XSync(display, 0)
    finally:
        xlib.XCloseDisplay(display)


def window_property(xid: int, name: str) -> str:
    """``xprop``'s line for property ``name`` of window ``xid`` (x11-utils)."""
    done = subprocess.run(
        ["xprop", "-id", str(xid), name], capture_output=True, text=True, timeout=10, check=False
    )
    return done.stdout.strip()
