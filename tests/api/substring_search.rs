//! Searches by part of a login, an email, a full name, a display name or an external id
//! (`CONTAINS`, `PREFIX`): a table of searches with the exact users each must find, held to
//! renames and deletions too. On PostgreSQL they are served by the `pg_trgm` indexes; on
//! SQLite they are narrowed by the FTS5 trigram table `users_search`, which triggers keep in
//! step with `users` (so a rename or a deletion the table missed would show here). Both must
//! find exactly what the comparison says: case ignored for ASCII, LIKE's wildcards literal.

use crate::support::records::local_parts_found;
use crate::support::{TestApp, Users, create, mask, user};
use roster_proto::v1 as pb;
use roster_proto::v1::filter_value::Kind as V;
use roster_proto::v1::{ComparisonOperator as Op, UserField as F};

fn cmp(field: F, op: Op, text: &str) -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::Compare(pb::UserComparison {
            field: field.into(),
            operator: op.into(),
            values: vec![pb::FilterValue {
                kind: Some(V::StringValue(text.to_owned())),
            }],
            metadata_key: String::new(),
        })),
    }
}

/// (email, login, first, last, display name, external id)
const PEOPLE: [(&str, &str, &str, &str, &str, &str); 5] = [
    (
        "anna.smith@a.test",
        "asmith",
        "Anna",
        "Smith",
        "Anna S.",
        "EXT-0001",
    ),
    (
        "bob@b.test",
        "bobby",
        "Bob",
        "Goldsmith",
        "50%_off \"Bob\"",
        "EXT-0002",
    ),
    (
        "carol@a.test",
        "carol",
        "Carol",
        "Jørgensen",
        "Carol",
        "ext-0100",
    ),
    ("dave@c.test", "dave", "Dave", "O'Hara", "50 off", "X-9"),
    (
        "erin@a.test",
        "erin_s",
        "Erin",
        "SMITHERS",
        "E.",
        "EXT-0003",
    ),
];

async fn seed(users: &mut Users) -> Vec<String> {
    let mut ids = Vec::new();
    for (email, login, first, last, display, external) in PEOPLE {
        let mut u = user(email);
        u.login = login.into();
        u.first_name = Some(first.into());
        u.last_name = Some(last.into());
        u.display_name = Some(display.into());
        u.external_id = Some(external.into());
        ids.push(users.create_user(create(u)).await.unwrap().into_inner().id);
    }
    ids
}

#[tokio::test]
async fn substring_searches_find_exactly_what_the_comparison_says() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let ids = seed(&mut users).await;
    let cases: Vec<(&str, pb::UserFilter, Vec<&str>)> = vec![
        (
            "full name, any case",
            cmp(F::FullName, Op::Contains, "smith"),
            vec!["anna.smith", "bob", "erin"],
        ),
        (
            "across first and last name",
            cmp(F::FullName, Op::Contains, "na sm"),
            vec!["anna.smith"],
        ),
        (
            "non-ASCII letters, same case",
            cmp(F::FullName, Op::Contains, "ørgen"),
            vec!["carol"],
        ),
        (
            "email part",
            cmp(F::Email, Op::Contains, "@A.TEST"),
            vec!["anna.smith", "carol", "erin"],
        ),
        (
            "login with a LIKE wildcard taken literally",
            cmp(F::Login, Op::Contains, "n_s"),
            vec!["erin"],
        ),
        (
            "display name with % and _ and a double quote",
            cmp(F::DisplayName, Op::Contains, "%_off \"b"),
            vec!["bob"],
        ),
        (
            "% is not a wildcard",
            cmp(F::DisplayName, Op::Contains, "50%"),
            vec!["bob"],
        ),
        (
            "external id prefix",
            cmp(F::ExternalId, Op::Prefix, "ext-000"),
            vec!["anna.smith", "bob", "erin"],
        ),
        (
            "a prefix is anchored",
            cmp(F::ExternalId, Op::Prefix, "xt-"),
            vec![],
        ),
        (
            "two characters: no trigram, still found",
            cmp(F::FullName, Op::Contains, "'h"),
            vec!["dave"],
        ),
        ("nobody", cmp(F::FullName, Op::Contains, "zzz"), vec![]),
    ];
    for (why, filter, want) in cases {
        assert_eq!(local_parts_found(&mut users, filter).await, want, "{why}");
    }

    // Renamed: found under the new name only. Deleted: found no more.
    users
        .update_user(pb::UpdateUserRequest {
            user: Some(pb::User {
                id: ids[0].clone(),
                last_name: Some("Baker".into()),
                display_name: Some("Smithy".into()),
                ..Default::default()
            }),
            update_mask: mask(&["last_name", "display_name"]),
            ..Default::default()
        })
        .await
        .unwrap();
    users
        .delete_user(pb::DeleteUserRequest {
            id: ids[4].clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let smith = cmp(F::FullName, Op::Contains, "smith");
    assert_eq!(local_parts_found(&mut users, smith).await, ["bob"]);
    let baker = cmp(F::FullName, Op::Contains, "bAKer");
    assert_eq!(local_parts_found(&mut users, baker).await, ["anna.smith"]);
    let smithy = cmp(F::DisplayName, Op::Contains, "mithy");
    assert_eq!(local_parts_found(&mut users, smithy).await, ["anna.smith"]);
    let erin = cmp(F::Login, Op::Contains, "erin");
    assert!(local_parts_found(&mut users, erin).await.is_empty());
}
