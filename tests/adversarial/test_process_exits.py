"""Cases that interrupt or end the process, run as scripts in a process of their own (in the
mode of this run): Ctrl+C inside a main-thread handler, show(block=True) with a hung handler,
and the interpreter exiting with work pending (after the host's loop ended, in hosted mode).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(120)

SCRIPTS = Path(__file__).resolve().parent / "scripts"


def run_script(name: str, mode: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("AURORAVIEW_DISPATCHER", None)
    return subprocess.run(
        [sys.executable, str(SCRIPTS / name), mode],
        cwd=SCRIPTS,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def result_of(done: subprocess.CompletedProcess) -> dict:
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, (done.returncode, done.stdout, done.stderr[-3000:])
    return json.loads(lines[-1][len("RESULT ") :])


@pytest.fixture
def mode() -> str:
    return os.environ.get("AURORAVIEW_TEST_WEBVIEW_MODE", "own").strip().lower() or "own"


def test_ctrl_c_in_a_main_thread_handler_rejects_the_call_and_reaches_the_loop(mode):
    got = result_of(run_script("interrupt_in_handler.py", mode))
    assert got["settled"][0] == "KeyboardInterrupt", got
    assert got["interrupted"], got  # not swallowed by the pump
    assert got["after"] == ["ok", "alive"], got


def test_show_returns_within_the_grace_when_a_handler_hangs(mode):
    got = result_of(run_script("show_with_hung_handler.py", mode))
    assert got["entered"] is True
    # Not held for the handler's 60 s: the grace (5 s) after the close, plus slack.
    assert got["after_close"] is not None and 4.5 <= got["after_close"] < 8, got
    assert got["warned"] is True, got


def test_show_returns_even_when_close_callbacks_raise_base_exceptions(mode):
    got = result_of(run_script("show_with_raising_close_callbacks.py", mode))
    assert got["after_close"] < 3, got
    assert got["ran"] == ["interrupt", "exit", "last"], got


def test_exit_with_work_pending_closes_and_settles_everything(mode):
    done = run_script("exit_with_work_pending.py", mode)
    assert done.returncode == 0, (done.stdout, done.stderr[-3000:])
    events = [
        line[len("EVENT ") :] for line in done.stdout.splitlines() if line.startswith("EVENT ")
    ]
    assert "exiting" in events, events
    after_exit = events[events.index("exiting") + 1 :]
    assert sorted(after_exit) == ["eval WebViewClosedError", "on_closed"], events
