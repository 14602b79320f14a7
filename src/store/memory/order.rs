//! Listing order: sort values of a record and their comparison, missing values last.

use std::cmp::Ordering;

use crate::attributes::NamespaceAttributes;
use crate::model::ExecutionRecord;
use crate::query::ir::{Scalar, SortKey};
use crate::store::common::sort_scalar;

use super::scalar::total_compare;

/// A record's value for each sort key (`None` = missing), the form page tokens carry.
pub(super) type SortValues = Vec<Option<Scalar>>;

/// The sort values of `record` for `keys`.
pub(super) fn sort_values(
    record: &ExecutionRecord,
    keys: &[SortKey],
    registry: &NamespaceAttributes,
) -> SortValues {
    keys.iter()
        .map(|k| sort_scalar(record, &k.key, registry))
        .collect()
}

/// Compares two sort-value vectors key by key. A missing value sorts after every present one
/// in both directions, so descending order only reverses present values.
pub(super) fn compare_sort_values(
    a: &[Option<Scalar>],
    b: &[Option<Scalar>],
    keys: &[SortKey],
) -> Ordering {
    for ((x, y), key) in a.iter().zip(b).zip(keys) {
        let o = match (x, y) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) if key.descending => total_compare(x, y).reverse(),
            (Some(x), Some(y)) => total_compare(x, y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}
