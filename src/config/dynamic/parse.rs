//! [`DynamicConfig`]: the visibility settings a dynamic-config file holds, resolved.

use serde_json::Value;

use super::entries::{Constraints, Entry, describe, entries};
use super::keys::Key;
use super::raw::{RawFile, RawKey};
use crate::dual::{DEFAULT_MAX_QPS, ReadRule, VisibilitySettings, WritingMode};
use crate::error::{Error, Result};

/// The visibility settings read from one dynamic-config file.
///
/// A key missing from the file leaves its default: writing mode `off`, reads from the
/// primary, 9000 QPS. Settings the file does not hold (the failure policy) come from the
/// base passed to [`DynamicConfig::apply_to`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicConfig {
    /// From `system.secondaryVisibilityWritingMode` (global).
    pub writing_mode: WritingMode,
    /// From the unconstrained entry of `system.enableReadFromSecondaryVisibility`.
    pub read_from_secondary: bool,
    /// From the `namespace` / `namespaceId` entries of
    /// `system.enableReadFromSecondaryVisibility`, in document order, one per constraint set.
    pub read_rules: Vec<ReadRule>,
    /// From `system.visibilityPersistenceMaxReadQPS` (global).
    pub max_read_qps: u32,
    /// From `system.visibilityPersistenceMaxWriteQPS` (global).
    pub max_write_qps: u32,
    /// Entries that were ignored and why; each was also logged with `tracing::warn!`.
    pub warnings: Vec<String>,
}

impl Default for DynamicConfig {
    /// What an empty file means.
    fn default() -> Self {
        Self {
            writing_mode: WritingMode::Off,
            read_from_secondary: false,
            read_rules: Vec::new(),
            max_read_qps: DEFAULT_MAX_QPS,
            max_write_qps: DEFAULT_MAX_QPS,
            warnings: Vec::new(),
        }
    }
}

impl DynamicConfig {
    /// Parses Temporal's dynamic-config YAML: a map from keys (matched case-insensitively) to
    /// lists of `{value, constraints}` entries. Keys this crate does not read are skipped.
    ///
    /// Any invalid content of a key it reads (bad YAML, an unknown writing mode, a value of
    /// the wrong type, a QPS that is not a positive integer) is an
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming the key; nothing is
    /// half-applied. Entries that are valid but cannot apply (constraints on a global key,
    /// constraint names other than `namespace` and `namespaceId`, a repeated constraint set)
    /// are skipped with a warning.
    pub fn from_yaml_str(yaml: &str) -> Result<DynamicConfig> {
        let file = RawFile::parse(yaml)?;
        let mut warnings = Warnings::default();
        let mut config = DynamicConfig::default();
        let of = |key: Key| -> Vec<&RawKey> { file.keys.iter().filter(|k| k.key == key).collect() };

        if let Some(mode) = global(&of(Key::WritingMode), &mut warnings, writing_mode)? {
            config.writing_mode = mode;
        }
        if let Some(qps) = global(&of(Key::MaxReadQps), &mut warnings, qps)? {
            config.max_read_qps = qps;
        }
        if let Some(qps) = global(&of(Key::MaxWriteQps), &mut warnings, qps)? {
            config.max_write_qps = qps;
        }
        let (default, rules) = read_routing(&of(Key::ReadFromSecondary), &mut warnings)?;
        if let Some(default) = default {
            config.read_from_secondary = default;
        }
        config.read_rules = rules;
        config.warnings = warnings.0;
        Ok(config)
    }

    /// `base` with every setting this file holds replaced; the generation and the failure
    /// policy are kept from `base`.
    pub fn apply_to(&self, base: &VisibilitySettings) -> VisibilitySettings {
        VisibilitySettings {
            writing_mode: self.writing_mode,
            read_from_secondary: self.read_from_secondary,
            read_rules: self.read_rules.clone(),
            max_read_qps: self.max_read_qps,
            max_write_qps: self.max_write_qps,
            ..base.clone()
        }
    }
}

/// Collects warnings and logs each once.
#[derive(Default)]
struct Warnings(Vec<String>);

impl Warnings {
    fn push(&mut self, message: String) {
        tracing::warn!("{message}");
        self.0.push(message);
    }
}

/// A key written more than once (in different cases) is read as one list, in file order.
fn warn_repeated_key(occurrences: &[&RawKey], warnings: &mut Warnings) {
    if let [first, _, ..] = occurrences {
        let spellings: Vec<&str> = occurrences.iter().map(|k| k.spelled.as_str()).collect();
        warnings.push(format!(
            "dynamic config key {} appears {} times ({}; keys ignore case); their entries are read in file order",
            first.key.canonical(),
            occurrences.len(),
            spellings.join(", ")
        ));
    }
}

