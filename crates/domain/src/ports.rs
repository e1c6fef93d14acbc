//! Ports: what the core needs from the outside world. Adapters implement them (storage:
//! the repositories; user service: the hasher and the secrets).

use crate::groups::{CreateGroupError, DeleteGroupError, Group, GroupKey, GroupQuery};
use crate::keys::{Key, KeyError, KeyOwner};
use crate::page::{UserPage, UserQuery};
use crate::rbac::{
    NewPolicy, NewRole, Policy, PolicyChange, PolicyError, Role, RoleChange, RoleError,
};
use crate::secret_keys::{SecretKeyId, StoredSecretKey};
use crate::tenants::{CreateTenantError, NewTenantRecord, Tenant, TenantKey};
use crate::users::{
    CreateUserError, DeleteUserError, Device, NewUser, UpdateUserError, UpsertError, UpsertItem,
    UpsertOutcome, User, UserChange, UserKey,
};
use crate::values::{CompanyId, ExternalId, GroupPath, Password, PasswordHash, SshPublicKey};
use crate::{
    FieldViolations, PolicyId, RoleId, StorageError, TenantId, Timestamp, TryLater, UserId,
};
use std::fmt;
use std::future::Future;

/// The record of used request signatures (defined with the checks that use it).
pub use crate::signatures::UsedSignatures;

/// A user ready to insert: identity and credentials decided by the use case.
#[derive(Debug, Clone)]
pub struct NewUserRecord {
    pub id: UserId,
    pub user: NewUser,
    pub password_hash: Option<PasswordHash>,
    pub secret_digest: SecretDigest,
    pub now: Timestamp,
}

/// One batch item ready to run: the item, or why it was refused before reaching storage,
/// plus the identity it gets if it creates a user.
#[derive(Debug, Clone)]
pub struct UpsertPlan {
    pub item: Result<UpsertItem, FieldViolations>,
    pub new_id: UserId,
    pub new_secret_digest: SecretDigest,
}

/// A check the store runs inside a user write, on the user as the write found it (`None`:
/// a user about to be created), before it writes anything. Use cases pass the policy's
/// decision here, so that it judges the very row the write changes.
pub type UserGuard<'a> =
    &'a (dyn Fn(Option<&User>, &[UserChange]) -> Result<(), crate::authz::Denied> + Send + Sync);

/// Users of every tenant. Every method is scoped to one tenant: rows of another tenant are
/// invisible, whatever the key.
pub trait UserRepository: Send + Sync + 'static {
    /// Inserts a user with its group memberships, all or nothing.
    ///
    /// # Errors
    /// MUST return `Taken` on a uniqueness collision (also one lost to a concurrent writer),
    /// `UnknownGroup` for a selector that names no group of the tenant, and `TenantNotFound`
    /// when the tenant is gone; never a bare storage error for those.
    fn create(
        &self,
        tenant: TenantId,
        record: NewUserRecord,
    ) -> impl Future<Output = Result<User, CreateUserError>> + Send;

    fn get(
        &self,
        tenant: TenantId,
        key: &UserKey,
    ) -> impl Future<Output = Result<Option<User>, StorageError>> + Send;

    /// One page in the query's order, and the cursor after it when more rows follow.
    fn list(
        &self,
        tenant: TenantId,
        query: &UserQuery,
    ) -> impl Future<Output = Result<UserPage, StorageError>> + Send;

    /// Applies `changes` to the current row, atomically: concurrent writers never lose an
    /// update. With `expected_version`, MUST return `EtagMismatch` unless it is current.
    fn modify(
        &self,
        tenant: TenantId,
        id: UserId,
        changes: &[UserChange],
        expected_version: Option<i64>,
        now: Timestamp,
        guard: UserGuard<'_>,
    ) -> impl Future<Output = Result<User, UpdateUserError>> + Send;

    fn delete(
        &self,
        tenant: TenantId,
        id: UserId,
        expected_version: Option<i64>,
        guard: UserGuard<'_>,
    ) -> impl Future<Output = Result<(), DeleteUserError>> + Send;

    /// Runs every plan, each all or nothing, and answers one result per plan in order.
    /// Plans whose item is `Err` come back as `UpsertError::Invalid` untouched.
    fn upsert_batch(
        &self,
        tenant: TenantId,
        plans: Vec<UpsertPlan>,
        now: Timestamp,
        guard: UserGuard<'_>,
    ) -> impl Future<Output = Vec<Result<UpsertOutcome, UpsertError>>> + Send;

    /// `None` when there is no such user.
    fn set_password(
        &self,
        tenant: TenantId,
        id: UserId,
        hash: PasswordHash,
        change_required: bool,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<User>, StorageError>> + Send;

    /// The user and its password hash (`None` when it has no password).
    fn password_hash(
        &self,
        tenant: TenantId,
        key: &UserKey,
    ) -> impl Future<Output = Result<Option<(User, Option<PasswordHash>)>, StorageError>> + Send;

    /// Sets the last activity (never moving it back) and upserts the device.
    fn record_activity(
        &self,
        tenant: TenantId,
        key: &UserKey,
        at: Timestamp,
        device: Option<Device>,
    ) -> impl Future<Output = Result<Option<User>, StorageError>> + Send;

    /// The user whose API secret has this digest.
    fn find_by_secret(
        &self,
        tenant: TenantId,
        digest: &SecretDigest,
    ) -> impl Future<Output = Result<Option<User>, StorageError>> + Send;
}

