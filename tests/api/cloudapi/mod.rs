//! CloudAPI over real HTTP, with requests signed as the triton CLI signs them.

mod headers;
mod keys;
mod rbac;
mod roles;
mod signatures;
mod users;

use reqwest::Method;
use roster_e2e::cloudapi::{Signer, TestKey, signed};
use roster_e2e::{TestApp, TestTenant};
use serde_json::Value;

/// A tenant `acme` whose owner signs with an Ed25519 key.
pub(crate) struct Cloud {
    pub(crate) app: TestApp,
    pub(crate) tenant: TestTenant,
    pub(crate) owner: Signer,
}

/// A response, read whole.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Value,
    pub(crate) raw: Vec<u8>,
}

impl Answer {
    /// Asserts a CloudAPI error `{code, message}` with this status.
    #[track_caller]
    pub(crate) fn error(&self, status: u16, code: &str) -> &str {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(self.body["code"], code, "{self:?}");
        self.body["message"].as_str().unwrap_or_default()
    }
}

pub(crate) async fn read(r: reqwest::RequestBuilder) -> Answer {
    let res = r.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let raw = res.bytes().await.unwrap().to_vec();
    let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
        raw,
    }
}

impl Cloud {
    pub(crate) async fn new() -> Self {
        let app = TestApp::spawn().await;
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
        read(r).await
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
        a.body["id"].as_str().unwrap().to_owned()
    }
}
