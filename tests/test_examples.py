"""Every script in ``examples/`` runs by itself, exits 0 and prints what it promises.

Each example runs in its own process, as a user would run it: the WebView examples need the
X display of this test run (``scripts/with-display.sh``); the Qt one also needs Qt on its GLib
event loop with the xcb platform (the rest of the suite runs Qt with ``QT_NO_GLIB=1``).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display")


def run_example(script: str, *args: str, qt: bool = False, timeout: float = 60) -> str:
    env = dict(os.environ)
    env.pop("AURORAVIEW_DISPATCHER", None)
    env.pop("AURORAVIEW_WEBVIEW_MODE", None)
    if qt:
        env.pop("QT_NO_GLIB", None)
        env["QT_QPA_PLATFORM"] = "xcb"
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=EXAMPLES.parent,
    )
    assert proc.returncode == 0, (
        f"{script} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    )
    return proc.stdout


def test_dispatch_standalone():
    out = run_example("dispatch_standalone.py")
    assert "dispatch_standalone: OK" in out
    assert "scene objects: 200 (expected 200)" in out
    assert "timeout: DispatchTimeoutError; cancelled task ran: False" in out


@needs_display
def test_webview_hello():
    out = run_example("webview_hello.py", "--auto", "--seconds", "4")
    assert "webview_hello: OK" in out
    assert "rejected with 'ValueError: greet needs a name'" in out
    assert "the page shows 100" in out


@needs_display
def test_dcc_mode_webview():
    out = run_example("dcc_mode_webview.py", "--auto")
    assert "dcc_mode_webview: OK" in out
    assert out.count("on MainThread") == 3


@needs_display
def test_qt_docked_panel():
    out = run_example("qt_docked_panel.py", "--auto", qt=True)
    assert "qt_docked_panel: OK" in out
    assert "panel mode: hosted; dispatcher: qt" in out
    assert "after float/re-dock the page still says '2 items'" in out


@needs_display
@pytest.mark.skipif(importlib.util.find_spec("bpy") is None, reason="bpy not installed")
def test_blender_panel():
    out = run_example("blender_panel.py", "--auto")
    assert "blender_panel: OK" in out
    # Blender's default scene (cube, light, camera) plus the cube and monkey the page added.
    assert "objects in the page: 5; baked: {'meshes': 3}" in out


VITE_DIST = EXAMPLES / "vite-panel" / "dist" / "index.html"


def needs_vite_panel() -> None:
    if not VITE_DIST.exists():
        message = "examples/vite-panel is not built: run `make vite-panel` (make test does)"
        if os.environ.get("AURORAVIEW_REQUIRE_VITE_PANEL") == "1":
            pytest.fail(message)
        pytest.skip(message)


@needs_display
def test_vite_panel_qt():
    needs_vite_panel()
    out = run_example("vite_panel_qt.py", "--auto", qt=True)
    assert "vite_panel_qt: OK" in out
    assert "python said {'name': 'shot_010', 'objects': 3}; the scene has 8 items" in out


@needs_display
@pytest.mark.skipif(importlib.util.find_spec("bpy") is None, reason="bpy not installed")
def test_vite_panel_blender():
    needs_vite_panel()
    out = run_example("vite_panel_blender.py", "--auto", timeout=120)
    assert "vite_panel_blender: OK" in out
    assert "exported 5 frames of Scene" in out


def test_custom_host():
    out = run_example("custom_host.py")
    assert "host: MiniHost; the call ran on: ['MainThread']" in out
    assert "custom_host: OK" in out


@needs_display
def test_window_events():
    out = run_example("window_events.py", "--auto")
    assert "window_events: OK" in out
    assert "after the page's refusal, closed: False" in out


@needs_display
def test_files_and_dialogs():
    out = run_example("files_and_dialogs.py", "--auto")
    assert "files_and_dialogs: OK" in out


@needs_display
def test_profiles_and_debugging(tmp_path):
    data = str(tmp_path / "visits")
    first = run_example("profiles_and_debugging.py", "--auto", "--data", data)
    second = run_example("profiles_and_debugging.py", "--auto", "--data", data)
    assert f"visits stored in {data}: 1" in first
    assert f"visits stored in {data}: 2" in second  # kept across processes


@needs_display
def test_tool_window():
    assert "tool_window: OK" in run_example("tool_window.py", "--auto")
