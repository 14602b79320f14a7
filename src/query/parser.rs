//! Hand-written parser from List Filter text to the syntax tree.
//!
//! Predicates and clauses are parsed by plain descent; the condition itself is parsed
//! without recursion (open parentheses are kept on a heap stack),
//! so no input can overflow the call stack here; nesting of parentheses and `NOT` is
//! bounded by [`QueryLimits::max_depth`], which also bounds the depth of the tree that
//! later stages walk recursively.
//!
//! Grammar (keywords case-insensitive):
//!
//! ```text
//! statement := [or_expr] { ORDER BY key {, key} | GROUP BY name {, name} } EOF
//!              (each clause at most once)
//! or_expr   := and_expr { OR and_expr }
//! and_expr  := unary { AND unary }
//! unary     := NOT unary | '(' or_expr ')' | predicate
//! predicate := name ( cmp value | [NOT] IN '(' value {, value} ')'
//!                   | [NOT] BETWEEN value AND value | [NOT] STARTS_WITH value
//!                   | IS [NOT] NULL )
//! key       := name [ASC | DESC]
//! ```

use crate::error::Error;
use crate::options::QueryLimits;
use crate::query::ast::{
    Expr, GroupBy, Ident, Literal, Op, OrderBy, OrderKey, Predicate, Statement, Value,
};
use crate::query::ir::CmpOp;
use crate::query::lexer::{Keyword, Lexer, Tok, Token};

#[cfg(test)]
mod tests;

/// Parses a List Filter into its syntax tree.
pub(crate) fn parse<'a>(text: &'a str, limits: &QueryLimits) -> Result<Statement<'a>, Error> {
    if text.len() > limits.max_query_bytes {
        return Err(Error::invalid_query(
            format!(
                "query is {} bytes long; the limit is {} bytes",
                text.len(),
                limits.max_query_bytes
            ),
            limits.max_query_bytes,
        ));
    }
    let mut lexer = Lexer::new(text);
    let tok = lexer.next_token()?;
    let mut parser = Parser {
        text,
        lexer,
        tok,
        depth: 0,
        max_depth: limits.max_depth,
    };
    parser.statement()
}

/// Initial room for the terms of an `AND` / `OR` chain (avoids regrowing for typical
/// filters).
const CHAIN_CAPACITY: usize = 8;

/// Longest excerpt of the text quoted in an error message.
const MAX_EXCERPT: usize = 40;

struct Parser<'a> {
    text: &'a str,
    lexer: Lexer<'a>,
    /// The current (not yet consumed) token.
    tok: Token<'a>,
    depth: usize,
    max_depth: usize,
}

