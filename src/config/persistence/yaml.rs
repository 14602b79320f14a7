//! A generic YAML tree, so values can be extracted one key at a time with their full path.
//!
//! Deserialising straight into typed structs would report the first problem in serde's words
//! and could not tell "unknown key" from "key this crate refuses"; a tree lets the extractor
//! decide per key and name the path in every message.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{Error, Result};

/// One YAML node. Mapping keys are kept as text, in document order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The scalar's text, as Go's YAML decoder would store it into a string field.
    pub(crate) fn scalar_text(&self) -> Option<String> {
        match self {
            Node::Bool(b) => Some(b.to_string()),
            Node::Int(i) => Some(i.to_string()),
            Node::UInt(u) => Some(u.to_string()),
            Node::Float(f) => Some(f.to_string()),
            Node::Str(s) => Some(s.clone()),
            Node::Null | Node::Seq(_) | Node::Map(_) => None,
        }
    }

    /// Whether the node holds nothing but zero values (null, false, 0, "", empty
    /// collections, or mappings of those): an operator who writes such a value for a key
    /// this crate does not support asks for nothing it would drop.
    pub(crate) fn is_zero(&self) -> bool {
        match self {
            Node::Null => true,
            Node::Bool(b) => !b,
            Node::Int(i) => *i == 0,
            Node::UInt(u) => *u == 0,
            Node::Float(f) => *f == 0.0,
            Node::Str(s) => s.is_empty(),
            Node::Seq(items) => items.iter().all(Node::is_zero),
            Node::Map(entries) => entries.iter().all(|(_, v)| v.is_zero()),
        }
    }

    /// What kind of value this is, for messages that must not quote it.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Int(_) | Node::UInt(_) => "an integer",
            Node::Float(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }

    /// The value as shown in an error: scalars quoted, collections by kind only.
    pub(crate) fn describe(&self) -> String {
        match self {
            Node::Str(s) => format!("{s:?}"),
            Node::Seq(_) | Node::Map(_) | Node::Null => self.kind().to_string(),
            other => other.scalar_text().unwrap_or_default(),
        }
    }
}

/// Parses one YAML document. An empty document is [`Node::Null`].
///
/// Source snippets are turned off in the parser's messages because the offending line may
/// hold a password.
pub(crate) fn parse_document(text: &str) -> Result<Node> {
    let options = serde_saphyr::options! {
        with_snippet: false,
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
    };
    serde_saphyr::from_str_with_options::<Node>(text, options).map_err(|e| {
        // The parser's hint about its own options means nothing to an operator.
        let message = e
            .to_string()
            .replace(", set DuplicateKeyPolicy in Options if acceptable", "");
        Error::invalid_argument(format!("persistence config is not valid YAML: {message}"))
    })
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::UInt(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Node, E> {
        Ok(Node::Str(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<Node, Node>()? {
            // A non-text key (a number, or a collection used as a key) cannot name a setting
            // this crate reads; it is kept under a printable stand-in so it is still reported
            // as unknown where that matters.
            let key = key
                .scalar_text()
                .unwrap_or_else(|| "<complex key>".to_string());
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_keep_their_types() {
        let node = parse_document(
            "a: 1\nb: \"1\"\nc: true\nd: 1h\ne: ~\nf: -3\ng: 0123\nh: yes\ni: 1.5\nj: [1, x]\n",
        )
        .unwrap();
        let Node::Map(entries) = node else {
            panic!("expected a mapping")
        };
        let values: Vec<Node> = entries.into_iter().map(|(_, v)| v).collect();
        assert_eq!(
            values,
            vec![
                Node::UInt(1),
                Node::Str("1".into()),
                Node::Bool(true),
                Node::Str("1h".into()),
                Node::Null,
                Node::Int(-3),
                Node::Str("0123".into()),
                Node::Str("yes".into()),
                Node::Float(1.5),
                Node::Seq(vec![Node::UInt(1), Node::Str("x".into())]),
            ]
        );
    }

    #[test]
    fn flow_maps_and_numeric_keys() {
        let node = parse_document("x: { sql: { maxConns: 2 } }\n1: one\n").unwrap();
        let Node::Map(entries) = node else {
            panic!("expected a mapping")
        };
        assert_eq!(entries[0].0, "x");
        assert_eq!(entries[1].0, "1");
    }

    #[test]
    fn zero_values() {
        assert!(
            parse_document("{a: \"\", b: [false, 0], c: {d: ~}}")
                .unwrap()
                .is_zero()
        );
        assert!(
            !parse_document("{a: \"\", b: [false, 1]}")
                .unwrap()
                .is_zero()
        );
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = parse_document("a: 1\nb: 2\na: 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("duplicate mapping key: a"), "{e}");
        assert!(!e.contains("DuplicateKeyPolicy"), "{e}");
    }

    #[test]
    fn syntax_errors_do_not_quote_the_source() {
        let e = parse_document("a:\n  password: hunter2\n   b: [").unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }
}
