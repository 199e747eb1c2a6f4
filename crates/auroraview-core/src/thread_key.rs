//! [`ThreadKey`]: an OS-level thread identity that other runtimes can name too.
//!
//! `std::thread::ThreadId` cannot be built from outside Rust, but a Python host knows its
//! main thread only by `threading.main_thread().ident`, which is `pthread_self()` on Unix
//! and `GetCurrentThreadId()` on Windows. `ThreadKey` uses exactly those values, so the
//! binding can name the owner thread from any thread.

/// Identity of an OS thread, comparable with Python's `threading.get_ident()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ThreadKey(u64);

impl ThreadKey {
    /// The calling thread's key.
    pub fn current() -> Self {
        ThreadKey(os_thread_id())
    }

    /// A key from a raw identity, such as Python's `threading.main_thread().ident`.
    pub fn from_raw(raw: u64) -> Self {
        ThreadKey(raw)
    }

    /// The raw identity.
    pub fn as_raw(self) -> u64 {
        self.0
    }
}

#[cfg(unix)]
fn os_thread_id() -> u64 {
    // SAFETY: pthread_self has no preconditions and cannot fail.
    (unsafe { libc::pthread_self() }) as u64
}

#[cfg(windows)]
fn os_thread_id() -> u64 {
    // SAFETY: GetCurrentThreadId has no preconditions and cannot fail.
    u64::from(unsafe { windows_sys::Win32::System::Threading::GetCurrentThreadId() })
}
