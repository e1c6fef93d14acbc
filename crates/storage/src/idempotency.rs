//! [`IdempotencyRecords`] on sea-orm: one row per scope and key.
//!
//! A claim is one upsert: `INSERT ... ON CONFLICT DO UPDATE ... WHERE expired`. Of two
//! replicas claiming a free key at once, the database lets one insert and makes the other
//! wait for it and then update nothing (PostgreSQL: the primary key; SQLite: one writer at a
//! time), so exactly one is told it holds the key. A row whose lease or retention has ended
//! is taken over by the claim, so that a purge that has not run yet never blocks a retry.
//! Completing and releasing name the claim, so that a request whose lease ran out cannot
//! overwrite or free the key another claim took over.
//!
//! A key that is held (a retry that finds its answer, or finds its request running) is read
//! first, without a write transaction: the upsert would lock the row, which costs a commit
//! (and on PostgreSQL a WAL flush) for nothing.

use crate::Store;
use crate::errors::storage;
use roster_domain::idempotency::{
    ClaimId, Fingerprint, IdempotencyKey, IdempotencyRecords, IdempotencyScope, KeyState, NewClaim,
};
use roster_domain::{StorageError, Timestamp};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query, SelectStatement};

const TABLE: &str = "idempotency_keys";

/// How often a claim tries again when the row it collided with went away before it was
/// read (released or purged in between).
const CLAIM_ATTEMPTS: usize = 3;

/// The row of `key` in `scope`.
fn this_key(scope: &IdempotencyScope, key: &IdempotencyKey) -> Expr {
    Expr::col("scope")
        .eq(scope.as_str())
        .and(Expr::col("request_key").eq(key.as_str()))
}

/// What a row says, when it holds its key at `now`.
fn held(row: &sea_orm::QueryResult, now: i64) -> Result<Option<KeyState>, StorageError> {
    let expires: i64 = row.try_get("", "expires_at").map_err(storage)?;
    if expires < now {
        return Ok(None);
    }
    let hex: String = row.try_get("", "fingerprint").map_err(storage)?;
    let fingerprint = Fingerprint::from_hex(&hex)
        .ok_or_else(|| StorageError::msg("a stored fingerprint is not hex"))?;
    let answer: Option<Vec<u8>> = row.try_get("", "answer").map_err(storage)?;
    Ok(Some(match answer {
        Some(answer) => KeyState::Answered {
            fingerprint,
            answer,
        },
        None => KeyState::Running { fingerprint },
    }))
}

impl Store {
    /// One claim attempt; `None` when the row it collided with was gone when read.
    async fn try_claim(&self, c: &NewClaim<'_>) -> Result<Option<KeyState>, StorageError> {
        let now = c.now.as_micros();
        let read = Query::select()
            .columns(["fingerprint", "answer", "expires_at"])
            .from(TABLE)
            .and_where(this_key(c.scope, c.key))
            .to_owned();
        if let Some(row) = self.connection().query_one(&read).await.map_err(storage)?
            && let Some(state) = held(&row, now)?
        {
            return Ok(Some(state));
        }
        let no_answer: Option<Vec<u8>> = None;
        let upsert = Query::insert()
            .into_table(TABLE)
            .columns([
                "scope",
                "request_key",
                "tenant_id",
                "fingerprint",
                "claim_id",
                "answer",
                "created_at",
                "expires_at",
            ])
            .values_panic([
                c.scope.as_str().into(),
                c.key.as_str().into(),
                c.scope.tenant().map(|t| t.as_uuid()).into(),
                c.fingerprint.to_hex().into(),
                c.claim.as_uuid().into(),
                no_answer.into(),
                now.into(),
                c.lease_until.as_micros().into(),
            ])
            .on_conflict(
                OnConflict::columns(["scope", "request_key"])
                    .update_columns([
                        "fingerprint",
                        "claim_id",
                        "answer",
                        "created_at",
                        "expires_at",
                    ])
                    .action_and_where(Expr::col((TABLE, "expires_at")).lt(Expr::val(now)))
                    .to_owned(),
            )
            .to_owned();
        let w = self.write().await.map_err(storage)?;
        let claimed = w
            .txn
            .execute(&upsert)
            .await
            .map_err(storage)?
            .rows_affected()
            == 1;
        let state = if claimed {
            Some(KeyState::Claimed)
        } else {
            // It lost to a claim that is not expired: the row holds its key (a row that
            // expired in between is taken over by the next attempt instead).
            match w.txn.query_one(&read).await.map_err(storage)? {
                Some(row) => held(&row, i64::MIN)?,
                None => None,
            }
        };
        w.txn.commit().await.map_err(storage)?;
        Ok(state)
    }
}

