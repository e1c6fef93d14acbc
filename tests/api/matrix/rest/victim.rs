//! Tenant A, the victim: a user whose every free-text field holds a canary, in a group and a
//! folder, with an SSH key, a secret key, a role and a policy; the page tokens, cursors and
//! ETags A's own clients got; and one keyed write per dialect. What B may name, and what must
//! never come back to B, are collected here.

use crate::support::cloudapi::{Signer, TestKey, signed};
use crate::support::elements::Ce;
use crate::support::formsonfire::FofClient;
use crate::support::records::{all_users, folder, group};
use crate::support::scim::{Scim, USER, provisioning_token};
use crate::support::surecloud::{Sc, issue_key};
use crate::support::{Answer, TestApp, TestTenant};
use reqwest::Method;
use roster_proto::v1 as pb;
use serde_json::{Value, json};

/// The victim's tenant login.
pub(crate) const VICTIM: &str = "victim";

/// What kind of identifier of A's a value is: it picks the values a parameter is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Tenant,
    Company,
    UserId,
    OwnerId,
    Number,
    Login,
    Email,
    ExternalId,
    GroupId,
    GroupPath,
    FolderId,
    FolderName,
    Fingerprint,
    KeyName,
    RoleId,
    RoleName,
    PolicyId,
    PolicyName,
    ETag,
    Cursor,
    PageToken,
    Password,
}

/// A value that must not reach B unless B itself sent it. A `chosen` one (an email, a login,
/// a name) may also become B's own once B writes it in its own tenant.
#[derive(Debug, Clone)]
pub(crate) struct Secret {
    pub(crate) value: String,
    pub(crate) chosen: bool,
}

/// A write A made with an `Idempotency-Key`, for B to send again with the same key and body.
#[derive(Debug, Clone)]
pub(crate) struct Keyed {
    pub(crate) tag: &'static str,
    pub(crate) method: Method,
    /// The path A wrote to, and the path of B's own tenant for the same route.
    pub(crate) paths: [String; 2],
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
    pub(crate) key: String,
}

#[derive(Debug)]
pub(crate) struct Victim {
    /// What B names A's resources by.
    pub(crate) names: Vec<(Kind, String)>,
    pub(crate) secrets: Vec<Secret>,
    /// A's user numbers and company id: small integers, looked for as whole values only.
    pub(crate) numbers: Vec<String>,
    pub(crate) company: String,
    pub(crate) keyed: Vec<Keyed>,
    /// A's own SCIM client's token and user, for the tests that check the checks.
    pub(crate) scim_token: String,
    pub(crate) user_id: String,
    pub(crate) tenant_id: String,
}

