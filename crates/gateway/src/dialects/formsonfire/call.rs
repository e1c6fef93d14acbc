//! One request as every handler sees it: query, parsed body, response format, request id;
//! and the run that turns an operation's result into the vendor's response, so that every
//! failure (an unreadable body included) is answered in the format the caller asked for.

use super::FormsOnFire;
use super::auth::{Credential, Session, authenticate};
use super::body::{self, BodyError};
use super::error::FofError;
use super::format::{Format, negotiate};
use super::query::Query;
use super::reply::{self, Reply, Root};
use super::tree::Node;
use crate::RequestId;
use crate::session::body::BodyError as ReadError;
use axum::extract::Request;
use axum::response::Response;
use std::future::Future;

#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) api: FormsOnFire,
    pub(crate) rid: RequestId,
    pub(crate) query: Query,
    /// The body's members, when there was a body.
    pub(crate) body: Option<Node>,
}

impl Call {
    /// A credential from the query string.
    pub(crate) fn query_credential(&self) -> Credential {
        Credential {
            company_id: self.query.get("CompanyId").map(str::to_owned),
            integration_key: self.query.get("IntegrationKey").map(str::to_owned),
        }
    }

    pub(crate) async fn session(&self, cred: &Credential) -> Result<Session, FofError> {
        authenticate(&self.api.state, &self.rid, cred).await
    }
}

fn body_error(e: &BodyError) -> FofError {
    match e {
        BodyError::Read(ReadError::TooLarge(_)) => {
            FofError::bad_request("RequestTooLarge", e.to_string())
        }
        BodyError::Read(ReadError::MediaType(_)) => FofError::bad_request(
            "NotSupportedException",
            format!("{e}; send application/json or application/xml"),
        ),
        BodyError::Read(ReadError::Unreadable)
        | BodyError::Json(_)
        | BodyError::NotAnObject
        | BodyError::TooDeep(_)
        | BodyError::Xml(_) => FofError::unreadable(e.to_string()),
    }
}

/// Reads `req`, runs `op` on it and answers in the negotiated format.
pub(crate) async fn run<F, Fut>(api: FormsOnFire, req: Request, root: Root, op: F) -> Response
where
    F: FnOnce(Call) -> Fut,
    Fut: Future<Output = Result<Reply, FofError>>,
{
    let (parts, body) = req.into_parts();
    let rid = RequestId::of(&parts);
    let Some(query) = Query::parse(parts.uri.query()) else {
        let e = FofError::bad_request("InvalidValue", "The query string cannot be decoded.");
        return reply::failed(Format::Json, root, &e);
    };
    let bytes = body::read(body, api.limits).await;
    let kind = body::kind(&parts.headers);
    let has_body = bytes.as_ref().map_or(true, |b| !b.is_empty());
    let format = match negotiate(
        &query,
        &parts.headers,
        kind.clone().ok().filter(|_| has_body),
    ) {
        Ok(f) => f,
        Err(bad) => {
            let e = FofError::bad_request(
                "InvalidValue",
                format!("The format '{}' is not supported; use json or xml.", bad.0),
            );
            return reply::failed(Format::Json, root, &e);
        }
    };
    let parsed = match (bytes, kind) {
        (Ok(b), _) if b.is_empty() => Ok(None),
        (Ok(b), Ok(k)) => body::parse(k, &b, api.limits).map(Some),
        (Err(e), _) | (Ok(_), Err(e)) => Err(e),
    };
    let mut c = Call {
        api,
        rid,
        query,
        body: None,
    };
    match parsed {
        Ok(b) => c.body = b,
        Err(e) => {
            // A caller whose query carries the whole credential is judged on it before its
            // body: a stranger learns nothing, not even that its body was wrong. (A write may
            // carry the credential in the body instead; that one cannot be judged first.)
            let cred = c.query_credential();
            if cred.company_id.is_some()
                && cred.integration_key.is_some()
                && let Err(refused) = c.session(&cred).await
            {
                return reply::failed(format, root, &refused);
            }
            return reply::failed(format, root, &body_error(&e));
        }
    }
    match op(c).await {
        Ok(r) => reply::ok(format, root, &r),
        Err(e) => reply::failed(format, root, &e),
    }
}
