//! The user service's state: the domain use cases wired to one store, the token keys and
//! the page-token key, plus the check every method starts with.

use crate::hasher::Argon2Hasher;
use crate::page_token::PageTokens;
use crate::secrets::ServerSecrets;
use crate::status::{IntoStatus, missing_scope, status};
use crate::tokens::{Caller, TokenConfig, TokenError, Tokens};
use roster_domain::auth::AuthService;
use roster_domain::folders::FolderService;
use roster_domain::groups::GroupService;
use roster_domain::keys::KeyService;
use roster_domain::ports::{
    FolderRepository, GroupRepository, KeyRepository, PasswordGuesses, RbacRepository,
    SecretKeyRepository, TenantRepository, UsedSignatures, UserRepository,
};
use roster_domain::rbac::RbacService;
use roster_domain::secret_keys::{SecretKeyId, SecretKeyService};
use roster_domain::signatures::{SignatureChecks, SignaturePolicy};
use roster_domain::tenants::TenantService;
use roster_domain::users::{GuessLimit, UserService};
use roster_domain::{Clock, TenantId};
use roster_proto::v1::ErrorReason;
use std::sync::Arc;
use std::time::Duration;
use tonic::{Code, Request, Status};

/// Everything the domain needs from storage, in one bound.
pub trait Store:
    UserRepository
    + GroupRepository
    + TenantRepository
    + KeyRepository
    + RbacRepository
    + FolderRepository
    + PasswordGuesses
    + SecretKeyRepository
    + UsedSignatures
    + Clone
{
}
impl<T> Store for T where
    T: UserRepository
        + GroupRepository
        + TenantRepository
        + KeyRepository
        + RbacRepository
        + FolderRepository
        + PasswordGuesses
        + SecretKeyRepository
        + UsedSignatures
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
}

impl<R: Store> Core<R> {
    pub fn new(store: R, config: CoreConfig, clock: Arc<dyn Clock>) -> Self {
        let server = ServerSecrets::new(config.server_key);
        let secrets: Arc<dyn roster_domain::ports::Secrets> = Arc::new(server.clone());
        let hasher = Argon2Hasher::new(config.hash_concurrency);
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
            auth: AuthService::new(store, secrets, Arc::new(crate::ssh::HttpSignatures))
                .with_signature_checks(SignatureChecks::new(config.signatures, Arc::clone(&clock))),
            tokens: Tokens::new(config.tokens),
            pages: PageTokens::new(server),
            clock,
            authenticate_ttl: config.authenticate_ttl,
            secret_key_ttl: config.secret_key_ttl,
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

    pub fn tokens(&self) -> &Tokens {
        &self.tokens
    }

    pub fn now(&self) -> roster_domain::Timestamp {
        self.clock.now()
    }

    /// The verified caller of `req` (bearer token in `authorization`). A token issued for a
    /// secret key is refused as soon as the key is revoked or rotated or its user disabled:
    /// that costs one indexed read, on those tokens only.
    pub(crate) async fn caller<T: Sync>(&self, req: &Request<T>) -> Result<Caller, Status> {
        let caller = self.verified(req)?;
        if let Some(key) = &caller.secret_key {
            let current = match (
                caller.tenant,
                roster_domain::UserId::parse(&caller.subject),
                SecretKeyId::parse(key),
            ) {
                (Some(tenant), Ok(user), Some(key)) => self
                    .auth
                    .secret_key_is_current(tenant, user, key)
                    .await
                    .map_err(|e| crate::status::internal("auth", &e))?,
                _ => false,
            };
            if !current {
                return Err(TokenError::Invalid.into_status());
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

    /// The caller's tenant, provided the token carries `scope`.
    pub(crate) async fn tenant_caller<T: Sync>(
        &self,
        req: &Request<T>,
        scope: &str,
    ) -> Result<(TenantId, Caller), Status> {
        let caller = self.caller(req).await?;
        if !caller.has(scope) {
            return Err(missing_scope(scope));
        }
        let tenant = caller.tenant.ok_or_else(|| {
            status(
                Code::PermissionDenied,
                "the token names no tenant",
                ErrorReason::MissingScope,
                &[],
                None,
            )
        })?;
        Ok((tenant, caller))
    }
}
