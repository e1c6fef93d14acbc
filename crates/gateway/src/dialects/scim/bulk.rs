//! `/Bulk` (RFC 7644 §3.7): many operations in one request, each all or nothing on its own,
//! with `bulkId` references between them (`"bulkId:qwerty"` in a path or anywhere in a value
//! stands for the id of the resource the operation with that `bulkId` created), `version` as
//! the operation's `If-Match`, and `failOnErrors`. `maxOperations` and `maxPayloadSize` are
//! what `/ServiceProviderConfig` advertises, and a request over either is 413.

use super::auth::Ctx;
use super::doc;
use super::error::{ScimError, ScimType};
use super::precondition::{Conditions, Tags};
use super::reply::{self, Base};
use super::user_map::{canonical, render};
use super::{group_map, groups, urn, users};
use axum::body::Body;
use axum::response::Response;
use http::{HeaderMap, Method, StatusCode};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

const BULK_ID: &str = "bulkId:";

/// One operation as the request gives it.
#[derive(Debug, Clone)]
struct Operation {
    method: Method,
    bulk_id: Option<String>,
    version: Option<String>,
    path: String,
    data: Option<Value>,
}

fn field<'a>(o: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    o.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn operation(i: usize, v: &Value) -> Result<Operation, ScimError> {
    let bad = |why: &str| ScimError::invalid_syntax(format!("Operations[{i}]: {why}"));
    let o = v.as_object().ok_or_else(|| bad("must be an object"))?;
    let method = match field(o, "method").and_then(Value::as_str) {
        Some(m) if m.eq_ignore_ascii_case("POST") => Method::POST,
        Some(m) if m.eq_ignore_ascii_case("PUT") => Method::PUT,
        Some(m) if m.eq_ignore_ascii_case("PATCH") => Method::PATCH,
        Some(m) if m.eq_ignore_ascii_case("DELETE") => Method::DELETE,
        _ => return Err(bad("method must be POST, PUT, PATCH or DELETE")),
    };
    let text = |n: &str| field(o, n).and_then(Value::as_str).map(str::to_owned);
    let path = text("path").ok_or_else(|| bad("needs a path"))?;
    let bulk_id = text("bulkId");
    if method == Method::POST && bulk_id.is_none() {
        return Err(bad("a POST needs a bulkId"));
    }
    let data = field(o, "data").cloned();
    if method != Method::DELETE && data.is_none() {
        return Err(bad("needs data"));
    }
    Ok(Operation {
        method,
        bulk_id,
        version: text("version"),
        path,
        data,
    })
}

