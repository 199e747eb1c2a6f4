"""The WebView mode decision on each platform (auroraview._runtime.decide_mode).

Pure logic: which mode a WebView gets for what was asked, the mode already running, the
platform and whether a host loop can serve WebViews, and the error (saying why and what to
do) for each combination that cannot work. The Linux rows are also exercised for real by
the WebView suites; Windows and macOS rows are the only check here of those platforms'
choices.
"""

from __future__ import annotations

import pytest
from auroraview._runtime import decide_mode
from auroraview.errors import WebViewStartError

LINUX, WINDOWS, MACOS = "linux", "win32", "darwin"


@pytest.mark.parametrize(
    ("wanted", "running", "platform", "host_loop", "expected"),
    [
        # auto: the running mode, else hosted under a host loop, else own
        ("auto", None, LINUX, False, "own"),
        ("auto", None, LINUX, True, "hosted"),
        ("auto", None, WINDOWS, False, "own"),
        ("auto", None, WINDOWS, True, "hosted"),
        ("auto", None, MACOS, True, "hosted"),
        ("auto", "own", LINUX, True, "own"),
        ("auto", "hosted", WINDOWS, False, "hosted"),
        # forced modes that can work
        ("own", None, WINDOWS, True, "own"),  # a second STA thread is fine on Windows
        ("hosted", None, LINUX, True, "hosted"),
        ("hosted", "hosted", MACOS, True, "hosted"),
    ],
)
def test_mode_chosen(wanted, running, platform, host_loop, expected):
    assert decide_mode(wanted, running, platform, host_loop) == expected


@pytest.mark.parametrize(
    ("wanted", "running", "platform", "host_loop", "says"),
    [
        ("hosted", "own", LINUX, False, "cannot switch to hosted"),
        ("own", "hosted", WINDOWS, True, "cannot switch to own"),
        ("own", None, LINUX, True, "QT_NO_GLIB=1"),
        ("hosted", None, LINUX, False, "GLib's main context"),
        ("hosted", None, WINDOWS, False, "create the QApplication first"),
        ("own", None, MACOS, False, "only on the main thread"),
        ("auto", None, MACOS, False, "only on the main thread"),
    ],
)
def test_mode_refused_with_reason(wanted, running, platform, host_loop, says):
    with pytest.raises(WebViewStartError, match=says):
        decide_mode(wanted, running, platform, host_loop)
