//! A tenant with one of everything the contract can name, and every name it has for each:
//! the identifiers another tenant could try, and the values it must never be shown.

use crate::support::cloudapi::TestKey;
use crate::support::{TestApp, TestTenant, key_id, mask};
use roster_proto::v1 as pb;
use std::collections::BTreeMap;

/// What a request field can name. Each field of the contract maps to one kind (see
/// [`super::requests::kind_of`]); each tenant has its own values of each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    UserId,
    UserNumber,
    UserLogin,
    UserEmail,
    UserExternalId,
    Password,
    GroupId,
    GroupPath,
    GroupName,
    GroupExternalId,
    FolderId,
    FolderName,
    FolderExternalId,
    RoleId,
    RoleName,
    PolicyId,
    PolicyName,
    KeyName,
    KeyFingerprint,
    PublicKey,
    ProvisioningTokenId,
    ProvisioningTokenName,
    WebhookId,
    TenantId,
    TenantLogin,
    CompanyId,
    PageToken,
    Etag,
    RequestId,
    ClaimId,
    /// A credential: another tenant's would be that tenant's own way in, so only the
    /// caller's own is ever sent.
    OwnCredential(Credential),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Credential {
    UserSecret,
    OrganizationSecret,
    IntegrationKey,
    SecretKey,
    ProvisioningToken,
}

/// A tenant as the matrix sees it.
#[derive(Debug)]
pub(crate) struct Named {
    pub(crate) tenant: TestTenant,
    /// Every value of each kind; numbers are kept as text.
    pub(crate) values: BTreeMap<Kind, Vec<String>>,
    /// Values no other tenant may ever read: field contents, secrets, opaque ids.
    pub(crate) private: Vec<String>,
}

impl Named {
    pub(crate) fn get(&self, kind: Kind) -> &[String] {
        self.values.get(&kind).map_or(&[], Vec::as_slice)
    }
}