/// The `bulkId`s a value refers to.
fn references(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            if let Some(id) = s.strip_prefix(BULK_ID) {
                out.push(id.to_owned());
            }
        }
        Value::Array(a) => a.iter().for_each(|v| references(v, out)),
        Value::Object(o) => o.values().for_each(|v| references(v, out)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The `bulkId`s a path refers to (`/Users/bulkId:qwerty`).
fn path_references(path: &str, out: &mut Vec<String>) {
    for segment in path.split('/') {
        references(&Value::String(segment.to_owned()), out);
    }
}

/// `path` with its `bulkId:x` segments replaced by the ids they were given.
fn resolved_path(path: &str, ids: &HashMap<String, String>) -> String {
    path.split('/')
        .map(
            |segment| match segment.strip_prefix(BULK_ID).and_then(|b| ids.get(b)) {
                Some(id) => id.as_str(),
                None => segment,
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

/// `v` with every `bulkId:x` replaced by the id `x` was given.
fn resolved(v: &Value, ids: &HashMap<String, String>) -> Value {
    match v {
        Value::String(s) => match s.strip_prefix(BULK_ID).and_then(|b| ids.get(b)) {
            Some(id) => Value::String(id.clone()),
            None => v.clone(),
        },
        Value::Array(a) => Value::Array(a.iter().map(|v| resolved(v, ids)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), resolved(v, ids)))
                .collect(),
        ),
        other @ (Value::Null | Value::Bool(_) | Value::Number(_)) => other.clone(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resource {
    Users,
    Groups,
}

/// `/Users`, `/Groups/{id}`, … of an operation.
fn route(path: &str) -> Result<(Resource, Option<String>), ScimError> {
    let path = path.trim().trim_start_matches('/');
    let (head, id) = match path.split_once('/') {
        Some((h, id)) if !id.is_empty() && !id.contains('/') => (h, Some(id.to_owned())),
        Some(_) => {
            return Err(ScimError::bad(
                ScimType::InvalidPath,
                format!("No resource at /{path}"),
            ));
        }
        None => (path, None),
    };
    let res = if head.eq_ignore_ascii_case("Users") {
        Resource::Users
    } else if head.eq_ignore_ascii_case("Groups") {
        Resource::Groups
    } else {
        return Err(ScimError::bad(
            ScimType::InvalidPath,
            format!("No resource at /{path}"),
        ));
    };
    Ok((res, id))
}

/// Runs one operation: its status and, for a write, the resource after it.
async fn run(
    ctx: &Ctx,
    base: &str,
    op: &Operation,
    data: Option<Value>,
) -> Result<(StatusCode, Option<Value>), ScimError> {
    let (res, id) = route(&op.path)?;
    let cond = Conditions {
        if_match: op.version.as_ref().map(|v| {
            Tags::Listed(
                super::precondition::opaque(v)
                    .map(str::to_owned)
                    .into_iter()
                    .collect(),
            )
        }),
        if_none_match: None,
    };
    let need_id = || {
        id.clone().ok_or_else(|| {
            ScimError::bad(
                ScimType::InvalidPath,
                format!("{} needs a resource id", op.method),
            )
        })
    };
    let data = data.map_or(Value::Null, canonical);
    let user = |u| Some(render(&u, base));
    let group = |g| Some(group_map::render(&g, base, None));
    Ok(match (res, &op.method) {
        (_, &Method::POST) if id.is_some() => {
            return Err(ScimError::bad(
                ScimType::InvalidPath,
                "POST goes to /Users or /Groups",
            ));
        }
        (Resource::Users, &Method::POST) => (
            StatusCode::CREATED,
            user(users::create_user(ctx, &data).await?),
        ),
        (Resource::Groups, &Method::POST) => (
            StatusCode::CREATED,
            group(groups::create_group(ctx, &data).await?),
        ),
        (Resource::Users, &Method::PUT) => (
            StatusCode::OK,
            user(users::replace_user(ctx, &need_id()?, &data, &cond).await?),
        ),
        (Resource::Groups, &Method::PUT) => (
            StatusCode::OK,
            group(groups::replace_group(ctx, &need_id()?, &data, &cond).await?),
        ),
        (Resource::Users, &Method::PATCH) => (
            StatusCode::OK,
            user(users::patch_user(ctx, &need_id()?, &data, base, &cond).await?),
        ),
        (Resource::Groups, &Method::PATCH) => (
            StatusCode::OK,
            group(groups::patch_group(ctx, &need_id()?, &data, base, &cond).await?),
        ),
        (Resource::Users, _) => {
            users::delete_user(ctx, &need_id()?, &cond).await?;
            (StatusCode::NO_CONTENT, None)
        }
        (Resource::Groups, _) => {
            groups::delete_group(ctx, &need_id()?, &cond).await?;
            (StatusCode::NO_CONTENT, None)
        }
    })
}

fn result(
    op: &Operation,
    outcome: Result<(StatusCode, Option<Value>), ScimError>,
) -> (Value, bool) {
    let mut o = Map::new();
    o.insert("method".to_owned(), json!(op.method.as_str()));
    if let Some(b) = &op.bulk_id {
        o.insert("bulkId".to_owned(), json!(b));
    }
    let failed = match outcome {
        Ok((status, resource)) => {
            if let Some(r) = resource {
                o.insert("location".to_owned(), r["meta"]["location"].clone());
                o.insert("version".to_owned(), r["meta"]["version"].clone());
            }
            o.insert("status".to_owned(), json!(status.as_u16().to_string()));
            false
        }
        Err(e) => {
            o.insert("status".to_owned(), json!(e.status.as_u16().to_string()));
            o.insert("response".to_owned(), e.to_json());
            true
        }
    };
    (Value::Object(o), failed)
}

/// Runs many operations, each all or nothing, with `bulkId` references.
#[utoipa::path(
    post,
    path = "/Bulk",
    operation_id = "scim_Bulk",
    request_body(content = doc::Message, content_type = "application/scim+json"),
    responses((status = 200, description = "One result per operation run.", body = doc::Message, content_type = "application/scim+json")),
)]
pub(crate) async fn bulk(
    ctx: Ctx,
    Base(base): Base,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ScimError> {
    let limits = ctx.api().limits;
    let body = reply::read_json(ctx.api(), &headers, body).await?;
    reply::require_schema(&body, urn::BULK_REQUEST)?;
    let o = body
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax("A BulkRequest must be an object"))?;
    let raw = field(o, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| ScimError::invalid_syntax("A BulkRequest needs a list of Operations"))?;
    if raw.len() > limits.bulk_max_operations {
        return Err(ScimError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "A bulk request may hold at most {} operations (maxOperations)",
                limits.bulk_max_operations
            ),
        ));
    }
    let fail_on_errors =
        match field(o, "failOnErrors") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                ScimError::invalid_value("failOnErrors must be a positive integer")
            })?),
        };
    let ops = raw
        .iter()
        .enumerate()
        .map(|(i, v)| operation(i, v))
        .collect::<Result<Vec<_>, _>>()?;
    let mut seen = std::collections::HashSet::new();
    for op in &ops {
        if let Some(b) = &op.bulk_id
            && !seen.insert(b.clone())
        {
            return Err(ScimError::invalid_value(format!(
                "bulkId {b:?} is used twice"
            )));
        }
    }
    let results = run_all(&ctx, &base, &ops, fail_on_errors).await;
    Ok(reply::json(
        StatusCode::OK,
        &json!({ "schemas": [urn::BULK_RESPONSE], "Operations": results }),
    ))
}

