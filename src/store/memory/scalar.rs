//! Comparison of typed scalars, shared by filter evaluation and ordering.

use std::cmp::Ordering;

use crate::query::ir::Scalar;

/// Compares two scalars of the same kind; `None` when the kinds differ.
///
/// Keywords compare by code point (Rust's `str` order on UTF-8 is code-point order) with no
/// padding. Doubles are finite, so `partial_cmp` is total on them; `-0.0` equals `0.0` as in
/// SQL, which keeps ties (and their tie-breaking) identical to the SQL stores.
pub(super) fn compare(a: &Scalar, b: &Scalar) -> Option<Ordering> {
    match (a, b) {
        (Scalar::Str(x), Scalar::Str(y)) => Some(x.as_str().cmp(y.as_str())),
        (Scalar::Int(x), Scalar::Int(y)) | (Scalar::Time(x), Scalar::Time(y)) => Some(x.cmp(y)),
        (Scalar::Double(x), Scalar::Double(y)) => x.partial_cmp(y),
        (Scalar::Bool(x), Scalar::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// A total order on scalars for sorting: same-kind values by [`compare`], different kinds by
/// kind. Mixed kinds only arise from a hand-made page token; ordering them deterministically
/// keeps paging well defined instead of panicking.
pub(super) fn total_compare(a: &Scalar, b: &Scalar) -> Ordering {
    compare(a, b).unwrap_or_else(|| kind_rank(a).cmp(&kind_rank(b)))
}

fn kind_rank(s: &Scalar) -> u8 {
    match s {
        Scalar::Str(_) => 0,
        Scalar::Int(_) => 1,
        Scalar::Double(_) => 2,
        Scalar::Bool(_) => 3,
        Scalar::Time(_) => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_compare_by_code_point_without_padding() {
        let s = |v: &str| Scalar::Str(v.to_string());
        assert_eq!(compare(&s("a"), &s("a ")), Some(Ordering::Less));
        assert_eq!(compare(&s("B"), &s("a")), Some(Ordering::Less));
        // U+FF21 (fullwidth A) sorts after U+00E9 (é) by code point.
        assert_eq!(compare(&s("\u{ff21}"), &s("é")), Some(Ordering::Greater));
        assert_eq!(compare(&s("a"), &Scalar::Int(1)), None);
    }

    #[test]
    fn doubles_treat_signed_zero_as_equal() {
        assert_eq!(
            compare(&Scalar::Double(-0.0), &Scalar::Double(0.0)),
            Some(Ordering::Equal)
        );
        assert_eq!(
            total_compare(&Scalar::Double(-1.5), &Scalar::Double(2.0)),
            Ordering::Less
        );
    }

    #[test]
    fn mixed_kinds_still_order_totally() {
        assert_eq!(
            total_compare(&Scalar::Str("z".into()), &Scalar::Int(0)),
            Ordering::Less
        );
        assert_eq!(
            total_compare(&Scalar::Time(0), &Scalar::Bool(true)),
            Ordering::Greater
        );
    }
}
