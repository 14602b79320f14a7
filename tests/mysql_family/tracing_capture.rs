//! A tracing subscriber that records every event and span field as text, so a test can check
//! that nothing the crate or its driver logs contains a secret.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

/// Everything logged while the capture was the default subscriber.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<String>>);

impl Captured {
    /// The recorded text.
    pub fn text(&self) -> String {
        self.0.lock().expect("capture lock").clone()
    }
}

struct Recorder<'a>(&'a mut String);

impl Visit for Recorder<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

struct CaptureSubscriber {
    out: Captured,
    next_id: AtomicU64,
}

impl CaptureSubscriber {
    fn record_line(&self, metadata: &Metadata<'_>, fill: impl FnOnce(&mut Recorder<'_>)) {
        let mut line = format!("{} {}:", metadata.level(), metadata.target());
        fill(&mut Recorder(&mut line));
        line.push('\n');
        self.out.0.lock().expect("capture lock").push_str(&line);
    }
}

impl Subscriber for CaptureSubscriber {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::always()
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        self.record_line(span.metadata(), |r| span.record(r));
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = String::from("span record:");
        values.record(&mut Recorder(&mut line));
        line.push('\n');
        self.out.0.lock().expect("capture lock").push_str(&line);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        self.record_line(event.metadata(), |r| event.record(r));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Installs a capturing subscriber for the current thread until the guard drops. Use it on a
/// current-thread runtime so every task of the test runs under it.
pub fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let out = Captured::default();
    let guard = tracing::subscriber::set_default(CaptureSubscriber {
        out: out.clone(),
        next_id: AtomicU64::new(0),
    });
    (out, guard)
}
