//! The domain filter as a sea-query expression. Every value is a bound parameter (metadata
//! keys too); the only SQL text written here is fixed column expressions.
//!
//! Metadata is stored as a JSON object in `users.metadata`; an entry is read with the
//! database's JSON functions (SQLite `json_each`, PostgreSQL `jsonb ->>`), never by matching
//! the stored text. Groups are an `EXISTS` over `user_groups`, served by its primary key.

use super::narrowing::Narrowing;
use crate::entities::{user, user_group};
use roster_domain::filter::{Comparison, Filter, FilterField, Op, Value};
use sea_orm::DbBackend;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};

/// The condition a user row must meet, in the SQL of `db`, with the users the search table
/// narrowed substring comparisons to (see [`super::narrowing`]).
pub(crate) fn condition(filter: &Filter, db: DbBackend, narrowing: &Narrowing) -> Expr {
    match filter {
        Filter::All(fs) => fs
            .iter()
            .map(|f| condition(f, db, narrowing))
            .reduce(ExprTrait::and)
            .unwrap_or_else(|| Expr::cust("1 = 1")),
        Filter::Any(fs) => fs
            .iter()
            .map(|f| condition(f, db, narrowing))
            .reduce(ExprTrait::or)
            .unwrap_or_else(|| Expr::cust("1 = 0")),
        Filter::Not(f) => condition(f, db, narrowing).not(),
        Filter::Compare(c) if c.field() == FilterField::GroupId => in_groups(c),
        Filter::Compare(c) => comparison(c, db, narrowing),
    }
}

/// `EXISTS` (or `NOT EXISTS`) a membership of the user in the groups the comparison names
/// (in any group, for `IsNull` / `IsNotNull`).
fn in_groups(c: &Comparison) -> Expr {
    let mut q = Query::select();
    q.expr(Expr::val(1)).from(user_group::Entity).and_where(
        Expr::col((user_group::Entity, user_group::Column::UserNumber))
            .equals((user::Entity, user::Column::Number)),
    );
    let group = Expr::col((user_group::Entity, user_group::Column::GroupId));
    let ids = || c.values().iter().map(|v| value(FilterField::GroupId, v));
    let exists = match c.op() {
        Op::Eq | Op::In => {
            q.and_where(group.is_in(ids()));
            true
        }
        Op::Ne | Op::NotIn => {
            q.and_where(group.is_in(ids()));
            false
        }
        Op::IsNotNull => true,
        Op::IsNull => false,
        // Comparison::new refuses the others for a group id; nothing matches them.
        Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::Like | Op::Prefix | Op::Contains => {
            return Expr::cust("1 = 0");
        }
    };
    if exists {
        Expr::exists(q)
    } else {
        Expr::not_exists(q)
    }
}

/// The value of the metadata entry `key`, or NULL when the user has none. The key is a
/// parameter.
fn metadata_entry(key: &str, db: DbBackend) -> Expr {
    if db == DbBackend::Postgres {
        Expr::cust_with_values(
            "(CAST(users.metadata AS JSONB) ->> CAST($1 AS TEXT))",
            [key.to_owned()],
        )
    } else {
        // Every stored value is a JSON string, which json_each answers as text.
        Expr::cust_with_values(
            "(SELECT j.value FROM json_each(users.metadata) AS j WHERE j.key = ?)",
            [key.to_owned()],
        )
    }
}

fn col(c: user::Column) -> Expr {
    Expr::col((user::Entity, c))
}

fn column(field: FilterField, key: Option<&str>, db: DbBackend) -> Expr {
    use user::Column as C;
    match field {
        FilterField::Id => col(C::Id),
        FilterField::Number => col(C::Number),
        // The lower-case shadow columns: equality ignores case, as uniqueness does.
        FilterField::Login => col(C::LoginKey),
        FilterField::Email => col(C::EmailKey),
        FilterField::FirstName => col(C::FirstName),
        FilterField::LastName => col(C::LastName),
        FilterField::FullName => Expr::cust(
            "NULLIF(TRIM(COALESCE(users.first_name, '') || ' ' || COALESCE(users.last_name, '')), '')",
        ),
        FilterField::DisplayName => col(C::DisplayName),
        FilterField::JobTitle => col(C::JobTitle),
        FilterField::CompanyName => col(C::CompanyName),
        FilterField::City => col(C::City),
        FilterField::State => col(C::State),
        FilterField::Country => col(C::Country),
        FilterField::Phone => col(C::Phone),
        FilterField::PostalCode => col(C::PostalCode),
        FilterField::Address => col(C::Address),
        FilterField::ExternalId => col(C::ExternalId),
        FilterField::TimeZone => col(C::TimeZone),
        FilterField::Status => col(C::Status),
        FilterField::PersonType => col(C::PersonType),
        FilterField::AccessLevel => col(C::AccessLevel),
        FilterField::Created => col(C::CreatedAt),
        FilterField::Updated => col(C::UpdatedAt),
        FilterField::LastActivity => col(C::LastActivityAt),
        FilterField::HasPassword => Expr::cust("(users.password_hash IS NOT NULL)"),
        FilterField::PasswordChangeRequired => col(C::PasswordChangeRequired),
        FilterField::Metadata => metadata_entry(key.unwrap_or_default(), db),
        // Compared through `in_groups`, never as a column.
        FilterField::GroupId => Expr::cust("NULL"),
    }
}

