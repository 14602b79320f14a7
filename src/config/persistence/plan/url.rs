//! Pieces of connection URLs built from config values.

use crate::config::persistence::fields::invalid;
use crate::error::Result;

/// Percent-encodes everything but RFC 3986 unreserved characters, so a user name, password,
/// database name or parameter can hold any character without changing the URL's structure.
pub(crate) fn encode(component: &str) -> String {
    let mut out = String::with_capacity(component.len());
    for byte in component.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A `host[:port]` (IPv6 hosts in brackets) from `connectAddr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostPort {
    /// Host name or address, brackets included for IPv6.
    pub host: String,
    /// Port, when given.
    pub port: Option<u16>,
}

impl HostPort {
    /// Parses `addr`; `path` names the key in errors.
    pub fn parse(addr: &str, path: &str) -> Result<Self> {
        let bad = |why: &str| invalid(path, format!("expected host:port, got {addr:?} ({why})"));
        if addr.is_empty() {
            return Err(bad("empty"));
        }
        if addr
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '/' | '@' | '?' | '#' | '\\'))
        {
            return Err(bad(
                "a host cannot contain whitespace, '/', '@', '?', '#' or '\\'",
            ));
        }
        let (host, port) = if let Some(rest) = addr.strip_prefix('[') {
            let (inside, after) = rest
                .split_once(']')
                .ok_or_else(|| bad("unclosed '[' of an IPv6 address"))?;
            let port = match after {
                "" => None,
                p => Some(
                    p.strip_prefix(':')
                        .ok_or_else(|| bad("unexpected text after ']'"))?,
                ),
            };
            (format!("[{inside}]"), port)
        } else {
            match addr.split_once(':') {
                Some((h, p)) if !p.contains(':') => (h.to_string(), Some(p)),
                Some(_) => return Err(bad("IPv6 addresses go in brackets: [::1]:5432")),
                None => (addr.to_string(), None),
            }
        };
        if host.is_empty() || host == "[]" {
            return Err(bad("no host"));
        }
        let port = port
            .map(|p| {
                p.parse::<u16>()
                    .map_err(|_| bad("the port is not a number from 0 to 65535"))
            })
            .transpose()?;
        Ok(HostPort { host, port })
    }

    /// The host without IPv6 brackets, as a certificate would name it.
    pub fn bare_host(&self) -> &str {
        self.host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(&self.host)
    }
}

impl std::fmt::Display for HostPort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.port {
            Some(p) => write!(f, "{}:{p}", self.host),
            None => f.write_str(&self.host),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_characters() {
        assert_eq!(encode("p@ss:w/rd?#%"), "p%40ss%3Aw%2Frd%3F%23%25");
        assert_eq!(encode("plain-Name_1.~"), "plain-Name_1.~");
        assert_eq!(encode("é"), "%C3%A9");
    }

    #[test]
    fn host_ports() {
        let hp = HostPort::parse("127.0.0.1:5432", "k").unwrap();
        assert_eq!((hp.host.as_str(), hp.port), ("127.0.0.1", Some(5432)));
        let hp = HostPort::parse("[::1]:3306", "k").unwrap();
        assert_eq!((hp.bare_host(), hp.port), ("::1", Some(3306)));
        assert_eq!(HostPort::parse("db", "k").unwrap().port, None);
        for bad in ["", "h:x", "h:99999", "a@b:1", "h/x", "::1", "[::1", ":5432"] {
            let e = HostPort::parse(bad, "k.connectAddr").unwrap_err();
            assert!(e.to_string().contains("k.connectAddr"), "{bad}: {e}");
        }
    }
}
