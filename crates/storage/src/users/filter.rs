//! The domain filter as a sea-query expression. Every value is a bound parameter; the only
//! SQL text written here is fixed column expressions.

use crate::entities::user;
use roster_domain::filter::{Comparison, Filter, FilterField, Op, Value};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};

/// The condition a user row must meet.
pub(crate) fn condition(filter: &Filter) -> Expr {
    match filter {
        Filter::All(fs) => fs
            .iter()
            .map(condition)
            .reduce(ExprTrait::and)
            .unwrap_or_else(|| Expr::cust("1 = 1")),
        Filter::Any(fs) => fs
            .iter()
            .map(condition)
            .reduce(ExprTrait::or)
            .unwrap_or_else(|| Expr::cust("1 = 0")),
        Filter::Not(f) => condition(f).not(),
        Filter::Compare(c) => comparison(c),
    }
}

fn col(c: user::Column) -> Expr {
    Expr::col((user::Entity, c))
}

fn column(field: FilterField) -> Expr {
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
    }
}

fn value(field: FilterField, v: &Value) -> Expr {
    match v {
        Value::Uuid(id) => Expr::val(id.as_uuid()),
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

fn comparison(c: &Comparison) -> Expr {
    let field = c.field();
    let col = column(field);
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
        Op::Prefix => like(col, &format!("{}%", like_literal(&text()))),
        Op::Contains => like(col, &format!("%{}%", like_literal(&text()))),
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
    use roster_domain::filter::{Comparison, Filter, FilterField, Op, Value};
    use sea_orm::sea_query::{PostgresQueryBuilder, Query, SqliteQueryBuilder};

    #[test]
    fn like_binds_its_pattern_and_names_its_escape_on_both_databases() {
        let c = Comparison::new(
            FilterField::Email,
            Op::Like,
            vec![Value::Text("%@A.test".into())],
        )
        .unwrap();
        let q = Query::select()
            .expr(condition(&Filter::Compare(c)))
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
}
