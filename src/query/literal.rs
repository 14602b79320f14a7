//! Typing of literals: converts an untyped literal into a scalar of the queried attribute's
//! kind (datetimes, durations, status names, numbers), or explains why it does not fit.

use crate::attributes::SystemAttribute;
use crate::error::Error;
use crate::model::{ExecutionStatus, SearchAttributeType, time};
use crate::query::ast::{Literal, Value};
use crate::query::ir::Scalar;

/// How an attribute's values are queried: its search-attribute type, or one of the two
/// system attributes with their own literal forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Keyword,
    Text,
    Int,
    Double,
    Bool,
    Datetime,
    KeywordList,
    /// `ExecutionStatus`: names or codes, compared as codes.
    Status,
    /// `ExecutionDuration`: Int nanoseconds or duration strings.
    Duration,
}

impl Kind {
    /// The kind of a system attribute.
    pub fn of_system(attr: SystemAttribute) -> Kind {
        match attr {
            SystemAttribute::ExecutionStatus => Kind::Status,
            SystemAttribute::ExecutionDuration => Kind::Duration,
            other => Self::of_type(other.value_type()),
        }
    }

    /// The kind of a predefined or custom attribute of type `ty`.
    pub fn of_type(ty: SearchAttributeType) -> Kind {
        match ty {
            SearchAttributeType::Keyword => Kind::Keyword,
            SearchAttributeType::Text => Kind::Text,
            SearchAttributeType::Int => Kind::Int,
            SearchAttributeType::Double => Kind::Double,
            SearchAttributeType::Bool => Kind::Bool,
            SearchAttributeType::Datetime => Kind::Datetime,
            SearchAttributeType::KeywordList => Kind::KeywordList,
        }
    }

    /// The type name used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Keyword => "Keyword",
            Kind::Text => "Text",
            Kind::Int => "Int",
            Kind::Double => "Double",
            Kind::Bool => "Bool",
            Kind::Datetime => "Datetime",
            Kind::KeywordList => "KeywordList",
            Kind::Status => "ExecutionStatus",
            Kind::Duration => "duration",
        }
    }

    /// What literals the kind accepts, for error messages.
    fn expected(self) -> &'static str {
        match self {
            Kind::Keyword | Kind::Text | Kind::KeywordList => "a quoted string",
            Kind::Int | Kind::Double => "a number",
            Kind::Bool => "true or false",
            Kind::Datetime => {
                "an RFC 3339 timestamp string with offset (e.g. '2026-01-01T00:00:00Z') or \
                 integer Unix nanoseconds"
            }
            Kind::Status => {
                "a status name (Running, Completed, Failed, Canceled, Terminated, \
                 ContinuedAsNew, TimedOut) or a code 1-7"
            }
            Kind::Duration => {
                "integer nanoseconds or a duration string (e.g. '1h30m', '2d', '01:02:03')"
            }
        }
    }
}

/// A literal converted to an attribute's scalar kind.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Converted {
    /// A value the attribute can hold.
    Exact(Scalar),
    /// A number no attribute value equals (`1.5` for an Int, `1e400` for a Double): the
    /// nearest holdable values below and above it, `None` when there is none on that side.
    Gap {
        /// Greatest holdable value below the literal.
        floor: Option<Scalar>,
        /// Least holdable value above the literal.
        ceil: Option<Scalar>,
    },
}

/// The error for a literal of the wrong type.
pub(crate) fn type_error(kind: Kind, lit: &Literal<'_>, attr: &str) -> Error {
    Error::invalid_query(
        format!(
            "expected {} for '{attr}' ({}), found {} {}",
            kind.expected(),
            kind.name(),
            lit.value.kind_name(),
            lit.raw
        ),
        lit.offset,
    )
}

/// The string of a string literal, or a type error.
pub(crate) fn expect_str<'l>(
    kind: Kind,
    lit: &'l Literal<'_>,
    attr: &str,
) -> Result<&'l str, Error> {
    match &lit.value {
        Value::Str(s) => Ok(s),
        _ => Err(type_error(kind, lit, attr)),
    }
}

