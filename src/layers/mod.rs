//! Layers: wrappers that implement [`VisibilityManager`](crate::VisibilityManager) around any
//! store, like `object_store`'s `LimitStore` or OpenDAL's layers.
//!
//! ```
//! # use std::sync::Arc;
//! use workflow_visibility::dual::{VisibilitySettings, settings_handle};
//! use workflow_visibility::layers::{Layered, MetricsLayer, RateLimitLayer};
//! use workflow_visibility::store::memory::InMemoryStore;
//! use workflow_visibility::VisibilityManager;
//!
//! let settings = settings_handle(VisibilitySettings::default());
//! let store: Arc<dyn VisibilityManager> = Arc::new(InMemoryStore::new());
//! let limited = Arc::new(Layered::new(store, RateLimitLayer::new(settings)));
//! let observed: Arc<dyn VisibilityManager> = Arc::new(Layered::new(limited, MetricsLayer));
//! assert_eq!(observed.store_name(), "memory");
//! ```

mod generation;
mod layered;
mod metrics;
mod operation;
mod rate_limit;

pub(crate) use generation::with_generation;
pub use generation::{GenerationRecorder, RecordedCall, current_generation};
pub use layered::{Intercept, Layered};
pub use metrics::MetricsLayer;
pub use operation::{Operation, OperationKind};
pub use rate_limit::RateLimitLayer;

use std::sync::Arc;

use crate::dual::SettingsHandle;
use crate::manager::VisibilityManager;

/// Wraps a store the way the factory does: metrics(rate-limit(store)).
pub fn standard_stack(
    store: Arc<dyn VisibilityManager>,
    settings: SettingsHandle,
) -> Arc<dyn VisibilityManager> {
    let limited: Arc<dyn VisibilityManager> =
        Arc::new(Layered::new(store, RateLimitLayer::new(settings)));
    Arc::new(Layered::new(limited, MetricsLayer))
}
