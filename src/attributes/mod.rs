//! Search attributes: the fixed catalog (system and predefined attributes), per-namespace
//! custom registrations, write-time validation and the Text word rules.
//!
//! Every attribute that lives in a record's search-attribute map has a numeric id: predefined
//! attributes have fixed negative ids, custom attributes get a fresh positive id each time they
//! are registered. Stores key stored values by id, so values of a removed attribute can never
//! show up under an attribute registered later with the same name.

mod catalog;
mod limits;
mod registry;
mod validate;
mod words;

pub use catalog::{PredefinedAttribute, SystemAttribute, check_custom_name};
pub use limits::SearchAttributeLimits;
pub use registry::{AttributeDef, NamespaceAttributes, ResolvedAttribute};
pub use validate::{ValidatedAttribute, validate_search_attributes};
pub use words::text_words;
