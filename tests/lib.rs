//! Helpers for the black-box tests: a fresh database per test (SQLite by default, PostgreSQL
//! when `ROSTER_TEST_DATABASE_URL` names a server), Roster started on loopback port 0 exactly
//! as the binary starts it, gRPC clients carrying a bearer token, and the real `roster`
//! binary and grpcurl for command-line tests.

#![allow(clippy::missing_panics_doc, clippy::expect_used, clippy::unwrap_used)]

pub mod cloudapi;
pub mod formsonfire;
pub mod process;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use roster::{Role, Server, Settings};
use roster_proto::v1 as pb;
use roster_proto::v1::auth_service_client::AuthServiceClient;
use roster_proto::v1::group_service_client::GroupServiceClient;
use roster_proto::v1::tenant_service_client::TenantServiceClient;
use roster_proto::v1::user_service_client::UserServiceClient;
use roster_user_service::{TokenConfig, TokenKey, Tokens, scopes};
use sqlx::Connection as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};
use tonic_types::StatusExt as _;

/// The signing key every test server uses, so tests can mint their own (bad) tokens.
pub const TEST_KID: &str = "test";
pub const TEST_KEY: [u8; 32] = [42; 32];

/// A database for one test, dropped with it.
#[derive(Debug)]
pub struct TestDb {
    pub url: String,
    postgres: Option<(String, String)>,
}

/// The PostgreSQL server to test against, if any.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("ROSTER_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let (server, _) = base.rsplit_once('/').expect("a database URL has a path");
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}

impl TestDb {
    /// A fresh database: a new PostgreSQL database, or an SQLite file in `dir`.
    pub async fn create(dir: &Path) -> Self {
        match postgres_admin_url() {
            Some(admin) => {
                let name = format!("roster_t_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL at ROSTER_TEST_DATABASE_URL is not reachable: {e}")
                    });
                sqlx::Executor::execute(
                    &mut conn,
                    sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")),
                )
                .await
                .expect("create test database");
                let _ = conn.close().await;
                Self {
                    url: with_database(&admin, &name),
                    postgres: Some((admin, name)),
                }
            }
            None => Self {
                url: format!("sqlite://{}?mode=rwc", dir.join("roster.db").display()),
                postgres: None,
            },
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async; a short-lived runtime on its own thread does the cleanup.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::Executor::execute(&mut conn, sqlx::AssertSqlSafe(sql))
                    .await
                    .ok()?;
                conn.close().await.ok()
            })
        })
        .join();
    }
}

/// Adds `authorization: Bearer <token>` to every call.
#[derive(Debug, Clone)]
pub struct Bearer(Option<MetadataValue<Ascii>>);

impl Interceptor for Bearer {
    fn call(&mut self, mut req: tonic::Request<()>) -> Result<tonic::Request<()>, Status> {
        if let Some(v) = &self.0 {
            req.metadata_mut().insert("authorization", v.clone());
        }
        Ok(req)
    }
}

pub type Users = UserServiceClient<InterceptedService<Channel, Bearer>>;
pub type Groups = GroupServiceClient<InterceptedService<Channel, Bearer>>;
pub type Tenants = TenantServiceClient<InterceptedService<Channel, Bearer>>;
pub type Auth = AuthServiceClient<InterceptedService<Channel, Bearer>>;
pub type Roles =
    roster_proto::v1::role_service_client::RoleServiceClient<InterceptedService<Channel, Bearer>>;
pub type Keys =
    roster_proto::v1::key_service_client::KeyServiceClient<InterceptedService<Channel, Bearer>>;
pub type SecretKeys = roster_proto::v1::secret_key_service_client::SecretKeyServiceClient<
    InterceptedService<Channel, Bearer>,
>;
pub type Folders = roster_proto::v1::folder_service_client::FolderServiceClient<
    InterceptedService<Channel, Bearer>,
>;

/// A tenant made for a test, with its credentials.
#[derive(Debug, Clone)]
pub struct TestTenant {
    pub id: String,
    pub login: String,
    pub company_id: i64,
    pub admin: pb::User,
    pub admin_secret: String,
    pub integration_key: String,
    pub organization_secret: String,
    /// A service account's tenant-administrator token: it administers the tenant's users,
    /// never the owner's record or credentials.
    pub token: String,
    /// The owner's token, as if the owner had signed in with one of its SSH keys.
    pub owner_token: String,
}

/// Roster running on loopback with a database of its own.
#[derive(Debug)]
pub struct TestApp {
    pub settings: Settings,
    pub grpc_addr: SocketAddr,
    pub http_url: String,
    /// `http://host:port` of the metrics listener (`metrics_addr`; on by default, port 0 here).
    pub metrics_url: Option<String>,
    pub channel: Channel,
    pub http: reqwest::Client,
    tokens: Tokens,
    server: Option<Server>,
    pub db: TestDb,
    pub dir: tempfile::TempDir,
}