/// Runs the operations: in order, except that one referring to a `bulkId` not yet created
/// waits until it is (a reference that never resolves, or a cycle, fails with 409).
async fn run_all(
    ctx: &Ctx,
    base: &str,
    ops: &[Operation],
    fail_on_errors: Option<u64>,
) -> Vec<Value> {
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut failed_ids = std::collections::HashSet::new();
    let mut pending: Vec<usize> = (0..ops.len()).collect();
    let mut done: Vec<(usize, Value)> = Vec::new();
    let mut errors = 0u64;
    loop {
        let mut progressed = false;
        let mut waiting = Vec::new();
        for i in pending {
            if fail_on_errors.is_some_and(|n| errors >= n) {
                break;
            }
            let op = &ops[i];
            let mut refs = Vec::new();
            path_references(&op.path, &mut refs);
            if let Some(d) = &op.data {
                references(d, &mut refs);
            }
            let broken = refs.iter().find(|r| {
                failed_ids.contains(*r) || !ops.iter().any(|o| o.bulk_id.as_ref() == Some(*r))
            });
            if let Some(r) = broken {
                let e = ScimError::new(
                    StatusCode::CONFLICT,
                    format!("bulkId {r:?} names no resource this request created"),
                )
                .typed(ScimType::InvalidValue);
                let (v, _) = result(op, Err(e));
                done.push((i, v));
                errors += 1;
                if let Some(b) = &op.bulk_id {
                    failed_ids.insert(b.clone());
                }
                progressed = true;
                continue;
            }
            if refs.iter().any(|r| !ids.contains_key(r)) {
                waiting.push(i);
                continue;
            }
            let op_now = Operation {
                path: resolved_path(&op.path, &ids),
                ..op.clone()
            };
            let data = op.data.as_ref().map(|d| resolved(d, &ids));
            let outcome = run(ctx, base, &op_now, data).await;
            if let (Ok((_, Some(r))), Some(b)) = (&outcome, &op.bulk_id)
                && let Some(id) = r["id"].as_str()
            {
                ids.insert(b.clone(), id.to_owned());
            }
            let (v, failed) = result(&op_now, outcome);
            if failed {
                errors += 1;
                if let Some(b) = &op.bulk_id {
                    failed_ids.insert(b.clone());
                }
            }
            done.push((i, v));
            progressed = true;
        }
        pending = waiting;
        if pending.is_empty() || fail_on_errors.is_some_and(|n| errors >= n) {
            break;
        }
        if !progressed {
            // Only circular references are left.
            for i in pending.drain(..) {
                let e = ScimError::new(StatusCode::CONFLICT, "The bulkId references are circular")
                    .typed(ScimType::InvalidValue);
                done.push((i, result(&ops[i], Err(e)).0));
            }
            break;
        }
    }
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, v)| v).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_ids_are_found_and_replaced_anywhere() {
        let v = json!({ "members": [{ "value": "bulkId:u1" }], "x": "bulkId:u2", "y": "bulkId" });
        let mut refs = Vec::new();
        references(&v, &mut refs);
        assert_eq!(refs, ["u1", "u2"]);
        let ids = HashMap::from([("u1".to_owned(), "id-1".to_owned())]);
        let mut refs = Vec::new();
        path_references("/Users/bulkId:u1", &mut refs);
        assert_eq!(refs, ["u1"]);
        assert_eq!(resolved_path("/Users/bulkId:u1", &ids), "/Users/id-1");
        assert_eq!(
            resolved(&v, &ids),
            json!({ "members": [{ "value": "id-1" }], "x": "bulkId:u2", "y": "bulkId" })
        );
    }

    #[test]
    fn operations_are_checked_for_shape() {
        assert!(
            operation(
                0,
                &json!({ "method": "POST", "path": "/Users", "data": {} })
            )
            .is_err()
        );
        assert!(operation(0, &json!({ "method": "GET", "path": "/Users" })).is_err());
        assert!(operation(0, &json!({ "method": "delete", "path": "/Users/1" })).is_ok());
        assert_eq!(
            route("/Users/abc").unwrap(),
            (Resource::Users, Some("abc".to_owned()))
        );
        assert_eq!(route("Groups").unwrap(), (Resource::Groups, None));
        assert!(route("/Other").is_err());
        assert!(route("/Users/a/b").is_err());
    }
}
