//! Records which settings generation each store call ran under (for tests of the dual
//! manager: every call must use exactly one settings snapshot).

use std::future::Future;
use std::sync::Mutex;

use crate::error::Result;
use crate::layers::{Intercept, Operation};

tokio::task_local! {
    static GENERATION: u64;
}

/// The settings generation of the dual-manager call running on this task, if any.
pub fn current_generation() -> Option<u64> {
    GENERATION.try_with(|g| *g).ok()
}

/// Runs `fut` as part of a call that uses settings generation `generation`.
pub(crate) async fn with_generation<F: Future>(generation: u64, fut: F) -> F::Output {
    GENERATION.scope(generation, fut).await
}

/// One recorded store call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedCall {
    /// Store name.
    pub store: String,
    /// Operation.
    pub operation: Operation,
    /// Settings generation the call ran under (`None` outside a dual-manager call).
    pub generation: Option<u64>,
    /// The tokio task the call ran on: a dual-manager call runs all its store calls on one
    /// task, so grouping by task groups the store calls of one manager call.
    pub task: Option<tokio::task::Id>,
}

/// A layer recording every call with the settings generation it saw.
#[derive(Debug, Default)]
pub struct GenerationRecorder {
    calls: Mutex<Vec<RecordedCall>>,
}

impl GenerationRecorder {
    /// The calls recorded so far.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Forgets the recorded calls.
    pub fn clear(&self) {
        self.calls.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

impl Intercept for GenerationRecorder {
    async fn around<T: Send>(
        &self,
        store: &str,
        operation: Operation,
        call: impl Future<Output = Result<T>> + Send,
    ) -> Result<T> {
        self.calls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(RecordedCall {
                store: store.to_string(),
                operation,
                generation: current_generation(),
                task: tokio::task::try_id(),
            });
        call.await
    }
}
