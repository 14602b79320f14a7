//! The resolver: checks a syntax tree against a namespace's attributes (names, operators,
//! literal types) and lowers it into the IR.
//!
//! Lowering pushes `NOT` down to the leaves while it walks the tree (De Morgan for `AND` /
//! `OR`, the negated operator or flag at a leaf). Negating *before* typing a leaf matters:
//! `Int = 1.5` is "false when present, unknown when missing", so `NOT Int = 1.5` must become
//! `Int IS NOT NULL`, not `TRUE`. Constants produced at the leaves are then folded away.

use std::cmp::Ordering;

use crate::attributes::{NamespaceAttributes, PredefinedAttribute, SystemAttribute, text_words};
use crate::error::Error;
use crate::query::QueryPurpose;
use crate::query::ast::{self, Ident, Literal, Op, Statement};
use crate::query::ir::{CmpOp, Expr, Field, Predicate, Query, SortField, SortKey, Test};
use crate::query::literal::{self, Converted, Kind};

#[cfg(test)]
mod semantics_tests;
#[cfg(test)]
mod tests;

/// Checks and lowers a parsed statement for one namespace and purpose.
pub(crate) fn resolve(
    statement: &Statement<'_>,
    attributes: &NamespaceAttributes,
    purpose: QueryPurpose,
) -> Result<Query, Error> {
    let mut resolver = Resolver {
        attributes,
        names_division: false,
    };
    let filter = match &statement.filter {
        Some(expr) => resolver.lower(expr, false)?,
        None => Expr::True,
    };
    let group_by = resolver.group_by(statement, purpose)?;
    let order_by = resolver.order_by(statement, purpose)?;
    let filter = if resolver.names_division {
        filter
    } else {
        let division = Expr::Pred(Predicate {
            field: Field::NamespaceDivision,
            test: Test::IsNull,
        });
        match filter {
            Expr::True => division,
            Expr::False => Expr::False,
            // Junctions are built with a spare slot, so this does not reallocate.
            Expr::And(mut terms) => {
                terms.push(division);
                Expr::And(terms)
            }
            other => Expr::And(vec![other, division]),
        }
    };
    Ok(Query {
        filter,
        order_by,
        group_by,
    })
}

struct Resolver<'r> {
    attributes: &'r NamespaceAttributes,
    /// Whether the query names `TemporalNamespaceDivision` anywhere (then no implicit scope).
    names_division: bool,
}

/// A resolved attribute: where it lives and how its values are queried.
struct Target {
    field: Field,
    kind: Kind,
}

/// What a leaf lowers to.
enum Outcome {
    Test(Test),
    /// False for every record (e.g. `Int = 1.5`).
    Never,
    /// True exactly when the attribute is present (e.g. `Int != 1.5`).
    Present,
}

