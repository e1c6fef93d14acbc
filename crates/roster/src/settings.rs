//! Settings: built-in defaults, then a TOML file (`--config` / `ROSTER_CONFIG`), then
//! `ROSTER_*` environment variables (`ROSTER_GRPC_ADDR` sets `grpc_addr`), then command-line
//! flags. Only this crate reads configuration; the libraries take typed values.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Every setting, flat, so that each has exactly one file key and one variable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Where the embedded database and generated keys live.
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; default: `roster.db` in the data directory.
    pub database_url: Option<String>,
    /// Database connection pool size.
    pub database_max_connections: u32,
    /// Longest a call waits for a free database connection, in milliseconds; past it the
    /// call is refused with TRY_LATER (503 with `Retry-After` in the dialects). Keep it well
    /// below `upstream_timeout_ms`.
    pub database_acquire_timeout_ms: u64,
    /// SQLite: the memory the pool's page caches may hold together, in KiB (split evenly
    /// over the connections, at least 64 KiB each).
    pub database_sqlite_cache_kib: u32,
    /// gRPC listen address of the user service.
    pub grpc_addr: SocketAddr,
    /// HTTP listen address of the gateway.
    pub http_addr: SocketAddr,
    /// The user service as the gateway reaches it; default `http://<grpc_addr>`. A host
    /// name stands for every address it resolves to (a headless Service: one per pod), and
    /// several URLs may be given, comma-separated; calls are balanced over all of them.
    pub user_service_url: Option<String>,
    /// Seconds between two resolutions of the host names of `user_service_url` (at least 1).
    pub user_service_resolve_interval_secs: u64,
    /// Gateway: the time one HTTP request's calls to the user service may take together, in
    /// milliseconds from its arrival. Each call carries what is left as its gRPC deadline,
    /// which the user service passes down to the database.
    pub upstream_timeout_ms: u64,
    /// The same for the bulk routes (a SureCloud PATCH, a SCIM `/Bulk`), whose work grows
    /// with the request.
    pub upstream_bulk_timeout_ms: u64,
    /// Apply pending migrations when `serve` or `user-service` starts.
    pub migrate_on_start: bool,
    /// `iss` of issued tokens.
    pub token_issuer: String,
    /// `aud` of issued tokens.
    pub token_audience: String,
    /// Signing keys, newest first: `kid:base64secret,kid2:base64secret`. Default: generated
    /// once into `keys.json` in the data directory.
    pub token_keys: Option<String>,
    /// Lifetime of tokens from `roster token issue` and `tenant create`, in seconds.
    pub token_ttl_secs: u64,
    /// Longest lifetime IssueToken grants, in seconds.
    pub token_max_ttl_secs: u64,
    /// Lifetime of tokens minted for dialect credentials, in seconds.
    pub authenticate_token_ttl_secs: u64,
    /// Base64 of at least 32 random bytes: derives user API secrets, signs page tokens.
    /// Default: generated once into `keys.json` in the data directory.
    pub server_key: Option<String>,
    /// Concurrent argon2 hashes; default: the number of cores.
    pub hash_concurrency: Option<usize>,
    /// Longest a request waits for an argon2 hashing thread, in milliseconds; past it the
    /// request is refused with TRY_LATER (503 / 429 with `Retry-After` in the dialects).
    pub argon2_max_wait_ms: u64,
    /// Most argon2 hashes one tenant may have waiting; more are refused at once (TRY_LATER).
    pub argon2_max_queued_per_tenant: usize,
    /// Most users in one batch upsert.
    pub max_batch_users: usize,
    /// Largest HTTP request body, in bytes.
    pub max_body_bytes: usize,
    /// `text` or `json`.
    pub log_format: String,
    /// Seconds in-flight requests get to finish once the listeners have closed.
    pub shutdown_grace_secs: u64,
    /// Where the process serves its Prometheus `/metrics`, on a listener of its own (never on
    /// the public REST port): one registry per process, so `roster serve` has one listener
    /// for both halves. `off` (or an empty value): nowhere.
    #[serde(with = "addr_or_off")]
    pub metrics_addr: Option<SocketAddr>,
    /// Seconds the servers go on serving after SIGTERM while they report not ready, so that
    /// load balancers stop sending first (Kubernetes: a few seconds; see the chart).
    pub shutdown_delay_secs: u64,
    /// Largest Forms On Fire request body, in bytes (refused with 400 before parsing).
    pub formsonfire_max_body_bytes: usize,
    /// Deepest nesting of a Forms On Fire request body (XML elements, JSON objects/arrays).
    pub formsonfire_max_depth: usize,
    /// Password guesses one user's password takes per window before further guesses are
    /// refused unchecked (VerifyPassword, Cloud Elements `Elements-User-Password`); 0: no limit.
    pub password_guesses_max: u32,
    /// The length of that window, in seconds.
    pub password_guesses_window_secs: u64,
    /// Most users in one SureCloud `PATCH /restful/v1/user` (more is refused whole, 413).
    pub surecloud_max_users: usize,
    /// Largest SureCloud request body, in bytes (more is refused whole, 413).
    pub surecloud_max_body_bytes: usize,
    /// Lifetime of the tokens `POST /restful/v1/token` returns for a secret key, in seconds.
    pub surecloud_token_ttl_secs: u64,
    /// Most operations in one SCIM `/Bulk` request (advertised as `maxOperations`; more is
    /// 413).
    pub scim_bulk_max_operations: usize,
    /// Largest SCIM request body, `/Bulk` included, in bytes (advertised as
    /// `maxPayloadSize`; larger is 413).
    pub scim_max_body_bytes: usize,
    /// Accept request signatures (CloudAPI) of writes that cover only `date`, not
    /// `(request-target)`, for old clients. Such signatures bind no method, so each is then
    /// accepted once, reads included.
    pub signature_allow_date_only: bool,
    /// Gateway: peers (addresses or CIDR ranges, comma-separated) whose `Forwarded` /
    /// `X-Forwarded-For` headers name the HTTP client, for secret-key address restrictions;
    /// `none`: the TCP peer is always the client. Set it to the ingress or load balancer.
    #[serde(with = "net_list")]
    pub trusted_proxies: Vec<IpNet>,
    /// User service: peers whose `roster-client-address` metadata names the client (the
    /// gateways); any other caller's own address counts. Loopback by default, where
    /// `roster serve` runs its gateway.
    #[serde(with = "net_list")]
    pub trusted_gateways: Vec<IpNet>,
    /// How long the answer of an idempotent write (gRPC `request_id`, REST `Idempotency-Key`)
    /// is kept for its retries, in seconds.
    pub idempotency_ttl_secs: u64,
    /// How long an idempotent write's claim holds its key while it runs, in seconds: past it
    /// a retry may run the write again (the claim's process died). Longer than any request.
    pub idempotency_lease_secs: u64,
    /// User service: how often to look for tables whose planner statistics are stale and
    /// refresh them (PostgreSQL `ANALYZE`, SQLite `PRAGMA optimize`), in seconds; 0: never.
    pub statistics_interval_secs: u64,
    /// User service: the NATS server the change events are published to (JetStream),
    /// e.g. `nats://127.0.0.1:4222`; unset: no relay (events are still read over gRPC).
    pub nats_url: Option<String>,
    /// The JetStream stream that keeps the events (made when missing).
    pub nats_stream: String,
    /// First token of the events' subjects: `<prefix>.<tenant id>.<type>`.
    pub nats_subject_prefix: String,
    /// How long the stream keeps an event, in seconds.
    pub nats_max_age_secs: u64,
    /// How long the stream remembers an event's id to drop a copy published again, in
    /// seconds (covers a relay that crashed between the acknowledgement and its mark).
    pub nats_duplicate_window_secs: u64,
    /// How long a replica's hold on publishing lasts unless renewed, in seconds; another
    /// replica takes over at most this long after the holder stops.
    pub relay_lease_secs: u64,
    /// User service: whether writes record change events (`on`), or none at all (`off`:
    /// ListEvents, WatchEvents, NATS and webhooks then see nothing new; for an installation
    /// that wants no events, or to measure what they cost).
    pub events_outbox: Switch,
    /// User service: how long the change events are kept for reading again (ListEvents,
    /// WatchEvents from a sequence), in seconds, counted from the write; with a NATS relay
    /// an event is kept until it is published, however old. 0: kept for ever.
    pub events_retention_secs: u64,
    /// User service: how long a webhook event that keeps failing is tried before it is parked, in seconds.
    pub webhook_retry_for_secs: u64,
    /// The pause after a webhook's first failed attempt, in milliseconds; it doubles after
    /// each, up to five minutes.
    pub webhook_first_retry_ms: u64,
    /// Events parked in a row that pause a webhook.
    pub webhook_pause_after_parked: u32,
    /// How long one webhook attempt may take, in seconds.
    pub webhook_timeout_secs: u64,
    /// Whether webhook URLs may point inside the installation's own network (loopback,
    /// private, link-local addresses, and names that resolve to them).
    pub webhook_allow_private: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./roster-data"),
            database_url: None,
            database_max_connections: 10,
            database_acquire_timeout_ms: 3000,
            database_sqlite_cache_kib: roster_storage::DEFAULT_SQLITE_CACHE_KIB,
            grpc_addr: SocketAddr::from(([127, 0, 0, 1], 50051)),
            http_addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            user_service_url: None,
            user_service_resolve_interval_secs: 5,
            upstream_timeout_ms: 30_000,
            upstream_bulk_timeout_ms: 600_000,
            migrate_on_start: true,
            token_issuer: "roster".to_owned(),
            token_audience: "roster.v1".to_owned(),
            token_keys: None,
            token_ttl_secs: 3600,
            token_max_ttl_secs: 86_400,
            authenticate_token_ttl_secs: 900,
            server_key: None,
            hash_concurrency: None,
            argon2_max_wait_ms: 3000,
            argon2_max_queued_per_tenant: 256,
            max_batch_users: 10_000,
            max_body_bytes: 16 * 1024 * 1024,
            log_format: "text".to_owned(),
            shutdown_grace_secs: 30,
            metrics_addr: Some(SocketAddr::from(([127, 0, 0, 1], 9090))),
            shutdown_delay_secs: 0,
            formsonfire_max_body_bytes: 1024 * 1024,
            formsonfire_max_depth: 32,
            password_guesses_max: 10,
            password_guesses_window_secs: 300,
            surecloud_max_users: 10_000,
            surecloud_max_body_bytes: 16 * 1024 * 1024,
            surecloud_token_ttl_secs: 3600,
            scim_bulk_max_operations: 1000,
            scim_max_body_bytes: 1024 * 1024,
            signature_allow_date_only: false,
            trusted_proxies: Vec::new(),
            trusted_gateways: roster_user_service::default_trusted_gateways(),
            idempotency_ttl_secs: 86_400,
            idempotency_lease_secs: 120,
            statistics_interval_secs: 30,
            nats_url: None,
            nats_stream: "ROSTER_EVENTS".to_owned(),
            nats_subject_prefix: "roster".to_owned(),
            nats_max_age_secs: 7 * 86_400,
            nats_duplicate_window_secs: 600,
            relay_lease_secs: 15,
            events_retention_secs: 7 * 86_400,
            events_outbox: Switch::On,
            webhook_retry_for_secs: 86_400,
            webhook_first_retry_ms: 5_000,
            webhook_pause_after_parked: 3,
            webhook_timeout_secs: 10,
            webhook_allow_private: false,
        }
    }
}

