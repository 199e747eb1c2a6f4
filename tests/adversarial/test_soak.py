"""Soak: 16 threads x 10,000 mixed operations across 4 WebViews (sync and async main-thread
dispatch, emits, evaluations, page calls), while the main thread serves. Every operation is
accounted for exactly once, in order where order is promised; afterwards the ledger checks
that no thread, helper process or pending item is left; peak RSS is reported and must not
grow with the number of operations.

``AURORAVIEW_SOAK_SCALE`` multiplies the operations per thread (``make soak`` runs 10x).
"""

from __future__ import annotations

import collections
import os
import threading
import time

import pytest
from advsupport import PAGE, rss_mib
from auroraview.utils import run_on_main_thread, run_on_main_thread_sync
from wvsupport import MAIN_IDENT, join_all, start_threads

SCALE = float(os.environ.get("AURORAVIEW_SOAK_SCALE", "1"))
THREADS = 16
OPS = int(10_000 * SCALE)
VIEWS = 4

pytestmark = pytest.mark.timeout(int(600 * max(1.0, SCALE)))

#: The page counts events per thread (checking their order) and calls back on request.
SOAK_PAGE = PAGE.replace(
    "</script>",
    """
window.seen = {};
window.outOfOrder = 0;
window.callsAnswered = 0;
window.callsFailed = 0;
auroraview.on('soak', function (d) {
  var last = seen[d.t];
  if (last !== undefined && d.i <= last) outOfOrder++;
  seen[d.t] = d.i;
});
auroraview.on('call_back', function (d) {
  auroraview.call('echo', d).then(function (v) {
    if (v.t === d.t && v.i === d.i) callsAnswered++; else callsFailed++;
  }, function () { callsFailed++; });
});
</script>""",
)


class Ledger:
    """What the soak expects, and what happened, counted once each."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.expected: collections.Counter = collections.Counter()
        self.done: collections.Counter = collections.Counter()
        self.wrong: list = []

    def expect(self, kind: str) -> None:
        with self.lock:
            self.expected[kind] += 1

    def count(self, kind: str) -> None:
        with self.lock:
            self.done[kind] += 1

    def error(self, what: object) -> None:
        with self.lock:
            if len(self.wrong) < 20:
                self.wrong.append(what)


def test_soak_mixed_operations_across_four_webviews(wv_host):
    views = [wv_host.open_ready(html=SOAK_PAGE, dcc_mode=(n % 2 == 1)) for n in range(VIEWS)]
    ledger = Ledger()
    echoed: collections.Counter = collections.Counter()
    echo_lock = threading.Lock()

    def echo(data):
        with echo_lock:
            echoed[data["t"]] += 1
        return data

    for view in views:
        view.on("echo")(echo)
    rss: list[float] = [rss_mib()]
    stop_sampling = threading.Event()

    def sample() -> None:
        while not stop_sampling.wait(0.25):
            rss.append(rss_mib())

    def on_main(kind: str) -> None:
        if threading.get_ident() != MAIN_IDENT:
            ledger.error(f"{kind} ran off the main thread")
        ledger.count(kind)

    def worker(t: int) -> None:
        for i in range(OPS):
            view = views[(t + i) % VIEWS]
            op = i % 5
            try:
                if op == 0:
                    ledger.expect("sync")
                    got = run_on_main_thread_sync(
                        lambda i=i: (threading.get_ident(), i), timeout=60
                    )
                    if got != (MAIN_IDENT, i):
                        ledger.error(("sync", got))
                    ledger.count("sync")
                elif op == 1:
                    ledger.expect("post")
                    run_on_main_thread(on_main, "post")
                elif op == 2:
                    ledger.expect("emit")
                    view.emit("soak", {"t": t, "i": i})
                elif op == 3:
                    ledger.expect("eval")

                    def settled(value, error, want=i * 2):
                        if error is not None or value != want:
                            ledger.error(("eval", value, repr(error)))
                        ledger.count("eval")

                    view.eval_js_async(f"{i} * 2", settled, timeout_ms=60_000)
                else:
                    ledger.expect("call")
                    view.emit("call_back", {"t": t, "i": i})
            except BaseException as exc:
                ledger.error((op, repr(exc)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    workers = start_threads(worker, THREADS)
    assert wv_host.serve_until(lambda: not any(w.is_alive() for w in workers), 300 * SCALE)
    join_all(workers)
    # Whatever is still in flight settles.
    assert wv_host.serve_until(lambda: ledger.done["eval"] == ledger.expected["eval"], 60)
    assert wv_host.serve_until(lambda: ledger.done["post"] == ledger.expected["post"], 60)
    expected_calls = ledger.expected["call"]
    assert wv_host.serve_until(lambda: sum(echoed.values()) == expected_calls, 120)

    def page_totals() -> list:
        script = "[callsAnswered, callsFailed, outOfOrder, Object.keys(seen).length]"
        return [wv_host.run_js(v, script, timeout=60) for v in views]

    assert wv_host.serve_until(lambda: sum(p[0] for p in page_totals()) == expected_calls, 60)
    elapsed = time.monotonic() - started
    stop_sampling.set()
    sampler.join(2)
    totals = page_totals()
    # Every operation, exactly once, right values, right threads, right order.
    assert ledger.wrong == []
    assert ledger.done["sync"] == ledger.expected["sync"] == THREADS * OPS // 5
    assert ledger.done["post"] == ledger.expected["post"]
    assert ledger.done["eval"] == ledger.expected["eval"] == THREADS * OPS // 5
    assert sum(echoed.values()) == expected_calls
    assert sum(p[0] for p in totals) == expected_calls and all(p[1] == 0 for p in totals)
    assert all(p[2] == 0 for p in totals), totals  # emits of one thread arrive in order
    assert all(p[3] == THREADS for p in totals), totals
    # Memory: bounded, not growing with the operations (last quarter vs. the first).
    quarter = max(1, len(rss) // 4)
    early, late, peak = max(rss[:quarter]), max(rss[-quarter:]), max(rss)
    total_ops = THREADS * OPS
    print(
        f"\nsoak: {total_ops} operations in {elapsed:.1f} s ({total_ops / elapsed:,.0f}/s), "
        f"peak RSS {peak:.0f} MiB (start {rss[0]:.0f}, first quarter {early:.0f}, "
        f"last quarter {late:.0f})"
    )
    assert late - early < 150, (early, late)