impl Resolver<'_> {
    fn target(&mut self, ident: &Ident<'_>) -> Result<Target, Error> {
        let name = ident.name;
        // Same answer as `NamespaceAttributes::resolve`: registration rejects custom names
        // that are system or predefined names, so the order of the three lookups does not
        // matter. Checking the fixed names first spares most names a hash lookup, and the
        // custom definition is borrowed rather than cloned; this runs for every name of
        // every query.
        let (field, kind) = if let Some(s) = SystemAttribute::from_name(name) {
            (Field::System(s), Kind::of_system(s))
        } else if let Some(p) = PredefinedAttribute::from_name(name) {
            let field = if p == PredefinedAttribute::TemporalNamespaceDivision {
                self.names_division = true;
                Field::NamespaceDivision
            } else {
                Field::SearchAttribute {
                    id: p.id(),
                    ty: p.value_type(),
                }
            };
            (field, Kind::of_type(p.value_type()))
        } else if let Some(def) = self.attributes.custom(name) {
            (
                Field::SearchAttribute {
                    id: def.id,
                    ty: def.ty,
                },
                Kind::of_type(def.ty),
            )
        } else {
            return Err(Error::invalid_query(
                format!("unknown search attribute '{name}'"),
                ident.offset,
            ));
        };
        Ok(Target { field, kind })
    }

    /// Lowers `expr`, or its negation when `negated`, into negation normal form.
    fn lower(&mut self, expr: &ast::Expr<'_>, negated: bool) -> Result<Expr, Error> {
        match expr {
            ast::Expr::Not(inner) => self.lower(inner, !negated),
            // De Morgan: a negated AND is an OR of negated terms, and vice versa.
            ast::Expr::And(terms) => self.junction(terms, negated, !negated),
            ast::Expr::Or(terms) => self.junction(terms, negated, negated),
            ast::Expr::Pred(pred) => self.predicate(pred, negated),
        }
    }

    fn junction(
        &mut self,
        terms: &[ast::Expr<'_>],
        negated: bool,
        conjunction: bool,
    ) -> Result<Expr, Error> {
        let mut out = Junction::new(conjunction, terms.len() + 1);
        for term in terms {
            // Keep lowering after a term decided the result: later terms must still be
            // checked, and may name TemporalNamespaceDivision.
            out.push(self.lower(term, negated)?);
        }
        Ok(out.finish())
    }

    fn predicate(&mut self, pred: &ast::Predicate<'_>, negated: bool) -> Result<Expr, Error> {
        let Target { field, kind } = self.target(&pred.attr)?;
        let attr = pred.attr.name;
        if !supports(kind, &pred.op) {
            return Err(Error::invalid_query(
                format!(
                    "operator {} is not supported for '{attr}' ({}); {} supports {}",
                    pred.op.describe(),
                    kind.name(),
                    kind.name(),
                    supported_operators(kind)
                ),
                pred.op_offset,
            ));
        }
        let outcome = match &pred.op {
            Op::IsNull { negated: not } => Outcome::Test(if *not != negated {
                Test::IsNotNull
            } else {
                Test::IsNull
            }),
            Op::Cmp(op, lit) => {
                let op = if negated { op.negate() } else { *op };
                compare(kind, op, lit, attr)?
            }
            Op::In {
                values,
                negated: not,
            } => membership(kind, values, *not != negated, attr)?,
            Op::Between {
                low,
                high,
                negated: not,
            } => between(kind, low, high, *not != negated, attr)?,
            Op::StartsWith {
                prefix,
                negated: not,
            } => Outcome::Test(Test::StartsWith {
                prefix: literal::expect_str(kind, prefix, attr)?.to_owned(),
                negated: *not != negated,
            }),
        };
        Ok(match outcome {
            Outcome::Test(test) => Expr::Pred(Predicate { field, test }),
            Outcome::Never => Expr::False,
            Outcome::Present => Expr::Pred(Predicate {
                field,
                test: Test::IsNotNull,
            }),
        })
    }

    fn group_by(
        &mut self,
        statement: &Statement<'_>,
        purpose: QueryPurpose,
    ) -> Result<Option<Field>, Error> {
        let Some(group) = &statement.group_by else {
            return Ok(None);
        };
        if purpose != QueryPurpose::Count {
            return Err(Error::invalid_query(
                "GROUP BY is only supported when counting executions",
                group.offset,
            ));
        }
        if let Some(extra) = group.attrs.get(1) {
            return Err(Error::invalid_query(
                "GROUP BY accepts exactly one attribute, ExecutionStatus",
                extra.offset,
            ));
        }
        let ident = &group.attrs[0];
        let target = self.target(ident)?;
        if target.field != Field::System(SystemAttribute::ExecutionStatus) {
            return Err(Error::invalid_query(
                format!(
                    "GROUP BY is only supported on ExecutionStatus, not '{}'",
                    ident.name
                ),
                ident.offset,
            ));
        }
        Ok(Some(target.field))
    }

    fn order_by(
        &mut self,
        statement: &Statement<'_>,
        purpose: QueryPurpose,
    ) -> Result<Vec<SortKey>, Error> {
        let Some(order) = &statement.order_by else {
            return Ok(Vec::new());
        };
        if purpose == QueryPurpose::Scan {
            return Err(Error::invalid_query(
                "ORDER BY is not supported in a scan (scans are unordered)",
                order.offset,
            ));
        }
        if statement.group_by.is_some() {
            return Err(Error::invalid_query(
                "ORDER BY cannot be combined with GROUP BY",
                order.offset,
            ));
        }
        let mut keys = Vec::with_capacity(order.keys.len());
        for key in &order.keys {
            let target = self.target(&key.attr)?;
            if matches!(target.kind, Kind::Text | Kind::KeywordList) {
                return Err(Error::invalid_query(
                    format!(
                        "cannot ORDER BY '{}': {} attributes are not sortable",
                        key.attr.name,
                        target.kind.name()
                    ),
                    key.attr.offset,
                ));
            }
            keys.push(SortKey {
                key: SortField::Field(target.field),
                descending: key.descending,
            });
        }
        Ok(keys)
    }
}

