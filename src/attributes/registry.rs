use std::collections::HashMap;

use crate::attributes::{PredefinedAttribute, SystemAttribute};
use crate::model::SearchAttributeType;

/// A registered custom search attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttributeDef {
    /// Storage id (positive, never reused after removal).
    pub id: i64,
    /// Attribute name.
    pub name: String,
    /// Attribute type.
    pub ty: SearchAttributeType,
}

/// What an attribute name means in one namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolvedAttribute {
    /// A system attribute (a record field).
    System(SystemAttribute),
    /// A predefined search attribute.
    Predefined(PredefinedAttribute),
    /// A custom attribute registered in the namespace.
    Custom(AttributeDef),
}

impl ResolvedAttribute {
    /// The attribute's value type.
    pub fn value_type(&self) -> SearchAttributeType {
        match self {
            ResolvedAttribute::System(s) => s.value_type(),
            ResolvedAttribute::Predefined(p) => p.value_type(),
            ResolvedAttribute::Custom(d) => d.ty,
        }
    }
}

/// The custom search attributes registered in one namespace, plus lookups that also cover
/// system and predefined attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NamespaceAttributes {
    by_name: HashMap<String, AttributeDef>,
    by_id: HashMap<i64, AttributeDef>,
}

impl NamespaceAttributes {
    /// Builds the registry from registered custom attributes.
    pub fn new(custom: impl IntoIterator<Item = AttributeDef>) -> Self {
        let mut me = Self::default();
        for def in custom {
            me.by_id.insert(def.id, def.clone());
            me.by_name.insert(def.name.clone(), def);
        }
        me
    }

    /// Resolves a (case-sensitive) attribute name.
    pub fn resolve(&self, name: &str) -> Option<ResolvedAttribute> {
        if let Some(def) = self.by_name.get(name) {
            return Some(ResolvedAttribute::Custom(def.clone()));
        }
        if let Some(p) = PredefinedAttribute::from_name(name) {
            return Some(ResolvedAttribute::Predefined(p));
        }
        SystemAttribute::from_name(name).map(ResolvedAttribute::System)
    }

    /// The custom attribute with this name, if registered.
    pub fn custom(&self, name: &str) -> Option<&AttributeDef> {
        self.by_name.get(name)
    }

    /// Name and type for a storage id (predefined or custom), if it is still registered.
    pub fn by_id(&self, id: i64) -> Option<(&str, SearchAttributeType)> {
        if let Some(p) = PredefinedAttribute::from_id(id) {
            return Some((p.name(), p.value_type()));
        }
        self.by_id.get(&id).map(|d| (d.name.as_str(), d.ty))
    }

    /// All registered custom attributes, in no particular order.
    pub fn custom_attributes(&self) -> impl Iterator<Item = &AttributeDef> {
        self.by_name.values()
    }

    /// How many custom attributes of `ty` are registered.
    pub fn count_of_type(&self, ty: SearchAttributeType) -> usize {
        self.by_name.values().filter(|d| d.ty == ty).count()
    }
}
