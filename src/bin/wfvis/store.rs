//! Opening a store from a `--url`, through the library's URL dispatch
//! (`workflow_visibility::store::connect`), so every store the build includes works here.

use std::sync::Arc;

use workflow_visibility::VisibilityManager;
use workflow_visibility::store::connect as dispatch;

use crate::failure::{CliResult, Failure};

/// The URL forms, for error messages.
const SUPPORTED_URLS: &str = "sqlite::memory:, sqlite://PATH, postgres://… or mysql://…";

/// Returns the `--url` value or a usage error explaining how to give one.
pub fn require_url(url: Option<&str>) -> CliResult<&str> {
    let url = url.ok_or_else(|| {
        Failure::usage(format!(
            "no store URL given: pass --url URL ({SUPPORTED_URLS}) or set WFVIS_URL"
        ))
    })?;
    // Reject a bad scheme as a usage error before anything connects. The URL is not echoed:
    // it may carry a password.
    dispatch::StoreKind::of_url(url).map_err(|e| Failure::usage(e.message().to_string()))?;
    Ok(url)
}

/// Opens the store at `url`; its schema must exist already.
pub async fn connect(url: &str) -> CliResult<Arc<dyn VisibilityManager>> {
    Ok(dispatch::connect(url).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unknown_schemes_without_echoing_secrets() {
        let e = require_url(Some("ftp://user:secret@host/db")).unwrap_err();
        assert!(!e.to_string().contains("secret"), "{e}");
        assert!(require_url(Some("no-scheme")).is_err());
        assert!(require_url(None).is_err());
        assert!(require_url(Some("sqlite::memory:")).is_ok());
    }
}
