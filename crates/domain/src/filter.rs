//! The user filter: a tree of all/any/not over typed field comparisons.
//!
//! Dialects parse their own query languages (CEQL, search parameters) into this tree; the
//! storage adapter turns it into bound SQL parameters. Nothing here is ever text that a
//! database parses.

use crate::users::{AccessLevel, PersonType, UserStatus};
use crate::values::Metadata;
use crate::{GroupId, Timestamp, UserId};
use std::fmt;

/// Limits that keep one request's query bounded.
pub const MAX_FILTER_NODES: usize = 256;
pub const MAX_FILTER_DEPTH: usize = 16;
pub const MAX_IN_VALUES: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Every filter holds (an empty list holds).
    All(Vec<Filter>),
    /// At least one filter holds (an empty list does not).
    Any(Vec<Filter>),
    Not(Box<Filter>),
    Compare(Comparison),
}

/// `field op values`, type-checked by [`Comparison::new`] (or [`Comparison::metadata`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    field: FilterField,
    /// The metadata entry compared, for [`FilterField::Metadata`] only.
    key: Option<String>,
    op: Op,
    values: Vec<Value>,
}

/// The user fields a filter can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilterField {
    Id,
    Number,
    Login,
    Email,
    FirstName,
    LastName,
    /// `first_name + " " + last_name`
    FullName,
    DisplayName,
    JobTitle,
    CompanyName,
    City,
    State,
    Country,
    Phone,
    PostalCode,
    Address,
    ExternalId,
    TimeZone,
    Status,
    PersonType,
    AccessLevel,
    Created,
    Updated,
    LastActivity,
    HasPassword,
    PasswordChangeRequired,
    /// A group the user is directly in: `Eq`/`In` hold when one of its groups is named,
    /// `Ne`/`NotIn` when none is, `IsNull` when it is in no group.
    GroupId,
    /// The value of one metadata entry (named by the comparison's key), as text with case;
    /// unset when the user has no such entry.
    Metadata,
}

/// The kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Uuid,
    /// A group's id.
    GroupId,
    Int,
    Text,
    Time,
    Bool,
    Status,
    PersonType,
    AccessLevel,
}

impl FilterField {
    pub fn kind(self) -> FieldKind {
        match self {
            Self::Id => FieldKind::Uuid,
            Self::Number => FieldKind::Int,
            Self::Login
            | Self::Email
            | Self::FirstName
            | Self::LastName
            | Self::FullName
            | Self::DisplayName
            | Self::JobTitle
            | Self::CompanyName
            | Self::City
            | Self::State
            | Self::Country
            | Self::Phone
            | Self::PostalCode
            | Self::Address
            | Self::ExternalId
            | Self::TimeZone
            | Self::Metadata => FieldKind::Text,
            Self::GroupId => FieldKind::GroupId,
            Self::Status => FieldKind::Status,
            Self::PersonType => FieldKind::PersonType,
            Self::AccessLevel => FieldKind::AccessLevel,
            Self::Created | Self::Updated | Self::LastActivity => FieldKind::Time,
            Self::HasPassword | Self::PasswordChangeRequired => FieldKind::Bool,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// SQL LIKE: `%` any run, `_` one character, `\` escapes; ASCII case ignored.
    Like,
    /// Starts with; ASCII case ignored.
    Prefix,
    /// Contains; ASCII case ignored.
    Contains,
    In,
    NotIn,
    IsNull,
    IsNotNull,
}

/// A typed comparison value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Uuid(UserId),
    GroupId(GroupId),
    Int(i64),
    Text(String),
    Time(Timestamp),
    Bool(bool),
    Status(UserStatus),
    PersonType(PersonType),
    AccessLevel(AccessLevel),
}

impl Value {
    pub fn kind(&self) -> FieldKind {
        match self {
            Self::Uuid(_) => FieldKind::Uuid,
            Self::GroupId(_) => FieldKind::GroupId,
            Self::Int(_) => FieldKind::Int,
            Self::Text(_) => FieldKind::Text,
            Self::Time(_) => FieldKind::Time,
            Self::Bool(_) => FieldKind::Bool,
            Self::Status(_) => FieldKind::Status,
            Self::PersonType(_) => FieldKind::PersonType,
            Self::AccessLevel(_) => FieldKind::AccessLevel,
        }
    }
}

/// Why a filter is refused. `path` locates the node (`filter.all[2].not`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct FilterError {
    pub path: String,
    pub problem: FilterProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterProblem {
    #[error("{op:?} takes {expected} value(s), got {got}")]
    Arity {
        op: Op,
        expected: &'static str,
        got: usize,
    },
    #[error("{field:?} holds {expected:?} values, got {got:?}")]
    Type {
        field: FilterField,
        expected: FieldKind,
        got: FieldKind,
    },
    #[error("{op:?} applies only to text fields, not {field:?}")]
    TextOnly { op: Op, field: FilterField },
    #[error("{op:?} does not apply to {field:?}")]
    Unordered { op: Op, field: FilterField },
    #[error("a metadata comparison needs the key of the entry it compares (metadata_key)")]
    MetadataKeyMissing,
    #[error("only a metadata comparison takes a metadata key, not {0:?}")]
    MetadataKeyUnexpected(FilterField),
    #[error("{0}")]
    MetadataKey(String),
    #[error(
        "the filter is too complex (at most {MAX_FILTER_NODES} nodes, {MAX_FILTER_DEPTH} levels)"
    )]
    TooComplex,
    #[error("{0}")]
    Other(String),
}

