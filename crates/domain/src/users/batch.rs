//! Batch upserts: many create-or-modify items, each all or nothing on its own.

use super::changes::{NewUser, UserChange};
use super::model::{User, UserKey};
use crate::FieldViolations;

/// One item of a batch: find the user by `key`, apply `changes`; when there is no such user
/// and `create_if_missing`, create it from the changes (plus the key's email).
#[derive(Debug, Clone)]
pub struct UpsertItem {
    pub key: UserKey,
    pub changes: Vec<UserChange>,
    pub create_if_missing: bool,
    /// Unknown groups become warnings instead of failing the item.
    pub lenient_groups: bool,
}

impl UpsertItem {
    /// Whether a missing user may be created: only items keyed by email or external id can
    /// create; an id, number or login must name an existing user.
    pub fn may_create(&self) -> bool {
        self.create_if_missing && matches!(self.key, UserKey::Email(_) | UserKey::ExternalId(_))
    }

    /// The user this item creates when nobody matches its key.
    pub fn new_user(&self) -> Result<NewUser, FieldViolations> {
        let mut changes = Vec::with_capacity(self.changes.len() + 1);
        match &self.key {
            UserKey::Email(e) => changes.push(UserChange::Email(e.clone())),
            UserKey::ExternalId(x) => changes.push(UserChange::ExternalId(Some(x.clone()))),
            UserKey::Id(_) | UserKey::Number(_) | UserKey::Login(_) => {}
        }
        changes.extend(self.changes.iter().cloned());
        NewUser::from_changes(&changes)
    }
}

/// A part of an item that was skipped without failing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpsertWarning {
    /// e.g. `user.groups[1]`
    pub field: String,
    pub message: String,
}

/// What one successful item did.
#[derive(Debug, Clone)]
pub struct UpsertOutcome {
    pub user: User,
    pub created: bool,
    pub warnings: Vec<UpsertWarning>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Email;

    #[test]
    fn an_item_keyed_by_email_creates_with_that_email() {
        let email = Email::parse("new@example.com").unwrap();
        let item = UpsertItem {
            key: UserKey::Email(email.clone()),
            changes: vec![],
            create_if_missing: true,
            lenient_groups: false,
        };
        assert_eq!(item.new_user().unwrap().email, email);
        let by_number = UpsertItem {
            key: UserKey::Number(3),
            ..item
        };
        assert!(by_number.new_user().is_err());
    }
}
