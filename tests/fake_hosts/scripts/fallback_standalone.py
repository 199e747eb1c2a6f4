"""Run in a fresh interpreter: a host without a usable main loop falls back to standalone.

Usage: ``python fallback_standalone.py HOST [worker-first|worker-late]`` with HOST one of
``maya-batch``, ``houdini-hython``, ``nuke-terminal``, ``max-no-qt``. With ``worker-first``
the host is first detected from a worker thread; with ``worker-late`` a worker re-detects it
after the main thread did. The fake is loaded in that mode; then
``current_host()`` must be "standalone", worker calls are served by ``run_main_loop()`` on
the main thread, and the host's own dispatch APIs are never called (in these modes they
never run their callables). Prints ``RESULT {json}``.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # tests/fake_hosts

MODES = {
    # name: (fake dir, env, modules to import, dispatch APIs that must stay unused)
    "maya-batch": (
        "maya",
        {"FAKE_MAYA_BATCH": "1"},
        ["maya", "maya.utils", "maya.cmds"],
        ["executeDeferred", "executeInMainThreadWithResult"],
    ),
    "houdini-hython": (
        "houdini",
        {"FAKE_HOUDINI_UI": "0"},
        ["hou"],
        ["executeDeferred", "executeInMainThreadWithResult"],
    ),
    "nuke-terminal": (
        "nuke",
        {"FAKE_NUKE_GUI": "0"},
        ["nuke"],
        ["executeInMainThread", "executeInMainThreadWithResult"],
    ),
    "max-no-qt": ("max", {}, ["pymxs"], []),
}


def main() -> None:
    host_dir, env, modules, unused = MODES[sys.argv[1]]
    os.environ.update(env)
    sys.path.insert(0, str(HERE / host_dir))
    loaded = [importlib.import_module(m) for m in modules]
    fake = loaded[0]._fake

    if sys.argv[1] == "houdini-hython":
        try:
            import hdefereval  # noqa: F401
        except ImportError:
            hdefereval_imports = False
        else:
            hdefereval_imports = True
        assert hdefereval_imports is False

    from auroraview import utils

    first_seen: list = []
    if "worker-first" in sys.argv[2:]:
        t = threading.Thread(target=lambda: first_seen.append(utils.current_host()))
        t.start()
        t.join(10)
    host = utils.current_host()
    main_ident = threading.get_ident()
    late_seen: list = []
    if "worker-late" in sys.argv[2:]:
        # A worker re-detects after the main thread did (standalone is re-checked every
        # RECHECK_INTERVAL), without the main thread's means (Maya: maya.cmds).
        from auroraview.utils.thread_dispatcher.registry import RECHECK_INTERVAL

        def late() -> None:
            time.sleep(RECHECK_INTERVAL * 3)
            late_seen.append(utils.current_host())

        t = threading.Thread(target=late)
        t.start()
        t.join(10)
    results: list = []
    errors: list = []

    def worker(i: int) -> None:
        try:
            for j in range(50):
                results.append(
                    utils.run_on_main_thread_sync(
                        lambda j=j: (j, threading.get_ident()), timeout=10
                    )
                )
        except BaseException as exc:
            errors.append(repr(exc))
        finally:
            if len(results) + len(errors) >= 4 * 50 or errors:
                utils.stop_main_loop()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    exit_reason = utils.run_main_loop(timeout=20)
    for t in threads:
        t.join(10)
    print(
        "RESULT "
        + json.dumps(
            {
                "host": host,
                "first_seen": first_seen,
                "late_seen": late_seen,
                "exit": exit_reason,
                "count": len(results),
                "all_on_main": all(ident == main_ident for _, ident in results),
                "errors": errors,
                "host_api_calls": {api: fake.calls[api] for api in unused},
                "qt_loaded": any(m.startswith(("PySide", "PyQt")) for m in sys.modules),
            }
        )
    )
    utils.shutdown_dispatcher()


if __name__ == "__main__":
    main()
