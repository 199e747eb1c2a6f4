//! Test harness: [`TestUi`], a UI thread made by the platform's own code and served by test
//! hooks; [`HostThread`], a stand-in for a host's main thread with its own windows and
//! message pump; and Win32 queries the tests check results with.

use super::super::thread::{enter_ui_thread, leave_ui_thread, pump, Waker};
use crate::platform::UiHooks;
use auroraview_core::command_queue::{CommandQueue, Wake};
use crossbeam_channel::{bounded, unbounded, Sender};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use windows::core::{w, PCWSTR};
use windows::Win32::Foundation::{HWND, LPARAM, LRESULT, POINT, RECT, WPARAM};
use windows::Win32::Graphics::Gdi::{GetUpdateRect, MapWindowPoints, UpdateWindow};
use windows::Win32::System::LibraryLoader::GetModuleHandleW;
use windows::Win32::System::Threading::GetCurrentThreadId;
use windows::Win32::UI::WindowsAndMessaging::{
    CreateWindowExW, DefWindowProcW, DispatchMessageW, GetMessageW, GetParent, GetWindow,
    GetWindowRect, GetWindowThreadProcessId, IsWindow, IsWindowVisible, PeekMessageW,
    PostThreadMessageW, RegisterClassExW, TranslateMessage, CW_USEDEFAULT, GW_CHILD, MSG,
    PM_NOREMOVE, WINDOW_EX_STYLE, WINDOW_STYLE, WM_APP, WM_PARENTNOTIFY, WM_QUIT, WNDCLASSEXW,
    WS_CHILD, WS_CLIPCHILDREN, WS_OVERLAPPEDWINDOW, WS_VISIBLE,
};

/// How long a test waits for another thread before it calls that a hang.
pub(super) const HANG: Duration = Duration::from_secs(20);

/// The calling thread's Win32 id.
pub(super) fn thread_id() -> u32 {
    // SAFETY: a plain query.
    unsafe { GetCurrentThreadId() }
}

/// True when running under Wine (its ntdll exports `wine_get_version`).
pub(super) fn under_wine() -> bool {
    use windows::core::s;
    use windows::Win32::System::LibraryLoader::GetProcAddress;
    // SAFETY: looking up an export of a loaded system DLL; nothing is called.
    unsafe {
        GetModuleHandleW(w!("ntdll.dll"))
            .ok()
            .and_then(|ntdll| GetProcAddress(ntdll, s!("wine_get_version")))
            .is_some()
    }
}

pub(super) fn hwnd(raw: isize) -> HWND {
    HWND(raw as *mut _)
}

/// How a queued test job ended: it ran (on the UI thread), or the UI thread had ended.
pub(super) type Outcome = Result<(), Closed>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Closed;

type Job = Box<dyn FnOnce(Outcome) + Send>;

/// Counts of the wake protocol, as seen by the test UI thread and its producers.
#[derive(Default)]
pub(super) struct Wakes {
    /// Wake messages posted (by producers, and by passes re-arming).
    pub(super) posted: AtomicUsize,
    /// Posts that failed (the UI thread's loop had ended).
    pub(super) failed: AtomicUsize,
    /// Passes the UI thread ran (one per wake message dispatched).
    pub(super) passes: AtomicUsize,
    /// Times the UI thread cleared the wake flag and took commands (one per slice): each
    /// lets at most one wake through, so at most `drains + 1` wakes are ever posted.
    pub(super) drains: AtomicUsize,
}

struct Shared {
    queue: CommandQueue<Job>,
    wakes: Wakes,
    waker: OnceLock<Waker>,
    /// Set by the stop job, on the UI thread.
    stopped: AtomicBool,
}

