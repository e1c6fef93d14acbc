//! ListUsers: structured filters, orders, keyset pages, skip and totals.

use crate::support::{
    TestApp, TestTenant, Users, create, expect_code, reason, user, violated_fields,
};
use roster_proto::v1 as pb;
use roster_proto::v1::filter_value::Kind as V;
use roster_proto::v1::{ComparisonOperator as Op, UserField as F};
use std::collections::HashSet;
use tonic::Code;

fn cmp(field: F, op: Op, values: Vec<V>) -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::Compare(pb::UserComparison {
            field: field.into(),
            operator: op.into(),
            values: values
                .into_iter()
                .map(|k| pb::FilterValue { kind: Some(k) })
                .collect(),
            metadata_key: String::new(),
        })),
    }
}

fn all(fs: Vec<pb::UserFilter>) -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::All(pb::UserFilterList {
            filters: fs,
        })),
    }
}

fn any(fs: Vec<pb::UserFilter>) -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::Any(pb::UserFilterList {
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

/// People with varied fields: (email, first, last, city, status).
const PEOPLE: &[(&str, &str, &str, Option<&str>, pb::UserStatus)] = &[
    (
        "alice@a.test",
        "Alice",
        "Smith",
        Some("Oslo"),
        pb::UserStatus::Active,
    ),
    (
        "bob@b.test",
        "Bob",
        "Smith",
        Some("Bergen"),
        pb::UserStatus::Disabled,
    ),
    (
        "carol@a.test",
        "Carol",
        "Jones",
        None,
        pb::UserStatus::Active,
    ),
    (
        "dave@c.test",
        "Dave",
        "O'Hara",
        Some("Oslo"),
        pb::UserStatus::Invited,
    ),
    (
        "erin@a.test",
        "Erin",
        "50%_off",
        Some("Tromsø"),
        pb::UserStatus::Active,
    ),
];

async fn seed(app: &TestApp) -> (TestTenant, Users) {
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    for (email, first, last, city, status) in PEOPLE {
        let mut u = user(email);
        u.first_name = Some((*first).into());
        u.last_name = Some((*last).into());
        u.city = city.map(Into::into);
        u.status = (*status).into();
        users.create_user(create(u)).await.unwrap();
    }
    (t, users)
}

async fn emails(users: &mut Users, filter: pb::UserFilter) -> Vec<String> {
    let r = users
        .list_users(pb::ListUsersRequest {
            filter: Some(filter),
            page_size: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut out: Vec<String> = r.users.into_iter().map(|u| u.email).collect();
    out.sort();
    out
}

#[tokio::test]
async fn filters_select_exactly_the_matching_users() {
    let app = TestApp::spawn().await;
    let (_t, mut users) = seed(&app).await;
    let owner = "owner@acme.test";
    let cases: Vec<(&str, pb::UserFilter, Vec<&str>)> = vec![
        (
            "email eq ignores case",
            cmp(F::Email, Op::Eq, vec![s("ALICE@a.test")]),
            vec!["alice@a.test"],
        ),
        (
            "last name eq",
            cmp(F::LastName, Op::Eq, vec![s("Smith")]),
            vec!["alice@a.test", "bob@b.test"],
        ),
        (
            "and of two",
            all(vec![
                cmp(F::LastName, Op::Eq, vec![s("Smith")]),
                cmp(F::City, Op::Eq, vec![s("Oslo")]),
            ]),
            vec!["alice@a.test"],
        ),
        (
            "or of two",
            any(vec![
                cmp(F::FirstName, Op::Eq, vec![s("Bob")]),
                cmp(F::FirstName, Op::Eq, vec![s("Carol")]),
            ]),
            vec!["bob@b.test", "carol@a.test"],
        ),
        (
            "like with %",
            cmp(F::Email, Op::Like, vec![s("%@a.test")]),
            vec!["alice@a.test", "carol@a.test", "erin@a.test"],
        ),
        (
            "like ignores case",
            cmp(F::FirstName, Op::Like, vec![s("a%")]),
            vec!["alice@a.test"],
        ),
        (
            "prefix is literal",
            cmp(F::LastName, Op::Prefix, vec![s("50%_")]),
            vec!["erin@a.test"],
        ),
        (
            "prefix does not treat _ as a wildcard",
            cmp(F::LastName, Op::Prefix, vec![s("5_")]),
            vec![],
        ),
        (
            "contains",
            cmp(F::LastName, Op::Contains, vec![s("'h")]),
            vec!["dave@c.test"],
        ),
        (
            "full name",
            cmp(F::FullName, Op::Eq, vec![s("Carol Jones")]),
            vec!["carol@a.test"],
        ),
        (
            "in",
            cmp(F::City, Op::In, vec![s("Bergen"), s("Tromsø")]),
            vec!["bob@b.test", "erin@a.test"],
        ),
        (
            "is null",
            cmp(F::City, Op::IsNull, vec![]),
            vec!["carol@a.test", owner],
        ),
        (
            "not in skips unset fields (SQL semantics)",
            cmp(F::City, Op::NotIn, vec![s("Oslo")]),
            vec!["bob@b.test", "erin@a.test"],
        ),
        (
            "status by short name",
            cmp(F::Status, Op::Eq, vec![s("DISABLED")]),
            vec!["bob@b.test"],
        ),
        (
            "status by number",
            cmp(F::Status, Op::Eq, vec![V::IntValue(1)]),
            vec!["dave@c.test"],
        ),
        (
            "not",
            all(vec![
                not(cmp(F::Status, Op::Eq, vec![s("ACTIVE")])),
                cmp(F::Email, Op::Like, vec![s("%.test")]),
            ]),
            vec!["bob@b.test", "dave@c.test"],
        ),
        ("empty any holds for nobody", any(vec![]), vec![]),
        (
            "nobody has a password",
            cmp(F::HasPassword, Op::Eq, vec![V::BoolValue(true)]),
            vec![],
        ),
        (
            "an injection attempt is just text",
            cmp(F::Email, Op::Eq, vec![s("x' OR '1'='1")]),
            vec![],
        ),
    ];
    for (name, filter, want) in cases {
        let got = emails(&mut users, filter).await;
        let mut want: Vec<String> = want.into_iter().map(str::to_owned).collect();
        want.sort();
        assert_eq!(got, want, "case: {name}");
    }
}

#[tokio::test]
async fn numbers_and_times_compare_in_order() {
    let app = TestApp::spawn().await;
    let (_t, mut users) = seed(&app).await;
    let all_users = users
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner()
        .users;
    let third = &all_users[2];
    let after_third = emails(
        &mut users,
        cmp(F::Number, Op::Gt, vec![V::IntValue(third.number)]),
    )
    .await;
    assert_eq!(after_third.len(), all_users.len() - 3);
    let created = third.create_time.unwrap();
    let since = emails(
        &mut users,
        cmp(F::CreateTime, Op::Ge, vec![V::TimeValue(created)]),
    )
    .await;
    assert!(since.len() >= all_users.len() - 2, "{since:?}");
}

#[tokio::test]
async fn keyset_pages_return_every_user_once_even_while_users_are_added() {
    let app = TestApp::spawn().await;
    let (_t, mut users) = seed(&app).await;
    for order in [
        pb::UserOrderField::Number,
        pb::UserOrderField::Email,
        pb::UserOrderField::Login,
        pb::UserOrderField::CreateTime,
    ] {
        for descending in [false, true] {
            let before: HashSet<String> = users
                .list_users(pb::ListUsersRequest::default())
                .await
                .unwrap()
                .into_inner()
                .users
                .into_iter()
                .map(|u| u.id)
                .collect();
            let mut seen = Vec::new();
            let mut token = String::new();
            let mut added = 0;
            loop {
                let r = users
                    .list_users(pb::ListUsersRequest {
                        page_size: 2,
                        page_token: token.clone(),
                        order_by: Some(pb::UserOrder {
                            field: order.into(),
                            descending,
                        }),
                        ..Default::default()
                    })
                    .await
                    .unwrap()
                    .into_inner();
                assert!(r.users.len() <= 2);
                seen.extend(r.users.into_iter().map(|u| u.id));
                // Someone adds a user between pages.
                added += 1;
                users
                    .create_user(create(user(&format!(
                        "late{order:?}{descending}{added}@z.test"
                    ))))
                    .await
                    .unwrap();
                if r.next_page_token.is_empty() {
                    break;
                }
                token = r.next_page_token;
            }
            let unique: HashSet<String> = seen.iter().cloned().collect();
            assert_eq!(
                unique.len(),
                seen.len(),
                "no user twice ({order:?}, desc {descending})"
            );
            assert!(
                before.is_subset(&unique),
                "every user present at the start is seen ({order:?}, desc {descending})"
            );
        }
    }
}

#[tokio::test]
async fn pages_follow_the_requested_order() {
    let app = TestApp::spawn().await;
    let (_t, mut users) = seed(&app).await;
    let r = users
        .list_users(pb::ListUsersRequest {
            order_by: Some(pb::UserOrder {
                field: pb::UserOrderField::Email.into(),
                descending: true,
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let got: Vec<String> = r.users.iter().map(|u| u.email.clone()).collect();
    let mut want = got.clone();
    want.sort();
    want.reverse();
    assert_eq!(got, want);
}

#[tokio::test]
async fn skip_and_total_size_serve_page_number_clients() {
    let app = TestApp::spawn().await;
    let (_t, mut users) = seed(&app).await;
    let total = PEOPLE.len() + 1;
    let r = users
        .list_users(pb::ListUsersRequest {
            page_size: 2,
            skip: 4,
            include_total_size: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.total_size, Some(i64::try_from(total).unwrap()));
    assert_eq!(r.users.len(), total - 4);
    assert!(r.next_page_token.is_empty());
    let filtered = users
        .list_users(pb::ListUsersRequest {
            filter: Some(cmp(F::LastName, Op::Eq, vec![s("Smith")])),
            page_size: 1,
            include_total_size: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(filtered.total_size, Some(2));
    assert_eq!(filtered.users.len(), 1);
}

#[tokio::test]
async fn altered_or_foreign_page_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let (_t, mut users) = seed(&app).await;
    let first = users
        .list_users(pb::ListUsersRequest {
            page_size: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let token = first.next_page_token;
    let mut altered = token.clone().into_bytes();
    altered[2] = if altered[2] == b'A' { b'B' } else { b'A' };
    for (name, req) in [
        (
            "altered",
            pb::ListUsersRequest {
                page_size: 2,
                page_token: String::from_utf8(altered).unwrap(),
                ..Default::default()
            },
        ),
        (
            "garbage",
            pb::ListUsersRequest {
                page_size: 2,
                page_token: "not-a-token".into(),
                ..Default::default()
            },
        ),
        (
            "another filter",
            pb::ListUsersRequest {
                page_size: 2,
                page_token: token.clone(),
                filter: Some(cmp(F::City, Op::Eq, vec![s("Oslo")])),
                ..Default::default()
            },
        ),
    ] {
        let st = expect_code(users.list_users(req).await, Code::InvalidArgument);
        assert_eq!(reason(&st), "INVALID_PAGE_TOKEN", "{name}");
    }
}

#[tokio::test]
async fn ill_typed_filters_and_bad_paging_are_invalid_arguments() {
    let app = TestApp::spawn().await;
    let (_t, mut users) = seed(&app).await;
    for (name, req, field) in [
        (
            "text value for a number",
            pb::ListUsersRequest {
                filter: Some(cmp(F::Number, Op::Eq, vec![s("1")])),
                ..Default::default()
            },
            "filter",
        ),
        (
            "like on a number",
            pb::ListUsersRequest {
                filter: Some(cmp(F::Number, Op::Like, vec![V::IntValue(1)])),
                ..Default::default()
            },
            "filter",
        ),
        (
            "no field",
            pb::ListUsersRequest {
                filter: Some(cmp(F::Unspecified, Op::Eq, vec![s("x")])),
                ..Default::default()
            },
            "filter",
        ),
        (
            "page too large",
            pb::ListUsersRequest {
                page_size: 5000,
                ..Default::default()
            },
            "page_size",
        ),
        (
            "negative skip",
            pb::ListUsersRequest {
                skip: -1,
                ..Default::default()
            },
            "skip",
        ),
    ] {
        let st = expect_code(users.list_users(req).await, Code::InvalidArgument);
        assert_eq!(violated_fields(&st), [field], "{name}");
    }
}
