//! Opaque next-page tokens.
//!
//! A token is URL-safe base64 of a small JSON document carrying a format version, the name of
//! the store that issued it, what kind of iteration it continues, a fingerprint of the
//! namespace and query it belongs to, and the sort-key values of the last record returned
//! (keyset pagination: no offsets, so records inserted between pages are neither skipped nor
//! repeated). Anything malformed, from another store, or from another query is rejected with
//! `InvalidArgument`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::query::ir::Scalar;

const FORMAT_VERSION: u32 = 1;

/// What kind of iteration a token continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenKind {
    /// An ordered listing (`list_workflow_executions` and the legacy listings).
    #[serde(rename = "l")]
    List,
    /// An unordered scan.
    #[serde(rename = "s")]
    Scan,
}

/// A decoded next-page token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageToken {
    #[serde(rename = "v")]
    version: u32,
    /// Name of the issuing store.
    #[serde(rename = "s")]
    pub store: String,
    /// Iteration kind.
    #[serde(rename = "k")]
    pub kind: TokenKind,
    /// Fingerprint of the namespace and query text.
    #[serde(rename = "q")]
    pub fingerprint: String,
    /// Sort-key values of the last record returned, one per key (`None` = missing value).
    #[serde(rename = "a")]
    pub after: Vec<Option<Scalar>>,
}

impl PageToken {
    /// A token continuing after `after`.
    pub fn new(
        store: impl Into<String>,
        kind: TokenKind,
        fingerprint: String,
        after: Vec<Option<Scalar>>,
    ) -> Self {
        Self {
            version: FORMAT_VERSION,
            store: store.into(),
            kind,
            fingerprint,
            after,
        }
    }

    /// Encodes the token.
    pub fn encode(&self) -> Vec<u8> {
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json).into_bytes()
    }

    /// Decodes a token without checking whom it belongs to.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let bad = |why: &str| Error::invalid_argument(format!("malformed next page token: {why}"));
        let json = URL_SAFE_NO_PAD
            .decode(bytes)
            .map_err(|_| bad("not a token issued by this crate"))?;
        let token: PageToken =
            serde_json::from_slice(&json).map_err(|_| bad("not a token issued by this crate"))?;
        if token.version != FORMAT_VERSION {
            return Err(bad(&format!(
                "format version {} is not supported (expected {FORMAT_VERSION})",
                token.version
            )));
        }
        Ok(token)
    }

    /// Decodes a token and checks that `store` issued it for this kind of iteration over the
    /// query with `fingerprint`, with `keys` sort-key values.
    pub fn decode_for(
        bytes: &[u8],
        store: &str,
        kind: TokenKind,
        fingerprint: &str,
        keys: usize,
    ) -> Result<Self, Error> {
        let token = Self::decode(bytes)?;
        if token.store != store {
            return Err(Error::invalid_argument(format!(
                "next page token was issued by store '{}', not by '{store}'",
                token.store
            )));
        }
        if token.kind != kind || token.fingerprint != fingerprint || token.after.len() != keys {
            return Err(Error::invalid_argument(
                "next page token belongs to a different query, namespace or kind of listing",
            ));
        }
        Ok(token)
    }

    /// The name of the store that issued a token (used to route continuations).
    pub fn issuing_store(bytes: &[u8]) -> Result<String, Error> {
        Ok(Self::decode(bytes)?.store)
    }
}

/// A stable fingerprint of a namespace and query text (64-bit FNV-1a, hex).
pub fn fingerprint(namespace_id: &str, query: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in namespace_id
        .bytes()
        .chain([0u8])
        .chain(query.trim().bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_foreign_tokens() {
        let fp = fingerprint("ns", "WorkflowType = 'x'");
        let t = PageToken::new(
            "sqlite",
            TokenKind::List,
            fp.clone(),
            vec![Some(Scalar::Time(5)), None, Some(Scalar::Str("r".into()))],
        );
        let bytes = t.encode();
        assert_eq!(
            PageToken::decode_for(&bytes, "sqlite", TokenKind::List, &fp, 3).unwrap(),
            t
        );
        assert_eq!(PageToken::issuing_store(&bytes).unwrap(), "sqlite");
        for err in [
            PageToken::decode_for(&bytes, "postgres", TokenKind::List, &fp, 3),
            PageToken::decode_for(&bytes, "sqlite", TokenKind::Scan, &fp, 3),
            PageToken::decode_for(&bytes, "sqlite", TokenKind::List, "0", 3),
            PageToken::decode_for(&bytes, "sqlite", TokenKind::List, &fp, 2),
            PageToken::decode(b"garbage!"),
            PageToken::decode(b""),
        ] {
            assert_eq!(err.unwrap_err().kind(), crate::ErrorKind::InvalidArgument);
        }
    }
}
