//! A user's links (groups, devices, roles, folders) as four JSON arrays computed beside its
//! row, so that a user, or a page of them, is one query and one round trip: the row and
//! four correlated sub-selects, each an index range on the link table's user number.
//!
//! Each array holds one small array per link, in the order the domain shows them. The SQL is
//! fixed text per database (no value is spliced into it); the only difference between the
//! two is how JSON is built and how a UUID is spelled (PostgreSQL: its text form; SQLite,
//! which stores UUIDs as 16-byte blobs: lower-case hex).

use crate::entities::user;
use crate::errors::storage;
use crate::rows::{UserLinks, folder_ref, group_ref, rbac_name, user_from_row};
use roster_domain::RoleId;
use roster_domain::rbac::{BuiltInRole, UserRole};
use roster_domain::users::{Device, User};
use roster_domain::{StorageError, Timestamp};
use sea_orm::sea_query::Expr;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, QuerySelect, QueryTrait, Select};
use serde_json::Value;

/// The four link columns' names, in the order [`columns`] adds them.
const NAMES: [&str; 4] = [
    "links_groups",
    "links_devices",
    "links_roles",
    "links_folders",
];

/// `(link columns, from … where … = users.number)` of each link, with its order.
struct Link {
    values: [&'static str; 2],
    from: &'static str,
    order: &'static str,
}

const LINKS: [Link; 4] = [
    Link {
        // PostgreSQL, then SQLite: the id, the path, the external id.
        values: [
            "g.id, g.path, g.external_id",
            "lower(hex(g.id)), g.path, g.external_id",
        ],
        from: "user_groups ug JOIN groups g ON g.id = ug.group_id WHERE ug.user_number = users.number",
        order: "ug.position, g.path",
    },
    Link {
        values: [
            "d.device_id, d.os, d.os_version, d.app_version, d.name, d.last_sync_at",
            "d.device_id, d.os, d.os_version, d.app_version, d.name, d.last_sync_at",
        ],
        from: "user_devices d WHERE d.user_number = users.number",
        order: "d.last_sync_at DESC, d.device_id",
    },
    Link {
        values: [
            "r.id, r.name, r.built_in, rm.is_default",
            "lower(hex(r.id)), r.name, r.built_in, rm.is_default",
        ],
        from: "role_members rm JOIN roles r ON r.id = rm.role_id WHERE rm.user_number = users.number",
        order: "r.name",
    },
    Link {
        values: [
            "f.id, f.name, f.external_id",
            "lower(hex(f.id)), f.name, f.external_id",
        ],
        from: "user_folders uf JOIN folders f ON f.id = uf.folder_id WHERE uf.user_number = users.number",
        order: "f.name_key",
    },
];

fn sub_select(link: &Link, db: DbBackend) -> String {
    let Link {
        values,
        from,
        order,
    } = link;
    if db == DbBackend::Postgres {
        format!(
            "(SELECT COALESCE(json_agg(json_build_array({}) ORDER BY {order}), '[]'::json)::text FROM {from})",
            values[0]
        )
    } else {
        format!(
            "(SELECT json_group_array(json_array({}) ORDER BY {order}) FROM {from})",
            values[1]
        )
    }
}

/// `select` with each user's links added as columns.
pub(crate) fn with_links(mut select: Select<user::Entity>, db: DbBackend) -> Select<user::Entity> {
    for (link, name) in LINKS.iter().zip(NAMES) {
        select = select.column_as(Expr::cust(sub_select(link, db)), name);
    }
    select
}

/// The whole users `select` (made by [`with_links`]) finds, in its order.
pub(crate) async fn whole_users<C: ConnectionTrait>(
    conn: &C,
    select: Select<user::Entity>,
) -> Result<Vec<User>, StorageError> {
    let db = conn.get_database_backend();
    let rows = conn
        .query_all(&with_links(select, db).into_query())
        .await
        .map_err(storage)?;
    rows.iter()
        .map(|row| {
            let r = user::Model::from_query_result(row, "").map_err(storage)?;
            let text = |i: usize| -> Result<Vec<Vec<Value>>, StorageError> {
                let raw: String = row.try_get("", NAMES[i]).map_err(storage)?;
                serde_json::from_str(&raw)
                    .map_err(|e| StorageError::msg(format!("links of a user: {e}")))
            };
            let links = UserLinks {
                groups: parse(&text(0)?, |l| {
                    group_ref(
                        uuid(field(l, 0)?)?,
                        str(field(l, 1)?)?,
                        opt_str(field(l, 2)?)?,
                    )
                })?,
                devices: parse(&text(1)?, device)?,
                roles: parse(&text(2)?, role)?,
                folders: parse(&text(3)?, |l| {
                    folder_ref(
                        uuid(field(l, 0)?)?,
                        str(field(l, 1)?)?,
                        opt_str(field(l, 2)?)?,
                    )
                })?,
            };
            user_from_row(r, links)
        })
        .collect()
}

fn parse<T>(
    links: &[Vec<Value>],
    one: impl Fn(&[Value]) -> Result<T, StorageError>,
) -> Result<Vec<T>, StorageError> {
    links.iter().map(|l| one(l)).collect()
}

fn device(l: &[Value]) -> Result<Device, StorageError> {
    Ok(Device {
        id: str(field(l, 0)?)?.to_owned(),
        os: opt_str(field(l, 1)?)?.map(str::to_owned),
        os_version: opt_str(field(l, 2)?)?.map(str::to_owned),
        app_version: opt_str(field(l, 3)?)?.map(str::to_owned),
        name: opt_str(field(l, 4)?)?.map(str::to_owned),
        last_sync: Timestamp::from_micros(int(field(l, 5)?)?),
    })
}

fn role(l: &[Value]) -> Result<UserRole, StorageError> {
    let name = str(field(l, 1)?)?;
    let built_in = if flag(field(l, 2)?)? {
        Some(BuiltInRole::from_key(name).ok_or_else(|| {
            StorageError::msg(format!("stored built-in role '{name}' is unknown"))
        })?)
    } else {
        None
    };
    Ok(UserRole {
        id: RoleId::from_uuid(uuid(field(l, 0)?)?),
        name: rbac_name(name)?,
        default: flag(field(l, 3)?)?,
        built_in,
    })
}

fn field(l: &[Value], i: usize) -> Result<&Value, StorageError> {
    l.get(i)
        .ok_or_else(|| StorageError::msg("a user's link has too few fields"))
}

fn wrong(what: &str, v: &Value) -> StorageError {
    StorageError::msg(format!("a user's link: expected {what}, found {v}"))
}

fn str(v: &Value) -> Result<&str, StorageError> {
    v.as_str().ok_or_else(|| wrong("text", v))
}

fn opt_str(v: &Value) -> Result<Option<&str>, StorageError> {
    if v.is_null() {
        Ok(None)
    } else {
        str(v).map(Some)
    }
}

fn int(v: &Value) -> Result<i64, StorageError> {
    v.as_i64().ok_or_else(|| wrong("an integer", v))
}

/// A boolean: PostgreSQL's JSON says `true`, SQLite's (which has no boolean type) `1`.
fn flag(v: &Value) -> Result<bool, StorageError> {
    match (v.as_bool(), v.as_i64()) {
        (Some(b), _) => Ok(b),
        (None, Some(0)) => Ok(false),
        (None, Some(1)) => Ok(true),
        (None, _) => Err(wrong("a boolean", v)),
    }
}

/// A UUID in either spelling (hyphenated or plain hex).
fn uuid(v: &Value) -> Result<uuid::Uuid, StorageError> {
    uuid::Uuid::parse_str(str(v)?).map_err(|_| wrong("a UUID", v))
}
