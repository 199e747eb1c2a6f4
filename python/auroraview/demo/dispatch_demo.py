"""Dispatch demo: a Qt window stands in for a DCC; worker threads edit its "scene".

The scene (a QListWidget) may only be touched on the main thread, like a DCC's API. Four
worker threads call ``@dcc_thread_safe`` functions that add and rename scene objects; each
call runs on the main thread and returns its result to the worker, and every line printed
says which thread asked and which thread ran it. A background job streams progress with
``@dcc_thread_safe_async``. The window closes by itself when the work is done (``--stay``
keeps it open); ``--screenshot PATH`` saves it first.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from typing import Optional

from auroraview.utils import (
    current_host,
    dcc_thread_safe,
    dcc_thread_safe_async,
    is_main_thread,
    run_on_main_thread,
)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m auroraview.demo", description=__doc__)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--calls", type=int, default=3, help="objects each worker creates")
    parser.add_argument("--stay", action="store_true", help="keep the window open")
    parser.add_argument("--screenshot", default=os.environ.get("AURORAVIEW_DEMO_SCREENSHOT"))
    args = parser.parse_args(argv)

    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import (
        QApplication,
        QLabel,
        QListWidget,
        QMainWindow,
        QProgressBar,
        QVBoxLayout,
        QWidget,
    )

    app = QApplication.instance() or QApplication(["auroraview-demo"])
    window = QMainWindow()
    window.setWindowTitle("auroraview dispatch demo (a stand-in DCC)")
    scene = QListWidget()
    status = QLabel("starting")
    progress = QProgressBar()
    body = QWidget()
    layout = QVBoxLayout(body)
    for widget in (QLabel("Scene (main thread only)"), scene, progress, status):
        layout.addWidget(widget)
    window.setCentralWidget(body)
    window.resize(520, 420)
    window.show()
    print(f"host detected: {current_host()}; main thread: {threading.main_thread().name}")

    def require_main(what: str) -> None:
        if not is_main_thread():  # what a DCC would do: refuse, or corrupt its state
            raise RuntimeError(f"{what} called off the main thread")

    @dcc_thread_safe(timeout=10)
    def create_object(kind: str, asked_by: str) -> str:
        require_main("create_object")
        name = f"{kind}{scene.count() + 1}"
        scene.addItem(name)
        print(
            f"  {asked_by:>9} -> create_object({kind!r}) ran on "
            f"{threading.current_thread().name}, returned {name!r}"
        )
        return name

    @dcc_thread_safe(timeout=10)
    def rename_object(old: str, new: str) -> str:
        require_main("rename_object")
        for item in scene.findItems(old, Qt.MatchFlag.MatchExactly):
            item.setText(new)
        return new

    @dcc_thread_safe_async
    def report_progress(done: int, total: int, who: str) -> None:
        require_main("report_progress")
        progress.setValue(int(100 * done / total))
        status.setText(f"{who}: {done}/{total}")

    finished: list[str] = []
    failures: list[BaseException] = []
    total = args.workers * args.calls

    def worker(index: int) -> None:
        me = threading.current_thread().name
        try:
            for i in range(args.calls):
                name = create_object(("cube", "sphere", "light")[i % 3], me)
                rename_object(name, f"{name}_w{index}")
                report_progress(len(finished) * args.calls + i + 1, total, me)
        except BaseException as exc:
            failures.append(exc)
            print(f"  {me} failed: {exc!r}")
        finally:
            finished.append(me)
            if len(finished) == args.workers:
                run_on_main_thread(on_done)

    def on_done() -> None:
        status.setText(f"done: {scene.count()} objects created from {args.workers} threads")
        print(f"done: {scene.count()} objects, all created on the main thread")
        if args.screenshot:
            app.processEvents()
            window.grab().save(args.screenshot)
            print(f"screenshot: {args.screenshot}")
        if not args.stay:
            app.quit()

    threads = [
        threading.Thread(target=worker, args=(i,), name=f"worker-{i}", daemon=True)
        for i in range(args.workers)
    ]
    if not args.stay:
        QTimer.singleShot(60_000, app.quit)  # a demo never hangs a terminal or CI
    start = time.perf_counter()
    for t in threads:
        t.start()
    app.exec()
    print(f"elapsed: {(time.perf_counter() - start) * 1000:.1f} ms")
    return 0 if scene.count() == total and not failures else 1
