//! Tenants are isolated: a token of tenant A never reaches tenant B's data.

use roster_e2e::{TestApp, create, expect_code, get_by, key_id, user};
use roster_proto::v1 as pb;
use roster_proto::v1::user_key::Key;
use tonic::Code;

#[tokio::test]
async fn tenant_a_never_reads_lists_changes_or_deletes_tenant_b_users() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    let victim = app
        .users(&b.token)
        .create_user(create(user("victim@b.test")))
        .await
        .unwrap()
        .into_inner();
    app.groups(&b.token)
        .create_group(pb::CreateGroupRequest {
            path: "//Secret".into(),
            external_id: None,
        })
        .await
        .unwrap();
    let mut as_a = app.users(&a.token);

    for key in [
        Key::Id(victim.id.clone()),
        Key::Number(victim.number),
        Key::Email(victim.email.clone()),
        Key::Login(victim.login.clone()),
    ] {
        expect_code(as_a.get_user(get_by(key)).await, Code::NotFound);
    }
    let listed = as_a
        .list_users(pb::ListUsersRequest {
            include_total_size: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(listed.users.iter().all(|u| u.email != victim.email));
    assert_eq!(listed.total_size, Some(1), "only A's owner");

    let patch = pb::User {
        id: victim.id.clone(),
        city: Some("Pwned".into()),
        ..Default::default()
    };
    expect_code(
        as_a.update_user(pb::UpdateUserRequest {
            user: Some(patch),
            update_mask: roster_e2e::mask(&["city"]),
        })
        .await,
        Code::NotFound,
    );
    expect_code(
        as_a.delete_user(pb::DeleteUserRequest {
            id: victim.id.clone(),
            etag: String::new(),
        })
        .await,
        Code::NotFound,
    );
    expect_code(
        as_a.change_password(pb::ChangePasswordRequest {
            id: victim.id.clone(),
            password: "new-Passw0rd".into(),
            change_required: false,
        })
        .await,
        Code::NotFound,
    );
    expect_code(
        as_a.verify_password(pb::VerifyPasswordRequest {
            key: key_id(&victim.id),
            password: "x".into(),
        })
        .await,
        Code::NotFound,
    );
    expect_code(
        as_a.record_activity(pb::RecordActivityRequest {
            key: key_id(&victim.id),
            time: None,
            device: None,
        })
        .await,
        Code::NotFound,
    );

    // A batch keyed by B's user id cannot reach it either, nor can it make A's own copy.
    let r = as_a
        .batch_upsert_users(pb::BatchUpsertUsersRequest {
            items: vec![pb::UpsertUserItem {
                key: key_id(&victim.id),
                user: Some(pb::User {
                    city: Some("Pwned".into()),
                    ..Default::default()
                }),
                update_mask: roster_e2e::mask(&["city"]),
                create_if_missing: true,
                lenient_groups: false,
            }],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.results[0].status.as_ref().map(|s| s.code),
        Some(Code::NotFound as i32)
    );

    // B's groups are invisible to A, and A may reuse B's names.
    expect_code(
        app.groups(&a.token)
            .resolve_group_path(pb::ResolveGroupPathRequest {
                path: "//Secret".into(),
            })
            .await,
        Code::NotFound,
    );
    let mut mine = user("victim@b.test");
    mine.groups = vec![pb::GroupRef {
        path: "//Secret".into(),
        ..Default::default()
    }];
    expect_code(as_a.create_user(create(mine)).await, Code::InvalidArgument);
    as_a.create_user(create(user("victim@b.test")))
        .await
        .unwrap();

    let still = app
        .users(&b.token)
        .get_user(get_by(Key::Id(victim.id.clone())))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(still, victim, "B's user is untouched");
}
