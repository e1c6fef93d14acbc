//! Searches by part of a login, an email, a full name, a display name or an external id on
//! SQLite, narrowed by the FTS5 trigram table `users_search` (made and kept in step by its
//! migration) when the text is rare.
//!
//! A substring LIKE has no index on SQLite: a search for text that few users hold reads every
//! user of the tenant to find them. The trigram table finds them at once, but reading every
//! match first is what a search that most users match cannot afford: its page stops at the
//! page's end when it scans in order. So each such comparison first asks the table for at
//! most [`MOST`] + 1 users; when it gets no more than [`MOST`], the search reads those users
//! alone (and still applies its LIKE to them, which decides: the trigram match folds case at
//! least as far as the LIKE does, so it keeps every user the LIKE would find); otherwise it
//! scans as before. PostgreSQL needs none of this: its planner weighs its `pg_trgm` indexes
//! against a scan itself.

use super::memo::SearchMemo;
use roster_domain::filter::{Comparison, Filter, FilterField, Op, Value};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use std::collections::HashMap;

/// The most users a narrowed search reads by number.
pub(crate) const MOST: usize = 1000;

/// What the search table said of each narrowable comparison of one filter: the users that may
/// match it, where they are few. Keyed by the table's column and the searched text.
#[derive(Debug, Default)]
pub(crate) struct Narrowing(HashMap<(&'static str, String), Vec<i64>>);

impl Narrowing {
    /// The users `c` may match, if the search table narrowed it.
    pub(crate) fn of(&self, c: &Comparison) -> Option<&[i64]> {
        let (column, text) = searched(c)?;
        self.0.get(&(column, text)).map(Vec::as_slice)
    }

    #[cfg(test)]
    pub(crate) fn with(c: &Comparison, numbers: Vec<i64>) -> Self {
        let mut n = Self::default();
        if let Some(key) = searched(c) {
            n.0.insert(key, numbers);
        }
        n
    }
}

/// The column of `users_search` that holds `field`, for the fields searched by part.
fn search_column(field: FilterField) -> Option<&'static str> {
    match field {
        FilterField::Login => Some("login_key"),
        FilterField::Email => Some("email_key"),
        FilterField::FullName => Some("full_name"),
        FilterField::DisplayName => Some("display_name"),
        FilterField::ExternalId => Some("external_id"),
        FilterField::Id
        | FilterField::Number
        | FilterField::FirstName
        | FilterField::LastName
        | FilterField::JobTitle
        | FilterField::CompanyName
        | FilterField::City
        | FilterField::State
        | FilterField::Country
        | FilterField::Phone
        | FilterField::PostalCode
        | FilterField::Address
        | FilterField::TimeZone
        | FilterField::Status
        | FilterField::PersonType
        | FilterField::AccessLevel
        | FilterField::Created
        | FilterField::Updated
        | FilterField::LastActivity
        | FilterField::HasPassword
        | FilterField::PasswordChangeRequired
        | FilterField::GroupId
        | FilterField::Metadata => None,
    }
}

/// The column and text of a comparison the table can narrow: a CONTAINS or PREFIX on a
/// column it holds, of at least three characters (a shorter text has no trigram).
fn searched(c: &Comparison) -> Option<(&'static str, String)> {
    if !matches!(c.op(), Op::Contains | Op::Prefix) {
        return None;
    }
    let column = search_column(c.field())?;
    match c.values().first() {
        Some(Value::Text(t)) if t.chars().count() >= 3 => Some((column, t.clone())),
        Some(_) | None => None,
    }
}

fn comparisons<'f>(f: &'f Filter, out: &mut Vec<&'f Comparison>) {
    match f {
        Filter::All(fs) | Filter::Any(fs) => fs.iter().for_each(|f| comparisons(f, out)),
        Filter::Not(f) => comparisons(f, out),
        Filter::Compare(c) => out.push(c),
    }
}

/// Asks the search table about each narrowable comparison of `filter` (on SQLite; nothing on
/// PostgreSQL).
/// A text found common is remembered in `memo` for a while and not asked about again, so
/// that a search most users match pays for the question once, not on every page.
pub(crate) async fn probe<C: ConnectionTrait>(
    conn: &C,
    filter: Option<&Filter>,
    memo: &SearchMemo,
) -> Result<Narrowing, DbErr> {
    let mut narrowing = Narrowing::default();
    let Some(filter) = filter else {
        return Ok(narrowing);
    };
    if conn.get_database_backend() != DbBackend::Sqlite {
        return Ok(narrowing);
    }
    let mut found = Vec::new();
    comparisons(filter, &mut found);
    for (column, text) in found.into_iter().filter_map(searched) {
        if narrowing.0.contains_key(&(column, text.clone())) || memo.is_common(column, &text) {
            continue;
        }
        // An FTS5 phrase in one column: the text is literal between double quotes, in which
        // a double quote is doubled.
        let phrase = format!("{{{column}}}: \"{}\"", text.replace('"', "\"\""));
        let rows = conn
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "SELECT rowid FROM users_search WHERE users_search MATCH ? LIMIT ?",
                [
                    phrase.into(),
                    i64::try_from(MOST + 1).unwrap_or(i64::MAX).into(),
                ],
            ))
            .await?;
        if rows.len() <= MOST {
            let numbers = rows
                .iter()
                .map(|r| r.try_get_by_index::<i64>(0))
                .collect::<Result<Vec<_>, _>>()?;
            narrowing.0.insert((column, text), numbers);
        } else {
            memo.remember_common(column, text);
        }
    }
    Ok(narrowing)
}
