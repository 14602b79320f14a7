//! Custom search attribute registration: add, list and remove, each all or none.

use std::collections::{BTreeMap, BTreeSet};

use crate::attributes::{
    AttributeDef, NamespaceAttributes, PredefinedAttribute, SearchAttributeLimits, SystemAttribute,
    check_custom_name,
};
use crate::error::Error;
use crate::model::SearchAttributeType;
use crate::store::common::check_identity;

use super::state::State;

impl State {
    /// Registers `attributes` (at least one) in a namespace, each with a fresh store-wide id.
    /// Nothing is registered when any name is invalid or taken, or a per-type limit would be
    /// exceeded.
    pub fn add_attributes(
        &mut self,
        namespace_id: &str,
        attributes: &BTreeMap<String, SearchAttributeType>,
        limits: &SearchAttributeLimits,
    ) -> Result<(), Error> {
        check_identity(namespace_id, "-", "-")?;
        if attributes.is_empty() {
            return Err(Error::invalid_argument("no search attributes to register"));
        }
        let registry = self.registry(namespace_id);
        for name in attributes.keys() {
            check_custom_name(name)?;
            if registry.custom(name).is_some() {
                return Err(Error::AlreadyExists(format!(
                    "search attribute {name} is already registered in namespace '{namespace_id}'"
                )));
            }
        }
        for ty in SearchAttributeType::ALL {
            let adding = attributes.values().filter(|t| **t == ty).count();
            let max = limits.max_custom(ty);
            let have = registry.count_of_type(ty);
            if adding > 0 && have + adding > max {
                return Err(Error::invalid_argument(format!(
                    "namespace '{namespace_id}' would have {} custom attributes of type {ty}, \
                     more than the limit of {max} for type {ty}",
                    have + adding
                )));
            }
        }
        let mut defs: Vec<AttributeDef> = registry.custom_attributes().cloned().collect();
        for (name, ty) in attributes {
            self.last_attribute_id += 1;
            defs.push(AttributeDef {
                id: self.last_attribute_id,
                name: name.clone(),
                ty: *ty,
            });
        }
        self.namespaces
            .entry(namespace_id.to_string())
            .or_default()
            .registry = NamespaceAttributes::new(defs);
        Ok(())
    }

    /// The custom attributes of a namespace.
    pub fn list_attributes(&self, namespace_id: &str) -> BTreeMap<String, SearchAttributeType> {
        self.registry(namespace_id)
            .custom_attributes()
            .map(|d| (d.name.clone(), d.ty))
            .collect()
    }

    /// Unregisters custom attributes and erases their values from every record of the
    /// namespace, so an attribute registered later under the same name starts empty.
    /// Nothing changes when any name is not a registered custom attribute.
    pub fn remove_attributes(&mut self, namespace_id: &str, names: &[String]) -> Result<(), Error> {
        check_identity(namespace_id, "-", "-")?;
        let names: BTreeSet<&str> = names.iter().map(String::as_str).collect();
        let registry = self.registry(namespace_id);
        for name in &names {
            if registry.custom(name).is_none() {
                let why = if SystemAttribute::from_name(name).is_some() {
                    "is a system attribute, not a custom attribute"
                } else if PredefinedAttribute::from_name(name).is_some() {
                    "is a predefined attribute, not a custom attribute"
                } else {
                    "is not registered"
                };
                return Err(Error::NotFound(format!(
                    "search attribute {name} {why} in namespace '{namespace_id}'"
                )));
            }
        }
        let Some(ns) = self.namespaces.get_mut(namespace_id) else {
            // Only reachable with an empty list of names.
            return Ok(());
        };
        let kept: Vec<AttributeDef> = ns
            .registry
            .custom_attributes()
            .filter(|d| !names.contains(d.name.as_str()))
            .cloned()
            .collect();
        ns.registry = NamespaceAttributes::new(kept);
        for record in ns.records.values_mut() {
            record
                .search_attributes
                .retain(|name, _| !names.contains(name.as_str()));
        }
        Ok(())
    }
}
