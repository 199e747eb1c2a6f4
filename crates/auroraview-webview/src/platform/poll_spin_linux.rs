//! Own mode on Linux: the UI thread looks for work a short while before it sleeps in GLib's
//! poll.
//!
//! A call's result (from the handler thread), a command from Python and an evaluation's
//! value (from WebKit's IPC thread) each reach the UI thread by waking its poll, and a wake
//! of a sleeping thread costs 25-65 us on a VM whose idle vCPUs halt. In a conversation with
//! the page the next of these usually comes within a few hundred microseconds, so the poll
//! first asks the descriptors without waiting, for up to [`SPIN`], yielding the CPU every
//! few rounds (the shared [`Spinner`]), and only then blocks for what is left of GLib's
//! timeout. Nothing GLib asked for changes: the same descriptors, the same timeout, the same
//! answers, except that a GLib timer due while nothing else happens fires up to the spin's
//! length late (the time spent spinning is taken off the timeout in whole milliseconds). An
//! idle UI thread spends at most the spin's length of CPU after each burst of work.
//! `AURORAVIEW_UI_SPIN_US` sets that length in microseconds (0 turns it off), read when the
//! UI thread starts.
//!
//! Only the UI thread of own mode uses it: in hosted mode GLib's loop is the host's, and
//! spinning there would take CPU from the host. What must not live here: anything but
//! polling.

use auroraview_core::spin::Spinner;
use std::os::raw::{c_int, c_uint};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long the UI thread keeps asking before it blocks, unless `AURORAVIEW_UI_SPIN_US`
/// says otherwise.
pub(crate) const SPIN: Duration = Duration::from_micros(300);

/// The spin's length for this process (read once).
fn spin() -> Duration {
    static SPIN_LEN: OnceLock<Duration> = OnceLock::new();
    *SPIN_LEN.get_or_init(|| spin_from(std::env::var_os("AURORAVIEW_UI_SPIN_US").as_deref()))
}

/// The spin's length for a value of `AURORAVIEW_UI_SPIN_US` (microseconds, at most 100 ms;
/// unset or not a number: [`SPIN`], the latter with a warning).
fn spin_from(value: Option<&std::ffi::OsStr>) -> Duration {
    let Some(value) = value else {
        return SPIN;
    };
    match value.to_str().and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(us) => Duration::from_micros(us.min(100_000)),
        None => {
            log::warn!(
                "auroraview: AURORAVIEW_UI_SPIN_US={value:?} is not a number of microseconds; \
                 using {} us",
                SPIN.as_micros()
            );
            SPIN
        }
    }
}

/// Makes `context` (owned by the calling thread, for good) poll through [`spin_poll`],
/// unless the spin is turned off.
pub(crate) fn install(context: &glib::MainContext) {
    if spin().is_zero() {
        return;
    }
    // SAFETY: the context is valid (borrowed), owned by this thread, and the function has
    // the signature of GPollFunc; it stays installed for the life of the process.
    unsafe { glib::ffi::g_main_context_set_poll_func(context.as_ptr(), Some(spin_poll)) };
}

/// GPollFunc: `g_poll` after asking without waiting for up to the spin's length.
unsafe extern "C" fn spin_poll(
    fds: *mut glib::ffi::GPollFD,
    nfds: c_uint,
    timeout: c_int,
) -> c_int {
    // SAFETY (every g_poll below): GLib's own arguments, passed on unchanged.
    if timeout == 0 {
        return unsafe { glib::ffi::g_poll(fds, nfds, 0) };
    }
    let start = Instant::now();
    let mut spinner = Spinner::new(spin());
    loop {
        let ready = unsafe { glib::ffi::g_poll(fds, nfds, 0) };
        if ready != 0 {
            return ready;
        }
        if !spinner.spin() {
            break;
        }
    }
    let timeout = if timeout < 0 {
        -1
    } else {
        let spent = c_int::try_from(start.elapsed().as_millis()).unwrap_or(c_int::MAX);
        (timeout - spent).max(0)
    };
    unsafe { glib::ffi::g_poll(fds, nfds, timeout) }
}

#[cfg(test)]
mod tests {
    use super::{spin_from, spin_poll, SPIN};
    use std::ffi::OsStr;
    use std::io::Write as _;
    use std::os::unix::io::AsRawFd as _;
    use std::os::unix::net::UnixStream;
    use std::time::{Duration, Instant};

    fn readable(stream: &UnixStream) -> glib::ffi::GPollFD {
        glib::ffi::GPollFD {
            fd: stream.as_raw_fd(),
            events: glib::ffi::G_IO_IN as u16,
            revents: 0,
        }
    }

    fn poll(fd: &mut glib::ffi::GPollFD, timeout_ms: i32) -> i32 {
        // SAFETY: one valid GPollFD for a descriptor that outlives the call.
        unsafe { spin_poll(fd, 1, timeout_ms) }
    }

    #[test]
    fn the_spin_length_comes_from_the_environment() {
        assert_eq!(spin_from(None), SPIN);
        assert_eq!(spin_from(Some(OsStr::new("0"))), Duration::ZERO);
        assert_eq!(
            spin_from(Some(OsStr::new(" 150 "))),
            Duration::from_micros(150)
        );
        assert_eq!(
            spin_from(Some(OsStr::new("999999999"))),
            Duration::from_millis(100)
        );
        assert_eq!(spin_from(Some(OsStr::new("fast"))), SPIN);
    }

    #[test]
    fn a_ready_descriptor_is_answered_at_once_and_as_glib_would() {
        let (mut tx, rx) = UnixStream::pair().unwrap();
        tx.write_all(b"x").unwrap();
        let mut fd = readable(&rx);
        assert_eq!(poll(&mut fd, -1), 1);
        assert_ne!(fd.revents & glib::ffi::G_IO_IN as u16, 0);
        let mut fd = readable(&rx);
        assert_eq!(poll(&mut fd, 0), 1, "a zero timeout still reports it");
    }

    #[test]
    fn nothing_ready_waits_out_glibs_timeout_and_reports_nothing() {
        let (_tx, rx) = UnixStream::pair().unwrap();
        let mut fd = readable(&rx);
        let start = Instant::now();
        assert_eq!(poll(&mut fd, 30), 0);
        assert_eq!(fd.revents, 0);
        assert!(
            start.elapsed() >= Duration::from_millis(29),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(poll(&mut fd, 0), 0);
    }

    #[test]
    fn work_arriving_while_it_spins_or_sleeps_is_seen() {
        for delay in [Duration::from_micros(50), Duration::from_millis(20)] {
            let (mut tx, rx) = UnixStream::pair().unwrap();
            let writer = std::thread::spawn(move || {
                std::thread::sleep(delay);
                tx.write_all(b"x").unwrap();
                tx
            });
            let mut fd = readable(&rx);
            assert_eq!(poll(&mut fd, 5_000), 1, "after {delay:?}");
            drop(writer.join());
        }
    }
}
