//! The typed intermediate representation of a List Filter.
//!
//! The parser and resolver produce a [`Query`]; every store consumes it (the SQL stores render
//! it, the in-memory store evaluates it). The IR is already normalised so that stores need no
//! knowledge of the surface syntax:
//!
//! * **No negation nodes.** `NOT` is pushed down to the leaves (valid under SQL's Kleene
//!   three-valued logic), so each [`Test`] carries its own `negated` flag or a negated operator.
//! * **Leaves are false for missing values.** Every test except [`Test::IsNull`] and
//!   [`Test::IsNotNull`] matches only records where the field is present. With NOT pushed
//!   down, "evaluate unknown as false" gives exactly the three-valued result.
//! * **Values are typed and exact**: times are microseconds since the epoch, statuses are
//!   codes, durations are nanoseconds, literals of the wrong numeric kind were converted
//!   (an Int field compared with `1.5` becomes an exact integer test or a constant).
//! * **Scoping is explicit**: the implicit `TemporalNamespaceDivision IS NULL` is already part
//!   of [`Query::filter`]. The namespace is not: stores add it.

use crate::attributes::SystemAttribute;
use crate::model::SearchAttributeType;

/// A compiled List Filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The filter; [`Expr::True`] when the query has no condition.
    pub filter: Expr,
    /// Explicit `ORDER BY` keys, in order. Stores append [`Query::default_order`] to break ties.
    pub order_by: Vec<SortKey>,
    /// `GROUP BY` field, only for counts (today only `ExecutionStatus`).
    pub group_by: Option<Field>,
}

impl Query {
    /// A query matching every record of a namespace without a division (the empty filter).
    pub fn match_all() -> Self {
        Query {
            filter: Expr::Pred(Predicate {
                field: Field::NamespaceDivision,
                test: Test::IsNull,
            }),
            order_by: Vec::new(),
            group_by: None,
        }
    }

    /// The default order every listing ends with: close time descending with running
    /// executions first, then start time descending, run id ascending, workflow id ascending.
    pub fn default_order() -> [SortKey; 4] {
        [
            SortKey {
                key: SortField::CloseTimeRunningFirst,
                descending: true,
            },
            SortKey {
                key: SortField::Field(Field::System(SystemAttribute::StartTime)),
                descending: true,
            },
            SortKey {
                key: SortField::Field(Field::System(SystemAttribute::RunId)),
                descending: false,
            },
            SortKey {
                key: SortField::Field(Field::System(SystemAttribute::WorkflowId)),
                descending: false,
            },
        ]
    }

    /// The full sort order of a listing: explicit keys, then the default order.
    pub fn sort_keys(&self) -> Vec<SortKey> {
        let mut keys = self.order_by.clone();
        keys.extend(Self::default_order());
        keys
    }
}

/// A boolean filter expression in negation normal form.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Matches every record.
    True,
    /// Matches no record.
    False,
    /// All sub-expressions match (never empty).
    And(Vec<Expr>),
    /// At least one sub-expression matches (never empty).
    Or(Vec<Expr>),
    /// A test on one field.
    Pred(Predicate),
}

/// A test on one field of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Predicate {
    /// The field tested.
    pub field: Field,
    /// The test.
    pub test: Test,
}

/// Where a queried value lives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field {
    /// A system attribute (a record field). Scalars compare as the attribute's value type;
    /// `ExecutionStatus` values are status codes, `ExecutionDuration` nanoseconds.
    System(SystemAttribute),
    /// The predefined `TemporalNamespaceDivision` keyword (kept as a record field by stores
    /// because every default query tests it).
    NamespaceDivision,
    /// A predefined or custom search attribute, by storage id.
    SearchAttribute {
        /// Storage id (negative for predefined attributes).
        id: i64,
        /// The attribute's type.
        ty: SearchAttributeType,
    },
}

/// One test. Every test except `IsNull`/`IsNotNull` is false when the field is missing.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// The field is missing (empty keyword lists count as missing).
    IsNull,
    /// The field is present.
    IsNotNull,
    /// Scalar comparison (Keyword, Int, Double, Bool, Datetime, status, duration fields).
    Cmp {
        /// Operator.
        op: CmpOp,
        /// Right-hand value, of the field's scalar kind.
        value: Scalar,
    },
    /// Membership in a non-empty list of scalars; `negated`: present and in none of them.
    In {
        /// Values, of the field's scalar kind, without duplicates.
        values: Vec<Scalar>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `low <= field <= high`; `negated`: present and outside the range.
    Between {
        /// Lower bound (inclusive).
        low: Scalar,
        /// Upper bound (inclusive).
        high: Scalar,
        /// `NOT BETWEEN`.
        negated: bool,
    },
    /// Keyword prefix test, literal (no wildcards); `negated`: present and not a prefix.
    /// An empty prefix matches every present value.
    StartsWith {
        /// The prefix.
        prefix: String,
        /// `NOT STARTS_WITH`.
        negated: bool,
    },
    /// KeywordList membership: at least one of `values` is an element (`=` and `IN`);
    /// `negated`: present and none of `values` is an element (`!=` and `NOT IN`).
    Contains {
        /// Keywords, non-empty, without duplicates.
        values: Vec<String>,
        /// Negated form.
        negated: bool,
    },
    /// Text match: at least one of `words` is a word of the value (`=`); `negated`: present
    /// and none is (`!=`). Words are already normalised (see [`crate::attributes::text_words`]).
    AnyWord {
        /// Normalised words, non-empty, without duplicates.
        words: Vec<String>,
        /// Negated form.
        negated: bool,
    },
}

/// Scalar comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=` / `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator that holds exactly when this one does not (for present values).
    pub fn negate(self) -> Self {
        match self {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
        }
    }

    /// SQL spelling.
    pub fn sql(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A typed literal or stored scalar.
#[derive(Debug, Clone, PartialEq, PartialOrd, serde::Serialize, serde::Deserialize)]
pub enum Scalar {
    /// Keyword (compared by code point).
    #[serde(rename = "s")]
    Str(String),
    /// Int, status code or duration in nanoseconds.
    #[serde(rename = "i")]
    Int(i64),
    /// Double (finite).
    #[serde(rename = "d")]
    Double(f64),
    /// Bool.
    #[serde(rename = "b")]
    Bool(bool),
    /// Datetime in microseconds since the epoch.
    #[serde(rename = "t")]
    Time(i64),
}

/// One sort key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortKey {
    /// What to sort by.
    pub key: SortField,
    /// Descending order. Missing values sort last in both directions.
    pub descending: bool,
}

/// What a sort key orders by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SortField {
    /// A field; `ExecutionStatus` sorts by status name. Never Text or KeywordList.
    Field(Field),
    /// Close time where running executions count as later than any close time (the default
    /// order's first key; never missing).
    CloseTimeRunningFirst,
}
