//! Cloud Elements (`/elements/api-v2`) over real HTTP: auth, users, CEQL, paging, roles.

mod auth;
mod ceql;
mod paging;
mod roles;
mod users;

use roster_e2e::{TestApp, TestTenant};
use serde_json::Value;

/// A Cloud Elements client with one user's and the organization's secrets.
pub(crate) struct Ce<'a> {
    pub(crate) app: &'a TestApp,
    pub(crate) authorization: String,
}

#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Value,
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The error's message, after checking the vendor's shape and request id.
    #[track_caller]
    pub(crate) fn error(&self, status: u16) -> &str {
        assert_eq!(self.status, status, "{self:?}");
        let obj = self.body.as_object().expect("an error object");
        assert_eq!(obj.len(), 2, "only requestId and message: {obj:?}");
        assert_eq!(
            obj["requestId"].as_str(),
            Some(self.header("elements-request-id")),
            "{self:?}"
        );
        obj["message"].as_str().expect("a message")
    }

    pub(crate) fn emails(&self) -> Vec<String> {
        self.body
            .as_array()
            .expect("an array")
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_owned())
            .collect()
    }
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
        let res = r
            .header("authorization", &self.authorization)
            .send()
            .await
            .expect("the gateway answers");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer {
            status,
            headers,
            body,
        }
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
        a.body
    }
}