/// Whether an attribute of `kind` supports `op` (negation never changes the answer: every
/// supported set is closed under negation).
fn supports(kind: Kind, op: &Op<'_>) -> bool {
    use Kind as K;
    let ordered = matches!(
        kind,
        K::Keyword | K::Int | K::Double | K::Datetime | K::Duration
    );
    match op {
        Op::IsNull { .. } | Op::Cmp(CmpOp::Eq | CmpOp::Ne, _) => true,
        Op::Cmp(..) | Op::Between { .. } => ordered,
        Op::In { .. } => !matches!(kind, K::Text | K::Bool),
        Op::StartsWith { .. } => kind == K::Keyword,
    }
}

fn supported_operators(kind: Kind) -> &'static str {
    match kind {
        Kind::Keyword => {
            "=, !=, <, <=, >, >=, [NOT] BETWEEN, [NOT] IN, [NOT] STARTS_WITH and IS [NOT] NULL"
        }
        Kind::Int | Kind::Double | Kind::Datetime | Kind::Duration => {
            "=, !=, <, <=, >, >=, [NOT] BETWEEN, [NOT] IN and IS [NOT] NULL"
        }
        Kind::Text | Kind::Bool => "=, != and IS [NOT] NULL",
        Kind::KeywordList => {
            "= (contains), != (does not contain), IN (contains any), NOT IN (contains none) \
             and IS [NOT] NULL"
        }
        Kind::Status => "=, !=, IN, NOT IN and IS [NOT] NULL",
    }
}

/// `attr op lit`, with `op` already negated if the leaf is.
fn compare(kind: Kind, op: CmpOp, lit: &Literal<'_>, attr: &str) -> Result<Outcome, Error> {
    match kind {
        Kind::Text => {
            let words = text_words(literal::expect_str(kind, lit, attr)?);
            if words.is_empty() {
                return Err(Error::invalid_query(
                    format!(
                        "the Text value {} for '{attr}' has no words (letters or digits) to \
                         match",
                        lit.raw
                    ),
                    lit.offset,
                ));
            }
            Ok(Outcome::Test(Test::AnyWord {
                words,
                negated: op == CmpOp::Ne,
            }))
        }
        Kind::KeywordList => Ok(Outcome::Test(Test::Contains {
            values: vec![literal::expect_str(kind, lit, attr)?.to_owned()],
            negated: op == CmpOp::Ne,
        })),
        _ => Ok(match literal::convert(kind, lit, attr)? {
            Converted::Exact(value) => Outcome::Test(Test::Cmp { op, value }),
            // No value equals the literal: compare with the nearest holdable value instead.
            Converted::Gap { floor, ceil } => {
                let bound = |bound: Option<_>, op| {
                    bound.map_or(Outcome::Never, |value| {
                        Outcome::Test(Test::Cmp { op, value })
                    })
                };
                match op {
                    CmpOp::Eq => Outcome::Never,
                    CmpOp::Ne => Outcome::Present,
                    CmpOp::Gt | CmpOp::Ge => bound(ceil, CmpOp::Ge),
                    CmpOp::Lt | CmpOp::Le => bound(floor, CmpOp::Le),
                }
            }
        }),
    }
}

