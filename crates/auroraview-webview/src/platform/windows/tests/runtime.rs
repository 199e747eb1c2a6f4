//! The real runtime (own mode: its UI thread, command queue and passes) on a machine with
//! no WebView2 Runtime: creating a WebView fails at once with an error that says what is
//! missing and where to get it, and the UI thread goes on serving.
//!
//! The runtime is a process singleton: this is the only test here that starts it.

use super::harness::{first_child, owner_thread, HostThread};
use crate::{IpcSink, Mode, PageCall, Runtime, RuntimeStats, WebViewProxy, WebViewSpec};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Quiet;

impl IpcSink for Quiet {
    fn on_call(&self, _proxy: &WebViewProxy, _call: PageCall) {}
    fn on_event(&self, _proxy: &WebViewProxy, _name: String, _data: String) {}
    fn on_closed(&self, _proxy: &WebViewProxy) {}
}

/// How long `create` may wait; the failure must come from the UI thread well before.
const CREATE_TIMEOUT: Duration = Duration::from_secs(30);

fn assert_names_the_runtime(message: &str) {
    assert!(message.contains("WebView2 Runtime"), "{message}");
    assert!(message.contains("Evergreen"), "{message}");
    assert!(
        message.contains("https://developer.microsoft.com/microsoft-edge/webview2/"),
        "{message}"
    );
    assert!(!message.contains("was not created within"), "{message}");
}

#[test]
fn without_the_webview2_runtime_creation_fails_clearly_and_the_ui_thread_goes_on() {
    let rt = Runtime::start(Mode::Own).expect("the own-mode UI thread starts under Wine");
    assert_eq!(rt.mode(), Mode::Own);
    assert!(!rt.is_ui_thread());

    let started = Instant::now();
    let top_level = WebViewSpec {
        html: Some("<p>hello</p>".into()),
        visible: false,
        ..WebViewSpec::default()
    };
    let err = rt
        .create(top_level.clone(), Arc::new(Quiet), CREATE_TIMEOUT)
        .expect_err("there is no WebView2 Runtime here");
    // An answer from the UI thread, not the end of the wait.
    assert!(started.elapsed() < CREATE_TIMEOUT);
    assert_names_the_runtime(&err.0);

    // The next requests are served the same way: a top-level one, then one embedded in a
    // host window, which must be left as it was.
    let err = rt
        .create(top_level, Arc::new(Quiet), CREATE_TIMEOUT)
        .expect_err("still no runtime");
    assert_names_the_runtime(&err.0);
    let host = HostThread::start();
    let parent = host.create_panel(host.create_window(800, 600), (0, 0, 640, 480));
    assert_eq!(owner_thread(parent), host.thread_id);
    let embedded = WebViewSpec {
        parent: Some(parent as u64),
        ..WebViewSpec::default()
    };
    let err = rt
        .create(embedded, Arc::new(Quiet), CREATE_TIMEOUT)
        .expect_err("still no runtime");
    assert_names_the_runtime(&err.0);
    assert_eq!(
        first_child(parent),
        0,
        "a window was left in the host's window"
    );

    assert_eq!(
        rt.stats(),
        RuntimeStats {
            open_views: 0,
            pending_evals: 0,
            queued_commands: 0,
            spares_ready: 0,
            spares_used: 0,
            page_posts: 0,
            page_messages: 0,
            page_posts_waited: 0,
            socket_posts: 0,
            socket_scripts: 0,
            direct_answers: 0,
        }
    );
}
