//! Authentication: a dialect credential in, the tenant and principal it proves out.

use crate::StorageError;
use crate::authz::CredentialKind;
use crate::keys::{KeyError, KeyOwner, KeyRepository};
use crate::provisioning::{ProvisioningToken, ProvisioningTokenRepository};
use crate::rbac::{BuiltInRole, RbacRepository, RoleGrant};
use crate::secret_keys::{HostNames, NoHostNames, SecretKeyId, SecretKeyRepository};
use crate::secrets::Secrets;
use crate::signatures::{
    SignatureChecks, SignatureError, SignaturePolicy, SignatureVerifier, UsedSignatures,
};
use crate::tenants::{Tenant, TenantKey, TenantRepository};
use crate::users::{AccessLevel, User, UserKey, UserRepository, UserStatus};
use crate::values::{CompanyId, Email, Login, SshPublicKey, TenantLogin};
use crate::{ProvisioningTokenId, SystemClock, TenantId, Timestamp, UserId};
use std::net::IpAddr;
use std::sync::Arc;

/// A credential as a dialect received it.
#[derive(Clone)]
pub enum Credential {
    /// Cloud Elements: a user secret and the organization secret.
    Organization {
        user_secret: String,
        organization_secret: String,
    },
    /// Forms On Fire: the company id and its integration key.
    IntegrationKey { company_id: i64, key: String },
    /// CloudAPI: a request signed with an SSH key of the account owner or of a user.
    SshKey(SignedRequest),
    /// SureCloud: a user's email and its secret key, and the address of the client that
    /// presents it (`None` when unknown), which the user's address restrictions must admit.
    SecretKey {
        email: String,
        secret: String,
        client: Option<IpAddr>,
    },
    /// SCIM: a tenant's provisioning token, its whole bearer text
    /// (see [`crate::provisioning`]).
    ProvisioningToken(String),
}

/// What an HTTP Signature proves, as the dialect received it.
#[derive(Debug, Clone)]
pub struct SignedRequest {
    /// The tenant login.
    pub account: String,
    /// The signing user's login; `None` when the account owner signs with an account key.
    pub user: Option<String>,
    /// The key's name or MD5 fingerprint.
    pub key: String,
    pub algorithm: String,
    pub message: Vec<u8>,
    pub signature: Vec<u8>,
    /// The HTTP method of the signed request; empty when the caller does not say (the
    /// signed `(request-target)` then decides). See [`crate::signatures`].
    pub method: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Organization { .. } => f.write_str("Credential::Organization(..)"),
            Credential::IntegrationKey { company_id, .. } => {
                write!(f, "Credential::IntegrationKey({company_id}, ..)")
            }
            Credential::SecretKey { email, client, .. } => {
                write!(f, "Credential::SecretKey({email}, {client:?}, ..)")
            }
            Credential::ProvisioningToken(_) => f.write_str("Credential::ProvisioningToken(..)"),
            Credential::SshKey(s) => {
                write!(
                    f,
                    "Credential::SshKey({}, {:?}, {})",
                    s.account, s.user, s.key
                )
            }
        }
    }
}

/// Who a credential proved to be.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub tenant: Tenant,
    pub kind: PrincipalKind,
    /// The credential that proved it.
    pub credential: CredentialKind,
    /// The roles the user holds (empty for integration credentials).
    pub grants: Vec<RoleGrant>,
    /// The user's authorization epoch when it signed in (0 for integration credentials).
    pub epoch: i64,
    /// For SSH key credentials: the key that verified.
    pub key: Option<SshPublicKey>,
    /// For secret-key credentials: the key that verified.
    pub secret_key: Option<SecretKeyId>,
    /// For provisioning tokens: the token that verified, as stored.
    pub provisioning_token: Option<ProvisioningToken>,
}

#[derive(Debug, Clone)]
pub enum PrincipalKind {
    /// A tenant-wide integration credential (an integration key, a provisioning token): acts
    /// as the tenant's administrator, within its scopes.
    Integration,
    /// A user of the tenant.
    User(Box<User>),
}

impl Authenticated {
    /// Whether the principal may administer the tenant's users and groups: integration
    /// credentials, the owner, users with an administrator access level, and holders of the
    /// built-in `org-admin` role (Cloud Elements' organization administrators).
    pub fn is_admin(&self) -> bool {
        match &self.kind {
            PrincipalKind::Integration => true,
            PrincipalKind::User(u) => {
                self.is_owner() || u.access_level.is_admin() || u.holds(BuiltInRole::OrgAdmin)
            }
        }
    }

