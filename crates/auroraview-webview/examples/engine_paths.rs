//! WebKitGTK's own page <-> UI process round trips, with none of our code: which engine path
//! is fastest for answering a page's call.
//!
//! One WebView on GTK's main thread (needs a display), a page that awaits N sequential round
//! trips per path, 7 rounds, the paths taking turns. Each message's arrival is timestamped
//! where it lands (UI thread, or the socket's thread); the gap between two arrivals of the
//! same path is one full round trip, as `echo_floor` measures. Every answer is given at once,
//! so what is measured is the engine's path alone:
//! - `run_javascript`: `postMessage`, then the answer as a script through the deprecated call
//!   wry's `evaluate_script` uses, with a result callback;
//! - `evaluate_javascript`: `postMessage`, then the answer as a script through the 2.40 call,
//!   with no result callback;
//! - `reply`: `postMessage` to a handler registered with a reply (2.40), answered with
//!   `webkit_script_message_reply_return_value`: no script at all;
//! - `socket`: no UI process hop at all. A web extension (`engine_webext.rs`, built next to
//!   this binary and loaded from a copy in a temporary directory, so that WebKit loads it
//!   once) writes the page's text to a Unix socket; a plain thread here echoes it back; the
//!   extension hands the line to the page on the web process's main thread. This is what a
//!   bridge owning its transport could reach;
//! - `socket_in_script_out`: in through the socket, answered as a script from the UI thread
//!   (woken from the socket's thread, as our results are).
//!
//! Prints one line, `ENGINE {"run_javascript": [p50_us, p99_us], ...}`, one entry per path
//! (the socket paths only when the extension was built).
//!
//! Run: `cargo build --release -p auroraview-webview --example engine_paths --example
//! engine_webext`, then `bash scripts/with-display.sh target/release/examples/engine_paths`
//! (`make bench` does both, through `benches/bench_webview.py`).

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("engine_paths compares WebKitGTK's paths: Linux only");
}

#[cfg(target_os = "linux")]
mod linux {
    use gtk::prelude::*;
    use std::ffi::{c_char, c_void, CStr, CString};
    use webkit2gtk::{UserContentManagerExt as _, WebContextExt as _, WebViewExt as _};

