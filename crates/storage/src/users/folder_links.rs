//! A user's folder grants: resolving the selectors a write names, and replacing the set
//! (they are read with the user, see [`super::links`]).

use crate::entities::{folder, user_folder};
use crate::errors::storage;
use crate::rows::folder_ref;
use roster_domain::folders::{FolderKey, FolderRef};
use roster_domain::users::{CreateUserError, UnknownFolder, UpdateUserError};
use roster_domain::{StorageError, TenantId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

/// Why the folders of a write could not be resolved.
pub(crate) enum FolderLinkError {
    Unknown(UnknownFolder),
    Storage(StorageError),
}

impl From<StorageError> for FolderLinkError {
    fn from(e: StorageError) -> Self {
        Self::Storage(e)
    }
}

impl From<FolderLinkError> for CreateUserError {
    fn from(e: FolderLinkError) -> Self {
        match e {
            FolderLinkError::Unknown(f) => Self::UnknownFolder(f),
            FolderLinkError::Storage(s) => Self::Storage(s),
        }
    }
}

impl From<FolderLinkError> for UpdateUserError {
    fn from(e: FolderLinkError) -> Self {
        match e {
            FolderLinkError::Unknown(f) => Self::UnknownFolder(f),
            FolderLinkError::Storage(s) => Self::Storage(s),
        }
    }
}

fn matches(f: &folder::Model, sel: &FolderKey) -> bool {
    match sel {
        FolderKey::Id(id) => f.id == id.as_uuid(),
        FolderKey::Name(n) => f.name_key == n.key(),
        FolderKey::ExternalId(x) => f.external_id.as_deref() == Some(x.as_str()),
    }
}

/// The folders `selectors` name, deduplicated and sorted by name; the first unknown one is
/// an error.
pub(crate) async fn resolve_folders<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    selectors: &[FolderKey],
) -> Result<Vec<FolderRef>, FolderLinkError> {
    if selectors.is_empty() {
        return Ok(Vec::new());
    }
    let (mut ids, mut names, mut exts) = (Vec::new(), Vec::new(), Vec::new());
    for s in selectors {
        match s {
            FolderKey::Id(id) => ids.push(id.as_uuid()),
            FolderKey::Name(n) => names.push(n.key()),
            FolderKey::ExternalId(x) => exts.push(x.as_str().to_owned()),
        }
    }
    let mut any = Condition::any();
    if !ids.is_empty() {
        any = any.add(folder::Column::Id.is_in(ids));
    }
    if !names.is_empty() {
        any = any.add(folder::Column::NameKey.is_in(names));
    }
    if !exts.is_empty() {
        any = any.add(folder::Column::ExternalId.is_in(exts));
    }
    let rows = folder::Entity::find()
        .filter(folder::Column::TenantId.eq(tenant.as_uuid()))
        .filter(any)
        .all(conn)
        .await
        .map_err(storage)?;
    let mut hits: Vec<&folder::Model> = Vec::new();
    for (index, sel) in selectors.iter().enumerate() {
        let Some(f) = rows.iter().find(|f| matches(f, sel)) else {
            return Err(FolderLinkError::Unknown(UnknownFolder {
                index,
                selector: sel.clone(),
            }));
        };
        if !hits.iter().any(|h| h.id == f.id) {
            hits.push(f);
        }
    }
    hits.sort_by(|a, b| a.name_key.cmp(&b.name_key));
    hits.into_iter()
        .map(|f| folder_ref(f.id, &f.name, f.external_id.as_deref()).map_err(Into::into))
        .collect()
}

/// Makes `folders` the user's grants (after removing the old ones when `replace`).
pub(crate) async fn set_folder_grants<C: ConnectionTrait>(
    conn: &C,
    number: i64,
    folders: &[FolderRef],
    replace: bool,
) -> Result<(), StorageError> {
    if replace {
        user_folder::Entity::delete_many()
            .filter(user_folder::Column::UserNumber.eq(number))
            .exec(conn)
            .await
            .map_err(storage)?;
    }
    if folders.is_empty() {
        return Ok(());
    }
    let rows = folders.iter().map(|f| user_folder::ActiveModel {
        user_number: Set(number),
        folder_id: Set(f.id.as_uuid()),
    });
    user_folder::Entity::insert_many(rows)
        .exec(conn)
        .await
        .map_err(storage)?;
    Ok(())
}
