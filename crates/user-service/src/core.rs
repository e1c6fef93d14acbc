//! The user service's state: the domain use cases wired to one store, the token keys and
//! the page-token key, plus the check every method starts with.

use crate::hasher::{Argon2Hasher, HashLimits};
use crate::page_token::PageTokens;
use crate::secrets::ServerSecrets;
use crate::status::{IntoStatus, missing_scope, status};
use crate::tokens::{Caller, TokenConfig, TokenError, Tokens, scopes};
use roster_domain::UserId;
use roster_domain::auth::{AuthService, AuthenticateError, SecretKeyUse};
use roster_domain::authz::{Actor, CredentialKind, MemberAuthority, Principal, StoredAuthority};
use roster_domain::events::EventService;
use roster_domain::folders::FolderService;
use roster_domain::groups::GroupService;
use roster_domain::idempotency::{Idempotency, IdempotencyRules};
use roster_domain::keys::KeyService;
use roster_domain::ports::{
    EventRepository, FolderRepository, GroupRepository, IdempotencyRecords, KeyRepository,
    PasswordGuesses, ProvisioningTokenRepository, RbacRepository, SecretKeyRepository,
    TenantRepository, UsedSignatures, UserRepository, WriteCounter,
};
use roster_domain::provisioning::ProvisioningTokenService;
use roster_domain::rbac::RbacService;
use roster_domain::rbac::RoleGrant;
use roster_domain::secret_keys::{SecretKeyId, SecretKeyService};
use roster_domain::signatures::{SignatureChecks, SignaturePolicy};
use roster_domain::tenants::TenantKey;
use roster_domain::tenants::TenantService;
use roster_domain::users::UserStatus;
use roster_domain::users::{GuessLimit, UserService};
use roster_domain::webhooks::{WebhookRepository, WebhookService};
use roster_domain::{Clock, TenantId};
use roster_proto::v1::ErrorReason;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;
use tonic::{Code, Request, Status};

/// Everything the domain needs from storage, in one bound.
pub trait Store:
    UserRepository
    + EventRepository
    + GroupRepository
    + TenantRepository
    + KeyRepository
    + RbacRepository
    + FolderRepository
    + PasswordGuesses
    + SecretKeyRepository
    + ProvisioningTokenRepository
    + UsedSignatures
    + IdempotencyRecords
    + WriteCounter
    + WebhookRepository
    + Clone
{
}
impl<T> Store for T where
    T: UserRepository
        + EventRepository
        + GroupRepository
        + TenantRepository
        + KeyRepository
        + RbacRepository
        + FolderRepository
        + PasswordGuesses
        + SecretKeyRepository
        + ProvisioningTokenRepository
        + UsedSignatures
        + IdempotencyRecords
        + WriteCounter
        + WebhookRepository
        + Clone
{
}

/// How the core is set up.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    pub tokens: TokenConfig,
    /// At least 32 random bytes: derives user API secrets and signs page tokens.
    pub server_key: Vec<u8>,
    /// Concurrent argon2 hashes (the number of cores is a good value).
    pub hash_concurrency: usize,
    /// Longest a request waits for a hashing thread before it is refused (TRY_LATER).
    pub hash_max_wait: Duration,
    /// Most password hashes one tenant may have waiting; more are refused (TRY_LATER).
    pub hash_max_queued_per_tenant: usize,
    /// Most items in one BatchUpsertUsers.
    pub max_batch: usize,
    /// Lifetime of tokens minted by Authenticate.
    pub authenticate_ttl: Duration,
    /// Password guesses allowed per user and window (VerifyPassword).
    pub password_guesses: GuessLimit,
    /// Lifetime of tokens minted for secret keys (SureCloud).
    pub secret_key_ttl: Duration,
    /// How request signatures (CloudAPI's HTTP Signatures) are checked beyond their
    /// cryptography: date window, method binding, replay.
    pub signatures: SignaturePolicy,
    /// Peers whose `roster-client-address` metadata is believed (the gateways); see
    /// [`crate::client_address`].
    pub trusted_gateways: Vec<ipnet::IpNet>,
    /// How long idempotent answers are kept and claims held (`request_id`,
    /// `Idempotency-Key`).
    pub idempotency: IdempotencyRules,
    /// Whether webhook URLs may point inside the installation's own network (loopback,
    /// private and link-local addresses).
    pub webhook_allow_private: bool,
}