    const PAGE: &str = r#"<!doctype html><body><script>
const N = 2000, ROUNDS = 7;
let answer = null;
window.__answer = (v) => { const a = answer; answer = null; a(v); };
const viaScript = (name) => (i) => new Promise((res) => {
  answer = res; window.webkit.messageHandlers[name].postMessage(String(i));
});
const viaReply = (i) => window.webkit.messageHandlers.r.postMessage(String(i));
const viaSocket = (i) => new Promise((res) => { answer = res; __avx_send(String(i)); });
const viaSocketIn = (i) => new Promise((res) => { answer = res; __avx_send('e' + i); });
async function run() {
  const paths = { run_javascript: viaScript('a'), evaluate_javascript: viaScript('b'),
                  reply: viaReply };
  if (typeof __avx_send === 'function') {
    paths.socket = viaSocket;
    paths.socket_in_script_out = viaSocketIn;
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const call of Object.values(paths)) {
      for (let i = 0; i < N; i++) {
        if (String(await call(i)) !== String(i)) throw new Error('wrong answer');
      }
    }
  }
  window.webkit.messageHandlers.done.postMessage('');
}
window.addEventListener('load', () => setTimeout(run, 200));
</script></body>"#;

    type JscValue = c_void;
    type Reply = c_void;

    extern "C" {
        fn webkit_user_content_manager_register_script_message_handler_with_reply(
            manager: *mut c_void,
            name: *const c_char,
            world: *const c_char,
        ) -> i32;
        fn webkit_script_message_reply_return_value(reply: *mut Reply, value: *mut JscValue);
        fn webkit_web_view_evaluate_javascript(
            view: *mut c_void,
            script: *const c_char,
            length: isize,
            world: *const c_char,
            source_uri: *const c_char,
            cancellable: *mut c_void,
            callback: *const c_void,
            user_data: *mut c_void,
        );
        fn jsc_value_get_context(value: *mut JscValue) -> *mut c_void;
        fn jsc_value_to_string(value: *mut JscValue) -> *mut c_char;
        fn jsc_value_new_string(context: *mut c_void, text: *const c_char) -> *mut JscValue;
        fn g_free(p: *mut c_void);
        fn g_object_unref(p: *mut c_void);
        fn g_signal_connect_data(
            instance: *mut c_void,
            signal: *const c_char,
            handler: *const c_void,
            data: *mut c_void,
            destroy: *const c_void,
            flags: i32,
        ) -> u64;
    }

    /// Answers a reply handler's message with the same text, at once.
    unsafe extern "C" fn on_reply(
        _manager: *mut c_void,
        value: *mut JscValue,
        reply: *mut Reply,
        _data: *mut c_void,
    ) -> i32 {
        arrived("reply");
        // SAFETY: the signal hands us a live value and reply for the call's duration.
        unsafe {
            let text = jsc_value_to_string(value);
            let answer = jsc_value_new_string(jsc_value_get_context(value), text);
            g_free(text.cast());
            webkit_script_message_reply_return_value(reply, answer);
            g_object_unref(answer);
        }
        1
    }

    /// Which path each message came by, and when it arrived.
    static ARRIVALS: std::sync::Mutex<Vec<(&'static str, std::time::Instant)>> =
        std::sync::Mutex::new(Vec::new());

    fn arrived(path: &'static str) {
        let now = std::time::Instant::now();
        ARRIVALS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((path, now));
    }

    /// `{"path": [p50_us, p99_us], ...}` of the gaps between consecutive arrivals by a path.
    fn report() -> String {
        let arrivals = ARRIVALS.lock().unwrap_or_else(|p| p.into_inner());
        let mut gaps: Vec<(&str, Vec<f64>)> = Vec::new();
        for pair in arrivals.windows(2) {
            let ((before, t0), (path, t1)) = (pair[0], pair[1]);
            if before != path {
                continue; // a round's first message: the gap spans other paths' rounds
            }
            let us = (t1 - t0).as_secs_f64() * 1e6;
            match gaps.iter_mut().find(|(p, _)| *p == path) {
                Some((_, v)) => v.push(us),
                None => gaps.push((path, vec![us])),
            }
        }
        let rows: Vec<String> = gaps
            .into_iter()
            .map(|(path, mut v)| {
                v.sort_by(f64::total_cmp);
                let at = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)];
                format!("\"{path}\": [{:.1}, {:.1}]", at(0.5), at(0.99))
            })
            .collect();
        format!("{{{}}}", rows.join(", "))
    }

    static VIEW: std::sync::atomic::AtomicPtr<c_void> =
        std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());

    /// Evaluates `script` in the page through the 2.40 call, asking for no result (UI thread).
    fn evaluate(script: &CStr) {
        // SAFETY: VIEW is set before the page loads and the view outlives the loop; a NULL
        // callback asks for no result.
        unsafe {
            webkit_web_view_evaluate_javascript(
                VIEW.load(std::sync::atomic::Ordering::Acquire),
                script.as_ptr(),
                -1,
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null_mut(),
            );
        }
    }

    /// Echoes every line on the socket back, from a plain blocking thread.
    fn echo_socket() -> std::path::PathBuf {
        use std::io::{BufRead as _, Write as _};
        let dir = std::env::temp_dir().join(format!("auroraview-engine-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let library = std::env::current_exe()
            .expect("our path")
            .with_file_name("libengine_webext.so");
        if std::fs::copy(&library, dir.join("libengine_webext.so")).is_err() {
            eprintln!(
                "engine_paths: no {library:?} (build the engine_webext example): no socket row"
            );
            return dir;
        }
        let socket = dir.join("probe.sock");
        let listener = std::os::unix::net::UnixListener::bind(&socket).expect("a socket");
        std::env::set_var("AURORAVIEW_PROBE_SOCK", &socket);
        std::thread::spawn(move || {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let mut writer = stream.try_clone().expect("a second handle");
            let mut reader = std::io::BufReader::new(stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                if let Some(i) = line.trim_end().strip_prefix('e') {
                    arrived("socket_in_script_out");
                    // The answer as a script, from the UI thread, woken from this one.
                    let script = CString::new(format!("__answer({i})")).expect("no NUL");
                    glib::MainContext::default().invoke(move || evaluate(&script));
                } else {
                    arrived("socket");
                    if writer.write_all(line.as_bytes()).is_err() {
                        return;
                    }
                }
                line.clear();
            }
        });
        dir
    }

    pub fn main() {
        let extensions = echo_socket();
        gtk::init().expect("GTK starts (is there a display?)");
        webkit2gtk::WebContext::default()
            .expect("a default web context")
            .set_web_extensions_directory(extensions.to_str().expect("a UTF-8 path"));
        let window = gtk::Window::new(gtk::WindowType::Toplevel);
        let manager = webkit2gtk::UserContentManager::new();
        let view = webkit2gtk::WebView::with_user_content_manager(&manager);
        window.add(&view);
        window.set_default_size(400, 300);
        window.show_all();

        for name in ["a", "b", "done"] {
            assert!(manager.register_script_message_handler(name));
        }
        let v = view.clone();
        manager.connect_script_message_received(Some("a"), move |_, msg| {
            arrived("run_javascript");
            let i = msg.js_value().map(|j| j.to_string()).unwrap_or_default();
            v.run_javascript(
                &format!("__answer({i})"),
                None::<&webkit2gtk::gio::Cancellable>,
                |_| {},
            );
        });
        VIEW.store(view.as_ptr().cast(), std::sync::atomic::Ordering::Release);
        manager.connect_script_message_received(Some("b"), move |_, msg| {
            arrived("evaluate_javascript");
            let i = msg.js_value().map(|j| j.to_string()).unwrap_or_default();
            evaluate(&CString::new(format!("__answer({i})")).expect("no NUL"));
        });
        manager.connect_script_message_received(Some("done"), move |_, _| {
            println!("ENGINE {}", report());
            gtk::main_quit();
        });
        let raw_manager: *mut c_void = manager.as_ptr().cast();
        let name = CString::new("r").expect("no NUL");
        let signal = CString::new("script-message-with-reply-received::r").expect("no NUL");
        // SAFETY: the manager lives to the end of main; the handler's signature is the
        // signal's (manager, JSCValue*, WebKitScriptMessageReply*, user data) -> gboolean.
        unsafe {
            assert_ne!(
                webkit_user_content_manager_register_script_message_handler_with_reply(
                    raw_manager,
                    name.as_ptr(),
                    std::ptr::null()
                ),
                0
            );
            g_signal_connect_data(
                raw_manager,
                signal.as_ptr(),
                on_reply as *const c_void,
                std::ptr::null_mut(),
                std::ptr::null(),
                0,
            );
        }
        view.load_html(PAGE, None);
        glib::timeout_add_local_once(std::time::Duration::from_secs(300), || {
            eprintln!("engine_paths: the page never finished");
            std::process::exit(1);
        });
        gtk::main();
    }
}
