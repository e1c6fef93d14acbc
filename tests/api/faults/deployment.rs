//! Roster as the fault tests break it: `roster user-service` and `roster gateway` as two
//! real processes on a PostgreSQL database of their own (the split deployment of
//! [`crate::split`]), the user service on a fixed port so that, killed and started again,
//! it is where the gateway looks for it. One tenant, `acme`, with a credential for every
//! dialect, and the database read directly for what was really written.

use super::dialects::Clients;
use crate::support::app::TestTokens;
use crate::support::cloudapi::{Signer, TestKey};
use crate::support::db::postgres_admin_url;
use crate::support::grpc::Bearer;
use crate::support::key_email;
use crate::support::process::{Installation, RosterProcess};
use roster_proto::v1 as pb;
use roster_proto::v1::provisioning_token_service_client::ProvisioningTokenServiceClient;
use roster_proto::v1::secret_key_service_client::SecretKeyServiceClient;
use roster_proto::v1::tenant_service_client::TenantServiceClient;
use roster_proto::v1::user_service_client::UserServiceClient;
use roster_user_service::scopes;
use sqlx::Connection as _;
use std::collections::HashSet;
use std::time::Duration;
use tonic::transport::{Channel, Endpoint};

/// The PostgreSQL server's URL, or `None` after saying why the test does not run.
pub(super) fn postgres_or_skip(test: &str) -> Option<String> {
    let url = postgres_admin_url();
    if url.is_none() {
        eprintln!("{test}: skipped: it needs PostgreSQL; set ROSTER_TEST_DATABASE_URL");
    }
    url
}

/// How the fault test sets Roster up.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// `upstream_timeout_ms` of the gateway: each request's deadline.
    pub(super) deadline: Duration,
    /// `database_acquire_timeout_ms` of the user service.
    pub(super) acquire: Duration,
    /// `idempotency_lease_secs` of the user service, when not its default.
    pub(super) lease: Option<Duration>,
}

#[derive(Debug)]
pub(super) struct Deployment {
    pub(super) install: Installation,
    user_service_env: Vec<(&'static str, String)>,
    /// `None` while it is down.
    user_service: Option<RosterProcess>,
    /// Held, never read: the gateway runs (and is never restarted) as long as this.
    _gateway: RosterProcess,
    pub(super) clients: Clients,
}

/// A loopback port nothing listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Deployment {
    /// Both processes started and the tenant made.
    pub(super) async fn start(limits: Limits) -> Self {
        let install = Installation::new().await;
        let grpc_addr = format!("127.0.0.1:{}", free_port());
        let mut user_service_env = install.env();
        user_service_env.extend([
            ("ROSTER_GRPC_ADDR", grpc_addr.clone()),
            ("ROSTER_MIGRATE_ON_START", "false".to_owned()),
            (
                "ROSTER_DATABASE_ACQUIRE_TIMEOUT_MS",
                limits.acquire.as_millis().to_string(),
            ),
        ]);
        if let Some(lease) = limits.lease {
            user_service_env.push(("ROSTER_IDEMPOTENCY_LEASE_SECS", lease.as_secs().to_string()));
        }
        let user_service = RosterProcess::start("user-service", &user_service_env).await;
        let gateway_data = install.dir.path().join("gateway-data");
        let gateway = RosterProcess::start(
            "gateway",
            &[
                ("ROSTER_USER_SERVICE_URL", format!("http://{grpc_addr}")),
                ("ROSTER_DATA_DIR", gateway_data.display().to_string()),
                (
                    "ROSTER_UPSTREAM_TIMEOUT_MS",
                    limits.deadline.as_millis().to_string(),
                ),
                // The SureCloud PATCH among the writers is a bulk route: the same deadline,
                // so that every dialect's stalled write answers within it.
                (
                    "ROSTER_UPSTREAM_BULK_TIMEOUT_MS",
                    limits.deadline.as_millis().to_string(),
                ),
            ],
        )
        .await;
        let clients = tenant(&user_service.grpc_url(), &gateway.http_url()).await;
        Self {
            install,
            user_service_env,
            user_service: Some(user_service),
            _gateway: gateway,
            clients,
        }
    }

    /// SIGKILL: the user service dies at once, mid-request, as in a crash.
    pub(super) async fn kill_user_service(&mut self) {
        let mut p = self.user_service.take().expect("the user service runs");
        p.kill().await;
    }

