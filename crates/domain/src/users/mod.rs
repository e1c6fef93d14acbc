//! Users: the entity, the changes a client can ask for, and the use cases.

mod batch;
mod changes;
mod errors;
mod model;
mod passwords;
mod port;
mod service;

pub use batch::{UpsertItem, UpsertOutcome, UpsertWarning};
pub use changes::{NewUser, ProfileField, UserChange, UserField};
pub use errors::{
    ChangePasswordError, CreateUserError, DeleteUserError, GetUserError, ListUsersError,
    RecordActivityError, Taken, UnknownFolder, UnknownGroup, UpdateUserError, UpsertError,
    VerifyPasswordError,
};
pub use model::{
    AccessLevel, Device, DeviceError, GroupSelector, LicenseType, PersonType, Profile, User,
    UserKey, UserStatus, etag_of, version_of_etag,
};
pub use passwords::{GuessCount, HashError, PasswordGuesses, PasswordHasher};
pub use port::{NewUserRecord, UpsertPlan, UserGuard, UserRepository};
pub use service::{BatchTooLarge, GuessLimit, UserService};
