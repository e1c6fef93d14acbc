//! ListUsers by group (USER_FIELD_GROUP_ID, direct memberships) and by one metadata entry
//! (USER_FIELD_METADATA with a metadata_key): a table of filters with the exact users each
//! must return, and the filters refused.

use crate::support::records::{group, local_parts_found};
use crate::support::{TestApp, create, expect_code, violated_fields};
use roster_proto::v1 as pb;
use roster_proto::v1::filter_value::Kind as V;
use roster_proto::v1::{ComparisonOperator as Op, UserField as F};
use tonic::Code;

fn cmp(field: F, key: &str, op: Op, values: Vec<V>) -> pb::UserFilter {
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

fn group_is(op: Op, ids: &[&str]) -> pb::UserFilter {
    cmp(F::GroupId, "", op, ids.iter().map(|i| s(i)).collect())
}

fn meta(key: &str, op: Op, values: &[&str]) -> pb::UserFilter {
    cmp(F::Metadata, key, op, values.iter().map(|v| s(v)).collect())
}

fn all(fs: Vec<pb::UserFilter>) -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::All(pb::UserFilterList {
            filters: fs,
        })),
    }
}

fn not(f: pb::UserFilter) -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::Not(Box::new(f))),
    }
}

fn s(v: &str) -> V {
    V::StringValue(v.to_owned())
}

#[tokio::test]
async fn group_filters_select_exactly_the_direct_members() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let other = app.tenant("other").await;
    let groups = app.groups(&t.token);
    let g1 = group(&groups, "//G1", None).await;
    let g2 = group(&groups, "//G2", None).await;
    let g3 = group(&groups, "//G3", None).await;
    let child = group(&groups, "//G1/Child", None).await;
    // Another tenant's member of a group with the same path is another tenant's.
    let theirs = group(&app.groups(&other.token), "//G1", None).await;
    let mut users = app.users(&t.token);
    for (email, member_of) in [
        ("ann", vec![&g1]),
        ("bob", vec![&g1, &g2]),
        ("cat", vec![&g2]),
        ("dan", vec![]),
        ("eve", vec![&child]),
    ] {
        let mut u = crate::support::user(&format!("{email}@acme.test"));
        u.groups = member_of
            .iter()
            .map(|g| pb::GroupRef {
                id: g.id.clone(),
                ..Default::default()
            })
            .collect();
        users.create_user(create(u)).await.unwrap();
    }
    let mut u = crate::support::user("zed@other.test");
    u.groups = vec![pb::GroupRef {
        id: theirs.id.clone(),
        ..Default::default()
    }];
    app.users(&other.token)
        .create_user(create(u))
        .await
        .unwrap();

    let (g1, g2, g3, child) = (
        g1.id.as_str(),
        g2.id.as_str(),
        g3.id.as_str(),
        child.id.as_str(),
    );
    let cases: Vec<(&str, pb::UserFilter, Vec<&str>)> = vec![
        (
            "eq: direct members only",
            group_is(Op::Eq, &[g1]),
            vec!["ann", "bob"],
        ),
        (
            "eq: a child group's",
            group_is(Op::Eq, &[child]),
            vec!["eve"],
        ),
        ("eq: an empty group", group_is(Op::Eq, &[g3]), vec![]),
        (
            "eq: another tenant's group",
            group_is(Op::Eq, &[theirs.id.as_str()]),
            vec![],
        ),
        ("in", group_is(Op::In, &[g2, g3]), vec!["bob", "cat"]),
        (
            "in: a member of both counts once",
            group_is(Op::In, &[g1, g2]),
            vec!["ann", "bob", "cat"],
        ),
        (
            "ne: in none of the groups named, the groupless too",
            group_is(Op::Ne, &[g1]),
            vec!["cat", "dan", "eve", "owner"],
        ),
        (
            "not in",
            group_is(Op::NotIn, &[g1, g2]),
            vec!["dan", "eve", "owner"],
        ),
        (
            "is null: in no group",
            group_is(Op::IsNull, &[]),
            vec!["dan", "owner"],
        ),
        (
            "is not null: in some group",
            group_is(Op::IsNotNull, &[]),
            vec!["ann", "bob", "cat", "eve"],
        ),
        (
            "not eq is ne",
            not(group_is(Op::Eq, &[g1])),
            vec!["cat", "dan", "eve", "owner"],
        ),
        (
            "and of two groups",
            all(vec![group_is(Op::Eq, &[g1]), group_is(Op::Eq, &[g2])]),
            vec!["bob"],
        ),
        (
            "and with another field",
            all(vec![
                group_is(Op::In, &[g1, g2]),
                cmp(F::Email, "", Op::Prefix, vec![s("c")]),
            ]),
            vec!["cat"],
        ),
    ];
    for (name, filter, want) in cases {
        assert_eq!(
            local_parts_found(&mut users, filter).await,
            want,
            "case: {name}"
        );
    }

    for (name, filter) in [
        ("an order", group_is(Op::Lt, &[g1])),
        ("a pattern", group_is(Op::Like, &[g1])),
        ("not an id", group_is(Op::Eq, &["//G1"])),
        ("a user's id is no group", group_is(Op::Eq, &["nope"])),
        (
            "a number",
            cmp(F::GroupId, "", Op::Eq, vec![V::IntValue(1)]),
        ),
        ("no value", group_is(Op::Eq, &[])),
    ] {
        let st = expect_code(
            users
                .list_users(pb::ListUsersRequest {
                    filter: Some(filter),
                    ..Default::default()
                })
                .await,
            Code::InvalidArgument,
        );
        assert_eq!(violated_fields(&st), ["filter"], "{name}");
    }
}

