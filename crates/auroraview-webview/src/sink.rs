//! [`IpcSink`]: what the application (the Python binding, or a Rust user) implements to hear
//! from the page. Its methods run on the WebView's handler thread, never on the UI thread.

use crate::proxy::WebViewProxy;
use crate::spin::{spin_recv, Spun, SPIN};

/// A call from the page: answer it with [`WebViewProxy::resolve`] (from any thread, at any
/// time; a call whose page is gone by then is dropped).
#[derive(Debug, Clone)]
pub struct CallRequest {
    /// The page (document) the call came from; resolves for an older page are dropped.
    pub page: u64,
    pub id: u64,
    pub name: String,
    /// The argument as JSON text.
    pub data: String,
}

/// Receives page traffic in arrival order on the WebView's handler thread.
pub trait IpcSink: Send + Sync + 'static {
    /// `auroraview.call(name, data)` from the page.
    fn on_call(&self, proxy: &WebViewProxy, call: CallRequest);
    /// `auroraview.emit(name, data)` from the page (`data` as JSON text).
    fn on_event(&self, proxy: &WebViewProxy, name: String, data: String);
    /// The WebView closed; called once, last.
    fn on_closed(&self, proxy: &WebViewProxy);
}

/// Messages from the UI thread to a handler thread.
pub(crate) enum HandlerMsg {
    Call(CallRequest),
    Event { name: String, data: String },
}

fn next_message(rx: &crossbeam_channel::Receiver<HandlerMsg>) -> Option<HandlerMsg> {
    match spin_recv(rx, SPIN, None) {
        Spun::Got(msg) => Some(msg),
        Spun::Disconnected => None,
        Spun::Empty => rx.recv().ok(),
    }
}

/// Runs a WebView's handler thread until the UI thread drops its sender (the WebView closed).
pub(crate) fn spawn_handler_thread(
    proxy: WebViewProxy,
    sink: std::sync::Arc<dyn IpcSink>,
    rx: crossbeam_channel::Receiver<HandlerMsg>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name(format!("auroraview-handlers-{}", proxy.id()))
        .spawn(move || {
            while let Some(msg) = next_message(&rx) {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match msg {
                    HandlerMsg::Call(call) => sink.on_call(&proxy, call),
                    HandlerMsg::Event { name, data } => sink.on_event(&proxy, name, data),
                }));
                if result.is_err() {
                    log::error!("auroraview: a page handler panicked");
                }
            }
            sink.on_closed(&proxy);
        })
}
