//! Writing users: inserts and modifications inside a caller's transaction, with their
//! group memberships. Callers decide the transaction; these functions never commit.

use super::folder_links::{resolve_folders, set_folder_grants};
use super::load::{find_row, load_one};
use crate::builtin_roles;
use crate::effects::Effects;
use crate::entities::{group, user, user_group};
use crate::errors::{Unique, foreign_key_violation, storage, unique_violation};
use crate::rows::{group_ref, metadata_json};
use roster_domain::FieldViolations;
use roster_domain::folders::FolderRef;
use roster_domain::groups::GroupRef;
use roster_domain::ports::{NewUserRecord, UserGuard};
use roster_domain::rbac::BuiltInRole;
use roster_domain::users::{
    CreateUserError, GroupSelector, Taken, UnknownGroup, UpdateUserError, UpsertWarning, User,
    UserChange, UserKey,
};
use roster_domain::values::Metadata;
use roster_domain::{StorageError, TenantId, Timestamp};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
};
use std::collections::BTreeSet;

/// Why the groups of a write could not be resolved.
pub(crate) enum ResolveError {
    Unknown(UnknownGroup),
    Storage(StorageError),
}

impl From<ResolveError> for CreateUserError {
    fn from(e: ResolveError) -> Self {
        match e {
            ResolveError::Unknown(g) => Self::UnknownGroup(g),
            ResolveError::Storage(s) => Self::Storage(s),
        }
    }
}

impl From<ResolveError> for UpdateUserError {
    fn from(e: ResolveError) -> Self {
        match e {
            ResolveError::Unknown(g) => Self::UnknownGroup(g),
            ResolveError::Storage(s) => Self::Storage(s),
        }
    }
}

/// The groups `selectors` name, deduplicated, in the order given. Unknown ones are an error,
/// or with `lenient` a warning each.
pub(crate) async fn resolve_groups<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    selectors: &[GroupSelector],
    lenient: bool,
) -> Result<(Vec<GroupRef>, Vec<UpsertWarning>), ResolveError> {
    if selectors.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let rows = group_rows(conn, tenant, selectors)
        .await
        .map_err(ResolveError::Storage)?;
    pick_groups(&rows, selectors, lenient)
}

/// The groups of `tenant` that any of `selectors` names, in one query.
pub(crate) async fn group_rows<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    selectors: &[GroupSelector],
) -> Result<Vec<group::Model>, StorageError> {
    if selectors.is_empty() {
        return Ok(Vec::new());
    }
    let (mut ids, mut paths, mut exts) = (Vec::new(), Vec::new(), Vec::new());
    for s in selectors {
        match s {
            GroupSelector::Id(id) => ids.push(id.as_uuid()),
            GroupSelector::Path(p) => paths.push(p.as_str().to_owned()),
            GroupSelector::ExternalId(x) => exts.push(x.as_str().to_owned()),
        }
    }
    let mut any = Condition::any();
    if !ids.is_empty() {
        any = any.add(group::Column::Id.is_in(ids));
    }
    if !paths.is_empty() {
        any = any.add(group::Column::Path.is_in(paths));
    }
    if !exts.is_empty() {
        any = any.add(group::Column::ExternalId.is_in(exts));
    }
    group::Entity::find()
        .filter(group::Column::TenantId.eq(tenant.as_uuid()))
        .filter(any)
        .all(conn)
        .await
        .map_err(storage)
}

