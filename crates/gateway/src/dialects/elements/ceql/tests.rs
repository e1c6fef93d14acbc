//! The parser's contract: what valid conditions become, what each error says and where, and
//! that no input whatsoever makes it panic.

use super::*;
use proptest::prelude::*;
use roster_proto::v1::ComparisonOperator as O;
use roster_proto::v1::filter_value::Kind as V;

fn only_cmp(f: &pb::UserFilter) -> (pb::UserField, O, Vec<V>) {
    match &f.kind {
        Some(pb::user_filter::Kind::Compare(c)) => (
            c.field(),
            c.operator(),
            c.values.iter().filter_map(|v| v.kind.clone()).collect(),
        ),
        other => panic!("not a comparison: {other:?}"),
    }
}

#[test]
fn comparisons_become_typed_contract_comparisons() {
    let (f, o, v) = only_cmp(&parse("email = 'o''neil@x.io'").unwrap());
    assert_eq!((f, o), (pb::UserField::Email, O::Eq));
    assert_eq!(v, [V::StringValue("o'neil@x.io".into())]);
    let (f, o, v) = only_cmp(&parse("`id` not in (1, '2', -3)").unwrap());
    assert_eq!((f, o), (pb::UserField::Number, O::NotIn));
    assert_eq!(v, [V::IntValue(1), V::IntValue(2), V::IntValue(-3)]);
    let (_, o, v) = only_cmp(&parse("firstName LIKE 'a_b%'").unwrap());
    assert_eq!((o, v), (O::Like, vec![V::StringValue("a\\_b%".into())]));
    let (f, o, v) = only_cmp(&parse("ACTIVE = TRUE").unwrap());
    assert_eq!((f, o), (pb::UserField::Status, O::Eq));
    assert_eq!(v, [V::StringValue("ACTIVE".into())]);
    let (f, o, _) = only_cmp(&parse("createdDate >= 2014-01-15T10:00:00Z").unwrap());
    assert_eq!((f, o), (pb::UserField::CreateTime, O::Ge));
    let (f, o, v) = only_cmp(&parse("city is not null").unwrap());
    assert_eq!((f, o, v.len()), (pb::UserField::City, O::IsNotNull, 0));
}

#[test]
fn and_binds_tighter_than_or_and_chains_stay_flat() {
    let f = parse("id = 1 OR id = 2 AND email = 'x' OR (id = 3)").unwrap();
    let Some(pb::user_filter::Kind::Any(any)) = f.kind else {
        panic!("{f:?}")
    };
    assert_eq!(any.filters.len(), 3);
    assert!(matches!(
        any.filters[1].kind,
        Some(pb::user_filter::Kind::All(_))
    ));
}

#[test]
fn a_day_is_a_range_and_never_logged_in_reads_as_the_creation_date() {
    let f = parse("createdDate = '2017-07-13'").unwrap();
    assert!(matches!(f.kind, Some(pb::user_filter::Kind::All(ref l)) if l.filters.len() == 2));
    // Set last logins compare as themselves, unset ones as the creation date.
    let f = parse("lastLoginDate < '2020-01-01'").unwrap();
    let Some(pb::user_filter::Kind::Any(l)) = f.kind else {
        panic!("{f:?}")
    };
    let branch = |f: &pb::UserFilter| match &f.kind {
        Some(pb::user_filter::Kind::All(l)) => l.filters.clone(),
        other => panic!("{other:?}"),
    };
    let field_op = |f: &pb::UserFilter| {
        let (field, op, _) = only_cmp(f);
        (field, op)
    };
    let set = branch(&l.filters[0]);
    assert_eq!(
        field_op(&set[0]),
        (pb::UserField::LastActivityTime, O::IsNotNull)
    );
    assert_eq!(field_op(&set[1]), (pb::UserField::LastActivityTime, O::Lt));
    let unset = branch(&l.filters[1]);
    assert_eq!(
        field_op(&unset[0]),
        (pb::UserField::LastActivityTime, O::IsNull)
    );
    assert_eq!(field_op(&unset[1]), (pb::UserField::CreateTime, O::Lt));
}

