//! The syntax tree of a List Filter, as written: names are not resolved and literals are not
//! typed yet. Nodes borrow from the query text and carry byte offsets for error messages.

use std::borrow::Cow;

use crate::query::ir::CmpOp;

/// A whole List Filter: an optional condition followed by optional clauses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statement<'a> {
    /// The condition; `None` when the text is empty or starts with a clause.
    pub filter: Option<Expr<'a>>,
    /// The `ORDER BY` clause, if any.
    pub order_by: Option<OrderBy<'a>>,
    /// The `GROUP BY` clause, if any.
    pub group_by: Option<GroupBy<'a>>,
}

/// An attribute name with the offset of its first byte (of the back-quote, when quoted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ident<'a> {
    /// The name, without back-quotes.
    pub name: &'a str,
    /// Byte offset in the query text.
    pub offset: usize,
}

/// A boolean condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr<'a> {
    /// Two or more conditions joined by `AND` (flattened: no direct `And` child from a chain).
    And(Vec<Expr<'a>>),
    /// Two or more conditions joined by `OR`.
    Or(Vec<Expr<'a>>),
    /// Prefix `NOT`.
    Not(Box<Expr<'a>>),
    /// A test on one attribute.
    Pred(Predicate<'a>),
}

/// `attribute operator value(s)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Predicate<'a> {
    /// The attribute on the left.
    pub attr: Ident<'a>,
    /// Byte offset of the operator's first token.
    pub op_offset: usize,
    /// The operator and its operands.
    pub op: Op<'a>,
}

/// An operator with its right-hand side.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op<'a> {
    /// `= != <> < <= > >=`.
    Cmp(CmpOp, Literal<'a>),
    /// `[NOT] IN (v, …)`; never empty.
    In {
        /// The listed values.
        values: Vec<Literal<'a>>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `[NOT] BETWEEN low AND high`.
    Between {
        /// Lower bound.
        low: Literal<'a>,
        /// Upper bound.
        high: Literal<'a>,
        /// `NOT BETWEEN`.
        negated: bool,
    },
    /// `[NOT] STARTS_WITH prefix`.
    StartsWith {
        /// The prefix literal.
        prefix: Literal<'a>,
        /// `NOT STARTS_WITH`.
        negated: bool,
    },
    /// `IS [NOT] NULL`.
    IsNull {
        /// `IS NOT NULL`.
        negated: bool,
    },
}

impl Op<'_> {
    /// The operator as a user would write it, for error messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Op::Cmp(op, _) => match op {
                CmpOp::Eq => "=",
                CmpOp::Ne => "!=",
                CmpOp::Lt => "<",
                CmpOp::Le => "<=",
                CmpOp::Gt => ">",
                CmpOp::Ge => ">=",
            },
            Op::In { negated: false, .. } => "IN",
            Op::In { negated: true, .. } => "NOT IN",
            Op::Between { negated: false, .. } => "BETWEEN",
            Op::Between { negated: true, .. } => "NOT BETWEEN",
            Op::StartsWith { negated: false, .. } => "STARTS_WITH",
            Op::StartsWith { negated: true, .. } => "NOT STARTS_WITH",
            Op::IsNull { negated: false } => "IS NULL",
            Op::IsNull { negated: true } => "IS NOT NULL",
        }
    }
}

/// A literal value with its source text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Literal<'a> {
    /// The value, escapes processed.
    pub value: Value<'a>,
    /// The literal exactly as written (quotes included), for error messages.
    pub raw: &'a str,
    /// Byte offset of the literal.
    pub offset: usize,
}

/// An untyped literal value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    /// A quoted string; borrowed unless it contained escapes.
    Str(Cow<'a, str>),
    /// A number written without fraction or exponent that fits an `i64`.
    Int(i64),
    /// Any other number (decimal, exponent, or an integer beyond the `i64` range); may be
    /// infinite when the literal exceeds the `f64` range.
    Float(f64),
    /// `true` / `false`.
    Bool(bool),
}

impl Value<'_> {
    /// What kind of literal this is, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Bool(_) => "boolean",
        }
    }
}

/// `ORDER BY key [ASC|DESC], …`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OrderBy<'a> {
    /// Byte offset of `ORDER`.
    pub offset: usize,
    /// The keys, in order (never empty).
    pub keys: Vec<OrderKey<'a>>,
}

/// One `ORDER BY` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OrderKey<'a> {
    /// The attribute.
    pub attr: Ident<'a>,
    /// `DESC`.
    pub descending: bool,
}

/// `GROUP BY attr, …` (the resolver accepts only `ExecutionStatus`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupBy<'a> {
    /// Byte offset of `GROUP`.
    pub offset: usize,
    /// The attributes as written (never empty).
    pub attrs: Vec<Ident<'a>>,
}