/// The groups of `rows` that `selectors` name, deduplicated, in the order given. Unknown ones
/// are an error, or with `lenient` a warning each.
pub(crate) fn pick_groups(
    rows: &[group::Model],
    selectors: &[GroupSelector],
    lenient: bool,
) -> Result<(Vec<GroupRef>, Vec<UpsertWarning>), ResolveError> {
    let mut refs: Vec<GroupRef> = Vec::new();
    let mut warnings = Vec::new();
    for (index, sel) in selectors.iter().enumerate() {
        let hit = rows.iter().find(|g| match sel {
            GroupSelector::Id(id) => g.id == id.as_uuid(),
            GroupSelector::Path(p) => g.path == p.as_str(),
            GroupSelector::ExternalId(x) => g.external_id.as_deref() == Some(x.as_str()),
        });
        match hit {
            Some(g) => {
                if !refs.iter().any(|r| r.id.as_uuid() == g.id) {
                    refs.push(
                        group_ref(g.id, &g.path, g.external_id.as_deref())
                            .map_err(ResolveError::Storage)?,
                    );
                }
            }
            None if lenient => warnings.push(UpsertWarning {
                field: format!("user.groups[{index}]"),
                message: format!("{sel} not found"),
            }),
            None => {
                return Err(ResolveError::Unknown(UnknownGroup {
                    index,
                    selector: sel.clone(),
                }));
            }
        }
    }
    Ok((refs, warnings))
}

/// Every writable column of `u` (not the number, password or secret).
pub(crate) fn row_values(tenant: TenantId, u: &User) -> user::ActiveModel {
    let p = &u.profile;
    user::ActiveModel {
        number: NotSet,
        id: Set(u.id.as_uuid()),
        tenant_id: Set(tenant.as_uuid()),
        login: Set(u.login.as_str().to_owned()),
        login_key: Set(u.login.key()),
        email: Set(u.email.as_str().to_owned()),
        email_key: Set(u.email.key()),
        external_id: Set(u.external_id.as_ref().map(|x| x.as_str().to_owned())),
        first_name: Set(p.first_name.clone()),
        last_name: Set(p.last_name.clone()),
        display_name: Set(p.display_name.clone()),
        job_title: Set(p.job_title.clone()),
        company_name: Set(p.company_name.clone()),
        address: Set(p.address.clone()),
        postal_code: Set(p.postal_code.clone()),
        city: Set(p.city.clone()),
        state: Set(p.state.clone()),
        country: Set(p.country.clone()),
        phone: Set(p.phone.clone()),
        time_zone: Set(p.time_zone.clone()),
        status: Set(u.status.as_str().to_owned()),
        person_type: Set(u.person_type.as_str().to_owned()),
        access_level: Set(u.access_level.as_str().to_owned()),
        metadata: Set(metadata_json(&u.metadata)),
        password_change_required: Set(u.password_change_required),
        password_hash: NotSet,
        secret_digest: NotSet,
        created_at: Set(u.created.as_micros()),
        updated_at: Set(u.updated.as_micros()),
        last_activity_at: NotSet,
        version: Set(u.version),
        license_type: Set(u.license.as_str().to_owned()),
        do_not_email: Set(u.do_not_email),
        auth_epoch: NotSet,
    }
}

/// The value of `u` that a unique violation on its write is about.
fn taken(err: &DbErr, u: &User) -> Option<Taken> {
    match unique_violation(err)? {
        // A login that is the email (it follows the email) collides because the email does;
        // the database may report either index first.
        Unique::Login if u.login.as_str().eq_ignore_ascii_case(u.email.as_str()) => {
            Some(Taken::Email(u.email.clone()))
        }
        Unique::Login => Some(Taken::Login(u.login.clone())),
        Unique::Email => Some(Taken::Email(u.email.clone())),
        Unique::ExternalId => u.external_id.clone().map(Taken::ExternalId),
        Unique::GroupPath | Unique::CompanyId | Unique::FolderName | Unique::Other => None,
    }
}

pub(crate) async fn set_memberships<C: ConnectionTrait>(
    conn: &C,
    number: i64,
    groups: &[GroupRef],
    replace: bool,
) -> Result<(), StorageError> {
    if replace {
        user_group::Entity::delete_many()
            .filter(user_group::Column::UserNumber.eq(number))
            .exec(conn)
            .await
            .map_err(storage)?;
    }
    if groups.is_empty() {
        return Ok(());
    }
    // The position keeps the order given.
    let rows = (0_i64..)
        .zip(groups)
        .map(|(position, g)| user_group::ActiveModel {
            user_number: Set(number),
            group_id: Set(g.id.as_uuid()),
            position: Set(position),
        });
    user_group::Entity::insert_many(rows)
        .exec(conn)
        .await
        .map_err(storage)?;
    Ok(())
}