#[test]
fn errors_say_what_and_where() {
    for (input, position, says) in [
        ("", 1, "empty"),
        ("email = ", 9, "expected a value"),
        ("foo = 1", 1, "unknown field 'foo'"),
        ("email = 'x' AND", 16, "expected a field name"),
        ("email 'x'", 7, "expected an operator after 'email'"),
        ("email = 'x", 9, "unterminated string"),
        ("id = 'x'", 6, "whole number"),
        ("id LIKE '1%'", 1, "LIKE does not apply to 'id'"),
        ("active > true", 1, "> does not apply"),
        ("createdDate = 'Jan 15, 2014'", 15, "takes a date"),
        ("(email = 'x'", 13, "expected ')'"),
        ("email = 'x' email", 13, "unexpected 'email'"),
        ("email = NULL", 9, "IS NULL"),
        ("email IS 'x'", 10, "expected NULL"),
        ("id IN 1", 7, "'(' to open the list"),
        ("email = 'x' # y", 13, "unexpected character '#'"),
        ("email NOT = 'x'", 11, "expected LIKE or IN"),
    ] {
        let e = parse(input).unwrap_err();
        assert!(
            e.message.contains(says) && e.position == position,
            "{input:?}: {e} (wanted {says:?} at {position})"
        );
    }
    let deep = format!("{}id = 1{}", "(".repeat(11), ")".repeat(11));
    assert!(parse(&deep).unwrap_err().message.contains("nests"));
    let long = "id = 1 OR ".repeat(300) + "id = 1";
    assert!(parse(&long).unwrap_err().message.contains("too complex"));
}

#[test]
fn injection_attempts_are_values_or_errors_never_sql() {
    let (_, _, v) = only_cmp(&parse("email = 'x'' OR ''1''=''1'").unwrap());
    assert_eq!(v, [V::StringValue("x' OR '1'='1".into())]);
    assert!(parse("email = 'x' OR 1=1").is_err());
    assert!(parse("email = 'x'; DROP TABLE users; --").is_err());
    assert!(parse("`email; DROP TABLE users` = 'x'").is_err());
}

/// Tokens CEQL is made of, to build inputs that get far into the parser.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("email".to_owned()),
        Just("id".to_owned()),
        Just("createdDate".to_owned()),
        Just("lastLoginDate".to_owned()),
        Just("active".to_owned()),
        Just("`firstName`".to_owned()),
        Just("AND".to_owned()),
        Just("or".to_owned()),
        Just("NOT".to_owned()),
        Just("IN".to_owned()),
        Just("LIKE".to_owned()),
        Just("IS".to_owned()),
        Just("NULL".to_owned()),
        Just("true".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just(",".to_owned()),
        Just("=".to_owned()),
        Just("!=".to_owned()),
        Just("<=".to_owned()),
        Just(">".to_owned()),
        Just("'2014-01-15'".to_owned()),
        Just("2014-01-15T10:00:00-07:00".to_owned()),
        Just("'it''s'".to_owned()),
        Just("'%x%'".to_owned()),
        Just("-12".to_owned()),
        Just("99999999999999999999".to_owned()),
        Just("'".to_owned()),
        Just("`".to_owned()),
        "[ -~]{0,3}",
        "\\PC{0,2}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_text_makes_the_parser_panic(s in "\\PC{0,200}") {
        let _ = parse(&s);
    }

    #[test]
    fn no_sequence_of_ceql_tokens_makes_the_parser_panic(
        parts in proptest::collection::vec(fragment(), 0..40)
    ) {
        let _ = parse(&parts.join(" "));
        let _ = parse(&parts.concat());
    }

    #[test]
    fn errors_point_inside_the_input_or_just_past_it(s in "[ -~]{0,80}") {
        if let Err(e) = parse(&s) {
            prop_assert!(e.position >= 1 && e.position <= s.chars().count() + 1, "{e}");
        }
    }
}
