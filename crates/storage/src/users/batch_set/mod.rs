//! The set-based pass of a batch chunk. One query finds every item's user, one loads them
//! whole, one resolves every group the chunk names, one checks the new users' unique values;
//! the items are judged in memory (the policy's guard, validation, uniqueness within the
//! chunk); then the survivors are written with one multi-row statement per table inside one
//! savepoint: an `INSERT` of the new users, an `INSERT … ON CONFLICT (number) DO UPDATE` of
//! the changed ones, and their memberships.
//!
//! What the pass cannot decide alone is left to the item-by-item path, which runs after it
//! in item order: an item that names a user or a unique value an earlier item of the chunk
//! also names (their order matters), one that writes what the pass does not (a password,
//! folders, built-in roles, a new email, login or external id of an existing user), a new
//! user whose unique values are taken, and every write of the pass when its statements fail
//! (a concurrent writer took a value in between). Items left alone touch none of the users
//! and values the pass wrote, so running them afterwards gives the answer the item order
//! gives.

mod judge;
mod statements;

use super::load::load;
use super::write::group_rows;
use crate::effects::Effects;
use crate::entities::{group, user};
use crate::errors::storage;
use roster_domain::ports::{UpsertPlan, UserGuard};
use roster_domain::users::{
    GroupSelector, UpsertError, UpsertItem, UpsertOutcome, UpsertWarning, User, UserChange, UserKey,
};
use roster_domain::{StorageError, TenantId, Timestamp};
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{HashMap, HashSet};

/// What the pass made of one item.
pub(super) enum Slot {
    /// Its answer: refused, not found, unchanged, or written by the pass.
    Answered(Box<Result<UpsertOutcome, UpsertError>>),
    /// Left to the item-by-item path.
    Alone(UpsertPlan),
}

/// A new user the pass inserts.
struct Create {
    row: user::ActiveModel,
    user: User,
    warnings: Vec<UpsertWarning>,
}

/// A user the pass changes.
struct Modify {
    row: user::ActiveModel,
    before: User,
    after: User,
    groups_changed: bool,
    warnings: Vec<UpsertWarning>,
}

/// How the pass judges one item.
enum Verdict {
    Answer(Box<Result<UpsertOutcome, UpsertError>>),
    Create(Box<Create>),
    Modify(Box<Modify>),
    Alone,
}

impl Verdict {
    fn answer(a: Result<UpsertOutcome, UpsertError>) -> Self {
        Self::Answer(Box::new(a))
    }

    fn created(&self) -> Option<&Create> {
        if let Self::Create(c) = self {
            Some(c)
        } else {
            None
        }
    }

    fn modified(&self) -> Option<&Modify> {
        if let Self::Modify(m) = self {
            Some(m)
        } else {
            None
        }
    }

    fn writes(&self) -> bool {
        matches!(self, Self::Create(_) | Self::Modify(_))
    }
}

/// What the pass read for the whole chunk.
struct Found {
    rows: Vec<user::Model>,
    users: HashMap<i64, User>,
    groups: Vec<group::Model>,
}
/// Runs the pass over `plans`: one slot per plan, in order.
pub(super) async fn run(
    txn: &DatabaseTransaction,
    lock: bool,
    tenant: TenantId,
    plans: Vec<UpsertPlan>,
    now: Timestamp,
    guard: UserGuard<'_>,
    touched: &mut Effects,
) -> Result<Vec<Slot>, StorageError> {
    let found = read(txn, lock, tenant, &plans).await?;
    let mut seen: HashSet<String> = HashSet::new();
    let mut verdicts: Vec<Verdict> = plans
        .iter()
        .map(|plan| {
            let item = match &plan.item {
                Ok(item) => item,
                Err(v) => return Verdict::answer(Err(UpsertError::Invalid(v.clone()))),
            };
            let row = found.rows.iter().find(|r| names(&item.key, r));
            let marks = marks(item, row);
            let clash = marks.iter().any(|m| seen.contains(m));
            seen.extend(marks);
            if clash || item.changes.iter().any(alone_change) {
                return Verdict::Alone;
            }
            match row {
                Some(row) => judge::modify(tenant, item, row, &found, now, guard),
                None => judge::create(tenant, item, plan, &found, now, guard),
            }
        })
        .collect();
    statements::leave_taken_alone(txn, tenant, &mut verdicts).await?;
    let written = statements::write(txn, &mut verdicts, touched).await?;
    Ok(plans
        .into_iter()
        .zip(verdicts)
        .map(|(plan, v)| match v {
            Verdict::Answer(a) => Slot::Answered(a),
            Verdict::Create(c) if written => Slot::Answered(Box::new(Ok(UpsertOutcome {
                user: c.user,
                created: true,
                warnings: c.warnings,
            }))),
            Verdict::Modify(m) if written => Slot::Answered(Box::new(Ok(UpsertOutcome {
                user: m.after,
                created: false,
                warnings: m.warnings,
            }))),
            Verdict::Alone | Verdict::Create(_) | Verdict::Modify(_) => Slot::Alone(plan),
        })
        .collect())
}

