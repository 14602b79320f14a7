//! Visibility persistence for workflow engines.
//!
//! A workflow server keeps one searchable *visibility record* per workflow execution. This
//! crate stores those records and answers List Filter queries over them
//! (`WorkflowType = 'billing' AND ExecutionStatus = 'Running'`), behind one async trait,
//! [`VisibilityManager`], with interchangeable stores:
//!
//! * [`store::sqlite::SqliteStore`] (feature `sqlite`, default): embedded, file or in-memory;
//! * `store::mysql::MysqlStore` (feature `mysql`): MySQL 8 and MariaDB;
//! * [`store::memory::InMemoryStore`]: a reference implementation for tests, which evaluates
//!   the query IR directly.
//!
//! The List Filter is parsed once ([`query::compile`]) into a typed IR ([`query::ir`]) that
//! every store consumes, so all stores share one grammar and one set of semantics.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use std::sync::Arc;
//! use workflow_visibility::prelude::*;
//!
//! let store: Arc<dyn VisibilityManager> =
//!     Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
//! let now = chrono::Utc::now();
//! store
//!     .record_workflow_execution_started(RecordStartedRequest::new(ExecutionRecord::new(
//!         "ns-1", "wf-1", "run-1", "billing", now,
//!     )))
//!     .await
//!     .unwrap();
//! let page = store
//!     .list_workflow_executions(ListRequest::new("ns-1").query("WorkflowType = 'billing'"))
//!     .await
//!     .unwrap();
//! assert_eq!(page.executions.len(), 1);
//! # });
//! ```
#![warn(missing_docs)]

pub mod attributes;
pub mod config;
pub mod dual;
mod error;
pub mod layers;
mod manager;
pub mod model;
pub mod options;
pub mod page_token;
pub mod query;
pub mod request;
pub mod schema;
pub mod store;

pub use error::{Error, ErrorKind, Result};
pub use manager::{Capabilities, VisibilityManager};
pub use model::{
    ExecutionRecord, ExecutionRef, ExecutionStatus, Memo, SearchAttributeType,
    SearchAttributeValue, SearchAttributes,
};
pub use options::{QueryLimits, StoreOptions};

/// The types most programs need, for a glob import.
pub mod prelude {
    pub use crate::request::*;
    pub use crate::store::memory::InMemoryStore;
    #[cfg(feature = "mysql")]
    pub use crate::store::mysql::{MysqlOptions, MysqlStore};
    #[cfg(feature = "sqlite")]
    pub use crate::store::sqlite::{SqliteOptions, SqliteStore};
    pub use crate::{
        Error, ErrorKind, ExecutionRecord, ExecutionRef, ExecutionStatus, Memo,
        SearchAttributeType, SearchAttributeValue, SearchAttributes, StoreOptions,
        VisibilityManager,
    };
}