/// Makes `tag`'s tenant with a member user in a group, a folder, a role with a policy, SSH
/// keys, a secret key with restrictions, a provisioning token, page tokens and ETags.
#[allow(clippy::too_many_lines)] // one straight script of setup calls reads best as one
pub(crate) async fn populate(app: &TestApp, tag: &str, key_seed: u8) -> Named {
    let t = app.tenant(tag).await;
    let canary = |what: &str| format!("{what}-{tag}-{}", uuid::Uuid::new_v4().simple());
    let (city, first_name, description) = (canary("City"), canary("First"), canary("Desc"));
    let password = format!("Pw-{tag}-s3cret!X");
    let request_id = canary("key");
    let mut users = app.users(&t.token);
    let user = users
        .create_user(pb::CreateUserRequest {
            user: Some(pb::User {
                login: format!("member-{tag}"),
                email: format!("member@{tag}.test"),
                external_id: Some(format!("ext-{tag}")),
                city: Some(city.clone()),
                first_name: Some(first_name.clone()),
                ..Default::default()
            }),
            password: Some(password.clone()),
            request_id: request_id.clone(),
        })
        .await
        .expect("create the member")
        .into_inner();

    let mut groups = app.groups(&t.token);
    let mut group = None;
    for path in [format!("//Team-{tag}"), format!("//Team-{tag}/Sub")] {
        let g = groups
            .create_group(pb::CreateGroupRequest {
                path,
                external_id: Some(canary("gext")),
                ..Default::default()
            })
            .await
            .expect("create a group")
            .into_inner();
        group.get_or_insert(g);
    }
    let group = groups
        .change_group_members(pb::ChangeGroupMembersRequest {
            group_id: group.expect("a group").id,
            add_user_ids: vec![user.id.clone()],
            ..Default::default()
        })
        .await
        .expect("add the member")
        .into_inner();

    let mut folders = app.folders(&t.token);
    let mut folder = None;
    for name in [format!("Folder-{tag}"), format!("Folder-{tag}-2")] {
        let f = folders
            .create_folder(pb::CreateFolderRequest {
                name,
                external_id: Some(canary("fext")),
                ..Default::default()
            })
            .await
            .expect("create a folder")
            .into_inner();
        folder.get_or_insert(f);
    }
    let folder = folder.expect("a folder");
    folders
        .grant_folder(pb::GrantFolderRequest {
            folder_id: folder.id.clone(),
            user_ids: vec![user.id.clone()],
            ..Default::default()
        })
        .await
        .expect("grant the folder");

    let mut roles = app.roster_roles(&t.token);
    let policy = roles
        .create_policy(pb::CreatePolicyRequest {
            policy: Some(pb::Policy {
                name: format!("policy-{tag}"),
                rules: vec!["CAN getuser".into()],
                description: Some(description.clone()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .expect("create a policy")
        .into_inner();
    let role = roles
        .create_role(pb::CreateRoleRequest {
            role: Some(pb::Role {
                name: format!("role-{tag}"),
                members: vec![pb::RoleMember {
                    user_id: user.id.clone(),
                    ..Default::default()
                }],
                policies: vec![pb::PolicyRef {
                    id: policy.id.clone(),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .expect("create a role")
        .into_inner();

    // One key of the account (the owner's), one of the member.
    let mut keys = Vec::new();
    for (seed, owner, name) in [
        (
            key_seed,
            pb::key_owner::Owner::Account(true),
            format!("account-key-{tag}"),
        ),
        (
            key_seed + 1,
            pb::key_owner::Owner::User(pb::UserKey {
                key: Some(pb::user_key::Key::Id(user.id.clone())),
            }),
            format!("member-key-{tag}"),
        ),
    ] {
        let key = app
            .roster_keys(&t.owner_token)
            .create_key(pb::CreateKeyRequest {
                owner: Some(pb::KeyOwner { owner: Some(owner) }),
                public_key: TestKey::ed25519(seed).public_line(tag),
                name,
                ..Default::default()
            })
            .await
            .expect("add an SSH key")
            .into_inner();
        keys.push(key);
    }
    let each = |f: fn(&pb::Key) -> &String| keys.iter().map(f).cloned().collect::<Vec<_>>();

    let mut secret_keys = app.secret_keys(&t.token);
    let secret = secret_keys
        .issue_secret_key(pb::IssueSecretKeyRequest {
            user: key_id(&user.id),
            ..Default::default()
        })
        .await
        .expect("issue a secret key")
        .into_inner();
    secret_keys
        .set_secret_key_restrictions(pb::SetSecretKeyRestrictionsRequest {
            user: key_id(&user.id),
            allow: vec!["10.0.0.0/8".into()],
            ..Default::default()
        })
        .await
        .expect("restrict the secret key");

    let token = app
        .provisioning_tokens(&t.owner_token)
        .create_provisioning_token(pb::CreateProvisioningTokenRequest {
            name: format!("token-{tag}"),
            ..Default::default()
        })
        .await
        .expect("make a provisioning token")
        .into_inner();
    let token_record = token.token.clone().expect("the token's record");
    let webhook = app
        .webhooks(&t.owner_token)
        .create_webhook(pb::CreateWebhookRequest {
            url: format!("https://hooks-{tag}.example.com/roster"),
            ..Default::default()
        })
        .await
        .expect("make a webhook")
        .into_inner()
        .webhook
        .expect("the webhook's record");

    let user_page = users
        .list_users(pb::ListUsersRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .expect("list users")
        .into_inner()
        .next_page_token;
    let group_page = groups
        .list_groups(pb::ListGroupsRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .expect("list groups")
        .into_inner()
        .next_page_token;
    let folder_page = folders
        .list_folders(pb::ListFoldersRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .expect("list folders")
        .into_inner()
        .next_page_token;
    // The member's ETag after every link above, as a client would hold it now.
    let user = users
        .update_user(pb::UpdateUserRequest {
            user: Some(pb::User {
                id: user.id.clone(),
                time_zone: Some("Europe/Paris".into()),
                ..Default::default()
            }),
            update_mask: mask(&["time_zone"]),
            ..Default::default()
        })
        .await
        .expect("touch the member")
        .into_inner();

    // Two idempotency keys as a gateway holds them: one answered (the answer holds the
    // member's city), one still running.
    let mut idempotency = app.idempotency(Some(&t.token));
    let (answered, running) = (canary("answered"), canary("running"));
    let mut claim = async |key: &str| {
        let r = idempotency
            .claim(pb::ClaimIdempotencyKeyRequest {
                key: key.to_owned(),
                fingerprint: vec![1; 32],
            })
            .await
            .expect("claim a key")
            .into_inner();
        match r.outcome {
            Some(pb::claim_idempotency_key_response::Outcome::ClaimId(id)) => id,
            other => panic!("a fresh key is claimed: {other:?}"),
        }
    };
    let done = claim(&answered).await;
    let running_claim = claim(&running).await;
    idempotency
        .complete(pb::CompleteIdempotencyKeyRequest {
            key: answered.clone(),
            claim_id: done,
            answer: Some(pb::HttpAnswer {
                status: 201,
                headers: Vec::new(),
                body: format!("{{\"city\":\"{city}\"}}").into_bytes(),
            }),
        })
        .await
        .expect("complete a key");

    let s = |v: &str| vec![v.to_owned()];
    let values = BTreeMap::from([
        (Kind::UserId, vec![user.id.clone(), t.admin.id.clone()]),
        (Kind::UserNumber, vec![user.number.to_string()]),
        (
            Kind::UserLogin,
            vec![user.login.clone(), t.admin.login.clone()],
        ),
        (
            Kind::UserEmail,
            vec![user.email.clone(), t.admin.email.clone()],
        ),
        (
            Kind::UserExternalId,
            s(user.external_id.as_deref().unwrap_or_default()),
        ),
        (Kind::Password, s(&password)),
        (Kind::GroupId, s(&group.id)),
        (Kind::GroupPath, s(&group.path)),
        (Kind::GroupName, s(&group.name)),
        (
            Kind::GroupExternalId,
            s(group.external_id.as_deref().unwrap_or_default()),
        ),
        (Kind::FolderId, s(&folder.id)),
        (Kind::FolderName, s(&folder.name)),
        (
            Kind::FolderExternalId,
            s(folder.external_id.as_deref().unwrap_or_default()),
        ),
        (Kind::RoleId, s(&role.id)),
        (Kind::RoleName, s(&role.name)),
        (Kind::PolicyId, s(&policy.id)),
        (Kind::PolicyName, s(&policy.name)),
        (Kind::KeyName, each(|k| &k.name)),
        (Kind::KeyFingerprint, each(|k| &k.fingerprint)),
        (Kind::PublicKey, each(|k| &k.public_key)),
        (Kind::ProvisioningTokenId, s(&token_record.id)),
        (Kind::ProvisioningTokenName, s(&token_record.name)),
        (Kind::WebhookId, s(&webhook.id)),
        (Kind::TenantId, s(&t.id)),
        (Kind::TenantLogin, s(tag)),
        (Kind::CompanyId, s(&t.company_id.to_string())),
        (Kind::PageToken, vec![user_page, group_page, folder_page]),
        (Kind::Etag, vec![user.etag.clone(), group.etag.clone()]),
        (Kind::RequestId, vec![request_id, answered, running]),
        (Kind::ClaimId, s(&running_claim)),
        (
            Kind::OwnCredential(Credential::UserSecret),
            s(&t.admin_secret),
        ),
        (
            Kind::OwnCredential(Credential::OrganizationSecret),
            s(&t.organization_secret),
        ),
        (
            Kind::OwnCredential(Credential::IntegrationKey),
            s(&t.integration_key),
        ),
        (
            Kind::OwnCredential(Credential::SecretKey),
            s(&secret.secret_key),
        ),
        (
            Kind::OwnCredential(Credential::ProvisioningToken),
            s(&token.secret),
        ),
    ]);
    let private = vec![
        city,
        first_name,
        description,
        password,
        secret.secret_key,
        token.secret,
        t.admin_secret.clone(),
        t.organization_secret.clone(),
        t.integration_key.clone(),
        user.id,
        t.admin.id.clone(),
        group.id,
        folder.id,
        role.id,
        policy.id,
        token_record.id,
        webhook.id,
        t.id.clone(),
    ];
    Named {
        tenant: t,
        values,
        private,
    }
}
