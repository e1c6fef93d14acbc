//! Keyset pages: `WHERE tenant AND filter AND (key, number) > cursor ORDER BY key, number`,
//! served by the (tenant, key, number) indexes, so a page costs the same wherever it is. The
//! condition also bounds the key alone (`key >= cursor key`), which both databases turn into
//! the start of an index range; the row comparison after it is spelled out, as not every
//! database seeks on a row value over an expression.
//!
//! Orders of optional text (external id, names, job title) sort by one text key: `'1'` for
//! an unset value, else `'0'` and the value without case. Unset values so come last
//! ascending and first descending on both databases (whose own NULL orders differ), and a
//! cursor is an ordinary value. The expression is written exactly as the indexes of
//! migration `m20261206_000120_user_orders` have it, which is what lets the databases use
//! those indexes.

use super::filter::condition;
use super::links::whole_users;
use super::load::load_numbers;
use super::memo::{Search, SearchMemo};
use super::narrowing::{self, Narrowing};
use crate::entities::user;
use crate::errors::storage;
use roster_domain::page::{SortKey, UserCursor, UserOrder, UserOrderField, UserPage, UserQuery};
use roster_domain::{StorageError, TenantId};
use sea_orm::sea_query::{BinOper, Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

fn sort_column(order: UserOrder) -> Option<user::Column> {
    match order.field {
        UserOrderField::Login => Some(user::Column::LoginKey),
        UserOrderField::Email => Some(user::Column::EmailKey),
        UserOrderField::Created => Some(user::Column::CreatedAt),
        UserOrderField::Updated => Some(user::Column::UpdatedAt),
        UserOrderField::Id => Some(user::Column::Id),
        // By number alone, or by `optional_text_key`.
        UserOrderField::Number
        | UserOrderField::ExternalId
        | UserOrderField::DisplayName
        | UserOrderField::FirstName
        | UserOrderField::LastName
        | UserOrderField::JobTitle => None,
    }
}

/// The column of an order of optional text, as the SQL and the index name it.
fn optional_text_column(order: UserOrder) -> Option<&'static str> {
    match order.field {
        UserOrderField::ExternalId => Some("external_id"),
        UserOrderField::DisplayName => Some("display_name"),
        UserOrderField::FirstName => Some("first_name"),
        UserOrderField::LastName => Some("last_name"),
        UserOrderField::JobTitle => Some("job_title"),
        UserOrderField::Number
        | UserOrderField::Login
        | UserOrderField::Email
        | UserOrderField::Created
        | UserOrderField::Updated
        | UserOrderField::Id => None,
    }
}

/// The sort key of an optional text column: unset last, then the value without case. Fixed
/// SQL text: `col` is one of [`optional_text_column`]'s names.
fn optional_text_key(col: &'static str) -> Expr {
    Expr::cust(format!(
        "(CASE WHEN users.{col} IS NULL THEN '1' ELSE '0' || LOWER(users.{col}) END)"
    ))
}

