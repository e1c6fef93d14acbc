//! The writes besides users and groups: folders and their grants, roles and policies, SSH
//! keys, secret keys and their address restrictions, provisioning tokens. Each has exactly
//! its events, a refused one none, and no event carries a secret.

use super::dialects::told;
use super::{contiguous, data, events_after, high_water, kinds};
use crate::support::cloudapi::TestKey;
use crate::support::{TestApp, create, mask, user};
use roster_proto::v1 as pb;

fn user_key(id: &str) -> pb::UserKey {
    pb::UserKey {
        key: Some(pb::user_key::Key::Id(id.to_owned())),
    }
}

#[tokio::test]
async fn folder_writes_and_grants_are_told() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut folders = app.folders(&t.token);
    let ada = app
        .users(&t.token)
        .create_user(create(user("ada@example.com")))
        .await
        .unwrap()
        .into_inner();
    let start = high_water(&app, &t).await;

    let f = folders
        .create_folder(pb::CreateFolderRequest {
            name: "Inspections".into(),
            external_id: Some("F-1".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    // A second folder of the same name is refused and tells nothing.
    assert!(
        folders
            .create_folder(pb::CreateFolderRequest {
                name: "inspections".into(),
                ..Default::default()
            })
            .await
            .is_err()
    );
    let grant = || pb::GrantFolderRequest {
        folder_id: f.id.clone(),
        user_ids: vec![ada.id.clone()],
        ..Default::default()
    };
    folders.grant_folder(grant()).await.unwrap();
    // Granted again: nothing changes, nothing is told.
    folders.grant_folder(grant()).await.unwrap();
    folders
        .revoke_folder(pb::RevokeFolderRequest {
            folder_id: f.id.clone(),
            user_ids: vec![ada.id.clone()],
            ..Default::default()
        })
        .await
        .unwrap();
    folders
        .delete_folder(pb::DeleteFolderRequest {
            id: f.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap();

    let events = events_after(&app, &t, start).await;
    contiguous(&events, start + 1);
    let subject = |k: &str| (k.to_owned(), f.id.clone());
    assert_eq!(
        kinds(&events),
        [
            subject("roster.folder.created"),
            subject("roster.folder.granted"),
            subject("roster.folder.revoked"),
            subject("roster.folder.deleted"),
        ]
    );
    let created = data(&events[0]);
    assert_eq!(created["name"], "Inspections");
    assert_eq!(created["external_id"], "F-1");
    for e in &events[1..3] {
        let d = data(e);
        assert_eq!(d["folder"]["id"], f.id.as_str());
        assert_eq!(d["user"]["id"], ada.id.as_str());
        assert_eq!(d["user"]["login"], ada.login.as_str());
    }
    assert_eq!(data(&events[3])["id"], f.id.as_str());
}

#[tokio::test]
async fn role_and_policy_writes_are_told_with_what_changed() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut roles = app.roster_roles(&t.token);
    let ada = app
        .users(&t.token)
        .create_user(create(user("ada@example.com")))
        .await
        .unwrap()
        .into_inner();
    let start = high_water(&app, &t).await;

    let p = roles
        .create_policy(pb::CreatePolicyRequest {
            policy: Some(pb::Policy {
                name: "readers".into(),
                rules: vec!["CAN listusers AND getuser".into()],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let r = roles
        .create_role(pb::CreateRoleRequest {
            role: Some(pb::Role {
                name: "auditors".into(),
                members: vec![pb::RoleMember {
                    user_id: ada.id.clone(),
                    default: true,
                    ..Default::default()
                }],
                policies: vec![pb::PolicyRef {
                    name: "readers".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    // A role naming an unknown policy is refused and tells nothing.
    assert!(
        roles
            .create_role(pb::CreateRoleRequest {
                role: Some(pb::Role {
                    name: "other".into(),
                    policies: vec![pb::PolicyRef {
                        name: "missing".into(),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await
            .is_err()
    );
    roles
        .update_role(pb::UpdateRoleRequest {
            role: Some(pb::Role {
                id: r.id.clone(),
                name: "inspectors".into(),
                ..Default::default()
            }),
            update_mask: mask(&["name"]),
            ..Default::default()
        })
        .await
        .unwrap();
    // The same name again changes nothing and tells nothing.
    roles
        .update_role(pb::UpdateRoleRequest {
            role: Some(pb::Role {
                id: r.id.clone(),
                name: "inspectors".into(),
                ..Default::default()
            }),
            update_mask: mask(&["name"]),
            ..Default::default()
        })
        .await
        .unwrap();
    roles
        .update_policy(pb::UpdatePolicyRequest {
            policy: Some(pb::Policy {
                id: p.id.clone(),
                description: Some("read only".into()),
                ..Default::default()
            }),
            update_mask: mask(&["description"]),
            ..Default::default()
        })
        .await
        .unwrap();
    // Deleting the policy takes it from the role: the role is told too.
    roles
        .delete_policy(pb::DeletePolicyRequest {
            id: p.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    roles
        .delete_role(pb::DeleteRoleRequest {
            id: r.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap();

    let events = events_after(&app, &t, start).await;
    contiguous(&events, start + 1);
    assert_eq!(
        kinds(&events),
        [
            told("policy.created", &p.id),
            told("role.created", &r.id),
            told("role.updated", &r.id),
            told("policy.updated", &p.id),
            told("policy.deleted", &p.id),
            told("role.updated", &r.id),
            told("role.deleted", &r.id),
        ]
    );
    assert_eq!(data(&events[0])["rules"][0], "CAN listusers AND getuser");
    let role = data(&events[1]);
    assert_eq!(role["members"][0]["login"], ada.login.as_str());
    assert_eq!(role["members"][0]["default"], true);
    assert_eq!(role["policies"][0]["name"], "readers");
    let renamed = data(&events[2]);
    assert_eq!(renamed["role"]["name"], "inspectors");
    assert_eq!(renamed["changed_fields"], serde_json::json!(["name"]));
    let described = data(&events[3]);
    assert_eq!(described["policy"]["description"], "read only");
    assert_eq!(
        described["changed_fields"],
        serde_json::json!(["description"])
    );
    let unlinked = data(&events[5]);
    assert_eq!(unlinked["role"]["policies"], serde_json::json!([]));
    assert_eq!(unlinked["changed_fields"], serde_json::json!(["policies"]));
}

#[tokio::test]
async fn keys_secret_keys_and_provisioning_tokens_are_told_without_secrets() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ada = app
        .users(&t.token)
        .create_user(create(user("ada@example.com")))
        .await
        .unwrap()
        .into_inner();
    let start = high_water(&app, &t).await;

    let mut keys = app.roster_keys(&t.owner_token);
    let owner = pb::KeyOwner {
        owner: Some(pb::key_owner::Owner::User(user_key(&ada.id))),
    };
    let key = keys
        .create_key(pb::CreateKeyRequest {
            owner: Some(owner.clone()),
            public_key: TestKey::ed25519(7).public_line("laptop"),
            name: "laptop".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    keys.delete_key(pb::DeleteKeyRequest {
        owner: Some(owner),
        name_or_fingerprint: "laptop".into(),
        ..Default::default()
    })
    .await
    .unwrap();

    let mut secrets = app.secret_keys(&t.token);
    let issued = secrets
        .issue_secret_key(pb::IssueSecretKeyRequest {
            user: Some(user_key(&ada.id)),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    secrets
        .set_secret_key_restrictions(pb::SetSecretKeyRestrictionsRequest {
            user: Some(user_key(&ada.id)),
            allow: vec!["10.0.0.0/8".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    secrets
        .revoke_secret_key(pb::RevokeSecretKeyRequest {
            user: Some(user_key(&ada.id)),
            ..Default::default()
        })
        .await
        .unwrap();

    let mut tokens = app.provisioning_tokens(&t.owner_token);
    let made = tokens
        .create_provisioning_token(pb::CreateProvisioningTokenRequest {
            name: "entra".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let token = made.token.unwrap();
    tokens
        .revoke_provisioning_token(pb::RevokeProvisioningTokenRequest {
            id: token.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap();

    let events = events_after(&app, &t, start).await;
    contiguous(&events, start + 1);
    assert_eq!(
        kinds(&events),
        [
            told("key.created", &key.fingerprint),
            told("key.deleted", &key.fingerprint),
            told("secret_key.issued", &ada.id),
            told("address_restrictions.updated", &ada.id),
            told("secret_key.revoked", &ada.id),
            told("provisioning_token.created", &token.id),
            told("provisioning_token.deleted", &token.id),
        ]
    );
    let k = data(&events[0]);
    assert_eq!(k["owner"]["id"], ada.id.as_str());
    assert_eq!(k["name"], "laptop");
    assert!(
        k["public_key"]
            .as_str()
            .unwrap()
            .starts_with("ssh-ed25519 "),
        "{k}"
    );
    assert_eq!(data(&events[2])["key_id"], issued.key_id.as_str());
    assert_eq!(
        data(&events[3])["addresses"],
        serde_json::json!(["10.0.0.0/8"])
    );
    assert_eq!(data(&events[5])["name"], "entra");
    // No secret in any event.
    for e in &events {
        assert!(!e.data.contains(&issued.secret_key), "{}", e.data);
        assert!(!e.data.contains(&made.secret), "{}", e.data);
    }
}