#[derive(Debug)]
pub struct Core<R> {
    pub(crate) users: UserService<R, Argon2Hasher>,
    pub(crate) groups: GroupService<R>,
    pub(crate) tenants: TenantService<R>,
    pub(crate) auth: AuthService<R>,
    pub(crate) keys: KeyService<R>,
    pub(crate) rbac: RbacService<R>,
    pub(crate) tokens: Tokens,
    pub(crate) pages: PageTokens,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) authenticate_ttl: Duration,
    pub(crate) folders: FolderService<R>,
    pub(crate) secret_keys: SecretKeyService<R>,
    pub(crate) secret_key_ttl: Duration,
    pub(crate) provisioning: ProvisioningTokenService<R>,
    pub(crate) idempotency: Idempotency<R>,
    pub(crate) events: EventService<R>,
    pub(crate) webhooks: WebhookService<R>,
    /// Seals kept answers (see [`crate::idempotency`]).
    pub(crate) sealer: crate::idempotency::Sealer,
    trusted_gateways: Vec<ipnet::IpNet>,
    /// Each tenant's owner. An owner never changes, so entries never go stale; a deleted
    /// tenant's entry is harmless (its tokens name a tenant that no longer answers).
    owners: Mutex<HashMap<TenantId, Option<UserId>>>,
    /// Users' authority as last read, for the calls that follow within
    /// [`AUTHORITY_TTL`] while this process writes nothing (see [`Core::authority`]).
    authorities: Mutex<HashMap<(TenantId, UserId), CachedAuthority>>,
    store: R,
}

/// How long a user's authority, read for one call, serves the calls after it. Any write by
/// this process ends it at once; a write by another replica within this time.
pub(crate) const AUTHORITY_TTL: Duration = Duration::from_secs(1);
const AUTHORITY_CAPACITY: usize = 10_000;

#[derive(Debug)]
struct CachedAuthority {
    writes: u64,
    read_at: std::time::Instant,
    authority: Option<StoredAuthority>,
}

use roster_proto::AS_ROLE_METADATA;

impl<R: Store> Core<R> {
    pub fn new(store: R, config: CoreConfig, clock: Arc<dyn Clock>) -> Self {
        let server = ServerSecrets::new(config.server_key);
        let secrets: Arc<dyn roster_domain::ports::Secrets> = Arc::new(server.clone());
        let hasher = Argon2Hasher::new(HashLimits {
            threads: config.hash_concurrency,
            max_wait: config.hash_max_wait,
            max_queued_per_tenant: config.hash_max_queued_per_tenant,
        });
        Self {
            users: UserService::new(
                store.clone(),
                hasher,
                Arc::clone(&secrets),
                Arc::clone(&clock),
            )
            .with_max_batch(config.max_batch)
            .with_guess_limit(config.password_guesses),
            groups: GroupService::new(store.clone(), Arc::clone(&clock)),
            tenants: TenantService::new(store.clone(), Arc::clone(&secrets), Arc::clone(&clock)),
            keys: KeyService::new(store.clone(), Arc::clone(&clock)),
            rbac: RbacService::new(store.clone(), Arc::clone(&clock)),
            folders: FolderService::new(store.clone(), Arc::clone(&clock)),
            secret_keys: SecretKeyService::new(
                store.clone(),
                Arc::clone(&secrets),
                Arc::clone(&clock),
            ),
            provisioning: ProvisioningTokenService::new(
                store.clone(),
                Arc::clone(&secrets),
                Arc::clone(&clock),
            ),
            auth: AuthService::new(
                store.clone(),
                Arc::clone(&secrets),
                Arc::new(crate::ssh::HttpSignatures),
            )
            .with_signature_checks(SignatureChecks::new(config.signatures, Arc::clone(&clock)))
            .with_host_names(Arc::new(crate::host_names::SystemHostNames::default())),
            events: EventService::new(store.clone()),
            webhooks: WebhookService::new(
                store.clone(),
                Arc::clone(&secrets),
                Arc::clone(&clock),
                config.webhook_allow_private,
            ),
            idempotency: Idempotency::new(store.clone(), Arc::clone(&clock), config.idempotency),
            sealer: crate::idempotency::Sealer::new(&server),
            tokens: Tokens::new(config.tokens),
            pages: PageTokens::new(server),
            clock,
            authenticate_ttl: config.authenticate_ttl,
            secret_key_ttl: config.secret_key_ttl,
            trusted_gateways: config.trusted_gateways,
            owners: Mutex::default(),
            authorities: Mutex::default(),
            store,
        }
    }

    /// Tenant administration, for the operator CLI.
    pub fn tenants(&self) -> &TenantService<R> {
        &self.tenants
    }

    /// Group administration, for the operator CLI.
    pub fn groups(&self) -> &GroupService<R> {
        &self.groups
    }

    /// Secret keys, for the operator CLI.
    pub fn secret_keys(&self) -> &SecretKeyService<R> {
        &self.secret_keys
    }

