//! Configuration: Temporal's persistence YAML (static) and dynamic-config YAML (hot reloaded).

pub mod dynamic;
pub mod factory;
pub mod persistence;