    /// Whether the principal is the tenant's owner.
    pub fn is_owner(&self) -> bool {
        match &self.kind {
            PrincipalKind::Integration => false,
            PrincipalKind::User(u) => self.tenant.owner == Some(u.id),
        }
    }

    pub fn access_level(&self) -> AccessLevel {
        match &self.kind {
            PrincipalKind::Integration => AccessLevel::Admin,
            PrincipalKind::User(u) => u.access_level,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthenticateError {
    /// Deliberately says nothing about which part was wrong.
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("the user is disabled")]
    UserDisabled,
    /// A secret key presented from an address its user's restrictions do not admit.
    #[error("the secret key may not be used from this address")]
    AddressNotAllowed,
    /// A request signature that is expired, incomplete or replayed (see
    /// [`crate::signatures`]).
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug)]
pub struct AuthService<R> {
    repo: R,
    secrets: Arc<dyn Secrets>,
    verifier: Arc<dyn SignatureVerifier>,
    signatures: SignatureChecks,
    names: Arc<dyn HostNames>,
}

/// Whether a token issued for a secret key may make a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKeyUse {
    Allowed,
    /// The key was revoked or rotated, or its user disabled or deleted.
    Stale,
    /// The user's address restrictions do not admit the caller.
    AddressNotAllowed,
}

impl<R: Clone> Clone for AuthService<R> {
    fn clone(&self) -> Self {
        Self {
            repo: self.repo.clone(),
            secrets: Arc::clone(&self.secrets),
            verifier: Arc::clone(&self.verifier),
            signatures: self.signatures.clone(),
            names: Arc::clone(&self.names),
        }
    }
}

