//! Batch upserts: items run in chunks, one transaction per chunk, so that a crash loses at
//! most the uncommitted chunk, never part of a user. A chunk's items go first through the
//! set-based pass (see [`batch_set`]: a few multi-row statements for the whole chunk); what
//! it leaves runs item by item, each in a savepoint of its own, so that a failing item rolls
//! back alone. Retrying a request is safe: items are upserts.

use super::batch_set::{self, Slot};
use super::load::find_row;
use super::write::{insert_user, modify_user};
use crate::Store;
use crate::effects::Effects;
use crate::errors::storage;
use roster_domain::ports::{NewUserRecord, UpsertPlan, UserGuard};
use roster_domain::users::{CreateUserError, UpsertError, UpsertItem, UpsertOutcome};
use roster_domain::{StorageError, TenantId, Timestamp};
use sea_orm::{DatabaseTransaction, TransactionTrait};

/// Items per transaction: large enough to amortise commits, small enough to keep SQLite's
/// single writer from being held for long.
const CHUNK: usize = 250;

/// How often an item whose create lost a race to a concurrent creator is retried as a
/// modification.
const RACE_RETRIES: usize = 3;

pub(crate) async fn upsert_batch(
    store: &Store,
    tenant: TenantId,
    plans: Vec<UpsertPlan>,
    now: Timestamp,
    guard: UserGuard<'_>,
) -> Vec<Result<UpsertOutcome, UpsertError>> {
    let mut out = Vec::with_capacity(plans.len());
    // Only a batch of more than one transaction can need it.
    let mut growth = if plans.len() > CHUNK {
        store.batch_growth().await
    } else {
        None
    };
    let mut plans = plans.into_iter().peekable();
    while plans.peek().is_some() {
        let chunk: Vec<UpsertPlan> = plans.by_ref().take(CHUNK).collect();
        let results = run_chunk(store, tenant, chunk, now, guard).await;
        let written = results.iter().filter(|r| r.is_ok()).count();
        out.extend(results);
        if let Some(g) = growth.as_mut() {
            store.after_batch_chunk(g, written).await;
        }
    }
    out
}

async fn run_chunk(
    store: &Store,
    tenant: TenantId,
    chunk: Vec<UpsertPlan>,
    now: Timestamp,
    guard: UserGuard<'_>,
) -> Vec<Result<UpsertOutcome, UpsertError>> {
    let n = chunk.len();
    let w = match store.write().await {
        Ok(w) => w,
        Err(e) => return chunk_failed(n, &storage(e)),
    };
    // The groups whose members changed get their new versions at the end of the chunk, not
    // item by item: a chunk that held a group from its first item on while it waits for the
    // users of later items would deadlock with another writer of those users.
    let mut touched = Effects::default();
    let lock = store.locks_rows();
    let slots = match batch_set::run(&w.txn, lock, tenant, chunk, now, guard, &mut touched).await {
        Ok(slots) => slots,
        Err(e) => return chunk_failed(n, &e),
    };
    // What the set-based pass left alone runs item by item, in order, after it.
    let mut results = Vec::with_capacity(n);
    for slot in slots {
        results.push(match slot {
            Slot::Answered(answer) => *answer,
            Slot::Alone(plan) => {
                run_item(lock, &w.txn, tenant, plan, now, guard, &mut touched).await
            }
        });
    }
    match store.finish(w, touched, now).await {
        Ok(()) => results,
        Err(e) => chunk_failed(n, &e),
    }
}

/// Every item of a chunk that failed as a whole, with the chunk's fault: a database that
/// restarts or is busy is "try again" for each item, not a failure of the item's own.
fn chunk_failed(n: usize, e: &StorageError) -> Vec<Result<UpsertOutcome, UpsertError>> {
    tracing::error!(error = ?e, "Batch chunk failed; none of its items were written.");
    (0..n)
        .map(|_| {
            Err(UpsertError::Storage(StorageError::with_fault(
                e.fault(),
                std::io::Error::other("batch chunk failed"),
            )))
        })
        .collect()
}

/// The identity an item gets if it creates a user.
struct Fresh {
    id: roster_domain::UserId,
    secret_digest: roster_domain::ports::SecretDigest,
}

/// One item inside its own savepoint; the groups it changed join `touched` when it succeeds.
async fn run_item(
    lock: bool,
    txn: &DatabaseTransaction,
    tenant: TenantId,
    plan: UpsertPlan,
    now: Timestamp,
    guard: UserGuard<'_>,
    touched: &mut Effects,
) -> Result<UpsertOutcome, UpsertError> {
    let UpsertPlan {
        item,
        new_id,
        new_secret_digest,
    } = plan;
    let item = item.map_err(UpsertError::Invalid)?;
    let fresh = Fresh {
        id: new_id,
        secret_digest: new_secret_digest,
    };
    let mut attempt = 0;
    loop {
        let sp = txn.begin().await.map_err(storage)?;
        let mut mine = Effects::default();
        let result = attempt_item(lock, &sp, tenant, &item, &fresh, now, guard, &mut mine).await;
        match result {
            Ok(outcome) => {
                sp.commit().await.map_err(storage)?;
                touched.merge(mine);
                return Ok(outcome);
            }
            Err(err) => {
                sp.rollback().await.map_err(storage)?;
                // A create that collides may have lost a race with a concurrent creator of
                // the same user (on the email, or on the login derived from it): the next
                // attempt finds that user and modifies it. A real conflict fails again.
                let lost_race = matches!(err, UpsertError::Taken(_));
                attempt += 1;
                if !(lost_race && attempt < RACE_RETRIES) {
                    return Err(err);
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn attempt_item(
    lock: bool,
    conn: &DatabaseTransaction,
    tenant: TenantId,
    item: &UpsertItem,
    fresh: &Fresh,
    now: Timestamp,
    guard: UserGuard<'_>,
    touched: &mut Effects,
) -> Result<UpsertOutcome, UpsertError> {
    if find_row(conn, tenant, &item.key, lock).await?.is_some() {
        let (user, warnings) = modify_user(
            conn,
            lock,
            tenant,
            &item.key,
            &item.changes,
            None,
            item.lenient_groups,
            now,
            guard,
            touched,
        )
        .await?;
        return Ok(UpsertOutcome {
            user,
            created: false,
            warnings,
        });
    }
    if !item.may_create() {
        return Err(UpsertError::NotFound);
    }
    let new = item.new_user().map_err(UpsertError::Invalid)?;
    guard(None, &new.grants())?;
    let rec = NewUserRecord {
        id: fresh.id,
        user: new,
        password_hash: None,
        secret_digest: fresh.secret_digest.clone(),
        now,
    };
    let (user, warnings) = insert_user(conn, tenant, &rec, item.lenient_groups, touched)
        .await
        .map_err(|e: CreateUserError| UpsertError::from(e))?;
    Ok(UpsertOutcome {
        user,
        created: true,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_domain::StorageFault;

    #[test]
    fn a_failed_chunk_answers_each_item_with_the_chunk_fault() {
        for fault in [
            StorageFault::Busy,
            StorageFault::Unreachable,
            StorageFault::Failed,
        ] {
            let e = StorageError::with_fault(fault, std::io::Error::other("x"));
            let items = chunk_failed(3, &e);
            assert_eq!(items.len(), 3);
            for item in items {
                match item {
                    Err(UpsertError::Storage(s)) => assert_eq!(s.fault(), fault),
                    other => panic!("{other:?}"),
                }
            }
        }
    }
}
