//! One vendor dialect as a client of one tenant sees it, so that a rule can be checked on
//! the four dialects in one test. Each dialect keeps its own request and answer shapes; the
//! trait names what to send and what the answer must be, as each dialect's own tests pin it.

use super::answer::Answer;
use super::cloudapi::{Cloud, Signer, TestKey, signed};
use super::elements::Ce;
use super::formsonfire::{Fmt, FofClient};
use super::surecloud::Sc;
use futures::FutureExt as _;
use futures::future::BoxFuture;
use roster_proto::v1 as pb;
use serde_json::json;

/// Which credential a request carries: the client's own, or one the server must refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Credential {
    Right,
    Wrong,
}

/// A dialect's client of one tenant. Futures are boxed so that the four clients fit in one
/// list (`&dyn DialectClient`) and a test can loop over them.
pub(crate) trait DialectClient {
    fn name(&self) -> &'static str;

    /// Asks for the user `u`, named the dialect's way (its id, or Cloud Elements' number).
    fn get_user<'a>(&'a self, u: &'a pb::User) -> BoxFuture<'a, Answer>;

    /// Asserts the dialect's answer to a user that does not exist.
    fn assert_not_found(&self, a: &Answer);

    /// A body that creates the user `email` (with whatever else the dialect requires).
    fn create_body(&self, email: &str) -> String;

    /// Sends `body`, as it is, to the dialect's create (or bulk write) route.
    fn write(&self, credential: Credential, body: String) -> BoxFuture<'_, Answer>;

    /// Asserts the dialect's refusal of a credential.
    fn assert_unauthenticated(&self, a: &Answer);
}

impl DialectClient for Cloud {
    fn name(&self) -> &'static str {
        "CloudAPI"
    }

    fn get_user<'a>(&'a self, u: &'a pb::User) -> BoxFuture<'a, Answer> {
        async move { self.get(&format!("/acme/users/{}", u.id)).await }.boxed()
    }

    fn assert_not_found(&self, a: &Answer) {
        let message = Cloud::error(a, 404, "ResourceNotFound");
        assert!(message.ends_with(" does not exist"), "{a:?}");
    }

    fn create_body(&self, email: &str) -> String {
        json!({"login": "ghost", "email": email, "password": "s3cret-Passw0rd"}).to_string()
    }

    fn write(&self, credential: Credential, body: String) -> BoxFuture<'_, Answer> {
        let signer = match credential {
            Credential::Right => self.owner.clone(),
            // A key the account never added.
            Credential::Wrong => Signer::account("acme", &TestKey::ed25519(99)),
        };
        let r = signed(
            &self.app.http,
            &self.app.http_url,
            &signer,
            reqwest::Method::POST,
            "/acme/users",
        );
        Answer::of(r.header("content-type", "application/json").body(body)).boxed()
    }

    fn assert_unauthenticated(&self, a: &Answer) {
        Cloud::error(a, 401, "InvalidCredentials");
    }
}

impl DialectClient for Ce<'_> {
    fn name(&self) -> &'static str {
        "Cloud Elements"
    }

    fn get_user<'a>(&'a self, u: &'a pb::User) -> BoxFuture<'a, Answer> {
        async move { self.get(&format!("/users/{}", u.number)).await }.boxed()
    }

    fn assert_not_found(&self, a: &Answer) {
        let message = Ce::error(a, 404);
        assert!(
            message.starts_with("No user found with ID or email"),
            "{a:?}"
        );
    }

    fn create_body(&self, email: &str) -> String {
        json!({"email": email, "firstName": "Gh", "lastName": "Ost"}).to_string()
    }

    fn write(&self, credential: Credential, body: String) -> BoxFuture<'_, Answer> {
        let authorization = match credential {
            Credential::Right => self.authorization.clone(),
            Credential::Wrong => "User nope, Organization nope".to_owned(),
        };
        let r = self
            .app
            .http
            .post(self.app.url("/elements/api-v2/users"))
            .header("authorization", authorization)
            .header("content-type", "application/json")
            .body(body);
        Answer::of(r).boxed()
    }

    fn assert_unauthenticated(&self, a: &Answer) {
        Ce::error(a, 401);
    }
}

impl DialectClient for Sc<'_> {
    fn name(&self) -> &'static str {
        "SureCloud"
    }

    /// SureCloud has no route that reads one user: a PATCH that names the user by its
    /// `userID` and changes nothing else is how a client finds out whether it exists.
    fn get_user<'a>(&'a self, u: &'a pb::User) -> BoxFuture<'a, Answer> {
        self.patch(json!([{ "userID": u.id }])).boxed()
    }

    /// The PATCH succeeds; its one item says that no user has this userID.
    fn assert_not_found(&self, a: &Answer) {
        let users = Sc::users(a);
        assert_eq!(users.len(), 1, "{a:?}");
        assert_eq!(
            users[0]["patchErrorMessage"], "No user has this userID",
            "{a:?}"
        );
    }

    fn create_body(&self, email: &str) -> String {
        json!({"users": [{"email": email, "role": "CONTRIBUTOR"}]}).to_string()
    }

    fn write(&self, credential: Credential, body: String) -> BoxFuture<'_, Answer> {
        let token = match credential {
            Credential::Right => self.token.clone(),
            // Well-formed, signed with no key the server has.
            Credential::Wrong => "eyJhbGciOiJIUzI1NiJ9.e30.c2ln".to_owned(),
        };
        let r = self
            .app
            .http
            .patch(self.app.url("/restful/v1/user"))
            .header("authorization", format!("Bearer {token}"))
            .header("accept", "application/json")
            .header("content-type", "application/json")
            .body(body);
        Answer::of(r).boxed()
    }

    fn assert_unauthenticated(&self, a: &Answer) {
        Sc::error(a, 401);
    }
}

impl DialectClient for FofClient {
    fn name(&self) -> &'static str {
        "Forms On Fire"
    }

    fn get_user<'a>(&'a self, u: &'a pb::User) -> BoxFuture<'a, Answer> {
        async move { self.get(Fmt::Json, "/user", &[("Id", &u.id)]).await }.boxed()
    }

    fn assert_not_found(&self, a: &Answer) {
        FofClient::error(a, 400, "NotFound");
    }

    fn create_body(&self, email: &str) -> String {
        json!({"FirstName": "Gh", "LastName": "Ost", "Email": email}).to_string()
    }

    /// The credential goes in the query (which the dialect also reads for writes), so that it
    /// stays the same whatever the body is.
    fn write(&self, credential: Credential, body: String) -> BoxFuture<'_, Answer> {
        let key = match credential {
            Credential::Right => self.key.as_str(),
            Credential::Wrong => "wrong",
        };
        let url = self.url(
            "/user",
            &[
                ("format", "json"),
                ("CompanyId", &self.company_id),
                ("IntegrationKey", key),
            ],
        );
        let r = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .body(body);
        Answer::of(r).boxed()
    }

    fn assert_unauthenticated(&self, a: &Answer) {
        FofClient::error(a, 401, "Unauthorized");
    }
}