/// A feature turned on or off (`on`, `off`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Switch {
    On,
    Off,
}

/// A listen address that may be switched off: `off` or an empty value is `None`.
mod addr_or_off {
    use serde::{Deserialize as _, Deserializer, Serializer};
    use std::net::SocketAddr;

    #[allow(clippy::ref_option)] // serde's `with` passes a reference to the field
    pub(super) fn serialize<S: Serializer>(
        addr: &Option<SocketAddr>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match addr {
            Some(a) => s.collect_str(a),
            None => s.serialize_str("off"),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<SocketAddr>, D::Error> {
        let text = String::deserialize(d)?;
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        text.parse().map(Some).map_err(|e| {
            serde::de::Error::custom(format!("`{text}` is not an address nor `off`: {e}"))
        })
    }
}

/// A list of addresses and CIDR ranges: in a file a TOML array or one string, in a variable
/// one string, comma- or space-separated; `none` (or empty) is the empty list, and is how
/// the empty list is written.
mod net_list {
    use ipnet::IpNet;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::net::IpAddr;

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        One(String),
        Many(Vec<String>),
    }

    pub(super) fn serialize<S: Serializer>(list: &[IpNet], s: S) -> Result<S::Ok, S::Error> {
        if list.is_empty() {
            return s.serialize_str("none");
        }
        let text: Vec<String> = list.iter().map(ToString::to_string).collect();
        s.serialize_str(&text.join(","))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<IpNet>, D::Error> {
        let items = match Raw::deserialize(d)? {
            Raw::One(s) => s.split([',', ' ']).map(str::to_owned).collect::<Vec<_>>(),
            Raw::Many(v) => v,
        };
        items
            .iter()
            .map(|i| i.trim())
            .filter(|i| !i.is_empty() && !i.eq_ignore_ascii_case("none"))
            .map(|i| {
                i.parse::<IpNet>()
                    .or_else(|_| i.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        serde::de::Error::custom(format!(
                            "`{i}` is not an IP address or CIDR range"
                        ))
                    })
            })
            .collect()
    }
}

/// Variables with the prefix that are not settings but are read elsewhere.
const NOT_SETTINGS: &[&str] = &["CONFIG", "TEST_DATABASE_URL"];

impl Settings {
    /// The names of every setting.
    pub fn keys() -> Vec<String> {
        match serde_json::to_value(Settings::default()) {
            Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    /// Defaults, then `file`, then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let mut f = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = file {
            f = f.merge(Toml::file_exact(path));
        }
        let keys = Self::keys();
        // The filter sees the variable's own case (`GRPC_ADDR`).
        f = f.merge(
            Env::prefixed("ROSTER_")
                .filter(move |k| keys.iter().any(|s| s.eq_ignore_ascii_case(k.as_str()))),
        );
        f.extract().map_err(Box::new)
    }

