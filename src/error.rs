//! The crate's single error type.
//!
//! Every failure a store can report falls into one of six categories a server can act on
//! (see [`ErrorKind`]). Messages never contain credentials: driver errors are reduced to a
//! category and a sanitised description before they reach this type.

use std::fmt;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a caller can do about an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The request is malformed; retrying it unchanged fails again.
    InvalidArgument,
    /// The addressed record or attribute does not exist.
    NotFound,
    /// The entity to create exists already.
    AlreadyExists,
    /// A limit (rate, quota, pool) was hit; retry later or slow down.
    ResourceExhausted,
    /// The store could not be reached or did not answer in time; retrying may succeed.
    Unavailable,
    /// A bug or corrupted data; not retryable.
    Internal,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::InvalidArgument => "invalid argument",
            ErrorKind::NotFound => "not found",
            ErrorKind::AlreadyExists => "already exists",
            ErrorKind::ResourceExhausted => "resource exhausted",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Internal => "internal error",
        })
    }
}

/// Errors returned by every [`VisibilityManager`](crate::VisibilityManager) call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad input: a malformed List Filter, an unknown search attribute, an out-of-range value.
    ///
    /// `position` is the byte offset into the List Filter where the problem was found, when
    /// the error comes from a query.
    #[error("invalid argument: {message}{}", position_suffix(*.position))]
    InvalidArgument {
        /// What is wrong.
        message: String,
        /// Byte offset into the query text, for List Filter errors.
        position: Option<usize>,
    },
    /// The record or attribute does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The entity being created exists already.
    #[error("already exists: {0}")]
    AlreadyExists(String),
    /// A rate, quota or pool limit was hit.
    #[error("resource exhausted: {0}")]
    ResourceExhausted(String),
    /// The store is unreachable, busy or timed out. Retryable.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Unexpected failure (bug, corrupted data). Not retryable.
    #[error("internal error: {0}")]
    Internal(String),
}

fn position_suffix(position: Option<usize>) -> String {
    match position {
        Some(p) => format!(" (at byte {p})"),
        None => String::new(),
    }
}

impl Error {
    /// An [`Error::InvalidArgument`] without a query position.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            message: message.into(),
            position: None,
        }
    }

    /// An [`Error::InvalidArgument`] pointing at a byte offset of a List Filter.
    pub fn invalid_query(message: impl Into<String>, position: usize) -> Self {
        Error::InvalidArgument {
            message: message.into(),
            position: Some(position),
        }
    }

    /// The category of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidArgument { .. } => ErrorKind::InvalidArgument,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::AlreadyExists(_) => ErrorKind::AlreadyExists,
            Error::ResourceExhausted(_) => ErrorKind::ResourceExhausted,
            Error::Unavailable(_) => ErrorKind::Unavailable,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// Whether retrying the same call later may succeed (unavailable or resource exhausted).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::Unavailable | ErrorKind::ResourceExhausted
        )
    }

    /// The message without the category prefix.
    pub fn message(&self) -> &str {
        match self {
            Error::InvalidArgument { message, .. } => message,
            Error::NotFound(m)
            | Error::AlreadyExists(m)
            | Error::ResourceExhausted(m)
            | Error::Unavailable(m)
            | Error::Internal(m) => m,
        }
    }

    /// The same error with `prefix: ` in front of its message (category and position kept).
    pub fn context(self, prefix: impl std::fmt::Display) -> Self {
        match self {
            Error::InvalidArgument { message, position } => Error::InvalidArgument {
                message: format!("{prefix}: {message}"),
                position,
            },
            Error::NotFound(m) => Error::NotFound(format!("{prefix}: {m}")),
            Error::AlreadyExists(m) => Error::AlreadyExists(format!("{prefix}: {m}")),
            Error::ResourceExhausted(m) => Error::ResourceExhausted(format!("{prefix}: {m}")),
            Error::Unavailable(m) => Error::Unavailable(format!("{prefix}: {m}")),
            Error::Internal(m) => Error::Internal(format!("{prefix}: {m}")),
        }
    }

    /// For List Filter errors, the byte offset into the query text.
    pub fn position(&self) -> Option<usize> {
        match self {
            Error::InvalidArgument { position, .. } => *position,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_includes_category_and_position() {
        let e = Error::invalid_query("unknown search attribute 'Foo'", 7);
        assert_eq!(
            e.to_string(),
            "invalid argument: unknown search attribute 'Foo' (at byte 7)"
        );
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(!e.is_retryable());
        assert!(Error::Unavailable("x".into()).is_retryable());
        assert!(Error::ResourceExhausted("x".into()).is_retryable());
        assert!(!Error::Internal("x".into()).is_retryable());
    }
}