fn value(field: FilterField, v: &Value) -> Expr {
    match v {
        Value::Uuid(id) => Expr::val(id.as_uuid()),
        Value::GroupId(id) => Expr::val(id.as_uuid()),
        Value::Int(i) => Expr::val(*i),
        // Login and email compare on their lower-case shadow columns.
        Value::Text(s) if field == FilterField::Login => Expr::val(s.to_lowercase()),
        Value::Text(s) if field == FilterField::Email => Expr::val(s.to_ascii_lowercase()),
        Value::Text(s) => Expr::val(s.clone()),
        Value::Time(t) => Expr::val(t.as_micros()),
        Value::Bool(b) => Expr::val(*b),
        Value::Status(s) => Expr::val(s.as_str()),
        Value::PersonType(p) => Expr::val(p.as_str()),
        Value::AccessLevel(a) => Expr::val(a.as_str()),
    }
}

/// Escapes LIKE wildcards so that text matches literally.
fn like_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `LOWER(col) LIKE pattern ESCAPE '\'` with the pattern lower-cased here. PostgreSQL's LOWER
/// folds all of Unicode, SQLite's only ASCII, so case is ignored for ASCII everywhere and for
/// every letter on PostgreSQL. The explicit ESCAPE makes `\` mean the same on both.
fn like(col: Expr, pattern: &str) -> Expr {
    Expr::expr(Func::lower(col)).like(LikeExpr::new(pattern.to_lowercase()).escape('\\'))
}

/// `like`, limited to `numbers` when the search table narrowed the comparison (see
/// [`super::narrowing`]).
fn narrowed(like: Expr, numbers: Option<&[i64]>) -> Expr {
    match numbers {
        Some(numbers) => col(user::Column::Number)
            .is_in(numbers.iter().copied())
            .and(like),
        None => like,
    }
}

