//! Key-by-key extraction from a YAML mapping, with the full key path in every message.
//!
//! Each block's parser takes the keys it knows from a [`Fields`]; whatever is left at
//! [`Fields::finish`] is unknown and becomes a warning. Keys this crate knows but cannot honour
//! are recorded as [`Unsupported`] so the caller can decide whether they are fatal (they are
//! for the datastores that hold visibility, and only warnings elsewhere).

use std::collections::BTreeMap;
use std::time::Duration;

use super::ConfigWarning;
use super::secret::Secret;
use super::yaml::Node;
use crate::error::{Error, Result};

/// A known key set to a value this crate cannot honour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unsupported {
    /// Full key path.
    pub path: String,
    /// Why, and what to do instead.
    pub reason: String,
}

/// Collects what parsing one datastore found besides hard errors.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    pub warnings: Vec<ConfigWarning>,
    pub unsupported: Vec<Unsupported>,
}

impl Findings {
    /// Records a warning.
    pub fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(ConfigWarning {
            path: path.into(),
            message: message.into(),
        });
    }

    /// Records a known key that cannot be honoured.
    pub fn unsupported(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.unsupported.push(Unsupported {
            path: path.into(),
            reason: reason.into(),
        });
    }
}

/// An error about the value at `path`.
pub(crate) fn invalid(path: &str, message: impl std::fmt::Display) -> Error {
    Error::invalid_argument(format!("{path}: {message}"))
}

/// `parent.key`, or `key` at the top.
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// The entries of one mapping, consumed key by key.
#[derive(Debug)]
pub(crate) struct Fields {
    path: String,
    entries: Vec<(String, Node, bool)>,
}

impl Fields {
    /// The mapping at `path`; null counts as an empty mapping.
    pub fn of(node: Node, path: &str) -> Result<Self> {
        let entries = match node {
            Node::Map(entries) => entries.into_iter().map(|(k, v)| (k, v, false)).collect(),
            Node::Null => Vec::new(),
            other => {
                return Err(invalid(
                    path,
                    format!("expected a mapping, got {}", other.describe()),
                ));
            }
        };
        Ok(Self {
            path: path.to_string(),
            entries,
        })
    }

    /// Path of this mapping.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Path of `key` inside this mapping.
    pub fn key_path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// Takes `key`'s value; `None` when the key is absent or null.
    pub fn take(&mut self, key: &str) -> Option<Node> {
        let entry = self
            .entries
            .iter_mut()
            .find(|(k, _, used)| k == key && !*used)?;
        entry.2 = true;
        match std::mem::replace(&mut entry.1, Node::Null) {
            Node::Null => None,
            node => Some(node),
        }
    }

    /// Takes a string; numbers and booleans are read as their text, an empty string as
    /// absent.
    pub fn string(&mut self, key: &str) -> Result<Option<String>> {
        let Some(node) = self.take(key) else {
            return Ok(None);
        };
        match node.scalar_text() {
            Some(text) if text.is_empty() => Ok(None),
            Some(text) => Ok(Some(text)),
            None => Err(invalid(
                &self.key_path(key),
                format!("expected a string, got {}", node.kind()),
            )),
        }
    }

    /// Takes a credential; the value is never quoted in a message.
    pub fn secret(&mut self, key: &str) -> Result<Secret> {
        let Some(node) = self.take(key) else {
            return Ok(Secret::default());
        };
        match node.scalar_text() {
            Some(text) => Ok(Secret::new(text)),
            None => Err(invalid(
                &self.key_path(key),
                format!("expected a string, got {}", node.kind()),
            )),
        }
    }

    /// Takes a boolean (`true` / `false`).
    pub fn bool(&mut self, key: &str) -> Result<Option<bool>> {
        match self.take(key) {
            None => Ok(None),
            Some(Node::Bool(b)) => Ok(Some(b)),
            Some(other) => Err(invalid(
                &self.key_path(key),
                format!("expected true or false, got {}", other.describe()),
            )),
        }
    }

    /// Takes a non-negative integer no larger than `max`.
    pub fn unsigned(&mut self, key: &str, max: u64) -> Result<Option<u64>> {
        let path = self.key_path(key);
        match self.take(key) {
            None => Ok(None),
            Some(Node::UInt(u)) if u <= max => Ok(Some(u)),
            Some(Node::Int(i)) if i >= 0 && (i as u64) <= max => Ok(Some(i as u64)),
            Some(node @ (Node::UInt(_) | Node::Int(_))) => Err(invalid(
                &path,
                format!(
                    "expected an integer from 0 to {max}, got {}",
                    node.describe()
                ),
            )),
            Some(other) => Err(invalid(
                &path,
                format!("expected an integer, got {}", other.describe()),
            )),
        }
    }

    /// Takes a `u32`.
    pub fn u32(&mut self, key: &str) -> Result<Option<u32>> {
        Ok(self.unsigned(key, u64::from(u32::MAX))?.map(|v| v as u32))
    }