/// Inserts a user and its memberships; the groups it joins are added to `touched`.
pub(crate) async fn insert_user<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    rec: &NewUserRecord,
    lenient_groups: bool,
    touched: &mut Effects,
) -> Result<(User, Vec<UpsertWarning>), CreateUserError> {
    let mut metadata = rec.user.metadata.clone();
    let entries = [UserChange::MetadataEntries(
        rec.user.metadata_entries.clone(),
    )];
    let mut warnings = merged_metadata(&entries, &mut metadata, lenient_groups)
        .map_err(CreateUserError::Invalid)?;
    let (groups, w) = resolve_groups(conn, tenant, &rec.user.groups, lenient_groups).await?;
    warnings.extend(w);
    let folders = resolve_folders(conn, tenant, &rec.user.folders).await?;
    let n = &rec.user;
    let draft = draft(tenant, rec, metadata, groups, folders);
    let row = new_row(tenant, rec, &draft)
        .insert(conn)
        .await
        .map_err(|e| match taken(&e, &draft) {
            Some(t) => CreateUserError::Taken(t),
            None if foreign_key_violation(&e) => CreateUserError::TenantNotFound,
            None => CreateUserError::Storage(storage(e)),
        })?;
    set_memberships(conn, row.number, &draft.groups, false).await?;
    touched
        .groups
        .add(draft.groups.iter().map(|g| g.id.as_uuid()));
    set_folder_grants(conn, row.number, &draft.folders, false).await?;
    let user = if n.role_keys.is_empty() {
        User {
            number: row.number,
            ..draft
        }
    } else {
        builtin_roles::set_for_user(conn, tenant.as_uuid(), row.number, &n.role_keys)
            .await
            .map_err(storage)?;
        load_one(conn, row).await?
    };
    touched.events.user_created(&user);
    Ok((user, warnings))
}

/// The user `rec` creates, before it has a number, with its metadata, groups and folders as
/// resolved.
pub(crate) fn draft(
    tenant: TenantId,
    rec: &NewUserRecord,
    metadata: Metadata,
    groups: Vec<GroupRef>,
    folders: Vec<FolderRef>,
) -> User {
    let n = &rec.user;
    User {
        id: rec.id,
        number: 0,
        tenant,
        login: n.effective_login(),
        email: n.email.clone(),
        profile: n.profile.clone(),
        external_id: n.external_id.clone(),
        status: n.status,
        person_type: n.person_type,
        access_level: n.access_level,
        metadata,
        password_change_required: n.password_change_required,
        has_password: rec.password_hash.is_some(),
        groups,
        devices: Vec::new(),
        roles: Vec::new(),
        created: rec.now,
        updated: rec.now,
        last_activity: None,
        version: 1,
        folders,
        license: n.license,
        do_not_email: n.do_not_email,
    }
}

/// The row that inserts `draft`, made from `rec`: every column but the number.
pub(crate) fn new_row(tenant: TenantId, rec: &NewUserRecord, draft: &User) -> user::ActiveModel {
    let mut am = row_values(tenant, draft);
    am.password_hash = Set(rec.password_hash.as_ref().map(|h| h.as_str().to_owned()));
    am.secret_digest = Set(rec.secret_digest.as_str().to_owned());
    am.last_activity_at = Set(None);
    am.auth_epoch = Set(0);
    am
}

/// `metadata` with the single entries of `changes` merged in. Entries the metadata limits
/// refuse are warnings when `lenient`, else the write is invalid.
pub(crate) fn merged_metadata(
    changes: &[UserChange],
    metadata: &mut Metadata,
    lenient: bool,
) -> Result<Vec<UpsertWarning>, FieldViolations> {
    let warnings = UserChange::merge_metadata(changes, metadata);
    if lenient || warnings.is_empty() {
        return Ok(warnings);
    }
    let mut v = FieldViolations::new();
    for w in warnings {
        v.add(w.field, w.message);
    }
    Err(v)
}