/// The key of a cursor in an order of optional text, folded by the database as the rows'
/// keys are (the text is a parameter).
fn optional_text_cursor(key: &SortKey) -> Expr {
    match key {
        SortKey::Optional(Some(s)) => {
            Expr::val("0").binary(BinOper::Custom("||"), Func::lower(Expr::val(s.clone())))
        }
        // An unset value, or a cursor of another order (refused by the page token before it
        // gets here): the start of the unset rows.
        SortKey::Optional(None)
        | SortKey::None
        | SortKey::Text(_)
        | SortKey::Time(_)
        | SortKey::Id(_) => Expr::val("1"),
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
    let from = |col: Expr, v: Expr| {
        if order.descending {
            col.lte(v)
        } else {
            col.gte(v)
        }
    };
    let key = match (sort_column(order), optional_text_column(order), &cursor.key) {
        (_, Some(text), k) => Some((optional_text_key(text), optional_text_cursor(k))),
        (Some(c), None, SortKey::Text(s)) => {
            Some((Expr::col((user::Entity, c)), Expr::val(s.clone())))
        }
        (Some(c), None, SortKey::Time(t)) => {
            Some((Expr::col((user::Entity, c)), Expr::val(t.as_micros())))
        }
        (Some(c), None, SortKey::Id(id)) => {
            Some((Expr::col((user::Entity, c)), Expr::val(id.as_uuid())))
        }
        // By number alone; or a cursor from another order, which the page token check in
        // the service refuses before it gets here: the number alone then.
        (None | Some(_), None, SortKey::None | SortKey::Optional(_))
        | (None, None, SortKey::Text(_) | SortKey::Time(_) | SortKey::Id(_)) => None,
    };
    match key {
        Some((col, v)) => from(col.clone(), v.clone()).and(
            beyond(col.clone(), v.clone())
                .or(col.eq(v).and(beyond(number, Expr::val(cursor.number)))),
        ),
        None => beyond(number, Expr::val(cursor.number)),
    }
}

fn filtered(
    tenant: TenantId,
    q: &UserQuery,
    db: sea_orm::DbBackend,
    narrowing: &Narrowing,
) -> Select<user::Entity> {
    let mut s = user::Entity::find().filter(user::Column::TenantId.eq(tenant.as_uuid()));
    if let Some(f) = &q.filter {
        s = s.filter(condition(f, db, narrowing));
    }
    s
}

/// A page read by OFFSET, with the row before it first: the row before it and the page. The
/// rows an OFFSET skips are still computed in full by PostgreSQL, links included, so the skip
/// is over the numbers alone and the page is then read whole.
async fn offset_page<C: ConnectionTrait>(
    conn: &C,
    s: Select<user::Entity>,
) -> Result<
    (
        Option<roster_domain::users::User>,
        Vec<roster_domain::users::User>,
    ),
    StorageError,
> {
    let numbers: Vec<i64> = s
        .select_only()
        .column(user::Column::Number)
        .into_tuple()
        .all(conn)
        .await
        .map_err(storage)?;
    let mut users = load_numbers(conn, &numbers).await?;
    // The row before may have gone since the numbers were read: then there is none.
    let before = (!users.is_empty() && users.first().map(|u| u.number) == numbers.first().copied())
        .then(|| users.remove(0));
    Ok((before, users))
}

/// A page of `q`. Counts and the starts of numbered pages come from `memo` when it has them
/// as of `writes` (this process's write count, read before anything else), and go into it.
pub(crate) async fn list<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    q: &UserQuery,
    memo: &SearchMemo,
    writes: u64,
) -> Result<UserPage, StorageError> {
    let db = conn.get_database_backend();
    let narrowing = narrowing::probe(conn, q.filter.as_ref(), memo)
        .await
        .map_err(storage)?;
    let search = Search::of(tenant, q);
    let total = match (q.count_total, memo.count(&search, writes)) {
        (false, _) => None,
        (true, Some(n)) => Some(n),
        (true, None) => {
            let n = filtered(tenant, q, db, &narrowing)
                .count(conn)
                .await
                .map_err(storage)?;
            memo.remember_count(search.clone(), n, writes);
            Some(n)
        }
    };
    // A page before a position is read in the reverse order from that position, then turned
    // back: the same index range, walked the other way.
    let order = if q.before.is_some() {
        UserOrder {
            descending: !q.order.descending,
            ..q.order
        }
    } else {
        q.order
    };
    let dir = if order.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let numbered = q.after.is_none() && q.before.is_none();
    let skipped = numbered && q.skip > 0;
    // A numbered page starts after a remembered row when there is one; else it is read by
    // OFFSET with the row before it, which is remembered for the next time.
    let start = if skipped {
        memo.start(&search, q.skip, writes)
    } else {
        None
    };
    let lead = skipped && start.is_none();
    let mut s = filtered(tenant, q, db, &narrowing);
    if let Some(c) = q.after.as_ref().or(q.before.as_ref()).or(start.as_ref()) {
        s = s.filter(after(order, c));
    }
    if let Some(c) = sort_column(order) {
        s = s.order_by(c, dir.clone());
    }
    if let Some(col) = optional_text_column(order) {
        s = s.order_by(optional_text_key(col), dir.clone());
    }
    s = s
        .order_by(user::Column::Number, dir)
        .limit(u64::from(q.page_size) + 1 + u64::from(lead));
    if lead {
        s = s.offset(q.skip - 1);
    }
    // The row before the page, when the page is read by OFFSET.
    let (before_page, mut users) = if lead {
        offset_page(conn, s).await?
    } else {
        (None, whole_users(conn, s).await?)
    };
    let position = |u: &roster_domain::users::User| UserCursor::after(u, q.order);
    if let Some(before) = &before_page {
        memo.remember_start(search.clone(), q.skip, position(before), writes);
    }
    let more = users.len() > q.page_size as usize;
    users.truncate(q.page_size as usize);
    if q.before.is_some() {
        users.reverse();
    }
    if numbered
        && more
        && let Some(last) = users.last()
    {
        let next = q.skip + u64::from(q.page_size);
        memo.remember_start(search, next, position(last), writes);
    }
    let (next, previous) = if q.before.is_some() {
        // Backward: `more` means more before; the users after this page are the ones the
        // client came from.
        (
            users.last().map(position),
            users.first().filter(|_| more).map(position),
        )
    } else {
        (
            users.last().filter(|_| more).map(position),
            users
                .first()
                .filter(|_| q.after.is_some() || skipped)
                .map(position),
        )
    };
    Ok(UserPage {
        users,
        next,
        previous,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_domain::UserId;
    use sea_orm::sea_query::{PostgresQueryBuilder, Query, SqliteQueryBuilder};

    #[test]
    fn optional_text_cursors_bound_the_key_and_bind_the_text() {
        let order = UserOrder {
            field: UserOrderField::LastName,
            descending: false,
        };
        // sea-query puts the custom key in parentheses of its own.
        let key =
            "((CASE WHEN users.last_name IS NULL THEN '1' ELSE '0' || LOWER(users.last_name) END))";
        let set = UserCursor {
            key: SortKey::Optional(Some("O'Hara".into())),
            number: 7,
        };
        let unset = UserCursor {
            key: SortKey::Optional(None),
            number: 7,
        };
        for cursor in [&set, &unset] {
            let q = Query::select().expr(after(order, cursor)).to_owned();
            let (sqlite, _) = q.build(SqliteQueryBuilder);
            assert!(sqlite.contains(&format!("{key} >= ")), "{sqlite}");
            assert!(
                !sqlite.contains("Hara"),
                "the text is a parameter: {sqlite}"
            );
            let (pg, _) = q.build(PostgresQueryBuilder);
            assert!(pg.contains(&format!("{key} > ")), "{pg}");
        }
        let (pg, values) = Query::select()
            .expr(after(order, &set))
            .to_owned()
            .build(PostgresQueryBuilder);
        assert!(pg.contains("LOWER($"), "{pg}");
        assert!(values.0.len() >= 3, "{values:?}");
        let desc = UserOrder {
            descending: true,
            ..order
        };
        let (pg, _) = Query::select()
            .expr(after(desc, &set))
            .to_owned()
            .build(PostgresQueryBuilder);
        assert!(pg.contains(&format!("{key} <= ")), "{pg}");
        let by_id = UserOrder {
            field: UserOrderField::Id,
            descending: false,
        };
        let id = UserCursor {
            key: SortKey::Id(UserId::generate()),
            number: 7,
        };
        let (sqlite, _) = Query::select()
            .expr(after(by_id, &id))
            .to_owned()
            .build(SqliteQueryBuilder);
        assert!(sqlite.contains("\"id\" >= "), "{sqlite}");
    }
}
