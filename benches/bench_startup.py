"""Start-up benchmark: how long until a new panel's page can talk to Python, side by side in
one run with QtWebEngine + QWebChannel.

Each repeat runs every scenario in a fresh process, one after the other (so load on this
shared machine hits both sides alike), and the figures are medians over the repeats:

- auroraview (own UI thread): from ``WebView(html=...)`` + ``show(block=False)`` to the
  page's ``auroraview.whenReady()`` having resolved, as Python sees it (the page then calls
  a handler); for the first panel of the process (the runtime starts with it) and for a
  second panel opened after the first is ready (built into the first one's web process);
  the same with ``own_process=True`` (each panel launches a web process of its own);
- the same after ``auroraview.prewarm()`` (a DCC's start-up script calls it; the panel is
  opened a while later, as from a shelf button), and after ``prewarm(spares=2)``;
- the same in hosted mode, in a QApplication whose main thread runs Qt's loop while it
  waits (as in a Qt DCC), cold and after ``prewarm()``;
- for both, a third panel opened a second after the second one is ready (a user's next
  click: after prewarm() the runtime has a new spare WebView ready by then);
- QtWebEngine + QWebChannel (PySide6-Addons, when installed): from constructing a
  ``QWebEngineView``, a ``QWebChannel`` and ``setHtml`` to the page's QWebChannel being
  ready (the page calls a slot from the QWebChannel constructor's callback); its
  ``QApplication`` exists already, as in a Qt DCC, and its time is not counted (ours
  counts starting GTK, which a Qt DCC does not have running for us).

It also prints where our first and second panel's time goes, from the runtime's debug log
(``auroraview_webview.ui.startup``): starting the runtime, the web context, building the
WebView, the web process launching until the page starts loading, the page running the
bridge, the handshake.

Run: ``make bench`` (or ``scripts/with-display.sh .venv/bin/python benches/bench_startup.py``).
``BENCH_REPEATS`` (default 7) sets the repeats. This machine is shared: compare ratios
within one run.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from typing import Any, Optional

REPEATS = int(os.environ.get("BENCH_REPEATS", "7"))
#: How long after prewarm() the panel opens (a DCC's start-up script ran a while ago).
PREWARM_IDLE_S = 1.0
#: A third panel opens this long after the second is ready (a user's next click).
LATER_S = 1.0

OURS_PAGE = """<!doctype html><title>%s</title><body><script>
auroraview.whenReady().then(function go() {
  auroraview.call('ready').catch(function () { setTimeout(go, 1); });
});
</script></body>"""

PEER_PAGE = """<!doctype html><title>%s</title><body>
<script src="qrc:///qtwebchannel/qwebchannel.js"></script><script>
new QWebChannel(qt.webChannelTransport, function (ch) { ch.objects.py.ready(); });
</script></body>"""

STAGE_LOGGER = "auroraview_webview.ui.startup"


# -- the scenarios, each in its own process ----------------------------------------------------


def ours_scenario(prewarm: int, hosted: bool = False, own_process: bool = False) -> None:
    """Three panels (see the module docstring); prints one STARTUP line (ms, and the
    runtime's start-up log lines). ``hosted``: in a QApplication, on its main thread, which
    runs Qt's loop while it waits (as in a Qt DCC). ``own_process``: each panel with a web
    process of its own (by default a panel shares an open one's)."""
    import logging

    if not hosted:
        os.environ.setdefault("AURORAVIEW_DISPATCHER", "standalone")
    import auroraview
    from auroraview import WebView, _core

    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    for name in (
        STAGE_LOGGER,
        "auroraview_webview.runtime",
        "auroraview_webview.platform",
        "auroraview_webview.ui.spare",
    ):
        logger = logging.getLogger(name)
        logger.addHandler(Collect())
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
    _core.set_log_level("debug")
    wait = threading.Event.wait
    mode = "own"
    if hosted:
        from PySide6.QtCore import QEventLoop, QTimer
        from PySide6.QtWidgets import QApplication

        _app = QApplication([])  # kept for the life of the scenario
        mode = "hosted"

        def wait(event: threading.Event, timeout: float) -> bool:
            """Run Qt's loop until ``event`` is set (checked each millisecond)."""
            loop = QEventLoop()
            timer = QTimer()
            timer.timeout.connect(lambda: loop.quit() if event.is_set() else None)
            timer.start(1)
            QTimer.singleShot(int(timeout * 1000), loop.quit)
            if not event.is_set():
                loop.exec()
            timer.stop()
            return event.is_set()

    def idle(seconds: float) -> None:
        wait(threading.Event(), seconds)

    if prewarm:
        auroraview.prewarm(mode=mode, spares=prewarm)
        idle(PREWARM_IDLE_S)

    def panel(title: str) -> tuple[float, WebView]:
        ready = threading.Event()
        t0 = time.perf_counter()
        wv = WebView(title=title, html=OURS_PAGE % title, mode=mode, own_process=own_process)
        wv.on("ready")(lambda *_: ready.set())
        wv.show(block=False)
        if not wait(ready, 60):
            raise RuntimeError(f"{title}: the page did not become ready within 60 s")
        return (time.perf_counter() - t0) * 1e3, wv

    first, _a = panel("first")
    second, _b = panel("second")
    idle(LATER_S)
    later, _c = panel("later")
    idle(0.3)  # the log thread hands the last records over
    result = {"first": first, "second": second, "later": later, "log": lines}
    print("STARTUP " + json.dumps(result), flush=True)
    os._exit(0)  # the measurement is done; closing is not part of it


def webengine_scenario() -> None:
    """The peer: two QWebEngineViews with their QWebChannels, one after the other."""
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    from PySide6.QtCore import QEventLoop, QObject, QTimer, QUrl, Slot
    from PySide6.QtWebChannel import QWebChannel
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    keep: list[Any] = []

    class Py(QObject):
        def __init__(self, loop: QEventLoop) -> None:
            super().__init__()
            self.loop = loop
            self.at: Optional[float] = None

        @Slot()
        def ready(self) -> None:
            if self.at is None:
                self.at = time.perf_counter()
                self.loop.quit()

    def panel(title: str) -> float:
        loop = QEventLoop()
        t0 = time.perf_counter()
        view = QWebEngineView()
        channel = QWebChannel(view)
        py = Py(loop)
        channel.registerObject("py", py)
        view.page().setWebChannel(channel)
        view.setHtml(PEER_PAGE % title, QUrl("qrc:///"))
        view.show()
        QTimer.singleShot(60_000, loop.quit)
        if py.at is None:
            loop.exec()
        if py.at is None:
            raise RuntimeError(f"{title}: the QWebChannel did not become ready within 60 s")
        keep.extend((view, channel, py))
        return (py.at - t0) * 1e3

    first = panel("first")
    second = panel("second")
    print("STARTUP " + json.dumps({"first": first, "second": second}), flush=True)
    del app
    os._exit(0)


# -- the parent: runs the scenarios and reports ------------------------------------------------


def run(flag: str, env: Optional[dict] = None) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, flag],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("STARTUP "):
            return json.loads(line[len("STARTUP ") :])
    raise RuntimeError(f"scenario {flag} failed:\n{proc.stdout}\n{proc.stderr}")


def qt_env() -> dict:
    """A Qt application's environment: Qt on GLib, a real X window."""
    env = dict(os.environ)
    env.pop("QT_NO_GLIB", None)
    env.setdefault("QT_QPA_PLATFORM", "xcb")
    return env


def peer_env() -> Optional[dict]:
    """The peer's environment, or None when QtWebEngine is not installed."""
    import importlib.util

    if importlib.util.find_spec("PySide6.QtWebEngineWidgets") is None:
        return None
    env = dict(os.environ)
    env.pop("QT_NO_GLIB", None)
    env.setdefault("QT_QPA_PLATFORM", "xcb")  # a real X window, as ours is
    return env


def stages(log: list[str]) -> dict[str, float]:
    """Our start-up stages (ms) from the runtime's debug lines: ``r_*`` the runtime,
    ``1_*`` / ``2_*`` the first and second WebView (times since its request was queued)."""
    out: dict[str, float] = {}
    for line in log:
        m = re.search(r"runtime started in \w+ mode in ([\d.]+) ms", line)
        if m:
            out["r_start"] = float(m.group(1))
        m = re.search(r"GTK initialised in ([\d.]+) ms", line)
        if m:
            out["r_gtk"] = float(m.group(1))
        m = re.search(
            r"WebView (\d+) start-up: built at ([\d.]+) ms \(waited ([\d.]+) ms for the UI "
            r"thread; web context ([\d.]+) ms, window ([\d.]+) ms, engine ([\d.]+) ms",
            line,
        )
        if m:
            view = m.group(1)
            for i, key in enumerate(("built", "waited", "context", "window", "engine"), 2):
                out[f"{view}_{key}"] = float(m.group(i))
            continue
        m = re.search(
            r"WebView (\d+) start-up: (load started|bridge init|bridge ready) at "
            r"([\d.]+) ms",
            line,
        )
        if m:
            out[f"{m.group(1)}_{m.group(2).split()[-1]}"] = float(m.group(3))
    return out


def median_of(runs: list[dict], key: str) -> Optional[float]:
    values = [r[key] for r in runs if key in r]
    return statistics.median(values) if values else None


def print_breakdown(runs: list[dict]) -> None:
    """Medians of our stages, first and second panel."""
    parsed = [dict(stages(r["log"]), first=r["first"], second=r["second"]) for r in runs]
    print(f"{'where our time goes (medians, ms)':<52}{'first':>10}{'second':>10}")

    def row(label: str, first: Optional[float], second: Optional[float]) -> None:
        def cell(v: Optional[float]) -> str:
            return f"{v:>10.1f}" if v is not None else f"{'-':>10}"

        print(f"{label:<52}{cell(first)}{cell(second)}")

    def gap(view: str, a: str, b: str) -> Optional[float]:
        vals = [p[f"{view}_{b}"] - p[f"{view}_{a}"] for p in parsed if f"{view}_{b}" in p]
        return statistics.median(vals) if vals else None

    row("  runtime start (UI thread, GTK init)", median_of(parsed, "r_start"), None)
    row("    of which GTK init", median_of(parsed, "r_gtk"), None)
    row("  waiting for the UI thread", median_of(parsed, "1_waited"), median_of(parsed, "2_waited"))
    row("  web context", median_of(parsed, "1_context"), median_of(parsed, "2_context"))
    row("  window", median_of(parsed, "1_window"), median_of(parsed, "2_window"))
    row("  WebView build (engine)", median_of(parsed, "1_engine"), median_of(parsed, "2_engine"))
    row(
        "  web process launch, until the load starts",
        gap("1", "built", "started"),
        gap("2", "built", "started"),
    )
    row(
        "  page load to the bridge's init", gap("1", "started", "init"), gap("2", "started", "init")
    )
    row("  init to the bridge's ready", gap("1", "init", "ready"), gap("2", "init", "ready"))
    rest1 = [p["first"] - p.get("r_start", 0) - p["1_ready"] for p in parsed if "1_ready" in p]
    rest2 = [p["second"] - p["2_ready"] for p in parsed if "2_ready" in p]
    row(
        "  Python side, ack and the page's call (the rest)",
        statistics.median(rest1) if rest1 else None,
        statistics.median(rest2) if rest2 else None,
    )


def main() -> None:
    env = peer_env()
    ours: list[dict] = []
    warm: list[dict] = []
    warm2: list[dict] = []
    hosted: list[dict] = []
    hosted_warm: list[dict] = []
    apart: list[dict] = []
    peer: list[dict] = []
    for _ in range(REPEATS):
        ours.append(run("--ours"))
        warm.append(run("--ours-prewarm"))
        warm2.append(run("--ours-prewarm2"))
        hosted.append(run("--hosted", qt_env()))
        hosted_warm.append(run("--hosted-prewarm", qt_env()))
        apart.append(run("--ours-own-process"))
        if env is not None:
            peer.append(run("--webengine", env))
    o1, o2 = median_of(ours, "first"), median_of(ours, "second")
    w1, w2 = median_of(warm, "first"), median_of(warm, "second")
    print(
        f"start-up benchmark ({REPEATS} repeats, fresh processes, medians; WebKitGTK own UI "
        "thread vs QtWebEngine)"
    )
    print(f"{'time to a ready page (ms)':<52}{'first':>10}{'second':>10}")
    print(f"{'auroraview: WebView() to whenReady() in Python':<52}{o1:>10.1f}{o2:>10.1f}")
    print(f"{'auroraview, after prewarm()':<52}{w1:>10.1f}{w2:>10.1f}")
    v1, v2 = median_of(warm2, "first"), median_of(warm2, "second")
    print(f"{'auroraview, after prewarm(spares=2)':<52}{v1:>10.1f}{v2:>10.1f}")
    h1, h2 = median_of(hosted, "first"), median_of(hosted, "second")
    print(f"{'auroraview hosted (in a QApplication, Qt loop)':<52}{h1:>10.1f}{h2:>10.1f}")
    g1, g2 = median_of(hosted_warm, "first"), median_of(hosted_warm, "second")
    print(f"{'auroraview hosted, after prewarm()':<52}{g1:>10.1f}{g2:>10.1f}")
    a1, a2 = median_of(apart, "first"), median_of(apart, "second")
    print(f"{'auroraview, own_process=True (no shared process)':<52}{a1:>10.1f}{a2:>10.1f}")
    o3, w3 = median_of(ours, "later"), median_of(warm, "later")
    print(f"{'auroraview, a third panel 1 s later (ms)':<52}{o3:>10.1f}")
    print(f"{'auroraview after prewarm(), a third panel 1 s later (ms)':<52}{w3:>10.1f}")
    targets = [
        ("hosted second panel <= 100 ms", h2 <= 100.0),
        ("second panel <= 100 ms", o2 <= 100.0),
        ("second panel after prewarm() <= 100 ms", w2 <= 100.0),
        ("second panel after prewarm(spares=2) <= 100 ms", v2 <= 100.0),
        ("a panel 1 s later, after prewarm() <= 100 ms", w3 <= 100.0),
    ]
    if env is None:
        print("QtWebEngine + QWebChannel: not installed (PySide6-Addons), not measured")
    else:
        p1, p2 = median_of(peer, "first"), median_of(peer, "second")
        print(f"{'QtWebEngine + QWebChannel (peer, same run)':<52}{p1:>10.1f}{p2:>10.1f}")
        print(f"{'  ratio auroraview / QtWebEngine':<52}{o1 / p1:>9.2f}x{o2 / p2:>9.2f}x")
        print(
            f"{'  ratio auroraview after prewarm() / QtWebEngine':<52}{w1 / p1:>9.2f}x"
            f"{w2 / p2:>9.2f}x"
        )
        print(f"{'  ratio auroraview hosted / QtWebEngine':<52}{h1 / p1:>9.2f}x{h2 / p2:>9.2f}x")
        print(
            f"{'  ratio hosted after prewarm() / QtWebEngine':<52}{g1 / p1:>9.2f}x{g2 / p2:>9.2f}x"
        )
        targets.insert(0, ("first panel <= 1.0x QtWebEngine", o1 <= p1))
        targets.append(("first panel after prewarm() <= 1.0x QtWebEngine", w1 <= p1))
        targets.append(("hosted first panel after prewarm() <= 1.0x QtWebEngine", g1 <= p1))
    spare_ms = [
        float(m)
        for r in warm + hosted_warm
        for line in r["log"]
        for m in re.findall(r"a spare WebView was built in ([\d.]+) ms", line)
    ]
    if spare_ms:
        print(
            f"{'building a spare: its UI thread busy (ms, median)':<52}"
            f"{statistics.median(spare_ms):>10.1f}"
        )
    print()
    print_breakdown(ours)
    print()
    for label, ok in targets:
        print(f"target {label:<50} {'PASS' if ok else 'MISS'}")


if __name__ == "__main__":
    if "--ours" in sys.argv:
        ours_scenario(prewarm=0)
    elif "--ours-prewarm" in sys.argv:
        ours_scenario(prewarm=1)
    elif "--ours-prewarm2" in sys.argv:
        ours_scenario(prewarm=2)
    elif "--ours-own-process" in sys.argv:
        ours_scenario(prewarm=0, own_process=True)
    elif "--hosted" in sys.argv:
        ours_scenario(prewarm=0, hosted=True)
    elif "--hosted-prewarm" in sys.argv:
        ours_scenario(prewarm=1, hosted=True)
    elif "--webengine" in sys.argv:
        webengine_scenario()
    else:
        main()
