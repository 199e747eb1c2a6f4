"""A 1 ms QTimer heartbeat keeps ticking while 8 threads flood emit and the page fires
1000 concurrent JS calls into a hosted WebView on the Qt main thread."""

from __future__ import annotations

import sys
import threading
import time

from _common import MAIN, QtCore, app, finish, result, run_until  # noqa: F401
from auroraview import WebView

sys.setswitchinterval(0.001)  # a host that floods from Python threads would tune this too

PAGE = """<!doctype html><body><script>
window.got = {}; window.bad = 0; window.total = 0;
auroraview.on('tick', d => {
  const last = window.got[d.t];
  if (last !== undefined && d.i !== last + 1) window.bad++;
  window.got[d.t] = d.i; window.total++;
});
window.fire = async () => {
  const calls = [];
  for (let i = 0; i < 1000; i++) calls.push(auroraview.call('echo', i));
  const out = await Promise.all(calls);
  window.calls_ok = out.every((v, i) => v === i * 2);
  auroraview.emit('calls_done', out.length);
};
</script></body>"""

wv = WebView(html=PAGE)
assert wv.mode == "hosted", wv.mode
echo_threads = set()


@wv.on("echo")
def echo(i):
    echo_threads.add(threading.get_ident())
    return i * 2


calls_done = []
wv.on("calls_done")(calls_done.append)

ready = []
wv.eval_js_async("auroraview.whenReady().then(() => true)", lambda v, e: ready.append(v))
assert run_until(lambda: ready, 15), "page not ready"

beats: list[float] = []
heartbeat = QtCore.QTimer()
heartbeat.setInterval(1)
heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
heartbeat.start()
run_until(lambda: len(beats) > 100, 5)  # settle

finished = []


def flood(t: int) -> None:
    for i in range(1000):
        wv.emit("tick", {"t": t, "i": i})
    finished.append(t)


start = len(beats)
threads = [threading.Thread(target=flood, args=(t,)) for t in range(8)]
wv.eval_js("window.fire()")
for t in threads:
    t.start()
run_until(lambda: len(finished) == 8 and calls_done, 30)
counts = []
wv.eval_js_async("[window.total, window.bad, window.calls_ok]", lambda v, e: counts.append(v))
run_until(lambda: counts, 10)
window = beats[start:]
gaps = sorted((b - a) * 1000 for a, b in zip(window, window[1:]))
result(
    total=counts[0][0],
    out_of_order=counts[0][1],
    calls_ok=counts[0][2],
    calls_done=calls_done,
    echo_on_main=MAIN in echo_threads,
    beats=len(window),
    gap_p50_ms=gaps[len(gaps) // 2],
    gap_p99_ms=gaps[int(len(gaps) * 0.99)],
    gap_p90_ms=gaps[int(len(gaps) * 0.9)],
    gap_max_ms=gaps[-1],
)
wv.close()
finish()
