//! No escalation: nobody changes its own access level or roles, and nobody gives an access
//! level, role or permission it does not hold, at any door.

use super::owner::{elements_admin, owner_now, rule, user_with_level};
use crate::support::surecloud::Sc;
use crate::support::{TestApp, TestTenant, expect_code, get_by};
use roster_proto::v1 as pb;
use roster_proto::v1::user_key::Key;
use roster_user_service::scopes;
use serde_json::json;
use tonic::Code;

/// A user as the owner reads it, its last sign-in aside (signing in is not an attack).
async fn user_by_email(app: &TestApp, t: &TestTenant, email: &str) -> Option<pb::User> {
    app.users(&t.owner_token)
        .get_user(get_by(Key::Email(email.to_owned())))
        .await
        .ok()
        .map(|r| pb::User {
            last_activity_time: None,
            ..r.into_inner()
        })
}

fn policy(name: &str, rules: &[&str]) -> pb::CreatePolicyRequest {
    pb::CreatePolicyRequest {
        policy: Some(pb::Policy {
            name: name.into(),
            rules: rules.iter().map(|r| (*r).to_owned()).collect(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A role of `members` (by login, all default) with the policies named.
fn role(name: &str, members: &[&str], policies: &[&str]) -> pb::CreateRoleRequest {
    pb::CreateRoleRequest {
        role: Some(pb::Role {
            name: name.into(),
            members: members
                .iter()
                .map(|m| pb::RoleMember {
                    login: (*m).to_owned(),
                    default: true,
                    ..Default::default()
                })
                .collect(),
            policies: policies
                .iter()
                .map(|p| pb::PolicyRef {
                    name: (*p).to_owned(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// `bob` (access level USER) whose default role `writers` allows creating, reading and
/// changing users and roles; `carol`, a plain user; `root`, a role that allows everything,
/// held by `dave`. All made by the owner.
async fn cast(app: &TestApp, t: &TestTenant) -> (pb::User, pb::User) {
    let bob = user_with_level(app, t, "bob@acme.test", pb::AccessLevel::User).await;
    let carol = user_with_level(app, t, "carol@acme.test", pb::AccessLevel::User).await;
    let dave = user_with_level(app, t, "dave@acme.test", pb::AccessLevel::User).await;
    let mut roles = app.roster_roles(&t.owner_token);
    roles
        .create_policy(policy(
            "writing",
            &["CAN listusers AND getuser AND createuser AND updateuser AND listroles AND getrole AND updaterole AND createrole AND createpolicy AND updatepolicy AND listpolicies"],
        ))
        .await
        .unwrap();
    roles
        .create_policy(policy("all", &["CAN *"]))
        .await
        .unwrap();
    roles
        .create_role(role("writers", &[&bob.login], &["writing"]))
        .await
        .unwrap();
    roles
        .create_role(role("root", &[&dave.login], &["all"]))
        .await
        .unwrap();
    (bob, carol)
}

#[tokio::test]
async fn a_user_cannot_promote_itself_or_others_through_surecloud() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let (bob, carol) = cast(&app, &t).await;
    let sc = Sc::for_user(&app, &t, &bob.email).await;
    let bob = user_by_email(&app, &t, &bob.email).await.unwrap();
    let carol = user_by_email(&app, &t, &carol.email).await.unwrap();

    for item in [
        json!({"email": bob.email, "role": "ADMINISTRATOR"}),
        json!({"email": bob.email, "role": "READ_ONLY"}),
        json!({"email": bob.email, "enabled": false}),
        json!({"email": carol.email, "role": "ADMINISTRATOR"}),
        json!({"email": "new@acme.test", "role": "ADMINISTRATOR"}),
        json!({"email": "dave@acme.test", "name": "Dave Took-Over"}),
        json!({"email": t.admin.email, "name": "Owner Took-Over"}),
    ] {
        let a = sc.patch(json!([item])).await;
        assert_eq!(a.status, 200, "{a:?}");
        let message = Sc::users(&a)[0]["patchErrorMessage"]
            .as_str()
            .unwrap_or_default();
        assert!(message.starts_with("Not allowed"), "{item}: {a:?}");
    }
    assert_eq!(
        user_by_email(&app, &t, &bob.email).await.as_ref(),
        Some(&bob)
    );
    assert_eq!(
        user_by_email(&app, &t, &carol.email).await.as_ref(),
        Some(&carol)
    );
    assert_eq!(user_by_email(&app, &t, "new@acme.test").await, None);
    assert_ne!(
        user_by_email(&app, &t, "dave@acme.test")
            .await
            .unwrap()
            .display_name
            .as_deref(),
        Some("Dave Took-Over")
    );

    // What bob does hold he may use: carol is a plain user, and a CONTRIBUTOR is his level.
    sc.patch_ok(json!([
        {"email": carol.email, "name": "Carol C"},
        {"email": "erin@acme.test", "role": "CONTRIBUTOR"}
    ]))
    .await;
}

#[tokio::test]
async fn a_member_cannot_write_roles_or_policies_beyond_its_own_rights() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let (bob, carol) = cast(&app, &t).await;
    let token = app.user_token(&t.id, &bob.id, scopes::TENANT_ADMIN, 0);
    let mut roles = app.roster_roles(&token);
    let listed = |app: &TestApp| {
        let owner = t.owner_token.clone();
        let app = app.roster_roles(&owner);
        async move {
            let mut app = app;
            let r = app
                .list_roles(pb::ListRolesRequest {})
                .await
                .unwrap()
                .into_inner()
                .roles;
            let p = app
                .list_policies(pb::ListPoliciesRequest {})
                .await
                .unwrap()
                .into_inner()
                .policies;
            (r, p)
        }
    };
    let before = listed(&app).await;

    // Policies that allow what bob does not hold.
    for rules in [
        &["CAN *"][..],
        &["CAN deleteuser"],
        &["CAN getuser", "CAN createuserkey"],
    ] {
        let st = expect_code(
            roles.create_policy(policy("mine", rules)).await,
            Code::PermissionDenied,
        );
        assert_eq!(rule(&st), "escalation", "{rules:?}");
    }
    let writing = before
        .1
        .iter()
        .find(|p| p.name == "writing")
        .unwrap()
        .clone();
    let st = expect_code(
        roles
            .update_policy(pb::UpdatePolicyRequest {
                policy: Some(pb::Policy {
                    rules: vec!["CAN *".into()],
                    ..writing.clone()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["rules".into()],
                }),
                ..Default::default()
            })
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(rule(&st), "escalation");
    // A role that carries `all`, or joining `root`, or leaving his own role.
    let st = expect_code(
        roles
            .create_role(role("mine", &[&carol.login], &["all"]))
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(rule(&st), "escalation");
    let root = before.0.iter().find(|r| r.name == "root").unwrap().clone();
    let mut joined = root.members.clone();
    joined.push(pb::RoleMember {
        login: bob.login.clone(),
        default: true,
        ..Default::default()
    });
    let members_mask = Some(prost_types::FieldMask {
        paths: vec!["members".into()],
    });
    let st = expect_code(
        roles
            .update_role(pb::UpdateRoleRequest {
                role: Some(pb::Role {
                    members: joined,
                    ..root.clone()
                }),
                update_mask: members_mask.clone(),
                ..Default::default()
            })
            .await,
        Code::PermissionDenied,
    );
    assert!(
        ["escalation", "self_change"].contains(&rule(&st).as_str()),
        "{st:?}"
    );
    let writers = before
        .0
        .iter()
        .find(|r| r.name == "writers")
        .unwrap()
        .clone();
    let st = expect_code(
        roles
            .update_role(pb::UpdateRoleRequest {
                role: Some(pb::Role {
                    members: vec![],
                    ..writers.clone()
                }),
                update_mask: members_mask.clone(),
                ..Default::default()
            })
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(rule(&st), "self_change");
    assert_eq!(
        listed(&app).await,
        before,
        "roles and policies are unchanged"
    );

    // Within his rights he may: a policy of actions he holds, and carol in his role.
    roles
        .create_policy(policy("reading", &["CAN listusers AND getuser"]))
        .await
        .unwrap();
    let mut with_carol = writers.members.clone();
    with_carol.push(pb::RoleMember {
        login: carol.login.clone(),
        default: true,
        ..Default::default()
    });
    roles
        .update_role(pb::UpdateRoleRequest {
            role: Some(pb::Role {
                members: with_carol,
                ..writers
            }),
            update_mask: members_mask,
            ..Default::default()
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn an_administrator_cannot_change_its_own_roles_or_outrank_itself() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let admin = elements_admin(&app, &t, "orgadmin@acme.test").await;
    let me = admin.get("/users").await;
    assert_eq!(me.status, 200, "{me:?}");
    let mine = me
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "orgadmin@acme.test")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let before = app
        .users(&t.owner_token)
        .get_user(get_by(Key::Number(mine)))
        .await
        .unwrap()
        .into_inner();
    for attempt in [
        admin.put(&format!("/users/{mine}/roles/admin")).await,
        admin
            .delete(&format!("/users/{mine}/roles/org-admin"))
            .await,
        admin
            .patch(&format!("/users/{mine}"), json!({"active": false}))
            .await,
        admin.delete(&format!("/users/{mine}")).await,
    ] {
        assert_eq!(attempt.status, 403, "{attempt:?}");
    }
    let after = app
        .users(&t.owner_token)
        .get_user(get_by(Key::Number(mine)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(after, before);

    // gRPC: an administrator's own token cannot raise its level above its own, nor mint a
    // service token (which would administer the tenant without that limit).
    let boss = user_with_level(&app, &t, "boss@acme.test", pb::AccessLevel::Admin).await;
    let token = app.user_token(&t.id, &boss.id, scopes::TENANT_ADMIN, 0);
    let mut users = app.users(&token);
    user_with_level(&app, &t, "carol@acme.test", pb::AccessLevel::User).await;
    let carol = user_by_email(&app, &t, "carol@acme.test").await.unwrap();
    let mut up = carol.clone();
    up.set_access_level(pb::AccessLevel::SuperAdmin);
    let st = expect_code(
        users
            .update_user(pb::UpdateUserRequest {
                user: Some(up),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["access_level".into()],
                }),
                ..Default::default()
            })
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(rule(&st), "escalation");
    let st = expect_code(
        app.auth(Some(&token))
            .issue_token(pb::IssueTokenRequest::default())
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(rule(&st), "not_allowed");
    assert_eq!(user_by_email(&app, &t, &carol.email).await, Some(carol));
    assert_eq!(owner_now(&app, &t).await.access_level, t.admin.access_level);
}

#[tokio::test]
async fn groups_folders_and_the_owners_roles_are_not_a_sub_users_to_change() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let (bob, carol) = cast(&app, &t).await;
    let token = app.user_token(&t.id, &bob.id, scopes::TENANT_ADMIN, 0);
    let folder = app
        .folders(&t.owner_token)
        .create_folder(pb::CreateFolderRequest {
            name: "Audits".into(),
            external_id: None,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();

    // Groups and folders have no CloudAPI action: administrators only.
    let st = expect_code(
        app.groups(&token)
            .create_group(pb::CreateGroupRequest {
                path: "//Admins".into(),
                external_id: None,
                ..Default::default()
            })
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(rule(&st), "not_allowed");
    for st in [
        expect_code(
            app.folders(&token)
                .create_folder(pb::CreateFolderRequest {
                    name: "Mine".into(),
                    external_id: None,
                    ..Default::default()
                })
                .await,
            Code::PermissionDenied,
        ),
        expect_code(
            app.folders(&token)
                .grant_folder(pb::GrantFolderRequest {
                    folder_id: folder.id.clone(),
                    user_ids: vec![bob.id.clone(), carol.id.clone()],
                    ..Default::default()
                })
                .await,
            Code::PermissionDenied,
        ),
    ] {
        assert_eq!(rule(&st), "not_allowed");
    }
    let groups = app
        .groups(&t.owner_token)
        .list_groups(pb::ListGroupsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(format!("{groups:?}").find("Admins").is_none(), "{groups:?}");
    let folders = app
        .folders(&t.owner_token)
        .list_folders(pb::ListFoldersRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        format!("{folders:?}").matches("name:").count(),
        1,
        "{folders:?}"
    );
    assert_eq!(
        user_by_email(&app, &t, &bob.email).await.unwrap().folders,
        []
    );

    // A service account may administer roles, but not the owner's memberships.
    let mut roles = app.roster_roles(&t.token);
    let st = expect_code(
        roles
            .create_role(role("owners", &[&t.admin.login], &[]))
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(rule(&st), "owner_protected");
    roles
        .create_role(role("staff", &[&carol.login], &[]))
        .await
        .unwrap();
}
