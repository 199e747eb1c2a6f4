"""Command line and Qt session of the demo.

The module imports no Qt at import time: the environment (xcb, GLib event dispatcher, a
display) must be prepared before Qt is first imported.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from typing import TYPE_CHECKING, Optional

from . import __doc__ as PACKAGE_DOC
from .display import ensure_display, prepare_environment

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication

    from .window import DemoWindow


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m auroraview.demo",
        description=PACKAGE_DOC,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--interactive",
        action="store_true",
        help="keep the window open for you to use (no scripted run, no screenshot)",
    )
    parser.add_argument(
        "--screenshot",
        default="out/demo.png",
        metavar="PATH",
        help="where the scripted run saves its screenshot (default: %(default)s; '' for none)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="seconds before the scripted run gives up (default: %(default)s)",
    )
    parser.add_argument("--threads", type=int, default=8, help="stress: Python worker threads")
    parser.add_argument(
        "--calls", type=int, default=500, help="stress: run_on_main_thread_sync calls per thread"
    )
    parser.add_argument(
        "--page-calls", type=int, default=1000, help="stress: concurrent calls from the page"
    )
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    prepare_environment()
    try:
        ensure_display()
    except RuntimeError as exc:
        print(f"auroraview demo: {exc}", file=sys.stderr)
        return 2
    return run(args)


def run(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from .autopilot import Autopilot
    from .scene import Scene
    from .tools import PanelTools, format_stress
    from .window import DemoWindow, MainLoopWatch

    app = QApplication.instance() or QApplication(["auroraview-demo"])
    scene = Scene()
    window = DemoWindow(scene)
    tools = PanelTools(
        window.webview,
        scene,
        window,
        MainLoopWatch(),
        threads=args.threads,
        calls=args.calls,
        page_calls=args.page_calls,
    )
    window.show()
    result = {"code": 0}

    def finish(code: int) -> None:
        result["code"] = code
        app.exit(code)

    # Ctrl+C quits cleanly: Python runs signal handlers only between Qt's calls into it,
    # so a timer gives it a chance every 200 ms.
    signal.signal(signal.SIGINT, lambda *_: finish(130))
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(200)

    if args.interactive:
        tools.on_stress_done = lambda r: print("\n".join(format_stress(r)), flush=True)
        print(
            "auroraview demo: use the Scene Tools panel (right); close the window to quit",
            flush=True,
        )
    else:
        print("auroraview demo: scripted run (--interactive to drive it yourself)", flush=True)
        pilot = Autopilot(window, scene, tools, args.screenshot, finish)

        def give_up() -> None:
            pilot.cancelled = True
            print(
                f"auroraview demo: FAILED: timed out after {args.timeout:g} s during: {pilot.step}",
                flush=True,
            )
            finish(1)

        QTimer.singleShot(int(args.timeout * 1000), give_up)
        pilot.start()

    app.exec()
    _close(app, window)
    return result["code"]


def _close(app: QCoreApplication, window: DemoWindow) -> None:
    """Close the WebView while its X window still exists, and let it finish closing."""
    webview = window.webview
    webview.close()
    deadline = time.monotonic() + 5.0
    while not webview.closed and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    window.hide()
    app.processEvents()
