//! The filter language's contract: what filters and paths parse to, what each error says and
//! where, what they match in memory, what they become in the contract, and that no input
//! makes any of it panic.

use super::users::{all, any, compare, metadata, not};
use super::*;
use crate::dialects::scim::schema::{self, Resource};
use roster_proto::v1 as pb;
use roster_proto::v1::ComparisonOperator as O;
use roster_proto::v1::UserField as F;
use roster_proto::v1::filter_value::Kind as V;
use serde_json::{Value, json};

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const USER_ID: &str = "2819c223-7f76-453a-919d-413861904646";
const GROUP_ID: &str = "e9e30dba-f08f-4109-8486-d5c6a331660a";

fn cmp(path: AttrPath, op: CompareOp, value: CompValue, at: usize) -> Filter {
    Filter::Compare {
        path,
        op,
        value,
        at,
    }
}

fn s(v: &str) -> CompValue {
    CompValue::String(v.to_owned())
}

// ---------------------------------------------------------------------------------------
// Parsing

#[test]
fn a_comparison_parses_into_path_operator_and_value() {
    assert_eq!(
        parse_filter("userName eq \"bjensen\"").unwrap(),
        cmp(AttrPath::new("userName"), CompareOp::Eq, s("bjensen"), 0)
    );
    assert_eq!(
        parse_filter("  title pr ").unwrap(),
        Filter::Present {
            path: AttrPath::new("title"),
            at: 2
        }
    );
    assert_eq!(
        parse_filter("name.familyName co \"O'Malley\"").unwrap(),
        cmp(
            AttrPath::with_sub("name", "familyName"),
            CompareOp::Co,
            s("O'Malley"),
            0
        )
    );
}

#[test]
fn every_operator_parses_without_case() {
    for (word, op) in [
        ("eq", CompareOp::Eq),
        ("NE", CompareOp::Ne),
        ("Co", CompareOp::Co),
        ("sW", CompareOp::Sw),
        ("ew", CompareOp::Ew),
        ("GT", CompareOp::Gt),
        ("ge", CompareOp::Ge),
        ("Lt", CompareOp::Lt),
        ("le", CompareOp::Le),
    ] {
        assert_eq!(
            parse_filter(&format!("title {word} \"x\"")).unwrap(),
            cmp(AttrPath::new("title"), op, s("x"), 0),
            "{word}"
        );
    }
    assert!(matches!(
        parse_filter("title PR").unwrap(),
        Filter::Present { .. }
    ));
}