impl Shared {
    fn wake(&self) {
        let waker = *self.waker.get().expect("the waker is set before any push");
        self.wakes.posted.fetch_add(1, Ordering::AcqRel);
        if waker.wake().is_err() {
            self.wakes.failed.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// The test's `process` hook: what `ui::process` does with the runtime's commands, with
    /// test jobs. Slices of 512 jobs, at most 4 ms, then re-arm and yield.
    fn pass(&self) {
        self.wakes.passes.fetch_add(1, Ordering::AcqRel);
        let start = Instant::now();
        let mut jobs = Vec::new();
        loop {
            self.queue.drain_up_to(&mut jobs, 512);
            self.wakes.drains.fetch_add(1, Ordering::AcqRel);
            let drained = jobs.len();
            for job in jobs.drain(..) {
                if self.stopped.load(Ordering::Acquire) {
                    job(Err(Closed));
                } else {
                    job(Ok(()));
                }
            }
            if drained < 512 || self.stopped.load(Ordering::Acquire) {
                break;
            }
            if start.elapsed() >= Duration::from_millis(4) {
                if self.queue.rearm() == Wake::Needed {
                    self.wake();
                }
                break;
            }
        }
    }
}

/// A UI thread made with the platform's `enter_ui_thread` and `pump` (its apartment, wake
/// window and loop), whose `process` hook runs queued test jobs.
pub(super) struct TestUi {
    shared: Arc<Shared>,
    /// The UI thread's Win32 id.
    pub(super) thread_id: u32,
    join: Option<JoinHandle<()>>,
}

impl TestUi {
    pub(super) fn start() -> TestUi {
        let shared = Arc::new(Shared {
            queue: CommandQueue::new(1 << 20),
            wakes: Wakes::default(),
            waker: OnceLock::new(),
            stopped: AtomicBool::new(false),
        });
        let (tx, rx) = bounded(1);
        let hook = shared.clone();
        let join = std::thread::Builder::new()
            .name("test-ui".into())
            .spawn(move || {
                let hooks = UiHooks::new(move || hook.pass(), |_| {});
                let started = enter_ui_thread(hooks).map(|waker| (waker, thread_id()));
                let ok = started.is_ok();
                tx.send(started).unwrap();
                if ok {
                    pump();
                }
            })
            .unwrap();
        let (waker, thread_id) = rx
            .recv_timeout(HANG)
            .expect("the UI thread did not start")
            .expect("the UI thread could not enter its apartment");
        shared.waker.set(waker).unwrap();
        TestUi {
            shared,
            thread_id,
            join: Some(join),
        }
    }

    pub(super) fn wakes(&self) -> &Wakes {
        &self.shared.wakes
    }

    pub(super) fn waker(&self) -> Waker {
        *self.shared.waker.get().unwrap()
    }

    /// Queues `job` (a producer's push: it wakes the UI thread only if no wake is pending).
    pub(super) fn push(&self, job: impl FnOnce(Outcome) + Send + 'static) {
        match self.shared.queue.push(Box::new(job)) {
            Ok(Wake::Needed) => self.shared.wake(),
            Ok(Wake::AlreadyPending) => {}
            Err(_) => panic!("the test queue is full"),
        }
    }

    /// Runs `f` on the UI thread and returns its result; panics if that takes longer than
    /// [`HANG`] (the UI thread is blocked) or the thread has ended.
    pub(super) fn call<R: Send + 'static>(&self, f: impl FnOnce() -> R + Send + 'static) -> R {
        let (tx, rx) = bounded(1);
        self.push(move |outcome| {
            let _ = tx.send(outcome.map(|()| f()));
        });
        match rx.recv_timeout(HANG) {
            Ok(Ok(value)) => value,
            Ok(Err(Closed)) => panic!("the UI thread had ended"),
            Err(_) => panic!("the UI thread did not answer within {HANG:?}: it is blocked"),
        }
    }

    /// Queues the job that ends the UI thread: it leaves its loop (the platform's
    /// `leave_ui_thread`), and jobs after it end with `Closed`.
    pub(super) fn push_stop(&self) {
        let shared = self.shared.clone();
        self.push(move |outcome| {
            if outcome.is_ok() {
                shared.stopped.store(true, Ordering::Release);
                leave_ui_thread();
            }
        });
    }

    /// Waits (bounded) for the UI thread to end after a stop job, then ends every job still
    /// queued with `Closed`, as the owner of the queue must. Returns how many it ended.
    pub(super) fn finish(&mut self) -> usize {
        if let Some(join) = self.join.take() {
            join_bounded(join, "the UI thread");
        }
        let mut left = Vec::new();
        self.shared.queue.drain_into(&mut left);
        let n = left.len();
        for job in left {
            job(Err(Closed));
        }
        n
    }
}

impl Drop for TestUi {
    fn drop(&mut self) {
        if self.join.is_some() && !std::thread::panicking() {
            self.push_stop();
            self.finish();
        }
    }
}

/// Joins `join`, failing the test if the thread has not ended within [`HANG`].
pub(super) fn join_bounded(join: JoinHandle<()>, what: &str) {
    let deadline = Instant::now() + HANG;
    while !join.is_finished() {
        assert!(
            Instant::now() < deadline,
            "{what} did not end within {HANG:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    join.join().unwrap_or_else(|_| panic!("{what} panicked"));
}

/// A stand-in for a host application's main thread (Maya's): it owns top-level windows and
/// pumps its own messages; the test runs code on it through posted thread messages.
pub(super) struct HostThread {
    jobs: Sender<Box<dyn FnOnce() + Send>>,
    /// The host thread's Win32 id.
    pub(super) thread_id: u32,
    join: Option<JoinHandle<()>>,
}

const WM_HOST_JOB: u32 = WM_APP + 7;
const HOST_CLASS: PCWSTR = w!("auroraview.test.host");

/// `WM_PARENTNOTIFY` messages each host window received (by handle).
static PARENT_NOTIFIES: Mutex<BTreeMap<isize, usize>> = Mutex::new(BTreeMap::new());

unsafe extern "system" fn host_proc(
    hwnd: HWND,
    msg: u32,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    if msg == WM_PARENTNOTIFY {
        *PARENT_NOTIFIES
            .lock()
            .unwrap()
            .entry(hwnd.0 as isize)
            .or_default() += 1;
    }
    // SAFETY: the arguments Windows passed in.
    unsafe { DefWindowProcW(hwnd, msg, wparam, lparam) }
}

/// How many `WM_PARENTNOTIFY` messages host window `raw` has received.
pub(super) fn parent_notifies(raw: isize) -> usize {
    PARENT_NOTIFIES
        .lock()
        .unwrap()
        .get(&raw)
        .copied()
        .unwrap_or(0)
}

impl HostThread {
    pub(super) fn start() -> HostThread {
        static CLASS: OnceLock<()> = OnceLock::new();
        CLASS.get_or_init(|| {
            let class = WNDCLASSEXW {
                cbSize: std::mem::size_of::<WNDCLASSEXW>() as u32,
                lpfnWndProc: Some(host_proc),
                // SAFETY: the executable's own module.
                hInstance: unsafe { GetModuleHandleW(None) }.unwrap().into(),
                lpszClassName: HOST_CLASS,
                ..Default::default()
            };
            // SAFETY: a fully initialised class with a static name.
            assert_ne!(unsafe { RegisterClassExW(&class) }, 0);
        });
        let (jobs, rx) = unbounded::<Box<dyn FnOnce() + Send>>();
        let (id_tx, id_rx) = bounded(1);
        let join = std::thread::Builder::new()
            .name("host-main".into())
            .spawn(move || {
                let mut msg = MSG::default();
                // Makes this thread's message queue, so posts to it cannot be lost.
                // SAFETY: a valid MSG buffer.
                let _ = unsafe { PeekMessageW(&mut msg, None, 0, 0, PM_NOREMOVE) };
                id_tx.send(thread_id()).unwrap();
                loop {
                    // SAFETY: a valid MSG buffer; every message of this thread.
                    let got = unsafe { GetMessageW(&mut msg, None, 0, 0) };
                    if got.0 <= 0 {
                        break; // WM_QUIT
                    }
                    if msg.hwnd.is_invalid() && msg.message == WM_HOST_JOB {
                        while let Ok(job) = rx.try_recv() {
                            job();
                        }
                        continue;
                    }
                    // SAFETY: a message GetMessageW just returned, on this thread.
                    unsafe {
                        let _ = TranslateMessage(&msg);
                        DispatchMessageW(&msg);
                    }
                }
            })
            .unwrap();
        let thread_id = id_rx
            .recv_timeout(HANG)
            .expect("the host thread did not start");
        HostThread {
            jobs,
            thread_id,
            join: Some(join),
        }
    }

    /// Runs `job` on the host thread, from its message pump, without waiting for it.
    pub(super) fn post(&self, job: impl FnOnce() + Send + 'static) {
        self.jobs.send(Box::new(job)).unwrap();
        // SAFETY: posting to a thread with a message queue.
        unsafe { PostThreadMessageW(self.thread_id, WM_HOST_JOB, WPARAM(0), LPARAM(0)) }
            .expect("cannot post to the host thread");
    }

    /// Runs `f` on the host thread and returns its result (bounded wait).
    pub(super) fn run<R: Send + 'static>(&self, f: impl FnOnce() -> R + Send + 'static) -> R {
        let (tx, rx) = bounded(1);
        self.post(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(HANG)
            .unwrap_or_else(|_| panic!("the host thread did not answer within {HANG:?}"))
    }

    /// A visible top-level window of the host (its "main window"), as an integer.
    pub(super) fn create_window(&self, width: i32, height: i32) -> isize {
        self.create(
            WS_OVERLAPPEDWINDOW | WS_VISIBLE,
            None,
            (CW_USEDEFAULT, CW_USEDEFAULT, width, height),
        )
    }

    /// A visible native child window of the host inside `parent` (a Qt widget with a native
    /// window, `winId()`, as a WebView is embedded in), as an integer.
    pub(super) fn create_panel(&self, parent: isize, rect: (i32, i32, i32, i32)) -> isize {
        self.create(WS_CHILD | WS_CLIPCHILDREN | WS_VISIBLE, Some(parent), rect)
    }

    fn create(
        &self,
        style: WINDOW_STYLE,
        parent: Option<isize>,
        (x, y, width, height): (i32, i32, i32, i32),
    ) -> isize {
        self.run(move || {
            // SAFETY: the class registered in `start`, on the host thread; the parent is
            // the host's own window.
            let hwnd = unsafe {
                CreateWindowExW(
                    WINDOW_EX_STYLE::default(),
                    HOST_CLASS,
                    w!("host window"),
                    style,
                    x,
                    y,
                    width,
                    height,
                    parent.map(hwnd),
                    None,
                    None,
                    None,
                )
            }
            .expect("cannot create the host window");
            hwnd.0 as isize
        })
    }

    /// Makes the host's thread busy (not pumping messages) for at most `time`, right after
    /// `first` runs on it; returns once it is busy. It stays busy until `time` has passed or
    /// the returned [`Busy`] is dropped or released, whichever comes first.
    pub(super) fn busy(&self, time: Duration, first: impl FnOnce() + Send + 'static) -> Busy {
        let asleep = Arc::new(AtomicBool::new(false));
        let awake = Arc::new(AtomicBool::new(false));
        let (release, released) = bounded::<()>(1);
        self.post({
            let (asleep, awake) = (asleep.clone(), awake.clone());
            move || {
                first();
                asleep.store(true, Ordering::Release);
                let _ = released.recv_timeout(time);
                awake.store(true, Ordering::Release);
            }
        });
        let deadline = Instant::now() + HANG;
        while !asleep.load(Ordering::Acquire) {
            assert!(Instant::now() < deadline, "the host thread never went busy");
            std::thread::sleep(Duration::from_millis(1));
        }
        Busy {
            awake,
            _release: release,
        }
    }

    /// Has the host paint window `raw` now (its update region becomes empty).
    pub(super) fn paint(&self, raw: isize) {
        self.run(move || {
            // SAFETY: the host's own window, on its thread.
            let _ = unsafe { UpdateWindow(hwnd(raw)) };
        });
    }
}

impl Drop for HostThread {
    fn drop(&mut self) {
        // SAFETY: posting to a thread with a message queue.
        let _ = unsafe { PostThreadMessageW(self.thread_id, WM_QUIT, WPARAM(0), LPARAM(0)) };
        if let Some(join) = self.join.take() {
            if !std::thread::panicking() {
                join_bounded(join, "the host thread");
            }
        }
    }
}

/// A host thread's busy spell ([`HostThread::busy`]); dropping it ends the spell.
pub(super) struct Busy {
    /// True once the host thread pumps again.
    pub(super) awake: Arc<AtomicBool>,
    _release: Sender<()>,
}

/// Win32's view of a window, read from the test thread.
pub(super) fn is_window(raw: isize) -> bool {
    // SAFETY: accepts any value.
    unsafe { IsWindow(Some(hwnd(raw))) }.as_bool()
}

pub(super) fn is_visible(raw: isize) -> bool {
    // SAFETY: accepts any value.
    unsafe { IsWindowVisible(hwnd(raw)) }.as_bool()
}

pub(super) fn parent_of(raw: isize) -> isize {
    // SAFETY: a plain query (no message is sent).
    unsafe { GetParent(hwnd(raw)) }.map_or(0, |h| h.0 as isize)
}

pub(super) fn owner_thread(raw: isize) -> u32 {
    // SAFETY: a plain query.
    unsafe { GetWindowThreadProcessId(hwnd(raw), None) }
}

/// The first child window of `raw`, or 0.
pub(super) fn first_child(raw: isize) -> isize {
    // SAFETY: a plain query.
    unsafe { GetWindow(hwnd(raw), GW_CHILD) }.map_or(0, |h| h.0 as isize)
}

/// The bounding box of window `raw`'s update region (what it has yet to repaint), if any.
pub(super) fn update_rect(raw: isize) -> Option<(i32, i32, i32, i32)> {
    let mut rect = RECT::default();
    // SAFETY: a valid RECT buffer; a plain query (no erase).
    let pending = unsafe { GetUpdateRect(hwnd(raw), Some(&mut rect), false) }.as_bool();
    pending.then_some((rect.left, rect.top, rect.right, rect.bottom))
}

/// Window `raw`'s rectangle in its parent's client coordinates: (left, top, right, bottom).
pub(super) fn rect_in_parent(raw: isize) -> (i32, i32, i32, i32) {
    let mut rect = RECT::default();
    // SAFETY: a valid RECT buffer.
    unsafe { GetWindowRect(hwnd(raw), &mut rect) }.expect("GetWindowRect");
    let mut corners = [
        POINT {
            x: rect.left,
            y: rect.top,
        },
        POINT {
            x: rect.right,
            y: rect.bottom,
        },
    ];
    // SAFETY: two valid points, mapped from the screen into the parent's client area.
    unsafe { MapWindowPoints(None, Some(hwnd(parent_of(raw))), &mut corners) };
    (corners[0].x, corners[0].y, corners[1].x, corners[1].y)
}
