//! `POST` and `PUT /api/v2/user`. POST creates (`FirstName`, `LastName` and `Email`
//! required) and answers only the new user's `Id` and `Status`; users created here start
//! `Invited` unless the body says otherwise, and become `Active` at their first recorded
//! activity. PUT changes the members the body names on the user its `Id` names. DESIGN
//! (docs/dialects/formsonfire.md): a POST whose body carries the `Id` of a user updates that
//! user, as PUT would, and still answers like POST.
//!
//! Credentials come from the body (`CompanyId`, `IntegrationKey`), else from the query.

use super::auth::{Credential, Session};
use super::call::Call;
use super::error::{FofError, field};
use super::get::query_naming;
use super::reply::Reply;
use super::user_input::{UserInput, read};
use super::user_view::{Naming, UserOut};
use super::user_write::{keep_names, naming, require_names, to_contract};
use roster_proto::v1 as pb;
use uuid::Uuid;

/// The body as a user, and the session its credential opens.
async fn open(c: &Call) -> Result<(UserInput, Session, Naming), FofError> {
    let Some(body) = &c.body else {
        return Err(FofError::unreadable("A User request body is required."));
    };
    // Who is asking comes first: a stranger learns nothing about the members it sent.
    let member = |name: &str| {
        body.text(name)
            .ok()
            .and_then(super::tree::Field::into_value)
            .map(str::to_owned)
    };
    let from_query = c.query_credential();
    let cred = Credential {
        company_id: member("CompanyId").or(from_query.company_id),
        integration_key: member("IntegrationKey").or(from_query.integration_key),
    };
    let session = c.session(&cred).await?;
    let input = read(body).map_err(FofError::fields)?;
    let naming = match (input.use_names, input.use_external_ids) {
        (None, None) => query_naming(c)?,
        (names, ext) => naming(names, ext),
    };
    Ok((input, session, naming))
}

async fn get_by_id(s: &Session, id: &str) -> Result<pb::User, FofError> {
    let req = pb::GetUserRequest {
        key: Some(pb::UserKey {
            key: Some(pb::user_key::Key::Id(id.to_owned())),
        }),
    };
    Ok(s.core.users().get_user(req).await?.into_inner())
}

/// Applies the members `input` names to the user `id`.
async fn update(
    s: &Session,
    id: Uuid,
    input: &UserInput,
    naming: Naming,
) -> Result<pb::User, FofError> {
    let blank = keep_names(input);
    if !blank.is_empty() {
        return Err(FofError::fields(blank));
    }
    let id = id.hyphenated().to_string();
    let mut w = to_contract(input, naming);
    if w.paths.is_empty() && w.password.is_none() {
        return get_by_id(s, &id).await;
    }
    w.user.id = id;
    let req = pb::UpdateUserRequest {
        user: Some(w.user),
        update_mask: Some(prost_types::FieldMask { paths: w.paths }),
        password: w.password,
        request_id: String::new(),
    };
    Ok(s.core.users().update_user(req).await?.into_inner())
}

pub(crate) async fn create(c: Call) -> Result<Reply, FofError> {
    let (input, session, naming) = open(&c).await?;
    if let Some(id) = input.id {
        let user = update(&session, id, &input, naming).await?;
        return Ok(Reply::user(UserOut::created(&user)));
    }
    let missing = require_names(&input);
    if !missing.is_empty() {
        return Err(FofError::fields(missing));
    }
    let mut w = to_contract(&input, naming);
    if input.status.value().is_none() {
        w.user.status = pb::UserStatus::Invited.into();
    }
    let req = pb::CreateUserRequest {
        user: Some(w.user),
        password: w.password,
        request_id: String::new(),
    };
    let made = session.core.users().create_user(req).await?.into_inner();
    Ok(Reply::user(UserOut::created(&made)))
}

pub(crate) async fn replace(c: Call) -> Result<Reply, FofError> {
    let (input, session, naming) = open(&c).await?;
    let Some(id) = input.id else {
        return Err(FofError::fields(vec![field(
            "NotEmpty",
            "Id",
            "'Id' must not be empty.",
        )]));
    };
    let user = update(&session, id, &input, naming).await?;
    Ok(Reply::user(UserOut::full(
        &user,
        session.company_id,
        naming,
    )))
}