    /// Provisioning tokens, for the operator CLI.
    pub fn provisioning_tokens(&self) -> &ProvisioningTokenService<R> {
        &self.provisioning
    }

    /// Webhook subscriptions, for the operator CLI.
    pub fn webhooks(&self) -> &WebhookService<R> {
        &self.webhooks
    }

    pub fn tokens(&self) -> &Tokens {
        &self.tokens
    }

    pub fn now(&self) -> roster_domain::Timestamp {
        self.clock.now()
    }

    /// The address of the client `req` serves (see [`crate::client_address`]).
    pub(crate) fn client_address<T>(&self, req: &Request<T>) -> Option<std::net::IpAddr> {
        crate::client_address::client_address(req, &self.trusted_gateways)
    }

    /// The verified caller of `req` (bearer token in `authorization`). A token issued for a
    /// secret key is refused as soon as the key is revoked or rotated or its user disabled,
    /// and from a client its user's address restrictions do not admit: that costs two
    /// indexed reads, on those tokens only. A token exchanged for a provisioning token is
    /// refused (`TOKEN_REVOKED`) as soon as that is revoked: one read by primary key.
    pub(crate) async fn caller<T: Sync>(&self, req: &Request<T>) -> Result<Caller, Status> {
        let caller = self.verified(req)?;
        if caller.credential.as_deref() == Some(CredentialKind::ProvisioningToken.as_str()) {
            let id = caller
                .credential_id
                .as_deref()
                .and_then(|id| roster_domain::ProvisioningTokenId::parse(id).ok());
            let current = match (caller.tenant, id) {
                (Some(tenant), Some(id)) => self
                    .auth
                    .provisioning_token_is_current(tenant, id)
                    .await
                    .map_err(|e| crate::status::storage_failure("auth", &e))?,
                _ => false,
            };
            if !current {
                return Err(TokenError::Revoked.into_status());
            }
        }
        if let Some(key) = &caller.secret_key {
            let check = match (
                caller.tenant,
                roster_domain::UserId::parse(&caller.subject),
                SecretKeyId::parse(key),
            ) {
                (Some(tenant), Ok(user), Some(key)) => self
                    .auth
                    .secret_key_use(tenant, user, key, self.client_address(req))
                    .await
                    .map_err(|e| crate::status::storage_failure("auth", &e))?,
                _ => SecretKeyUse::Stale,
            };
            match check {
                SecretKeyUse::Allowed => {}
                SecretKeyUse::Stale => return Err(TokenError::Invalid.into_status()),
                SecretKeyUse::AddressNotAllowed => {
                    return Err(AuthenticateError::AddressNotAllowed.into_status());
                }
            }
        }
        Ok(caller)
    }

