"""Window options of top-level WebViews, checked on the X server (what a window manager
reads): decorations off (``_MOTIF_WM_HINTS``), keep-above and maximised (``_NET_WM_STATE``),
position, size limits (``WM_NORMAL_HINTS``), the icon (``_NET_WM_ICON``), a 32-bit visual
for transparency; and an embedded WebView ignoring them with a warning."""

from __future__ import annotations

import subprocess
import zlib

import pytest
from wvsupport import captured_logs
from xinput import find_window, window_geometry, window_property


def _png(path, width=16, height=16):
    """A small opaque PNG, written without any imaging library."""
    import struct

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x20\x80\xf0" * width for _ in range(height))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    path.write_bytes(png)
    return path


def _shown(wv_host, title, **options):
    webview = wv_host.open(title=title, html="<p>options</p>", **options)
    webview.show(block=False)
    wv_host.wait_ready(webview)
    xid = find_window(title)
    assert xid is not None, f"window {title!r} not on the screen"
    return webview, xid


def test_a_plain_window_has_none_of_the_hints(wv_host):
    _webview, xid = _shown(wv_host, "options-plain")
    assert "ABOVE" not in window_property(xid, "_NET_WM_STATE")
    assert "minimum size: 300" not in window_property(xid, "WM_NORMAL_HINTS")
    assert "0x2, 0x0" not in window_property(xid, "_MOTIF_WM_HINTS")


def test_frameless_on_top_maximised_limits_and_icon(wv_host, tmp_path):
    _webview, xid = _shown(
        wv_host,
        "options-all",
        frameless=True,
        always_on_top=True,
        maximized=True,
        min_size=(300, 200),
        max_size=(1000, 900),
        icon=_png(tmp_path / "icon.png"),
    )
    # Decorations flag set, decorations none.
    motif = window_property(xid, "_MOTIF_WM_HINTS").split("=")[-1]
    fields = [int(v, 16) for v in motif.replace(" ", "").split(",")]
    assert fields[0] & 0x2 and fields[2] == 0, motif
    state = window_property(xid, "_NET_WM_STATE")
    assert "_NET_WM_STATE_ABOVE" in state, state
    assert "_NET_WM_STATE_MAXIMIZED_VERT" in state and "_NET_WM_STATE_MAXIMIZED_HORZ" in state
    hints = window_property(xid, "WM_NORMAL_HINTS")
    assert "minimum size: 300 by 200" in hints and "maximum size: 1000 by 900" in hints, hints
    assert "16" in window_property(xid, "_NET_WM_ICON")[:200]


def test_position(wv_host):
    _webview, xid = _shown(wv_host, "options-position", position=(123, 77))
    x, y, _w, _h = window_geometry(xid)
    assert (x, y) == (123, 77)


def test_transparent_windows_get_an_alpha_visual(wv_host):
    _webview, xid = _shown(wv_host, "options-transparent", transparent=True)
    info = subprocess.run(
        ["xwininfo", "-id", str(xid)], capture_output=True, text=True, timeout=10, check=False
    ).stdout
    assert "Depth: 32" in info, info


def test_embedded_webviews_ignore_window_options(wv_host):
    parent = wv_host.parent_window()
    with captured_logs() as logs:
        webview = wv_host.open(parent=parent, frameless=True, always_on_top=True)
        wv_host.serve_for(0.3)
    assert any("apply to top-level WebViews" in m for m in logs.messages()), logs.messages()
    assert not webview.closed


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"position": (1,)}, TypeError),
        ({"min_size": (-1, 5)}, ValueError),
        ({"min_size": (500, 500), "max_size": (100, 100)}, ValueError),
        ({"icon": "/no/such/icon.png"}, ValueError),
    ],
)
def test_bad_options_are_refused_before_anything_opens(options, error):
    from auroraview import WebView

    with pytest.raises(error):
        WebView(**options)