/// Settings of a test server: port 0 everywhere (metrics included), the test keys, data in `dir`.
pub fn test_settings(dir: &Path, database_url: &str) -> Settings {
    Settings {
        data_dir: dir.to_path_buf(),
        database_url: Some(database_url.to_owned()),
        database_max_connections: 8,
        grpc_addr: "127.0.0.1:0".parse().unwrap(),
        http_addr: "127.0.0.1:0".parse().unwrap(),
        metrics_addr: Some("127.0.0.1:0".parse().unwrap()),
        token_keys: Some(format!("{TEST_KID}:{}", STANDARD.encode(TEST_KEY))),
        server_key: Some(STANDARD.encode([7u8; 32])),
        ..Settings::default()
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts Roster after `tweak` adjusts the test settings.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = TestDb::create(dir.path()).await;
        let mut settings = test_settings(dir.path(), &db.url);
        tweak(&mut settings);
        let server = roster::start(&settings, Role::All)
            .await
            .expect("roster starts");
        let grpc_addr = server.grpc_addr.expect("user service address");
        let http_url = format!("http://{}", server.http_addr.expect("gateway address"));
        let metrics_url = server.metrics_addr.map(|a| format!("http://{a}"));
        let channel = Endpoint::from_shared(format!("http://{grpc_addr}"))
            .unwrap()
            .timeout(Duration::from_mins(1))
            .connect_lazy();
        let tokens = Tokens::new(TokenConfig {
            issuer: settings.token_issuer.clone(),
            audience: settings.token_audience.clone(),
            keys: vec![TokenKey {
                kid: TEST_KID.to_owned(),
                secret: TEST_KEY.to_vec(),
            }],
            default_ttl: Duration::from_mins(10),
            max_ttl: Duration::from_hours(24),
        });
        Self {
            settings,
            grpc_addr,
            http_url,
            metrics_url,
            channel,
            http: reqwest::Client::new(),
            tokens,
            server: Some(server),
            db,
            dir,
        }
    }

    /// Settings for another gateway in front of this app's user service.
    pub fn settings_for_gateway(&self) -> Settings {
        let mut s = self.settings.clone();
        s.http_addr = "127.0.0.1:0".parse().unwrap();
        s.user_service_url = Some(format!("http://{}", self.grpc_addr));
        s
    }

    /// Stops the servers, letting in-flight calls finish.
    pub async fn stop(mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown(Duration::from_secs(10))
                .await
                .expect("clean shutdown");
        }
    }

    fn bearer(token: &str) -> Bearer {
        Bearer(Some(
            format!("Bearer {token}").parse().expect("ASCII token"),
        ))
    }

    pub fn users(&self, token: &str) -> Users {
        UserServiceClient::with_interceptor(self.channel.clone(), Self::bearer(token))
    }

    pub fn groups(&self, token: &str) -> Groups {
        GroupServiceClient::with_interceptor(self.channel.clone(), Self::bearer(token))
    }

    pub fn tenants(&self, token: &str) -> Tenants {
        TenantServiceClient::with_interceptor(self.channel.clone(), Self::bearer(token))
    }

    pub fn roster_roles(&self, token: &str) -> Roles {
        roster_proto::v1::role_service_client::RoleServiceClient::with_interceptor(
            self.channel.clone(),
            Self::bearer(token),
        )
    }

    pub fn roster_keys(&self, token: &str) -> Keys {
        roster_proto::v1::key_service_client::KeyServiceClient::with_interceptor(
            self.channel.clone(),
            Self::bearer(token),
        )
    }

    pub fn secret_keys(&self, token: &str) -> SecretKeys {
        roster_proto::v1::secret_key_service_client::SecretKeyServiceClient::with_interceptor(
            self.channel.clone(),
            Self::bearer(token),
        )
    }

    pub fn auth(&self, token: Option<&str>) -> Auth {
        let b = token.map_or(Bearer(None), Self::bearer);
        AuthServiceClient::with_interceptor(self.channel.clone(), b)
    }

    /// A token signed with the server's key.
    pub fn token(&self, tenant: Option<&str>, scopes: &[&str]) -> String {
        let tenant = tenant.map(|t| roster_domain::TenantId::parse(t).expect("tenant id"));
        self.tokens
            .issue(
                tenant,
                "test",
                scopes,
                None,
                roster_domain::Clock::now(&roster_domain::SystemClock),
            )
            .expect("token")
            .token
    }

    /// A token of the user `user` of `tenant`, as Authenticate mints it for an SSH key
    /// signature (`epoch`: the user's authorization epoch now).
    pub fn user_token(&self, tenant: &str, user: &str, scopes: &[&str], epoch: i64) -> String {
        let tenant = roster_domain::TenantId::parse(tenant).expect("tenant id");
        self.tokens
            .issue_bound(
                Some(tenant),
                user,
                scopes,
                None,
                roster_domain::Clock::now(&roster_domain::SystemClock),
                roster_user_service::Binding {
                    kind: Some("user"),
                    credential: Some("ssh_key"),
                    credential_id: None,
                    epoch: Some(epoch),
                    secret_key: None,
                },
            )
            .expect("token")
            .token
    }

    /// The installation administrator's token.
    pub fn admin_token(&self) -> String {
        self.token(None, &[scopes::ADMIN])
    }

    /// Creates a tenant over gRPC, with a tenant-administrator token for it.
    pub async fn tenant(&self, login: &str) -> TestTenant {
        self.tenant_with_keys(login, &[]).await
    }

    /// Creates a tenant whose owner has these SSH public keys.
    pub async fn tenant_with_keys(&self, login: &str, owner_ssh_keys: &[String]) -> TestTenant {
        let r = self
            .tenants(&self.admin_token())
            .create_tenant(pb::CreateTenantRequest {
                login: login.to_owned(),
                admin_email: format!("owner@{login}.test"),
                owner_ssh_keys: owner_ssh_keys.to_vec(),
                ..Default::default()
            })
            .await
            .expect("create tenant")
            .into_inner();
        let t = r.tenant.expect("tenant");
        let admin = r.admin.clone().expect("admin");
        TestTenant {
            token: self.token(Some(&t.id), scopes::TENANT_ADMIN),
            owner_token: self.user_token(&t.id, &admin.id, scopes::TENANT_ADMIN, 0),
            id: t.id,
            login: t.login,
            company_id: t.company_id,
            admin: r.admin.expect("admin"),
            admin_secret: r.admin_secret,
            integration_key: r.integration_key,
            organization_secret: r.organization_secret,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.http_url)
    }

    pub fn folders(&self, token: &str) -> Folders {
        roster_proto::v1::folder_service_client::FolderServiceClient::with_interceptor(
            self.channel.clone(),
            Self::bearer(token),
        )
    }
}

