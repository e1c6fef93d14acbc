//! Keyset pages: `WHERE tenant AND filter AND (key, number) > cursor ORDER BY key, number`,
//! served by the (tenant, key, number) indexes, so a page costs the same wherever it is.

use super::filter::condition;
use super::load::load;
use crate::entities::user;
use crate::errors::storage;
use roster_domain::page::{SortKey, UserCursor, UserOrder, UserOrderField, UserPage, UserQuery};
use roster_domain::{StorageError, TenantId};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

fn sort_column(order: UserOrder) -> Option<user::Column> {
    match order.field {
        UserOrderField::Number => None,
        UserOrderField::Login => Some(user::Column::LoginKey),
        UserOrderField::Email => Some(user::Column::EmailKey),
        UserOrderField::Created => Some(user::Column::CreatedAt),
    }
}

/// Rows strictly after `cursor` in `order`.
fn after(order: UserOrder, cursor: &UserCursor) -> Expr {
    let number = Expr::col((user::Entity, user::Column::Number));
    let beyond = |col: Expr, v: Expr| {
        if order.descending {
            col.lt(v)
        } else {
            col.gt(v)
        }
    };
    let key_value = match &cursor.key {
        SortKey::None => None,
        SortKey::Text(s) => Some(Expr::val(s.clone())),
        SortKey::Time(t) => Some(Expr::val(t.as_micros())),
    };
    match (sort_column(order), key_value) {
        (Some(c), Some(v)) => {
            let col = Expr::col((user::Entity, c));
            beyond(col.clone(), v.clone())
                .or(col.eq(v).and(beyond(number, Expr::val(cursor.number))))
        }
        // A cursor from another order cannot be honoured by key; the page token check in the
        // service refuses those before they get here, so fall back to the number alone.
        _ => beyond(number, Expr::val(cursor.number)),
    }
}

fn filtered(tenant: TenantId, q: &UserQuery) -> Select<user::Entity> {
    let mut s = user::Entity::find().filter(user::Column::TenantId.eq(tenant.as_uuid()));
    if let Some(f) = &q.filter {
        s = s.filter(condition(f));
    }
    s
}

pub(crate) async fn list<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    q: &UserQuery,
) -> Result<UserPage, StorageError> {
    let total = if q.count_total {
        Some(filtered(tenant, q).count(conn).await.map_err(storage)?)
    } else {
        None
    };
    let dir = if q.order.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let mut s = filtered(tenant, q);
    if let Some(c) = &q.after {
        s = s.filter(after(q.order, c));
    }
    if let Some(c) = sort_column(q.order) {
        s = s.order_by(c, dir.clone());
    }
    s = s
        .order_by(user::Column::Number, dir)
        .limit(u64::from(q.page_size) + 1);
    if q.after.is_none() && q.skip > 0 {
        s = s.offset(q.skip);
    }
    let mut rows = s.all(conn).await.map_err(storage)?;
    let more = rows.len() > q.page_size as usize;
    rows.truncate(q.page_size as usize);
    let users = load(conn, rows).await?;
    let next = if more {
        users.last().map(|u| UserCursor::after(u, q.order))
    } else {
        None
    };
    Ok(UserPage { users, next, total })
}
