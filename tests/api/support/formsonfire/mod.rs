//! Forms On Fire (`/api/v2`) for the tests: a client holding one tenant's CompanyId and
//! IntegrationKey, every rule sent in JSON or in XML, answers asserted in the dialect's shape.

mod body;
mod xml;

pub(crate) use body::{Fmt, M, list, t, user_body};
pub(crate) use xml::xml_to_json;

use super::answer::Answer;
use super::app::{TestApp, TestTenant};
use super::grpc::Users;
use reqwest::Method;
use serde_json::Value;

/// A tenant `acme` and a Forms On Fire client holding its CompanyId and IntegrationKey.
pub(crate) struct Fof {
    pub(crate) app: TestApp,
    pub(crate) tenant: TestTenant,
    pub(crate) c: FofClient,
}

impl Fof {
    pub(crate) async fn new() -> Self {
        Self::with(TestApp::spawn().await).await
    }

    pub(crate) async fn with(app: TestApp) -> Self {
        let tenant = app.tenant("acme").await;
        let c = FofClient::new(&app, &tenant);
        Self { app, tenant, c }
    }

    /// A gRPC user client with the tenant's token.
    pub(crate) fn users(&self) -> Users {
        self.app.users(&self.tenant.token)
    }
}

/// A Forms On Fire client of one tenant.
#[derive(Debug, Clone)]
pub(crate) struct FofClient {
    pub(crate) http: reqwest::Client,
    pub(crate) base: String,
    pub(crate) company_id: String,
    pub(crate) key: String,
}

impl FofClient {
    pub(crate) fn new(app: &TestApp, tenant: &TestTenant) -> Self {
        Self {
            http: app.http.clone(),
            base: app.url("/api/v2"),
            company_id: tenant.company_id.to_string(),
            key: tenant.integration_key.clone(),
        }
    }

    pub(crate) fn url(&self, path: &str, params: &[(&str, &str)]) -> String {
        let q = serde_urlencoded::to_string(params).unwrap();
        if q.is_empty() {
            format!("{}{path}", self.base)
        } else {
            format!("{}{path}?{q}", self.base)
        }
    }

    /// `params` plus `format` and the credential, in the query (GET, DELETE).
    pub(crate) async fn query(
        &self,
        method: Method,
        fmt: Fmt,
        path: &str,
        params: &[(&str, &str)],
    ) -> Answer {
        let mut all = vec![
            ("format", fmt.param()),
            ("CompanyId", self.company_id.as_str()),
            ("IntegrationKey", self.key.as_str()),
        ];
        all.extend_from_slice(params);
        Answer::of(self.http.request(method, self.url(path, &all))).await
    }

    pub(crate) async fn get(&self, fmt: Fmt, path: &str, params: &[(&str, &str)]) -> Answer {
        self.query(Method::GET, fmt, path, params).await
    }

    /// A `User` body with the credential in it (POST, PUT), answered in the same format.
    pub(crate) async fn send_user(
        &self,
        method: Method,
        fmt: Fmt,
        members: &[(&str, M)],
    ) -> Answer {
        let mut all = vec![
            ("CompanyId", t(self.company_id.clone())),
            ("IntegrationKey", t(self.key.clone())),
        ];
        all.extend(members.iter().cloned());
        self.body(method, fmt, &user_body(fmt, &all)).await
    }

    /// `body` sent with the format's content type, answered in the same format.
    pub(crate) async fn body(&self, method: Method, fmt: Fmt, body: &str) -> Answer {
        let url = self.url("/user", &[("format", fmt.param())]);
        Answer::of(
            self.http
                .request(method, url)
                .header("content-type", fmt.content_type())
                .body(body.to_owned()),
        )
        .await
    }

    pub(crate) async fn post(&self, fmt: Fmt, members: &[(&str, M)]) -> Answer {
        self.send_user(Method::POST, fmt, members).await
    }

    pub(crate) async fn put(&self, fmt: Fmt, members: &[(&str, M)]) -> Answer {
        self.send_user(Method::PUT, fmt, members).await
    }

    /// Creates `first last <email>` and returns its id (hyphenated).
    pub(crate) async fn create(&self, fmt: Fmt, first: &str, last: &str, email: &str) -> String {
        let a = self
            .post(
                fmt,
                &[
                    ("FirstName", t(first)),
                    ("LastName", t(last)),
                    ("Email", t(email)),
                ],
            )
            .await;
        Self::ok(&a);
        a.id("User.Id").expect("the new user's id")
    }

    /// The user `id` in full.
    pub(crate) async fn read(&self, fmt: Fmt, id: &str) -> Answer {
        let a = self.get(fmt, "/user", &[("Id", id)]).await;
        Self::ok(&a);
        a
    }

    /// Asserts an error answer in the dialect's shape (a `ResponseStatus` with this ErrorCode
    /// and a message, no stack trace) and returns its (ErrorCode, FieldName) pairs.
    #[track_caller]
    pub(crate) fn error(a: &Answer, status: u16, code: &str) -> Vec<(String, String)> {
        assert_eq!(a.status, status, "{a:?}");
        assert_eq!(
            a.get("ResponseStatus.ErrorCode").as_deref(),
            Some(code),
            "{a:?}"
        );
        assert!(a.get("ResponseStatus.Message").is_some(), "{a:?}");
        assert!(!a.text().contains("StackTrace\":"), "{a:?}");
        let member = |e: &Value, k: &str| e[k].as_str().unwrap_or_default().to_owned();
        a.node("ResponseStatus.Errors")
            .and_then(Value::as_array)
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| (member(e, "ErrorCode"), member(e, "FieldName")))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Asserts a success with an empty ResponseStatus.
    #[track_caller]
    pub(crate) fn ok(a: &Answer) -> &Answer {
        assert_eq!(a.status, 200, "{a:?}");
        assert_eq!(a.get("ResponseStatus.ErrorCode"), None, "{a:?}");
        a
    }
}