fn comparison(c: &Comparison, db: DbBackend, narrowing: &Narrowing) -> Expr {
    let field = c.field();
    let col = column(field, c.key(), db);
    let mut values = c.values().iter().map(|v| value(field, v));
    let text = || match c.values().first() {
        Some(Value::Text(s)) => s.clone(),
        _ => String::new(),
    };
    // Comparison::new guarantees the arity, so `first` is present where it is used.
    let mut first = || values.next().unwrap_or_else(|| Expr::cust("NULL"));
    match c.op() {
        Op::Eq => col.eq(first()),
        Op::Ne => col.ne(first()),
        Op::Lt => col.lt(first()),
        Op::Le => col.lte(first()),
        Op::Gt => col.gt(first()),
        Op::Ge => col.gte(first()),
        Op::Like => like(col, &text()),
        Op::Prefix => narrowed(
            like(col, &format!("{}%", like_literal(&text()))),
            narrowing.of(c),
        ),
        Op::Contains => narrowed(
            like(col, &format!("%{}%", like_literal(&text()))),
            narrowing.of(c),
        ),
        Op::In => col.is_in(c.values().iter().map(|v| value(field, v))),
        Op::NotIn => col.is_not_in(c.values().iter().map(|v| value(field, v))),
        Op::IsNull => col.is_null(),
        Op::IsNotNull => col.is_not_null(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_literals_escape_wildcards() {
        assert_eq!(like_literal("50%_off\\"), "50\\%\\_off\\\\");
    }
}

#[cfg(test)]
mod sql_tests {
    use super::*;
    use roster_domain::GroupId;
    use roster_domain::filter::{Comparison, Filter, FilterField, Op, Value};
    use sea_orm::sea_query::{PostgresQueryBuilder, Query, SqliteQueryBuilder};

    #[test]
    fn metadata_keys_and_values_are_parameters_on_both_databases() {
        let c = Comparison::metadata("dept' OR '1'='1", Op::Eq, vec![Value::Text("x' --".into())])
            .unwrap();
        let f = Filter::Compare(c);
        let (sqlite, values) = Query::select()
            .expr(condition(&f, DbBackend::Sqlite, &Narrowing::default()))
            .to_owned()
            .build(SqliteQueryBuilder);
        assert!(
            sqlite.contains("json_each") && !sqlite.contains("dept"),
            "{sqlite}"
        );
        assert_eq!(values.0.len(), 2, "key and value are parameters");
        let (pg, values) = Query::select()
            .expr(condition(&f, DbBackend::Postgres, &Narrowing::default()))
            .to_owned()
            .build(PostgresQueryBuilder);
        assert!(
            pg.contains("->> CAST($1 AS TEXT)") && pg.contains("= $2"),
            "{pg}"
        );
        assert_eq!(values.0.len(), 2);
    }

    #[test]
    fn group_comparisons_are_exists_over_memberships() {
        let g = Value::GroupId(GroupId::generate());
        for (op, values, want) in [
            (Op::Eq, vec![g.clone()], "EXISTS"),
            (Op::In, vec![g.clone(), g.clone()], "EXISTS"),
            (Op::Ne, vec![g.clone()], "NOT EXISTS"),
            (Op::NotIn, vec![g], "NOT EXISTS"),
            (Op::IsNull, vec![], "NOT EXISTS"),
            (Op::IsNotNull, vec![], "EXISTS"),
        ] {
            let c = Comparison::new(FilterField::GroupId, op, values).unwrap();
            let (sql, _) = Query::select()
                .expr(condition(
                    &Filter::Compare(c),
                    DbBackend::Postgres,
                    &Narrowing::default(),
                ))
                .to_owned()
                .build(PostgresQueryBuilder);
            assert!(
                sql.contains(want) && sql.contains("user_groups"),
                "{op:?}: {sql}"
            );
            assert_eq!(
                sql.contains("NOT EXISTS"),
                want == "NOT EXISTS",
                "{op:?}: {sql}"
            );
        }
    }

    #[test]
    fn like_binds_its_pattern_and_names_its_escape_on_both_databases() {
        let c = Comparison::new(
            FilterField::Email,
            Op::Like,
            vec![Value::Text("%@A.test".into())],
        )
        .unwrap();
        let q = Query::select()
            .expr(condition(
                &Filter::Compare(c),
                DbBackend::Sqlite,
                &Narrowing::default(),
            ))
            .to_owned();
        let (sqlite, values) = q.build(SqliteQueryBuilder);
        assert!(
            sqlite.contains("LIKE ?") && sqlite.contains("ESCAPE"),
            "{sqlite}"
        );
        assert_eq!(values.0.len(), 1, "the pattern is a parameter");
        let (pg, _) = q.build(PostgresQueryBuilder);
        assert!(pg.contains("LIKE $1") && pg.contains("ESCAPE"), "{pg}");
    }

    #[test]
    fn substring_searches_compare_what_the_trigram_indexes_hold() {
        use crate::migration::m20261208_000140_search_trigrams::TRIGRAM_INDEXES;
        // The planner uses an expression index only for the very expression: spelling aside
        // (quotes, qualifiers, parentheses, spaces), the search's must be the index's.
        let plain = |s: &str| {
            s.replace("\"users\".", "")
                .replace("users.", "")
                .chars()
                .filter(|c| !matches!(c, '"' | '(' | ')' | ' '))
                .collect::<String>()
        };
        for (field, index) in [
            (FilterField::Login, "login"),
            (FilterField::Email, "email"),
            (FilterField::FullName, "full_name"),
            (FilterField::DisplayName, "display_name"),
            (FilterField::ExternalId, "external_id"),
        ] {
            let (_, expr) = TRIGRAM_INDEXES
                .iter()
                .find(|(name, _)| *name == index)
                .unwrap();
            let c = Comparison::new(field, Op::Contains, vec![Value::Text("an".into())]).unwrap();
            let (pg, _) = Query::select()
                .expr(condition(
                    &Filter::Compare(c),
                    DbBackend::Postgres,
                    &Narrowing::default(),
                ))
                .to_owned()
                .build(PostgresQueryBuilder);
            assert!(
                plain(&pg).starts_with(&format!("SELECT{}LIKE", plain(expr))),
                "{field:?}: {pg}"
            );
        }
    }

    #[test]
    fn a_narrowed_comparison_reads_the_narrowed_users_and_still_compares() {
        use sea_orm::sea_query::SqliteQueryBuilder;
        let c = Comparison::new(
            FilterField::DisplayName,
            Op::Contains,
            vec![Value::Text("smith".into())],
        )
        .unwrap();
        let sql = |n: &Narrowing| {
            Query::select()
                .expr(condition(&Filter::Compare(c.clone()), DbBackend::Sqlite, n))
                .to_owned()
                .build(SqliteQueryBuilder)
        };
        let (q, values) = sql(&Narrowing::with(&c, vec![7, 9]));
        assert!(
            q.contains("\"number\" IN (?, ?)") && q.contains("LIKE ?"),
            "{q}"
        );
        assert!(format!("{values:?}").contains("%smith%"), "{values:?}");
        let (q, _) = sql(&Narrowing::with(&c, vec![]));
        assert!(q.contains("LIKE ?"), "nobody found still compares: {q}");
        let (q, _) = sql(&Narrowing::default());
        assert!(!q.contains("IN ("), "not narrowed: {q}");
    }
}
