//! Mapping of MySQL/MariaDB driver errors onto the crate's error categories.
//!
//! Messages name the store, the operation and the server address, and point at the `wfvis`
//! command that fixes a missing schema. They never contain a password: URLs are shown
//! redacted, and every message is scrubbed of the password as a last line of defence.

use std::time::Duration;

use sqlx::mysql::MySqlDatabaseError;

use crate::error::Error;
use crate::store::mysql::options::MysqlOptions;

/// Server error numbers the store reacts to.
pub(crate) mod code {
    /// `ER_DUP_ENTRY`: a unique key already holds the value.
    pub const DUPLICATE_ENTRY: u16 = 1062;
    /// `ER_LOCK_DEADLOCK`: the transaction was rolled back to break a deadlock.
    pub const DEADLOCK: u16 = 1213;
    /// `ER_LOCK_WAIT_TIMEOUT`.
    pub const LOCK_WAIT_TIMEOUT: u16 = 1205;
    /// `ER_DBACCESS_DENIED_ERROR`: the user may not use (or create) the database.
    pub const DATABASE_ACCESS_DENIED: u16 = 1044;
    /// `ER_ACCESS_DENIED_ERROR`: bad user name or password.
    pub const ACCESS_DENIED: u16 = 1045;
    /// `ER_BAD_DB_ERROR`: unknown database.
    pub const UNKNOWN_DATABASE: u16 = 1049;
    /// `ER_TABLE_EXISTS_ERROR`.
    pub const TABLE_EXISTS: u16 = 1050;
    /// `ER_DUP_FIELDNAME`.
    pub const DUPLICATE_COLUMN: u16 = 1060;
    /// `ER_DUP_KEYNAME`.
    pub const DUPLICATE_KEY_NAME: u16 = 1061;
    /// `ER_CANT_DROP_FIELD_OR_KEY`.
    pub const CANT_DROP: u16 = 1091;
    /// `ER_NO_SUCH_TABLE`.
    pub const NO_SUCH_TABLE: u16 = 1146;
    /// `ER_DATA_TOO_LONG`.
    pub const DATA_TOO_LONG: u16 = 1406;
    /// `ER_CON_COUNT_ERROR`: too many connections.
    pub const TOO_MANY_CONNECTIONS: u16 = 1040;
    /// `ER_RECORD_FILE_FULL`: the table is full.
    pub const TABLE_FULL: u16 = 1114;
    /// `ER_DISK_FULL`.
    pub const DISK_FULL: u16 = 1021;
    /// `ER_ACCESS_DENIED_NO_PASSWORD_ERROR` (MySQL 8).
    pub const ACCESS_DENIED_NO_PASSWORD: u16 = 1698;
}

/// The server error number of a driver error, if it is one.
pub(crate) fn error_number(e: &sqlx::Error) -> Option<u16> {
    match e {
        sqlx::Error::Database(db) => db
            .try_downcast_ref::<MySqlDatabaseError>()
            .map(MySqlDatabaseError::number),
        _ => None,
    }
}

/// What error messages of one store may say about where they come from.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ErrorScope {
    /// Store name.
    pub name: String,
    /// `host:port`.
    pub address: String,
    /// The redacted URL, for `wfvis --url …` hints.
    pub location: String,
    /// Database name.
    pub database: String,
    /// How long a connection may take to be acquired.
    pub acquire_timeout: Duration,
    /// Largest pool size.
    pub max_connections: u32,
    secrets: Vec<String>,
}

/// Written by hand so the password never shows.
impl std::fmt::Debug for ErrorScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ErrorScope")
            .field("name", &self.name)
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

impl ErrorScope {
    pub fn new(options: &MysqlOptions) -> Self {
        Self {
            name: options.name.clone(),
            address: options.address(),
            location: options.redacted_url(),
            database: options.database(),
            acquire_timeout: options.pool.connect_timeout,
            max_connections: options.pool.max_connections,
            secrets: options.secrets(),
        }
    }

