"""Shared pytest fixtures: a fresh dispatcher per test, the process's one QApplication.
Helpers that test modules import live in ``mainloop.py`` (test modules must not import from
a conftest: several exist, and which one ``conftest`` names depends on collection order)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# GTK's file dialogs keep their settings with GSettings; without a D-Bus session here, the
# default backend (dconf) warns at every change.
os.environ.setdefault("GSETTINGS_BACKEND", "memory")
# In own mode the WebView's UI thread owns GLib's default main context (one owner per
# process): the QApplication must not run on the GLib event dispatcher. In hosted mode it
# must: Qt's GLib loop is what services the WebViews.
if os.environ.get("AURORAVIEW_TEST_WEBVIEW_MODE", "own").strip().lower() == "hosted":
    os.environ.pop("QT_NO_GLIB", None)
else:
    os.environ.setdefault("QT_NO_GLIB", "1")


@pytest.fixture(autouse=True)
def fresh_dispatcher():
    """Every test starts and ends with no dispatcher; the default timeout is restored."""
    from auroraview.utils import set_default_timeout, shutdown_dispatcher

    shutdown_dispatcher()
    yield
    shutdown_dispatcher()
    set_default_timeout(30.0)


@pytest.fixture
def standalone(monkeypatch):
    """Force the standalone dispatcher, whatever else this process has loaded."""
    monkeypatch.setenv("AURORAVIEW_DISPATCHER", "standalone")


@pytest.fixture(scope="session")
def qapp():
    """The process's QApplication (Qt allows one per process; it lives until the end), of
    the binding ``tests/qtbinding.py`` picks."""
    from qtbinding import QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["auroraview-tests"])
    yield app
