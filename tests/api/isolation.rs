//! Tenants are isolated: a token of tenant A never reaches tenant B's data.

use crate::support::{TestApp, create, expect_code, get_by, key_id, user};
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
            ..Default::default()
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
            update_mask: crate::support::mask(&["city"]),
            password: None,
            ..Default::default()
        })
        .await,
        Code::NotFound,
    );
    expect_code(
        as_a.delete_user(pb::DeleteUserRequest {
            id: victim.id.clone(),
            etag: String::new(),
            ..Default::default()
        })
        .await,
        Code::NotFound,
    );
    expect_code(
        as_a.change_password(pb::ChangePasswordRequest {
            id: victim.id.clone(),
            password: "new-Passw0rd".into(),
            change_required: false,
            ..Default::default()
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
            ..Default::default()
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
                update_mask: crate::support::mask(&["city"]),
                create_if_missing: true,
                lenient_groups: false,
            }],
            ..Default::default()
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

#[tokio::test]
async fn keys_roles_and_policies_are_per_tenant() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    let mut b_roles = app.roster_roles(&b.token);
    let policy = b_roles
        .create_policy(pb::CreatePolicyRequest {
            policy: Some(pb::Policy {
                name: "p".into(),
                rules: vec!["CAN getuser".into()],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let role = b_roles
        .create_role(pb::CreateRoleRequest {
            role: Some(pb::Role {
                name: "r".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut a_roles = app.roster_roles(&a.token);
    assert!(
        a_roles
            .list_roles(pb::ListRolesRequest {})
            .await
            .unwrap()
            .into_inner()
            .roles
            .is_empty()
    );
    assert!(
        a_roles
            .list_policies(pb::ListPoliciesRequest {})
            .await
            .unwrap()
            .into_inner()
            .policies
            .is_empty()
    );
    expect_code(
        a_roles
            .get_role(pb::GetRoleRequest {
                id_or_name: role.id.clone(),
            })
            .await,
        Code::NotFound,
    );
    expect_code(
        a_roles
            .delete_policy(pb::DeletePolicyRequest {
                id: policy.id,
                ..Default::default()
            })
            .await,
        Code::NotFound,
    );
    // A role of A cannot take B's users as members.
    let b_user = app
        .users(&b.token)
        .create_user(create(user("u@b.test")))
        .await
        .unwrap()
        .into_inner();
    let member = pb::RoleMember {
        user_id: b_user.id,
        ..Default::default()
    };
    let st = expect_code(
        a_roles
            .create_role(pb::CreateRoleRequest {
                role: Some(pb::Role {
                    name: "x".into(),
                    members: vec![member],
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(crate::support::violated_fields(&st), ["role.members[0]"]);
    // Keys too.
    let owner = pb::KeyOwner {
        owner: Some(pb::key_owner::Owner::Account(true)),
    };
    let line = crate::support::cloudapi::TestKey::ed25519(3).public_line("k");
    app.roster_keys(&b.owner_token)
        .create_key(pb::CreateKeyRequest {
            owner: Some(owner.clone()),
            public_key: line,
            name: "k".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let listed = app
        .roster_keys(&a.token)
        .list_keys(pb::ListKeysRequest { owner: Some(owner) })
        .await
        .unwrap()
        .into_inner();
    assert!(listed.keys.is_empty());
}
