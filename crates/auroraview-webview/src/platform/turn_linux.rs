//! Hosted mode on Linux: one time budget for all of our work in one turn of the host's loop.
//!
//! In a Qt application on GLib, our passes are GLib sources on the host's main thread: the
//! UI pass (commands, then the page's waiting posts) and the main-thread dispatcher's pump
//! (the `dcc_mode` handlers). Each had a budget of its own (1-2 ms), but GLib dispatches
//! every ready source of one priority in the same turn (iteration) before the host's next
//! timer, so in a flood, when both were ready at once, they ran back to back.
//!
//! Posts arriving from the page keep their own burst budget (`ui/page_posts.rs`): a post
//! turned away by this one would wait unparsed, holding its text, and a flood of large
//! posts then held far more memory (measured: 250-270 MiB instead of 170-210 in the
//! adversarial suite's 400 MiB flood).
//!
//! Here a source of ours with the highest priority, never ready, has its `check` called by
//! GLib after every poll (on whichever thread iterates the context, so nested loops count
//! too): it notes when the turn's dispatching began. [`budget`] then gives each pass what is
//! left of [`TURN_BUDGET`] since then, and at least [`MIN_SLICE`] (so every source moves on,
//! whatever the order GLib dispatches them in); what a pass leaves waits for the next turn,
//! after the host's timers and events have had theirs.
//!
//! Only hosted mode installs it: our own UI thread has no host to leave time for. What must
//! not live here: the passes themselves.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// All of our passes in one turn of the host's loop, together (about what one pass had).
pub(crate) const TURN_BUDGET: Duration = Duration::from_micros(1000);
/// What a pass gets when the turn's budget is spent: it moves on, a little.
pub(crate) const MIN_SLICE: Duration = Duration::from_micros(150);

/// When the current turn's dispatching began, in nanoseconds since [`base`]; 0: unknown.
static TURN_START_NS: AtomicU64 = AtomicU64::new(0);
static INSTALLED: AtomicBool = AtomicBool::new(false);

fn base() -> Instant {
    static BASE: OnceLock<Instant> = OnceLock::new();
    *BASE.get_or_init(Instant::now)
}

fn nanos_since_base(at: Instant) -> u64 {
    // Never 0 (0 means unknown); a u64 of nanoseconds lasts 584 years.
    (at.saturating_duration_since(base()).as_nanos() as u64).max(1)
}

/// How long a pass starting at `now` may run: `own` when no turn is known (own mode, other
/// platforms, before [`install`]); otherwise what is left of the turn's budget, at most
/// `own` and at least [`MIN_SLICE`]. Any thread (only the UI thread's passes ask).
pub(crate) fn budget(now: Instant, own: Duration) -> Duration {
    budget_in_turn(
        TURN_START_NS.load(Ordering::Relaxed),
        nanos_since_base(now),
        own,
    )
}

/// [`budget`] for a turn that began at `start` (0: unknown) and a pass starting at `now`.
fn budget_in_turn(start: u64, now: u64, own: Duration) -> Duration {
    if start == 0 {
        return own;
    }
    let spent = Duration::from_nanos(now.saturating_sub(start));
    TURN_BUDGET
        .saturating_sub(spent)
        .clamp(MIN_SLICE, own.max(MIN_SLICE))
}

unsafe extern "C" fn prepare(_: *mut glib::ffi::GSource, timeout: *mut i32) -> glib::ffi::gboolean {
    // SAFETY: GLib passes a valid pointer for the timeout.
    unsafe { *timeout = -1 };
    glib::ffi::GFALSE
}

unsafe extern "C" fn check(_: *mut glib::ffi::GSource) -> glib::ffi::gboolean {
    TURN_START_NS.store(nanos_since_base(Instant::now()), Ordering::Relaxed);
    glib::ffi::GFALSE
}

unsafe extern "C" fn dispatch(
    _: *mut glib::ffi::GSource,
    _: glib::ffi::GSourceFunc,
    _: glib::ffi::gpointer,
) -> glib::ffi::gboolean {
    // Never ready, so never dispatched; keep the source if GLib ever asks.
    glib::ffi::GTRUE
}

/// GLib keeps a pointer to the functions for the source's life (the process's).
struct Funcs(glib::ffi::GSourceFuncs);
// SAFETY: plain function pointers, never written after construction.
unsafe impl Sync for Funcs {}

