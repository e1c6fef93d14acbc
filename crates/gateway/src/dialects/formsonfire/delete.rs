//! `DELETE /api/v2/user`: `Id`, `CompanyId` and `IntegrationKey` in the query or in the body
//! (other body members are ignored). The user goes at once, with its memberships and
//! devices; the answer is a `UserResponse` with only its ResponseStatus, or 400 when there
//! is no such user.

use super::auth::Credential;
use super::call::Call;
use super::error::{FofError, field};
use super::reply::Reply;
use super::user_input::parse_id;

/// A member from the query, else from the body.
fn either(c: &Call, name: &str) -> Option<String> {
    let from_query = c.query.get(name).map(str::trim).filter(|v| !v.is_empty());
    let from_body = || {
        c.body
            .as_ref()
            .and_then(|b| b.text(name).ok().and_then(super::tree::Field::into_value))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    from_query.or_else(from_body).map(str::to_owned)
}

pub(crate) async fn delete(c: Call) -> Result<Reply, FofError> {
    let cred = Credential {
        company_id: either(&c, "CompanyId"),
        integration_key: either(&c, "IntegrationKey"),
    };
    let session = c.session(&cred).await?;
    let id = match either(&c, "Id").as_deref().map(parse_id) {
        Some(Ok(Some(id))) => id,
        Some(Ok(None) | Err(())) => {
            return Err(FofError::fields(vec![field(
                "InvalidValue",
                "Id",
                "'Id' must be a GUID.",
            )]));
        }
        None => {
            return Err(FofError::fields(vec![field(
                "NotEmpty",
                "Id",
                "'Id' must not be empty.",
            )]));
        }
    };
    session
        .core
        .delete_user(id.hyphenated().to_string(), String::new())
        .await
        .map_err(FofError::from)?;
    Ok(Reply::Empty)
}
