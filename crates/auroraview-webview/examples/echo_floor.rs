//! The benchmark's floor row: the page <-> Rust round trips with no Python at all.
//!
//! A real WebView on the runtime's own UI thread (WebKitGTK; needs a display), with a sink
//! that answers `echo` on the handler thread at once. Measured exactly as
//! `benches/bench_webview.py` measures the Python rows, so the difference between the two is
//! what the Python hop costs:
//! - call: the page awaits `auroraview.call("echo", i)` N times in a row; the gaps between
//!   two arrivals on the handler thread are full JS -> Rust -> JS round trips;
//! - eval: `WebViewProxy::eval_wait("1")` N times in a row from a plain thread.
//!
//! Prints one line, `FLOOR {"call": [p50_ms, p99_ms], "eval": [p50_ms, p99_ms]}`.
//!
//! Run: `cargo run --release -p auroraview-webview --example echo_floor` (under a display;
//! `make bench` runs it through bench_webview.py).

use auroraview_webview::{IpcSink, Mode, PageCall, Runtime, WebViewProxy, WebViewSpec};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CALLS: usize = 2000;
const EVALS: usize = 2000;
const WARM_UP: usize = 100;

const PAGE: &str = r#"<!doctype html><body><script>
window.callBench = async (n) => {
  for (let i = 0; i < n; i++) {
    if (await auroraview.call('echo', i) !== i) throw new Error('wrong value');
  }
  await auroraview.call('done', n);
};
</script></body>"#;

/// Answers `echo` with its argument and records when each arrived; `done` ends a run.
struct EchoSink {
    arrivals: Mutex<Vec<Instant>>,
    done: Mutex<Option<crossbeam_channel::Sender<()>>>,
}

impl IpcSink for EchoSink {
    fn on_call(&self, _proxy: &WebViewProxy, call: PageCall) {
        if call.name == "echo" {
            self.arrivals
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(Instant::now());
        } else if let Some(done) = self.done.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = done.send(());
        }
        let _ = call.responder.resolve(Ok(call.data));
    }

    fn on_event(&self, _proxy: &WebViewProxy, _name: String, _data: String) {}

    fn on_closed(&self, _proxy: &WebViewProxy) {}
}

fn pct(mut values: Vec<f64>, q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let i = ((values.len() as f64 * q) as usize).min(values.len().saturating_sub(1));
    values.get(i).copied().unwrap_or(f64::NAN)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Runs `callBench(n)` in the page and waits for its `done`; the gaps between arrivals.
fn call_run(proxy: &WebViewProxy, sink: &EchoSink, n: usize) -> Vec<f64> {
    let (tx, rx) = crossbeam_channel::bounded(1);
    *sink.done.lock().unwrap_or_else(|p| p.into_inner()) = Some(tx);
    sink.arrivals
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clear();
    proxy
        .eval(&format!("window.callBench({n})"))
        .expect("the WebView is open");
    rx.recv_timeout(Duration::from_secs(120))
        .expect("the page finished its calls");
    let arrivals = sink.arrivals.lock().unwrap_or_else(|p| p.into_inner());
    arrivals.windows(2).map(|w| ms(w[1] - w[0])).collect()
}

fn main() {
    let runtime = Runtime::start(Mode::Own).expect("the runtime starts (is there a display?)");
    let sink = Arc::new(EchoSink {
        arrivals: Mutex::new(Vec::with_capacity(CALLS + WARM_UP)),
        done: Mutex::new(None),
    });
    let spec = WebViewSpec {
        title: "echo floor".into(),
        html: Some(PAGE.into()),
        ..WebViewSpec::default()
    };
    let proxy = runtime
        .create(spec, sink.clone(), Duration::from_secs(30))
        .expect("the WebView opens");
    // Ready when the page answers an evaluation.
    let deadline = Instant::now() + Duration::from_secs(30);
    while proxy
        .eval_wait("typeof window.callBench", Duration::from_secs(5))
        .map_or(true, |v| v != "\"function\"")
    {
        assert!(Instant::now() < deadline, "the page never became ready");
        std::thread::sleep(Duration::from_millis(20));
    }
    call_run(&proxy, &sink, WARM_UP);
    let calls = call_run(&proxy, &sink, CALLS);
    for _ in 0..WARM_UP {
        let _ = proxy.eval_wait("1", Duration::from_secs(5));
    }
    let evals: Vec<f64> = (0..EVALS)
        .map(|_| {
            let t0 = Instant::now();
            proxy
                .eval_wait("1", Duration::from_secs(5))
                .expect("the page answers");
            ms(t0.elapsed())
        })
        .collect();
    proxy.close();
    proxy.wait_finished(Duration::from_secs(10));
    println!(
        "FLOOR {{\"call\": [{:.4}, {:.4}], \"eval\": [{:.4}, {:.4}]}}",
        pct(calls.clone(), 0.5),
        pct(calls, 0.99),
        pct(evals.clone(), 0.5),
        pct(evals, 0.99)
    );
}
