//! The user orders SCIM clients ask for (external id, display, first and last name, job
//! title, update time, id), both ways, through keyset pages: text without case, unset values
//! last ascending and first descending, ties by number, and every user exactly once even
//! while users are added between pages.

use crate::support::{TestApp, Users, create, mask, user};
use roster_proto::v1 as pb;
use roster_proto::v1::UserOrderField as O;
use roster_proto::v1::filter_value::Kind as V;
use std::collections::HashSet;

const DOMAIN: &str = "@people.test";

/// (local part, first, last, display, job title, external id). Case differs, values tie
/// without case (`Smith`, `smith`; `bob`, `Bob`), and every field is unset somewhere.
type Person = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

const PEOPLE: &[Person] = &[
    (
        "p1",
        Some("bob"),
        Some("Smith"),
        None,
        Some("Engineer"),
        Some("E-3"),
    ),
    (
        "p2",
        Some("Alice"),
        Some("smith"),
        Some("Zed"),
        None,
        Some("e-1"),
    ),
    (
        "p3",
        None,
        Some("Jones"),
        Some("alpha"),
        Some("analyst"),
        None,
    ),
    (
        "p4",
        Some("carl"),
        None,
        Some("Beta"),
        Some("engineer"),
        Some("E-2"),
    ),
    ("p5", Some("Bob"), Some("Adams"), None, None, None),
    (
        "p6",
        Some("dora"),
        Some("jones"),
        Some("ALPHA"),
        Some("Zoologist"),
        Some("a-9"),
    ),
];

fn person(p: &Person) -> pb::User {
    let (local, first, last, display, job, ext) = *p;
    let mut u = user(&format!("{local}{DOMAIN}"));
    u.first_name = first.map(Into::into);
    u.last_name = last.map(Into::into);
    u.display_name = display.map(Into::into);
    u.job_title = job.map(Into::into);
    u.external_id = ext.map(Into::into);
    u
}

/// Only the people of this test (not the owner).
fn ours() -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::Compare(pb::UserComparison {
            field: pb::UserField::Email.into(),
            operator: pb::ComparisonOperator::Like.into(),
            values: vec![pb::FilterValue {
                kind: Some(V::StringValue(format!("%{DOMAIN}"))),
            }],
            metadata_key: String::new(),
        })),
    }
}

