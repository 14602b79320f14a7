//! The dual manager: routes calls between a primary and a secondary store by runtime
//! settings, so visibility can move to another database without downtime.

pub mod settings;

pub use settings::{
    DEFAULT_MAX_QPS, FailurePolicy, ReadRule, SettingsHandle, VisibilitySettings, WritingMode,
    publish, settings_handle,
};

mod manager;

pub use manager::DualVisibilityManager;