/// The group trees of every tenant.
pub trait GroupRepository: Send + Sync + 'static {
    /// Creates `path` and every missing ancestor; safe against concurrent creators of the
    /// same ancestors.
    ///
    /// # Errors
    /// MUST return `Exists` when `path` itself already exists and `ExternalIdTaken` on an
    /// external-id collision.
    fn create_path(
        &self,
        tenant: TenantId,
        path: &GroupPath,
        external_id: Option<ExternalId>,
        now: Timestamp,
    ) -> impl Future<Output = Result<Group, CreateGroupError>> + Send;

    fn get(
        &self,
        tenant: TenantId,
        key: &GroupKey,
    ) -> impl Future<Output = Result<Option<Group>, StorageError>> + Send;

    /// Up to `query.limit` groups in path order.
    fn list(
        &self,
        tenant: TenantId,
        query: &GroupQuery,
    ) -> impl Future<Output = Result<Vec<Group>, StorageError>> + Send;

    /// # Errors
    /// MUST return `NotFound` for an unknown id and `HasChildren` when the group has children
    /// and `recursive` is false.
    fn delete(
        &self,
        tenant: TenantId,
        id: crate::GroupId,
        recursive: bool,
    ) -> impl Future<Output = Result<(), DeleteGroupError>> + Send;
}

/// Tenants and their credentials.
pub trait TenantRepository: Send + Sync + 'static {
    /// Inserts the tenant, its owner user, the owner's keys and the tenant's built-in roles
    /// (every [`crate::rbac::BuiltInRole`]; the owner holds `org-admin` and `org`), all or
    /// nothing. Assigns the next free company id when none is given.
    ///
    /// # Errors
    /// MUST return `LoginTaken` / `CompanyIdTaken` on collisions.
    fn create_tenant(
        &self,
        record: NewTenantRecord,
    ) -> impl Future<Output = Result<(Tenant, User), CreateTenantError>> + Send;

    fn get_tenant(
        &self,
        key: &TenantKey,
    ) -> impl Future<Output = Result<Option<Tenant>, StorageError>> + Send;

    /// Tenants in login order, after the given login key.
    fn list_tenants(
        &self,
        after: Option<String>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Tenant>, StorageError>> + Send;

    /// Deletes the tenant and everything in it; `false` when there was no such tenant.
    fn delete_tenant(
        &self,
        id: TenantId,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    fn tenant_by_organization_secret(
        &self,
        digest: &SecretDigest,
    ) -> impl Future<Output = Result<Option<Tenant>, StorageError>> + Send;

    /// The tenant with this company id and its integration key digest.
    fn tenant_integration_key(
        &self,
        company_id: CompanyId,
    ) -> impl Future<Output = Result<Option<(Tenant, SecretDigest)>, StorageError>> + Send;
}

/// SSH keys of tenant owners and users.
pub trait KeyRepository: Send + Sync + 'static {
    /// # Errors
    /// MUST return `UserNotFound` when the owner is a user that does not exist.
    fn list_keys(
        &self,
        tenant: TenantId,
        owner: &KeyOwner,
    ) -> impl Future<Output = Result<Vec<Key>, KeyError>> + Send;

    /// The key with this name or MD5 fingerprint.
    fn get_key(
        &self,
        tenant: TenantId,
        owner: &KeyOwner,
        name_or_fingerprint: &str,
    ) -> impl Future<Output = Result<Option<Key>, KeyError>> + Send;

    /// # Errors
    /// MUST return `Exists` when the owner has a key with that name or fingerprint.
    fn create_key(
        &self,
        tenant: TenantId,
        owner: &KeyOwner,
        key: SshPublicKey,
        now: Timestamp,
    ) -> impl Future<Output = Result<Key, KeyError>> + Send;

    /// # Errors
    /// MUST return `KeyNotFound` when there is no such key.
    fn delete_key(
        &self,
        tenant: TenantId,
        owner: &KeyOwner,
        name_or_fingerprint: &str,
    ) -> impl Future<Output = Result<(), KeyError>> + Send;
}

