//! A user's folder grants: loading them for a page of users in one query, resolving the
//! selectors a write names, and replacing the set.

use crate::entities::{folder, user_folder};
use crate::errors::storage;
use crate::rows::folder_ref;
use roster_domain::folders::{FolderKey, FolderRef};
use roster_domain::users::{CreateUserError, UnknownFolder, UpdateUserError};
use roster_domain::{StorageError, TenantId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

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

/// The folders of each of `numbers`, sorted by name without case.
pub(crate) async fn folders_of<C: ConnectionTrait>(
    conn: &C,
    numbers: &[i64],
) -> Result<HashMap<i64, Vec<FolderRef>>, StorageError> {
    let stmt = Query::select()
        .column((user_folder::Entity, user_folder::Column::UserNumber))
        .column((folder::Entity, folder::Column::Id))
        .column((folder::Entity, folder::Column::Name))
        .column((folder::Entity, folder::Column::ExternalId))
        .from(user_folder::Entity)
        .inner_join(
            folder::Entity,
            Expr::col((folder::Entity, folder::Column::Id))
                .equals((user_folder::Entity, user_folder::Column::FolderId)),
        )
        .and_where(
            Expr::col((user_folder::Entity, user_folder::Column::UserNumber))
                .is_in(numbers.iter().copied()),
        )
        .order_by((folder::Entity, folder::Column::NameKey), Order::Asc)
        .to_owned();
    let mut out: HashMap<i64, Vec<FolderRef>> = HashMap::new();
    for row in conn.query_all(&stmt).await.map_err(storage)? {
        let n: i64 = row.try_get("", "user_number").map_err(storage)?;
        let id: uuid::Uuid = row.try_get("", "id").map_err(storage)?;
        let name: String = row.try_get("", "name").map_err(storage)?;
        let ext: Option<String> = row.try_get("", "external_id").map_err(storage)?;
        out.entry(n)
            .or_default()
            .push(folder_ref(id, &name, ext.as_deref())?);
    }
    Ok(out)
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
