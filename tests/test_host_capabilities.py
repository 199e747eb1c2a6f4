"""What a host adapter answers besides dispatch, asked through ``host_adapter_class()``:

- whether its hook must be installed on the main thread, which makes importing auroraview
  there install it (``needs_main_thread_install``; no module list of hosts elsewhere);
- what the host offers WebViews: ``serves_webviews`` (hosted mode), ``native_window_id``
  (``parent=``), with a Qt application's answers by default and a host's own where it
  overrides them.

The hosts are the fakes of ``tests/fake_hosts`` (with their real main loops) and a real
QApplication; the adapters are never replaced by mocks.
"""

from __future__ import annotations

import threading

import pytest
from auroraview import _creation, _runtime, utils
from auroraview.utils import thread_dispatcher as td
from auroraview.utils.thread_dispatcher import registry
from auroraview.utils.thread_dispatcher.base import HostAdapter
from auroraview.utils.thread_dispatcher.blender import BlenderAdapter
from auroraview.utils.thread_dispatcher.qt import QtAdapter
from auroraview.utils.thread_dispatcher.standalone import StandaloneAdapter
from auroraview.utils.thread_dispatcher.unreal import UnrealAdapter
from fake_hosts.conftest_helpers import installed

pytestmark = pytest.mark.timeout(60)


def _in_worker(func):
    out: list = []
    worker = threading.Thread(target=lambda: out.append(func()))
    worker.start()
    worker.join(10)
    return out


def test_importing_on_the_game_thread_hooks_unreal(monkeypatch):
    monkeypatch.delenv("AURORAVIEW_DISPATCHER", raising=False)
    with installed("unreal", ["unreal"], {"FAKE_UNREAL_HZ": "60"}) as (unreal,):
        fake = unreal._fake
        assert td.host_adapter_class() is UnrealAdapter
        assert UnrealAdapter.needs_main_thread_install()
        # What importing auroraview runs: from a worker it installs nothing (and does not
        # raise, although Unreal's hook is main-thread only) ...
        assert _in_worker(td._install_eagerly) == [None]
        assert fake.registrations == [] and td.current_adapter() is None
        # ... on the game thread it hooks the editor, once.
        td._install_eagerly()
        assert len(fake.registered) == 1
        assert isinstance(td.current_adapter(), UnrealAdapter)


@pytest.mark.parametrize("background", [False, True], ids=["full app", "background"])
def test_importing_in_blender_hooks_only_the_full_application(monkeypatch, background):
    monkeypatch.delenv("AURORAVIEW_DISPATCHER", raising=False)
    env = {"FAKE_BLENDER_BACKGROUND": "1" if background else "0"}
    with installed("blender", ["bpy"], env) as (bpy,):
        assert td.host_adapter_class() is BlenderAdapter
        assert BlenderAdapter.needs_main_thread_install() is not background
        td._install_eagerly()
        registrations = bpy._fake.timer_registrations
        if background:  # timers never fire there: nothing to hook, the script serves
            assert registrations == [] and td.current_adapter() is None
        else:
            assert len(registrations) == 1
            assert isinstance(td.current_adapter(), BlenderAdapter)
        assert utils.current_host() == "blender"


def test_qt_is_not_hooked_at_import(monkeypatch, qapp):
    monkeypatch.setenv("AURORAVIEW_DISPATCHER", "qt")
    utils.shutdown_dispatcher()
    assert td.host_adapter_class() is QtAdapter
    td._install_eagerly()
    assert td.current_adapter() is None  # wired on first use instead, from any thread


def test_a_qt_widget_is_a_native_window_for_every_host(qapp):
    from qtbinding import QtCore, QtWidgets, qt_enum

    widget = QtWidgets.QWidget()
    native = qt_enum(QtCore.Qt, "WidgetAttribute", "WA_NativeWindow")
    assert not widget.testAttribute(native)
    for adapter in (QtAdapter, HostAdapter, StandaloneAdapter, UnrealAdapter):
        window_id = adapter.native_window_id(widget)
        assert window_id == int(widget.winId()) and window_id > 0, adapter
    assert widget.testAttribute(native)  # made a native window, as embedding needs
    assert HostAdapter.native_window_id(object()) is None
    assert _creation.native_window_id(widget) == int(widget.winId())
    assert _creation.native_window_id(12345) == 12345
    assert _creation.native_window_id(None) is None
    with pytest.raises(TypeError, match="Qt widget or a native window id"):
        _creation.native_window_id("not a window")
    widget.deleteLater()


def test_hosted_mode_follows_the_adapters_answer(monkeypatch, qapp):
    """On Linux a Qt application serves WebViews when it runs on GLib's dispatcher (not
    with ``QT_NO_GLIB=1``, as the tests' own mode runs it); whatever a host's adapter
    answers is believed."""
    from auroraview._qt_binding import qt_runs_on_glib

    class ServingHost(StandaloneAdapter):
        name = "serving-host"
        provisional = False

        @classmethod
        def serves_webviews(cls) -> bool:
            return True

    monkeypatch.setenv("AURORAVIEW_DISPATCHER", "qt")
    utils.shutdown_dispatcher()
    utils.install_dispatcher()
    assert QtAdapter.serves_webviews() is qt_runs_on_glib()
    assert _runtime.host_loop_serves_webviews() is qt_runs_on_glib()
    monkeypatch.setattr(registry, "_adapter", ServingHost())
    assert td.host_adapter_class() is ServingHost
    assert _runtime.host_loop_serves_webviews() is True
    monkeypatch.undo()
    utils.shutdown_dispatcher()
