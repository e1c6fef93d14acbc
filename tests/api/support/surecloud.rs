//! SureCloud (`/restful/v1`) for the tests: secret keys and tokens, a client holding one
//! bearer token, and the dialect's error shape.

use super::answer::Answer;
use super::app::{TestApp, TestTenant};
use super::messages::key_email;
use roster_proto::v1 as pb;
use serde_json::{Value, json};

/// Issues `email` of tenant `t` a secret key over gRPC, as the owner (only the owner may
/// manage its own secret key).
pub(crate) async fn issue_key(app: &TestApp, t: &TestTenant, email: &str) -> String {
    app.secret_keys(&t.owner_token)
        .issue_secret_key(pb::IssueSecretKeyRequest {
            user: key_email(email),
            ..Default::default()
        })
        .await
        .expect("issue a secret key")
        .into_inner()
        .secret_key
}

/// `POST /restful/v1/token`.
pub(crate) async fn token(app: &TestApp, email: &str, secret_key: &str) -> Answer {
    Answer::of(
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
            token: a.json()["token"].as_str().expect("a token").to_owned(),
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
        Answer::of(self.request().json(&json!({ "users": users }))).await
    }

    /// Patches and returns the users, checking that none reports an error.
    pub(crate) async fn patch_ok(&self, users: Value) -> Vec<Value> {
        let a = self.patch(users).await;
        let users = Self::users(&a).clone();
        for u in &users {
            assert!(u.get("patchErrorMessage").is_none(), "{u}");
        }
        users
    }

    /// The error's message, after checking the dialect's `{"status","message"}` shape.
    #[track_caller]
    pub(crate) fn error(a: &Answer, status: u16) -> &str {
        assert_eq!(a.status, status, "{a:?}");
        let obj = a.json().as_object().expect("an error object");
        assert_eq!(obj.len(), 2, "only status and message: {obj:?}");
        assert_eq!(obj["status"], status, "{a:?}");
        obj["message"].as_str().expect("a message")
    }

    /// The users of a 200 answer.
    #[track_caller]
    pub(crate) fn users(a: &Answer) -> &Vec<Value> {
        assert_eq!(a.status, 200, "{a:?}");
        a.json().as_array().expect("an array of users")
    }
}