#[test]
fn values_are_json_literals() {
    let value = |text: &str| {
        let Filter::Compare { value, .. } = parse_filter(&format!("x eq {text}")).unwrap() else {
            panic!("{text}")
        };
        value
    };
    assert_eq!(
        value(r#""a\"b\\c\/d\u00e9\n\ud83d\ude00""#),
        s("a\"b\\c/d\u{e9}\n\u{1f600}")
    );
    assert_eq!(value("\"\""), s(""));
    assert_eq!(value("42"), CompValue::Number(42.into()));
    assert_eq!(
        value("-1.5e3"),
        CompValue::Number(serde_json::Number::from_f64(-1500.0).unwrap())
    );
    assert_eq!(value("true"), CompValue::Bool(true));
    assert_eq!(value("False"), CompValue::Bool(false));
    assert_eq!(value("NULL"), CompValue::Null);
    // The value is data, whatever it says.
    assert_eq!(
        value(r#""x\" or userName pr or \"""#),
        s("x\" or userName pr or \"")
    );
}

#[test]
fn not_binds_tighter_than_and_which_binds_tighter_than_or() {
    let p = |n: &str, at| Filter::Present {
        path: AttrPath::new(n),
        at,
    };
    assert_eq!(
        parse_filter("a pr or b pr and c pr").unwrap(),
        Filter::Or(vec![p("a", 0), Filter::And(vec![p("b", 8), p("c", 17)])])
    );
    assert_eq!(
        parse_filter("a pr AND b pr OR c pr").unwrap(),
        Filter::Or(vec![Filter::And(vec![p("a", 0), p("b", 9)]), p("c", 17)])
    );
    assert_eq!(
        parse_filter("not (a pr) and b pr").unwrap(),
        Filter::And(vec![Filter::Not(Box::new(p("a", 5))), p("b", 15)])
    );
    assert_eq!(
        parse_filter("a pr and (b pr or c pr)").unwrap(),
        Filter::And(vec![p("a", 0), Filter::Or(vec![p("b", 10), p("c", 18)])])
    );
    // `not(` without a space (the ABNF) and `NOT (` (the RFC's example) both read.
    assert_eq!(
        parse_filter("NOT(a pr)").unwrap(),
        Filter::Not(Box::new(p("a", 4)))
    );
    // Chains stay flat.
    let chain = parse_filter("a pr and b pr and c pr and d pr").unwrap();
    assert!(matches!(chain, Filter::And(ref v) if v.len() == 4));
}

#[test]
fn urn_prefixed_names_split_after_the_schema_urn() {
    let path = |text: &str| {
        let Filter::Present { path, .. } = parse_filter(&format!("{text} pr")).unwrap() else {
            panic!("{text}")
        };
        path
    };
    let enterprise = |name: &str, sub: Option<&str>| AttrPath {
        urn: Some(ENTERPRISE.to_owned()),
        name: name.to_owned(),
        sub: sub.map(str::to_owned),
    };
    assert_eq!(
        path(&format!("{ENTERPRISE}:department")),
        enterprise("department", None)
    );
    assert_eq!(
        path(&format!("{ENTERPRISE}:manager.value")),
        enterprise("manager", Some("value"))
    );
    // Any case; the URN is kept in its canonical spelling.
    assert_eq!(
        path("URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:UserName"),
        AttrPath {
            urn: Some(schema::USER_URN.to_owned()),
            name: "UserName".to_owned(),
            sub: None
        }
    );
    // An unknown URN: the attribute follows its last colon.
    assert_eq!(
        path("urn:example:ext:1.0:User:badge.number"),
        AttrPath {
            urn: Some("urn:example:ext:1.0:User".to_owned()),
            name: "badge".to_owned(),
            sub: Some("number".to_owned())
        }
    );
}

#[test]
fn value_paths_filter_the_values_of_one_attribute() {
    let f = parse_filter("emails[type eq \"work\" and value co \"@example.com\"]").unwrap();
    assert_eq!(
        f,
        Filter::ValuePath {
            path: AttrPath::new("emails"),
            filter: Box::new(Filter::And(vec![
                cmp(AttrPath::new("type"), CompareOp::Eq, s("work"), 7),
                cmp(AttrPath::new("value"), CompareOp::Co, s("@example.com"), 26),
            ])),
            at: 0,
        }
    );
    // Entra's matching form: the sub-attribute's condition joins the value filter.
    assert_eq!(
        parse_filter("emails[type eq \"work\"].value eq \"a@b.c\"").unwrap(),
        Filter::ValuePath {
            path: AttrPath::new("emails"),
            filter: Box::new(Filter::And(vec![
                cmp(AttrPath::new("type"), CompareOp::Eq, s("work"), 7),
                cmp(AttrPath::new("value"), CompareOp::Eq, s("a@b.c"), 23),
            ])),
            at: 0,
        }
    );
}

#[test]
fn the_rfc_examples_all_parse() {
    for text in [
        r#"userName Eq "john""#,
        r#"Username eq "john""#,
        r#"userName eq "bjensen""#,
        r#"name.familyName co "O'Malley""#,
        r#"userName sw "J""#,
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
        r"title pr",
        r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
        r#"title pr and userType eq "Employee""#,
        r#"title pr or userType eq "Intern""#,
        r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType eq "Employee" and (emails.type eq "work")"#,
        r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
        r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
        r#"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#,
        r"members.$ref pr",
    ] {
        assert!(
            parse_filter(text).is_ok(),
            "{text}: {:?}",
            parse_filter(text)
        );
    }
}

#[test]
fn errors_say_what_was_expected_and_where() {
    for (text, at, says) in [
        ("", 0, "the filter is empty"),
        ("   ", 3, "the filter is empty"),
        (
            "userName",
            8,
            "expected an operator after \"userName\", found the end",
        ),
        (
            "userName \"x\"",
            9,
            "expected an operator after \"userName\", found a string",
        ),
        (
            "userName eq",
            11,
            "expected a space and a value after \"eq\"",
        ),
        ("userName eq ", 12, "expected a value"),
        ("userName eq bjensen", 12, "expected a value"),
        (
            "userName xx \"a\"",
            9,
            "unknown operator \"xx\" after \"userName\"",
        ),
        (
            "userName = \"a\"",
            9,
            "expected an operator after \"userName\", found \"=\"",
        ),
        ("userName eq \"x", 12, "unterminated string"),
        ("userName eq \"\\q\"", 12, "invalid string"),
        ("userName eq 01", 12, "invalid number \"01\""),
        ("userName eq 1e999", 12, "invalid number"),
        ("(userName pr", 12, "expected \")\""),
        (
            "userName pr)",
            11,
            "expected \"and\", \"or\" or the end of the filter, found \")\"",
        ),
        ("userName pr userName pr", 12, "expected \"and\", \"or\""),
        ("not userName pr", 4, "expected \"(\" after \"not\""),
        (
            "userName pr and",
            15,
            "expected an attribute name, found the end",
        ),
        ("userName pr and or x pr", 16, "found the keyword \"or\""),
        ("emails[type eq \"work\"", 21, "expected \"]\""),
        (
            "emails[value[type pr]]",
            12,
            "value filters cannot be nested",
        ),
        (
            "emails[emails.type pr]",
            7,
            "expected a sub-attribute name inside",
        ),
        (
            "name.givenName[value pr]",
            14,
            "not to the sub-attribute \"name.givenName\"",
        ),
        (
            "emails[type pr].",
            16,
            "expected a sub-attribute name after \".\"",
        ),
        (
            "emails[type pr].value",
            21,
            "expected an operator after \"value\"",
        ),
        ("a.b.c pr", 0, "at most one sub-attribute"),
        ("1abc pr", 0, "invalid attribute name \"1abc\""),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User pr",
            0,
            "after the schema URN",
        ),
        (":x pr", 0, "expected a schema URN"),
        ("#", 0, "expected an attribute name, found \"#\""),
    ] {
        let e = parse_filter(text).unwrap_err();
        assert!(
            e.message.contains(says) && e.at == at,
            "{text:?}: {e} (wanted {says:?} at {at})"
        );
    }
    assert_eq!(
        parse_filter("userName \"x\"").unwrap_err().to_string(),
        "expected an operator after \"userName\", found a string at 9"
    );
}

#[test]
fn depth_and_length_are_bounded_by_errors() {
    let nested = |n: usize| format!("{}a pr{}", "(".repeat(n), ")".repeat(n));
    assert!(parse_filter(&nested(MAX_DEPTH)).is_ok());
    let e = parse_filter(&nested(MAX_DEPTH + 1)).unwrap_err();
    assert_eq!(
        (e.at, e.message.contains("nests more than 50")),
        (MAX_DEPTH, true)
    );
    let nots = |n: usize| format!("{}a pr{}", "not (".repeat(n), ")".repeat(n));
    assert!(parse_filter(&nots(MAX_DEPTH)).is_ok());
    assert!(parse_filter(&nots(MAX_DEPTH + 1)).is_err());
    // Far deeper than any stack could take, still an error.
    assert!(parse_filter(&"(".repeat(MAX_LENGTH)).is_err());
    assert!(parse_filter(&"not (".repeat(MAX_LENGTH / 5)).is_err());

    let long = format!("{}a pr", "a pr and ".repeat(1000));
    assert!(long.len() <= MAX_LENGTH);
    assert!(matches!(parse_filter(&long).unwrap(), Filter::And(v) if v.len() == 1001));
    let e = parse_filter(&"a".repeat(MAX_LENGTH + 1)).unwrap_err();
    assert_eq!(e.at, MAX_LENGTH);
    assert!(parse_path(&"a".repeat(MAX_LENGTH + 1)).is_err());
}

#[test]
fn patch_paths_name_an_attribute_or_filtered_values() {
    let plain = |text: &str| parse_path(text).unwrap();
    assert_eq!(
        plain("members"),
        PatchPath {
            path: AttrPath::new("members"),
            filter: None
        }
    );
    assert_eq!(
        plain("name.familyName"),
        PatchPath {
            path: AttrPath::with_sub("name", "familyName"),
            filter: None
        }
    );
    assert_eq!(
        plain(&format!("{ENTERPRISE}:manager")).path,
        AttrPath {
            urn: Some(ENTERPRISE.to_owned()),
            name: "manager".to_owned(),
            sub: None
        }
    );
    assert_eq!(
        plain("members[value eq \"2819c223\"]"),
        PatchPath {
            path: AttrPath::new("members"),
            filter: Some(cmp(AttrPath::new("value"), CompareOp::Eq, s("2819c223"), 8)),
        }
    );
    assert_eq!(
        plain("emails[type eq \"work\"].value"),
        PatchPath {
            path: AttrPath::with_sub("emails", "value"),
            filter: Some(cmp(AttrPath::new("type"), CompareOp::Eq, s("work"), 7)),
        }
    );
    assert_eq!(
        plain("addresses[type eq \"work\" and primary eq true].streetAddress").path,
        AttrPath::with_sub("addresses", "streetAddress")
    );
    for (text, at, says) in [
        ("", 0, "the path is empty"),
        ("members[", 8, "expected an attribute name"),
        ("members[value eq \"x\"", 20, "expected \"]\""),
        (
            "emails[type eq \"work\"].",
            23,
            "expected a sub-attribute name",
        ),
        (
            "emails[type eq \"work\"] x",
            23,
            "unexpected \"x\" after the path",
        ),
        ("members eq \"x\"", 8, "unexpected \"eq\" after the path"),
        ("name.familyName[value pr]", 15, "not to the sub-attribute"),
        ("members[value[x pr]]", 13, "value filters cannot be nested"),
    ] {
        let e = parse_path(text).unwrap_err();
        assert!(
            e.message.contains(says) && e.at == at,
            "{text:?}: {e} (wanted {says:?} at {at})"
        );
    }
}

// ---------------------------------------------------------------------------------------
// In-memory evaluation

fn bjensen() -> Value {
    json!({
        "schemas": [schema::USER_URN, ENTERPRISE],
        "id": USER_ID,
        "externalId": "bjensen",
        "userName": "BJensen@Example.com",
        "name": {"formatted": "Ms. Barbara J Jensen III", "familyName": "Jensen",
                 "givenName": "Barbara"},
        "displayName": "",
        "title": "Tour Guide",
        "active": true,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
        ],
        "groups": [{"value": GROUP_ID, "display": "Tour Guides"}],
        "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z",
                 "lastModified": "2011-05-13T04:42:34.5Z"},
        ENTERPRISE: {"department": "Tour Operations",
                     "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}},
    })
}