impl<'a> Parser<'a> {
    /// Consumes the current token and returns it.
    fn bump(&mut self) -> Result<Token<'a>, Error> {
        let next = self.lexer.next_token()?;
        Ok(std::mem::replace(&mut self.tok, next))
    }

    fn at_keyword(&self, kw: Keyword) -> bool {
        matches!(self.tok.tok, Tok::Keyword(k) if k == kw)
    }

    /// The current token as quoted in messages: `'text'`, or `end of query`.
    fn describe(&self) -> String {
        describe_token(self.text, &self.tok)
    }

    /// An error at the current token: "unexpected X; expected …".
    fn unexpected(&self, expected: &str) -> Error {
        Error::invalid_query(
            format!("unexpected {}; expected {expected}", self.describe()),
            self.tok.start,
        )
    }

    fn expect_keyword(&mut self, kw: Keyword, expected: &str) -> Result<(), Error> {
        if !self.at_keyword(kw) {
            return Err(self.unexpected(expected));
        }
        self.bump()?;
        Ok(())
    }

    fn enter(&mut self, offset: usize) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(Error::invalid_query(
                format!(
                    "query nests parentheses and NOT deeper than the limit of {} levels",
                    self.max_depth
                ),
                offset,
            ));
        }
        Ok(())
    }

    fn statement(&mut self) -> Result<Statement<'a>, Error> {
        let filter = match self.tok.tok {
            Tok::Eof | Tok::Keyword(Keyword::Order | Keyword::Group) => None,
            _ => Some(self.condition()?),
        };
        let mut statement = Statement {
            filter,
            order_by: None,
            group_by: None,
        };
        loop {
            match self.tok.tok {
                Tok::Eof => return Ok(statement),
                Tok::Keyword(Keyword::Order) => {
                    if statement.order_by.is_some() {
                        return Err(self.duplicate_clause("ORDER BY"));
                    }
                    statement.order_by = Some(self.order_by()?);
                }
                Tok::Keyword(Keyword::Group) => {
                    if statement.group_by.is_some() {
                        return Err(self.duplicate_clause("GROUP BY"));
                    }
                    statement.group_by = Some(self.group_by()?);
                }
                Tok::Keyword(Keyword::Limit) => return Err(self.limit_error()),
                Tok::RParen => {
                    return Err(Error::invalid_query(
                        "unexpected ')' without a matching '('",
                        self.tok.start,
                    ));
                }
                _ => {
                    let expected = if statement.order_by.is_none() && statement.group_by.is_none() {
                        "AND, OR, ORDER BY, GROUP BY or the end of the query"
                    } else {
                        "',', ORDER BY, GROUP BY or the end of the query"
                    };
                    return Err(self.unexpected(expected));
                }
            }
        }
    }

    fn duplicate_clause(&self, clause: &str) -> Error {
        Error::invalid_query(format!("{clause} may appear only once"), self.tok.start)
    }

    fn limit_error(&self) -> Error {
        Error::invalid_query(
            "LIMIT is not supported; use the request's page size instead",
            self.tok.start,
        )
    }

    /// The condition: `OR` of `AND`s of (negated) predicates and parenthesised groups.
    ///
    /// Iterative: open parentheses live on an explicit stack, so nesting costs heap, not
    /// call stack. Double negations cancel (exact under three-valued logic), so the tree
    /// holds at most one `Not` per group.
    fn condition(&mut self) -> Result<Expr<'a>, Error> {
        let mut outer: Vec<Group<'a>> = Vec::new();
        let mut level = Group::new(None, 0);
        loop {
            // A unary term: NOT* followed by '(' or a predicate.
            let mut nots = 0;
            while self.at_keyword(Keyword::Not) {
                self.enter(self.tok.start)?;
                nots += 1;
                self.bump()?;
            }
            if matches!(self.tok.tok, Tok::LParen) {
                let open = self.tok.start;
                self.enter(open)?;
                self.bump()?;
                outer.push(std::mem::replace(&mut level, Group::new(Some(open), nots)));
                continue;
            }
            let mut term = negate_if(Expr::Pred(self.predicate()?), nots % 2 == 1);
            self.depth -= nots;
            // After a term: continue its chains, or close groups until one continues.
            loop {
                if self.at_keyword(Keyword::And) {
                    level.push_and(term);
                    self.bump()?;
                    break;
                }
                let conjunction = level.finish_and(term);
                if self.at_keyword(Keyword::Or) {
                    level.push_or(conjunction);
                    self.bump()?;
                    break;
                }
                let disjunction = level.finish_or(conjunction);
                let Some(enclosing) = outer.pop() else {
                    return Ok(disjunction);
                };
                let open = level.open.unwrap_or(0);
                if !matches!(self.tok.tok, Tok::RParen) {
                    return Err(
                        self.unexpected(&format!("AND, OR or ')' to close the '(' at byte {open}"))
                    );
                }
                self.bump()?;
                self.depth -= 1 + level.nots;
                term = negate_if(disjunction, level.nots % 2 == 1);
                level = enclosing;
            }
        }
    }

    /// An attribute name where a condition starts.
    fn condition_name(&mut self) -> Result<Ident<'a>, Error> {
        let start = self.tok.start;
        let name = match self.tok.tok {
            Tok::Word(name) | Tok::Quoted(name) => name,
            Tok::Str(_)
            | Tok::Number(_)
            | Tok::Keyword(Keyword::True | Keyword::False | Keyword::Null) => {
                return Err(Error::invalid_query(
                    format!(
                        "a literal cannot be on the left-hand side of a condition: found {} \
                         where an attribute name was expected",
                        self.describe()
                    ),
                    start,
                ));
            }
            Tok::Keyword(Keyword::Limit) => return Err(self.limit_error()),
            Tok::Keyword(_) => {
                return Err(self.unexpected(
                    "an attribute name (back-quote attribute names that are keywords, \
                     e.g. `Order`)",
                ));
            }
            _ => return Err(self.unexpected("a condition")),
        };
        self.bump()?;
        if matches!(self.tok.tok, Tok::LParen) {
            return Err(function_error(name, start));
        }
        Ok(Ident {
            name,
            offset: start,
        })
    }

    fn predicate(&mut self) -> Result<Predicate<'a>, Error> {
        let attr = self.condition_name()?;
        let op_offset = self.tok.start;
        let cmp = match self.tok.tok {
            Tok::Eq => Some(CmpOp::Eq),
            Tok::Ne => Some(CmpOp::Ne),
            Tok::Lt => Some(CmpOp::Lt),
            Tok::Le => Some(CmpOp::Le),
            Tok::Gt => Some(CmpOp::Gt),
            Tok::Ge => Some(CmpOp::Ge),
            _ => None,
        };
        let op = if let Some(cmp) = cmp {
            self.bump()?;
            Op::Cmp(cmp, self.value()?)
        } else {
            match self.tok.tok {
                Tok::Keyword(Keyword::Is) => {
                    self.bump()?;
                    let negated = self.at_keyword(Keyword::Not);
                    if negated {
                        self.bump()?;
                    }
                    let expected = if negated { "NULL" } else { "NULL or NOT NULL" };
                    self.expect_keyword(Keyword::Null, expected)?;
                    Op::IsNull { negated }
                }
                Tok::Keyword(Keyword::Not) => {
                    self.bump()?;
                    if !matches!(
                        self.tok.tok,
                        Tok::Keyword(Keyword::In | Keyword::Between | Keyword::StartsWith)
                    ) {
                        return Err(self.unexpected("IN, BETWEEN or STARTS_WITH after NOT"));
                    }
                    self.negatable_op(true)?
                }
                Tok::Keyword(Keyword::In | Keyword::Between | Keyword::StartsWith) => {
                    self.negatable_op(false)?
                }
                Tok::Eof
                | Tok::RParen
                | Tok::Keyword(
                    Keyword::And | Keyword::Or | Keyword::Order | Keyword::Group | Keyword::Limit,
                ) => {
                    return Err(Error::invalid_query(
                        format!(
                            "'{name}' alone is not a condition: compare it with a value \
                             (e.g. {name} = 'x') or test it with IS [NOT] NULL",
                            name = attr.name
                        ),
                        attr.offset,
                    ));
                }
                _ => {
                    return Err(self.unexpected(&format!(
                        "an operator after '{}' (=, !=, <>, <, <=, >, >=, IN, NOT IN, \
                         BETWEEN, STARTS_WITH, IS NULL, …)",
                        attr.name
                    )));
                }
            }
        };
        Ok(Predicate {
            attr,
            op_offset,
            op,
        })
    }

    /// `IN (…)`, `BETWEEN … AND …` or `STARTS_WITH …`, at that keyword.
    fn negatable_op(&mut self, negated: bool) -> Result<Op<'a>, Error> {
        let keyword = self.bump()?;
        Ok(match keyword.tok {
            Tok::Keyword(Keyword::In) => Op::In {
                values: self.value_list()?,
                negated,
            },
            Tok::Keyword(Keyword::Between) => {
                let low = self.value()?;
                self.expect_keyword(Keyword::And, "AND between the BETWEEN bounds")?;
                let high = self.value()?;
                Op::Between { low, high, negated }
            }
            _ => Op::StartsWith {
                prefix: self.value()?,
                negated,
            },
        })
    }

    /// `( value {, value} )`.
    fn value_list(&mut self) -> Result<Vec<Literal<'a>>, Error> {
        if !matches!(self.tok.tok, Tok::LParen) {
            return Err(self.unexpected("'(' starting the IN list"));
        }
        self.bump()?;
        if matches!(self.tok.tok, Tok::RParen) {
            return Err(Error::invalid_query(
                "an IN list needs at least one value",
                self.tok.start,
            ));
        }
        let mut values = Vec::with_capacity(4);
        loop {
            values.push(self.value()?);
            match self.tok.tok {
                Tok::Comma => {
                    self.bump()?;
                }
                Tok::RParen => {
                    self.bump()?;
                    return Ok(values);
                }
                _ => return Err(self.unexpected("',' or ')' in the IN list")),
            }
        }
    }

    /// A literal on the right-hand side.
    fn value(&mut self) -> Result<Literal<'a>, Error> {
        if !matches!(
            self.tok.tok,
            Tok::Str(_)
                | Tok::Number(_)
                | Tok::Word(_)
                | Tok::Quoted(_)
                | Tok::Keyword(Keyword::True | Keyword::False | Keyword::Null)
        ) {
            return Err(self.unexpected("a value (a quoted string, a number, true or false)"));
        }
        let token = self.bump()?;
        let start = token.start;
        let value = match token.tok {
            Tok::Str(s) => Value::Str(s),
            Tok::Number(text) => number_value(text, start)?,
            Tok::Keyword(Keyword::True) => Value::Bool(true),
            Tok::Keyword(Keyword::False) => Value::Bool(false),
            Tok::Word(name) | Tok::Quoted(name) => {
                if matches!(self.tok.tok, Tok::LParen) {
                    return Err(function_error(name, start));
                }
                return Err(Error::invalid_query(
                    format!(
                        "expected a value but found the attribute name '{name}'; comparing \
                         two attributes is not supported (did you forget to quote '{name}'?)"
                    ),
                    start,
                ));
            }
            _ => {
                return Err(Error::invalid_query(
                    "NULL cannot be compared with an operator; use IS NULL or IS NOT NULL",
                    start,
                ));
            }
        };
        Ok(Literal {
            value,
            raw: &self.text[start..token.end],
            offset: start,
        })
    }

    fn order_by(&mut self) -> Result<OrderBy<'a>, Error> {
        let offset = self.bump()?.start;
        self.expect_keyword(Keyword::By, "BY after ORDER")?;
        let mut keys = Vec::with_capacity(2);
        loop {
            let attr = self.clause_name("ORDER BY")?;
            let descending = match self.tok.tok {
                Tok::Keyword(Keyword::Desc) => {
                    self.bump()?;
                    true
                }
                Tok::Keyword(Keyword::Asc) => {
                    self.bump()?;
                    false
                }
                _ => false,
            };
            keys.push(OrderKey { attr, descending });
            if !matches!(self.tok.tok, Tok::Comma) {
                return Ok(OrderBy { offset, keys });
            }
            self.bump()?;
        }
    }

    fn group_by(&mut self) -> Result<GroupBy<'a>, Error> {
        let offset = self.bump()?.start;
        self.expect_keyword(Keyword::By, "BY after GROUP")?;
        let mut attrs = Vec::with_capacity(1);
        loop {
            attrs.push(self.clause_name("GROUP BY")?);
            if !matches!(self.tok.tok, Tok::Comma) {
                return Ok(GroupBy { offset, attrs });
            }
            self.bump()?;
        }
    }

    /// An attribute name in an `ORDER BY` or `GROUP BY` list.
    fn clause_name(&mut self, clause: &str) -> Result<Ident<'a>, Error> {
        let offset = self.tok.start;
        match self.tok.tok {
            Tok::Word(name) | Tok::Quoted(name) => {
                self.bump()?;
                if matches!(self.tok.tok, Tok::LParen) {
                    return Err(function_error(name, offset));
                }
                Ok(Ident { name, offset })
            }
            Tok::Keyword(Keyword::Limit) => Err(self.limit_error()),
            _ => Err(self.unexpected(&format!("an attribute name in {clause}"))),
        }
    }
}