static FUNCS: Funcs = Funcs(glib::ffi::GSourceFuncs {
    prepare: Some(prepare),
    check: Some(check),
    dispatch: Some(dispatch),
    finalize: None,
    closure_callback: None,
    closure_marshal: None,
});

/// Attaches the turn's clock to GLib's default main context, once per process. Hosted mode,
/// on the host's main thread.
pub(crate) fn install() {
    if INSTALLED.swap(true, Ordering::AcqRel) {
        return;
    }
    base();
    // SAFETY: FUNCS lives for the process; the source is the size of a bare GSource, is
    // attached to the default context (which lives for the process) and never removed.
    unsafe {
        let source = glib::ffi::g_source_new(
            &FUNCS.0 as *const glib::ffi::GSourceFuncs as *mut glib::ffi::GSourceFuncs,
            std::mem::size_of::<glib::ffi::GSource>() as u32,
        );
        // Highest priority: GLib checks sources in priority order and stops at the first
        // priority below a ready one, so ours must come first to be checked every turn.
        glib::ffi::g_source_set_priority(source, i32::MIN);
        glib::ffi::g_source_set_name(source, c"auroraview turn clock".as_ptr());
        glib::ffi::g_source_attach(source, std::ptr::null_mut());
        glib::ffi::g_source_unref(source);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    const US: u64 = 1_000;

    /// What a source saw: its name, its budget, the turn's start.
    type Seen = Rc<RefCell<Vec<(&'static str, Duration, u64)>>>;

    #[test]
    fn a_pass_gets_what_is_left_of_the_turn_and_never_less_than_a_slice() {
        let own = Duration::from_millis(2);
        // No turn known (own mode, before install): the pass's own budget.
        assert_eq!(budget_in_turn(0, 5_000 * US, own), own);
        let start = 1_000 * US;
        assert_eq!(budget_in_turn(start, start, own), TURN_BUDGET);
        // Never more than the pass's own budget.
        let short = Duration::from_micros(300);
        assert_eq!(budget_in_turn(start, start, short), short);
        assert_eq!(
            budget_in_turn(start, start + 600 * US, own),
            Duration::from_micros(400)
        );
        // Spent: a slice, so the pass still moves on.
        assert_eq!(budget_in_turn(start, start + 5_000 * US, own), MIN_SLICE);
        assert_eq!(
            budget_in_turn(start, start + 5_000 * US, Duration::ZERO),
            MIN_SLICE
        );
    }

    /// With GLib itself: two sources dispatched in one turn share its budget, and the next
    /// turn starts a new one.
    #[test]
    fn sources_dispatched_in_one_turn_share_its_budget() {
        let context = glib::MainContext::default();
        let _owner = context
            .acquire()
            .expect("the test owns GLib's default context");
        install();
        install(); // once per process: a second call attaches nothing
        let seen: Seen = Rc::default();
        let own = Duration::from_millis(2);
        let note = |name: &'static str, spin: Duration| {
            let seen = seen.clone();
            move || {
                let now = Instant::now();
                let start = TURN_START_NS.load(Ordering::Relaxed);
                seen.borrow_mut().push((name, budget(now, own), start));
                while now.elapsed() < spin {}
                glib::ControlFlow::Break
            }
        };
        glib::idle_add_local_full(
            glib::Priority::DEFAULT,
            note("first", Duration::from_micros(600)),
        );
        glib::idle_add_local_full(glib::Priority::DEFAULT, note("second", Duration::ZERO));
        assert!(context.iteration(false));
        glib::idle_add_local_full(glib::Priority::DEFAULT, note("next turn", Duration::ZERO));
        assert!(context.iteration(false));
        let seen = seen.borrow();
        let names: Vec<&str> = seen.iter().map(|s| s.0).collect();
        assert_eq!(names, ["first", "second", "next turn"]);
        let (first, second, next) = (&seen[0], &seen[1], &seen[2]);
        assert_ne!(first.2, 0, "GLib never called the clock's check");
        assert_eq!(first.2, second.2, "one turn, one start");
        assert!(next.2 > second.2, "a new turn, a new start");
        // The first source spun 600 us of the turn's 1 ms: the second gets what is left.
        assert!(first.1 > second.1, "{seen:?}");
        assert!(
            second.1 <= TURN_BUDGET - Duration::from_micros(600),
            "{seen:?}"
        );
        assert!(second.1 >= MIN_SLICE, "{seen:?}");
    }
}
