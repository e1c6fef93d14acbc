//! The contract's structured filter and order into the domain's.

use super::time::from_pb;
use super::users::{access_level_from_pb, person_type_from_pb, status_from_pb};
use roster_domain::filter::{
    Comparison, FieldKind, Filter, FilterError, FilterField, FilterProblem, MAX_FILTER_DEPTH, Op,
    Value,
};
use roster_domain::ids::IdError;
use roster_domain::page::{UserOrder, UserOrderField};
use roster_domain::users::{AccessLevel, PersonType, UserStatus};
use roster_domain::{GroupId, UserId};
use roster_proto::v1 as pb;

fn field_from_pb(f: i32) -> Option<FilterField> {
    use pb::UserField as F;
    Some(match F::try_from(f).ok()? {
        F::Unspecified => return None,
        F::Id => FilterField::Id,
        F::Number => FilterField::Number,
        F::Login => FilterField::Login,
        F::Email => FilterField::Email,
        F::FirstName => FilterField::FirstName,
        F::LastName => FilterField::LastName,
        F::FullName => FilterField::FullName,
        F::DisplayName => FilterField::DisplayName,
        F::JobTitle => FilterField::JobTitle,
        F::CompanyName => FilterField::CompanyName,
        F::City => FilterField::City,
        F::State => FilterField::State,
        F::Country => FilterField::Country,
        F::Phone => FilterField::Phone,
        F::PostalCode => FilterField::PostalCode,
        F::Address => FilterField::Address,
        F::ExternalId => FilterField::ExternalId,
        F::TimeZone => FilterField::TimeZone,
        F::Status => FilterField::Status,
        F::PersonType => FilterField::PersonType,
        F::AccessLevel => FilterField::AccessLevel,
        F::CreateTime => FilterField::Created,
        F::UpdateTime => FilterField::Updated,
        F::LastActivityTime => FilterField::LastActivity,
        F::HasPassword => FilterField::HasPassword,
        F::PasswordChangeRequired => FilterField::PasswordChangeRequired,
        F::GroupId => FilterField::GroupId,
        F::Metadata => FilterField::Metadata,
    })
}

fn op_from_pb(o: i32) -> Option<Op> {
    use pb::ComparisonOperator as O;
    Some(match O::try_from(o).ok()? {
        O::Unspecified => return None,
        O::Eq => Op::Eq,
        O::Ne => Op::Ne,
        O::Lt => Op::Lt,
        O::Le => Op::Le,
        O::Gt => Op::Gt,
        O::Ge => Op::Ge,
        O::Like => Op::Like,
        O::Prefix => Op::Prefix,
        O::Contains => Op::Contains,
        O::In => Op::In,
        O::NotIn => Op::NotIn,
        O::IsNull => Op::IsNull,
        O::IsNotNull => Op::IsNotNull,
    })
}

/// An enum value given by name (`USER_STATUS_ACTIVE` or `ACTIVE`) or number.
fn enum_value<T>(
    v: &pb::filter_value::Kind,
    prefix: &str,
    by_name: impl Fn(&str) -> Option<T>,
    by_number: impl Fn(i32) -> Option<T>,
) -> Option<T> {
    match v {
        pb::filter_value::Kind::StringValue(s) => {
            let short = s.strip_prefix(prefix).unwrap_or(s);
            by_name(short)
        }
        pb::filter_value::Kind::IntValue(i) => i32::try_from(*i).ok().and_then(by_number),
        pb::filter_value::Kind::BoolValue(_) | pb::filter_value::Kind::TimeValue(_) => None,
    }
}

