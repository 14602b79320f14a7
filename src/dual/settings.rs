//! Runtime settings: how the dual manager routes calls and how fast each store may be called.
//!
//! One immutable [`VisibilitySettings`] snapshot lives in a [`SettingsHandle`]
//! (`Arc<arc_swap::ArcSwap<VisibilitySettings>>`) that the caller keeps. Readers load a
//! snapshot without locking and use it for a whole call; writers publish a new snapshot with
//! [`publish`], which gives it the next generation number.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::error::Error;

/// Which stores receive writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WritingMode {
    /// Primary only (the default).
    #[default]
    Off,
    /// Secondary only.
    On,
    /// Both, concurrently.
    Dual,
}

impl FromStr for WritingMode {
    type Err = Error;

    /// Parses exactly `off`, `on` or `dual`.
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "off" => Ok(WritingMode::Off),
            "on" => Ok(WritingMode::On),
            "dual" => Ok(WritingMode::Dual),
            _ => Err(Error::invalid_argument(format!(
                "unknown secondary visibility writing mode '{s}' (expected off, on or dual)"
            ))),
        }
    }
}

impl fmt::Display for WritingMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WritingMode::Off => "off",
            WritingMode::On => "on",
            WritingMode::Dual => "dual",
        })
    }
}

/// What a dual write does when one of the two stores fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FailurePolicy {
    /// The call fails and names the store that failed (the default). The other write may
    /// have happened; that is safe because writes are idempotent and version-guarded.
    #[default]
    FailCall,
    /// The call succeeds; the failed write is counted and logged with the record key.
    Tolerate,
}

/// A read-routing rule: read from the secondary (`value`) for namespaces matching all of
/// its constraints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRule {
    /// Matches this namespace name, when set.
    pub namespace: Option<String>,
    /// Matches this namespace id, when set.
    pub namespace_id: Option<String>,
    /// Read from the secondary store.
    pub value: bool,
}

impl ReadRule {
    fn matches(&self, namespace_id: &str, namespace_name: &str) -> bool {
        self.namespace
            .as_deref()
            .is_none_or(|n| n == namespace_name)
            && self
                .namespace_id
                .as_deref()
                .is_none_or(|n| n == namespace_id)
    }

    /// Higher wins: both constraints, then a namespace id, then a namespace name, then none.
    fn specificity(&self) -> u8 {
        match (&self.namespace, &self.namespace_id) {
            (Some(_), Some(_)) => 3,
            (None, Some(_)) => 2,
            (Some(_), None) => 1,
            (None, None) => 0,
        }
    }
}

/// Default queries per second for each store's reads and writes (as in the reference).
pub const DEFAULT_MAX_QPS: u32 = 9000;

/// One immutable snapshot of the runtime settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisibilitySettings {
    /// Increases with every published snapshot; lets tests prove a call used one snapshot.
    pub generation: u64,
    /// Which stores receive writes.
    pub writing_mode: WritingMode,
    /// Read from the secondary for namespaces no rule matches.
    pub read_from_secondary: bool,
    /// Per-namespace read routing; the most specific matching rule wins.
    pub read_rules: Vec<ReadRule>,
    /// What a dual write does on a partial failure.
    pub failure_policy: FailurePolicy,
    /// Read calls per second allowed on each store (burst = this many).
    pub max_read_qps: u32,
    /// Write calls per second allowed on each store (burst = this many).
    pub max_write_qps: u32,
}

impl Default for VisibilitySettings {
    /// Primary only, reads from the primary, fail the call on a partial failure, 9000 QPS.
    fn default() -> Self {
        Self {
            generation: 0,
            writing_mode: WritingMode::Off,
            read_from_secondary: false,
            read_rules: Vec::new(),
            failure_policy: FailurePolicy::FailCall,
            max_read_qps: DEFAULT_MAX_QPS,
            max_write_qps: DEFAULT_MAX_QPS,
        }
    }
}

impl VisibilitySettings {
    /// Whether reads of this namespace go to the secondary store. Among the rules that match,
    /// the most specific wins whatever their order; without a match the default applies.
    pub fn reads_from_secondary(&self, namespace_id: &str, namespace_name: &str) -> bool {
        self.read_rules
            .iter()
            .filter(|r| r.matches(namespace_id, namespace_name))
            .max_by_key(|r| r.specificity())
            .map_or(self.read_from_secondary, |r| r.value)
    }
}

/// The shared, atomically replaceable settings.
pub type SettingsHandle = Arc<ArcSwap<VisibilitySettings>>;

/// A handle holding `settings` (generation 1).
pub fn settings_handle(settings: VisibilitySettings) -> SettingsHandle {
    Arc::new(ArcSwap::from_pointee(VisibilitySettings {
        generation: 1,
        ..settings
    }))
}

/// Publishes `settings` as the next generation; returns that generation.
pub fn publish(handle: &SettingsHandle, settings: VisibilitySettings) -> u64 {
    let mut published = 0;
    handle.rcu(|current| {
        published = current.generation + 1;
        VisibilitySettings {
            generation: published,
            ..settings.clone()
        }
    });
    published
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(ns: Option<&str>, id: Option<&str>, value: bool) -> ReadRule {
        ReadRule {
            namespace: ns.map(Into::into),
            namespace_id: id.map(Into::into),
            value,
        }
    }

    #[test]
    fn most_specific_rule_wins_regardless_of_order() {
        let mut s = VisibilitySettings {
            read_rules: vec![
                rule(None, None, false),
                rule(Some("orders"), None, true),
                rule(None, Some("id-1"), false),
            ],
            ..Default::default()
        };
        assert!(s.reads_from_secondary("id-9", "orders"));
        assert!(
            !s.reads_from_secondary("id-1", "orders"),
            "an id rule beats a name rule"
        );
        assert!(!s.reads_from_secondary("id-9", "billing"));
        s.read_rules.reverse();
        assert!(s.reads_from_secondary("id-9", "orders"));
        s.read_rules.clear();
        s.read_from_secondary = true;
        assert!(s.reads_from_secondary("x", "y"));
    }

    #[test]
    fn publishing_bumps_the_generation() {
        let h = settings_handle(VisibilitySettings::default());
        assert_eq!(h.load().generation, 1);
        let g = publish(
            &h,
            VisibilitySettings {
                writing_mode: WritingMode::Dual,
                ..Default::default()
            },
        );
        assert_eq!(g, 2);
        assert_eq!(h.load().generation, 2);
        assert_eq!(h.load().writing_mode, WritingMode::Dual);
        assert!("Dual".parse::<WritingMode>().is_err());
        assert_eq!("dual".parse::<WritingMode>().unwrap(), WritingMode::Dual);
    }
}
