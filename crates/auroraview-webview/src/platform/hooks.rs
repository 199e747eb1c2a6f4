//! The seam between the platform layer and the UI thread's logic: [`UiHooks`], the two entry
//! points a platform calls when its event loop has something for us (a wake; a window or
//! WebView callback). The runtime injects `ui::process` / `ui::event` when it starts the UI
//! thread; tests inject their own, so a platform's thread, wake and window code runs without
//! a WebView engine (the Windows suite under Wine does this).
//!
//! The hooks are installed on the UI thread itself (a thread-local): every platform
//! callback runs on that thread. Nothing else lives here.

use crate::ui::UiEvent;
use std::cell::RefCell;
use std::mem::ManuallyDrop;
use std::rc::Rc;

/// What a platform calls on its UI thread. Both run on that thread only.
pub(crate) struct UiHooks {
    /// A wake arrived: run one pass over the queued commands.
    process: Box<dyn Fn() + Send>,
    /// A window or WebView callback reported something.
    event: Box<dyn Fn(UiEvent) + Send>,
}

impl UiHooks {
    pub(crate) fn new(
        process: impl Fn() + Send + 'static,
        event: impl Fn(UiEvent) + Send + 'static,
    ) -> Self {
        UiHooks {
            process: Box::new(process),
            event: Box::new(event),
        }
    }
}

thread_local! {
    /// This thread's hooks, if it is a UI thread. An `Rc` so a hook may re-enter (a nested
    /// event loop inside a pass) without a `RefCell` borrow being held across the call.
    /// Never dropped: a host's main thread destroys its thread-locals at process exit (on
    /// Windows under the loader lock), too late to drop what hooks hold.
    static HOOKS: ManuallyDrop<RefCell<Option<Rc<UiHooks>>>> =
        const { ManuallyDrop::new(RefCell::new(None)) };
}

/// Makes the calling thread a UI thread served by `hooks` (replacing earlier ones).
pub(super) fn install(hooks: UiHooks) {
    HOOKS.with(|h| *h.borrow_mut() = Some(Rc::new(hooks)));
}

fn current() -> Option<Rc<UiHooks>> {
    let hooks = HOOKS.with(|h| h.borrow().clone());
    if hooks.is_none() {
        log::error!("auroraview: a UI-thread callback ran on a thread without UI hooks (a bug)");
    }
    hooks
}

/// A wake arrived on this (UI) thread. Also how code above the platform runs a pass now on
/// the UI thread (`platform::run_pass_here`) without calling up into `ui/`.
pub(crate) fn process() {
    if let Some(hooks) = current() {
        (hooks.process)();
    }
}

/// A window or WebView callback on this (UI) thread reported `ev`.
#[cfg_attr(
    not(any(target_os = "linux", target_os = "windows", target_os = "macos")),
    allow(dead_code)
)]
pub(super) fn event(ev: UiEvent) {
    if let Some(hooks) = current() {
        (hooks.event)(ev);
    }
}
