//! auroraview-core: the pure-Rust heart of auroraview.
//!
//! What lives here: the main-thread [`Dispatcher`] (run work on one owner thread from any
//! thread, with bounded waits and exactly-once completion) and its error type; the WebView
//! command queue ([`command_queue`]), the page IPC protocol ([`ipc`]), the frames of the
//! bridge's own socket ([`frames`]), and poison-ignoring locks for the other crates
//! ([`poison`]).
//!
//! What must not live here: Python (see `auroraview-python`), GUI toolkits or WebView code
//! (see the runtime crate). Everything in this crate is testable with plain `cargo test`
//! and model-checked with `loom` (`RUSTFLAGS="--cfg loom" cargo test --test loom`).
//!
//! The invariants every type here keeps are those of the project's thread model: every
//! wait is bounded, and every queued item ends exactly once (run, failed, timed out,
//! cancelled or closed).

pub mod command_queue;
mod dispatcher;
mod error;
pub mod frames;
pub mod ipc;
mod pending;
pub mod poison;
mod queue;
mod slot;
pub mod spin;
mod sync;
mod task;
mod thread_key;
pub mod wake;

#[cfg(not(loom))]
pub use dispatcher::WeakDispatcher;
pub use dispatcher::{Dispatcher, DispatcherConfig, Pending, PumpReport, RunExit, Waker};
pub use error::DispatchError;
pub use task::Task;
pub use thread_key::ThreadKey;
