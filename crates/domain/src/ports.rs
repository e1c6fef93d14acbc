//! Ports: what the core needs from the outside world. Adapters implement them (storage:
//! the repositories; user service: the hasher and the secrets). Each is defined beside what it
//! serves; this is the list of them all, so that an adapter finds them in one place.

pub use crate::events::EventRepository;
pub use crate::folders::FolderRepository;
pub use crate::groups::GroupRepository;
pub use crate::idempotency::IdempotencyRecords;
pub use crate::keys::KeyRepository;
pub use crate::provisioning::ProvisioningTokenRepository;
pub use crate::rbac::RbacRepository;
pub use crate::secret_keys::SecretKeyRepository;
pub use crate::secrets::{SecretDigest, Secrets};
pub use crate::signatures::{SignatureVerifier, UsedSignatures};
pub use crate::tenants::TenantRepository;
pub use crate::users::{
    GuessCount, HashError, NewUserRecord, PasswordGuesses, PasswordHasher, UpsertPlan, UserGuard,
    UserRepository,
};
pub use crate::write_counter::WriteCounter;
