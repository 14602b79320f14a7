//! The visibility record and its parts: status, memo, search attribute values, time helpers.

mod record;
mod search_attribute;
mod status;
pub mod time;

pub use record::{ExecutionRecord, ExecutionRef, Memo};
pub use search_attribute::{SearchAttributeType, SearchAttributeValue, SearchAttributes};
pub use status::ExecutionStatus;
