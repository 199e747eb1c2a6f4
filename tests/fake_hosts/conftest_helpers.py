"""Installing a fake host for one test, and the scenarios every host must pass.

Each ``tests/test_host_<name>.py`` builds a :class:`Host` (how to run that host's main loop,
how to block it, which vendor APIs the adapter must never call) inside a fixture that uses
:func:`installed` and then runs the ``check_*`` scenarios below plus its own quirk tests.
Every scenario records ``threading.get_ident()`` inside each dispatched function and checks
it against the main thread's, and checks values, order and counts.
"""

from __future__ import annotations

import collections
import contextlib
import importlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from auroraview import utils
from auroraview.errors import (
    AuroraViewError,
    DispatchClosedError,
    DispatchTimeoutError,
    NoMainLoopError,
)

FAKE_HOSTS = Path(__file__).resolve().parent
TESTS = FAKE_HOSTS.parent
MAIN_IDENT = threading.main_thread().ident


# ----- installing a fake ----------------------------------------------------------------


def _fake_module_names(host_dir: str) -> set[str]:
    names = set()
    for entry in (FAKE_HOSTS / host_dir).iterdir():
        if entry.suffix == ".py":
            names.add(entry.stem)
        elif entry.is_dir() and (entry / "__init__.py").exists():
            names.add(entry.name)
    return names


@contextlib.contextmanager
def installed(host_dir: str, modules: Sequence[str], env: Optional[dict] = None) -> Iterator[list]:
    """Put ``tests/fake_hosts/<host_dir>`` first on ``sys.path``, set ``env``, import
    ``modules`` (as the host would have them loaded) and yield them. Afterwards the
    dispatcher is shut down (while the fake still exists, so adapters can unhook), and the
    fake modules, path entry and environment are removed again."""
    names = _fake_module_names(host_dir)
    present = sorted(n for n in names if n in sys.modules)
    if present:
        raise RuntimeError(f"cannot install fake {present}: a module of that name is loaded")
    saved_env = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    saved_path = list(sys.path)
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    sys.path.insert(0, str(FAKE_HOSTS / host_dir))
    utils.shutdown_dispatcher()
    try:
        yield [importlib.import_module(m) for m in modules]
    finally:
        try:
            utils.shutdown_dispatcher()
        finally:
            for name in list(sys.modules):
                if name.split(".")[0] in names:
                    del sys.modules[name]
            sys.path[:] = saved_path
            for k, v in saved_env.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


# ----- the host under test --------------------------------------------------------------


@dataclass
class Host:
    """What the scenarios need to know about one (fake) host."""

    #: The name ``current_host()`` must report.
    name: str
    #: ``serve(until, timeout)``: run the host's main loop on this thread until ``until()``
    #: (True) or ``timeout`` seconds; raises (or returns False) if ``until`` never held.
    serve: Callable[[Optional[Callable[[], Any]], float], Any]
    #: Queue ``fn()`` on the host's main loop by the host's own means (not auroraview's).
    post_native: Callable[[Callable[[], Any]], None]
    #: A main-thread-only host API call (raises off the main thread); returns something.
    scene_call: Callable[[], Any]
    #: The fake's counter of vendor dispatch API calls.
    calls: Counter
    #: Vendor APIs the adapter must never call.
    forbidden: tuple = ()
    #: The vendor API the adapter calls once per wake, if the host has one.
    wake_api: Optional[str] = None
    #: Exceptions that escaped into the host loop.
    loop_errors: list = field(default_factory=list)
    #: Main-thread-only host APIs called from other threads.
    violations: list = field(default_factory=list)
    #: Extra slack for hosts with a slow loop (seconds per round trip).
    latency: float = 0.0
    #: The host can only be hooked from its main thread (Unreal, Blender): a first use from
    #: a worker may instead fail fast with an error that names ``install_dispatcher()``.
    install_on_main: bool = False

    def serve_for(self, seconds: float) -> None:
        """Run the host loop for ``seconds``, whatever happens."""
        with contextlib.suppress(AssertionError):
            self.serve(None, seconds)

    def serve_until(self, until: Callable[[], Any], timeout: float) -> None:
        result = self.serve(until, timeout)
        assert result is not False, f"{self.name}: condition not met within {timeout} s"
        assert until(), f"{self.name}: condition not met within {timeout} s"

    def assert_clean(self) -> None:
        """Nothing escaped into the host, no off-thread host calls, no forbidden APIs."""
        assert self.loop_errors == [], f"exceptions escaped into the host loop: {self.loop_errors}"
        assert self.violations == [], (
            f"main-thread-only host APIs used off-thread: {self.violations}"
        )
        used = {api: self.calls[api] for api in self.forbidden if self.calls[api]}
        assert used == {}, f"the adapter used forbidden host APIs: {used}"


