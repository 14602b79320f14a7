//! Checks that a password never leaks: a sentinel password to put in URLs, assertions on
//! error texts, and a capture of all tracing output.
//!
//! Include it with `mod secrets;`. Call [`capture_tracing`] at the start of every test that
//! uses the sentinel, and [`assert_tracing_clean`] at its end: the capture is global to the
//! test binary, so every test also checks what concurrently running tests logged.

#![allow(dead_code)]

use std::fmt::Debug;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

/// A password that must never appear in any output.
pub const SENTINEL: &str = "S3ntinel-Pa55";

/// Fails when `text` contains the sentinel password.
#[track_caller]
pub fn assert_hidden(what: &str, text: &str) {
    assert!(
        !text.contains(SENTINEL),
        "{what} shows the password: {}",
        text.replace(SENTINEL, "<SENTINEL>")
    );
}

/// Fails when the Display or Debug form of `value` contains the sentinel password.
#[track_caller]
pub fn assert_display_hidden<T: std::fmt::Display + Debug>(what: &str, value: &T) {
    assert_hidden(&format!("{what} (Display)"), &value.to_string());
    assert_hidden(&format!("{what} (Debug)"), &format!("{value:?}"));
}

/// Everything the tracing subscriber wrote, shared with the writers it makes.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn buffer() -> &'static Buffer {
    static BUFFER: OnceLock<Buffer> = OnceLock::new();
    BUFFER.get_or_init(|| {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        // Every level of every target, with all fields: anything a subscriber could show.
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global tracing subscriber in this test binary");
        buffer
    })
}

/// Starts capturing all tracing output of the binary (idempotent).
pub fn capture_tracing() {
    buffer();
}

/// What was captured so far.
pub fn captured_tracing() -> String {
    let bytes = buffer()
        .0
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Fails when the captured tracing output contains the sentinel password.
#[track_caller]
pub fn assert_tracing_clean() {
    assert_hidden("tracing output", &captured_tracing());
}

/// `url` with its password replaced by the sentinel (`scheme://user:SENTINEL@host…`).
pub fn with_sentinel_password(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (userinfo, host) = authority.rsplit_once('@').expect("a URL with a user name");
    let user = userinfo.split(':').next().unwrap_or(userinfo);
    format!("{scheme}://{user}:{SENTINEL}@{host}{tail}")
}
