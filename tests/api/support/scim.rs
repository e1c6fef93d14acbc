//! SCIM 2.0 (`/scim/v2`) for the tests: a client holding one tenant's provisioning token,
//! and the readings of SCIM's answers.

use super::answer::Answer;
use super::app::{TestApp, TestTenant};
use roster_proto::v1 as pb;
use serde_json::{Value, json};

pub(crate) const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub(crate) const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub(crate) const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub(crate) const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub(crate) const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub(crate) const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub(crate) const SEARCH: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
pub(crate) const BULK: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

/// A SCIM client with one provisioning token.
pub(crate) struct Scim<'a> {
    pub(crate) app: &'a TestApp,
    pub(crate) token: String,
}

/// Makes a provisioning token for the tenant, as its owner.
pub(crate) async fn provisioning_token(
    app: &TestApp,
    t: &TestTenant,
    name: &str,
) -> (String, String) {
    let r = app
        .provisioning_tokens(&t.owner_token)
        .create_provisioning_token(pb::CreateProvisioningTokenRequest {
            name: name.to_owned(),
            ..Default::default()
        })
        .await
        .expect("a provisioning token")
        .into_inner();
    (r.token.expect("the token").id, r.secret)
}

impl<'a> Scim<'a> {
    /// A client with a new provisioning token of `t`.
    pub(crate) async fn of(app: &'a TestApp, t: &TestTenant) -> Self {
        let (_, token) = provisioning_token(app, t, "tests").await;
        Self { app, token }
    }

    pub(crate) fn with_token(app: &'a TestApp, token: &str) -> Self {
        Self {
            app,
            token: token.to_owned(),
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        self.app.url(&format!("/scim/v2{path}"))
    }

    pub(crate) async fn send(&self, r: reqwest::RequestBuilder) -> Answer {
        Answer::of(r.bearer_auth(&self.token)).await
    }

    pub(crate) async fn get(&self, path: &str) -> Answer {
        self.send(self.app.http.get(self.url(path))).await
    }

    pub(crate) async fn get_query(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        let url = reqwest::Url::parse_with_params(&self.url(path), query).expect("a URL");
        self.send(self.app.http.get(url)).await
    }

    fn body(r: reqwest::RequestBuilder, body: &Value) -> reqwest::RequestBuilder {
        r.header("content-type", "application/scim+json")
            .body(body.to_string())
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Self::body(self.app.http.post(self.url(path)), &body))
            .await
    }

    pub(crate) async fn put(&self, path: &str, body: Value) -> Answer {
        self.send(Self::body(self.app.http.put(self.url(path)), &body))
            .await
    }

    pub(crate) async fn patch(&self, path: &str, ops: Value) -> Answer {
        let body = json!({ "schemas": [PATCH_OP], "Operations": ops });
        self.send(Self::body(self.app.http.patch(self.url(path)), &body))
            .await
    }

    pub(crate) async fn delete(&self, path: &str) -> Answer {
        self.send(self.app.http.delete(self.url(path))).await
    }

    /// Creates a user from `body` and returns it.
    pub(crate) async fn create_user(&self, body: Value) -> Value {
        let a = self.post("/Users", body).await;
        assert_eq!(a.status, 201, "{a:?}");
        a.json().clone()
    }

    /// Creates a user with this userName (an email) and names, and returns its id.
    pub(crate) async fn user(&self, user_name: &str, given: &str, family: &str) -> String {
        let u = self
            .create_user(json!({
                "schemas": [USER],
                "userName": user_name,
                "name": { "givenName": given, "familyName": family },
                "emails": [{ "value": user_name, "type": "work", "primary": true }],
                "active": true,
            }))
            .await;
        u["id"].as_str().expect("an id").to_owned()
    }

    /// Creates a group and returns its id.
    pub(crate) async fn group(&self, name: &str, members: &[&str]) -> String {
        let members: Vec<Value> = members.iter().map(|m| json!({ "value": m })).collect();
        let a = self
            .post(
                "/Groups",
                json!({ "schemas": [GROUP], "displayName": name, "members": members }),
            )
            .await;
        assert_eq!(a.status, 201, "{a:?}");
        a.json()["id"].as_str().expect("an id").to_owned()
    }

    /// The `userName`s of a list answer, in order.
    #[track_caller]
    pub(crate) fn user_names(a: &Answer) -> Vec<String> {
        assert_eq!(a.status, 200, "{a:?}");
        Self::resources(a)
            .iter()
            .map(|u| u["userName"].as_str().expect("a userName").to_owned())
            .collect()
    }

    #[track_caller]
    pub(crate) fn resources(a: &Answer) -> Vec<Value> {
        assert_eq!(a.json()["schemas"], json!([LIST]), "{a:?}");
        a.json()["Resources"].as_array().expect("Resources").clone()
    }

    /// The `scimType` of an error answer (`""` when it has none), after checking its
    /// status and SCIM's error shape.
    #[track_caller]
    pub(crate) fn error(a: &Answer, status: u16) -> String {
        assert_eq!(a.status, status, "{a:?}");
        assert_eq!(a.header("content-type"), "application/scim+json", "{a:?}");
        let e = a.json();
        assert_eq!(e["schemas"], json!([ERROR]), "{a:?}");
        assert_eq!(e["status"], json!(status.to_string()), "{a:?}");
        assert!(e["detail"].as_str().is_some_and(|d| !d.is_empty()), "{a:?}");
        e["scimType"].as_str().unwrap_or_default().to_owned()
    }
}