impl Comparison {
    /// A comparison whose operator, arity and value types fit the field. A metadata
    /// comparison is made with [`Comparison::metadata`].
    pub fn new(field: FilterField, op: Op, values: Vec<Value>) -> Result<Self, FilterProblem> {
        if field == FilterField::Metadata {
            return Err(FilterProblem::MetadataKeyMissing);
        }
        Self::checked(field, None, op, values)
    }

    /// A comparison of the metadata entry `key` (exact), with the text operators.
    pub fn metadata(key: &str, op: Op, values: Vec<Value>) -> Result<Self, FilterProblem> {
        let key =
            Metadata::parse_key(key).map_err(|e| FilterProblem::MetadataKey(e.to_string()))?;
        Self::checked(FilterField::Metadata, Some(key), op, values)
    }

    /// `field` with an optional metadata key, as a contract carries it: the key must be there
    /// for [`FilterField::Metadata`] and nowhere else.
    pub fn with_key(
        field: FilterField,
        key: Option<&str>,
        op: Op,
        values: Vec<Value>,
    ) -> Result<Self, FilterProblem> {
        match (field, key) {
            (FilterField::Metadata, Some(k)) => Self::metadata(k, op, values),
            (FilterField::Metadata, None) => Err(FilterProblem::MetadataKeyMissing),
            (f, Some(_)) => Err(FilterProblem::MetadataKeyUnexpected(f)),
            (f, None) => Self::new(f, op, values),
        }
    }

    fn checked(
        field: FilterField,
        key: Option<String>,
        op: Op,
        values: Vec<Value>,
    ) -> Result<Self, FilterProblem> {
        let n = values.len();
        let arity_ok = match op {
            Op::IsNull | Op::IsNotNull => n == 0,
            Op::In | Op::NotIn => (1..=MAX_IN_VALUES).contains(&n),
            Op::Eq
            | Op::Ne
            | Op::Lt
            | Op::Le
            | Op::Gt
            | Op::Ge
            | Op::Like
            | Op::Prefix
            | Op::Contains => n == 1,
        };
        if !arity_ok {
            let expected = match op {
                Op::IsNull | Op::IsNotNull => "no",
                Op::In | Op::NotIn => "1-1000",
                Op::Eq
                | Op::Ne
                | Op::Lt
                | Op::Le
                | Op::Gt
                | Op::Ge
                | Op::Like
                | Op::Prefix
                | Op::Contains => "exactly one",
            };
            return Err(FilterProblem::Arity {
                op,
                expected,
                got: n,
            });
        }
        let kind = field.kind();
        if matches!(op, Op::Like | Op::Prefix | Op::Contains) && kind != FieldKind::Text {
            return Err(FilterProblem::TextOnly { op, field });
        }
        let ordered = matches!(kind, FieldKind::Int | FieldKind::Text | FieldKind::Time);
        if matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge) && !ordered {
            return Err(FilterProblem::Unordered { op, field });
        }
        if let Some(bad) = values.iter().find(|v| v.kind() != kind) {
            return Err(FilterProblem::Type {
                field,
                expected: kind,
                got: bad.kind(),
            });
        }
        Ok(Self {
            field,
            key,
            op,
            values,
        })
    }

    pub fn field(&self) -> FilterField {
        self.field
    }

    /// The metadata key of a [`FilterField::Metadata`] comparison.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    pub fn op(&self) -> Op {
        self.op
    }

    pub fn values(&self) -> &[Value] {
        &self.values
    }
}

impl Filter {
    /// Refuses trees too large or too deep to run cheaply.
    pub fn check_size(&self) -> Result<(), FilterError> {
        let mut nodes = 0;
        self.walk(0, &mut nodes).map_err(|()| FilterError {
            path: "filter".to_owned(),
            problem: FilterProblem::TooComplex,
        })
    }