/// Roles, policies and memberships.
pub trait RbacRepository: Send + Sync + 'static {
    /// Roles in name order.
    fn list_roles(
        &self,
        tenant: TenantId,
    ) -> impl Future<Output = Result<Vec<Role>, StorageError>> + Send;

    /// The role whose id (UUID text) or name is `id_or_name`.
    fn find_role(
        &self,
        tenant: TenantId,
        id_or_name: &str,
    ) -> impl Future<Output = Result<Option<Role>, StorageError>> + Send;

    /// # Errors
    /// MUST return `Exists` on a name collision, `UnknownMember` / `UnknownPolicy` for
    /// selectors naming nothing; writes nothing then.
    fn create_role(
        &self,
        tenant: TenantId,
        new: NewRole,
        now: Timestamp,
    ) -> impl Future<Output = Result<Role, RoleError>> + Send;

    fn update_role(
        &self,
        tenant: TenantId,
        id: RoleId,
        changes: &[RoleChange],
    ) -> impl Future<Output = Result<Role, RoleError>> + Send;

    /// `false` when there was no such role.
    fn delete_role(
        &self,
        tenant: TenantId,
        id: RoleId,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// Policies in name order.
    fn list_policies(
        &self,
        tenant: TenantId,
    ) -> impl Future<Output = Result<Vec<Policy>, StorageError>> + Send;

    fn find_policy(
        &self,
        tenant: TenantId,
        id_or_name: &str,
    ) -> impl Future<Output = Result<Option<Policy>, StorageError>> + Send;

    fn create_policy(
        &self,
        tenant: TenantId,
        new: NewPolicy,
        now: Timestamp,
    ) -> impl Future<Output = Result<Policy, PolicyError>> + Send;

    fn update_policy(
        &self,
        tenant: TenantId,
        id: PolicyId,
        changes: &[PolicyChange],
    ) -> impl Future<Output = Result<Policy, PolicyError>> + Send;

    /// Also removes the policy from every role; `false` when there was no such policy.
    fn delete_policy(
        &self,
        tenant: TenantId,
        id: PolicyId,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// What the policy needs to know of `user` on every call it makes: status, access level,
    /// authorization epoch, `org-admin`, and its RBAC roles with their actions. `None` when
    /// there is no such user.
    fn authority(
        &self,
        tenant: TenantId,
        user: UserId,
    ) -> impl Future<Output = Result<Option<crate::authz::StoredAuthority>, StorageError>> + Send;
}

/// A count of this process's writes to the store. It grows when a write starts and again when
/// it ends, so a cache filled after reading the count `n` still holds what the store holds
/// as long as the count reads `n` (writes by other processes are not counted).
pub trait WriteCounter: Send + Sync + 'static {
    fn writes(&self) -> u64;
}

/// Checks request signatures made with SSH keys.
pub trait SignatureVerifier: Send + Sync + fmt::Debug + 'static {
    /// Whether `signature` over `message` was made with the private half of `key` using
    /// `algorithm` (`rsa-sha256`, `ecdsa-sha256`, `ed25519-sha512`, ...).
    fn verify(&self, key: &SshPublicKey, algorithm: &str, message: &[u8], signature: &[u8])
    -> bool;
}

/// Why a password was not hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// No hashing slot came free in time (or the tenant has too many hashes waiting).
    #[error(transparent)]
    TryLater(#[from] TryLater),
    #[error(transparent)]
    Failed(#[from] StorageError),
}

/// Password hashing. Implementations keep the work off the async workers, bound how long a
/// request waits for it, and share it fairly between tenants (`tenant` is whose work it is).
pub trait PasswordHasher: Send + Sync + 'static {
    fn hash(
        &self,
        tenant: TenantId,
        password: Password,
    ) -> impl Future<Output = Result<PasswordHash, HashError>> + Send;

    /// Whether `candidate` matches `hash`. With no hash it still spends the time of one check
    /// and answers false, so that timing does not tell which users have a password.
    fn verify(
        &self,
        tenant: TenantId,
        candidate: String,
        hash: Option<PasswordHash>,
    ) -> impl Future<Output = Result<bool, HashError>> + Send;
}

