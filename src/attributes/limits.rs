use std::collections::BTreeMap;

use crate::model::SearchAttributeType;

/// Limits enforced on search attributes. All of them are configurable per store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchAttributeLimits {
    /// Most search attributes one record may carry (default 100).
    pub max_attributes_per_record: usize,
    /// Largest value in bytes (default 2048). Strings count their UTF-8 bytes, keyword lists
    /// the sum of their elements, numbers 8 and booleans 1.
    pub max_value_bytes: usize,
    /// Largest total of attribute name and value bytes per record (default 40960).
    pub max_total_bytes: usize,
    /// Most custom attributes of each type one namespace may register.
    pub max_custom_per_type: BTreeMap<SearchAttributeType, usize>,
}

impl SearchAttributeLimits {
    /// Most custom attributes of type `ty` per namespace.
    pub fn max_custom(&self, ty: SearchAttributeType) -> usize {
        self.max_custom_per_type.get(&ty).copied().unwrap_or(0)
    }
}

impl Default for SearchAttributeLimits {
    /// Defaults: 100 attributes per record, 2 KiB per value, 40 KiB per record; per namespace
    /// 40 Keyword, 10 Text, 20 Int, 20 Double, 20 Bool, 20 Datetime and 10 KeywordList custom
    /// attributes.
    fn default() -> Self {
        use SearchAttributeType as T;
        Self {
            max_attributes_per_record: 100,
            max_value_bytes: 2048,
            max_total_bytes: 40 * 1024,
            max_custom_per_type: BTreeMap::from([
                (T::Keyword, 40),
                (T::Text, 10),
                (T::Int, 20),
                (T::Double, 20),
                (T::Bool, 20),
                (T::Datetime, 20),
                (T::KeywordList, 10),
            ]),
        }
    }
}
