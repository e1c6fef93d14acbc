//! Tenant B, the attacker: valid credentials in every dialect, a user and a group of its own
//! to stand in for path parameters that the call does not aim at A, and one request sent
//! the way its dialect authenticates.

use super::routes::Op;
use crate::support::cloudapi::{Signer, TestKey, signed};
use crate::support::formsonfire::FofClient;
use crate::support::records::{group, make_user};
use crate::support::scim::provisioning_token;
use crate::support::surecloud::Sc;
use crate::support::{Answer, TestApp, TestTenant};
use reqwest::Method;
use roster_proto::v1 as pb;

pub(crate) const ATTACKER: &str = "attacker";

/// One request, before B's credential is added.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    /// Which parameter carries A's identifier: `path:user`, `query:filter`, `header:If-Match`,
    /// `body`; `own` for B's own unaimed call.
    pub(crate) aim: String,
    pub(crate) method: Method,
    /// The path as sent (segments percent-encoded) and as written (for what B sent).
    pub(crate) path: String,
    pub(crate) shown: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<String>,
    pub(crate) content_type: &'static str,
}

impl Call {
    /// Everything B put in the request, lowercased: what an answer may echo.
    pub(crate) fn sent(&self) -> String {
        let mut s = self.shown.clone();
        for (k, v) in self.query.iter().chain(&self.headers) {
            s.push('\n');
            s.push_str(k);
            s.push('=');
            s.push_str(v);
        }
        if let Some(b) = &self.body {
            s.push('\n');
            s.push_str(b);
        }
        s.to_lowercase()
    }

    pub(crate) fn describe(&self) -> String {
        let q = serde_urlencoded::to_string(&self.query).unwrap_or_default();
        format!(
            "{} {}?{q} {:?} {}",
            self.method,
            self.shown,
            self.headers,
            self.body.as_deref().unwrap_or_default()
        )
    }
}

pub(crate) struct Attacker<'a> {
    pub(crate) app: &'a TestApp,
    pub(crate) tenant: TestTenant,
    pub(crate) user: pb::User,
    pub(crate) group_id: String,
    owner: Signer,
    surecloud: String,
    scim: String,
    fof: FofClient,
}

impl<'a> Attacker<'a> {
    pub(crate) async fn make(app: &'a TestApp) -> Self {
        let key = TestKey::ed25519(41);
        let tenant = app
            .tenant_with_keys(ATTACKER, &[key.public_line("owner@attacker")])
            .await;
        let user = make_user(app, &tenant, "own@attacker.test", pb::AccessLevel::Admin).await;
        let group_id = group(&app.groups(&tenant.token), "//Own", None).await.id;
        let surecloud = Sc::owner(app, &tenant).await.token;
        let (_, scim) = provisioning_token(app, &tenant, "attacker-idp").await;
        let fof = FofClient::new(app, &tenant);
        Self {
            app,
            tenant,
            user,
            group_id,
            owner: Signer::account(ATTACKER, &key),
            surecloud,
            scim,
            fof,
        }
    }

    /// What stands for path parameter `name` when a call aims A elsewhere: B's own.
    pub(crate) fn own(&self, op: &Op, name: &str) -> String {
        match (op.tag.as_str(), name) {
            (_, "account") => ATTACKER.to_owned(),
            ("Cloud Elements", "user") => self.user.number.to_string(),
            ("Cloud Elements", "key") => "org".to_owned(),
            ("CloudAPI", "key") => self.owner.key.fingerprint(),
            ("SCIM", "id") if op.template.contains("/Groups/") => self.group_id.clone(),
            (_, "user" | "id") => self.user.id.clone(),
            _ => format!("own-{name}"),
        }
    }

    /// Sends `call` with B's credential, the way the dialect of `tag` takes it.
    pub(crate) async fn send(&self, tag: &str, call: &Call) -> Answer {
        let app = self.app;
        let query = serde_urlencoded::to_string(&call.query).unwrap();
        let with_query = |mut target: String, q: &str| {
            if !q.is_empty() {
                target.push('?');
                target.push_str(q);
            }
            target
        };
        let r = match tag {
            "CloudAPI" => signed(
                &app.http,
                &app.http_url,
                &self.owner,
                call.method.clone(),
                &with_query(call.path.clone(), &query),
            ),
            "SureCloud" => self.plain(call, &query).bearer_auth(&self.surecloud),
            "SCIM" => self.plain(call, &query).bearer_auth(&self.scim),
            "Cloud Elements" => self.plain(call, &query).header(
                "authorization",
                format!(
                    "User {}, Organization {}",
                    self.tenant.admin_secret, self.tenant.organization_secret
                ),
            ),
            "Forms On Fire" => {
                // The credential in the query, for every method: the dialect reads it there
                // for writes too, so the body can be anything B names.
                let mut q = vec![
                    ("format".to_owned(), "json".to_owned()),
                    ("CompanyId".to_owned(), self.fof.company_id.clone()),
                    ("IntegrationKey".to_owned(), self.fof.key.clone()),
                ];
                q.extend(call.query.iter().cloned());
                let q = serde_urlencoded::to_string(&q).unwrap();
                app.http.request(
                    call.method.clone(),
                    app.url(&with_query(call.path.clone(), &q)),
                )
            }
            other => panic!("the matrix has no credential for the dialect {other:?}"),
        };
        let mut r = r;
        for (k, v) in &call.headers {
            r = r.header(k, v);
        }
        if let Some(b) = &call.body {
            r = r.header("content-type", call.content_type).body(b.clone());
        }
        Answer::of(r).await
    }

    fn plain(&self, call: &Call, query: &str) -> reqwest::RequestBuilder {
        let mut url = self.app.url(&call.path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        self.app.http.request(call.method.clone(), url)
    }
}
