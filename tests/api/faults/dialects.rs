//! The five dialects as a fault test drives them: one write each (a user created), whether
//! an answer acknowledged it, and whether a refusal is the dialect's own "try again": 503 in
//! its error shape, with `Retry-After`.

use crate::support::Answer;
use crate::support::cloudapi::{Signer, signed};
use crate::support::scim::{ERROR, USER};
use reqwest::Method;
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Dialect {
    CloudApi,
    Elements,
    FormsOnFire,
    SureCloud,
    Scim,
}

impl Dialect {
    pub(super) const ALL: [Self; 5] = [
        Self::CloudApi,
        Self::Elements,
        Self::FormsOnFire,
        Self::SureCloud,
        Self::Scim,
    ];

    /// Short, for the emails of the users each dialect creates.
    pub(super) fn tag(self) -> &'static str {
        match self {
            Self::CloudApi => "cloudapi",
            Self::Elements => "elements",
            Self::FormsOnFire => "fof",
            Self::SureCloud => "surecloud",
            Self::Scim => "scim",
        }
    }

    /// Whether `a` acknowledges the write: the user exists from now on.
    pub(super) fn acknowledged(self, a: &Answer) -> bool {
        match self {
            Self::CloudApi | Self::Scim => a.status == 201,
            Self::Elements | Self::FormsOnFire => a.status == 200,
            // A PATCH answers 200 for the request and a message for each user it failed.
            Self::SureCloud => {
                a.status == 200
                    && a.json()
                        .as_array()
                        .is_some_and(|u| u.len() == 1 && u[0].get("patchErrorMessage").is_none())
            }
        }
    }

    /// Why `a` is not this dialect's "try again" (503, its error body, `Retry-After`), if
    /// it is not; the message of the answer if it is.
    pub(super) fn try_again(self, a: &Answer) -> Result<String, String> {
        let wrong = |what: &str| Err(format!("{self:?}: {what}: {a:?}"));
        if a.status != 503 {
            return wrong("not 503");
        }
        if a.header("retry-after").parse::<u64>().is_err() {
            return wrong("no Retry-After");
        }
        let v = a.json();
        let (shaped, message) = match self {
            Self::CloudApi => (v["code"] == "ServiceUnavailable", &v["message"]),
            Self::Elements => (
                v["requestId"].as_str().is_some_and(|r| !r.is_empty()),
                &v["message"],
            ),
            Self::FormsOnFire => (
                v["ResponseStatus"]["ErrorCode"] == "ServiceUnavailable",
                &v["ResponseStatus"]["Message"],
            ),
            Self::SureCloud => (
                v["status"] == 503 && v.as_object().is_some_and(|o| o.len() == 2),
                &v["message"],
            ),
            Self::Scim => (
                v["schemas"] == json!([ERROR]) && v["status"] == "503",
                &v["detail"],
            ),
        };
        let message = message.as_str().filter(|_| shaped).map(str::to_owned);
        message.map_or_else(|| wrong("not the dialect's error body"), Ok)
    }
}

/// One tenant's credentials in every dialect, and where the gateway is.
#[derive(Debug, Clone)]
pub(super) struct Clients {
    pub(super) http: reqwest::Client,
    pub(super) base: String,
    /// The tenant owner's SSH key (CloudAPI signs with it).
    pub(super) owner: Signer,
    /// `User …, Organization …` (Cloud Elements).
    pub(super) elements: String,
    pub(super) company_id: String,
    pub(super) integration_key: String,
    /// A token from the owner's secret key (SureCloud).
    pub(super) surecloud: String,
    /// A provisioning token (SCIM).
    pub(super) scim: String,
    /// The owner over gRPC, straight to the user service (no deadline of its own: each
    /// call sets one).
    pub(super) users: crate::support::grpc::Users,
}

impl Clients {
    /// Creates the user `email` through `dialect`.
    pub(super) async fn create(&self, dialect: Dialect, email: &str) -> Answer {
        Answer::of(self.create_request(dialect, email)).await
    }

    /// The request that creates the user `email` through `dialect`, built afresh (CloudAPI's
    /// signature is accepted once, so each send of a retried create is signed again).
    pub(super) fn create_request(&self, dialect: Dialect, email: &str) -> reqwest::RequestBuilder {
        let url = |path: &str| format!("{}{path}", self.base);
        // CloudAPI logins take letters, digits, `_`, `.` and `@`.
        let login = email.split('@').next().unwrap_or(email).replace('-', "_");
        match dialect {
            Dialect::CloudApi => signed(
                &self.http,
                &self.base,
                &self.owner,
                Method::POST,
                "/acme/users",
            )
            .json(&json!({"login": login, "email": email, "password": "s3cret-Passw0rd"})),
            Dialect::Elements => self
                .http
                .post(url("/elements/api-v2/users"))
                .header("authorization", &self.elements)
                .json(&json!({"email": email, "firstName": "Fault", "lastName": "Test"})),
            Dialect::FormsOnFire => {
                let query = serde_urlencoded::to_string([
                    ("format", "json"),
                    ("CompanyId", &self.company_id),
                    ("IntegrationKey", &self.integration_key),
                ])
                .expect("a query");
                self.http
                    .post(url(&format!("/api/v2/user?{query}")))
                    .json(&json!({"FirstName": "Fault", "LastName": "Test", "Email": email}))
            }
            Dialect::SureCloud => self
                .http
                .patch(url("/restful/v1/user"))
                .bearer_auth(&self.surecloud)
                .header("accept", "application/json")
                .json(&json!({"users": [{"email": email, "role": "CONTRIBUTOR"}]})),
            Dialect::Scim => self
                .http
                .post(url("/scim/v2/Users"))
                .bearer_auth(&self.scim)
                .header("content-type", "application/scim+json")
                .body(
                    json!({
                        "schemas": [USER],
                        "userName": email,
                        "name": {"givenName": "Fault", "familyName": "Test"},
                        "emails": [{"value": email, "primary": true}],
                    })
                    .to_string(),
                ),
        }
    }
}