impl Victim {
    /// The values of these kinds.
    pub(crate) fn named(&self, kinds: &[Kind]) -> Vec<&str> {
        self.names
            .iter()
            .filter(|(k, _)| kinds.contains(k))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub(crate) fn all_names(&self) -> Vec<&str> {
        self.names.iter().map(|(_, v)| v.as_str()).collect()
    }

    /// Makes tenant A and everything in it.
    pub(crate) async fn make(app: &TestApp) -> Self {
        let mark = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
        let owner_key = TestKey::ed25519(31);
        let tenant = app
            .tenant_with_keys(VICTIM, &[owner_key.public_line("owner@victim")])
            .await;
        let owner = Signer::account(VICTIM, &owner_key);
        let canary = |field: &str| format!("Canary-{field}-{mark}");
        let mut names = vec![
            (Kind::Tenant, VICTIM.to_owned()),
            (Kind::Company, tenant.company_id.to_string()),
            (Kind::OwnerId, tenant.admin.id.clone()),
            (Kind::Fingerprint, owner_key.fingerprint()),
        ];
        // Chosen by A's clients: B may legitimately write the same in its own tenant.
        let mut chosen = Vec::new();

        let grp = group(
            &app.groups(&tenant.token),
            &format!("//{}", canary("Group")),
            Some(&format!("vgx{mark}")),
        )
        .await;
        let fold = folder(
            &app.folders(&tenant.token),
            &canary("Folder"),
            Some(&format!("vfx{mark}")),
        )
        .await;
        let password = format!("Vpass-{mark}-1A");
        let user = app
            .users(&tenant.token)
            .create_user(pb::CreateUserRequest {
                user: Some(canary_user(&mark, &grp.path, &fold.name)),
                password: Some(password.clone()),
                ..Default::default()
            })
            .await
            .expect("A's canary user")
            .into_inner();
        names.extend([
            (Kind::UserId, user.id.clone()),
            (Kind::Number, user.number.to_string()),
            (Kind::Login, user.login.clone()),
            (Kind::Email, user.email.clone()),
            (Kind::ExternalId, format!("vx{mark}")),
            (Kind::GroupId, grp.id.clone()),
            (Kind::GroupPath, grp.path.clone()),
            (Kind::ExternalId, format!("vgx{mark}")),
            (Kind::FolderId, fold.id.clone()),
            (Kind::FolderName, fold.name.clone()),
            (Kind::ExternalId, format!("vfx{mark}")),
            (Kind::Password, password),
        ]);
        chosen.extend([
            user.login.clone(),
            user.email.clone(),
            format!("vx{mark}"),
            grp.path.clone(),
            canary("Group"),
            format!("vgx{mark}"),
            fold.name.clone(),
            format!("vfx{mark}"),
        ]);

        // CloudAPI: a key of the user, a policy and a role that has the user as a member.
        let user_key = TestKey::ed25519(32);
        let cloud = |method: Method, target: String, body: Value| {
            Answer::of(signed(&app.http, &app.http_url, &owner, method, &target).json(&body))
        };
        let a = cloud(
            Method::POST,
            format!("/{VICTIM}/users/{}/keys", user.login),
            json!({"name": canary("Key"), "key": user_key.public_line("victim@laptop")}),
        )
        .await;
        assert_eq!(a.status, 201, "A's user key: {a:?}");
        let policy = cloud(
            Method::POST,
            format!("/{VICTIM}/policies"),
            json!({"name": canary("Policy"), "rules": ["CAN getuser"]}),
        )
        .await;
        assert_eq!(policy.status, 201, "A's policy: {policy:?}");
        let role = cloud(
            Method::POST,
            format!("/{VICTIM}/roles"),
            json!({"name": canary("Role"), "members": [{"login": user.login, "default": true}],
                   "policies": [{"name": canary("Policy")}]}),
        )
        .await;
        assert_eq!(role.status, 201, "A's role: {role:?}");
        let id = |a: &Answer| a.json()["id"].as_str().expect("an id").to_owned();
        names.extend([
            (Kind::Fingerprint, user_key.fingerprint()),
            (Kind::KeyName, canary("Key")),
            (Kind::PolicyId, id(&policy)),
            (Kind::PolicyName, canary("Policy")),
            (Kind::RoleId, id(&role)),
            (Kind::RoleName, canary("Role")),
        ]);
        chosen.extend([canary("Key"), canary("Policy"), canary("Role")]);

        // What A's own clients hold: a secret key, a provisioning token, ETags, a SCIM cursor
        // and a Cloud Elements page token.
        let secret_key = issue_key(app, &tenant, &user.email).await;
        let (_, scim_secret) = provisioning_token(app, &tenant, "victim-idp").await;
        let scim = Scim::with_token(app, &scim_secret);
        for path in [format!("/Users/{}", user.id), format!("/Groups/{}", grp.id)] {
            let a = scim.get(&path).await;
            assert_eq!(a.status, 200, "{a:?}");
            assert!(!a.header("etag").is_empty(), "{a:?}");
            names.push((Kind::ETag, a.header("etag").to_owned()));
        }
        let page = scim
            .get_query("/Users", &[("count", "1"), ("cursor", "")])
            .await;
        let cursor = page.json()["nextCursor"].as_str().expect("A's next cursor");
        names.push((Kind::Cursor, cursor.to_owned()));
        let ce = Ce::owner(app, &tenant);
        let page = ce.get_query("/users", &[("pageSize", "1")]).await;
        let token = page.header("elements-next-page-token");
        assert!(!token.is_empty(), "A's next page token: {page:?}");
        names.push((Kind::PageToken, token.to_owned()));

        let sc = Sc::owner(app, &tenant).await;
        let keyed = keyed_writes(app, &tenant, &owner, &mark, &sc.token, &scim_secret).await;

        // Every user A has now (the owner and the keyed writes' users too): their ids and
        // numbers are A's alone.
        let mut secrets: Vec<Secret> = chosen
            .into_iter()
            .map(|value| Secret {
                value,
                chosen: true,
            })
            .collect();
        let mut fixed = vec![
            tenant.id.clone(),
            tenant.admin_secret.clone(),
            tenant.organization_secret.clone(),
            tenant.integration_key.clone(),
            tenant.token.clone(),
            tenant.owner_token.clone(),
            secret_key,
            scim_secret.clone(),
            sc.token.clone(),
            grp.id.clone(),
            fold.id.clone(),
            user_key.fingerprint(),
            owner_key.fingerprint(),
            cursor.to_owned(),
            token.to_owned(),
        ];
        fixed.extend(
            [
                "FirstName",
                "LastName",
                "Display",
                "Job",
                "Company",
                "Address",
                "Postal",
                "City",
                "State",
                "Phone",
                "Meta",
            ]
            .map(canary),
        );
        fixed.extend(
            names
                .iter()
                .filter(|(k, _)| matches!(k, Kind::PolicyId | Kind::RoleId))
                .map(|(_, v)| v.clone()),
        );
        let mut numbers = Vec::new();
        for user in all_users(app, &tenant).await {
            fixed.push(user.id.clone());
            fixed.push(user.id.replace('-', ""));
            numbers.push(user.number.to_string());
        }
        secrets.extend(fixed.into_iter().map(|value| Secret {
            value,
            chosen: false,
        }));
        Self {
            company: tenant.company_id.to_string(),
            names,
            secrets,
            numbers,
            keyed,
            scim_token: scim_secret,
            user_id: user.id.clone(),
            tenant_id: tenant.id.clone(),
        }
    }
}

/// A's user with a canary in every free-text field.
fn canary_user(h: &str, group: &str, folder: &str) -> pb::User {
    let c = |field: &str| Some(format!("Canary-{field}-{h}"));
    let mut u = pb::User {
        email: format!("ve{h}@victim.test"),
        login: format!("vl{h}"),
        first_name: c("FirstName"),
        last_name: c("LastName"),
        display_name: c("Display"),
        job_title: c("Job"),
        company_name: c("Company"),
        address: c("Address"),
        postal_code: c("Postal"),
        city: c("City"),
        state: c("State"),
        phone: c("Phone"),
        external_id: Some(format!("vx{h}")),
        groups: vec![pb::GroupRef {
            path: group.to_owned(),
            ..Default::default()
        }],
        folders: vec![pb::FolderRef {
            name: folder.to_owned(),
            ..Default::default()
        }],
        ..Default::default()
    };
    u.metadata
        .insert("canary".into(), format!("Canary-Meta-{h}"));
    u
}

/// One create per dialect, as A, each with an `Idempotency-Key`.
async fn keyed_writes(
    app: &TestApp,
    t: &TestTenant,
    owner: &Signer,
    h: &str,
    sc_token: &str,
    scim_token: &str,
) -> Vec<Keyed> {
    let email = |n: u8| format!("vk{n}{h}@victim.test");
    let fof = FofClient::new(app, t);
    let keyed = vec![
        Keyed {
            tag: "CloudAPI",
            method: Method::POST,
            paths: [format!("/{VICTIM}/users"), "/attacker/users".to_owned()],
            content_type: "application/json",
            body: json!({"login": format!("vk1{h}"), "email": email(1), "password": "Vk1-Passw0rd"}).to_string(),
            key: format!("victim-cloudapi-{h}"),
        },
        Keyed {
            tag: "SureCloud",
            method: Method::PATCH,
            paths: ["/restful/v1/user".to_owned(), "/restful/v1/user".to_owned()],
            content_type: "application/json",
            body: json!({"users": [{"email": email(2), "role": "CONTRIBUTOR"}]}).to_string(),
            key: format!("victim-surecloud-{h}"),
        },
        Keyed {
            tag: "Cloud Elements",
            method: Method::POST,
            paths: ["/elements/api-v2/users".to_owned(), "/elements/api-v2/users".to_owned()],
            content_type: "application/json",
            body: json!({"email": email(3), "firstName": "Kay", "lastName": "Three"}).to_string(),
            key: format!("victim-elements-{h}"),
        },
        Keyed {
            tag: "Forms On Fire",
            method: Method::POST,
            paths: ["/api/v2/user".to_owned(), "/api/v2/user".to_owned()],
            content_type: "application/json",
            body: json!({"FirstName": "Kay", "LastName": "Four", "Email": email(4)}).to_string(),
            key: format!("victim-formsonfire-{h}"),
        },
        Keyed {
            tag: "SCIM",
            method: Method::POST,
            paths: ["/scim/v2/Users".to_owned(), "/scim/v2/Users".to_owned()],
            content_type: "application/scim+json",
            body: json!({"schemas": [USER], "userName": email(5), "name": {"givenName": "Kay", "familyName": "Five"}}).to_string(),
            key: format!("victim-scim-{h}"),
        },
    ];
    for k in &keyed {
        let path = &k.paths[0];
        let r = match k.tag {
            "CloudAPI" => signed(&app.http, &app.http_url, owner, k.method.clone(), path),
            "SureCloud" | "SCIM" => {
                let token = if k.tag == "SCIM" {
                    scim_token
                } else {
                    sc_token
                };
                app.http
                    .request(k.method.clone(), app.url(path))
                    .bearer_auth(token)
            }
            "Cloud Elements" => app.http.request(k.method.clone(), app.url(path)).header(
                "authorization",
                format!(
                    "User {}, Organization {}",
                    t.admin_secret, t.organization_secret
                ),
            ),
            _ => app.http.request(
                k.method.clone(),
                fof.url(
                    "/user",
                    &[
                        ("format", "json"),
                        ("CompanyId", &fof.company_id),
                        ("IntegrationKey", &fof.key),
                    ],
                ),
            ),
        };
        let a = Answer::of(
            r.header("idempotency-key", &k.key)
                .header("content-type", k.content_type)
                .body(k.body.clone()),
        )
        .await;
        assert!((200..300).contains(&a.status), "A's keyed {}: {a:?}", k.tag);
    }
    keyed
}