    /// The user service again, on the same port and database.
    pub(super) async fn restart_user_service(&mut self) {
        assert!(self.user_service.is_none(), "the user service is down");
        let p = RosterProcess::start("user-service", &self.user_service_env).await;
        self.user_service = Some(p);
    }

    /// The emails of the tenant's users, as the database has them (lower case).
    pub(super) async fn stored_emails(&self) -> HashSet<String> {
        let mut conn = sqlx::PgConnection::connect(&self.install.db.url)
            .await
            .expect("the test database");
        let rows: Vec<String> = sqlx::query_scalar("SELECT lower(email) FROM users")
            .fetch_all(&mut conn)
            .await
            .expect("read the users");
        let _ = conn.close().await;
        rows.into_iter().collect()
    }

    /// The tenant's users as the database has them.
    pub(super) async fn stored_users(&self) -> Vec<StoredUser> {
        let mut conn = sqlx::PgConnection::connect(&self.install.db.url)
            .await
            .expect("the test database");
        let rows: Vec<(String, String, i64, i64, Option<String>)> =
            sqlx::query_as("SELECT lower(email), id::text, number, version, first_name FROM users")
                .fetch_all(&mut conn)
                .await
                .expect("read the users");
        let _ = conn.close().await;
        rows.into_iter()
            .map(|(email, id, number, version, first_name)| StoredUser {
                email,
                id,
                number,
                version,
                first_name,
            })
            .collect()
    }
}

/// A row of `users`, as far as the fault tests read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredUser {
    /// Lower case.
    pub(super) email: String,
    pub(super) id: String,
    /// The integer id Cloud Elements shows.
    pub(super) number: i64,
    /// What the etag is made from.
    pub(super) version: i64,
    pub(super) first_name: Option<String>,
}

/// Creates the tenant `acme` over gRPC and a credential for each dialect.
async fn tenant(grpc_url: &str, base: &str) -> Clients {
    let tokens = TestTokens::new(&roster::Settings::default());
    let channel: Channel = Endpoint::from_shared(grpc_url.to_owned())
        .expect("a URL")
        .timeout(Duration::from_secs(30))
        .connect_lazy();
    let key = TestKey::ed25519(1);
    let admin = tokens.token(None, &[scopes::ADMIN]);
    let created = TenantServiceClient::with_interceptor(channel.clone(), Bearer::token(&admin))
        .create_tenant(pb::CreateTenantRequest {
            login: "acme".to_owned(),
            admin_email: "owner@acme.test".to_owned(),
            owner_ssh_keys: vec![key.public_line("owner@laptop")],
            ..Default::default()
        })
        .await
        .expect("create the tenant")
        .into_inner();
    let t = created.tenant.expect("a tenant");
    let owner = created.admin.expect("its owner");
    let owner_token = tokens.user_token(&t.id, &owner.id, scopes::TENANT_ADMIN, 0);
    let secret_key =
        SecretKeyServiceClient::with_interceptor(channel.clone(), Bearer::token(&owner_token))
            .issue_secret_key(pb::IssueSecretKeyRequest {
                user: key_email(&owner.email),
                request_id: String::new(),
            })
            .await
            .expect("a secret key")
            .into_inner()
            .secret_key;
    let users = UserServiceClient::with_interceptor(channel.clone(), Bearer::token(&owner_token));
    let scim =
        ProvisioningTokenServiceClient::with_interceptor(channel, Bearer::token(&owner_token))
            .create_provisioning_token(pb::CreateProvisioningTokenRequest {
                name: "faults".to_owned(),
                request_id: String::new(),
            })
            .await
            .expect("a provisioning token")
            .into_inner()
            .secret;
    // Every request is answered within the tests' patience, or the test fails.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client");
    let surecloud: serde_json::Value = http
        .post(format!("{base}/restful/v1/token"))
        .header("accept", "application/json")
        .json(&serde_json::json!({"email": owner.email, "secretKey": secret_key}))
        .send()
        .await
        .expect("the gateway answers")
        .json()
        .await
        .expect("a SureCloud token");
    Clients {
        http,
        base: base.to_owned(),
        owner: Signer::account("acme", &key),
        elements: format!(
            "User {}, Organization {}",
            created.admin_secret, created.organization_secret
        ),
        company_id: t.company_id.to_string(),
        integration_key: created.integration_key,
        surecloud: surecloud["token"].as_str().expect("a token").to_owned(),
        scim,
        users,
    }
}