/// High-entropy secrets: generated, stored only as a digest, and compared in constant time.
pub trait Secrets: Send + Sync + fmt::Debug + 'static {
    /// A new random secret, URL-safe text.
    fn generate(&self) -> String;
    /// The digest stored for lookup.
    fn digest(&self, secret: &str) -> SecretDigest;
    /// Whether `secret` has this digest, in constant time.
    fn matches(&self, secret: &str, digest: &SecretDigest) -> bool;
    /// A user's API secret, derived from a server key so that it can be shown again without
    /// being stored.
    fn user_secret(&self, user: UserId) -> String;
}

/// The stored digest of a secret (hex of a fast hash); never the secret itself.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecretDigest(String);

impl SecretDigest {
    pub fn from_hex(hex: String) -> Self {
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretDigest(..)")
    }
}

/// Users' secret keys, at most one per user, stored as digests.
pub trait SecretKeyRepository: Send + Sync + 'static {
    /// Stores `key` as the user's (number `user_number`) only key, replacing any other.
    /// Returns false, writing nothing, when the user no longer exists.
    fn put_secret_key(
        &self,
        key: &StoredSecretKey,
        user_number: i64,
        digest: &SecretDigest,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// Removes the user's key; false when it held none.
    fn delete_secret_key(
        &self,
        user_number: i64,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// The key whose secret has this digest, in any tenant.
    fn secret_key_by_digest(
        &self,
        digest: &SecretDigest,
    ) -> impl Future<Output = Result<Option<StoredSecretKey>, StorageError>> + Send;

    /// Whether `key` is still the user's key and the user is not disabled: one indexed
    /// read, made on every call of a token issued for a secret key.
    fn secret_key_is_current(
        &self,
        tenant: TenantId,
        user: UserId,
        key: SecretKeyId,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
}

/// The folders of every tenant and who is granted them.
pub trait FolderRepository: Send + Sync + 'static {
    /// # Errors
    /// MUST return `Exists` when the name is taken (ignoring case) and `ExternalIdTaken` on an
    /// external-id collision, also when lost to a concurrent writer.
    fn create_folder(
        &self,
        tenant: TenantId,
        name: &crate::values::FolderName,
        external_id: Option<ExternalId>,
        now: Timestamp,
    ) -> impl Future<Output = Result<crate::folders::Folder, crate::folders::CreateFolderError>> + Send;

    fn get_folder(
        &self,
        tenant: TenantId,
        key: &crate::folders::FolderKey,
    ) -> impl Future<Output = Result<Option<crate::folders::Folder>, StorageError>> + Send;

    /// Up to `query.limit` folders in name order (without case).
    fn list_folders(
        &self,
        tenant: TenantId,
        query: &crate::folders::FolderQuery,
    ) -> impl Future<Output = Result<Vec<crate::folders::Folder>, StorageError>> + Send;

    /// Deletes the folder and its grants (its users get a new version); `false` when there
    /// was no such folder.
    fn delete_folder(
        &self,
        tenant: TenantId,
        id: crate::FolderId,
        now: Timestamp,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// Grants the folder to `users`, all or nothing; users who hold it already are skipped.
    /// Every user whose folders change gets a new version.
    ///
    /// # Errors
    /// MUST return `FolderNotFound` for an unknown folder and `UnknownUser` for the first id
    /// that names no user of the tenant, writing nothing then.
    fn grant_folder(
        &self,
        tenant: TenantId,
        id: crate::FolderId,
        users: &[UserId],
        now: Timestamp,
    ) -> impl Future<Output = Result<crate::folders::Folder, crate::folders::GrantFolderError>> + Send;

    /// Takes the folder away from those of `users` who hold it.
    ///
    /// # Errors
    /// MUST return `FolderNotFound` for an unknown folder.
    fn revoke_folder(
        &self,
        tenant: TenantId,
        id: crate::FolderId,
        users: &[UserId],
        now: Timestamp,
    ) -> impl Future<Output = Result<crate::folders::Folder, crate::folders::GrantFolderError>> + Send;
}

/// Password guesses per user in fixed windows, kept where every replica sees them (the
/// database), so that the limit holds however many user services and gateways run.
pub trait PasswordGuesses: Send + Sync + 'static {
    /// Records one guess at the password of the user `number` at `now` and returns the
    /// guesses of the current window, this one included. A window begins with the first guess
    /// after the previous one ended and lasts `window`. Concurrent guesses are all counted.
    fn count_guess(
        &self,
        number: i64,
        now: Timestamp,
        window: std::time::Duration,
    ) -> impl Future<Output = Result<GuessCount, StorageError>> + Send;

    /// Forgets the user's guesses (a right password ends the window).
    fn clear_guesses(&self, number: i64) -> impl Future<Output = Result<(), StorageError>> + Send;
}

/// The guesses of one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuessCount {
    pub guesses: u32,
    pub window_start: Timestamp,
}
