"""Fake DCC hosts for the host-adapter tests (``tests/test_host_*.py``).

Each subdirectory holds importable stand-ins for one vendor's Python modules:

- ``maya/``     the ``maya`` package (``maya.utils``, ``maya.cmds``)
- ``houdini/``  ``hou`` and ``hdefereval``
- ``nuke/``     ``nuke``
- ``unreal/``   ``unreal``
- ``blender/``  ``bpy`` (the full application, where ``bpy.app.timers`` fire)
- ``max/``      ``pymxs`` (3ds Max dispatches through Qt; the tests use a real QApplication)

They reproduce the vendors' documented dispatch behaviour and its traps on a real event loop
(:mod:`fake_hosts._mainloop`) that only runs while the test's main thread runs it, and their
"scene" APIs refuse calls from other threads, so a test can tell where a function ran.
Configuration is read from ``FAKE_*`` environment variables when a fake is imported (a host's
mode is fixed at startup); see each module. :mod:`fake_hosts.conftest_helpers` puts a fake
on ``sys.path`` for one test and removes it afterwards.
"""
