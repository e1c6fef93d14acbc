//! User use cases: validation that needs more than one field, hashing, identity, and the
//! calls on the repository.

use super::batch::{UpsertItem, UpsertOutcome};
use super::changes::{NewUser, UserChange};
use super::errors::{
    ChangePasswordError, CreateUserError, DeleteUserError, GetUserError, ListUsersError,
    RecordActivityError, UpdateUserError, UpsertError, VerifyPasswordError,
};
use super::model::{Device, User, UserKey, UserStatus};
use super::passwords::{PasswordGuesses, PasswordHasher};
use super::port::{NewUserRecord, UpsertPlan, UserRepository};
use crate::authz::{Action, Principal, Subject, authorize, check_user_changes};
use crate::page::{MAX_PAGE_SIZE, UserPage, UserQuery};
use crate::secrets::Secrets;
use crate::values::Password;
use crate::{Clock, FieldViolations, StorageError, Timestamp, UserId};
use std::sync::Arc;
use std::time::Duration;

/// The user use cases of one installation.
#[derive(Debug)]
pub struct UserService<R, H> {
    repo: R,
    hasher: H,
    secrets: Arc<dyn Secrets>,
    clock: Arc<dyn Clock>,
    max_batch: usize,
    guesses: GuessLimit,
}

/// How many password guesses one user's password takes per window before further guesses are
/// refused unchecked. `max == 0` switches the limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuessLimit {
    pub max: u32,
    pub window: Duration,
}

impl Default for GuessLimit {
    fn default() -> Self {
        Self {
            max: 10,
            window: Duration::from_mins(5),
        }
    }
}

impl<R: Clone, H: Clone> Clone for UserService<R, H> {
    fn clone(&self) -> Self {
        Self {
            repo: self.repo.clone(),
            hasher: self.hasher.clone(),
            secrets: Arc::clone(&self.secrets),
            clock: Arc::clone(&self.clock),
            max_batch: self.max_batch,
            guesses: self.guesses,
        }
    }
}

/// A batch larger than the configured maximum; refused whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a batch may hold at most {max} users (got {got})")]
pub struct BatchTooLarge {
    pub max: usize,
    pub got: usize,
}

impl<R: UserRepository, H: PasswordHasher> UserService<R, H> {
    pub const DEFAULT_MAX_BATCH: usize = 10_000;

    pub fn new(repo: R, hasher: H, secrets: Arc<dyn Secrets>, clock: Arc<dyn Clock>) -> Self {
        Self {
            repo,
            hasher,
            secrets,
            clock,
            max_batch: Self::DEFAULT_MAX_BATCH,
            guesses: GuessLimit::default(),
        }
    }

    #[must_use]
    pub fn with_guess_limit(mut self, limit: GuessLimit) -> Self {
        self.guesses = limit;
        self
    }

    #[must_use]
    pub fn with_max_batch(mut self, max: usize) -> Self {
        self.max_batch = max;
        self
    }

