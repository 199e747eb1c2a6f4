//! [`IpcSink`]: what the application (the Python binding, or a Rust user) implements to hear
//! from the page, and the handler thread that calls it. Its methods run on the WebView's
//! handler thread, never on the UI thread.
//!
//! The UI thread hands page messages to the handler thread through an [`Inbox`], which is
//! bounded in bytes: a page flooding large messages past a slow handler has its calls
//! rejected at once ("the handlers are busy") and its events dropped with a warning, and the
//! host's memory stays bounded.

use crate::call::PageCall;
use crate::proxy::WebViewProxy;
use crate::spin::{spin_recv, Spun, SPIN};
use crossbeam_channel::{Receiver, Sender};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Most bytes of page messages that may wait for one WebView's handlers.
pub const MAX_INBOX_BYTES: usize = 64 * 1024 * 1024;
/// What one queued message costs beyond its payload (keeps a flood of empty messages
/// bounded too).
const MESSAGE_OVERHEAD: usize = 128;

/// Receives page traffic in arrival order on the WebView's handler thread.
pub trait IpcSink: Send + Sync + 'static {
    /// `auroraview.call(name, data)` from the page. Answer through `call.responder`, now or
    /// later, from any thread; a call dropped unanswered is rejected for you.
    fn on_call(&self, proxy: &WebViewProxy, call: PageCall);
    /// `auroraview.emit(name, data)` from the page (`data` as JSON text).
    fn on_event(&self, proxy: &WebViewProxy, name: String, data: String);
    /// The WebView closed; called once, last.
    fn on_closed(&self, proxy: &WebViewProxy);
    /// Something happened to the WebView's window or page (see [`crate::WindowEvent`]). A
    /// refusable request carries a [`crate::Decision`]: answer it, now or later, from any
    /// thread; dropping it allows. The default drops every event.
    fn on_window_event(&self, _proxy: &WebViewProxy, _event: crate::WindowEvent) {}
    /// A request for a scheme registered for this WebView (`WebViewSpec::schemes`,
    /// [`WebViewProxy::register_scheme`]). Runs on one of the `auroraview-protocol`
    /// threads (several requests at once), not on the handler thread. Answer through
    /// `request.responder`, now or later, from any thread; dropping it answers 500.
    fn on_protocol(&self, _proxy: &WebViewProxy, request: crate::scheme::ProtocolRequest) {
        let _ = request
            .responder
            .fail(404, "this application answers no such requests");
    }
    /// Runs `deliver`, which hands the sink a burst of messages that were waiting together
    /// (at most [`BURST_MESSAGES`]). A binding can enter its runtime once for the burst
    /// instead of once per message (Python: one take of the GIL). The default just runs it.
    fn deliver_burst(&self, deliver: &mut dyn FnMut()) {
        deliver();
    }
}

/// Most messages the handler thread delivers in one [`IpcSink::deliver_burst`].
pub const BURST_MESSAGES: usize = 256;

/// Messages from the UI thread to a handler thread.
pub(crate) enum HandlerMsg {
    Call(PageCall),
    Event { name: String, data: String },
    Window(crate::WindowEvent),
}

impl HandlerMsg {
    fn cost(&self) -> usize {
        MESSAGE_OVERHEAD
            + match self {
                HandlerMsg::Call(call) => call.name.len() + call.data.len(),
                HandlerMsg::Event { name, data } => name.len() + data.len(),
                HandlerMsg::Window(event) => event.data.len(),
            }
    }
}

/// The UI thread's end of a handler thread's queue: bounded in bytes.
pub(crate) struct Inbox {
    tx: Sender<(HandlerMsg, usize)>,
    bytes: Arc<AtomicUsize>,
}

impl Inbox {
    /// Queues `msg` for the handlers, or hands it back when [`MAX_INBOX_BYTES`] would be
    /// exceeded (the caller rejects or drops it, saying why).
    pub(crate) fn send(&self, msg: HandlerMsg) -> Result<(), HandlerMsg> {
        let cost = msg.cost();
        let waiting = self.bytes.fetch_add(cost, Ordering::AcqRel);
        if waiting + cost > MAX_INBOX_BYTES && waiting > 0 {
            self.bytes.fetch_sub(cost, Ordering::AcqRel);
            return Err(msg);
        }
        self.tx.send((msg, cost)).map_err(|e| {
            self.bytes.fetch_sub(cost, Ordering::AcqRel);
            e.into_inner().0
        })
    }

    /// Bytes waiting for the handlers now.
    pub(crate) fn waiting(&self) -> usize {
        self.bytes.load(Ordering::Acquire)
    }
}

/// The next message, waiting for one (spin, then park); `None` once the inbox is closed and
/// empty.
fn next_message(rx: &Receiver<(HandlerMsg, usize)>, bytes: &AtomicUsize) -> Option<HandlerMsg> {
    let got = match spin_recv(rx, SPIN, None) {
        Spun::Got(msg) => Some(msg),
        Spun::Disconnected => None,
        Spun::Empty => rx.recv().ok(),
    };
    got.map(|(msg, cost)| taken(msg, cost, bytes))
}