    /// `text` with every occurrence of the password replaced by `****`.
    pub fn scrub(&self, text: String) -> String {
        let mut text = text;
        for secret in &self.secrets {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), "****");
            }
        }
        text
    }

    /// The error for a database that has no (or an incomplete) visibility schema.
    pub fn missing_schema(&self, detail: &str) -> Error {
        Error::Unavailable(self.scrub(format!(
            "{}: the database {} at {} has no visibility schema ({detail}); create it with \
             `wfvis --url {} schema setup`",
            self.name, self.database, self.address, self.location
        )))
    }

    /// Converts a driver error from `operation` into a crate error.
    pub fn map(&self, operation: &str, e: sqlx::Error) -> Error {
        let Self {
            name,
            address,
            location,
            database,
            ..
        } = self;
        let error = match e {
            sqlx::Error::Database(db) => {
                let number = db
                    .try_downcast_ref::<MySqlDatabaseError>()
                    .map(MySqlDatabaseError::number)
                    .unwrap_or(0);
                let message = db.message().to_string();
                match number {
                    code::DEADLOCK => Error::Unavailable(format!(
                        "{name}: {operation} failed: the server broke a deadlock with a \
                         concurrent transaction by rolling this one back; retry"
                    )),
                    code::LOCK_WAIT_TIMEOUT => Error::Unavailable(format!(
                        "{name}: {operation} failed: a row stayed locked by another transaction \
                         longer than the lock wait timeout; retry"
                    )),
                    code::ACCESS_DENIED | code::ACCESS_DENIED_NO_PASSWORD => {
                        Error::invalid_argument(format!(
                            "{name}: {operation} failed: the server at {address} rejected the \
                             credentials in {location}: {message}"
                        ))
                    }
                    code::DATABASE_ACCESS_DENIED => Error::invalid_argument(format!(
                        "{name}: {operation} failed: the server at {address} denies access to \
                         database {database}: {message}"
                    )),
                    code::UNKNOWN_DATABASE => Error::Unavailable(format!(
                        "{name}: {operation} failed: database {database} does not exist at \
                         {address}; create it and its schema with `wfvis --url {location} \
                         schema setup`"
                    )),
                    code::NO_SUCH_TABLE => {
                        return self.missing_schema(&format!("{operation} failed: {message}"));
                    }
                    code::DATA_TOO_LONG => Error::invalid_argument(format!(
                        "{name}: {operation} failed: a value is longer than its column allows: \
                         {message}"
                    )),
                    code::TOO_MANY_CONNECTIONS => Error::ResourceExhausted(format!(
                        "{name}: {operation} failed: the server at {address} has too many \
                         connections; retry later"
                    )),
                    code::TABLE_FULL | code::DISK_FULL => Error::ResourceExhausted(format!(
                        "{name}: {operation} failed: the database is full: {message}"
                    )),
                    _ => Error::Internal(format!(
                        "{name}: {operation} failed: {message} (MySQL error {number})"
                    )),
                }
            }
            sqlx::Error::PoolTimedOut => Error::Unavailable(format!(
                "{name}: {operation} failed: no connection to the server at {address} became \
                 available within {} (all {} pooled connections busy, or the server does not \
                 accept connections)",
                humantime::format_duration(self.acquire_timeout),
                self.max_connections
            )),
            sqlx::Error::PoolClosed => {
                Error::Unavailable(format!("{name}: {operation} failed: the store is closed"))
            }
            sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                Error::Unavailable(format!(
                    "{name}: {operation} failed: cannot connect to the MySQL server at {address}: \
                     connection refused"
                ))
            }
            sqlx::Error::Io(io) => Error::Unavailable(format!(
                "{name}: {operation} failed: I/O error talking to the server at {address}: {io}"
            )),
            sqlx::Error::Tls(tls) => Error::Unavailable(format!(
                "{name}: {operation} failed: TLS error with the server at {address}: {tls}"
            )),
            sqlx::Error::Configuration(c) => Error::invalid_argument(format!(
                "{name}: {operation} failed: invalid connection settings for {location}: {c}"
            )),
            other => Error::Internal(format!("{name}: {operation} failed: {other}")),
        };
        self.scrub_error(error)
    }

    /// The same error with the password scrubbed from its message.
    pub fn scrub_error(&self, error: Error) -> Error {
        match error {
            Error::InvalidArgument { message, position } => Error::InvalidArgument {
                message: self.scrub(message),
                position,
            },
            Error::NotFound(m) => Error::NotFound(self.scrub(m)),
            Error::AlreadyExists(m) => Error::AlreadyExists(self.scrub(m)),
            Error::ResourceExhausted(m) => Error::ResourceExhausted(self.scrub(m)),
            Error::Unavailable(m) => Error::Unavailable(self.scrub(m)),
            Error::Internal(m) => Error::Internal(self.scrub(m)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> ErrorScope {
        ErrorScope::new(&MysqlOptions::from_url("mysql://app:Sentinel%2F42@db:3307/vis").unwrap())
    }

    #[test]
    fn refused_and_pool_timeouts_are_unavailable_and_name_the_address() {
        let s = scope();
        let refused = s.map(
            "opening",
            sqlx::Error::Io(std::io::ErrorKind::ConnectionRefused.into()),
        );
        assert!(refused.is_retryable());
        assert!(refused.to_string().contains("db:3307"), "{refused}");
        let timeout = s.map("listing", sqlx::Error::PoolTimedOut);
        assert!(timeout.is_retryable());
        assert!(timeout.to_string().contains("db:3307"), "{timeout}");
    }

    #[test]
    fn scrubs_raw_and_decoded_passwords() {
        let s = scope();
        assert_eq!(
            s.scrub("a Sentinel/42 b Sentinel%2F42".into()),
            "a **** b ****"
        );
        let e = s.map(
            "x",
            sqlx::Error::Configuration("bad value Sentinel/42".into()),
        );
        assert!(!e.to_string().contains("Sentinel"), "{e}");
        assert!(
            s.missing_schema("none")
                .to_string()
                .contains("wfvis --url mysql://app:****@db:3307/vis schema setup")
        );
        assert!(!format!("{s:?}").contains("Sentinel"));
    }
}
