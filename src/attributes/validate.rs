use crate::attributes::{NamespaceAttributes, ResolvedAttribute, SearchAttributeLimits};
use crate::error::Error;
use crate::model::{SearchAttributeType, SearchAttributeValue, SearchAttributes, time};

/// A search attribute value checked against the namespace registry and the limits.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedAttribute {
    /// Storage id (predefined: negative, custom: positive).
    pub id: i64,
    /// Attribute name.
    pub name: String,
    /// Registered type.
    pub ty: SearchAttributeType,
    /// The value, in the variant of `ty`, datetimes truncated to microseconds.
    pub value: SearchAttributeValue,
}

/// Validates a record's search attributes: every name must be a predefined or registered
/// custom attribute, every value must fit its type and the limits. Empty keyword lists are
/// dropped (they count as missing). Errors are `InvalidArgument` and name the attribute.
pub fn validate_search_attributes(
    attrs: &SearchAttributes,
    registry: &NamespaceAttributes,
    limits: &SearchAttributeLimits,
) -> Result<Vec<ValidatedAttribute>, Error> {
    if attrs.len() > limits.max_attributes_per_record {
        return Err(Error::invalid_argument(format!(
            "a record has {} search attributes, more than the limit of {}",
            attrs.len(),
            limits.max_attributes_per_record
        )));
    }
    let mut total = 0usize;
    let mut out = Vec::with_capacity(attrs.len());
    for (name, value) in attrs {
        let (id, ty) = match registry.resolve(name) {
            Some(ResolvedAttribute::Predefined(p)) => (p.id(), p.value_type()),
            Some(ResolvedAttribute::Custom(def)) => (def.id, def.ty),
            Some(ResolvedAttribute::System(_)) => {
                return Err(Error::invalid_argument(format!(
                    "search attribute {name} is a system attribute and cannot be set in search \
                     attributes"
                )));
            }
            None => {
                return Err(Error::invalid_argument(format!(
                    "search attribute {name} is not defined in this namespace"
                )));
            }
        };
        let value = value.clone().coerce(ty).ok_or_else(|| {
            Error::invalid_argument(format!(
                "search attribute {name} has type {ty} but was given a {} value",
                value.type_name()
            ))
        })?;
        check_value(name, &value, limits)?;
        total += name.len() + value.payload_size();
        if total > limits.max_total_bytes {
            return Err(Error::invalid_argument(format!(
                "search attributes exceed the total size limit of {} bytes at attribute {name}",
                limits.max_total_bytes
            )));
        }
        if matches!(&value, SearchAttributeValue::KeywordList(v) if v.is_empty()) {
            continue;
        }
        out.push(ValidatedAttribute {
            id,
            name: name.clone(),
            ty,
            value,
        });
    }
    Ok(out)
}

fn check_value(
    name: &str,
    value: &SearchAttributeValue,
    limits: &SearchAttributeLimits,
) -> Result<(), Error> {
    let check_str = |s: &str| -> Result<(), Error> {
        if s.contains('\0') {
            return Err(Error::invalid_argument(format!(
                "search attribute {name} contains the character U+0000, which is not allowed"
            )));
        }
        if s.len() > limits.max_value_bytes {
            return Err(Error::invalid_argument(format!(
                "search attribute {name} has a value of {} bytes, more than the limit of {} bytes",
                s.len(),
                limits.max_value_bytes
            )));
        }
        Ok(())
    };
    match value {
        SearchAttributeValue::Keyword(s) | SearchAttributeValue::Text(s) => check_str(s)?,
        SearchAttributeValue::KeywordList(items) => {
            for s in items {
                check_str(s)?;
            }
        }
        SearchAttributeValue::Double(d) if !d.is_finite() => {
            return Err(Error::invalid_argument(format!(
                "search attribute {name} of type Double must be finite, got {d}"
            )));
        }
        SearchAttributeValue::Datetime(t) => {
            time::check_range(t, &format!("search attribute {name} of type Datetime"))?;
        }
        _ => {}
    }
    if value.payload_size() > limits.max_value_bytes {
        return Err(Error::invalid_argument(format!(
            "search attribute {name} has a value of {} bytes, more than the limit of {} bytes",
            value.payload_size(),
            limits.max_value_bytes
        )));
    }
    Ok(())
}