/// One nesting level of a condition being parsed: the top level or an open parenthesis.
struct Group<'a> {
    /// Offset of the '(' (`None` at the top level).
    open: Option<usize>,
    /// `NOT`s written before the '(' (they apply to the whole group).
    nots: usize,
    /// Completed `OR` terms of this level.
    or_terms: Vec<Expr<'a>>,
    /// Completed `AND` terms of the current `OR` term.
    and_terms: Vec<Expr<'a>>,
}

impl<'a> Group<'a> {
    fn new(open: Option<usize>, nots: usize) -> Self {
        // Empty vectors do not allocate: single-term chains never touch the heap.
        Group {
            open,
            nots,
            or_terms: Vec::new(),
            and_terms: Vec::new(),
        }
    }

    fn push_and(&mut self, term: Expr<'a>) {
        if self.and_terms.is_empty() {
            self.and_terms.reserve(CHAIN_CAPACITY);
        }
        self.and_terms.push(term);
    }

    /// Ends the current `AND` chain with its last term.
    fn finish_and(&mut self, last: Expr<'a>) -> Expr<'a> {
        if self.and_terms.is_empty() {
            return last;
        }
        self.and_terms.push(last);
        Expr::And(std::mem::take(&mut self.and_terms))
    }

    fn push_or(&mut self, term: Expr<'a>) {
        if self.or_terms.is_empty() {
            self.or_terms.reserve(CHAIN_CAPACITY);
        }
        self.or_terms.push(term);
    }

    /// Ends this level's `OR` chain with its last term.
    fn finish_or(&mut self, last: Expr<'a>) -> Expr<'a> {
        if self.or_terms.is_empty() {
            return last;
        }
        self.or_terms.push(last);
        Expr::Or(std::mem::take(&mut self.or_terms))
    }
}

/// `NOT expr`, cancelling a double negation.
fn negate_if(expr: Expr<'_>, negate: bool) -> Expr<'_> {
    match expr {
        _ if !negate => expr,
        Expr::Not(inner) => *inner,
        other => Expr::Not(Box::new(other)),
    }
}

fn function_error(name: &str, offset: usize) -> Error {
    Error::invalid_query(
        format!("functions are not supported (found '{name}(…)')"),
        offset,
    )
}

/// Converts a number token: integers that fit `i64` stay exact, everything else is `f64`
/// (a literal beyond the `f64` range becomes infinite).
fn number_value(text: &str, offset: usize) -> Result<Value<'static>, Error> {
    let integral = !text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'));
    if integral && let Ok(n) = text.parse::<i64>() {
        return Ok(Value::Int(n));
    }
    text.parse::<f64>()
        .ok()
        .filter(|f| !f.is_nan())
        .map(Value::Float)
        .ok_or_else(|| Error::invalid_query(format!("invalid number '{text}'"), offset))
}

fn describe_token(text: &str, token: &Token<'_>) -> String {
    if matches!(token.tok, Tok::Eof) {
        return "end of query".to_owned();
    }
    let raw = &text[token.start..token.end];
    if raw.len() <= MAX_EXCERPT {
        return format!("'{raw}'");
    }
    let mut cut = MAX_EXCERPT;
    while !raw.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("'{}…'", &raw[..cut])
}