/// The distinct built-in roles of `keys`, in key order.
pub(crate) fn key_set(keys: &[BuiltInRole]) -> Vec<BuiltInRole> {
    let mut k = keys.to_vec();
    k.sort_unstable();
    k.dedup();
    k
}

/// Applies `changes` to the user `key` names. Writes nothing when nothing changes. The
/// groups the user joins or leaves are added to `touched`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn modify_user<C: ConnectionTrait>(
    conn: &C,
    lock: bool,
    tenant: TenantId,
    key: &UserKey,
    changes: &[UserChange],
    expected_version: Option<i64>,
    lenient_groups: bool,
    now: Timestamp,
    guard: UserGuard<'_>,
    touched: &mut Effects,
) -> Result<(User, Vec<UpsertWarning>), UpdateUserError> {
    let row = find_row(conn, tenant, key, lock)
        .await?
        .ok_or(UpdateUserError::NotFound)?;
    if expected_version.is_some_and(|v| v != row.version) {
        return Err(UpdateUserError::EtagMismatch);
    }
    let epoch = row.auth_epoch;
    let before = load_one(conn, row).await?;
    guard(Some(&before), changes)?;
    let mut after = before.clone();
    let selectors = after.apply(changes);
    let mut warnings = merged_metadata(changes, &mut after.metadata, lenient_groups)
        .map_err(UpdateUserError::Invalid)?;
    let groups_changed = match selectors {
        Some(selectors) => {
            let (refs, w) = resolve_groups(conn, tenant, &selectors, lenient_groups).await?;
            warnings.extend(w);
            after.groups = refs;
            after.groups != before.groups
        }
        None => false,
    };
    let folders_changed = match UserChange::folders_in(changes) {
        Some(selectors) => {
            after.folders = resolve_folders(conn, tenant, selectors).await?;
            after.folders != before.folders
        }
        None => false,
    };
    // A new password changes the row even when the user looks the same.
    let password = UserChange::password_in(changes);
    let role_keys = UserChange::role_keys_in(changes)
        .map(key_set)
        .filter(|k| *k != before.role_keys());
    if after == before && password.is_none() && role_keys.is_none() {
        return Ok((before, warnings));
    }
    after.version = before.version + 1;
    after.updated = now;
    let mut am = row_values(tenant, &after);
    if let Some(hash) = password {
        am.password_hash = Set(Some(hash.as_str().to_owned()));
    }
    // Tokens the user holds end when what they were judged on changes.
    if password.is_some()
        || role_keys.is_some()
        || after.status != before.status
        || after.access_level != before.access_level
    {
        am.auth_epoch = Set(epoch + 1);
    }
    let res = user::Entity::update_many()
        .set(am)
        .filter(user::Column::Number.eq(before.number))
        .filter(user::Column::Version.eq(before.version))
        .exec(conn)
        .await
        .map_err(|e| match taken(&e, &after) {
            Some(t) => UpdateUserError::Taken(t),
            None => UpdateUserError::Storage(storage(e)),
        })?;
    if res.rows_affected == 0 {
        // Another writer got in between the read and the write (only without row locks).
        return Err(UpdateUserError::EtagMismatch);
    }
    if groups_changed {
        set_memberships(conn, before.number, &after.groups, true).await?;
        // Joined or left; a new order of the same groups changes no group.
        let ids = |u: &User| -> BTreeSet<uuid::Uuid> {
            u.groups.iter().map(|g| g.id.as_uuid()).collect()
        };
        let (was, is) = (ids(&before), ids(&after));
        touched.groups.add(was.symmetric_difference(&is).copied());
    }
    if folders_changed {
        set_folder_grants(conn, before.number, &after.folders, true).await?;
    }
    if let Some(keys) = role_keys {
        builtin_roles::set_for_user(conn, tenant.as_uuid(), before.number, &keys)
            .await
            .map_err(storage)?;
        let row = find_row(conn, tenant, &UserKey::Id(after.id), false)
            .await?
            .ok_or(UpdateUserError::NotFound)?;
        after = load_one(conn, row).await?;
    }
    touched
        .events
        .user_updated(&before, &after, password.is_some());
    Ok((after, warnings))
}