impl<R> AuthService<R>
where
    R: TenantRepository
        + UserRepository
        + KeyRepository
        + RbacRepository
        + SecretKeyRepository
        + ProvisioningTokenRepository
        + UsedSignatures,
{
    pub fn new(repo: R, secrets: Arc<dyn Secrets>, verifier: Arc<dyn SignatureVerifier>) -> Self {
        Self {
            repo,
            secrets,
            verifier,
            signatures: SignatureChecks::new(SignaturePolicy::default(), Arc::new(SystemClock)),
            names: Arc::new(NoHostNames),
        }
    }

    /// How clients are named for the hostname entries of address restrictions.
    #[must_use]
    pub fn with_host_names(mut self, names: Arc<dyn HostNames>) -> Self {
        self.names = names;
        self
    }

    /// The date, method and replay checks of request signatures, on the core's clock.
    #[must_use]
    pub fn with_signature_checks(mut self, checks: SignatureChecks) -> Self {
        self.signatures = checks;
        self
    }

    pub async fn authenticate(
        &self,
        credential: &Credential,
    ) -> Result<Authenticated, AuthenticateError> {
        match credential {
            Credential::Organization {
                user_secret,
                organization_secret,
            } => {
                // Both lookups go by digest: the time taken says nothing about the secrets.
                let tenant = self
                    .repo
                    .tenant_by_organization_secret(&self.secrets.digest(organization_secret))
                    .await?
                    .ok_or(AuthenticateError::InvalidCredentials)?;
                let user = self
                    .repo
                    .find_by_secret(tenant.id, &self.secrets.digest(user_secret))
                    .await?
                    .ok_or(AuthenticateError::InvalidCredentials)?;
                self.user_principal(tenant, user, None, CredentialKind::OrganizationSecret)
                    .await
            }
            Credential::IntegrationKey { company_id, key } => {
                let company_id = CompanyId::parse(*company_id)
                    .map_err(|_| AuthenticateError::InvalidCredentials)?;
                let (tenant, digest) = self
                    .repo
                    .tenant_integration_key(company_id)
                    .await?
                    .ok_or(AuthenticateError::InvalidCredentials)?;
                if !self.secrets.matches(key, &digest) {
                    return Err(AuthenticateError::InvalidCredentials);
                }
                Ok(Authenticated {
                    tenant,
                    kind: PrincipalKind::Integration,
                    credential: CredentialKind::IntegrationKey,
                    grants: Vec::new(),
                    epoch: 0,
                    key: None,
                    secret_key: None,
                    provisioning_token: None,
                })
            }
            Credential::ProvisioningToken(bearer) => self.provisioning_token(bearer).await,
            Credential::SshKey(s) => self.signed(s).await,
            Credential::SecretKey {
                email,
                secret,
                client,
            } => self.secret_key(email, secret, *client).await,
        }
    }

    /// The key is found by its digest (it names its tenant); the email must be its user's,
    /// and the user's address restrictions must admit `client`. A wrong key is refused
    /// before the address is looked at, so a refusal for the address proves a right key.
    async fn secret_key(
        &self,
        email: &str,
        secret: &str,
        client: Option<IpAddr>,
    ) -> Result<Authenticated, AuthenticateError> {
        let invalid = || AuthenticateError::InvalidCredentials;
        let email = Email::parse(email).map_err(|_| invalid())?;
        let key = self
            .repo
            .secret_key_by_digest(&self.secrets.digest(secret))
            .await?
            .ok_or_else(invalid)?;
        let user = self
            .repo
            .get(key.tenant, &UserKey::Id(key.user))
            .await?
            .filter(|u| u.email.as_str().eq_ignore_ascii_case(email.as_str()))
            .ok_or_else(invalid)?;
        let tenant = self
            .repo
            .get_tenant(&TenantKey::Id(key.tenant))
            .await?
            .ok_or_else(invalid)?;
        let mut principal = self
            .user_principal(tenant, user, None, CredentialKind::SecretKey)
            .await?;
        if !self.admits(key.tenant, key.user, client).await? {
            return Err(AuthenticateError::AddressNotAllowed);
        }
        principal.secret_key = Some(key.id);
        Ok(principal)
    }

    /// A provisioning token is found by the id its text carries, then its secret is compared
    /// with the stored digest in constant time. Every way of being wrong (malformed, unknown
    /// id, wrong secret, tenant gone) is the same refusal. The id is no secret (the owner
    /// lists it), so a look-up that finds nothing need not take as long as one that does.
    async fn provisioning_token(&self, bearer: &str) -> Result<Authenticated, AuthenticateError> {
        let invalid = || AuthenticateError::InvalidCredentials;
        let (id, secret) = crate::provisioning::parse_bearer(bearer).ok_or_else(invalid)?;
        let (token, digest) = self
            .repo
            .provisioning_token(id)
            .await?
            .ok_or_else(invalid)?;
        if !self.secrets.matches(secret, &digest) {
            return Err(invalid());
        }
        let tenant = self
            .repo
            .get_tenant(&TenantKey::Id(token.tenant))
            .await?
            .ok_or_else(invalid)?;
        Ok(Authenticated {
            tenant,
            kind: PrincipalKind::Integration,
            credential: CredentialKind::ProvisioningToken,
            grants: Vec::new(),
            epoch: 0,
            key: None,
            secret_key: None,
            provisioning_token: Some(token),
        })
    }

    /// Records that `token` was exchanged at `now`, at most once per
    /// [`crate::provisioning::LAST_USED_GRANULARITY`] (a write on every exchange would cost
    /// more than the record is worth).
    ///
    /// # Errors
    /// Storage failures; the caller decides whether they matter (the exchange itself was
    /// right).
    pub async fn record_provisioning_use(
        &self,
        token: &ProvisioningToken,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        if token.use_is_news(now) {
            self.repo.touch_provisioning_token(token.id, now).await?;
        }
        Ok(())
    }

    /// Whether a token exchanged for the provisioning token `id` of `tenant` may make a
    /// call: the provisioning token was not revoked (nor its tenant deleted).
    pub async fn provisioning_token_is_current(
        &self,
        tenant: TenantId,
        id: ProvisioningTokenId,
    ) -> Result<bool, StorageError> {
        self.repo.provisioning_token_exists(tenant, id).await
    }

    /// Whether `user`'s address restrictions admit `client`.
    async fn admits(
        &self,
        tenant: TenantId,
        user: UserId,
        client: Option<IpAddr>,
    ) -> Result<bool, StorageError> {
        let list = self.repo.address_restrictions(tenant, user).await?;
        Ok(list.admit(client, self.names.as_ref()).await)
    }

    /// Whether a token issued for the secret key `key` of `user` may make a call from
    /// `client`: the key was neither revoked nor rotated, the user is not disabled, and the
    /// user's address restrictions (as they are now, not when the token was issued) admit
    /// the client.
    pub async fn secret_key_use(
        &self,
        tenant: TenantId,
        user: UserId,
        key: SecretKeyId,
        client: Option<IpAddr>,
    ) -> Result<SecretKeyUse, StorageError> {
        if !self.repo.secret_key_is_current(tenant, user, key).await? {
            Ok(SecretKeyUse::Stale)
        } else if self.admits(tenant, user, client).await? {
            Ok(SecretKeyUse::Allowed)
        } else {
            Ok(SecretKeyUse::AddressNotAllowed)
        }
    }

    /// A user of `tenant` as a principal, refused when disabled.
    async fn user_principal(
        &self,
        tenant: Tenant,
        user: User,
        key: Option<SshPublicKey>,
        credential: CredentialKind,
    ) -> Result<Authenticated, AuthenticateError> {
        let stored = self
            .repo
            .authority(tenant.id, user.id)
            .await?
            .ok_or(AuthenticateError::InvalidCredentials)?;
        if stored.status == UserStatus::Disabled {
            return Err(AuthenticateError::UserDisabled);
        }
        Ok(Authenticated {
            tenant,
            kind: PrincipalKind::User(Box::new(user)),
            credential,
            grants: stored.grants,
            epoch: stored.epoch,
            key,
            secret_key: None,
            provisioning_token: None,
        })
    }

    /// Checks a request signature against the keys of the account owner or of a user: its
    /// date and method first, the cryptography next, and last that a write's signature is
    /// used for the first time (see [`crate::signatures`]).
    async fn signed(&self, s: &SignedRequest) -> Result<Authenticated, AuthenticateError> {
        let invalid = || AuthenticateError::InvalidCredentials;
        let checked = self
            .signatures
            .check(&s.message, &s.method)
            .map_err(|e| match e {
                // A signature made for another request: as wrong as a bad signature.
                SignatureError::MethodMismatch => invalid(),
                other @ (SignatureError::Expired { .. }
                | SignatureError::Incomplete(_)
                | SignatureError::Replayed) => other.into(),
            })?;
        let login = TenantLogin::parse(&s.account).map_err(|_| invalid())?;
        let tenant = self
            .repo
            .get_tenant(&TenantKey::Login(login))
            .await?
            .ok_or_else(invalid)?;
        let (owner, user) = match &s.user {
            None => {
                let owner = tenant.owner.ok_or_else(invalid)?;
                (
                    KeyOwner::Account,
                    self.repo.get(tenant.id, &UserKey::Id(owner)).await?,
                )
            }
            Some(login) => {
                let key = UserKey::Login(Login::parse(login).map_err(|_| invalid())?);
                let user = self.repo.get(tenant.id, &key).await?;
                (KeyOwner::User(key), user)
            }
        };
        // A user's keys never speak for the owner: the owner signs with account keys.
        let user = user
            .filter(|u| s.user.is_none() || tenant.owner != Some(u.id))
            .ok_or_else(invalid)?;
        let key = match self.repo.get_key(tenant.id, &owner, &s.key).await {
            Ok(Some(k)) => k.key,
            Ok(None)
            | Err(
                KeyError::UserNotFound
                | KeyError::KeyNotFound
                | KeyError::Exists
                | KeyError::TenantNotFound
                | KeyError::Denied(_),
            ) => {
                return Err(invalid());
            }
            Err(KeyError::Storage(e)) => return Err(AuthenticateError::Storage(e)),
        };
        if !self
            .verifier
            .verify(&key, &s.algorithm, &s.message, &s.signature)
        {
            return Err(invalid());
        }
        // Only verified signatures are recorded: anyone could fill the record otherwise.
        self.signatures
            .record(
                &self.repo,
                self.secrets.as_ref(),
                tenant.id,
                &s.signature,
                checked,
            )
            .await??;
        self.user_principal(tenant, user, Some(key), CredentialKind::SshKey)
            .await
    }

    /// What the policy needs to know of a token's user on every call it makes.
    pub async fn authority(
        &self,
        tenant: TenantId,
        user: UserId,
    ) -> Result<Option<crate::authz::StoredAuthority>, StorageError> {
        self.repo.authority(tenant, user).await
    }

    /// The tenant a token names, if it still exists.
    pub async fn tenant(&self, key: &TenantKey) -> Result<Option<Tenant>, StorageError> {
        self.repo.get_tenant(key).await
    }
}