    fn walk(&self, depth: usize, nodes: &mut usize) -> Result<(), ()> {
        *nodes += 1;
        if depth > MAX_FILTER_DEPTH || *nodes > MAX_FILTER_NODES {
            return Err(());
        }
        match self {
            Filter::All(fs) | Filter::Any(fs) => {
                fs.iter().try_for_each(|f| f.walk(depth + 1, nodes))
            }
            Filter::Not(f) => f.walk(depth + 1, nodes),
            Filter::Compare(_) => Ok(()),
        }
    }
}

impl fmt::Display for FilterField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_are_type_checked() {
        let text = || Value::Text("x".into());
        assert!(Comparison::new(FilterField::Email, Op::Eq, vec![text()]).is_ok());
        assert!(Comparison::new(FilterField::Email, Op::In, vec![text(), text()]).is_ok());
        assert!(Comparison::new(FilterField::FirstName, Op::IsNull, vec![]).is_ok());
        assert!(matches!(
            Comparison::new(FilterField::Email, Op::Eq, vec![]),
            Err(FilterProblem::Arity { .. })
        ));
        assert!(matches!(
            Comparison::new(FilterField::Number, Op::Eq, vec![text()]),
            Err(FilterProblem::Type { .. })
        ));
        assert!(matches!(
            Comparison::new(FilterField::Number, Op::Like, vec![Value::Int(1)]),
            Err(FilterProblem::TextOnly { .. })
        ));
        assert!(matches!(
            Comparison::new(
                FilterField::Status,
                Op::Lt,
                vec![Value::Status(UserStatus::Active)]
            ),
            Err(FilterProblem::Unordered { .. })
        ));
        let many = vec![Value::Int(1); MAX_IN_VALUES + 1];
        assert!(Comparison::new(FilterField::Number, Op::In, many).is_err());
    }

    #[test]
    fn group_and_metadata_comparisons_are_type_checked() {
        let group = || Value::GroupId(GroupId::generate());
        let text = || Value::Text("x".into());
        for op in [Op::Eq, Op::Ne] {
            assert!(Comparison::new(FilterField::GroupId, op, vec![group()]).is_ok());
        }
        for op in [Op::In, Op::NotIn] {
            assert!(Comparison::new(FilterField::GroupId, op, vec![group(), group()]).is_ok());
        }
        for op in [Op::IsNull, Op::IsNotNull] {
            assert!(Comparison::new(FilterField::GroupId, op, vec![]).is_ok());
        }
        assert!(matches!(
            Comparison::new(FilterField::GroupId, Op::Lt, vec![group()]),
            Err(FilterProblem::Unordered { .. })
        ));
        assert!(matches!(
            Comparison::new(FilterField::GroupId, Op::Like, vec![group()]),
            Err(FilterProblem::TextOnly { .. })
        ));
        assert!(matches!(
            Comparison::new(
                FilterField::GroupId,
                Op::Eq,
                vec![Value::Uuid(UserId::generate())]
            ),
            Err(FilterProblem::Type { .. })
        ));
        for op in [Op::Eq, Op::Lt, Op::Like, Op::Prefix, Op::Contains] {
            let c = Comparison::metadata("dept", op, vec![text()]).unwrap();
            assert_eq!((c.field(), c.key()), (FilterField::Metadata, Some("dept")));
        }
        assert!(Comparison::metadata("dept", Op::IsNull, vec![]).is_ok());
        assert_eq!(
            Comparison::new(FilterField::Metadata, Op::Eq, vec![text()]),
            Err(FilterProblem::MetadataKeyMissing)
        );
        assert_eq!(
            Comparison::with_key(FilterField::Email, Some("dept"), Op::Eq, vec![text()]),
            Err(FilterProblem::MetadataKeyUnexpected(FilterField::Email))
        );
        assert!(matches!(
            Comparison::with_key(FilterField::Metadata, Some(""), Op::Eq, vec![text()]),
            Err(FilterProblem::MetadataKey(_))
        ));
        assert!(matches!(
            Comparison::metadata("dept", Op::Eq, vec![Value::Int(1)]),
            Err(FilterProblem::Type { .. })
        ));
    }

    #[test]
    fn deep_or_wide_trees_are_refused() {
        let leaf = Filter::Compare(
            Comparison::new(FilterField::Number, Op::Eq, vec![Value::Int(1)]).unwrap(),
        );
        let mut deep = leaf.clone();
        for _ in 0..=MAX_FILTER_DEPTH {
            deep = Filter::Not(Box::new(deep));
        }
        assert!(deep.check_size().is_err());
        let wide = Filter::Any(vec![leaf.clone(); MAX_FILTER_NODES]);
        assert!(wide.check_size().is_err());
        assert!(Filter::All(vec![leaf; 10]).check_size().is_ok());
    }
}
