//! Just enough URL handling for `postgres://` and `mysql://` server URLs.

/// The parts of a server URL the command-line clients need.
#[derive(Debug, Default)]
pub(super) struct ServerUrl {
    /// Lowercased scheme (`postgres`, `mysql`, ...).
    pub scheme: String,
    /// User name, if the URL has one.
    pub user: Option<String>,
    /// Password, if the URL has one.
    pub password: Option<String>,
    /// Host without brackets; empty when the URL names none.
    pub host: String,
    /// Port, if the URL has one.
    pub port: Option<u16>,
    /// Database named by the path, if any.
    pub database: Option<String>,
    /// Query parameters in order.
    pub params: Vec<(String, String)>,
}

/// Splits `scheme://[user[:password]@]host[:port][/database][?key=value&…]`, percent-decoding
/// the user, password, host, database and parameters.
pub(super) fn parse(url: &str) -> Result<ServerUrl, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("not a URL (no scheme): {}", redact(url)))?;
    let (authority, path, query) = split(rest);
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((userinfo, hostport)) => (Some(userinfo), hostport),
        None => (None, authority),
    };
    let (user, password) = match userinfo {
        Some(info) => match info.split_once(':') {
            Some((user, password)) => (Some(decode(user)), Some(decode(password))),
            None => (Some(decode(info)), None),
        },
        None => (None, None),
    };
    let (host, port) =
        split_host_port(hostport).ok_or_else(|| format!("bad host or port in {}", redact(url)))?;
    let database = path
        .strip_prefix('/')
        .filter(|name| !name.is_empty())
        .map(decode);
    let params = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (decode(key), decode(value)),
            None => (decode(pair), String::new()),
        })
        .collect();
    Ok(ServerUrl {
        scheme: scheme.to_ascii_lowercase(),
        user,
        password,
        host: decode(host),
        port,
        database,
        params,
    })
}

/// The same URL with its path replaced by `/database`; query parameters are kept.
pub(super) fn with_database(url: &str, database: &str) -> String {
    let (prefix, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority, _, query) = split(rest);
    let mut out = format!("{prefix}://{authority}/{database}");
    if !query.is_empty() {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// The (decoded) database a URL names, if any.
pub(super) fn database_of(url: &str) -> Option<String> {
    parse(url).ok().and_then(|parsed| parsed.database)
}

/// The URL with any password replaced by `***`, for messages.
pub(super) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, _, _) = split(rest);
    match authority.rsplit_once('@') {
        Some((userinfo, hostport)) if userinfo.contains(':') => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            format!(
                "{scheme}://{user}:***@{hostport}{}",
                &rest[authority.len()..]
            )
        }
        _ => url.to_owned(),
    }
}

/// Splits what follows `://` into authority, path (with its leading '/') and query.
fn split(rest: &str) -> (&str, &str, &str) {
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..], query),
        None => (rest, "", query),
    }
}

fn split_host_port(hostport: &str) -> Option<(&str, Option<u16>)> {
    if let Some(bracketed) = hostport.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        return match after.strip_prefix(':') {
            Some(port) => Some((host, Some(port.parse().ok()?))),
            None if after.is_empty() => Some((host, None)),
            None => None,
        };
    }
    match hostport.rsplit_once(':') {
        Some((host, port)) => Some((host, Some(port.parse().ok()?))),
        None => Some((hostport, None)),
    }
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
