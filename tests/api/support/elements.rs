//! Cloud Elements (`/elements/api-v2`) for the tests: a client holding one `User …,
//! Organization …` authorization, and the dialect's error shape.

use super::answer::Answer;
use super::app::{TestApp, TestTenant};
use serde_json::Value;

/// A Cloud Elements client with one user's and the organization's secrets.
pub(crate) struct Ce<'a> {
    pub(crate) app: &'a TestApp,
    pub(crate) authorization: String,
}

impl<'a> Ce<'a> {
    pub(crate) fn owner(app: &'a TestApp, t: &TestTenant) -> Self {
        Self::with(app, &t.admin_secret, &t.organization_secret)
    }

    pub(crate) fn with(app: &'a TestApp, user: &str, org: &str) -> Self {
        Self {
            app,
            authorization: format!("User {user}, Organization {org}"),
        }
    }

    pub(crate) async fn send(&self, r: reqwest::RequestBuilder) -> Answer {
        Answer::of(r.header("authorization", &self.authorization)).await
    }

    fn url(&self, path: &str) -> String {
        self.app.url(&format!("/elements/api-v2{path}"))
    }

    pub(crate) async fn get(&self, path: &str) -> Answer {
        self.send(self.app.http.get(self.url(path))).await
    }

    pub(crate) async fn get_query(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        let url = reqwest::Url::parse_with_params(&self.url(path), query).expect("a URL");
        self.send(self.app.http.get(url)).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(self.app.http.post(self.url(path)).json(&body))
            .await
    }

    pub(crate) async fn patch(&self, path: &str, body: Value) -> Answer {
        self.send(self.app.http.patch(self.url(path)).json(&body))
            .await
    }

    pub(crate) async fn put(&self, path: &str) -> Answer {
        self.send(self.app.http.put(self.url(path))).await
    }

    pub(crate) async fn delete(&self, path: &str) -> Answer {
        self.send(self.app.http.delete(self.url(path))).await
    }

    /// Creates a user and returns its JSON.
    pub(crate) async fn create(&self, email: &str, first: &str, last: &str) -> Value {
        let a = self
            .post(
                "/users",
                serde_json::json!({"email": email, "firstName": first, "lastName": last, "password": "Passw0rd-1"}),
            )
            .await;
        assert_eq!(a.status, 200, "{a:?}");
        a.json().clone()
    }

    /// Creates a user and returns its integer id.
    pub(crate) async fn create_id(&self, email: &str, first: &str, last: &str) -> i64 {
        self.create(email, first, last).await["id"]
            .as_i64()
            .expect("an integer id")
    }

    /// The keys of a list of roles, in order.
    pub(crate) fn role_keys(roles: &Value) -> Vec<String> {
        roles
            .as_array()
            .expect("an array of roles")
            .iter()
            .map(|r| r["key"].as_str().expect("a role key").to_owned())
            .collect()
    }

    /// The error's message, after checking the vendor's shape (`requestId` and `message`
    /// only) and that its request id is the one in the `elements-request-id` header.
    #[track_caller]
    pub(crate) fn error(a: &Answer, status: u16) -> &str {
        assert_eq!(a.status, status, "{a:?}");
        let obj = a.json().as_object().expect("an error object");
        assert_eq!(obj.len(), 2, "only requestId and message: {obj:?}");
        assert_eq!(
            obj["requestId"].as_str(),
            Some(a.header("elements-request-id")),
            "{a:?}"
        );
        obj["message"].as_str().expect("a message")
    }

    /// The `email` of each user of a list.
    pub(crate) fn emails(a: &Answer) -> Vec<String> {
        a.json()
            .as_array()
            .expect("an array")
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_owned())
            .collect()
    }
}
