//! `auroraview._core.Dispatcher`: the Python face of `auroraview_core::Dispatcher`.
//!
//! Every method that waits or serves a loop releases the GIL for the wait (`py.detach`), so
//! the thread it waits on can run Python. Tasks are zero-argument Python callables (the
//! Python layer binds arguments). A task's exception travels back to the caller of `call`
//! unchanged (type and traceback); a posted task's exception, or a post dropped at shutdown,
//! is logged on the `auroraview.dispatch` logger, never swallowed.

use crate::errors::{dispatch_error, log_exception, log_warning};
use auroraview_core::poison::MutexExt;
use auroraview_core::{DispatchError, Dispatcher, DispatcherConfig, RunExit, Task, ThreadKey};
use pyo3::prelude::*;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often `run` wakes to let Python handle signals (Ctrl+C) while idle.
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// How often a waiting `call` with a `recheck` callback runs it.
const RECHECK_EVERY: Duration = Duration::from_millis(50);

/// The OS identity of the calling thread, as `threading.get_ident()` reports it.
#[pyfunction]
pub(crate) fn current_thread_ident() -> u64 {
    ThreadKey::current().as_raw()
}

/// Runs Python callables on one owner thread on behalf of any thread.
#[pyclass(frozen, module = "auroraview._core", name = "Dispatcher")]
pub(crate) struct PyDispatcher {
    inner: Dispatcher,
    idle_hint: Mutex<String>,
}

/// A posted Python callable: exceptions are logged; abandonment (a shutdown with the task
/// still queued) calls its `abandon` callable with the error, or is logged without one.
struct PyPostTask {
    func: Py<PyAny>,
    abandon: Option<Py<PyAny>>,
}

impl Task for PyPostTask {
    fn run(self: Box<Self>) {
        Python::attach(|py| {
            let Err(err) = self.func.call0(py) else {
                return;
            };
            let what = describe(py, &self.func);
            if err.is_instance_of::<pyo3::exceptions::PyKeyboardInterrupt>(py) {
                // Ctrl+C arrived while the task ran: the pump must not swallow it. Deliver
                // it again to the main thread's loop (run_main_loop raises it; a host's
                // Python loop sees it at its next signal check).
                log_warning(
                    py,
                    &format!("main-thread task {what} was interrupted (Ctrl+C); passing it on"),
                );
                // SAFETY: only records a pending SIGINT for the interpreter; the GIL is held.
                unsafe { pyo3::ffi::PyErr_SetInterrupt() };
                return;
            }
            log_exception(py, &format!("main-thread task {what} raised"), err);
        });
    }

    fn abandon(self: Box<Self>, reason: DispatchError) {
        Python::try_attach(|py| {
            let what = describe(py, &self.func);
            let Some(abandon) = self.abandon else {
                log_warning(
                    py,
                    &format!("main-thread task {what} did not run: {reason}"),
                );
                return;
            };
            let error = dispatch_error(py, &reason, false, "");
            if let Err(err) = abandon.call1(py, (error.into_value(py),)) {
                log_exception(
                    py,
                    &format!("the abandon callback of main-thread task {what} raised"),
                    err,
                );
            }
        });
    }
}

fn describe(py: Python<'_>, func: &Py<PyAny>) -> String {
    let func = func.bind(py);
    func.getattr("__qualname__")
        .or_else(|_| func.getattr("__name__"))
        .and_then(|n| n.extract::<String>())
        .or_else(|_| func.repr().map(|r| r.to_string()))
        .unwrap_or_else(|_| "<callable>".to_owned())
}

fn seconds(value: f64, what: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "{what} must be a finite number of seconds >= 0, got {value}"
        ))
    })
}

impl PyDispatcher {
    /// The Rust dispatcher (for bindings that route work to it without Python).
    pub(crate) fn core(&self) -> &Dispatcher {
        &self.inner
    }

    fn error(&self, py: Python<'_>, err: &DispatchError) -> PyErr {
        let hint = self.idle_hint.lock_unpoisoned().clone();
        dispatch_error(py, err, self.inner.pump_count() == 0, &hint)
    }
}

#[pymethods]
impl PyDispatcher {
    #[new]
    #[pyo3(signature = (owner_ident, *, budget=0.004, spin=0.00005))]
    fn new(owner_ident: u64, budget: f64, spin: f64) -> PyResult<Self> {
        let config = DispatcherConfig {
            budget: seconds(budget, "budget")?,
            spin: seconds(spin, "spin")?,
        };
        Ok(PyDispatcher {
            inner: Dispatcher::new(ThreadKey::from_raw(owner_ident), config),
            idle_hint: Mutex::new(String::new()),
        })
    }