/// `attr [NOT] IN (…)`; values no attribute value can equal are dropped.
fn membership(
    kind: Kind,
    values: &[Literal<'_>],
    negated: bool,
    attr: &str,
) -> Result<Outcome, Error> {
    if kind == Kind::KeywordList {
        let mut keywords = Vec::with_capacity(values.len());
        for lit in values {
            keywords.push(literal::expect_str(kind, lit, attr)?.to_owned());
        }
        dedup(&mut keywords);
        return Ok(Outcome::Test(Test::Contains {
            values: keywords,
            negated,
        }));
    }
    let mut scalars = Vec::with_capacity(values.len());
    for lit in values {
        if let Converted::Exact(value) = literal::convert(kind, lit, attr)? {
            scalars.push(value);
        }
    }
    if scalars.is_empty() {
        return Ok(if negated {
            Outcome::Present
        } else {
            Outcome::Never
        });
    }
    dedup(&mut scalars);
    Ok(Outcome::Test(Test::In {
        values: scalars,
        negated,
    }))
}

/// `attr [NOT] BETWEEN low AND high`; inexact bounds are rounded inward and an empty range
/// is folded.
fn between(
    kind: Kind,
    low: &Literal<'_>,
    high: &Literal<'_>,
    negated: bool,
    attr: &str,
) -> Result<Outcome, Error> {
    let low = match literal::convert(kind, low, attr)? {
        Converted::Exact(value) => Some(value),
        Converted::Gap { ceil, .. } => ceil,
    };
    let high = match literal::convert(kind, high, attr)? {
        Converted::Exact(value) => Some(value),
        Converted::Gap { floor, .. } => floor,
    };
    Ok(match (low, high) {
        (Some(low), Some(high)) if low <= high => {
            Outcome::Test(Test::Between { low, high, negated })
        }
        // Empty range: nothing is inside, every present value is outside.
        _ if negated => Outcome::Present,
        _ => Outcome::Never,
    })
}

/// Largest list deduplicated in place by pairwise comparison (keeps first-seen order);
/// longer lists are sorted first.
const SMALL_LIST: usize = 16;

fn dedup<T: PartialOrd>(values: &mut Vec<T>) {
    if values.len() <= SMALL_LIST {
        let mut i = 1;
        while i < values.len() {
            if values[..i].contains(&values[i]) {
                values.remove(i);
            } else {
                i += 1;
            }
        }
    } else {
        // The values of one list share a variant, so they are totally ordered.
        values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal));
        values.dedup_by(|a, b| a == b);
    }
}

/// Builds an `And` / `Or` with constants folded and nested junctions of the same kind
/// flattened.
struct Junction {
    conjunction: bool,
    terms: Vec<Expr>,
    /// A term equal to the absorbing constant (`False` in an `And`, `True` in an `Or`).
    decided: bool,
}

impl Junction {
    fn new(conjunction: bool, capacity: usize) -> Self {
        Junction {
            conjunction,
            terms: Vec::with_capacity(capacity),
            decided: false,
        }
    }

    fn push(&mut self, expr: Expr) {
        if self.decided {
            return;
        }
        match expr {
            Expr::True if self.conjunction => {}
            Expr::False if !self.conjunction => {}
            Expr::True | Expr::False => {
                self.decided = true;
                self.terms = Vec::new();
            }
            Expr::And(terms) if self.conjunction => self.terms.extend(terms),
            Expr::Or(terms) if !self.conjunction => self.terms.extend(terms),
            other => self.terms.push(other),
        }
    }

    fn finish(mut self) -> Expr {
        if self.decided {
            return if self.conjunction {
                Expr::False
            } else {
                Expr::True
            };
        }
        match self.terms.len() {
            0 if self.conjunction => Expr::True,
            0 => Expr::False,
            1 => self.terms.pop().unwrap_or(Expr::True),
            _ if self.conjunction => Expr::And(self.terms),
            _ => Expr::Or(self.terms),
        }
    }
}
