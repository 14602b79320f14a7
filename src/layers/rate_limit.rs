//! Non-blocking rate limiting: separate read and write token buckets per store.

use std::future::Future;
use std::num::NonZeroU32;
use std::sync::Arc;

use arc_swap::ArcSwap;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::dual::SettingsHandle;
use crate::error::{Error, Result};
use crate::layers::{Intercept, Operation, OperationKind};

/// A bucket built for one QPS value; rebuilt when the settings change it.
struct Bucket {
    qps: u32,
    limiter: DefaultDirectRateLimiter,
}

impl Bucket {
    fn new(qps: u32) -> Self {
        let rate = NonZeroU32::new(qps.max(1)).unwrap_or(NonZeroU32::MIN);
        // Burst = one second's worth, as in the reference server.
        Self {
            qps,
            limiter: RateLimiter::direct(Quota::per_second(rate)),
        }
    }
}

/// Limits reads and writes of the wrapped store to the QPS in the settings
/// (`max_read_qps`, `max_write_qps`). Over the limit, a call fails at once with
/// `ResourceExhausted` instead of waiting. Search attribute management is not limited.
pub struct RateLimitLayer {
    settings: SettingsHandle,
    read: ArcSwap<Bucket>,
    write: ArcSwap<Bucket>,
}

impl std::fmt::Debug for RateLimitLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimitLayer")
            .field("read_qps", &self.read.load().qps)
            .field("write_qps", &self.write.load().qps)
            .finish()
    }
}

impl RateLimitLayer {
    /// A layer reading its limits from `settings`.
    pub fn new(settings: SettingsHandle) -> Self {
        let s = settings.load();
        Self {
            read: ArcSwap::from_pointee(Bucket::new(s.max_read_qps)),
            write: ArcSwap::from_pointee(Bucket::new(s.max_write_qps)),
            settings: Arc::clone(&settings),
        }
    }

    fn admit(&self, store: &str, kind: OperationKind) -> Result<()> {
        let (bucket, qps) = match kind {
            OperationKind::Admin => return Ok(()),
            OperationKind::Read => (&self.read, self.settings.load().max_read_qps),
            OperationKind::Write => (&self.write, self.settings.load().max_write_qps),
        };
        if bucket.load().qps != qps {
            bucket.store(Arc::new(Bucket::new(qps)));
        }
        bucket.load().limiter.check().map_err(|_| {
            Error::ResourceExhausted(format!(
                "{store}: persistence max QPS reached ({} limit {qps}/s)",
                if kind == OperationKind::Read {
                    "read"
                } else {
                    "write"
                }
            ))
        })
    }
}

impl Intercept for RateLimitLayer {
    async fn around<T: Send>(
        &self,
        store: &str,
        operation: Operation,
        call: impl Future<Output = Result<T>> + Send,
    ) -> Result<T> {
        self.admit(store, operation.kind())?;
        call.await
    }
}