    /// The caller of `req` as its token says, signature and expiry checked.
    fn verified<T>(&self, req: &Request<T>) -> Result<Caller, Status> {
        let header = req
            .metadata()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                status(
                    Code::Unauthenticated,
                    "a bearer token is required",
                    ErrorReason::TokenInvalid,
                    &[],
                    None,
                )
            })?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or_else(|| TokenError::Invalid.into_status())?;
        self.tokens
            .verify(token.trim())
            .map_err(IntoStatus::into_status)
    }

    /// The caller of `req` as the domain's policy sees it, provided its token carries
    /// `scope` (a coarse first gate; the use case asks the policy for the decision).
    pub(crate) async fn principal_for<T: Sync>(
        &self,
        req: &Request<T>,
        scope: &str,
    ) -> Result<Principal, Status> {
        let caller = self.caller(req).await?;
        if !caller.has(scope) {
            return Err(missing_scope(scope));
        }
        if caller.tenant.is_none() {
            return Err(status(
                Code::PermissionDenied,
                "the token names no tenant",
                ErrorReason::MissingScope,
                &[],
                None,
            ));
        }
        self.principal_of(req, caller).await
    }

    /// The principal a verified token speaks for. A user's token is judged on the user as
    /// the store has it now: gone, disabled or with another authorization epoch, it is
    /// refused (revocation takes effect on the next call); its rights are the user's current
    /// access level and roles, never what the token was minted with.
    pub(crate) async fn principal_of<T>(
        &self,
        req: &Request<T>,
        caller: Caller,
    ) -> Result<Principal, Status> {
        let Some(tenant) = caller.tenant else {
            return if caller.has(scopes::ADMIN) {
                Ok(Principal::operator())
            } else {
                Err(TokenError::Invalid.into_status())
            };
        };
        let owner = self.owner_of(tenant).await?;
        let user_token = caller.kind.as_deref() == Some("user")
            || (caller.kind.is_none() && caller.secret_key.is_some());
        let (actor, credential) = if user_token {
            let user =
                UserId::parse(&caller.subject).map_err(|_| TokenError::Invalid.into_status())?;
            let stored = self
                .authority(tenant, user)
                .await
                .map_err(|e| crate::status::storage_failure("auth", &e))?
                .ok_or_else(|| TokenError::Revoked.into_status())?;
            if stored.status == UserStatus::Disabled
                || caller.epoch.is_some_and(|e| e != stored.epoch)
            {
                return Err(TokenError::Revoked.into_status());
            }
            let active = active_roles(req, stored.grants)?;
            let member = MemberAuthority {
                user,
                owner: owner == Some(user),
                access_level: stored.access_level,
                org_admin: stored.org_admin,
                secret_key_admin: stored.secret_key_admin,
                active,
            };
            let credential = caller
                .credential
                .as_deref()
                .and_then(CredentialKind::parse)
                .unwrap_or(if caller.secret_key.is_some() {
                    CredentialKind::SecretKey
                } else {
                    CredentialKind::OrganizationSecret
                });
            (Actor::Member(member), credential)
        } else if caller.kind.as_deref() == Some("integration") {
            // An integration key's or a provisioning token's; [`Core::caller`] checked that
            // the provisioning token is current.
            let credential = if caller.credential.as_deref()
                == Some(CredentialKind::ProvisioningToken.as_str())
            {
                CredentialKind::ProvisioningToken
            } else {
                CredentialKind::IntegrationKey
            };
            (Actor::Integration, credential)
        } else {
            (Actor::Service, CredentialKind::ServiceToken)
        };
        Ok(Principal {
            tenant: Some(tenant),
            owner,
            actor,
            credential,
            credential_id: caller
                .credential_id
                .or_else(|| caller.secret_key.clone())
                .or_else(|| {
                    (credential == CredentialKind::ServiceToken).then(|| caller.subject.clone())
                }),
            scopes: caller.scopes,
        })
    }

    /// What a user's token is judged on: read from the store, or from the last read when it
    /// is younger than [`AUTHORITY_TTL`] and this process has written nothing since (the
    /// count is taken before the read, so a write racing with it ends the entry too).
    async fn authority(
        &self,
        tenant: TenantId,
        user: UserId,
    ) -> Result<Option<StoredAuthority>, roster_domain::StorageError> {
        let writes = self.store.writes();
        let key = (tenant, user);
        {
            let cache = self
                .authorities
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(c) = cache.get(&key)
                && c.writes == writes
                && c.read_at.elapsed() < AUTHORITY_TTL
            {
                return Ok(c.authority.clone());
            }
        }
        let read_at = std::time::Instant::now();
        let authority = self.auth.authority(tenant, user).await?;
        let mut cache = self
            .authorities
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() >= AUTHORITY_CAPACITY {
            cache.retain(|_, c| c.read_at.elapsed() < AUTHORITY_TTL);
            if cache.len() >= AUTHORITY_CAPACITY {
                cache.clear();
            }
        }
        cache.insert(
            key,
            CachedAuthority {
                writes,
                read_at,
                authority: authority.clone(),
            },
        );
        Ok(authority)
    }

    /// The owner of `tenant`; a tenant that is gone makes its tokens invalid.
    async fn owner_of(&self, tenant: TenantId) -> Result<Option<UserId>, Status> {
        if let Some(owner) = self
            .owners
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&tenant)
        {
            return Ok(*owner);
        }
        let t = self
            .auth
            .tenant(&TenantKey::Id(tenant))
            .await
            .map_err(|e| crate::status::storage_failure("auth", &e))?
            .ok_or_else(|| TokenError::Revoked.into_status())?;
        self.owners
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(tenant, t.owner);
        Ok(t.owner)
    }
}

/// The roles in force for a call: those `roster-as-role` names (each must be one the caller
/// holds), or the caller's default roles.
fn active_roles<T>(req: &Request<T>, held: Vec<RoleGrant>) -> Result<Vec<RoleGrant>, Status> {
    let named = req
        .metadata()
        .get(AS_ROLE_METADATA)
        .and_then(|v| v.to_str().ok())
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|names| !names.is_empty());
    let Some(wanted) = named else {
        return Ok(held.into_iter().filter(|g| g.default).collect());
    };
    if let Some(missing) = wanted
        .iter()
        .find(|n| !held.iter().any(|g| g.name.as_str() == n.as_str()))
    {
        tracing::debug!(role = %missing, "as-role names a role the caller does not hold");
        return Err(roster_domain::authz::Denied::NotAllowed.into_status());
    }
    Ok(held
        .into_iter()
        .filter(|g| wanted.iter().any(|n| n == g.name.as_str()))
        .collect())
}
