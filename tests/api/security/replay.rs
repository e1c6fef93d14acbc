//! Issue 12: HTTP Signatures are checked by the core, not only by the gateway. An old
//! `Authorization` + `Date` pair (from a proxy log, say) gets no token on the gRPC port, a
//! write's signature is good once (on every replica, through REST or gRPC), identical GETs in
//! one second still pass, and a write must sign its request target.

use crate::support::Answer;
use crate::support::cloudapi::Cloud;
use crate::support::cloudapi::{Signer, TestKey};
use crate::support::{TestApp, expect_code, reason};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use roster_proto::v1 as pb;
use std::time::{Duration, SystemTime};
use tonic::Code;
use tonic_types::StatusExt as _;

/// A tenant `acme` whose owner signs with an Ed25519 key.
struct Signed {
    app: TestApp,
    key: TestKey,
    signer: Signer,
}

impl Signed {
    async fn spawn_with(tweak: impl FnOnce(&mut roster::Settings)) -> Self {
        let app = TestApp::spawn_with(tweak).await;
        let key = TestKey::ed25519(12);
        app.tenant_with_keys("acme", &[key.public_line("owner@laptop")])
            .await;
        let signer = Signer::account("acme", &key);
        Self { app, key, signer }
    }

    async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// The credential the gateway would send for `signing_string`, signed by the owner.
    fn credential(&self, signing_string: &str, method: &str) -> pb::AuthenticateRequest {
        pb::AuthenticateRequest {
            credential: Some(pb::authenticate_request::Credential::SshKey(
                pb::SshKeyCredential {
                    account: "acme".into(),
                    user: String::new(),
                    key: self.key.fingerprint(),
                    algorithm: self.key.algorithm().into(),
                    signing_string: signing_string.into(),
                    signature: self.key.sign(signing_string.as_bytes()),
                    method: method.into(),
                },
            )),
        }
    }

    async fn authenticate(
        &self,
        signing_string: &str,
        method: &str,
    ) -> Result<pb::AuthenticateResponse, tonic::Status> {
        self.app
            .auth(None)
            .authenticate(self.credential(signing_string, method))
            .await
            .map(tonic::Response::into_inner)
    }

    /// The owner's view of the users' logins, over REST.
    async fn logins(&self) -> Vec<String> {
        let a = Answer::of(crate::support::cloudapi::signed(
            &self.app.http,
            &self.app.http_url,
            &self.signer,
            reqwest::Method::GET,
            "/acme/users",
        ))
        .await;
        assert_eq!(a.status, 200, "{a:?}");
        let mut logins: Vec<String> = a
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["login"].as_str().unwrap().to_owned())
            .collect();
        logins.sort();
        logins
    }
}

/// The triton CLI's signing string for `method target` at `when`.
fn cli_string(method: &str, target: &str, when: SystemTime) -> String {
    format!(
        "(request-target): {} {target}\ndate: {}",
        method.to_ascii_lowercase(),
        httpdate::fmt_http_date(when)
    )
}

#[tokio::test]
async fn an_old_signed_pair_gets_no_token_from_the_core() {
    let s = Signed::spawn().await;
    let fresh = cli_string("GET", "/acme/users", SystemTime::now());
    let ok = s.authenticate(&fresh, "GET").await.unwrap();
    assert!(ok.owner && !ok.token.is_empty());

    // Signed correctly with the owner's key, but ten minutes ago (or ahead).
    for when in [
        SystemTime::now() - Duration::from_mins(10),
        SystemTime::now() + Duration::from_mins(10),
    ] {
        let old = cli_string("GET", "/acme/users", when);
        let st = expect_code(s.authenticate(&old, "GET").await, Code::Unauthenticated);
        assert_eq!(reason(&st), "SIGNATURE_EXPIRED", "{st:?}");
        let skew: u64 = st
            .get_details_error_info()
            .and_then(|i| i.metadata.get("skew_seconds").cloned())
            .and_then(|v| v.parse().ok())
            .unwrap();
        assert!((598..=602).contains(&skew), "{skew}");
    }
    // A signing string with no date at all is refused too.
    let st = expect_code(
        s.authenticate("(request-target): get /acme/users", "GET")
            .await,
        Code::Unauthenticated,
    );
    assert_eq!(reason(&st), "SIGNATURE_INCOMPLETE");
}

