//! SureCloud (`/restful/v1`) over real HTTP: tokens from secret keys, the bulk PATCH, its
//! header and size rules, groups, and what holds under retries, races and crashes.

mod cli;
mod consistency;
mod crash;
mod groups;
mod headers;
mod limits;
mod patch;
mod tokens;

use roster_e2e::{TestApp, TestTenant, key_email};
use roster_proto::v1 as pb;
use serde_json::{Value, json};

#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Value,
}

impl Answer {
    /// The error's message, after checking the dialect's `{"status","message"}` shape.
    #[track_caller]
    pub(crate) fn error(&self, status: u16) -> &str {
        assert_eq!(self.status, status, "{self:?}");
        let obj = self.body.as_object().expect("an error object");
        assert_eq!(obj.len(), 2, "only status and message: {obj:?}");
        assert_eq!(obj["status"], status, "{self:?}");
        obj["message"].as_str().expect("a message")
    }

    /// The users of a 200 answer.
    #[track_caller]
    pub(crate) fn users(&self) -> &Vec<Value> {
        assert_eq!(self.status, 200, "{self:?}");
        self.body.as_array().expect("an array of users")
    }
}

pub(crate) async fn answer(r: reqwest::RequestBuilder) -> Answer {
    let res = r.send().await.expect("the gateway answers");
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer { status, body }
}

/// Issues `email` of tenant `t` a secret key over gRPC, as the owner (only the owner may
/// manage its own secret key).
pub(crate) async fn issue_key(app: &TestApp, t: &TestTenant, email: &str) -> String {
    app.secret_keys(&t.owner_token)
        .issue_secret_key(pb::IssueSecretKeyRequest {
            user: key_email(email),
        })
        .await
        .expect("issue a secret key")
        .into_inner()
        .secret_key
}

/// `POST /restful/v1/token`.
pub(crate) async fn token(app: &TestApp, email: &str, secret_key: &str) -> Answer {
    answer(
        app.http
            .post(app.url("/restful/v1/token"))
            .header("accept", "application/json")
            .json(&json!({"email": email, "secretKey": secret_key})),
    )
    .await
}

/// A SureCloud client holding one bearer token.
pub(crate) struct Sc<'a> {
    pub(crate) app: &'a TestApp,
    pub(crate) token: String,
}

impl<'a> Sc<'a> {
    /// The tenant's owner (an administrator), with a token from a fresh secret key.
    pub(crate) async fn owner(app: &'a TestApp, t: &TestTenant) -> Self {
        let email = t.admin.email.clone();
        Self::for_user(app, t, &email).await
    }

    /// `email`'s client, with a token from a fresh secret key.
    pub(crate) async fn for_user(app: &'a TestApp, t: &TestTenant, email: &str) -> Self {
        let key = issue_key(app, t, email).await;
        let a = token(app, email, &key).await;
        assert_eq!(a.status, 200, "{a:?}");
        Self {
            app,
            token: a.body["token"].as_str().expect("a token").to_owned(),
        }
    }

    /// A PATCH with the headers the vendor's example sends.
    pub(crate) fn request(&self) -> reqwest::RequestBuilder {
        self.app
            .http
            .patch(self.app.url("/restful/v1/user"))
            .header("authorization", format!("Bearer {}", self.token))
            .header("accept", "application/json;charset=UTF-8")
    }

    pub(crate) async fn patch(&self, users: Value) -> Answer {
        answer(self.request().json(&json!({ "users": users }))).await
    }

    /// Patches and returns the users, checking that none reports an error.
    pub(crate) async fn patch_ok(&self, users: Value) -> Vec<Value> {
        let a = self.patch(users).await;
        let users = a.users().clone();
        for u in &users {
            assert!(u.get("patchErrorMessage").is_none(), "{u}");
        }
        users
    }
}

/// The user with this email, over gRPC.
pub(crate) async fn get_user(app: &TestApp, t: &TestTenant, email: &str) -> Option<pb::User> {
    app.users(&t.token)
        .get_user(pb::GetUserRequest {
            key: key_email(email),
        })
        .await
        .ok()
        .map(tonic::Response::into_inner)
}

/// Creates groups over gRPC.
pub(crate) async fn create_groups(app: &TestApp, t: &TestTenant, paths: &[&str]) {
    for p in paths {
        app.groups(&t.token)
            .create_group(pb::CreateGroupRequest {
                path: (*p).to_owned(),
                external_id: None,
            })
            .await
            .expect("create group");
    }
}