/// The next message if one is waiting now.
fn waiting_message(rx: &Receiver<(HandlerMsg, usize)>, bytes: &AtomicUsize) -> Option<HandlerMsg> {
    rx.try_recv()
        .ok()
        .map(|(msg, cost)| taken(msg, cost, bytes))
}

fn taken(msg: HandlerMsg, cost: usize, bytes: &AtomicUsize) -> HandlerMsg {
    bytes.fetch_sub(cost, Ordering::AcqRel);
    msg
}

/// Hands one message to the sink; a panic is logged and the thread goes on.
fn deliver(sink: &dyn IpcSink, proxy: &WebViewProxy, msg: HandlerMsg) {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match msg {
        HandlerMsg::Call(call) => sink.on_call(proxy, call),
        HandlerMsg::Event { name, data } => sink.on_event(proxy, name, data),
        HandlerMsg::Window(event) => sink.on_window_event(proxy, event),
    }));
    if result.is_err() {
        log::error!("auroraview: a page handler panicked");
    }
}

/// The handler thread's loop, until the inbox is closed and empty: waits for a message,
/// then hands it and those already waiting behind it (at most [`BURST_MESSAGES`]) to
/// `deliver`, all inside one call of `burst`.
fn serve_bursts(
    rx: &Receiver<(HandlerMsg, usize)>,
    bytes: &AtomicUsize,
    mut burst: impl FnMut(&mut dyn FnMut()),
    mut deliver: impl FnMut(HandlerMsg),
) {
    while let Some(first) = next_message(rx, bytes) {
        let mut first = Some(first);
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            burst(&mut || {
                for _ in 0..BURST_MESSAGES {
                    let Some(msg) = first.take().or_else(|| waiting_message(rx, bytes)) else {
                        break;
                    };
                    deliver(msg);
                }
            })
        }));
        if ran.is_err() {
            log::error!("auroraview: a sink's deliver_burst panicked");
        }
    }
}

/// Starts a WebView's handler thread; it runs until the UI thread drops the returned
/// [`Inbox`] (the WebView closed) and it has delivered everything queued before that.
pub(crate) fn spawn_handler_thread(
    proxy: WebViewProxy,
    sink: Arc<dyn IpcSink>,
) -> std::io::Result<(Inbox, std::thread::JoinHandle<()>)> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let bytes = Arc::new(AtomicUsize::new(0));
    let counted = bytes.clone();
    let handle = std::thread::Builder::new()
        .name(format!("auroraview-handlers-{}", proxy.id()))
        .stack_size(crate::APP_THREAD_STACK_BYTES)
        .spawn(move || {
            serve_bursts(
                &rx,
                &counted,
                |burst| sink.deliver_burst(burst),
                |msg| deliver(&*sink, &proxy, msg),
            );
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sink.on_closed(&proxy)))
                .is_err()
            {
                log::error!("auroraview: the close handler panicked");
            }
            proxy.view.mark_handlers_done();
        })?;
    Ok((Inbox { tx, bytes }, handle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(i: usize) -> (HandlerMsg, usize) {
        let msg = HandlerMsg::Event {
            name: "n".into(),
            data: i.to_string(),
        };
        let cost = msg.cost();
        (msg, cost)
    }

    /// Runs the loop over `n` events queued before it starts; returns the messages of each
    /// burst, and the bytes still counted afterwards.
    fn bursts_of(n: usize) -> (Vec<Vec<String>>, usize) {
        let (tx, rx) = crossbeam_channel::unbounded();
        let bytes = AtomicUsize::new(0);
        for i in 0..n {
            let (msg, cost) = event(i);
            bytes.fetch_add(cost, Ordering::AcqRel);
            tx.send((msg, cost)).unwrap();
        }
        drop(tx);
        let bursts = std::cell::RefCell::new(Vec::<Vec<String>>::new());
        let inside = std::cell::Cell::new(false);
        serve_bursts(
            &rx,
            &bytes,
            |burst| {
                bursts.borrow_mut().push(Vec::new());
                inside.set(true);
                burst();
                inside.set(false);
            },
            |msg| {
                assert!(inside.get(), "a message was delivered outside a burst");
                let HandlerMsg::Event { data, .. } = msg else {
                    panic!("not the event sent")
                };
                bursts.borrow_mut().last_mut().unwrap().push(data);
            },
        );
        (bursts.into_inner(), bytes.load(Ordering::Acquire))
    }

    #[test]
    fn messages_waiting_together_go_in_one_burst_in_order() {
        let (bursts, left) = bursts_of(10);
        let want: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        assert_eq!(bursts, vec![want]);
        assert_eq!(left, 0, "every delivered message is uncounted");
    }

    #[test]
    fn a_burst_holds_at_most_burst_messages() {
        let (bursts, left) = bursts_of(BURST_MESSAGES * 2 + 3);
        let sizes: Vec<usize> = bursts.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![BURST_MESSAGES, BURST_MESSAGES, 3]);
        let all: Vec<String> = bursts.into_iter().flatten().collect();
        let want: Vec<String> = (0..BURST_MESSAGES * 2 + 3).map(|i| i.to_string()).collect();
        assert_eq!(all, want);
        assert_eq!(left, 0);
    }
}
