//! Just enough handling of `mysql://` URLs to show them without their password, to drop the
//! database from them (for the connection that creates it), and to know the password so it
//! can be scrubbed from any message.

/// The parts of `scheme://[userinfo@]host[:port][/database][?query]` this crate needs.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct UrlParts {
    /// `mysql` or `mariadb`, lowercased.
    pub scheme: String,
    /// Everything between `://` and the last `@` of the authority, if there is one.
    userinfo: Option<String>,
    /// `host[:port]`.
    pub host_port: String,
    /// The raw (still percent-encoded) database, without the leading `/`.
    pub raw_database: String,
    /// The raw query string, without `?`.
    pub raw_query: String,
}

impl UrlParts {
    /// Splits a URL. The authority ends at the first `/`, `?` or `#` after its last `@`, so a
    /// password containing those characters unencoded is still treated as a password.
    pub fn parse(url: &str) -> Option<UrlParts> {
        let (scheme, rest) = url.split_once("://")?;
        let (userinfo, after_at) = match rest.rfind('@') {
            Some(at) => (Some(rest[..at].to_string()), &rest[at + 1..]),
            None => (None, rest),
        };
        let end = after_at.find(['/', '?', '#']).unwrap_or(after_at.len());
        let host_port = after_at[..end].to_string();
        let tail = &after_at[end..];
        let tail = tail.split_once('#').map_or(tail, |(before, _)| before);
        let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
        Some(UrlParts {
            scheme: scheme.to_ascii_lowercase(),
            userinfo,
            host_port,
            raw_database: path.trim_start_matches('/').to_string(),
            raw_query: query.to_string(),
        })
    }

    /// The password as written in the URL (percent-encoded), if any.
    pub fn raw_password(&self) -> Option<&str> {
        self.userinfo
            .as_deref()
            .and_then(|info| info.split_once(':'))
            .map(|(_, password)| password)
            .filter(|password| !password.is_empty())
    }

    /// The URL with the password replaced by `****` (user, host, database and query kept).
    pub fn redacted(&self) -> String {
        let mut out = format!("{}://", self.scheme);
        if let Some(info) = &self.userinfo {
            match info.split_once(':') {
                Some((user, _)) => {
                    out.push_str(user);
                    out.push_str(":****@");
                }
                None => {
                    out.push_str(info);
                    out.push('@');
                }
            }
        }
        out.push_str(&self.host_port);
        if !self.raw_database.is_empty() {
            out.push('/');
            out.push_str(&self.raw_database);
        }
        if !self.raw_query.is_empty() {
            out.push('?');
            out.push_str(&self.raw_query);
        }
        out
    }

    /// The full URL (password included) with the database replaced by `database` (raw).
    pub fn with_raw_database(&self, database: &str) -> String {
        let mut out = format!("{}://", self.scheme);
        if let Some(info) = &self.userinfo {
            out.push_str(info);
            out.push('@');
        }
        out.push_str(&self.host_port);
        if !database.is_empty() {
            out.push('/');
            out.push_str(database);
        }
        if !self.raw_query.is_empty() {
            out.push('?');
            out.push_str(&self.raw_query);
        }
        out
    }

    /// Decoded query parameters, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.raw_query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) => (percent_decode(k), percent_decode(v)),
                None => (percent_decode(pair), String::new()),
            })
            .collect()
    }
}

/// Decodes `%XX` escapes (and nothing else: `+` stays a plus, as in URL paths and userinfo).
/// Malformed escapes are kept as written.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_the_password_only() {
        let u =
            UrlParts::parse("mysql://app:s%40cret@db.example:3307/vis?ssl-mode=REQUIRED").unwrap();
        assert_eq!(
            u.redacted(),
            "mysql://app:****@db.example:3307/vis?ssl-mode=REQUIRED"
        );
        assert_eq!(u.raw_password(), Some("s%40cret"));
        assert_eq!(percent_decode(u.raw_password().unwrap()), "s@cret");
        assert_eq!(u.host_port, "db.example:3307");
        assert_eq!(u.raw_database, "vis");
        assert_eq!(
            u.with_raw_database(""),
            "mysql://app:s%40cret@db.example:3307?ssl-mode=REQUIRED"
        );
    }

    #[test]
    fn unencoded_special_characters_stay_in_the_password() {
        let u = UrlParts::parse("mysql://app:pa/ss@w?rd@host/db").unwrap();
        assert_eq!(u.redacted(), "mysql://app:****@host/db");
        assert_eq!(u.raw_password(), Some("pa/ss@w?rd"));
    }

    #[test]
    fn urls_without_credentials_or_database() {
        let u = UrlParts::parse("MySQL://host").unwrap();
        assert_eq!(u.redacted(), "mysql://host");
        assert_eq!(u.raw_password(), None);
        let u = UrlParts::parse("mysql://root@127.0.0.1:3306/").unwrap();
        assert_eq!(u.redacted(), "mysql://root@127.0.0.1:3306");
        assert_eq!(u.raw_password(), None);
        assert!(UrlParts::parse("not a url").is_none());
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%20b%zz%4"), "a b%zz%4");
        assert_eq!(percent_decode("%E4%B8%AD"), "中");
    }
}
