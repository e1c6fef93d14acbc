//! `GET /api/v2/user`: one user by `Id` (a GUID with or without dashes), by `Email`, or, as
//! the vendor's v1 did, by `ExternalId`.

use super::call::Call;
use super::error::{FofError, field};
use super::reply::Reply;
use super::user_input::{parse_bool, parse_id};
use super::user_view::{Naming, UserOut};
use super::user_write::naming;
use crate::core_error::CoreError;
use roster_proto::v1 as pb;
use roster_proto::v1::user_key::Key;

/// `UseNames` / `UseExternalIds` from the query.
pub(crate) fn query_naming(c: &Call) -> Result<Naming, FofError> {
    let flag = |name: &str| -> Result<Option<bool>, FofError> {
        match c.query.get(name).map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => parse_bool(v).map(Some).ok_or_else(|| {
                FofError::fields(vec![field(
                    "InvalidValue",
                    name,
                    format!("'{name}' must be true or false."),
                )])
            }),
        }
    };
    Ok(naming(flag("UseNames")?, flag("UseExternalIds")?))
}

/// The user the query names.
fn key(c: &Call) -> Result<Key, FofError> {
    let get = |n: &str| c.query.get(n).map(str::trim).filter(|v| !v.is_empty());
    if let Some(raw) = get("Id") {
        return match parse_id(raw) {
            Ok(Some(id)) => Ok(Key::Id(id.hyphenated().to_string())),
            Ok(None) | Err(()) => Err(FofError::fields(vec![field(
                "InvalidValue",
                "Id",
                "'Id' must be a GUID.",
            )])),
        };
    }
    if let Some(email) = get("Email") {
        return Ok(Key::Email(email.to_owned()));
    }
    if let Some(x) = get("ExternalId") {
        return Ok(Key::ExternalId(x.to_owned()));
    }
    Err(FofError::fields(vec![field(
        "NotEmpty",
        "Id",
        "'Id' or 'Email' must be given.",
    )]))
}

pub(crate) async fn get(c: Call) -> Result<Reply, FofError> {
    let session = c.session(&c.query_credential()).await?;
    let key = key(&c)?;
    let naming = query_naming(&c)?;
    let req = pb::GetUserRequest {
        key: Some(pb::UserKey { key: Some(key) }),
    };
    let user = session
        .core
        .users()
        .get_user(req)
        .await
        .map_err(|s| match CoreError::from(s) {
            // A malformed email or external id names nobody.
            e if e.is_malformed_key() => FofError::user_not_found(),
            e => FofError::from(e),
        })?
        .into_inner();
    Ok(Reply::user(UserOut::full(
        &user,
        session.company_id,
        naming,
    )))
}