#[tokio::test]
async fn a_post_signature_is_good_once_on_every_replica() {
    let s = Signed::spawn().await;
    let post = cli_string("POST", "/acme/users", SystemTime::now());
    s.authenticate(&post, "POST").await.unwrap();
    let st = expect_code(s.authenticate(&post, "POST").await, Code::Unauthenticated);
    assert_eq!(reason(&st), "SIGNATURE_REPLAYED");

    // A second user service on the same database knows it too.
    let mut other = s.app.settings.clone();
    other.grpc_addr = "127.0.0.1:0".parse().unwrap();
    other.http_addr = "127.0.0.1:0".parse().unwrap();
    let replica = roster::start(&other, roster::Role::UserService)
        .await
        .unwrap();
    let channel =
        tonic::transport::Endpoint::from_shared(format!("http://{}", replica.grpc_addr.unwrap()))
            .unwrap()
            .connect_lazy();
    let mut elsewhere = pb::auth_service_client::AuthServiceClient::new(channel);
    let st = expect_code(
        elsewhere.authenticate(s.credential(&post, "POST")).await,
        Code::Unauthenticated,
    );
    assert_eq!(reason(&st), "SIGNATURE_REPLAYED");
    // A write signed for another second is another signature.
    let next = cli_string(
        "POST",
        "/acme/users",
        SystemTime::now() + Duration::from_secs(2),
    );
    elsewhere
        .authenticate(s.credential(&next, "POST"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_replayed_post_through_the_gateway_is_a_401_and_writes_nothing() {
    let s = Signed::spawn().await;
    let (date, auth) = s.signer.headers("POST", "/acme/users");
    let post = |body: serde_json::Value| {
        s.app
            .http
            .post(s.app.url("/acme/users"))
            .header("date", &date)
            .header("authorization", &auth)
            .header("accept", "application/json")
            .json(&body)
    };
    let ann = serde_json::json!({"login": "ann", "email": "ann@acme.test", "password": "s3cret-Passw0rd"});
    let a = Answer::of(post(ann.clone())).await;
    assert_eq!(a.status, 201, "{a:?}");
    let before = s.logins().await;
    assert_eq!(before, ["ann"]);

    // The exact request again, and the same headers with a body of the attacker's choosing
    // (the body is not signed).
    let mallory = serde_json::json!({"login": "mallory", "email": "mallory@acme.test", "password": "s3cret-Passw0rd"});
    for body in [ann, mallory] {
        let a = Answer::of(post(body)).await;
        assert_eq!(
            Cloud::error(&a, 401, "InvalidCredentials"),
            "Invalid authorization credentials supplied"
        );
    }
    assert_eq!(s.logins().await, before, "nothing was created");

    // The signature the gateway passed on is in the record the gRPC port uses too.
    let signing_string = format!("(request-target): post /acme/users\ndate: {date}");
    let st = expect_code(
        s.authenticate(&signing_string, "POST").await,
        Code::Unauthenticated,
    );
    assert_eq!(reason(&st), "SIGNATURE_REPLAYED");
}

#[tokio::test]
async fn identical_gets_in_the_same_second_all_pass() {
    let s = Signed::spawn().await;
    let get = cli_string("GET", "/acme/users", SystemTime::now());
    for _ in 0..3 {
        s.authenticate(&get, "GET").await.unwrap();
    }
    // Through the gateway: the very same request, three times (the first asks the core,
    // the others may be verified against the gateway's key cache).
    let (date, auth) = s.signer.headers("GET", "/acme/users");
    for i in 0..3 {
        let a = Answer::of(
            s.app
                .http
                .get(s.app.url("/acme/users"))
                .header("date", &date)
                .header("authorization", &auth),
        )
        .await;
        assert_eq!(a.status, 200, "{i}: {a:?}");
    }
    // And through a fresh gateway, whose first request goes to the core.
    let fresh = roster::start(&s.app.settings_for_gateway(), roster::Role::Gateway)
        .await
        .unwrap();
    let a = Answer::of(
        s.app
            .http
            .get(format!("http://{}/acme/users", fresh.http_addr.unwrap()))
            .header("date", &date)
            .header("authorization", &auth),
    )
    .await;
    assert_eq!(a.status, 200, "{a:?}");
}

#[tokio::test]
async fn a_write_must_sign_its_request_target_and_method() {
    let s = Signed::spawn().await;
    let date = httpdate::fmt_http_date(SystemTime::now());
    let date_only = format!("date: {date}");
    for method in ["POST", "DELETE", "PUT"] {
        let st = expect_code(
            s.authenticate(&date_only, method).await,
            Code::Unauthenticated,
        );
        assert_eq!(reason(&st), "SIGNATURE_INCOMPLETE", "{method}");
        assert_eq!(
            st.get_details_error_info()
                .and_then(|i| i.metadata.get("header").cloned())
                .as_deref(),
            Some("(request-target)")
        );
    }
    // A date-only signature still reads (replaying it can only read).
    s.authenticate(&date_only, "GET").await.unwrap();
    // A signed request target must name the request's method.
    let post = cli_string("POST", "/acme/users", SystemTime::now());
    let st = expect_code(s.authenticate(&post, "DELETE").await, Code::Unauthenticated);
    assert_eq!(reason(&st), "INVALID_CREDENTIALS");

    // Through the gateway: an old client's date-only POST, in CloudAPI's words.
    let signature = STANDARD.encode(s.key.sign(date_only.as_bytes()));
    let auth = format!(
        r#"Signature keyId="{}",algorithm="{}",headers="date",signature="{signature}""#,
        s.signer.key_id,
        s.key.algorithm()
    );
    let a = Answer::of(
        s.app
            .http
            .post(s.app.url("/acme/users"))
            .header("date", &date)
            .header("authorization", &auth)
            .json(&serde_json::json!({"login": "ann", "email": "ann@acme.test", "password": "s3cret-Passw0rd"})),
    )
    .await;
    assert_eq!(
        Cloud::error(&a, 400, "InvalidHeader"),
        "Authorization header invalid: (request-target) was not a signed header"
    );
    assert!(s.logins().await.is_empty(), "nothing was created");
}

#[tokio::test]
async fn with_date_only_allowed_such_a_signature_is_good_once_whatever_the_method() {
    let s = Signed::spawn_with(|c| c.signature_allow_date_only = true).await;
    let date = httpdate::fmt_http_date(SystemTime::now());
    let date_only = format!("date: {date}");
    let signature = STANDARD.encode(s.key.sign(date_only.as_bytes()));
    let auth = format!(
        r#"Signature keyId="{}",algorithm="{}",headers="date",signature="{signature}""#,
        s.signer.key_id,
        s.key.algorithm()
    );
    // An old client reads with it ...
    let a = Answer::of(
        s.app
            .http
            .get(s.app.url("/acme/users"))
            .header("date", &date)
            .header("authorization", &auth),
    )
    .await;
    assert_eq!(a.status, 200, "{a:?}");
    // ... and whoever saw that request cannot turn it into a write: it binds no method.
    let a = Answer::of(
        s.app
            .http
            .post(s.app.url("/acme/users"))
            .header("date", &date)
            .header("authorization", &auth)
            .json(&serde_json::json!({"login": "mallory", "email": "mallory@acme.test"})),
    )
    .await;
    assert_eq!(
        Cloud::error(&a, 401, "InvalidCredentials"),
        "Invalid authorization credentials supplied"
    );
    assert!(s.logins().await.is_empty(), "nothing was created");
    // A fresh date-only signature may write, once.
    let later = format!(
        "date: {}",
        httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2))
    );
    s.authenticate(&later, "POST").await.unwrap();
    let st = expect_code(s.authenticate(&later, "POST").await, Code::Unauthenticated);
    assert_eq!(reason(&st), "SIGNATURE_REPLAYED");
}
