//! SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2): the parser, an evaluator over
//! rendered resources, and the translation of User filters into the contract's structured
//! filter (no text of a filter ever reaches SQL).
//!
//! The whole grammar: `eq ne co sw ew gt ge lt le pr`, `and`, `or`, `not (…)`, parentheses,
//! value paths `emails[type eq "work" and value co "@x"]`, URN-prefixed names, JSON string
//! escapes; keywords, operators and attribute names ignore case; `not` binds tighter than
//! `and`, which binds tighter than `or`. Two extensions, for IdPs: `not` may be followed by a
//! space (erratum 7319), and a filter may name a sub-attribute after a value path
//! (`emails[type eq "work"].value eq "x"`, which Entra uses for matching); that reads as
//! `emails[type eq "work" and value eq "x"]`.
//!
//! Errors carry a 0-based character offset. Inputs longer than [`MAX_LENGTH`] characters or
//! nesting deeper than [`MAX_DEPTH`] are refused with an error, so no input exhausts the
//! stack.

mod check;
mod eval;
mod parser;
pub(crate) mod users;

use std::fmt;

pub(crate) use check::{check, check_value_filter};
pub(crate) use eval::{as_bool, matches, matches_value};
pub(crate) use parser::{parse_filter, parse_path};
pub(crate) use users::to_user_filter;

/// The longest filter or path accepted, in characters.
pub(crate) const MAX_LENGTH: usize = 10_000;
/// The deepest nesting of parentheses, `not`s and value paths accepted.
pub(crate) const MAX_DEPTH: usize = 50;

/// A parsed filter. `and` and `or` chains are flat lists, so a long chain stays shallow.
/// Leaves carry `at`, the character offset where their attribute path starts, for errors
/// found after parsing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Filter {
    /// Every filter holds (two or more).
    And(Vec<Filter>),
    /// At least one filter holds (two or more).
    Or(Vec<Filter>),
    Not(Box<Filter>),
    /// `path op value`.
    Compare {
        path: AttrPath,
        op: CompareOp,
        value: CompValue,
        at: usize,
    },
    /// `path pr`: the attribute has a value that is not null nor empty.
    Present {
        path: AttrPath,
        at: usize,
    },
    /// `path[filter]`: one value of the (multi-valued complex) attribute `path` satisfies
    /// `filter`, whose paths name its sub-attributes (`type`, `value`).
    ValuePath {
        path: AttrPath,
        filter: Box<Filter>,
        at: usize,
    },
}

/// An attribute path: `[urn ":"] name ["." sub]`. A known schema URN is kept in its
/// canonical spelling; names are kept as written (they compare without case).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct AttrPath {
    pub(crate) urn: Option<String>,
    pub(crate) name: String,
    pub(crate) sub: Option<String>,
}

impl AttrPath {
    /// `name`, without URN or sub-attribute.
    pub(crate) fn new(name: impl Into<String>) -> Self {
        Self {
            urn: None,
            name: name.into(),
            sub: None,
        }
    }

    /// `name.sub`.
    #[cfg(test)]
    pub(crate) fn with_sub(name: impl Into<String>, sub: impl Into<String>) -> Self {
        Self {
            sub: Some(sub.into()),
            ..Self::new(name)
        }
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// A comparison operator (`pr` is [`Filter::Present`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    /// Its name in a filter.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Co => "co",
            Self::Sw => "sw",
            Self::Ew => "ew",
            Self::Gt => "gt",
            Self::Ge => "ge",
            Self::Lt => "lt",
            Self::Le => "le",
        }
    }

    /// The operator named `word` (without case).
    pub(crate) fn from_name(word: &str) -> Option<Self> {
        [
            Self::Eq,
            Self::Ne,
            Self::Co,
            Self::Sw,
            Self::Ew,
            Self::Gt,
            Self::Ge,
            Self::Lt,
            Self::Le,
        ]
        .into_iter()
        .find(|op| op.as_str().eq_ignore_ascii_case(word))
    }

    /// Whether it orders values (`gt ge lt le`).
    pub(crate) fn is_ordering(self) -> bool {
        matches!(self, Self::Gt | Self::Ge | Self::Lt | Self::Le)
    }
}

/// A comparison value: a JSON literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CompValue {
    String(String),
    /// An integer or a decimal, as JSON spells it.
    Number(serde_json::Number),
    Bool(bool),
    Null,
}

impl fmt::Display for CompValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::String(s) => write!(f, "{}", serde_json::Value::String(s.clone())),
            Self::Number(n) => write!(f, "{n}"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Null => f.write_str("null"),
        }
    }
}

/// A PATCH operation's `path` (RFC 7644 §3.5.2): `attrPath`, or `valuePath ["." subAttr]`.
/// With a `filter`, it selects the values of the multi-valued attribute `path.name` that
/// match it, and `path.sub` (if any) is the sub-attribute to act on in each; without, `path`
/// is the attribute or sub-attribute itself.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PatchPath {
    pub(crate) path: AttrPath,
    pub(crate) filter: Option<Filter>,
}

/// Why a filter or path is refused: what was expected where. `at` is a 0-based character
/// offset into the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at {at}")]
pub(crate) struct FilterError {
    pub(crate) at: usize,
    pub(crate) message: String,
}

impl FilterError {
    pub(crate) fn new(at: usize, message: impl Into<String>) -> Self {
        Self {
            at,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests;
