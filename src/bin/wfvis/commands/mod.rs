//! One module per command. Each takes its parsed arguments and an open store and returns
//! what to print; `main` owns the process-level concerns (runtime, exit status, stderr).

pub mod count;
pub mod get;
pub mod list;
pub mod load;
pub mod schema;
pub mod search_attribute;
