//! CEQL, the `where` language of Cloud Elements, parsed here into the contract's structured
//! [`pb::UserFilter`]: the core never sees the text, and no part of it ever becomes SQL.
//!
//! Operators: `AND`, `OR`, `NOT`, parentheses, `=`, `!=` (`<>`), `<`, `>`, `<=`, `>=`,
//! `[NOT] LIKE` with `%`, `[NOT] IN (...)`, `IS [NOT] NULL`. Literals: `'strings'` with `''`
//! for a quote, numbers, `true`/`false`, dates `'YYYY-MM-DD'` and ISO-8601 timestamps.
//! Keywords ignore case; `` `backticks` `` quote a field name. Every error says what is wrong
//! and at which character (1-based). DESIGN: `NOT` and `NOT LIKE` are extras the vendor does
//! not document.

mod fields;
mod lexer;
mod parser;
mod values;

use parser::Expr;
use roster_proto::v1 as pb;

/// The longest `where` accepted, in characters.
pub(crate) const MAX_LENGTH: usize = 8192;
/// The core's limits on a filter tree (nodes, depth); refused here with a CEQL message.
const MAX_NODES: usize = 256;
const MAX_DEPTH: usize = 16;

/// A CEQL error: what is wrong, and the 1-based character position where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CeqlError {
    pub(crate) message: String,
    pub(crate) position: usize,
}

impl CeqlError {
    pub(crate) fn new(message: impl Into<String>, position: usize) -> Self {
        Self {
            message: message.into(),
            position,
        }
    }
}

impl std::fmt::Display for CeqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at character {}", self.message, self.position)
    }
}

/// The filter a `where` value describes.
pub(crate) fn parse(input: &str) -> Result<pb::UserFilter, CeqlError> {
    let length = input.chars().count();
    if length > MAX_LENGTH {
        return Err(CeqlError::new(
            format!("the condition is longer than {MAX_LENGTH} characters"),
            MAX_LENGTH + 1,
        ));
    }
    let toks = lexer::tokens(input)?;
    let expr = parser::parse(&toks, length + 1)?;
    let filter = translate(&expr)?;
    let (mut nodes, depth) = (0, size(&filter, 1, &mut 0));
    nodes += count(&filter);
    if nodes > MAX_NODES || depth > MAX_DEPTH {
        return Err(CeqlError::new("the condition is too complex", 1));
    }
    Ok(filter)
}

fn translate(e: &Expr) -> Result<pb::UserFilter, CeqlError> {
    Ok(match e {
        Expr::And(parts) => fields::all(parts.iter().map(translate).collect::<Result<_, _>>()?),
        Expr::Or(parts) => fields::any(parts.iter().map(translate).collect::<Result<_, _>>()?),
        Expr::Not(inner) => fields::not(translate(inner)?),
        Expr::Cmp {
            field,
            field_pos,
            op,
            values,
        } => {
            if values.len() > 1000 {
                return Err(CeqlError::new(
                    "a list holds at most 1000 values",
                    *field_pos,
                ));
            }
            fields::comparison(field, *field_pos, *op, values)?
        }
    })
}

fn children(f: &pb::UserFilter) -> Vec<&pb::UserFilter> {
    use pb::user_filter::Kind as K;
    match &f.kind {
        Some(K::All(l) | K::Any(l)) => l.filters.iter().collect(),
        Some(K::Not(inner)) => vec![inner.as_ref()],
        Some(K::Compare(_)) | None => Vec::new(),
    }
}

/// Nodes of the tree.
fn count(f: &pb::UserFilter) -> usize {
    1 + children(f).into_iter().map(count).sum::<usize>()
}

/// Depth of the tree.
fn size(f: &pb::UserFilter, depth: usize, deepest: &mut usize) -> usize {
    *deepest = (*deepest).max(depth);
    for c in children(f) {
        size(c, depth + 1, deepest);
    }
    *deepest
}

#[cfg(test)]
mod tests;
