//! A new version and update time for users whose record changed through something else: a
//! membership, a grant, a group renamed or deleted. Their ETags must move as a direct write's
//! would, or a client holding one would overwrite what it never saw.

use crate::entities::{group, user, user_group};
use crate::errors::storage;
use roster_domain::{StorageError, TenantId, Timestamp};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Users per statement (bound parameters stay well under every database's limit).
const CHUNK: usize = 10_000;

/// A new version and update time for the users `numbers`.
pub(crate) async fn touch_users<C: ConnectionTrait>(
    conn: &C,
    numbers: &[i64],
    now: Timestamp,
) -> Result<(), StorageError> {
    for chunk in numbers.chunks(CHUNK) {
        user::Entity::update_many()
            .col_expr(user::Column::UpdatedAt, Expr::val(now.as_micros()))
            .col_expr(
                user::Column::Version,
                Expr::col(user::Column::Version).add(1),
            )
            .filter(user::Column::Number.is_in(chunk.iter().copied()))
            .exec(conn)
            .await
            .map_err(storage)?;
    }
    Ok(())
}

/// The same for every direct member of the group `id` and, given its `subtree` path, of the
/// groups under it, in one statement whatever their number: their `groups` show the group.
pub(crate) async fn touch_members<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    id: uuid::Uuid,
    subtree: Option<&str>,
    now: Timestamp,
) -> Result<(), StorageError> {
    let mut which = Expr::col(group::Column::Id).eq(id);
    if let Some(path) = subtree {
        let prefix = format!("{path}/");
        // PostgreSQL's SUBSTR takes `integer` positions, not `bigint`.
        let n = i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX);
        let under = Expr::expr(
            Func::cust("SUBSTR")
                .arg(Expr::col(group::Column::Path))
                .arg(1)
                .arg(n),
        )
        .eq(prefix);
        which = which.or(under);
    }
    let groups = Query::select()
        .column(group::Column::Id)
        .from(group::Entity)
        .and_where(group::Column::TenantId.eq(tenant.as_uuid()))
        .and_where(which)
        .to_owned();
    let members = Query::select()
        .column(user_group::Column::UserNumber)
        .from(user_group::Entity)
        .and_where(user_group::Column::GroupId.in_subquery(groups))
        .to_owned();
    user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, Expr::val(now.as_micros()))
        .col_expr(
            user::Column::Version,
            Expr::col(user::Column::Version).add(1),
        )
        .filter(user::Column::Number.in_subquery(members))
        .exec(conn)
        .await
        .map_err(storage)?;
    Ok(())
}