/// The entries of one occurrence of a key, warning about fields Temporal ignores too.
fn entries_checked<'a>(raw: &'a RawKey, warnings: &mut Warnings) -> Result<Vec<Entry<'a>>> {
    let list = entries(raw)?;
    for entry in &list {
        if !entry.unknown_fields.is_empty() {
            warnings.push(format!(
                "{}: unknown field(s) {} ignored",
                entry.origin,
                entry.unknown_fields.join(", ")
            ));
        }
    }
    Ok(list)
}

/// An invalid value, naming the key and entry.
fn entry_error(entry: &Entry<'_>, message: String) -> Error {
    Error::invalid_argument(format!("dynamic config key {}: {message}", entry.origin))
}

/// The value of a global key: its first unconstrained entry. Every entry's value is checked.
fn global<T>(
    occurrences: &[&RawKey],
    warnings: &mut Warnings,
    convert: fn(&Value) -> Result<T, String>,
) -> Result<Option<T>> {
    warn_repeated_key(occurrences, warnings);
    let mut chosen: Option<(T, String)> = None;
    for raw in occurrences {
        for entry in entries_checked(raw, warnings)? {
            let value = convert(entry.value).map_err(|m| entry_error(&entry, m))?;
            match (&entry.constraints, &chosen) {
                (Constraints::Global, None) => chosen = Some((value, entry.origin)),
                (Constraints::Global, Some((_, first))) => warnings.push(format!(
                    "{}: another unconstrained entry after {first}; the first one wins",
                    entry.origin
                )),
                (Constraints::Namespace { .. } | Constraints::Unsupported(_), _) => {
                    warnings.push(format!(
                        "{}: {} is a global key, so an entry with constraints never applies; ignored",
                        entry.origin,
                        raw.key.canonical()
                    ))
                }
            }
        }
    }
    Ok(chosen.map(|(v, _)| v))
}

/// The read-routing default and per-namespace rules. Every entry's value is checked.
fn read_routing(
    occurrences: &[&RawKey],
    warnings: &mut Warnings,
) -> Result<(Option<bool>, Vec<ReadRule>)> {
    warn_repeated_key(occurrences, warnings);
    let mut default: Option<(bool, String)> = None;
    let mut rules: Vec<(ReadRule, String)> = Vec::new();
    for raw in occurrences {
        for entry in entries_checked(raw, warnings)? {
            let value = boolean(entry.value).map_err(|m| entry_error(&entry, m))?;
            match entry.constraints {
                Constraints::Global => match &default {
                    None => default = Some((value, entry.origin)),
                    Some((_, first)) => warnings.push(format!(
                        "{}: another unconstrained entry after {first}; the first one wins",
                        entry.origin
                    )),
                },
                Constraints::Namespace { name, id } => {
                    let rule = ReadRule {
                        namespace: name,
                        namespace_id: id,
                        value,
                    };
                    let same_set = rules.iter().find(|(r, _)| {
                        r.namespace == rule.namespace && r.namespace_id == rule.namespace_id
                    });
                    match same_set {
                        Some((_, first)) => warnings.push(format!(
                            "{}: same constraints as {first}; the first one wins",
                            entry.origin
                        )),
                        None => rules.push((rule, entry.origin)),
                    }
                }
                Constraints::Unsupported(names) => warnings.push(format!(
                    "{}: constraint(s) {} not supported for {} (only namespace and namespaceId); entry ignored",
                    entry.origin,
                    names.join(", "),
                    raw.key.canonical()
                )),
            }
        }
    }
    Ok((
        default.map(|(v, _)| v),
        rules.into_iter().map(|(r, _)| r).collect(),
    ))
}

/// `off`, `on` or `dual`, exactly.
fn writing_mode(value: &Value) -> Result<WritingMode, String> {
    match value {
        Value::String(s) => s.parse().map_err(|e: Error| e.message().to_owned()),
        other => Err(format!(
            "expected a writing mode (off, on or dual), found {}",
            describe(other)
        )),
    }
}

fn boolean(value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        other => Err(format!(
            "expected a boolean (true or false), found {}",
            describe(other)
        )),
    }
}

/// A whole number of calls per second, at least 1.
fn qps(value: &Value) -> Result<u32, String> {
    let Value::Number(n) = value else {
        return Err(format!(
            "expected a positive whole number of queries per second, found {}",
            describe(value)
        ));
    };
    match (n.as_u64(), n.as_i64()) {
        (Some(0), _) | (None, Some(_)) => Err(format!("must be greater than 0, found {n}")),
        (Some(q), _) => {
            u32::try_from(q).map_err(|_| format!("must be at most {}, found {n}", u32::MAX))
        }
        (None, None) => Err(format!("must be a whole number, found {n}")),
    }
}