    /// `ROSTER_*` variables that name no setting (likely typos).
    pub fn unknown_env_vars() -> Vec<String> {
        let keys = Self::keys();
        std::env::vars()
            .filter_map(|(k, _)| k.strip_prefix("ROSTER_").map(str::to_owned))
            .filter(|k| !NOT_SETTINGS.contains(&k.as_str()))
            .filter(|k| !keys.iter().any(|s| s.eq_ignore_ascii_case(k)))
            .map(|k| format!("ROSTER_{k}"))
            .collect()
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("roster.db").display()
            )
        })
    }

    /// The user service URL the gateway dials.
    pub fn upstream_url(&self, grpc: SocketAddr) -> String {
        self.user_service_url.clone().unwrap_or_else(|| {
            // A wildcard listen address is reachable on loopback.
            let host = if grpc.ip().is_unspecified() {
                "127.0.0.1".to_owned()
            } else {
                grpc.ip().to_string()
            };
            format!("http://{host}:{}", grpc.port())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_ones() {
        let s = Settings::default();
        assert_eq!(s.grpc_addr.to_string(), "127.0.0.1:50051");
        assert_eq!(s.http_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.metrics_addr, Some("127.0.0.1:9090".parse().unwrap()));
        assert!(
            s.database_url()
                .starts_with("sqlite://./roster-data/roster.db")
        );
        assert_eq!(
            s.upstream_url("0.0.0.0:50051".parse().unwrap()),
            "http://127.0.0.1:50051"
        );
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment::Error is what Jail takes
    fn environment_variables_override_the_file() {
        // Figment's Jail isolates the process environment for this test.
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "roster.toml",
                "grpc_addr = \"127.0.0.1:6000\"\nlog_format = \"text\"\n",
            )?;
            jail.set_env("ROSTER_GRPC_ADDR", "127.0.0.1:0");
            jail.set_env("ROSTER_LOG_FORMAT", "json");
            jail.set_env("ROSTER_MAX_BATCH_USERS", "7");
            let s = Settings::load(Some(Path::new("roster.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(s.grpc_addr.port(), 0);
            assert_eq!(s.log_format, "json");
            assert_eq!(s.max_batch_users, 7);
            assert_eq!(s.metrics_addr, Some("127.0.0.1:9090".parse().unwrap()));
            jail.set_env("ROSTER_METRICS_ADDR", "0.0.0.0:9191");
            let s = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(s.metrics_addr, Some("0.0.0.0:9191".parse().unwrap()));
            jail.set_env("ROSTER_METRICS_ADDR", "off");
            assert_eq!(
                Settings::load(None)
                    .map_err(|e| e.to_string())?
                    .metrics_addr,
                None
            );
            jail.set_env("ROSTER_METRICS_ADDR", "");
            assert_eq!(
                Settings::load(None)
                    .map_err(|e| e.to_string())?
                    .metrics_addr,
                None
            );
            jail.set_env("ROSTER_METRICS_ADDR", "nowhere");
            assert!(Settings::load(None).is_err());
            jail.set_env("ROSTER_METRICS_ADDR", "off");
            jail.set_env("ROSTER_MAX_BATHC_USERS", "1");
            assert_eq!(Settings::unknown_env_vars(), ["ROSTER_MAX_BATHC_USERS"]);
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment::Error is what Jail takes
    fn trusted_peers_are_lists_of_addresses_and_ranges() {
        figment::Jail::expect_with(|jail| {
            let s = Settings::load(None).map_err(|e| e.to_string())?;
            assert!(s.trusted_proxies.is_empty());
            let loopback: Vec<IpNet> =
                vec!["127.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()];
            assert_eq!(s.trusted_gateways, loopback);
            jail.create_file(
                "roster.toml",
                "trusted_proxies = [\"10.0.0.0/8\", \"192.0.2.1\"]\ntrusted_gateways = \"none\"\n",
            )?;
            let s = Settings::load(Some(Path::new("roster.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(
                s.trusted_proxies,
                vec![
                    "10.0.0.0/8".parse::<IpNet>().unwrap(),
                    "192.0.2.1/32".parse().unwrap()
                ]
            );
            assert!(s.trusted_gateways.is_empty());
            jail.set_env("ROSTER_TRUSTED_PROXIES", "127.0.0.1, ::1");
            let s = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(s.trusted_proxies.len(), 2);
            jail.set_env("ROSTER_TRUSTED_PROXIES", "10.0.0.0/33");
            assert!(Settings::load(None).is_err());
            Ok(())
        });
    }

    #[test]
    fn a_file_overrides_defaults() {
        let dir = std::env::temp_dir().join(format!("roster-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("roster.toml");
        std::fs::write(
            &path,
            "grpc_addr = \"127.0.0.1:6000\"\nmax_batch_users = 5\n",
        )
        .unwrap();
        let s = Settings::load(Some(&path)).unwrap();
        assert_eq!(s.grpc_addr.port(), 6000);
        assert_eq!(s.max_batch_users, 5);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