/// A user message with just an email (and optional login).
pub fn user(email: &str) -> pb::User {
    pb::User {
        email: email.to_owned(),
        ..Default::default()
    }
}

pub fn create(u: pb::User) -> pb::CreateUserRequest {
    pb::CreateUserRequest {
        user: Some(u),
        password: None,
    }
}

pub fn key_email(email: &str) -> Option<pb::UserKey> {
    Some(pb::UserKey {
        key: Some(pb::user_key::Key::Email(email.to_owned())),
    })
}

pub fn key_id(id: &str) -> Option<pb::UserKey> {
    Some(pb::UserKey {
        key: Some(pb::user_key::Key::Id(id.to_owned())),
    })
}

pub fn get_by(key: pb::user_key::Key) -> pb::GetUserRequest {
    pb::GetUserRequest {
        key: Some(pb::UserKey { key: Some(key) }),
    }
}

pub fn mask(paths: &[&str]) -> Option<prost_types::FieldMask> {
    Some(prost_types::FieldMask {
        paths: paths.iter().map(|p| (*p).to_owned()).collect(),
    })
}

/// The status of a call that must fail with `code`.
#[track_caller]
pub fn expect_code<T: std::fmt::Debug>(r: Result<T, Status>, code: Code) -> Status {
    match r {
        Ok(v) => panic!("expected {code:?}, got a success: {v:?}"),
        Err(s) => {
            assert_eq!(s.code(), code, "unexpected status: {s:?}");
            s
        }
    }
}

/// The ErrorInfo reason of a status.
pub fn reason(s: &Status) -> String {
    s.get_details_error_info()
        .map(|i| i.reason)
        .unwrap_or_default()
}

/// The fields named by a status's BadRequest violations.
pub fn violated_fields(s: &Status) -> Vec<String> {
    s.get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The `roster` binary built next to this test binary.
pub fn roster_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/api-<hash> -> target/<profile>/roster
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .expect("target dir")
        .join("roster");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p roster` (make test does)",
        bin.display()
    );
    bin
}

/// grpcurl as `make tools` installs it.
pub fn grpcurl_bin() -> PathBuf {
    let p = workspace_root().join(".tools/bin/grpcurl");
    assert!(
        p.exists(),
        "{} is missing: run `make tools` (make test does)",
        p.display()
    );
    p
}