    /// `threading.get_ident()` of the owner thread.
    #[getter]
    fn owner_ident(&self) -> u64 {
        self.inner.owner().as_raw()
    }

    fn is_owner_thread(&self) -> bool {
        self.inner.is_owner_thread()
    }

    /// Installs the host's waker: a zero-argument callable run (from any thread) once per
    /// burst of posts, which must make the owner thread call `pump()` soon.
    #[pyo3(signature = (waker))]
    fn set_waker(&self, waker: Option<Py<PyAny>>) {
        let waker = waker.map(|w| {
            Arc::new(move || {
                // Nothing to wake once the interpreter is shutting down.
                let _ = Python::try_attach(|py| {
                    if let Err(err) = w.call0(py) {
                        log_exception(py, "the host waker raised", err);
                    }
                });
            }) as auroraview_core::Waker
        });
        self.inner.set_waker(waker);
    }

    /// Installs the platform's main-loop waker instead of a Python one, when the platform
    /// has one (Linux: GLib's default main context, which a Qt application on GLib
    /// iterates on the main thread). Returns False, changing nothing, where there is none.
    /// Its wakes need neither the GIL nor the host's own event queue.
    fn use_main_loop_waker(&self) -> bool {
        // Weak: the dispatcher holds its waker, which must not hold it back.
        let dispatcher = self.inner.downgrade();
        let pump = Arc::new(move || {
            let Some(dispatcher) = dispatcher.upgrade() else {
                return;
            };
            if !dispatcher.is_owner_thread() || dispatcher.is_closed() {
                return;
            }
            // SAFETY: checked before any other Python C API call.
            if unsafe { pyo3::ffi::Py_IsInitialized() } == 0 {
                return;
            }
            // Take the GIL with the C API itself, not through pyo3. This callback can run
            // inside a nested loop that a job opened (a modal dialog: the job is inside
            // pyo3's `attach`, and the Qt binding released the GIL behind pyo3's back while
            // its loop runs). pyo3 would then believe the GIL held and skip taking it; with
            // it taken here, the jobs' own `attach` is right either way.
            // SAFETY: Ensure/Release pair on this thread; the interpreter is initialised.
            let gil = unsafe { pyo3::ffi::PyGILState_Ensure() };
            let _ = dispatcher.pump(None);
            // SAFETY: releases exactly the state taken above.
            unsafe { pyo3::ffi::PyGILState_Release(gil) };
        });
        match auroraview_webview::main_loop_waker(pump) {
            Some(waker) => {
                self.inner.set_waker(Some(waker));
                true
            }
            None => false,
        }
    }

    /// What to do when nobody serves the queue; appended to idle-owner timeout errors.
    #[setter]
    fn set_idle_hint(&self, hint: String) {
        *self.idle_hint.lock_unpoisoned() = hint;
    }

    #[getter]
    fn idle_hint(&self) -> String {
        self.idle_hint.lock_unpoisoned().clone()
    }

    /// Seconds one `pump()` may run tasks before yielding to the host loop.
    #[getter]
    fn budget(&self) -> f64 {
        self.inner.budget().as_secs_f64()
    }

    #[setter(budget)]
    fn set_budget(&self, value: f64) -> PyResult<()> {
        self.inner.set_budget(seconds(value, "budget")?);
        Ok(())
    }

    #[getter]
    fn pending(&self) -> usize {
        self.inner.pending()
    }

    #[getter]
    fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    #[getter]
    fn pump_count(&self) -> u64 {
        self.inner.pump_count()
    }

    /// Queues `func()` for the owner thread and returns at once. If the dispatcher shuts
    /// down with it still queued, `abandon(error)` is called instead (once), or that is
    /// logged when there is no `abandon`.
    #[pyo3(signature = (func, abandon=None))]
    fn post(&self, py: Python<'_>, func: Py<PyAny>, abandon: Option<Py<PyAny>>) -> PyResult<()> {
        // Posting never blocks, so the GIL stays held (a Python waker runs under it).
        self.inner
            .post_task(Box::new(PyPostTask { func, abandon }))
            .map_err(|e| self.error(py, &e))
    }

