//! Tests of the Windows platform layer that run without WebView2 (under Wine in `make
//! test-windows`, on Windows with plain `cargo test`).
//!
//! - `harness.rs`: a UI thread made by the platform's own code (apartment, wake window,
//!   pump) and served by test hooks over the core's `CommandQueue`; a stand-in host thread
//!   (Maya's main thread: top-level windows and its own message pump); Win32 queries.
//! - `ui_thread.rs`: the apartment, one wake per burst, ending with commands pending, a
//!   thread already in the MTA.
//! - `embedding.rs`: our child window in a host window: relations and rectangles checked
//!   with Win32, host windows destroyed under pending commands, a busy host thread.
//! - `runtime.rs`: the real runtime (UI thread, queue, passes, completions) where no
//!   WebView2 Runtime is installed.
//!
//! Every wait is bounded: a hang fails the test with a message, it does not stall the run.

mod embedding;
mod harness;
mod runtime;
mod ui_thread;
