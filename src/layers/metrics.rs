//! Metrics (through the `metrics` facade) and a `tracing` span for every call.

use std::future::Future;
use std::time::Instant;

use tracing::Instrument;

use crate::error::{ErrorKind, Result};
use crate::layers::{Intercept, Operation};

/// Counts requests, records latency and counts errors by category, labelled with the store
/// name and operation:
///
/// * `visibility_persistence_requests` (counter),
/// * `visibility_persistence_latency` (histogram, seconds),
/// * `visibility_persistence_errors` (counter, extra label `category`: `invalid_argument`,
///   `not_found`, `already_exists`, `resource_exhausted`, `unavailable`, `internal`).
///
/// Each call also runs in a `visibility` span with `store` and `operation` fields.
#[derive(Debug, Clone, Copy, Default)]
pub struct MetricsLayer;

fn category(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidArgument => "invalid_argument",
        ErrorKind::NotFound => "not_found",
        ErrorKind::AlreadyExists => "already_exists",
        ErrorKind::ResourceExhausted => "resource_exhausted",
        ErrorKind::Unavailable => "unavailable",
        ErrorKind::Internal => "internal",
    }
}

impl Intercept for MetricsLayer {
    async fn around<T: Send>(
        &self,
        store: &str,
        operation: Operation,
        call: impl Future<Output = Result<T>> + Send,
    ) -> Result<T> {
        let op = operation.name();
        let labels = [("store", store.to_string()), ("operation", op.to_string())];
        metrics::counter!("visibility_persistence_requests", &labels).increment(1);
        let span = tracing::debug_span!("visibility", store = %store, operation = op);
        let started = Instant::now();
        let result = call.instrument(span).await;
        metrics::histogram!("visibility_persistence_latency", &labels)
            .record(started.elapsed().as_secs_f64());
        if let Err(e) = &result {
            let labels = [
                ("store", store.to_string()),
                ("operation", op.to_string()),
                ("category", category(e.kind()).to_string()),
            ];
            metrics::counter!("visibility_persistence_errors", &labels).increment(1);
            tracing::debug!(store, operation = op, error = %e, "visibility call failed");
        }
        result
    }
}