    /// Runs `func()` on the owner thread and returns its value (or raises its exception),
    /// waiting at most `timeout` seconds. Inline on the owner thread. If `recheck` is given,
    /// it is called (with the GIL) every `RECHECK_EVERY` while waiting: the registry uses it
    /// to notice a host that appeared after the call was queued.
    #[pyo3(signature = (func, timeout, recheck=None))]
    fn call(
        &self,
        py: Python<'_>,
        func: Py<PyAny>,
        timeout: f64,
        recheck: Option<Py<PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let timeout = seconds(timeout, "timeout")?;
        if self.inner.is_owner_thread() {
            if self.inner.is_closed() {
                return Err(self.error(py, &DispatchError::Closed));
            }
            return func.call0(py);
        }
        let deadline = Instant::now().checked_add(timeout);
        // Submit under the GIL (the waker may be Python), release it only for the wait.
        let pending = self
            .inner
            .submit(move || Python::attach(|py| func.call0(py)))
            .map_err(|e| self.error(py, &e))?;
        if let Some(recheck) = recheck {
            loop {
                let slice_end = Instant::now() + RECHECK_EVERY;
                let until = deadline.map_or(slice_end, |d| d.min(slice_end));
                if py.detach(|| pending.wait_until(Some(until))) || until != slice_end {
                    break;
                }
                if let Err(err) = recheck.call0(py) {
                    log_exception(py, "host re-detection failed", err);
                }
            }
        }
        match py.detach(|| pending.wait_deadline(deadline)) {
            Ok(result) => result,
            Err(err) => Err(self.error(py, &err)),
        }
    }

    /// Runs queued tasks on the owner thread until the queue is empty or the budget is
    /// spent. Returns True if work remains (a wake has been re-armed for it).
    #[pyo3(signature = (budget=None))]
    fn pump(&self, py: Python<'_>, budget: Option<f64>) -> PyResult<bool> {
        let budget = budget.map(|b| seconds(b, "budget")).transpose()?;
        // The GIL stays held from one task to the next: every task is Python, and a pump
        // waits for nothing. Released between tasks, it was taken again for each one; with
        // other threads running Python (a worker emitting in a loop), each take waited up
        // to CPython's switch interval, and a pump ran one or two tasks per turn of the
        // host's loop. Held, CPython still hands it over at that interval inside a long task.
        self.inner
            .pump(budget)
            .map(|report| report.more)
            .map_err(|e| self.error(py, &e))
    }

    /// Serves the queue on the owner thread until `stop()`, `shutdown()` or `timeout`
    /// seconds. Returns "stopped", "deadline" or "closed". Ctrl+C raises KeyboardInterrupt.
    #[pyo3(signature = (timeout=None))]
    fn run(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<&'static str> {
        let deadline = match timeout {
            Some(t) => Instant::now().checked_add(seconds(t, "timeout")?),
            None => None,
        };
        let mut signal_error: Option<PyErr> = None;
        // Idle waits without the GIL; each batch of tasks takes it once (see `pump`).
        let exit = py.detach(|| {
            self.inner.run_batches_in(
                deadline,
                SIGNAL_CHECK,
                || {
                    Python::attach(|py| match py.check_signals() {
                        Ok(()) => true,
                        Err(err) => {
                            signal_error = Some(err);
                            false
                        }
                    })
                },
                |batch| Python::attach(|_| batch()),
            )
        });
        match exit.map_err(|e| self.error(py, &e))? {
            RunExit::Stopped => Ok("stopped"),
            RunExit::Deadline => Ok("deadline"),
            RunExit::Closed => Ok("closed"),
            RunExit::Interrupted => Err(signal_error
                .take()
                .unwrap_or_else(|| pyo3::exceptions::PyKeyboardInterrupt::new_err("interrupted"))),
        }
    }

    /// Makes `run()` return after the task it is running. Any thread.
    fn stop(&self) {
        self.inner.stop();
    }

    /// Closes the dispatcher: queued calls fail with DispatchClosedError, queued posts are
    /// logged as dropped, later posts and calls raise. Returns how many tasks were dropped.
    fn shutdown(&self, py: Python<'_>) -> usize {
        py.detach(|| self.inner.shutdown())
    }

    fn __repr__(&self) -> String {
        format!(
            "<auroraview._core.Dispatcher owner={} pending={} closed={}>",
            self.inner.owner().as_raw(),
            self.inner.pending(),
            self.inner.is_closed()
        )
    }
}
