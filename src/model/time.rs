//! Timestamps: microsecond precision, 1970-01-01T00:00:00Z to 2262-04-11T23:47:16.854775Z.
//!
//! Records and List Filter literals are truncated to whole microseconds; stores keep
//! timestamps as microseconds since the Unix epoch.

use chrono::{DateTime, TimeZone, Utc};

use crate::error::Error;

/// The earliest storable timestamp, in microseconds since the epoch.
pub const MIN_MICROS: i64 = 0;
/// The latest storable timestamp (`i64::MAX` nanoseconds, truncated to microseconds).
pub const MAX_MICROS: i64 = i64::MAX / 1000;

/// Microseconds since the epoch, truncating finer fractions toward the past.
pub fn to_micros(t: &DateTime<Utc>) -> i64 {
    t.timestamp()
        .saturating_mul(1_000_000)
        .saturating_add(i64::from(t.timestamp_subsec_micros()))
}

/// The timestamp for microseconds since the epoch.
pub fn from_micros(micros: i64) -> DateTime<Utc> {
    Utc.timestamp_micros(micros)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Truncates a timestamp to whole microseconds.
pub fn truncate(t: &DateTime<Utc>) -> DateTime<Utc> {
    from_micros(to_micros(t))
}

/// Checks that a timestamp lies in the storable range; `what` names the field in the error.
pub fn check_range(t: &DateTime<Utc>, what: &str) -> Result<i64, Error> {
    let micros = to_micros(t);
    if !(MIN_MICROS..=MAX_MICROS).contains(&micros) || t.timestamp() < 0 {
        return Err(Error::invalid_argument(format!(
            "{what} {} is outside the supported range 1970-01-01T00:00:00Z to \
             2262-04-11T23:47:16.854775Z",
            t.to_rfc3339()
        )));
    }
    Ok(micros)
}

/// Formats a timestamp as RFC 3339 with microseconds and a `Z` suffix.
pub fn format_rfc3339(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Parses an RFC 3339 timestamp (offset required, fraction optional), truncated to µs.
pub fn parse_rfc3339(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| truncate(&t.with_timezone(&Utc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_and_bounds() {
        let t = parse_rfc3339("2026-01-01T00:00:00.123456789+02:00").unwrap();
        assert_eq!(format_rfc3339(&t), "2025-12-31T22:00:00.123456Z");
        assert!(check_range(&from_micros(MAX_MICROS), "x").is_ok());
        assert!(check_range(&from_micros(MAX_MICROS + 1), "x").is_err());
        assert!(check_range(&from_micros(-1), "StartTime").is_err());
        let before = parse_rfc3339("1969-12-31T23:59:59.9999999Z").unwrap();
        assert_eq!(to_micros(&before), -1);
    }
}