/// Every page of the people in `field` order, `size` at a time; `between` runs after each
/// page.
async fn pages(
    users: &mut Users,
    field: O,
    descending: bool,
    size: i32,
    mut between: impl AsyncFnMut(usize),
) -> Vec<pb::User> {
    let mut out = Vec::new();
    let mut token = String::new();
    for page in 0.. {
        let r = users
            .list_users(pb::ListUsersRequest {
                filter: Some(ours()),
                page_size: size,
                page_token: token.clone(),
                order_by: Some(pb::UserOrder {
                    field: field.into(),
                    descending,
                }),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(r.users.len() <= usize::try_from(size).unwrap());
        out.extend(r.users);
        between(page).await;
        if r.next_page_token.is_empty() {
            break;
        }
        token = r.next_page_token;
    }
    out
}

/// The text an order of optional text compares, as the contract says: without case.
fn text_key(field: O, u: &pb::User) -> Option<String> {
    let v = match field {
        O::ExternalId => u.external_id.as_ref(),
        O::DisplayName => u.display_name.as_ref(),
        O::FirstName => u.first_name.as_ref(),
        O::LastName => u.last_name.as_ref(),
        O::JobTitle => u.job_title.as_ref(),
        O::Unspecified
        | O::Number
        | O::Login
        | O::Email
        | O::CreateTime
        | O::UpdateTime
        | O::Id => {
            panic!("{field:?} is no text order")
        }
    };
    v.map(|s| s.to_lowercase())
}

fn nanos(t: Option<&prost_types::Timestamp>) -> i128 {
    let t = t.expect("a time");
    i128::from(t.seconds) * 1_000_000_000 + i128::from(t.nanos)
}

/// `users` in the order the contract defines for `field` ascending; descending is its
/// exact reverse (ties by number too).
fn expected(field: O, users: &[pb::User]) -> Vec<String> {
    let mut sorted: Vec<&pb::User> = users.iter().collect();
    match field {
        O::UpdateTime => sorted.sort_by_key(|u| (nanos(u.update_time.as_ref()), u.number)),
        O::Id => sorted.sort_by(|a, b| a.id.cmp(&b.id)),
        text @ (O::Unspecified
        | O::Number
        | O::Login
        | O::Email
        | O::CreateTime
        | O::ExternalId
        | O::DisplayName
        | O::FirstName
        | O::LastName
        | O::JobTitle) => sorted.sort_by_key(|u| {
            let k = text_key(text, u);
            // Unset last.
            (k.is_none(), k, u.number)
        }),
    }
    sorted.into_iter().map(|u| u.email.clone()).collect()
}

fn emails(users: &[pb::User]) -> Vec<String> {
    users.iter().map(|u| u.email.clone()).collect()
}

const ORDERS: [O; 7] = [
    O::ExternalId,
    O::DisplayName,
    O::FirstName,
    O::LastName,
    O::JobTitle,
    O::UpdateTime,
    O::Id,
];

#[tokio::test]
async fn every_new_order_sorts_both_ways_with_unset_values_last_and_ties_by_number() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let mut made = Vec::new();
    for p in PEOPLE {
        made.push(
            users
                .create_user(create(person(p)))
                .await
                .unwrap()
                .into_inner(),
        );
    }
    // p2 changes last: the update time order moves it to the end.
    users
        .update_user(pb::UpdateUserRequest {
            user: Some(pb::User {
                id: made[1].id.clone(),
                city: Some("Oslo".into()),
                ..Default::default()
            }),
            update_mask: mask(&["city"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap();
    let now = pages(&mut users, O::Number, false, 100, async |_| {}).await;

    for field in ORDERS {
        let want = expected(field, &now);
        let asc = pages(&mut users, field, false, 2, async |_| {}).await;
        assert_eq!(emails(&asc), want, "{field:?} ascending");
        let desc = pages(&mut users, field, true, 2, async |_| {}).await;
        let mut reversed = want.clone();
        reversed.reverse();
        assert_eq!(emails(&desc), reversed, "{field:?} descending");
    }

    // Spelled out once, so that the rule is visible and not only recomputed: last names
    // without case, `smith` and `Smith` tied by number, the unset one last.
    let by_last = pages(&mut users, O::LastName, false, 4, async |_| {}).await;
    let locals: Vec<&str> = by_last
        .iter()
        .map(|u| u.email.split('@').next().unwrap_or_default())
        .collect();
    assert_eq!(locals, ["p5", "p3", "p6", "p1", "p2", "p4"]);
    let by_update = pages(&mut users, O::UpdateTime, false, 4, async |_| {}).await;
    assert_eq!(
        by_update.last().map(|u| u.id.as_str()),
        Some(made[1].id.as_str())
    );
    let by_job_desc = pages(&mut users, O::JobTitle, true, 4, async |_| {}).await;
    let first_two: HashSet<&str> = by_job_desc[..2]
        .iter()
        .map(|u| u.email.split('@').next().unwrap_or_default())
        .collect();
    assert_eq!(
        first_two,
        HashSet::from(["p2", "p5"]),
        "unset first descending"
    );
}

#[tokio::test]
async fn paging_through_a_new_order_sees_every_user_once_while_users_are_added() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    for p in PEOPLE {
        users.create_user(create(person(p))).await.unwrap();
    }
    let mut added = 0;
    for field in ORDERS {
        for descending in [false, true] {
            let before: HashSet<String> = pages(&mut users, O::Number, false, 1000, async |_| {})
                .await
                .into_iter()
                .map(|u| u.id)
                .collect();
            let mut writer = app.users(&t.token);
            let seen = pages(&mut users, field, descending, 2, async |page| {
                // Someone adds a user between pages: with every field set, or none.
                added += 1;
                let p: Person = if page % 2 == 0 {
                    ("late", Some("M"), Some("M"), Some("M"), Some("M"), None)
                } else {
                    ("late", None, None, None, None, None)
                };
                let mut u = person(&p);
                u.email = format!("late{added}{DOMAIN}");
                if page % 2 == 0 {
                    u.external_id = Some(format!("m-{added}"));
                }
                writer.create_user(create(u)).await.unwrap();
            })
            .await;
            let ids: Vec<String> = seen.into_iter().map(|u| u.id).collect();
            let unique: HashSet<String> = ids.iter().cloned().collect();
            assert_eq!(
                unique.len(),
                ids.len(),
                "no user twice ({field:?}, desc {descending})"
            );
            assert!(
                before.is_subset(&unique),
                "every user there at the start is seen ({field:?}, desc {descending})"
            );
        }
    }
}

/// One page in `field` order from `token`: its ids and its next and previous tokens.
async fn page_at(
    users: &mut Users,
    field: O,
    descending: bool,
    token: &str,
) -> (Vec<String>, String, String) {
    let r = users
        .list_users(pb::ListUsersRequest {
            filter: Some(ours()),
            page_size: 2,
            page_token: token.to_owned(),
            order_by: Some(pb::UserOrder {
                field: field.into(),
                descending,
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let ids = r.users.into_iter().map(|u| u.id).collect();
    (ids, r.next_page_token, r.previous_page_token)
}

#[tokio::test]
async fn previous_page_tokens_walk_back_through_every_order_both_ways() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    for p in PEOPLE {
        users.create_user(create(person(p))).await.unwrap();
    }
    let all = [O::Number, O::Login, O::Email, O::CreateTime]
        .into_iter()
        .chain(ORDERS);
    for field in all {
        for descending in [false, true] {
            let what = format!("{field:?}, desc {descending}");
            // Forward, keeping each page and the token that reached it.
            let mut forward = Vec::new();
            let mut token = String::new();
            loop {
                let (ids, next, previous) = page_at(&mut users, field, descending, &token).await;
                assert_eq!(
                    previous.is_empty(),
                    token.is_empty(),
                    "only the first page has nothing before it ({what})"
                );
                forward.push((ids, previous));
                if next.is_empty() {
                    break;
                }
                token = next;
            }
            assert_eq!(forward.len(), 3, "six people, two a page ({what})");
            // Back from the last page: the same pages, in reverse, each in the query's order.
            let mut back = Vec::new();
            let mut token = forward.last().unwrap().1.clone();
            let mut next_of_first = String::new();
            while !token.is_empty() {
                let (ids, next, previous) = page_at(&mut users, field, descending, &token).await;
                assert!(!next.is_empty(), "a page read backward has a next ({what})");
                back.push(ids);
                next_of_first = next;
                token = previous;
            }
            back.reverse();
            let want: Vec<Vec<String>> = forward[..2].iter().map(|(ids, _)| ids.clone()).collect();
            assert_eq!(back, want, "{what}");
            // And forward again from a page reached backward.
            let (ids, _, _) = page_at(&mut users, field, descending, &next_of_first).await;
            assert_eq!(ids, forward[1].0, "{what}");
        }
    }
}