/// Converts a literal for an attribute of `kind` named `attr`.
pub(crate) fn convert(kind: Kind, lit: &Literal<'_>, attr: &str) -> Result<Converted, Error> {
    let exact = |s| Ok(Converted::Exact(s));
    match (kind, &lit.value) {
        (Kind::Keyword | Kind::Text | Kind::KeywordList, Value::Str(s)) => {
            exact(Scalar::Str(s.to_string()))
        }
        (Kind::Int | Kind::Duration, Value::Int(n)) => exact(Scalar::Int(*n)),
        (Kind::Int | Kind::Duration, Value::Float(f)) => Ok(int_from_float(*f)),
        (Kind::Duration, Value::Str(s)) => match parse_duration(s) {
            Some(ns) => exact(Scalar::Int(ns)),
            None => Err(Error::invalid_query(
                format!(
                    "invalid duration {} for '{attr}': expected {}",
                    lit.raw,
                    kind.expected()
                ),
                lit.offset,
            )),
        },
        // Nearest-double rounding is the meaning of any numeric literal for a Double.
        (Kind::Double, Value::Int(n)) => exact(Scalar::Double(*n as f64)),
        (Kind::Double, Value::Float(f)) => Ok(double_from_float(*f)),
        (Kind::Bool, Value::Bool(b)) => exact(Scalar::Bool(*b)),
        (Kind::Datetime, Value::Int(nanos)) => exact(Scalar::Time(nanos.div_euclid(1000))),
        (Kind::Datetime, Value::Str(s)) => match time::parse_rfc3339(s) {
            Some(t) => exact(Scalar::Time(time::to_micros(&t))),
            None => Err(Error::invalid_query(
                format!(
                    "invalid datetime {} for '{attr}': expected {}",
                    lit.raw,
                    kind.expected()
                ),
                lit.offset,
            )),
        },
        (Kind::Status, Value::Str(s)) => match ExecutionStatus::from_name(s) {
            Some(status) => exact(Scalar::Int(status.code())),
            None => Err(Error::invalid_query(
                format!(
                    "unknown execution status {} for '{attr}': expected {} (names are \
                     case-sensitive)",
                    lit.raw,
                    kind.expected()
                ),
                lit.offset,
            )),
        },
        (Kind::Status, Value::Int(code)) => match ExecutionStatus::from_code(*code) {
            Some(status) => exact(Scalar::Int(status.code())),
            None => Err(Error::invalid_query(
                format!(
                    "unknown execution status code {code} for '{attr}': expected {}",
                    kind.expected()
                ),
                lit.offset,
            )),
        },
        _ => Err(type_error(kind, lit, attr)),
    }
}

/// 2^63 as a double: the first value above `i64::MAX`.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// An Int-field view of a float literal, exact without any overflowing cast.
fn int_from_float(f: f64) -> Converted {
    let in_range = (-TWO_POW_63..TWO_POW_63).contains(&f);
    // `fract` of an infinity is NaN, so infinities are never exact.
    if in_range && f.fract() == 0.0 {
        return Converted::Exact(Scalar::Int(f as i64));
    }
    let (floor, ceil) = if f >= TWO_POW_63 {
        (Some(i64::MAX), None)
    } else if f < -TWO_POW_63 {
        (None, Some(i64::MIN))
    } else {
        // In range and not integral, so |f| < 2^52 and both casts are exact.
        (Some(f.floor() as i64), Some(f.ceil() as i64))
    };
    Converted::Gap {
        floor: floor.map(Scalar::Int),
        ceil: ceil.map(Scalar::Int),
    }
}

/// A Double-field view of a float literal; literals beyond the `f64` range parse as
/// infinities, which lie beyond every finite stored value.
fn double_from_float(f: f64) -> Converted {
    if f.is_finite() {
        Converted::Exact(Scalar::Double(f))
    } else if f > 0.0 {
        Converted::Gap {
            floor: Some(Scalar::Double(f64::MAX)),
            ceil: None,
        }
    } else {
        Converted::Gap {
            floor: None,
            ceil: Some(Scalar::Double(f64::MIN)),
        }
    }
}

/// Nanoseconds of a duration string: `hh:mm:ss`, or what `humantime` accepts (`1h30m`,
/// `2d`, `90s`, `1.5h`, `250ms`, …). `None` when malformed, negative or beyond `i64`.
pub(crate) fn parse_duration(s: &str) -> Option<i64> {
    if s.contains(':') {
        return parse_clock(s);
    }
    let d = humantime::parse_duration(s).ok()?;
    i64::try_from(d.as_nanos()).ok()
}