    pub fn max_batch(&self) -> usize {
        self.max_batch
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Creates a user; the password, if any, is hashed before anything is written.
    pub async fn create(
        &self,
        who: &Principal,
        user: NewUser,
        password: Option<Password>,
    ) -> Result<User, CreateUserError> {
        let tenant = who.authorized(Action::CreateUser)?;
        check_user_changes(who, None, &user.grants())?;
        let password_hash = match password {
            Some(p) => Some(self.hasher.hash(tenant, p).await?),
            None => None,
        };
        let id = UserId::generate();
        let record = NewUserRecord {
            id,
            user,
            password_hash,
            secret_digest: self.secrets.digest(&self.secrets.user_secret(id)),
            now: self.clock.now(),
        };
        self.repo.create(tenant, record).await
    }

    pub async fn get(&self, who: &Principal, key: &UserKey) -> Result<User, GetUserError> {
        let tenant = who.authorized(Action::GetUser)?;
        self.repo
            .get(tenant, key)
            .await?
            .ok_or(GetUserError::NotFound)
    }

    pub async fn list(
        &self,
        who: &Principal,
        query: &UserQuery,
    ) -> Result<UserPage, ListUsersError> {
        let tenant = who.authorized(Action::ListUsers)?;
        let mut v = FieldViolations::new();
        if !(1..=MAX_PAGE_SIZE).contains(&query.page_size) {
            v.add(
                "page_size",
                format_args!("must be between 1 and {MAX_PAGE_SIZE}"),
            );
        }
        if (query.after.is_some() || query.before.is_some()) && query.skip > 0 {
            v.add("skip", "cannot be combined with page_token");
        }
        if let Some(f) = &query.filter
            && let Err(e) = f.check_size()
        {
            v.add(e.path, e.problem);
        }
        v.into_result().map_err(ListUsersError::Invalid)?;
        Ok(self.repo.list(tenant, query).await?)
    }

    /// Applies `changes` to the user; with `expected_version`, only if it is current.
    pub async fn update(
        &self,
        who: &Principal,
        id: UserId,
        changes: &[UserChange],
        expected_version: Option<i64>,
    ) -> Result<User, UpdateUserError> {
        let tenant = who.authorized(Action::UpdateUser)?;
        let password = UserChange::password_in(changes).is_some();
        let guard = |user: Option<&User>, changes: &[UserChange]| {
            let target = user.map(Subject::of);
            authorize(who, Action::UpdateUser, target.as_ref())?;
            if password {
                authorize(who, Action::ChangePassword, target.as_ref())?;
            }
            check_user_changes(who, target.as_ref(), changes)
        };
        self.repo
            .modify(
                tenant,
                id,
                changes,
                expected_version,
                self.clock.now(),
                &guard,
            )
            .await
    }

    /// As [`UserService::update`], also setting a new password: the hash is made first, then
    /// written in the same write as `changes`, so that either everything changes or nothing.
    pub async fn update_with_password(
        &self,
        who: &Principal,
        id: UserId,
        mut changes: Vec<UserChange>,
        expected_version: Option<i64>,
        password: Password,
    ) -> Result<User, UpdateUserError> {
        // Refuse unknown users and refused callers before spending a hash on them.
        let tenant = who.authorized(Action::UpdateUser)?;
        let target = self
            .repo
            .get(tenant, &UserKey::Id(id))
            .await?
            .ok_or(UpdateUserError::NotFound)?;
        who.authorized_on(Action::ChangePassword, &target)?;
        let hash = self.hasher.hash(tenant, password).await?;
        changes.push(UserChange::Password(hash));
        self.update(who, id, &changes, expected_version).await
    }

    pub async fn delete(
        &self,
        who: &Principal,
        id: UserId,
        expected_version: Option<i64>,
    ) -> Result<(), DeleteUserError> {
        let tenant = who.authorized(Action::DeleteUser)?;
        let guard = |user: Option<&User>, _: &[UserChange]| {
            authorize(who, Action::DeleteUser, user.map(Subject::of).as_ref())
        };
        self.repo
            .delete(tenant, id, expected_version, self.clock.now(), &guard)
            .await
    }

    /// Runs every item on its own; one result per item, in order. Items refused before
    /// reaching storage arrive as `Err` and come back as `UpsertError::Invalid`.
    pub async fn batch_upsert(
        &self,
        who: &Principal,
        items: Vec<Result<UpsertItem, FieldViolations>>,
    ) -> Result<Vec<Result<UpsertOutcome, UpsertError>>, UpsertError> {
        let tenant = who.authorized(Action::UpdateUser)?;
        if items.len() > self.max_batch {
            return Err(UpsertError::TooLarge(BatchTooLarge {
                max: self.max_batch,
                got: items.len(),
            }));
        }
        let plans = items
            .into_iter()
            .map(|item| {
                let new_id = UserId::generate();
                UpsertPlan {
                    item,
                    new_id,
                    new_secret_digest: self.secrets.digest(&self.secrets.user_secret(new_id)),
                }
            })
            .collect();
        // Each item is judged on the user as its write finds it: creating needs
        // `createuser`, changing an existing user `updateuser` and the rights over it.
        let guard = |user: Option<&User>, changes: &[UserChange]| {
            let target = user.map(Subject::of);
            let action = if user.is_some() {
                Action::UpdateUser
            } else {
                Action::CreateUser
            };
            authorize(who, action, target.as_ref())?;
            check_user_changes(who, target.as_ref(), changes)
        };
        Ok(self
            .repo
            .upsert_batch(tenant, plans, self.clock.now(), &guard)
            .await)
    }

    pub async fn change_password(
        &self,
        who: &Principal,
        id: UserId,
        password: Password,
        change_required: bool,
    ) -> Result<User, ChangePasswordError> {
        // Refuse unknown users and refused callers before spending a hash on them.
        let tenant = who.authorized(Action::ChangePassword)?;
        let target = self
            .repo
            .get(tenant, &UserKey::Id(id))
            .await?
            .ok_or(ChangePasswordError::NotFound)?;
        who.authorized_on(Action::ChangePassword, &target)?;
        let hash = self.hasher.hash(tenant, password).await?;
        self.repo
            .set_password(tenant, id, hash, change_required, self.clock.now())
            .await?
            .ok_or(ChangePasswordError::NotFound)
    }

    pub async fn record_activity(
        &self,
        who: &Principal,
        key: &UserKey,
        at: Option<Timestamp>,
        device: Option<Device>,
    ) -> Result<User, RecordActivityError> {
        let tenant = who.authorized(Action::RecordActivity)?;
        let at = at.unwrap_or_else(|| self.clock.now());
        let user = self
            .repo
            .record_activity(tenant, key, at, device)
            .await?
            .ok_or(RecordActivityError::NotFound)?;
        if user.status != UserStatus::Invited {
            return Ok(user);
        }
        // An invited user who shows up has accepted the invitation (Forms On Fire users are
        // `Invited` until their first sign-in). Only INVITED moves; a user disabled in the
        // meantime stays disabled, and a concurrent activation is the same write.
        let activate = [UserChange::Status(UserStatus::Active)];
        match self
            .repo
            .modify(
                tenant,
                user.id,
                &activate,
                Some(user.version),
                self.clock.now(),
                &|_, _| Ok(()),
            )
            .await
        {
            Ok(active) => Ok(active),
            // Someone else wrote in between: read what they left.
            Err(UpdateUserError::EtagMismatch) => self
                .repo
                .get(tenant, &UserKey::Id(user.id))
                .await?
                .ok_or(RecordActivityError::NotFound),
            Err(UpdateUserError::NotFound) => Err(RecordActivityError::NotFound),
            Err(UpdateUserError::Storage(e)) => Err(RecordActivityError::Storage(e)),
            Err(
                UpdateUserError::Invalid(_)
                | UpdateUserError::TryLater(_)
                | UpdateUserError::Taken(_)
                | UpdateUserError::UnknownGroup(_)
                | UpdateUserError::UnknownFolder(_)
                | UpdateUserError::Denied(_),
            ) => Err(RecordActivityError::Storage(StorageError::msg(
                "activating an invited user failed unexpectedly",
            ))),
        }
    }

    /// The user's API secret (Cloud Elements `secret`), derived again on demand.
    pub fn api_secret(&self, user: UserId) -> String {
        self.secrets.user_secret(user)
    }
}

impl<R: UserRepository + PasswordGuesses, H: PasswordHasher> UserService<R, H> {
    /// The user, and whether `candidate` is its password. Every guess counts against the
    /// user's [`GuessLimit`]; past it the password is not checked at all. A right password
    /// clears the count.
    pub async fn verify_password(
        &self,
        who: &Principal,
        key: &UserKey,
        candidate: String,
    ) -> Result<(User, bool), VerifyPasswordError> {
        let tenant = who.authorized(Action::VerifyPassword)?;
        let (user, hash) = self
            .repo
            .password_hash(tenant, key)
            .await?
            .ok_or(VerifyPasswordError::NotFound)?;
        if self.guesses.max > 0 {
            let now = self.clock.now();
            let count = self
                .repo
                .count_guess(user.number, now, self.guesses.window)
                .await?;
            if count.guesses > self.guesses.max {
                let ends = count.window_start.plus(self.guesses.window);
                let left = ends.as_micros().saturating_sub(now.as_micros()).max(0);
                return Err(VerifyPasswordError::TooManyGuesses {
                    retry_after_secs: u64::try_from(left).unwrap_or(0).div_ceil(1_000_000),
                });
            }
        }
        let valid = self.hasher.verify(tenant, candidate, hash).await?;
        if valid && self.guesses.max > 0 {
            self.repo.clear_guesses(user.number).await?;
        }
        Ok((user, valid))
    }
}
