//! Forwards the Rust `log` records of auroraview (UI thread warnings, dropped tasks, ...) to
//! Python's `logging`, under the logger named after the record's target with `::` as `.`
//! (`auroraview_webview::ui` -> `auroraview_webview.ui`, children of nothing by default; the
//! messages themselves all start with "auroraview:").
//!
//! The thread that logs never waits for the GIL (it may be the UI thread): records go into a
//! bounded queue with `try_send`, and one "auroraview-log" thread hands them to Python. If
//! that queue is full the record is counted, and the count is reported with the next record
//! that gets through.

use crossbeam_channel::{Receiver, Sender, TrySendError};
use pyo3::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

const QUEUE: usize = 4096;

struct Record {
    level: log::Level,
    target: String,
    message: String,
}

struct Bridge {
    tx: Sender<Record>,
    dropped: AtomicUsize,
}

static BRIDGE: OnceLock<Bridge> = OnceLock::new();

impl log::Log for Bridge {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let record = Record {
            level: record.level(),
            target: record.target().replace("::", "."),
            message: record.args().to_string(),
        };
        if let Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) = self.tx.try_send(record)
        {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn flush(&self) {}
}

fn python_level(level: log::Level) -> u32 {
    match level {
        log::Level::Error => 40,
        log::Level::Warn => 30,
        log::Level::Info => 20,
        log::Level::Debug => 10,
        log::Level::Trace => 5,
    }
}

fn forward(rx: Receiver<Record>) {
    for record in rx.iter() {
        let dropped = BRIDGE
            .get()
            .map_or(0, |b| b.dropped.swap(0, Ordering::Relaxed));
        Python::try_attach(|py| {
            let sent = (|| -> PyResult<()> {
                let logger = py
                    .import("logging")?
                    .call_method1("getLogger", (record.target.as_str(),))?;
                let mut message = record.message;
                if dropped > 0 {
                    message.push_str(&format!(" ({dropped} earlier log records were dropped)"));
                }
                logger.call_method1("log", (python_level(record.level), "%s", message))?;
                Ok(())
            })();
            if let Err(err) = sent {
                err.print(py);
            }
        });
    }
}

/// Installs the bridge once per process (the first import of `auroraview._core`).
pub(crate) fn install() {
    let (tx, rx) = crossbeam_channel::bounded(QUEUE);
    let bridge = Bridge {
        tx,
        dropped: AtomicUsize::new(0),
    };
    if BRIDGE.set(bridge).is_err() {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("auroraview-log".into())
        .stack_size(auroraview_webview::APP_THREAD_STACK_BYTES)
        .spawn(move || forward(rx));
    if spawned.is_ok() {
        if let Some(bridge) = BRIDGE.get() {
            if log::set_logger(bridge).is_ok() {
                log::set_max_level(log::LevelFilter::Info);
            }
        }
    }
}

/// Sets the most verbose Rust log level forwarded to Python ("error" ... "trace", "off").
#[pyfunction]
pub(crate) fn set_log_level(level: &str) -> PyResult<()> {
    let filter = match level.to_ascii_lowercase().as_str() {
        "off" => log::LevelFilter::Off,
        "error" => log::LevelFilter::Error,
        "warn" | "warning" => log::LevelFilter::Warn,
        "info" => log::LevelFilter::Info,
        "debug" => log::LevelFilter::Debug,
        "trace" => log::LevelFilter::Trace,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "unknown log level {other:?}"
            )))
        }
    };
    log::set_max_level(filter);
    Ok(())
}