impl IdempotencyRecords for Store {
    #[tracing::instrument(name = "db.idempotency_keys.claim", skip_all, fields(db.system = self.system()))]
    async fn claim_key(&self, claim: &NewClaim<'_>) -> Result<KeyState, StorageError> {
        for _ in 0..CLAIM_ATTEMPTS {
            if let Some(state) = self.try_claim(claim).await? {
                return Ok(state);
            }
        }
        Err(StorageError::msg(
            "an idempotency key kept vanishing while it was claimed",
        ))
    }

    #[tracing::instrument(name = "db.idempotency_keys.complete", skip_all, fields(db.system = self.system()))]
    async fn complete_key(
        &self,
        scope: &IdempotencyScope,
        key: &IdempotencyKey,
        claim: ClaimId,
        answer: &[u8],
        expires: Timestamp,
    ) -> Result<bool, StorageError> {
        let update = Query::update()
            .table(TABLE)
            .values([
                ("answer", answer.to_vec().into()),
                ("expires_at", expires.as_micros().into()),
            ])
            .and_where(this_key(scope, key))
            .and_where(Expr::col("claim_id").eq(claim.as_uuid()))
            .and_where(Expr::col("answer").is_null())
            .to_owned();
        let w = self.write().await.map_err(storage)?;
        let done = w
            .txn
            .execute(&update)
            .await
            .map_err(storage)?
            .rows_affected()
            == 1;
        w.txn.commit().await.map_err(storage)?;
        Ok(done)
    }

    #[tracing::instrument(name = "db.idempotency_keys.release", skip_all, fields(db.system = self.system()))]
    async fn release_key(
        &self,
        scope: &IdempotencyScope,
        key: &IdempotencyKey,
        claim: ClaimId,
    ) -> Result<bool, StorageError> {
        let delete = Query::delete()
            .from_table(TABLE)
            .and_where(this_key(scope, key))
            .and_where(Expr::col("claim_id").eq(claim.as_uuid()))
            .and_where(Expr::col("answer").is_null())
            .to_owned();
        let w = self.write().await.map_err(storage)?;
        let freed = w
            .txn
            .execute(&delete)
            .await
            .map_err(storage)?
            .rows_affected()
            == 1;
        w.txn.commit().await.map_err(storage)?;
        Ok(freed)
    }

    #[tracing::instrument(name = "db.idempotency_keys.prune", skip_all, fields(db.system = self.system()))]
    async fn prune_keys(&self, now: Timestamp, limit: u32) -> Result<u64, StorageError> {
        // A bounded batch: a range scan of the expiry index, whatever the table holds.
        let expired: SelectStatement = Query::select()
            .columns(["scope", "request_key"])
            .from(TABLE)
            .and_where(Expr::col("expires_at").lt(now.as_micros()))
            .limit(u64::from(limit))
            .to_owned();
        let delete = Query::delete()
            .from_table(TABLE)
            .and_where(
                Expr::tuple([Expr::col("scope"), Expr::col("request_key")]).in_subquery(expired),
            )
            .to_owned();
        let w = self.write().await.map_err(storage)?;
        let gone = w
            .txn
            .execute(&delete)
            .await
            .map_err(storage)?
            .rows_affected();
        w.txn.commit().await.map_err(storage)?;
        Ok(gone)
    }
}