    /// Takes a duration written like `"1h"`, `"15s"` or `"500ms"` (0 alone means zero).
    pub fn duration(&mut self, key: &str) -> Result<Option<Duration>> {
        let path = self.key_path(key);
        match self.take(key) {
            None => Ok(None),
            Some(Node::UInt(0) | Node::Int(0)) => Ok(Some(Duration::ZERO)),
            Some(Node::Str(text)) => parse_duration(&text)
                .map(Some)
                .ok_or_else(|| invalid(&path, duration_expected(&Node::Str(text)))),
            Some(other) => Err(invalid(&path, duration_expected(&other))),
        }
    }

    /// Takes a mapping of strings to scalars (read as text), in key order.
    pub fn string_map(&mut self, key: &str) -> Result<BTreeMap<String, String>> {
        let path = self.key_path(key);
        let Some(node) = self.take(key) else {
            return Ok(BTreeMap::new());
        };
        let Node::Map(entries) = node else {
            return Err(invalid(
                &path,
                format!("expected a mapping, got {}", node.describe()),
            ));
        };
        let mut out = BTreeMap::new();
        for (k, v) in entries {
            let text = match v {
                Node::Null => String::new(),
                other => other.scalar_text().ok_or_else(|| {
                    invalid(
                        &join(&path, &k),
                        format!("expected a string, got {}", other.kind()),
                    )
                })?,
            };
            out.insert(k, text);
        }
        Ok(out)
    }

    /// Takes a nested mapping.
    pub fn sub(&mut self, key: &str) -> Result<Option<Fields>> {
        let path = self.key_path(key);
        self.take(key)
            .map(|node| Fields::of(node, &path))
            .transpose()
    }

    /// Takes a key this crate knows but does not support: when `is_set` says the value asks
    /// for something, it is recorded as unsupported with `reason`.
    pub fn unsupported(
        &mut self,
        key: &str,
        is_set: impl Fn(&Node) -> bool,
        reason: &str,
        findings: &mut Findings,
    ) {
        let path = self.key_path(key);
        if let Some(node) = self.take(key)
            && is_set(&node)
        {
            findings.unsupported(path, reason);
        }
    }

    /// Takes a key that is known and deliberately has no effect here.
    pub fn ignore(&mut self, key: &str) {
        let _ = self.take(key);
    }

    /// Ends extraction: every key not taken is reported as unknown.
    pub fn finish(self, findings: &mut Findings) {
        for (key, _, used) in self.entries {
            if !used {
                findings.warn(join(&self.path, &key), "unknown key, ignored".to_string());
            }
        }
    }
}

/// Any non-zero value asks for something.
pub(crate) fn non_zero(node: &Node) -> bool {
    !node.is_zero()
}

fn duration_expected(got: &Node) -> String {
    format!(
        "expected a duration such as \"1h\", \"15s\" or \"500ms\", got {}",
        got.describe()
    )
}

/// Parses Go-style (`1h30m`, `1.5s`) and humantime-style (`1h 30m`, `2days`) durations.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text == "0" {
        return Some(Duration::ZERO);
    }
    humantime::parse_duration(text)
        .ok()
        .or_else(|| parse_go_duration(text))
}

/// Go's `time.ParseDuration` also takes fractions (`1.5h`) and `us`, which humantime does
/// not; configs written for the reference server use them.
fn parse_go_duration(text: &str) -> Option<Duration> {
    let mut rest = text;
    let mut total = 0f64;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if number_end == 0 {
            return None;
        }
        let number: f64 = rest[..number_end].parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let nanos_per_unit = match &rest[..unit_end] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_end..];
        total += number * nanos_per_unit;
    }
    if !total.is_finite() || total > u64::MAX as f64 {
        return None;
    }
    Some(Duration::from_nanos(total.round() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::persistence::yaml::parse_document;

    fn fields(text: &str) -> Fields {
        Fields::of(parse_document(text).unwrap(), "p").unwrap()
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("15s"), Some(Duration::from_secs(15)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5h"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("250us"), Some(Duration::from_micros(250)));
        assert_eq!(parse_duration("0"), Some(Duration::ZERO));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("5x"), None);
        assert_eq!(parse_duration(""), None);
    }

    #[test]
    fn typed_values_and_paths() {
        let mut f = fields("a: ten\nb: 7\nc: -1\nd: true\ne: 3600\nf: [1]\ng: 12345\n");
        assert_eq!(
            f.u32("a").unwrap_err().to_string(),
            "invalid argument: p.a: expected an integer, got \"ten\""
        );
        assert_eq!(f.u32("b").unwrap(), Some(7));
        assert!(f.u32("c").unwrap_err().to_string().contains("p.c"));
        assert_eq!(f.bool("d").unwrap(), Some(true));
        assert!(f.duration("e").unwrap_err().to_string().contains("p.e"));
        assert_eq!(
            f.secret("f").unwrap_err().to_string(),
            "invalid argument: p.f: expected a string, got a list"
        );
        assert_eq!(f.secret("g").unwrap().expose(), "12345");
        assert_eq!(f.u32("missing").unwrap(), None);
    }

    #[test]
    fn leftovers_are_warned() {
        let mut f = fields("known: 1\nstray: 2\n");
        f.ignore("known");
        let mut findings = Findings::default();
        f.finish(&mut findings);
        assert_eq!(findings.warnings.len(), 1);
        assert_eq!(findings.warnings[0].path, "p.stray");
    }
}
