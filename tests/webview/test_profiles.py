"""Profiles: browser storage (localStorage, IndexedDB, cookies) kept per data directory and
found again by a new process; nothing kept for incognito WebViews; two directories share
nothing; the default is a folder per application under the user's data directory.

Each case runs ``scripts/profile_probe.py`` in processes of their own (the WebView mode of
this run: own, or hosted on a Qt application), since "found again" means by a new process,
and since each profile keeps a WebKit network process for the life of its process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).resolve().parent / "scripts" / "profile_probe.py"


@pytest.fixture
def probe(tmp_path):
    mode = os.environ.get("AURORAVIEW_TEST_WEBVIEW_MODE", "own").strip().lower() or "own"
    env = dict(os.environ)
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    env.pop("AURORAVIEW_DISPATCHER", None)
    if mode == "hosted":
        env.pop("QT_NO_GLIB", None)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")

    def run(*args: str, app: str = "probe-tool") -> dict:
        done = subprocess.run(
            [sys.executable, str(PROBE), mode, *args],
            env={**env, "AURORAVIEW_APP_NAME": app},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    run.xdg = tmp_path / "xdg"
    return run


def test_storage_is_found_again_by_a_new_process(probe, tmp_path):
    folder = str(tmp_path / "tool-profile")
    assert probe("write", "kept-1", "--dir", folder) == {"wrote": True}
    assert probe("read", "--dir", folder) == {
        "local": "kept-1",
        "idb": "kept-1",
        "cookie": "kept-1",
    }
    assert (Path(folder) / "localstorage").is_dir()


def test_incognito_keeps_nothing(probe):
    assert probe("write", "secret", "--incognito") == {"wrote": True}
    written = [p for p in probe.xdg.rglob("*") if p.is_file()]
    assert written == [], f"an incognito WebView wrote to disk: {written}"
    assert probe("read", "--incognito") == {"local": None, "idb": None, "cookie": None}
    assert probe("read") == {"local": None, "idb": None, "cookie": None}


def test_two_directories_share_nothing(probe, tmp_path):
    out = probe("pair", "--dir", str(tmp_path / "pair"))
    assert out == {
        "b": {"local": None, "idb": None},
        "a_again": {"local": "from-a", "idb": "from-a"},
        # The second WebView of ``a`` runs in the first one's web process; ``b``'s is its own.
        "web_processes": 2,
    }


def test_the_default_is_a_folder_per_application_in_the_user_data_dir(probe):
    assert probe("write", "tool-a", app="Tool A") == {"wrote": True}
    folder = probe.xdg / "auroraview" / "tool-a"
    assert (folder / "localstorage").is_dir(), sorted(p.name for p in probe.xdg.rglob("*"))
    assert probe("read", app="Tool A")["local"] == "tool-a"
    assert probe("read", app="Other Tool")["local"] is None  # another application's folder


def test_app_names_and_bad_directories(tmp_path, monkeypatch):
    from auroraview import _profiles

    monkeypatch.setenv("AURORAVIEW_APP_NAME", "  My Tool/v2 ")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert _profiles.default_data_directory() == tmp_path / "auroraview" / "my-tool-v2"
    assert _profiles.resolve(None, incognito=True) is None
    assert _profiles.resolve(None, incognito=False) is None  # the default profile
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match=r"cannot be created|not a folder"):
        _profiles.resolve(blocker / "sub", incognito=False)