/// Why a comparison's value does not fit its field.
#[derive(Debug, thiserror::Error)]
enum ValueError {
    #[error("a value must be set")]
    Unset,
    #[error("expected a {0:?} value")]
    WrongKind(FieldKind),
    #[error(transparent)]
    Id(#[from] IdError),
    #[error("invalid time")]
    Time,
    #[error("expected INVITED, ACTIVE or DISABLED")]
    Status,
    #[error("expected INTERNAL or EXTERNAL")]
    PersonType,
    #[error("expected an access level")]
    AccessLevel,
}

fn value(kind: FieldKind, v: &pb::FilterValue) -> Result<Value, ValueError> {
    use pb::filter_value::Kind as K;
    let k = v.kind.as_ref().ok_or(ValueError::Unset)?;
    match (kind, k) {
        (FieldKind::Uuid, K::StringValue(s)) => Ok(Value::Uuid(UserId::parse(s)?)),
        (FieldKind::GroupId, K::StringValue(s)) => Ok(Value::GroupId(GroupId::parse(s)?)),
        (FieldKind::Int, K::IntValue(i)) => Ok(Value::Int(*i)),
        (FieldKind::Text, K::StringValue(s)) => Ok(Value::Text(s.clone())),
        (FieldKind::Time, K::TimeValue(t)) => from_pb(t).map(Value::Time).ok_or(ValueError::Time),
        (FieldKind::Bool, K::BoolValue(b)) => Ok(Value::Bool(*b)),
        (FieldKind::Status, k) => enum_value(k, "USER_STATUS_", UserStatus::from_name, |n| {
            pb::UserStatus::try_from(n).ok().and_then(status_from_pb)
        })
        .map(Value::Status)
        .ok_or(ValueError::Status),
        (FieldKind::PersonType, k) => enum_value(k, "PERSON_TYPE_", PersonType::from_name, |n| {
            pb::PersonType::try_from(n)
                .ok()
                .and_then(person_type_from_pb)
        })
        .map(Value::PersonType)
        .ok_or(ValueError::PersonType),
        (FieldKind::AccessLevel, k) => {
            enum_value(k, "ACCESS_LEVEL_", AccessLevel::from_name, |n| {
                pb::AccessLevel::try_from(n)
                    .ok()
                    .and_then(access_level_from_pb)
            })
            .map(Value::AccessLevel)
            .ok_or(ValueError::AccessLevel)
        }
        (
            FieldKind::Uuid
            | FieldKind::GroupId
            | FieldKind::Int
            | FieldKind::Text
            | FieldKind::Time
            | FieldKind::Bool,
            _,
        ) => Err(ValueError::WrongKind(kind)),
    }
}

fn err(path: &str, problem: FilterProblem) -> FilterError {
    FilterError {
        path: path.to_owned(),
        problem,
    }
}

/// The domain filter, or the first problem found with the path of its node.
pub(crate) fn filter_from_pb(
    f: &pb::UserFilter,
    path: &str,
    depth: usize,
) -> Result<Filter, FilterError> {
    use pb::user_filter::Kind as K;
    if depth > MAX_FILTER_DEPTH {
        return Err(err(path, FilterProblem::TooComplex));
    }
    let list = |fs: &[pb::UserFilter], name: &str| -> Result<Vec<Filter>, FilterError> {
        fs.iter()
            .enumerate()
            .map(|(i, f)| filter_from_pb(f, &format!("{path}.{name}[{i}]"), depth + 1))
            .collect()
    };
    match f.kind.as_ref() {
        None => Err(err(
            path,
            FilterProblem::Other("one of all, any, not or compare must be set".into()),
        )),
        Some(K::All(l)) => Ok(Filter::All(list(&l.filters, "all")?)),
        Some(K::Any(l)) => Ok(Filter::Any(list(&l.filters, "any")?)),
        Some(K::Not(inner)) => Ok(Filter::Not(Box::new(filter_from_pb(
            inner,
            &format!("{path}.not"),
            depth + 1,
        )?))),
        Some(K::Compare(c)) => {
            let at = format!("{path}.compare");
            let field = field_from_pb(c.field)
                .ok_or_else(|| err(&at, FilterProblem::Other("unknown field".into())))?;
            let op = op_from_pb(c.operator)
                .ok_or_else(|| err(&at, FilterProblem::Other("unknown operator".into())))?;
            let values = c
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    value(field.kind(), v).map_err(|e| {
                        err(
                            &format!("{at}.values[{i}]"),
                            FilterProblem::Other(e.to_string()),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            // The key travels as a plain string: empty is unset.
            let key = Some(c.metadata_key.as_str()).filter(|k| !k.is_empty());
            Comparison::with_key(field, key, op, values)
                .map(Filter::Compare)
                .map_err(|p| err(&at, p))
        }
    }
}

/// The order field is a number the contract does not define.
#[derive(Debug, thiserror::Error)]
#[error("unknown order field")]
pub(crate) struct UnknownOrderField;

pub(crate) fn order_from_pb(o: Option<&pb::UserOrder>) -> Result<UserOrder, UnknownOrderField> {
    let Some(o) = o else {
        return Ok(UserOrder::default());
    };
    let field = match pb::UserOrderField::try_from(o.field).map_err(|_| UnknownOrderField)? {
        pb::UserOrderField::Unspecified | pb::UserOrderField::Number => UserOrderField::Number,
        pb::UserOrderField::Login => UserOrderField::Login,
        pb::UserOrderField::Email => UserOrderField::Email,
        pb::UserOrderField::CreateTime => UserOrderField::Created,
        pb::UserOrderField::ExternalId => UserOrderField::ExternalId,
        pb::UserOrderField::DisplayName => UserOrderField::DisplayName,
        pb::UserOrderField::FirstName => UserOrderField::FirstName,
        pb::UserOrderField::LastName => UserOrderField::LastName,
        pb::UserOrderField::UpdateTime => UserOrderField::Updated,
        pb::UserOrderField::Id => UserOrderField::Id,
        pb::UserOrderField::JobTitle => UserOrderField::JobTitle,
    };
    Ok(UserOrder {
        field,
        descending: o.descending,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pb::filter_value::Kind as V;

    fn cmp(field: pb::UserField, op: pb::ComparisonOperator, values: Vec<V>) -> pb::UserFilter {
        keyed(field, "", op, values)
    }

    fn keyed(
        field: pb::UserField,
        key: &str,
        op: pb::ComparisonOperator,
        values: Vec<V>,
    ) -> pb::UserFilter {
        pb::UserFilter {
            kind: Some(pb::user_filter::Kind::Compare(pb::UserComparison {
                field: field.into(),
                operator: op.into(),
                values: values
                    .into_iter()
                    .map(|k| pb::FilterValue { kind: Some(k) })
                    .collect(),
                metadata_key: key.to_owned(),
            })),
        }
    }

    #[test]
    fn metadata_keys_belong_to_metadata_comparisons_only() {
        use pb::ComparisonOperator as O;
        use pb::UserField as F;
        let x = || vec![V::StringValue("x".into())];
        let parsed = filter_from_pb(&keyed(F::Metadata, "dept", O::Eq, x()), "filter", 0).unwrap();
        let Filter::Compare(c) = parsed else {
            panic!("a comparison")
        };
        assert_eq!((c.field(), c.key()), (FilterField::Metadata, Some("dept")));
        for bad in [
            keyed(F::Metadata, "", O::Eq, x()),
            keyed(F::Email, "dept", O::Eq, x()),
            keyed(F::Metadata, &"k".repeat(129), O::Eq, x()),
        ] {
            let e = filter_from_pb(&bad, "filter", 0).unwrap_err();
            assert_eq!(e.path, "filter.compare", "{bad:?}");
        }
        let group = GroupId::generate().to_string();
        assert!(
            filter_from_pb(
                &cmp(F::GroupId, O::In, vec![V::StringValue(group)]),
                "filter",
                0
            )
            .is_ok()
        );
        let bad_id = filter_from_pb(
            &cmp(F::GroupId, O::Eq, vec![V::StringValue("nope".into())]),
            "filter",
            0,
        )
        .unwrap_err();
        assert_eq!(bad_id.path, "filter.compare.values[0]");
    }

    #[test]
    fn enum_values_are_accepted_by_short_name_long_name_and_number() {
        for v in [
            V::StringValue("ACTIVE".into()),
            V::StringValue("USER_STATUS_ACTIVE".into()),
            V::IntValue(2),
        ] {
            let f = filter_from_pb(
                &cmp(pb::UserField::Status, pb::ComparisonOperator::Eq, vec![v]),
                "filter",
                0,
            )
            .unwrap();
            let Filter::Compare(c) = f else {
                panic!("a comparison")
            };
            assert_eq!(c.values(), &[Value::Status(UserStatus::Active)]);
        }
    }

    #[test]
    fn problems_name_the_node() {
        let bad = pb::UserFilter {
            kind: Some(pb::user_filter::Kind::All(pb::UserFilterList {
                filters: vec![
                    cmp(
                        pb::UserField::Email,
                        pb::ComparisonOperator::Eq,
                        vec![V::StringValue("a@b.c".into())],
                    ),
                    cmp(
                        pb::UserField::Number,
                        pb::ComparisonOperator::Eq,
                        vec![V::StringValue("x".into())],
                    ),
                ],
            })),
        };
        let e = filter_from_pb(&bad, "filter", 0).unwrap_err();
        assert_eq!(e.path, "filter.all[1].compare.values[0]");
        let empty = pb::UserFilter { kind: None };
        assert!(filter_from_pb(&empty, "filter", 0).is_err());
    }
}
