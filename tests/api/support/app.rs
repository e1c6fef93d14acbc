//! Roster started on loopback port 0 exactly as the binary starts it, with a fresh database,
//! the test signing keys, and tenants made over gRPC with every credential the dialects use.

use super::db::TestDb;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use roster::{Role, Server, Settings};
use roster_proto::v1 as pb;
use roster_user_service::{TokenConfig, TokenKey, Tokens, scopes};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use tonic::transport::{Channel, Endpoint};

/// The signing key every test server uses, so tests can mint their own (bad) tokens.
pub(crate) const TEST_KID: &str = "test";
pub(crate) const TEST_KEY: [u8; 32] = [42; 32];

/// The test signing key as settings spell it (`ROSTER_TOKEN_KEYS`): `kid:base64`.
pub(crate) fn token_keys() -> String {
    format!("{TEST_KID}:{}", STANDARD.encode(TEST_KEY))
}

/// The server key every test server uses, so tests can recompute what it derives.
const SERVER_KEY: [u8; 32] = [7; 32];

/// [`SERVER_KEY`] as settings spell it (`ROSTER_SERVER_KEY`).
pub(crate) fn server_key() -> String {
    STANDARD.encode(SERVER_KEY)
}

/// The API secret a test server derives for the user `user_id`.
pub(crate) fn secret_of(user_id: &str) -> String {
    let secrets = roster_user_service::ServerSecrets::new(SERVER_KEY.to_vec());
    roster_domain::ports::Secrets::user_secret(
        &secrets,
        roster_domain::UserId::parse(user_id).expect("a user id"),
    )
}

/// A tenant made for a test, with its credentials.
#[derive(Debug, Clone)]
pub(crate) struct TestTenant {
    pub(crate) id: String,
    pub(crate) company_id: i64,
    pub(crate) admin: pb::User,
    pub(crate) admin_secret: String,
    pub(crate) integration_key: String,
    pub(crate) organization_secret: String,
    /// A service account's tenant-administrator token: it administers the tenant's users,
    /// never the owner's record or credentials.
    pub(crate) token: String,
    /// The owner's token, as if the owner had signed in with one of its SSH keys.
    pub(crate) owner_token: String,
}

/// Tokens signed with the test key, as any server started with the test settings (in this
/// process or another) accepts them.
#[derive(Debug)]
pub(crate) struct TestTokens(Tokens);

impl TestTokens {
    pub(crate) fn new(settings: &Settings) -> Self {
        Self(Tokens::new(TokenConfig {
            issuer: settings.token_issuer.clone(),
            audience: settings.token_audience.clone(),
            keys: vec![TokenKey {
                kid: TEST_KID.to_owned(),
                secret: TEST_KEY.to_vec(),
            }],
            default_ttl: Duration::from_mins(10),
            max_ttl: Duration::from_hours(24),
        }))
    }

    /// A service token of `tenant` (or of the installation) with `scopes`.
    pub(crate) fn token(&self, tenant: Option<&str>, scopes: &[&str]) -> String {
        let tenant = tenant.map(|t| roster_domain::TenantId::parse(t).expect("tenant id"));
        self.0
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
    pub(crate) fn user_token(
        &self,
        tenant: &str,
        user: &str,
        scopes: &[&str],
        epoch: i64,
    ) -> String {
        let tenant = roster_domain::TenantId::parse(tenant).expect("tenant id");
        self.0
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
}

/// Roster running on loopback with a database of its own.
#[derive(Debug)]
pub(crate) struct TestApp {
    pub(crate) settings: Settings,
    pub(crate) grpc_addr: SocketAddr,
    pub(crate) http_url: String,
    /// `http://host:port` of the metrics listener (`metrics_addr`; on by default, port 0 here).
    pub(crate) metrics_url: Option<String>,
    pub(crate) channel: Channel,
    pub(crate) http: reqwest::Client,
    tokens: TestTokens,
    /// Held, never read: the servers run as long as the app.
    _server: Server,
    pub(crate) db: TestDb,
    pub(crate) dir: tempfile::TempDir,
}

/// Settings of a test server: port 0 everywhere (metrics included), the test keys, data in `dir`.
pub(crate) fn test_settings(dir: &Path, database_url: &str) -> Settings {
    Settings {
        data_dir: dir.to_path_buf(),
        database_url: Some(database_url.to_owned()),
        database_max_connections: 8,
        grpc_addr: "127.0.0.1:0".parse().unwrap(),
        http_addr: "127.0.0.1:0".parse().unwrap(),
        metrics_addr: Some("127.0.0.1:0".parse().unwrap()),
        token_keys: Some(token_keys()),
        server_key: Some(server_key()),
        ..Settings::default()
    }
}

impl TestApp {
    pub(crate) async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts Roster after `tweak` adjusts the test settings.
    pub(crate) async fn spawn_with(tweak: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = TestDb::create(dir.path()).await;
        let mut settings = test_settings(dir.path(), &db.url);
        tweak(&mut settings);
        Self::start(settings, db, dir).await
    }

    async fn start(settings: Settings, db: TestDb, dir: tempfile::TempDir) -> Self {
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
        let tokens = TestTokens::new(&settings);
        Self {
            settings,
            grpc_addr,
            http_url,
            metrics_url,
            channel,
            http: reqwest::Client::new(),
            tokens,
            _server: server,
            db,
            dir,
        }
    }

    /// The same installation stopped and started again: same settings, database and keys,
    /// new ports.
    pub(crate) async fn restarted(self) -> Self {
        let Self {
            settings,
            _server: server,
            db,
            dir,
            ..
        } = self;
        server
            .shutdown(Duration::from_secs(5))
            .await
            .expect("roster stops");
        Self::start(settings, db, dir).await
    }

    /// Settings for another gateway in front of this app's user service.
    pub(crate) fn settings_for_gateway(&self) -> Settings {
        let mut s = self.settings.clone();
        s.http_addr = "127.0.0.1:0".parse().unwrap();
        s.user_service_url = Some(format!("http://{}", self.grpc_addr));
        s
    }

    /// A token signed with the server's key.
    pub(crate) fn token(&self, tenant: Option<&str>, scopes: &[&str]) -> String {
        self.tokens.token(tenant, scopes)
    }

    /// A token of the user `user` of `tenant`, as Authenticate mints it for an SSH key
    /// signature (`epoch`: the user's authorization epoch now).
    pub(crate) fn user_token(
        &self,
        tenant: &str,
        user: &str,
        scopes: &[&str],
        epoch: i64,
    ) -> String {
        self.tokens.user_token(tenant, user, scopes, epoch)
    }

    /// The installation administrator's token.
    pub(crate) fn admin_token(&self) -> String {
        self.tokens.token(None, &[scopes::ADMIN])
    }

    /// Creates a tenant over gRPC, with a tenant-administrator token for it.
    pub(crate) async fn tenant(&self, login: &str) -> TestTenant {
        self.tenant_with_keys(login, &[]).await
    }

    /// Creates a tenant whose owner has these SSH public keys.
    pub(crate) async fn tenant_with_keys(
        &self,
        login: &str,
        owner_ssh_keys: &[String],
    ) -> TestTenant {
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
            company_id: t.company_id,
            admin: r.admin.expect("admin"),
            admin_secret: r.admin_secret,
            integration_key: r.integration_key,
            organization_secret: r.organization_secret,
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.http_url)
    }
}
