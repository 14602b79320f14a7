use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer};

use crate::error::Error;

/// A dotted schema version such as `1.10`, ordered numerically part by part.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version(Vec<u64>);

impl FromStr for Version {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let parts: Result<Vec<u64>, _> = s.split('.').map(str::parse).collect();
        match parts {
            Ok(p) if !p.is_empty() => Ok(Version(p)),
            _ => Err(Error::invalid_argument(format!(
                "invalid schema version '{s}' (expected digits separated by dots, e.g. 1.2)"
            ))),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u64::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_numerically() {
        let v = |s: &str| s.parse::<Version>().unwrap();
        assert!(v("1.10") > v("1.9"));
        assert!(v("v2.0") > v("1.99"));
        assert_eq!(v("1.2").to_string(), "1.2");
        assert!("1.x".parse::<Version>().is_err());
        assert!("".parse::<Version>().is_err());
    }
}