#[tokio::test]
async fn metadata_filters_compare_one_entry_by_its_exact_key() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    for (email, entries) in [
        (
            "ann",
            vec![("dept", "Sales"), ("cost center", "100"), ("Dept", "Ops")],
        ),
        ("bob", vec![("dept", "sales")]),
        ("cat", vec![("dept", "Engineering"), ("x.y", "dot")]),
        ("dan", vec![("site", "Oslo")]),
        ("eve", vec![("dept", "50%_off"), ("$.dept", "path")]),
    ] {
        let mut u = crate::support::user(&format!("{email}@acme.test"));
        u.metadata = entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        users.create_user(create(u)).await.unwrap();
    }

    let cases: Vec<(&str, pb::UserFilter, Vec<&str>)> = vec![
        (
            "eq with case",
            meta("dept", Op::Eq, &["Sales"]),
            vec!["ann"],
        ),
        (
            "the key with case",
            meta("Dept", Op::Eq, &["Ops"]),
            vec!["ann"],
        ),
        (
            "ne: users with the entry only",
            meta("dept", Op::Ne, &["Sales"]),
            vec!["bob", "cat", "eve"],
        ),
        ("lt", meta("dept", Op::Lt, &["F"]), vec!["cat", "eve"]),
        ("ge", meta("dept", Op::Ge, &["S"]), vec!["ann", "bob"]),
        (
            "like ignores ASCII case as on every field",
            meta("dept", Op::Like, &["s%"]),
            vec!["ann", "bob"],
        ),
        ("prefix", meta("dept", Op::Prefix, &["Eng"]), vec!["cat"]),
        (
            "prefix is literal",
            meta("dept", Op::Prefix, &["50%_"]),
            vec!["eve"],
        ),
        (
            "contains",
            meta("dept", Op::Contains, &["gin"]),
            vec!["cat"],
        ),
        (
            "in",
            meta("dept", Op::In, &["Sales", "Engineering"]),
            vec!["ann", "cat"],
        ),
        (
            "not in skips users without the entry",
            meta("dept", Op::NotIn, &["Sales"]),
            vec!["bob", "cat", "eve"],
        ),
        (
            "is null: no such entry",
            meta("dept", Op::IsNull, &[]),
            vec!["dan", "owner"],
        ),
        (
            "is not null",
            meta("dept", Op::IsNotNull, &[]),
            vec!["ann", "bob", "cat", "eve"],
        ),
        (
            "a key with a space",
            meta("cost center", Op::Eq, &["100"]),
            vec!["ann"],
        ),
        (
            "a key with a dot is a key, not a path",
            meta("x.y", Op::Eq, &["dot"]),
            vec!["cat"],
        ),
        (
            "a key that looks like a JSON path is a key",
            meta("$.dept", Op::Eq, &["path"]),
            vec!["eve"],
        ),
        ("an unknown key", meta("nope", Op::IsNotNull, &[]), vec![]),
        (
            "an injection attempt in the key is only a key",
            meta("dept' OR '1'='1", Op::IsNotNull, &[]),
            vec![],
        ),
        (
            "an injection attempt in the value is only text",
            meta("dept", Op::Eq, &["x' OR '1'='1"]),
            vec![],
        ),
        (
            "with another field",
            all(vec![
                meta("dept", Op::Like, &["s%"]),
                cmp(F::Email, "", Op::Prefix, vec![s("b")]),
            ]),
            vec!["bob"],
        ),
    ];
    for (name, filter, want) in cases {
        assert_eq!(
            local_parts_found(&mut users, filter).await,
            want,
            "case: {name}"
        );
    }

    for (name, filter) in [
        ("metadata without a key", meta("", Op::Eq, &["Sales"])),
        (
            "a key on another field",
            cmp(F::Email, "dept", Op::Eq, vec![s("ann@acme.test")]),
        ),
        ("a key too long", meta(&"k".repeat(129), Op::Eq, &["x"])),
        (
            "a value that is no text",
            cmp(F::Metadata, "dept", Op::Eq, vec![V::IntValue(1)]),
        ),
    ] {
        let st = expect_code(
            users
                .list_users(pb::ListUsersRequest {
                    filter: Some(filter),
                    ..Default::default()
                })
                .await,
            Code::InvalidArgument,
        );
        assert_eq!(violated_fields(&st), ["filter"], "{name}");
    }
}