fn tour_guides() -> Value {
    json!({
        "schemas": [schema::GROUP_URN],
        "id": GROUP_ID,
        "displayName": "Tour Guides",
        "members": [
            {"value": USER_ID, "type": "User", "display": "Babs Jensen"},
            {"value": "902c246b-6245-4190-8e05-00816be7344a", "type": "Group"}
        ],
    })
}

#[test]
fn user_filters_match_with_rfc_semantics() {
    let user = bjensen();
    let m = |text: &str| {
        let f = parse_filter(text).unwrap();
        check(&f, Resource::User).unwrap();
        matches(&f, &user, Resource::User)
    };
    for (text, expected) in [
        // caseExact false: values and names without case.
        (r#"userName eq "bjensen@example.com""#, true),
        (r#"USERNAME EQ "BJENSEN@EXAMPLE.COM""#, true),
        (
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bjen""#,
            true,
        ),
        (r#"title co "GUIDE""#, true),
        (r#"title ew "guide""#, true),
        (r#"title gt "tour a""#, true),
        (r#"title lt "tour a""#, false),
        (r#"title ne "tour guide""#, false),
        // caseExact true.
        (&format!("id eq \"{USER_ID}\""), true),
        (&format!("id eq \"{}\"", USER_ID.to_uppercase()), false),
        (r#"externalId eq "BJENSEN""#, false),
        (r#"externalId eq "bjensen""#, true),
        // Multi-valued: any value; a bare complex attribute is its value.
        (r#"emails co "jensen.org""#, true),
        (r#"emails.value ew "@EXAMPLE.com""#, true),
        (r#"emails.type eq "other""#, false),
        (
            r#"emails[type eq "work" and value co "@example.com"]"#,
            true,
        ),
        (
            r#"emails[type eq "home" and value co "@example.com"]"#,
            false,
        ),
        (
            r#"emails.type eq "home" and emails.value co "@example.com""#,
            true,
        ),
        (
            r#"emails[type eq "work"].value eq "BJENSEN@example.com""#,
            true,
        ),
        (r#"emails[primary eq true and type eq "home"]"#, false),
        (&format!("groups eq \"{GROUP_ID}\""), true),
        // dateTime as instants.
        (r#"meta.created eq "2010-01-23T05:56:22+01:00""#, true),
        (r#"meta.lastModified gt "2011-05-13T04:42:34Z""#, true),
        (r#"meta.lastModified le "2011-05-13T04:42:34Z""#, false),
        (r#"meta.created ge "2010-01-23T04:56:22""#, true),
        // Booleans, Entra's spelling too.
        ("active eq true", true),
        ("active ne false", true),
        (r#"active eq "True""#, true),
        ("active eq false", false),
        // Presence: null, empty and absent are the same.
        ("title pr", true),
        ("displayName pr", false),
        ("nickName pr", false),
        ("name pr", true),
        ("emails pr", true),
        ("nickName eq null", true),
        ("userName eq null", false),
        ("userName ne null", true),
        // Absent attributes match no comparison; not negates.
        (r#"nickName eq "babs""#, false),
        (r#"nickName ne "babs""#, false),
        (r#"not (nickName eq "babs")"#, true),
        // The enterprise extension, with or without its URN.
        (
            &format!("{ENTERPRISE}:department eq \"tour operations\""),
            true,
        ),
        (r#"department sw "Tour""#, true),
        (r#"manager eq "26118915-6090-4610-87e4-49d8ca9f808d""#, true),
        (&format!("{ENTERPRISE}:manager.value pr"), true),
        (r"organization pr", false),
        // Logic.
        (r#"title pr and (userName eq "x" or active eq true)"#, true),
        (r"title pr and not (active eq true)", false),
        (r#"userName eq "x" or title pr and active eq true"#, true),
    ] {
        assert_eq!(m(text), expected, "{text}");
    }
}

#[test]
fn group_filters_match_members_and_names() {
    let group = tour_guides();
    let m = |text: &str| {
        let f = parse_filter(text).unwrap();
        check(&f, Resource::Group).unwrap();
        matches(&f, &group, Resource::Group)
    };
    assert!(m(r#"displayName eq "tour guides""#));
    assert!(m(&format!("members[value eq \"{USER_ID}\"]")));
    assert!(m(&format!("members eq \"{USER_ID}\"")));
    assert!(m(r#"members[type eq "group"]"#));
    assert!(!m(
        r#"members[type eq "User" and value eq "902c246b-6245-4190-8e05-00816be7344a"]"#
    ));
    assert!(m(&format!(
        "id eq \"{GROUP_ID}\" and members.value eq \"{USER_ID}\""
    )));
    assert!(m("members pr"));
    assert!(!m("externalId pr"));
    // A User attribute on a Group: refused by check, no match.
    let f = parse_filter(r#"userName eq "x""#).unwrap();
    assert!(check(&f, Resource::Group).is_err());
    assert!(!matches(&f, &group, Resource::Group));
    // An empty group has no members.
    let empty = json!({"id": GROUP_ID, "displayName": "x", "members": []});
    assert!(!matches(
        &parse_filter("members pr").unwrap(),
        &empty,
        Resource::Group
    ));
}

#[test]
fn value_filters_apply_to_one_element() {
    let emails = schema::attribute(Resource::User, &AttrPath::new("emails")).unwrap();
    let work = json!({"value": "Bjensen@Example.com", "type": "work", "primary": true});
    let path = parse_path(r#"emails[type eq "WORK" and value ew "example.com"].value"#).unwrap();
    let filter = path.filter.unwrap();
    check_value_filter(&filter, emails).unwrap();
    assert!(matches_value(&filter, &work, emails));
    assert!(!matches_value(
        &filter,
        &json!({"value": "x@example.com", "type": "home"}),
        emails
    ));
    assert!(matches_value(
        &parse_filter("primary eq true").unwrap(),
        &work,
        emails
    ));
    // Entra sends the manager as a bare string: it is the value.
    let manager = schema::attribute(Resource::User, &AttrPath::new("manager")).unwrap();
    let f = parse_path(r#"manager[value eq "m1"]"#)
        .unwrap()
        .filter
        .unwrap();
    assert!(matches_value(&f, &json!("m1"), manager));
    assert!(matches_value(&f, &json!({"value": "m1"}), manager));
    // A sub-attribute the parent does not have.
    let f = parse_filter(r#"foo eq "x""#).unwrap();
    assert!(check_value_filter(&f, emails).is_err());
    assert!(!matches_value(&f, &work, emails));
}

#[test]
fn check_refuses_what_the_rfc_calls_an_invalid_filter() {
    for (text, at, says) in [
        (r#"foo eq "x""#, 0, "\"foo\" is not an attribute of a User"),
        (
            "active gt true",
            0,
            "\"gt\" does not apply to the boolean \"active\"",
        ),
        (r#"active eq "x""#, 0, "takes true or false, not \"x\""),
        (r#"meta.created gt "yesterday""#, 0, "takes a dateTime"),
        (r#"name eq "x""#, 0, "\"name\" is complex"),
        (r"userName eq 5", 0, "takes a quoted string, not 5"),
        (r"title co null", 0, "cannot compare \"title\" with null"),
        (
            r#"title pr and emails[foo eq "x"]"#,
            20,
            "\"foo\" is not a sub-attribute of \"emails\"",
        ),
        (
            r"userName[value pr]",
            0,
            "\"userName\" has no sub-attributes",
        ),
        (
            r#"x509Certificates.value gt "x""#,
            0,
            "does not apply to the binary",
        ),
    ] {
        let e = check(&parse_filter(text).unwrap(), Resource::User).unwrap_err();
        assert!(
            e.message.contains(says) && e.at == at,
            "{text:?}: {e} (wanted {says:?} at {at})"
        );
    }
    for ok in [
        r#"emails eq "x""#,
        r#"active eq "False""#,
        "meta.created co \"2011\"",
    ] {
        check(&parse_filter(ok).unwrap(), Resource::User).unwrap();
    }
}

// ---------------------------------------------------------------------------------------
// Translation to the contract

fn t(v: &str) -> V {
    V::StringValue(v.to_owned())
}

fn time(seconds: i64, nanos: i32) -> V {
    V::TimeValue(prost_types::Timestamp { seconds, nanos })
}

fn users(text: &str) -> Result<pb::UserFilter, FilterError> {
    to_user_filter(&parse_filter(text).unwrap())
}

fn c(f: F, o: O, v: Vec<V>) -> pb::UserFilter {
    compare(f, o, v)
}

fn like(f: F, pattern: &str) -> pb::UserFilter {
    compare(f, O::Like, vec![t(pattern)])
}

fn meta(key: &str, o: O, v: &str) -> pb::UserFilter {
    metadata(key, o, vec![t(v)])
}

fn active(o: O) -> pb::UserFilter {
    compare(F::Status, o, vec![t("USER_STATUS_ACTIVE")])
}

fn assert_translates(table: Vec<(String, pb::UserFilter)>) {
    for (text, expected) in table {
        assert_eq!(users(&text).unwrap(), expected, "{text}");
    }
}

#[test]
fn login_and_email_compare_without_case_in_the_core() {
    assert_translates(vec![
        // LOGIN and EMAIL: the core's EQ / NE ignore case.
        (
            r#"userName eq "BJensen""#.into(),
            c(F::Login, O::Eq, vec![t("BJensen")]),
        ),
        (
            r#"USERNAME Eq "x""#.into(),
            c(F::Login, O::Eq, vec![t("x")]),
        ),
        (
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName ne "x""#.into(),
            c(F::Login, O::Ne, vec![t("x")]),
        ),
        (
            r#"emails eq "a@b.c""#.into(),
            c(F::Email, O::Eq, vec![t("a@b.c")]),
        ),
        (
            r#"emails.value co "b.c""#.into(),
            c(F::Email, O::Contains, vec![t("b.c")]),
        ),
        (
            r#"emails[value sw "a@"]"#.into(),
            c(F::Email, O::Prefix, vec![t("a@")]),
        ),
        (
            r#"emails[value co "x" or value ew "y"]"#.into(),
            any(vec![
                c(F::Email, O::Contains, vec![t("x")]),
                like(F::Email, "%y"),
            ]),
        ),
    ]);
}

#[test]
fn other_text_without_case_compares_by_like_and_its_kin() {
    assert_translates(vec![
        // Other text without case: eq is an escaped LIKE.
        (
            r#"displayName eq "50%_off\\""#.into(),
            like(F::DisplayName, r"50\%\_off\\"),
        ),
        (
            r#"displayName ne "a""#.into(),
            not(like(F::DisplayName, "a")),
        ),
        (
            r#"displayName co "a%""#.into(),
            c(F::DisplayName, O::Contains, vec![t("a%")]),
        ),
        (
            r#"displayName sw "a""#.into(),
            c(F::DisplayName, O::Prefix, vec![t("a")]),
        ),
        (
            r#"displayName ew "_a""#.into(),
            like(F::DisplayName, r"%\_a"),
        ),
        (
            r#"displayName gt "a""#.into(),
            c(F::DisplayName, O::Gt, vec![t("a")]),
        ),
        (
            r#"displayName ge "a""#.into(),
            c(F::DisplayName, O::Ge, vec![t("a")]),
        ),
        (
            r#"displayName lt "a""#.into(),
            c(F::DisplayName, O::Lt, vec![t("a")]),
        ),
        (
            r#"displayName le "a""#.into(),
            c(F::DisplayName, O::Le, vec![t("a")]),
        ),
        ("title pr".into(), c(F::JobTitle, O::IsNotNull, vec![])),
        ("title eq null".into(), c(F::JobTitle, O::IsNull, vec![])),
        ("title ne null".into(), c(F::JobTitle, O::IsNotNull, vec![])),
        (
            r#"timezone eq "Europe/Paris""#.into(),
            like(F::TimeZone, "Europe/Paris"),
        ),
        (
            r#"name.givenName eq "Babs""#.into(),
            like(F::FirstName, "Babs"),
        ),
        (
            r#"NAME.FAMILYNAME sw "J""#.into(),
            c(F::LastName, O::Prefix, vec![t("J")]),
        ),
        (
            r#"phoneNumbers eq "+1 555""#.into(),
            like(F::Phone, "+1 555"),
        ),
        (
            r#"phoneNumbers[value co "555"]"#.into(),
            c(F::Phone, O::Contains, vec![t("555")]),
        ),
        (
            r#"addresses.streetAddress co "Main""#.into(),
            c(F::Address, O::Contains, vec![t("Main")]),
        ),
        (r#"addresses.region eq "CA""#.into(), like(F::State, "CA")),
        (
            r#"addresses.postalCode sw "9""#.into(),
            c(F::PostalCode, O::Prefix, vec![t("9")]),
        ),
        (
            r#"addresses[locality eq "Paris" and country eq "FR"]"#.into(),
            all(vec![like(F::City, "Paris"), like(F::Country, "FR")]),
        ),
        (
            format!("{ENTERPRISE}:organization eq \"Acme\""),
            like(F::CompanyName, "Acme"),
        ),
        // caseExact: EQ / NE; co, sw, ew use the same core operators as the rest.
        (
            r#"externalId eq "Ab""#.into(),
            c(F::ExternalId, O::Eq, vec![t("Ab")]),
        ),
        (
            r#"externalId ne "Ab""#.into(),
            c(F::ExternalId, O::Ne, vec![t("Ab")]),
        ),
        (
            r#"externalId co "b""#.into(),
            c(F::ExternalId, O::Contains, vec![t("b")]),
        ),
        (r#"externalId ew "b""#.into(), like(F::ExternalId, "%b")),
    ]);
}

#[test]
fn ids_groups_active_and_times_become_typed_comparisons() {
    assert_translates(vec![
        // Ids: whole UUIDs; any other value matches nothing (eq) or everything (ne).
        (
            format!("id eq \"{USER_ID}\""),
            c(F::Id, O::Eq, vec![t(USER_ID)]),
        ),
        (
            format!("id ne \"{USER_ID}\""),
            c(F::Id, O::Ne, vec![t(USER_ID)]),
        ),
        (r#"id eq "bjensen""#.into(), any(vec![])),
        (format!("id eq \"{}\"", USER_ID.to_uppercase()), any(vec![])),
        (r#"id ne "bjensen""#.into(), all(vec![])),
        ("id pr".into(), all(vec![])),
        // Groups: by id, without case.
        (
            format!("groups eq \"{}\"", GROUP_ID.to_uppercase()),
            c(F::GroupId, O::Eq, vec![t(GROUP_ID)]),
        ),
        (
            format!("groups.value ne \"{GROUP_ID}\""),
            c(F::GroupId, O::Ne, vec![t(GROUP_ID)]),
        ),
        (
            format!("groups[value eq \"{GROUP_ID}\"]"),
            c(F::GroupId, O::Eq, vec![t(GROUP_ID)]),
        ),
        (r#"groups eq "nope""#.into(), any(vec![])),
        ("groups pr".into(), c(F::GroupId, O::IsNotNull, vec![])),
        // active is the status.
        ("active eq true".into(), active(O::Eq)),
        ("active eq false".into(), active(O::Ne)),
        ("active ne true".into(), active(O::Ne)),
        ("Active NE False".into(), active(O::Eq)),
        (r#"active eq "True""#.into(), active(O::Eq)),
        ("active pr".into(), all(vec![])),
        // Times.
        (
            r#"meta.created gt "2011-05-13T04:42:34Z""#.into(),
            c(F::CreateTime, O::Gt, vec![time(1_305_261_754, 0)]),
        ),
        (
            r#"meta.lastModified le "2011-05-13T06:42:34.5+02:00""#.into(),
            c(F::UpdateTime, O::Le, vec![time(1_305_261_754, 500_000_000)]),
        ),
        (
            "meta.lastModified pr".into(),
            c(F::UpdateTime, O::IsNotNull, vec![]),
        ),
    ]);
}

#[test]
fn metadata_backed_attributes_compare_their_entry_with_case() {
    assert_translates(vec![
        // Metadata, with case in the core.
        (
            r#"nickName eq "Babs""#.into(),
            meta("scim:nickName", O::Eq, "Babs"),
        ),
        (
            r#"userType ne "Employee""#.into(),
            meta("scim:userType", O::Ne, "Employee"),
        ),
        (
            r#"locale sw "en""#.into(),
            meta("scim:locale", O::Prefix, "en"),
        ),
        (
            r#"preferredLanguage co "en""#.into(),
            meta("scim:preferredLanguage", O::Contains, "en"),
        ),
        (
            r#"profileUrl ew ".org""#.into(),
            meta("scim:profileUrl", O::Like, "%.org"),
        ),
        (
            r#"name.middleName eq "Jane""#.into(),
            meta("scim:name.middleName", O::Eq, "Jane"),
        ),
        (
            r#"name.honorificPrefix eq "Ms.""#.into(),
            meta("scim:name.honorificPrefix", O::Eq, "Ms."),
        ),
        (
            r#"name.honorificSuffix eq "III""#.into(),
            meta("scim:name.honorificSuffix", O::Eq, "III"),
        ),
        (
            r#"name.formatted gt "M""#.into(),
            meta("scim:name.formatted", O::Gt, "M"),
        ),
        (
            "nickName pr".into(),
            metadata("scim:nickName", O::IsNotNull, vec![]),
        ),
        (
            format!("{ENTERPRISE}:employeeNumber eq \"701984\""),
            meta("scim:enterprise:employeeNumber", O::Eq, "701984"),
        ),
        (
            r#"costCenter eq "4130""#.into(),
            meta("scim:enterprise:costCenter", O::Eq, "4130"),
        ),
        (
            r#"division eq "Theme Park""#.into(),
            meta("scim:enterprise:division", O::Eq, "Theme Park"),
        ),
        (
            format!("{ENTERPRISE}:department ew \"Operations\""),
            meta("scim:enterprise:department", O::Like, "%Operations"),
        ),
        (
            r#"manager eq "m1""#.into(),
            meta("scim:enterprise:manager", O::Eq, "m1"),
        ),
        (
            format!("{ENTERPRISE}:manager.value eq \"m1\""),
            meta("scim:enterprise:manager", O::Eq, "m1"),
        ),
    ]);
}

#[test]
fn logic_keeps_its_precedence_and_chains_stay_flat() {
    assert_translates(vec![
        // Logic: precedence and flat chains.
        (
            r#"userName eq "a" or title pr and not (active eq true)"#.into(),
            any(vec![
                c(F::Login, O::Eq, vec![t("a")]),
                all(vec![
                    c(F::JobTitle, O::IsNotNull, vec![]),
                    not(active(O::Eq)),
                ]),
            ]),
        ),
        (
            r"title pr AND nickName pr and userName pr".into(),
            all(vec![
                c(F::JobTitle, O::IsNotNull, vec![]),
                metadata("scim:nickName", O::IsNotNull, vec![]),
                c(F::Login, O::IsNotNull, vec![]),
            ]),
        ),
    ]);
}

#[test]
fn what_roster_cannot_answer_is_refused_by_name() {
    for (text, at, says) in [
        (r#"ims eq "x""#, 0, "filtering on \"ims\" is not supported"),
        (
            r#"ims.value eq "x""#,
            0,
            "filtering on \"ims.value\" is not supported",
        ),
        ("name pr", 0, "filtering on \"name\" is not supported"),
        (
            r#"password eq "x""#,
            0,
            "filtering on \"password\" is not supported",
        ),
        (
            r#"emails[type eq "work"]"#,
            7,
            "filtering on \"emails.type\" is not supported (Roster keeps one value of \"emails\"",
        ),
        (
            r#"emails[type eq "work"].value eq "a@b.c""#,
            7,
            "\"emails.type\"",
        ),
        (
            r"title pr and emails.primary eq true",
            13,
            "\"emails.primary\"",
        ),
        (r#"foo eq "x""#, 0, "\"foo\" is not an attribute of a User"),
        (
            r#"members eq "x""#,
            0,
            "\"members\" is not an attribute of a User",
        ),
        (
            r#"active eq "x""#,
            0,
            "\"active\" takes true or false, not \"x\"",
        ),
        ("active gt true", 0, "\"gt\" does not apply to the boolean"),
        (r#"meta.created gt "yesterday""#, 0, "takes a dateTime"),
        (
            r#"meta.created co "2011""#,
            0,
            "the operator \"co\" is not supported on \"meta.created\"",
        ),
        (
            r#"id co "2819""#,
            0,
            "the operator \"co\" is not supported on \"id\"",
        ),
        (
            r#"groups sw "e9""#,
            0,
            "the operator \"sw\" is not supported on \"groups\"",
        ),
        (r"userName eq 5", 0, "takes a quoted string"),
        (r"title gt null", 0, "cannot compare"),
        (
            r#"name eq "x""#,
            0,
            "filtering on \"name\" is not supported",
        ),
    ] {
        let e = users(text).unwrap_err();
        assert!(
            e.message.contains(says) && e.at == at,
            "{text:?}: {e} (wanted {says:?} at {at})"
        );
    }
}

#[test]
fn filters_larger_than_the_core_takes_are_refused_here() {
    let wide = format!("{}title pr", "title pr or ".repeat(300));
    assert!(users(&wide).unwrap_err().message.contains("too complex"));
    let deep = format!("{}title pr{}", "not (".repeat(17), ")".repeat(17));
    assert!(users(&deep).unwrap_err().message.contains("too complex"));
    let fine = format!("{}title pr{}", "not (".repeat(16), ")".repeat(16));
    assert!(users(&fine).is_ok());
}

// ---------------------------------------------------------------------------------------
// Robustness

/// xorshift64*: a fixed sequence of pseudo-random numbers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }
}

/// Everything a parse result is used for, which must not panic either.
fn exercise(text: &str) {
    let (user, group) = (bjensen(), tour_guides());
    let emails = schema::attribute(Resource::User, &AttrPath::new("emails")).unwrap();
    let length = text.chars().count();
    match parse_filter(text) {
        Ok(f) => {
            let _ = matches(&f, &user, Resource::User);
            let _ = matches(&f, &group, Resource::Group);
            let _ = matches_value(&f, &user["emails"][0], emails);
            let _ = check(&f, Resource::User);
            let _ = check_value_filter(&f, emails);
            let _ = to_user_filter(&f);
        }
        Err(e) => assert!(e.at <= length.min(MAX_LENGTH), "{text:?}: {e}"),
    }
    match parse_path(text) {
        Ok(p) => {
            if let Some(f) = p.filter {
                let _ = matches_value(&f, &user["emails"][0], emails);
            }
        }
        Err(e) => assert!(e.at <= length.min(MAX_LENGTH), "{text:?}: {e}"),
    }
}

#[test]
fn no_input_makes_the_parser_or_its_users_panic() {
    let long = format!(
        r#"userType eq "Employee" and (emails[type eq "work" and value co "@example.com"] or not (emails.value ew "\u00e9x\"" )) or {ENTERPRISE}:manager.value pr and meta.created ge "2011-05-13T04:42:34Z" or members[value eq "x"].value eq 1.5e3 OR active Eq TRUE and title lt null"#
    );
    // Every prefix and suffix of a long valid filter.
    let chars: Vec<char> = long.chars().collect();
    for i in 0..=chars.len() {
        exercise(&chars[..i].iter().collect::<String>());
        exercise(&chars[i..].iter().collect::<String>());
    }
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    // Random bytes.
    for _ in 0..3000 {
        let n = rng.below(120);
        let bytes: Vec<u8> = (0..n).map(|_| rng.next().to_le_bytes()[0]).collect();
        exercise(&String::from_utf8_lossy(&bytes));
    }
    // Random sequences of the language's own pieces, which get far into the parser.
    let pieces = [
        "userName",
        "emails",
        "emails.value",
        "name.givenName",
        "active",
        "meta.created",
        "members",
        "urn:ietf:params:scim:schemas:core:2.0:User:",
        ENTERPRISE,
        ":manager",
        "id",
        "eq",
        "ne",
        "co",
        "sw",
        "ew",
        "gt",
        "ge",
        "lt",
        "le",
        "pr",
        "and",
        "or",
        "not",
        "(",
        ")",
        "[",
        "]",
        ".",
        ":",
        "\"",
        "\"x\"",
        "\"\\u12\"",
        "\"\\\"",
        "1",
        "-0.5e-3",
        "true",
        "null",
        "\"2011-05-13T04:42:34Z\"",
        " ",
        " ",
        " ",
        "\t",
        "é",
        "\u{0}",
    ];
    for _ in 0..20_000 {
        let n = rng.below(25);
        let text: String = (0..n).map(|_| pieces[rng.below(pieces.len())]).collect();
        exercise(&text);
    }
}
