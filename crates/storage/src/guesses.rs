//! [`PasswordGuesses`] on sea-orm: one row per user with the start of its current window and
//! the guesses in it, bumped by an atomic upsert (a window that has ended restarts at one).

use crate::Store;
use crate::errors::storage;
use roster_domain::ports::{GuessCount, PasswordGuesses};
use roster_domain::{StorageError, Timestamp};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, OnConflict, Query};
use std::time::Duration;

const TABLE: &str = "password_guesses";

impl PasswordGuesses for Store {
    async fn count_guess(
        &self,
        number: i64,
        now: Timestamp,
        window: Duration,
    ) -> Result<GuessCount, StorageError> {
        let now = now.as_micros();
        let window = i64::try_from(window.as_micros()).unwrap_or(i64::MAX);
        // Read the stored row's own columns in DO UPDATE: `password_guesses.x` is the old row.
        let ended = Expr::col((TABLE, "window_start")).lte(Expr::val(now.saturating_sub(window)));
        let guesses = CaseStatement::new()
            .case(ended.clone(), Expr::val(1_i64))
            .finally(Expr::col((TABLE, "guesses")).add(1_i64));
        let start = CaseStatement::new()
            .case(ended, Expr::val(now))
            .finally(Expr::col((TABLE, "window_start")));
        let upsert = Query::insert()
            .into_table(TABLE)
            .columns(["user_number", "window_start", "guesses"])
            .values_panic([number.into(), now.into(), 1_i64.into()])
            .on_conflict(
                OnConflict::column("user_number")
                    .value("guesses", guesses)
                    .value("window_start", start)
                    .to_owned(),
            )
            .to_owned();
        let read = Query::select()
            .columns(["window_start", "guesses"])
            .from(TABLE)
            .and_where(Expr::col("user_number").eq(number))
            .to_owned();
        let w = self.write().await.map_err(storage)?;
        w.txn.execute(&upsert).await.map_err(storage)?;
        let row = w
            .txn
            .query_one(&read)
            .await
            .map_err(storage)?
            .ok_or_else(|| StorageError::msg("the guess just counted is gone"))?;
        w.txn.commit().await.map_err(storage)?;
        let start: i64 = row.try_get("", "window_start").map_err(storage)?;
        let guesses: i64 = row.try_get("", "guesses").map_err(storage)?;
        Ok(GuessCount {
            guesses: u32::try_from(guesses).unwrap_or(u32::MAX),
            window_start: Timestamp::from_micros(start),
        })
    }

    async fn clear_guesses(&self, number: i64) -> Result<(), StorageError> {
        let delete = Query::delete()
            .from_table(TABLE)
            .and_where(Expr::col("user_number").eq(number))
            .to_owned();
        let w = self.write().await.map_err(storage)?;
        w.txn.execute(&delete).await.map_err(storage)?;
        w.txn.commit().await.map_err(storage)
    }
}
