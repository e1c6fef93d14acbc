//! CEQL syntax: `OR` binds loosest, then `AND`, then `NOT`; parentheses group. Comparisons
//! are `field op value`, `field [NOT] LIKE 'pattern'`, `field [NOT] IN (v, ...)` and
//! `field IS [NOT] NULL`. Chains of `AND` / `OR` become one list node each, so long flat
//! conditions stay shallow; nesting deeper than [`MAX_NESTING`] is refused, so no input can
//! exhaust the stack.

use super::CeqlError;
use super::lexer::Tok;

/// Parentheses and `NOT`s one condition may nest.
pub(crate) const MAX_NESTING: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Like,
    NotLike,
    In,
    NotIn,
    IsNull,
    IsNotNull,
}

impl CmpOp {
    pub(crate) fn text(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Like => "LIKE",
            Self::NotLike => "NOT LIKE",
            Self::In => "IN",
            Self::NotIn => "NOT IN",
            Self::IsNull => "IS NULL",
            Self::IsNotNull => "IS NOT NULL",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Str(String),
    Bare(String),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Cmp {
        field: String,
        field_pos: usize,
        op: CmpOp,
        values: Vec<(Literal, usize)>,
    },
}

struct Parser<'a> {
    toks: &'a [(Tok, usize)],
    at: usize,
    /// The position just past the input, for "at the end" errors.
    end: usize,
}

const KEYWORDS: [&str; 9] = [
    "AND", "OR", "NOT", "IN", "LIKE", "IS", "NULL", "TRUE", "FALSE",
];

/// The condition `toks` spell; `end` is the input's length + 1.
pub(crate) fn parse(toks: &[(Tok, usize)], end: usize) -> Result<Expr, CeqlError> {
    let mut p = Parser { toks, at: 0, end };
    if toks.is_empty() {
        return Err(CeqlError::new("the condition is empty", 1));
    }
    let e = p.or(0)?;
    match p.peek() {
        None => Ok(e),
        Some((t, pos)) => Err(CeqlError::new(
            format!("unexpected {} after a complete condition", t.describe()),
            pos,
        )),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<(&Tok, usize)> {
        self.toks.get(self.at).map(|(t, p)| (t, *p))
    }

    fn pos(&self) -> usize {
        self.peek().map_or(self.end, |(_, p)| p)
    }

    fn found(&self) -> String {
        self.peek()
            .map_or_else(|| "the end".to_owned(), |(t, _)| t.describe())
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.peek().is_some_and(|(t, _)| t.is_kw(kw)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, want: &Tok, what: &str) -> Result<(), CeqlError> {
        if self.peek().is_some_and(|(t, _)| t == want) {
            self.at += 1;
            Ok(())
        } else {
            Err(CeqlError::new(
                format!("expected {what}, found {}", self.found()),
                self.pos(),
            ))
        }
    }

    fn or(&mut self, depth: usize) -> Result<Expr, CeqlError> {
        let mut parts = vec![self.and(depth)?];
        while self.eat_kw("OR") {
            parts.push(self.and(depth)?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self, depth: usize) -> Result<Expr, CeqlError> {
        let mut parts = vec![self.unary(depth)?];
        while self.eat_kw("AND") {
            parts.push(self.unary(depth)?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, CeqlError> {
        if depth >= MAX_NESTING {
            return Err(CeqlError::new(
                format!("the condition nests more than {MAX_NESTING} levels"),
                self.pos(),
            ));
        }
        if self.eat_kw("NOT") {
            return Ok(Expr::Not(Box::new(self.unary(depth + 1)?)));
        }
        if self.peek().is_some_and(|(t, _)| *t == Tok::LParen) {
            self.at += 1;
            let e = self.or(depth + 1)?;
            self.expect(&Tok::RParen, "')'")?;
            return Ok(e);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, CeqlError> {
        let field_pos = self.pos();
        let field = match self.peek() {
            Some((Tok::Quoted(q), _)) => q.clone(),
            Some((Tok::Word(w), _)) if !KEYWORDS.iter().any(|k| w.eq_ignore_ascii_case(k)) => {
                w.clone()
            }
            _ => {
                return Err(CeqlError::new(
                    format!("expected a field name, found {}", self.found()),
                    field_pos,
                ));
            }
        };
        self.at += 1;
        let op_pos = self.pos();
        let (op, values) = match self.peek() {
            Some((Tok::Op(o), _)) => {
                let op = match *o {
                    "=" => CmpOp::Eq,
                    "!=" => CmpOp::Ne,
                    "<" => CmpOp::Lt,
                    "<=" => CmpOp::Le,
                    ">" => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                self.at += 1;
                (op, vec![self.value()?])
            }
            Some((t, _)) if t.is_kw("LIKE") => {
                self.at += 1;
                (CmpOp::Like, vec![self.value()?])
            }
            Some((t, _)) if t.is_kw("IN") => {
                self.at += 1;
                (CmpOp::In, self.list()?)
            }
            Some((t, _)) if t.is_kw("NOT") => {
                self.at += 1;
                if self.eat_kw("LIKE") {
                    (CmpOp::NotLike, vec![self.value()?])
                } else if self.eat_kw("IN") {
                    (CmpOp::NotIn, self.list()?)
                } else {
                    return Err(CeqlError::new(
                        format!("expected LIKE or IN after NOT, found {}", self.found()),
                        self.pos(),
                    ));
                }
            }
            Some((t, _)) if t.is_kw("IS") => {
                self.at += 1;
                let not = self.eat_kw("NOT");
                if !self.eat_kw("NULL") {
                    return Err(CeqlError::new(
                        format!("expected NULL after IS, found {}", self.found()),
                        self.pos(),
                    ));
                }
                let op = if not { CmpOp::IsNotNull } else { CmpOp::IsNull };
                (op, Vec::new())
            }
            _ => {
                return Err(CeqlError::new(
                    format!(
                        "expected an operator after '{field}', found {}",
                        self.found()
                    ),
                    op_pos,
                ));
            }
        };
        Ok(Expr::Cmp {
            field,
            field_pos,
            op,
            values,
        })
    }

    fn list(&mut self) -> Result<Vec<(Literal, usize)>, CeqlError> {
        self.expect(&Tok::LParen, "'(' to open the list")?;
        let mut values = vec![self.value()?];
        while self.peek().is_some_and(|(t, _)| *t == Tok::Comma) {
            self.at += 1;
            values.push(self.value()?);
        }
        self.expect(&Tok::RParen, "',' or ')' in the list")?;
        Ok(values)
    }

    fn value(&mut self) -> Result<(Literal, usize), CeqlError> {
        let pos = self.pos();
        let lit = match self.peek() {
            Some((Tok::Str(s), _)) => Literal::Str(s.clone()),
            Some((Tok::Bare(b), _)) => Literal::Bare(b.clone()),
            Some((t, _)) if t.is_kw("TRUE") => Literal::Bool(true),
            Some((t, _)) if t.is_kw("FALSE") => Literal::Bool(false),
            Some((t, _)) if t.is_kw("NULL") => {
                return Err(CeqlError::new(
                    "NULL is not a value: use IS NULL or IS NOT NULL",
                    pos,
                ));
            }
            _ => {
                return Err(CeqlError::new(
                    format!("expected a value, found {}", self.found()),
                    pos,
                ));
            }
        };
        self.at += 1;
        Ok((lit, pos))
    }
}
