//! CloudAPI for the tests: SSH keys and requests signed as the triton CLI signs them, a
//! tenant whose owner signs, and the dialect's error shape.

mod signing;

pub(crate) use signing::{Signer, TestKey, signed};

use super::answer::Answer;
use super::app::{TestApp, TestTenant};
use reqwest::Method;
use serde_json::Value;

/// A tenant `acme` whose owner signs with an Ed25519 key.
pub(crate) struct Cloud {
    pub(crate) app: TestApp,
    pub(crate) tenant: TestTenant,
    pub(crate) owner: Signer,
}

impl Cloud {
    pub(crate) async fn new() -> Self {
        Self::with(TestApp::spawn().await).await
    }

    /// The tenant `acme` on `app`.
    pub(crate) async fn with(app: TestApp) -> Self {
        let key = TestKey::ed25519(1);
        let tenant = app
            .tenant_with_keys("acme", &[key.public_line("owner@laptop")])
            .await;
        Self {
            app,
            tenant,
            owner: Signer::account("acme", &key),
        }
    }

    pub(crate) fn request(
        &self,
        signer: &Signer,
        method: Method,
        target: &str,
    ) -> reqwest::RequestBuilder {
        signed(&self.app.http, &self.app.http_url, signer, method, target)
    }

    pub(crate) async fn call(
        &self,
        signer: &Signer,
        method: Method,
        target: &str,
        body: Option<Value>,
    ) -> Answer {
        let mut r = self.request(signer, method, target);
        if let Some(b) = body {
            r = r.json(&b);
        }
        Answer::of(r).await
    }

    pub(crate) async fn get(&self, target: &str) -> Answer {
        self.call(&self.owner, Method::GET, target, None).await
    }

    pub(crate) async fn post(&self, target: &str, body: Value) -> Answer {
        self.call(&self.owner, Method::POST, target, Some(body))
            .await
    }

    pub(crate) async fn delete(&self, target: &str) -> Answer {
        self.call(&self.owner, Method::DELETE, target, None).await
    }

    /// Creates sub-user `login` with a password and returns its id.
    pub(crate) async fn user(&self, login: &str) -> String {
        let a = self
            .post("/acme/users", serde_json::json!({"login": login, "email": format!("{login}@example.com"), "password": "s3cret-Passw0rd"}))
            .await;
        assert_eq!(a.status, 201, "{a:?}");
        a.json()["id"].as_str().unwrap().to_owned()
    }

    /// Asserts a CloudAPI error `{code, message}` with this status; returns the message.
    #[track_caller]
    pub(crate) fn error<'a>(a: &'a Answer, status: u16, code: &str) -> &'a str {
        assert_eq!(a.status, status, "{a:?}");
        assert_eq!(a.json()["code"], code, "{a:?}");
        a.json()["message"].as_str().unwrap_or_default()
    }
}
