//! How the set-based pass judges one item in memory: the policy's guard, validation, groups,
//! and the row it would write.

use super::{Create, Found, Modify, Verdict};
use crate::entities::user;
use crate::users::write::{ResolveError, draft, merged_metadata, new_row, pick_groups, row_values};
use roster_domain::ports::{NewUserRecord, UpsertPlan, UserGuard};
use roster_domain::users::{
    CreateUserError, UpdateUserError, UpsertError, UpsertItem, UpsertOutcome, UserChange,
};
use roster_domain::values::ExternalId;
use roster_domain::{TenantId, Timestamp};
use sea_orm::ActiveValue::Set;

/// An item that finds its user: the user as the changes leave it.
pub(super) fn modify(
    tenant: TenantId,
    item: &UpsertItem,
    row: &user::Model,
    found: &Found,
    now: Timestamp,
    guard: UserGuard<'_>,
) -> Verdict {
    let Some(before) = found.users.get(&row.number) else {
        return Verdict::Alone;
    };
    let refused = |e: UpdateUserError| Verdict::answer(Err(UpsertError::from(e)));
    if let Err(d) = guard(Some(before), &item.changes) {
        return refused(UpdateUserError::Denied(d));
    }
    let mut after = before.clone();
    let selectors = after.apply(&item.changes);
    let mut warnings =
        match merged_metadata(&item.changes, &mut after.metadata, item.lenient_groups) {
            Ok(w) => w,
            Err(v) => return refused(UpdateUserError::Invalid(v)),
        };
    // A new unique value may collide with another user: the item-by-item path says which.
    if after.email.key() != row.email_key
        || after.login.key() != row.login_key
        || after.external_id.as_ref().map(ExternalId::as_str) != row.external_id.as_deref()
    {
        return Verdict::Alone;
    }
    if let Some(selectors) = selectors {
        match pick_groups(&found.groups, &selectors, item.lenient_groups) {
            Ok((refs, w)) => {
                warnings.extend(w);
                after.groups = refs;
            }
            Err(ResolveError::Unknown(g)) => return refused(UpdateUserError::UnknownGroup(g)),
            Err(ResolveError::Storage(_)) => return Verdict::Alone,
        }
    }
    if after == *before {
        return Verdict::answer(Ok(UpsertOutcome {
            user: before.clone(),
            created: false,
            warnings,
        }));
    }
    after.version = before.version + 1;
    after.updated = now;
    let mut am = row_values(tenant, &after);
    am.number = Set(row.number);
    am.password_hash = Set(row.password_hash.clone());
    am.secret_digest = Set(row.secret_digest.clone());
    am.last_activity_at = Set(row.last_activity_at);
    // Tokens the user holds end when what they were judged on changes.
    let judged_anew = after.status != before.status || after.access_level != before.access_level;
    am.auth_epoch = Set(row.auth_epoch + i64::from(judged_anew));
    Verdict::Modify(Box::new(Modify {
        row: am,
        groups_changed: after.groups != before.groups,
        before: before.clone(),
        after,
        warnings,
    }))
}

/// An item that finds no user: the user it creates, if it may.
pub(super) fn create(
    tenant: TenantId,
    item: &UpsertItem,
    plan: &UpsertPlan,
    found: &Found,
    now: Timestamp,
    guard: UserGuard<'_>,
) -> Verdict {
    if !item.may_create() {
        return Verdict::answer(Err(UpsertError::NotFound));
    }
    let refused = |e: CreateUserError| Verdict::answer(Err(UpsertError::from(e)));
    let new = match item.new_user() {
        Ok(n) => n,
        Err(v) => return refused(CreateUserError::Invalid(v)),
    };
    if let Err(d) = guard(None, &new.grants()) {
        return refused(CreateUserError::Denied(d));
    }
    if !new.role_keys.is_empty() || !new.folders.is_empty() {
        return Verdict::Alone;
    }
    let mut metadata = new.metadata.clone();
    let entries = [UserChange::MetadataEntries(new.metadata_entries.clone())];
    let mut warnings = match merged_metadata(&entries, &mut metadata, item.lenient_groups) {
        Ok(w) => w,
        Err(v) => return refused(CreateUserError::Invalid(v)),
    };
    let groups = match pick_groups(&found.groups, &new.groups, item.lenient_groups) {
        Ok((refs, w)) => {
            warnings.extend(w);
            refs
        }
        Err(ResolveError::Unknown(g)) => return refused(CreateUserError::UnknownGroup(g)),
        Err(ResolveError::Storage(_)) => return Verdict::Alone,
    };
    let rec = NewUserRecord {
        id: plan.new_id,
        user: new,
        password_hash: None,
        secret_digest: plan.new_secret_digest.clone(),
        now,
    };
    let user = draft(tenant, &rec, metadata, groups, Vec::new());
    Verdict::Create(Box::new(Create {
        row: new_row(tenant, &rec, &user),
        user,
        warnings,
    }))
}
