//! Whole responses: `UserResponse` {User, ResponseStatus}, the search's
//! `UserSearchResponse` {Users, TotalRows, ResponseStatus} and, for paths that have no DTO,
//! `ErrorResponse` {ResponseStatus}; in JSON or XML.

use super::error::FofError;
use super::format::Format;
use super::response_status::ResponseStatus;
use super::user_json::UserJson;
use super::user_view::UserOut;
use super::xml_write::XmlOut;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use utoipa::ToSchema;

/// Which response DTO an endpoint answers with, also when it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Root {
    User,
    Search,
    Error,
}

impl Root {
    fn element(self) -> &'static str {
        match self {
            Root::User => "UserResponse",
            Root::Search => "UserSearchResponse",
            Root::Error => "ErrorResponse",
        }
    }
}

/// What a successful call answers.
#[derive(Debug)]
pub(crate) enum Reply {
    /// A `UserResponse` with its user.
    User(Box<UserOut>),
    /// A `UserResponse` with only its ResponseStatus (DELETE).
    Empty,
    /// A page of the search.
    Search { users: Vec<UserOut>, total: i64 },
}

impl Reply {
    pub(crate) fn user(u: UserOut) -> Self {
        Self::User(Box::new(u))
    }
}

/// `UserResponse`: the user (absent when the call failed, after a DELETE, and only `Id` and
/// `Status` after a POST) and the call's status.
#[serde_with::skip_serializing_none]
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
#[schema(as = formsonfire::UserResponse, xml(name = "UserResponse", namespace = "http://schemas.datacontract.org/2004/07/Appenate.Api"))]
pub(crate) struct UserResponseJson<'a> {
    user: Option<UserJson<'a>>,
    response_status: &'a ResponseStatus,
}

/// `UserSearchResponse`: one page of users and the number of every match (both absent when
/// the call failed).
#[serde_with::skip_serializing_none]
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
#[schema(as = formsonfire::UserSearchResponse, xml(name = "UserSearchResponse", namespace = "http://schemas.datacontract.org/2004/07/Appenate.Api"))]
pub(crate) struct SearchJson<'a> {
    #[schema(xml(wrapped))]
    users: Option<Vec<UserJson<'a>>>,
    total_rows: Option<i64>,
    response_status: &'a ResponseStatus,
}

/// `ErrorResponse`: the answer of a path or verb the API does not have.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
#[schema(as = formsonfire::ErrorResponse, xml(name = "ErrorResponse", namespace = "http://schemas.datacontract.org/2004/07/Appenate.Api"))]
pub(crate) struct ErrorJson<'a> {
    response_status: &'a ResponseStatus,
}

fn with_type(status: StatusCode, body: Vec<u8>, content_type: &'static str) -> Response {
    let mut res = (status, body).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

fn json(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => with_type(status, bytes, "application/json; charset=utf-8"),
        Err(e) => {
            tracing::error!(error = %e, "Forms On Fire: cannot encode a JSON response.");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn xml(status: StatusCode, body: String) -> Response {
    with_type(status, body.into_bytes(), "application/xml; charset=utf-8")
}

/// The parts of a response body, success or failure.
struct Parts<'a> {
    root: Root,
    user: Option<&'a UserOut>,
    users: Option<&'a [UserOut]>,
    total: Option<i64>,
    status: &'a ResponseStatus,
}

fn render(format: Format, http: StatusCode, p: &Parts<'_>) -> Response {
    match format {
        Format::Json => match p.root {
            Root::User => json(
                http,
                &UserResponseJson {
                    user: p.user.map(UserOut::json),
                    response_status: p.status,
                },
            ),
            Root::Search => json(
                http,
                &SearchJson {
                    users: p.users.map(|us| us.iter().map(UserOut::json).collect()),
                    total_rows: p.total,
                    response_status: p.status,
                },
            ),
            Root::Error => json(
                http,
                &ErrorJson {
                    response_status: p.status,
                },
            ),
        },
        Format::Xml => {
            let root = p.root.element();
            let mut x = XmlOut::document(root);
            p.status.write_xml(&mut x);
            match p.root {
                Root::User => match p.user {
                    Some(u) => u.write_xml(&mut x, "User"),
                    None => x.nil("User"),
                },
                Root::Search => {
                    let total = p.total.map(|t| t.to_string());
                    x.value("TotalRows", total.as_deref());
                    match p.users {
                        None => x.nil("Users"),
                        Some([]) => x.empty("Users"),
                        Some(users) => {
                            x.open("Users");
                            for u in users {
                                u.write_xml(&mut x, "User");
                            }
                            x.close("Users");
                        }
                    }
                }
                Root::Error => {}
            }
            xml(http, x.finish(root))
        }
    }
}

/// A success: 200 with an empty ResponseStatus.
pub(crate) fn ok(format: Format, root: Root, reply: &Reply) -> Response {
    let status = ResponseStatus::default();
    let parts = match reply {
        Reply::User(u) => Parts {
            root,
            user: Some(u.as_ref()),
            users: None,
            total: None,
            status: &status,
        },
        Reply::Empty => Parts {
            root,
            user: None,
            users: None,
            total: None,
            status: &status,
        },
        Reply::Search { users, total } => Parts {
            root,
            user: None,
            users: Some(users),
            total: Some(*total),
            status: &status,
        },
    };
    render(format, StatusCode::OK, &parts)
}

/// A failure, in the endpoint's own response DTO.
pub(crate) fn failed(format: Format, root: Root, e: &FofError) -> Response {
    let status = e.response_status();
    let mut res = render(
        format,
        e.status,
        &Parts {
            root,
            user: None,
            users: None,
            total: None,
            status: &status,
        },
    );
    if let Some(secs) = e.retry_after {
        res.headers_mut()
            .insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
    }
    res
}
