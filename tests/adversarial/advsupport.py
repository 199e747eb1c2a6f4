"""Helpers of the adversarial suite: what the process has running (WebKit helper processes,
auroraview threads, runtime counters), and page snippets that settle calls into data."""

from __future__ import annotations

import os
import time
from typing import Callable

#: ``settle(p)`` turns a Promise into ``["ok", value]`` or ``[name, message, isError]``.
SETTLE_JS = """
window.settle = function (p) {
  return p.then(function (v) { return ["ok", v]; },
                function (e) { return [e.name, e.message, e instanceof Error]; });
};
"""
PAGE = f"<!doctype html><html><body><p>adversarial</p><script>{SETTLE_JS}</script></body></html>"

#: A 32-hex-digit run: what the per-WebView token looks like.
TOKEN_PATTERN = "/[0-9a-f]{32}/"


def children(pid: int = 0) -> list[tuple[int, str]]:
    """Every descendant process of ``pid`` (this process by default): ``(pid, comm)``."""
    root = pid or os.getpid()
    parents: dict[int, list[tuple[int, str]]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        parents.setdefault(ppid, []).append((int(entry), comm))
    out: list[tuple[int, str]] = []
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child[0])
    return out


def web_processes() -> list[int]:
    """WebKit web processes (one per open page) below this process."""
    return [pid for pid, comm in children() if comm.startswith("WebKitWebProces")]


def network_processes() -> list[int]:
    return [pid for pid, comm in children() if comm.startswith("WebKitNetworkPr")]


def cpu_ticks(pid: int) -> int:
    """User + system clock ticks ``pid`` has used (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def rss_mib() -> float:
    """This process's resident memory now, in MiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def poll(
    predicate: Callable[[], bool], timeout: float, step: float = 0.02, run_loop: bool = True
) -> bool:
    """True once ``predicate()`` holds, checking until ``timeout`` seconds passed. Between
    checks a Qt application's loop runs, if there is one: in hosted mode it is the loop that
    carries out closes and reaps WebKit's processes. ``run_loop=False`` only sleeps: inside
    a main-thread handler, where a nested loop would serve the work queued behind it."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            return False
        if not (run_loop and _run_qt_events(step)):
            time.sleep(step)
    return True


def _run_qt_events(seconds: float) -> bool:
    from auroraview._qt_binding import running_qt_core

    core = running_qt_core()
    if core is None:
        return False
    core.QCoreApplication.processEvents(
        core.QEventLoop.ProcessEventsFlag.AllEvents, int(seconds * 1000)
    )
    time.sleep(seconds / 4)
    return True