/// `h+:mm:ss` with minutes and seconds of two digits each, 00–59.
fn parse_clock(s: &str) -> Option<i64> {
    let mut parts = s.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(h) || !all_digits(m) || !all_digits(sec) || m.len() != 2 || sec.len() != 2 {
        return None;
    }
    let (hours, minutes, seconds): (i64, i64, i64) =
        (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    if minutes > 59 || seconds > 59 {
        return None;
    }
    hours
        .checked_mul(3600)?
        .checked_add(minutes * 60 + seconds)?
        .checked_mul(1_000_000_000)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    fn lit(value: Value<'static>, raw: &'static str) -> Literal<'static> {
        Literal {
            value,
            raw,
            offset: 7,
        }
    }

    fn str_lit(s: &'static str) -> Literal<'static> {
        lit(Value::Str(Cow::Borrowed(s)), s)
    }

    fn exact(kind: Kind, l: Literal<'static>) -> Scalar {
        match convert(kind, &l, "A").unwrap() {
            Converted::Exact(s) => s,
            other => panic!("not exact: {other:?}"),
        }
    }

    fn err(kind: Kind, l: Literal<'static>) -> String {
        let e = convert(kind, &l, "Attr").unwrap_err();
        assert_eq!(e.position(), Some(7));
        e.message().to_owned()
    }

    #[test]
    fn int_literals() {
        assert_eq!(exact(Kind::Int, lit(Value::Int(-3), "-3")), Scalar::Int(-3));
        assert_eq!(
            exact(Kind::Int, lit(Value::Float(2.0), "2.0")),
            Scalar::Int(2)
        );
        assert_eq!(
            exact(Kind::Int, lit(Value::Float(-0.0), "-0.0")),
            Scalar::Int(0)
        );
        assert_eq!(
            exact(
                Kind::Int,
                lit(Value::Float(-TWO_POW_63), "-9.223372036854775808e18")
            ),
            Scalar::Int(i64::MIN)
        );
        let gap = |f: f64| convert(Kind::Int, &lit(Value::Float(f), "x"), "A").unwrap();
        let g = |floor: Option<i64>, ceil: Option<i64>| Converted::Gap {
            floor: floor.map(Scalar::Int),
            ceil: ceil.map(Scalar::Int),
        };
        assert_eq!(gap(1.5), g(Some(1), Some(2)));
        assert_eq!(gap(-1.5), g(Some(-2), Some(-1)));
        assert_eq!(gap(0.25), g(Some(0), Some(1)));
        assert_eq!(gap(TWO_POW_63), g(Some(i64::MAX), None));
        assert_eq!(gap(1e300), g(Some(i64::MAX), None));
        assert_eq!(gap(f64::INFINITY), g(Some(i64::MAX), None));
        assert_eq!(gap(-1e19), g(None, Some(i64::MIN)));
        assert_eq!(gap(f64::NEG_INFINITY), g(None, Some(i64::MIN)));
        assert!(err(Kind::Int, str_lit("5")).contains("expected a number"));
        assert!(err(Kind::Int, lit(Value::Bool(true), "true")).contains("found boolean true"));
    }

    #[test]
    fn double_literals() {
        assert_eq!(
            exact(Kind::Double, lit(Value::Int(3), "3")),
            Scalar::Double(3.0)
        );
        assert_eq!(
            exact(Kind::Double, lit(Value::Float(0.1), "0.1")),
            Scalar::Double(0.1)
        );
        assert_eq!(
            convert(
                Kind::Double,
                &lit(Value::Float(f64::INFINITY), "1e400"),
                "A"
            )
            .unwrap(),
            Converted::Gap {
                floor: Some(Scalar::Double(f64::MAX)),
                ceil: None
            }
        );
        assert_eq!(
            convert(
                Kind::Double,
                &lit(Value::Float(f64::NEG_INFINITY), "-1e400"),
                "A"
            )
            .unwrap(),
            Converted::Gap {
                floor: None,
                ceil: Some(Scalar::Double(f64::MIN))
            }
        );
        assert!(err(Kind::Double, str_lit("1")).contains("'Attr' (Double)"));
    }

    #[test]
    fn datetime_literals_truncate_toward_the_past() {
        assert_eq!(
            exact(Kind::Datetime, str_lit("2026-01-01T00:00:00Z")),
            Scalar::Time(1_767_225_600_000_000)
        );
        assert_eq!(
            exact(Kind::Datetime, str_lit("2026-01-01T02:00:00.1234569+02:00")),
            Scalar::Time(1_767_225_600_123_456)
        );
        assert_eq!(
            exact(Kind::Datetime, str_lit("1969-12-31T23:59:59.9999999Z")),
            Scalar::Time(-1)
        );
        assert_eq!(
            exact(Kind::Datetime, lit(Value::Int(1999), "1999")),
            Scalar::Time(1)
        );
        assert_eq!(
            exact(Kind::Datetime, lit(Value::Int(-1), "-1")),
            Scalar::Time(-1)
        );
        assert_eq!(
            exact(Kind::Datetime, lit(Value::Int(-1000), "-1000")),
            Scalar::Time(-1)
        );
        assert_eq!(
            exact(Kind::Datetime, lit(Value::Int(-1001), "-1001")),
            Scalar::Time(-2)
        );
        let msg = err(Kind::Datetime, str_lit("2026-13-01T00:00:00Z"));
        assert!(
            msg.contains("invalid datetime 2026-13-01T00:00:00Z for 'Attr'"),
            "{msg}"
        );
        assert!(err(Kind::Datetime, str_lit("2026-01-01T00:00:00")).contains("invalid"));
        assert!(err(Kind::Datetime, str_lit("2026-01-01")).contains("invalid"));
        assert!(err(Kind::Datetime, lit(Value::Float(1.5), "1.5")).contains("RFC 3339"));
    }

    #[test]
    fn status_literals() {
        assert_eq!(exact(Kind::Status, str_lit("Running")), Scalar::Int(1));
        assert_eq!(
            exact(Kind::Status, str_lit("ContinuedAsNew")),
            Scalar::Int(6)
        );
        assert_eq!(exact(Kind::Status, lit(Value::Int(7), "7")), Scalar::Int(7));
        assert!(err(Kind::Status, str_lit("running")).contains("case-sensitive"));
        assert!(err(Kind::Status, lit(Value::Int(0), "0")).contains("code 0"));
        assert!(err(Kind::Status, lit(Value::Int(8), "8")).contains("code 8"));
        assert!(err(Kind::Status, lit(Value::Float(1.0), "1.0")).contains("found number 1.0"));
    }

    #[test]
    fn duration_literals() {
        const S: i64 = 1_000_000_000;
        assert_eq!(parse_duration("1h30m"), Some(5400 * S));
        assert_eq!(parse_duration("2d"), Some(2 * 86400 * S));
        assert_eq!(parse_duration("90s"), Some(90 * S));
        assert_eq!(parse_duration("1.5h"), Some(5400 * S));
        assert_eq!(parse_duration("250ms"), Some(250_000_000));
        assert_eq!(parse_duration("01:02:03"), Some(3723 * S));
        assert_eq!(parse_duration("100:00:00"), Some(360_000 * S));
        assert_eq!(parse_duration("0:00:59"), Some(59 * S));
        for bad in [
            "",
            "abc",
            "-1h",
            "1x",
            "01:60:00",
            "01:00:60",
            "1:2:3",
            "01:02",
            "01:02:03:04",
            ":00:00",
            "a1:00:00",
            "1e400h",
            "400000y",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        assert_eq!(
            exact(Kind::Duration, str_lit("2d")),
            Scalar::Int(2 * 86400 * S)
        );
        assert_eq!(
            exact(Kind::Duration, lit(Value::Int(5), "5")),
            Scalar::Int(5)
        );
        assert!(matches!(
            convert(Kind::Duration, &lit(Value::Float(0.5), "0.5"), "A").unwrap(),
            Converted::Gap { .. }
        ));
        assert!(err(Kind::Duration, str_lit("soon")).contains("invalid duration soon"));
    }

    #[test]
    fn strings_and_bools() {
        assert_eq!(exact(Kind::Keyword, str_lit("x")), Scalar::Str("x".into()));
        assert_eq!(
            exact(Kind::Bool, lit(Value::Bool(false), "false")),
            Scalar::Bool(false)
        );
        assert!(err(Kind::Keyword, lit(Value::Int(5), "5")).contains("found integer 5"));
        assert!(err(Kind::Bool, str_lit("true")).contains("true or false"));
        assert!(err(Kind::KeywordList, lit(Value::Bool(true), "true")).contains("KeywordList"));
        let text = str_lit("hello");
        assert_eq!(expect_str(Kind::Text, &text, "T").unwrap(), "hello");
        assert!(expect_str(Kind::Text, &lit(Value::Int(1), "1"), "T").is_err());
    }
}