/// Every item's user (locked for update when `lock`, in number order so that two batches
/// lock shared users in the same order), those users whole, and every group named.
async fn read(
    txn: &DatabaseTransaction,
    lock: bool,
    tenant: TenantId,
    plans: &[UpsertPlan],
) -> Result<Found, StorageError> {
    let items: Vec<&UpsertItem> = plans.iter().filter_map(|p| p.item.as_ref().ok()).collect();
    let rows = if items.is_empty() {
        Vec::new()
    } else {
        let mut q = user::Entity::find()
            .filter(user::Column::TenantId.eq(tenant.as_uuid()))
            .filter(keys_condition(&items))
            .order_by_asc(user::Column::Number);
        if lock {
            q = q.lock_exclusive();
        }
        q.all(txn).await.map_err(storage)?
    };
    let users = load(txn, rows.clone())
        .await?
        .into_iter()
        .map(|u| (u.number, u))
        .collect();
    let selectors: Vec<GroupSelector> = items
        .iter()
        .flat_map(|i| i.changes.iter())
        .filter_map(|c| {
            if let UserChange::Groups(g) = c {
                Some(g.iter().cloned())
            } else {
                None
            }
        })
        .flatten()
        .collect();
    let groups = group_rows(txn, tenant, &selectors).await?;
    Ok(Found {
        rows,
        users,
        groups,
    })
}

/// The users any of `items` names by its key.
fn keys_condition(items: &[&UpsertItem]) -> Condition {
    use user::Column as C;
    let (mut ids, mut numbers, mut logins, mut emails, mut exts) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for item in items {
        match &item.key {
            UserKey::Id(id) => ids.push(id.as_uuid()),
            UserKey::Number(n) => numbers.push(*n),
            UserKey::Login(l) => logins.push(l.key()),
            UserKey::Email(e) => emails.push(e.key()),
            UserKey::ExternalId(x) => exts.push(x.as_str().to_owned()),
        }
    }
    let mut any = Condition::any();
    for (column, values) in [
        (C::LoginKey, logins),
        (C::EmailKey, emails),
        (C::ExternalId, exts),
    ] {
        if !values.is_empty() {
            any = any.add(column.is_in(values));
        }
    }
    if !ids.is_empty() {
        any = any.add(C::Id.is_in(ids));
    }
    if !numbers.is_empty() {
        any = any.add(C::Number.is_in(numbers));
    }
    any
}

/// Whether `key` names the user of `row`.
fn names(key: &UserKey, row: &user::Model) -> bool {
    match key {
        UserKey::Id(id) => row.id == id.as_uuid(),
        UserKey::Number(n) => row.number == *n,
        UserKey::Login(l) => row.login_key == l.key(),
        UserKey::Email(e) => row.email_key == e.key(),
        UserKey::ExternalId(x) => row.external_id.as_deref() == Some(x.as_str()),
    }
}

/// Everything an item names or may change: its key, its user's identity and unique values,
/// and the unique values its changes set. Logins and emails share one space (a login
/// follows its email). Two items of a chunk that share a mark depend on their order.
fn marks(item: &UpsertItem, row: Option<&user::Model>) -> Vec<String> {
    let mut m = vec![match &item.key {
        UserKey::Id(id) => format!("i:{}", id.as_uuid()),
        UserKey::Number(n) => format!("n:{n}"),
        UserKey::Login(l) => format!("k:{}", l.key()),
        UserKey::Email(e) => format!("k:{}", e.key()),
        UserKey::ExternalId(x) => format!("x:{}", x.as_str()),
    }];
    if let Some(r) = row {
        m.push(format!("i:{}", r.id));
        m.push(format!("n:{}", r.number));
        m.push(format!("k:{}", r.login_key));
        m.push(format!("k:{}", r.email_key));
        m.extend(r.external_id.as_ref().map(|x| format!("x:{x}")));
    }
    for c in &item.changes {
        if let UserChange::Email(e) = c {
            m.push(format!("k:{}", e.key()));
        } else if let UserChange::Login(l) = c {
            m.push(format!("k:{}", l.key()));
        } else if let UserChange::ExternalId(Some(x)) = c {
            m.push(format!("x:{}", x.as_str()));
        }
    }
    m
}

/// A change the pass does not write: it needs the item-by-item path.
fn alone_change(c: &UserChange) -> bool {
    matches!(
        c,
        UserChange::Password(_) | UserChange::Folders(_) | UserChange::RoleKeys(_)
    )
}