def start_threads(target: Callable[..., Any], n: int, *args: Any) -> list[threading.Thread]:
    threads = [threading.Thread(target=target, args=(i, *args), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    return threads


def join_all(threads: Sequence[threading.Thread], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    alive = [t.name for t in threads if t.is_alive()]
    assert alive == [], f"threads still running: {alive}"


def warm_up(host: Host) -> None:
    """One served round trip, so the dispatcher exists, is wired and has pumped."""
    out: list = []
    t = start_threads(lambda _: out.append(utils.run_on_main_thread_sync(threading.get_ident)), 1)
    host.serve_until(lambda: out, 10 + 20 * host.latency)
    join_all(t)
    assert out == [MAIN_IDENT]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def dispatch_log() -> Iterator[_Records]:
    logger = logging.getLogger("auroraview.dispatch")
    handler = _Records()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


# ----- scenarios ------------------------------------------------------------------------


def check_detection(host: Host) -> None:
    assert utils.current_host() == host.name
    assert utils.is_main_thread() is True
    seen: list = []
    join_all(
        start_threads(lambda _: seen.append((utils.is_main_thread(), utils.current_host())), 1)
    )
    assert seen == [(False, host.name)]


def check_stress(
    host: Host,
    *,
    threads: int = 8,
    sync_calls: int = 1000,
    posts: int = 10_000,
    timeout: float = 60,
) -> float:
    """``threads`` workers each make ``sync_calls`` sync calls and ``posts / threads`` posts,
    interleaved; all run exactly once, on the main thread, in per-thread order; each one also
    touches the host's main-thread-only API. Returns the seconds it took."""
    per_thread_posts = posts // threads
    per_thread = sync_calls + per_thread_posts
    ran: list[tuple[int, int]] = []  # appended on the main thread
    off_main: list[tuple[int, int, int]] = []
    errors: list[BaseException] = []
    finished: list[int] = []

    def record(t: int, seq: int) -> int:
        ident = threading.get_ident()
        if ident != MAIN_IDENT:
            off_main.append((t, seq, ident))
        if seq % 64 == 0:
            host.scene_call()  # raises off the main thread
        ran.append((t, seq))
        return seq * 7 + t

    def worker(t: int) -> None:
        try:
            seq = 0
            for i in range(sync_calls):
                n_posts = per_thread_posts // sync_calls + (i < per_thread_posts % sync_calls)
                for _ in range(n_posts):
                    utils.run_on_main_thread(record, t, seq)
                    seq += 1
                value = utils.run_on_main_thread_sync(record, t, seq, timeout=timeout)
                assert value == seq * 7 + t, (value, seq, t)
                seq += 1
            for _ in range(per_thread - seq):
                utils.run_on_main_thread(record, t, seq)
                seq += 1
        except BaseException as exc:
            errors.append(exc)
        finally:
            finished.append(t)

    total = threads * per_thread
    t0 = time.monotonic()
    workers = start_threads(worker, threads)
    host.serve_until(lambda: errors or (len(finished) == threads and len(ran) >= total), timeout)
    elapsed = time.monotonic() - t0
    join_all(workers)
    assert errors == [], "".join(traceback.format_exception(errors[0]))
    assert off_main == []
    assert len(ran) == total
    counts = Counter(ran)
    assert max(counts.values()) == 1, "a function ran more than once"
    for t in range(threads):
        assert [seq for tt, seq in ran if tt == t] == list(range(per_thread)), f"thread {t} order"
    return elapsed


class SceneError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def check_exceptions(host: Host) -> None:
    """A sync call re-raises the function's own exception (type, args, traceback); a
    posted function's exception is logged on ``auroraview.dispatch`` and never reaches the
    host loop; the dispatcher keeps working after both."""

    def explode(path: str) -> None:
        assert threading.get_ident() == MAIN_IDENT
        host.scene_call()
        raise SceneError(f"cannot open {path}", 42)

    def broken_post() -> None:
        raise KeyError("bad post")

    caught: list = []
    after: list = []

    def worker(_: int) -> None:
        for exc_type, fn, args in (
            (SceneError, explode, ("/shots/a.ma",)),
            (ZeroDivisionError, lambda: 1 / 0, ()),
        ):
            try:
                utils.run_on_main_thread_sync(fn, *args, timeout=10 + 20 * host.latency)
            except exc_type as exc:
                caught.append(exc)
            except BaseException as exc:
                caught.append(("wrong type", exc))
        utils.run_on_main_thread(broken_post)
        after.append(utils.run_on_main_thread_sync(threading.get_ident, timeout=10))

    with dispatch_log() as log:
        workers = start_threads(worker, 1)
        host.serve_until(lambda: after, 15 + 40 * host.latency)
        join_all(workers)
    assert len(caught) == 2, caught
    scene_error, zero = caught
    assert type(scene_error) is SceneError and scene_error.code == 42
    assert str(scene_error) == "cannot open /shots/a.ma"
    assert "explode" in [f.name for f in traceback.extract_tb(scene_error.__traceback__)]
    assert type(zero) is ZeroDivisionError
    assert after == [MAIN_IDENT]
    logged = [r for r in log.records if r.exc_info and r.exc_info[0] is KeyError]
    assert len(logged) == 1 and "broken_post" in logged[0].getMessage()


def check_timeout_while_blocked(host: Host, call_timeout: float = 0.25) -> None:
    """While the host's main loop is busy (in the host's own work, not ours), a sync call
    times out after about ``call_timeout``; its function never runs, not even once the loop
    is free again; later calls work."""
    warm_up(host)
    victim_ran: list = []
    outcome: dict = {}
    worker_done = threading.Event()

    def worker(_: int) -> None:
        t0 = time.monotonic()
        try:
            utils.run_on_main_thread_sync(victim_ran.append, "ran", timeout=call_timeout)
            outcome["result"] = "returned"
        except BaseException as exc:
            outcome["error"] = exc
        outcome["elapsed"] = time.monotonic() - t0
        worker_done.set()

    blocked: list = []

    def busy_host_operation() -> None:  # e.g. a long render started by the user
        blocked.append(threading.get_ident())
        start_threads(worker, 1)
        worker_done.wait(call_timeout + 10)

    host.post_native(busy_host_operation)
    host.serve_until(lambda: worker_done.is_set(), 15 + 20 * host.latency)
    host.serve_for(max(0.3, 6 * host.latency))  # the loop is free again; stale wakes run now
    assert blocked == [MAIN_IDENT]
    err = outcome.get("error")
    assert isinstance(err, DispatchTimeoutError), outcome
    assert not isinstance(err, NoMainLoopError), err  # the host loop did serve before
    assert call_timeout <= outcome["elapsed"] < call_timeout + 1.5, outcome
    assert victim_ran == [], "a timed-out call ran later"
    warm_up(host)  # the dispatcher recovered
    assert victim_ran == []


def check_inline_on_main(host: Host) -> None:
    """On the main thread a sync call runs inline (the host loop is not running), even
    nested inside a dispatched function; a post is always queued, never inline."""
    ran: list = []

    def posted() -> None:
        ran.append(("posted", threading.get_ident()))

    utils.run_on_main_thread(posted)
    assert ran == []  # queued, not inline
    value = utils.run_on_main_thread_sync(lambda a, b=0: (a + b, threading.get_ident()), 2, b=3)
    assert value == (5, MAIN_IDENT)
    utils.run_on_main_thread_sync(host.scene_call)  # a main-thread-only API: fine inline
    assert ran == []  # the inline call did not pump the queue either

    def outer() -> str:
        inner = utils.run_on_main_thread_sync(lambda: threading.get_ident(), timeout=0.5)
        ran.append(("outer", threading.get_ident(), inner))
        return "outer-done"

    out: list = []
    t = start_threads(lambda _: out.append(utils.run_on_main_thread_sync(outer, timeout=10)), 1)
    host.serve_until(lambda: out and len(ran) == 2, 10 + 20 * host.latency)
    join_all(t)
    assert ran == [("posted", MAIN_IDENT), ("outer", MAIN_IDENT, MAIN_IDENT)]
    assert out == ["outer-done"]


def check_shutdown(host: Host, n_calls: int = 4, n_posts: int = 20) -> None:
    """Shutdown while the host loop is busy: every waiting call fails at once with
    DispatchClosedError, queued posts are dropped (logged), nothing runs later even when the
    host runs the wake it still had queued; the next use starts a fresh dispatcher."""
    warm_up(host)
    ran: list = []
    errors: list = []
    entered = threading.Barrier(n_calls + 1)

    def worker(i: int) -> None:
        for j in range(n_posts // n_calls):
            utils.run_on_main_thread(ran.append, ("post", i, j))
        entered.wait(5)
        try:
            utils.run_on_main_thread_sync(ran.append, ("call", i), timeout=30)
            errors.append(("returned", i))
        except DispatchClosedError as exc:
            errors.append((exc, time.monotonic()))
        except BaseException as exc:
            errors.append(("wrong error", exc))

    result: dict = {}

    def busy_host_operation() -> None:
        dispatcher = utils.get_dispatcher()
        workers = start_threads(worker, n_calls)
        entered.wait(5)
        deadline = time.monotonic() + 5
        while dispatcher.pending < n_calls + n_posts and time.monotonic() < deadline:
            time.sleep(0.002)
        result["pending"] = dispatcher.pending
        result["closed_at"] = time.monotonic()
        result["dropped"] = utils.shutdown_dispatcher()
        join_all(workers, 5)

    with dispatch_log() as log:
        host.post_native(busy_host_operation)
        host.serve_until(lambda: "dropped" in result and len(errors) == n_calls, 20)
        host.serve_for(max(0.2, 6 * host.latency))
    assert result["pending"] == n_calls + n_posts
    assert result["dropped"] == n_calls + n_posts
    assert ran == [], "work ran after shutdown"
    assert len(errors) == n_calls
    for exc, at in errors:
        assert isinstance(exc, DispatchClosedError), (exc, at)
        assert at - result["closed_at"] < 1.0
    dropped_logs = [r for r in log.records if r.levelno == logging.WARNING]
    assert len(dropped_logs) == n_posts, [r.getMessage() for r in log.records]
    # The next use builds a fresh dispatcher for the same host.
    assert utils.current_host() == host.name
    warm_up(host)


def check_decorators(host: Host) -> None:
    from auroraview.utils import dcc_thread_safe, dcc_thread_safe_async

    @dcc_thread_safe
    def create(name: str) -> tuple:
        host.scene_call()
        return name, threading.get_ident()

    @dcc_thread_safe(timeout=10 + 20 * host.latency)
    def rename(name: str) -> tuple:
        return name.upper(), threading.get_ident()

    posted: list = []

    @dcc_thread_safe_async
    def refresh(tag: str) -> None:
        host.scene_call()
        posted.append((tag, threading.get_ident()))

    results: list = []

    def worker(_: int) -> None:
        results.append(create("cube"))
        results.append(rename("cube"))
        results.append(refresh("now"))

    t = start_threads(worker, 1)
    host.serve_until(lambda: len(results) == 3 and posted, 10 + 40 * host.latency)
    join_all(t)
    assert results == [("cube", MAIN_IDENT), ("CUBE", MAIN_IDENT), None]
    assert posted == [("now", MAIN_IDENT)]
    # On the main thread the sync decorator runs inline.
    assert create("sphere") == ("sphere", MAIN_IDENT)


def check_burst_costs_one_wake(host: Host, n: int = 2000) -> None:
    """A burst of posts made while the host is busy asks the host for exactly one wake."""
    assert host.wake_api is not None
    warm_up(host)
    before = host.calls[host.wake_api]
    ran: list = []
    join_all(
        start_threads(lambda _: [utils.run_on_main_thread(ran.append, i) for i in range(n)], 1)
    )
    assert host.calls[host.wake_api] - before == 1
    host.serve_until(lambda: len(ran) == n, 10 + 100 * host.latency)
    assert ran == list(range(n))
    # Budgeted pumps re-arm the wake for leftovers: a few more wakes, not one per post.
    assert host.calls[host.wake_api] - before < 100


def check_first_use_from_worker(host: Host) -> None:
    """The first use of a fresh dispatcher comes from a worker thread (say an IPC handler):
    it is served on the main thread, and the adapter never touches the host's
    main-thread-only APIs from that worker. A host that can only be hooked from its main
    thread (``install_on_main``) may instead refuse at once, naming the fix."""
    utils.shutdown_dispatcher()
    out: list = []
    errors: list = []

    def worker(_: int) -> None:
        t0 = time.monotonic()
        try:
            timeout = 5 + 20 * host.latency
            out.append(utils.run_on_main_thread_sync(threading.get_ident, timeout=timeout))
        except BaseException as exc:
            errors.append((exc, time.monotonic() - t0))

    t = start_threads(worker, 1)
    host.serve_until(lambda: out or errors, 10 + 20 * host.latency)
    join_all(t)
    assert host.violations == [], (
        f"the adapter called main-thread-only {host.name} APIs from the worker: {host.violations}"
    )
    if host.install_on_main and errors:
        exc, took = errors[0]
        assert isinstance(exc, AuroraViewError) and "install_dispatcher" in str(exc), exc
        assert not isinstance(exc, DispatchTimeoutError) and took < 1.0, (exc, took)
        return
    assert errors == [] and out == [MAIN_IDENT], errors
    assert utils.current_host() == host.name


# ----- subprocesses ---------------------------------------------------------------------


def run_script(script: str, *args: str, env: Optional[dict] = None, timeout: float = 60) -> dict:
    """Run ``tests/fake_hosts/scripts/<script>`` in a fresh interpreter; it prints one JSON
    line prefixed with ``RESULT `` which is returned. Fails with its output otherwise."""
    full_env = dict(os.environ)
    full_env.pop("AURORAVIEW_DISPATCHER", None)
    full_env.update(env or {})
    full_env["PYTHONPATH"] = os.pathsep.join(
        [str(TESTS), *filter(None, [full_env.get("PYTHONPATH")])]
    )
    proc = subprocess.run(
        [sys.executable, str(FAKE_HOSTS / "scripts" / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=str(TESTS),
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, (
        f"{script} {args} exited {proc.returncode}\n"
        f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    )
    return json.loads(lines[-1][len("RESULT ") :])


def check_work_is_sliced(host: Host, loop: Any) -> None:
    """200 posted tasks of at least 1 ms each (they sleep): the host's main loop runs them in
    many short callbacks, not one long one. Counted, not timed: the dispatcher's pump stops
    once its 4 ms budget is spent, so one host callback runs at most 5 such tasks, however
    the VM schedules threads (wall-clock times here include waits for the GIL)."""
    warm_up(host)
    ran: list = []
    join_all(
        start_threads(
            lambda _: [
                utils.run_on_main_thread(
                    lambda i=i: (time.sleep(0.001), ran.append((i, loop.callbacks_started)))
                )
                for i in range(200)
            ],
            1,
        )
    )
    host.serve_until(lambda: len(ran) == 200, 10 + 200 * host.latency)
    assert [i for i, _ in ran] == list(range(200))
    per_callback = collections.Counter(callback for _, callback in ran)
    assert max(per_callback.values()) <= 5, per_callback.most_common(3)
    assert len(per_callback) >= 40
