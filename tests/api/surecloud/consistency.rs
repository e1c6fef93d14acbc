//! What holds across requests: the same PATCH twice gives the same state; two concurrent
//! PATCHes of the same users leave each user equal to one version, never a mix; a token of
//! one tenant never touches another.

use crate::support::TestApp;
use crate::support::records::{by_email, create_groups};
use crate::support::surecloud::Sc;
use serde_json::{Value, json};

fn version(n: usize, tag: &str, role: &str) -> Value {
    (0..n)
        .map(|i| {
            json!({
                "email": format!("u{i}@acme.test"),
                "name": format!("{tag} {i}"),
                "jobTitle": format!("{tag} title"),
                "role": role,
                "enabled": tag == "A",
                "personType": if tag == "A" { "INTERNAL" } else { "EXTERNAL" },
                "groups": [format!("//{tag}")],
            })
        })
        .collect()
}

#[tokio::test]
async fn the_same_patch_twice_gives_the_same_state() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    create_groups(&app, &t, &["//A"]).await;
    let sc = Sc::owner(&app, &t).await;
    let body = version(5, "A", "CONTRIBUTOR");
    let first = sc.patch_ok(body.clone()).await;
    let stored: Vec<_> = {
        let mut v = Vec::new();
        for i in 0..5 {
            v.push(
                by_email(&app, &t, &format!("u{i}@acme.test"))
                    .await
                    .unwrap(),
            );
        }
        v
    };
    let second = sc.patch_ok(body).await;
    assert_eq!(first, second, "same answer, same ids");
    for (i, before) in stored.iter().enumerate() {
        let after = by_email(&app, &t, &format!("u{i}@acme.test"))
            .await
            .unwrap();
        assert_eq!(after.id, before.id);
        assert_eq!(after.display_name, before.display_name);
        assert_eq!(after.groups, before.groups);
        assert_eq!(after.access_level, before.access_level);
    }
    let listed = app
        .users(&t.token)
        .list_users(roster_proto::v1::ListUsersRequest {
            include_total_size: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        listed.total_size,
        Some(6),
        "the owner and five users, no duplicates"
    );
}

/// What a stored user looks like in one version of `version`.
fn as_stored(
    u: &roster_proto::v1::User,
) -> (Option<String>, Option<String>, i32, i32, i32, Vec<String>) {
    (
        u.display_name.clone(),
        u.job_title.clone(),
        u.access_level,
        u.status,
        u.person_type,
        u.groups.iter().map(|g| g.path.clone()).collect(),
    )
}

#[tokio::test]
async fn concurrent_patches_of_the_same_users_never_mix_versions() {
    use roster_proto::v1 as pb;
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    create_groups(&app, &t, &["//A", "//B"]).await;
    let sc = Sc::owner(&app, &t).await;
    let n = 40;
    sc.patch_ok(version(n, "B", "ADMINISTRATOR")).await;
    for round in 0..3 {
        let (first, second) = tokio::join!(
            sc.patch(version(n, "A", "READ_ONLY")),
            sc.patch(version(n, "B", "ADMINISTRATOR"))
        );
        for u in Sc::users(&first).iter().chain(Sc::users(&second)) {
            assert!(u.get("patchErrorMessage").is_none(), "round {round}: {u}");
        }
        for i in 0..n {
            let u = by_email(&app, &t, &format!("u{i}@acme.test"))
                .await
                .unwrap();
            let want =
                |tag: &str, level: pb::AccessLevel, status: pb::UserStatus, pt: pb::PersonType| {
                    (
                        Some(format!("{tag} {i}")),
                        Some(format!("{tag} title")),
                        level as i32,
                        status as i32,
                        pt as i32,
                        vec![format!("//{tag}")],
                    )
                };
            let got = as_stored(&u);
            let version_a = want(
                "A",
                pb::AccessLevel::ReadOnly,
                pb::UserStatus::Active,
                pb::PersonType::Internal,
            );
            let version_b = want(
                "B",
                pb::AccessLevel::Admin,
                pb::UserStatus::Disabled,
                pb::PersonType::External,
            );
            assert!(
                got == version_a || got == version_b,
                "round {round}, user {i} mixes versions: {got:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_token_of_one_tenant_cannot_touch_another() {
    let app = TestApp::spawn().await;
    let a = app.tenant("acme").await;
    let b = app.tenant("bravo").await;
    create_groups(&app, &b, &["//Bravo Only"]).await;
    let sc_b = Sc::owner(&app, &b).await;
    let victim = sc_b
        .patch_ok(json!([{"email": "victim@bravo.test", "role": "CONTRIBUTOR", "name": "V"}]))
        .await;
    let victim_id = victim[0]["userID"].as_str().unwrap();

    let sc_a = Sc::owner(&app, &a).await;
    let r = sc_a
        .patch(json!([
            {"userID": victim_id, "name": "Hacked"},
            {"email": "victim@bravo.test", "role": "ADMINISTRATOR", "groups": ["//Bravo Only"]},
        ]))
        .await;
    let users = Sc::users(&r);
    assert!(
        users[0]["patchErrorMessage"]
            .as_str()
            .unwrap()
            .contains("userID"),
        "{}",
        users[0]
    );
    // The email is free in tenant A: a user of A is created, without B's group.
    assert_ne!(users[1]["userID"], victim_id);
    assert_eq!(users[1]["groups"], json!([]));
    assert!(
        users[1]["patchErrorMessage"]
            .as_str()
            .unwrap()
            .contains("not found")
    );
    let untouched = by_email(&app, &b, "victim@bravo.test").await.unwrap();
    assert_eq!(untouched.display_name.as_deref(), Some("V"));
    assert_eq!(
        untouched.access_level(),
        roster_proto::v1::AccessLevel::User
    );
}
