//! Roles (`lib/roles.js`) in API v9's shape; v8's string arrays are read too.

use super::context::{Allowed, Json, Signed};
use super::doc;
use super::error::ApiError;
use super::model::Role;
use super::named;
use super::params::Params;
use crate::core_error::{CoreError, Kind};
use axum::response::Response;
use roster_proto::v1 as pb;
use serde_json::Value;

/// A list parameter: a JSON array, or (from form bodies) a string holding one.
pub(crate) fn list_param(p: &Params, name: &str) -> Option<Vec<Value>> {
    let v = p.get(name).filter(|v| !v.is_null())?;
    if let Value::Array(a) = v {
        return Some(a.clone());
    }
    if let Value::String(s) = v {
        if s.is_empty() {
            return Some(Vec::new());
        }
        if let Ok(Value::Array(a)) = serde_json::from_str::<Value>(s) {
            return Some(a);
        }
    }
    Some(vec![v.clone()])
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Members from `members` (v9 objects or v8 logins) and `default_members` (logins).
fn members(p: &Params) -> Option<Vec<pb::RoleMember>> {
    let listed = list_param(p, "members");
    let defaults = list_param(p, "default_members");
    if listed.is_none() && defaults.is_none() {
        return None;
    }
    let default_logins: Vec<String> = defaults
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let mut out: Vec<pb::RoleMember> = listed
        .unwrap_or_default()
        .iter()
        .map(|m| {
            if let Value::String(login) = m {
                return pb::RoleMember {
                    login: login.clone(),
                    default: default_logins.contains(login),
                    ..Default::default()
                };
            }
            let login = text(m, "login");
            pb::RoleMember {
                user_id: text(m, "id"),
                default: m.get("default").and_then(Value::as_bool).unwrap_or(false)
                    || default_logins.contains(&login),
                login,
            }
        })
        .collect();
    // A default member need not be listed among the members as well.
    for login in default_logins {
        if !out.iter().any(|m| m.login == login) {
            out.push(pb::RoleMember {
                login,
                default: true,
                ..Default::default()
            });
        }
    }
    Some(out)
}

/// Policies from `policies` (v9 objects with id or name, or v8 names).
fn policies(p: &Params) -> Option<Vec<pb::PolicyRef>> {
    Some(
        list_param(p, "policies")?
            .iter()
            .map(|v| match v.as_str() {
                Some(name) => pb::PolicyRef {
                    name: name.to_owned(),
                    ..Default::default()
                },
                None => pb::PolicyRef {
                    id: text(v, "id"),
                    name: text(v, "name"),
                },
            })
            .collect(),
    )
}

/// A core refusal of a role write, in CloudAPI's words.
fn write_error(s: &tonic::Status, role: &pb::Role) -> ApiError {
    let e = CoreError::from(s);
    if e.kind == Kind::Taken {
        return ApiError::invalid(format!("role {} already exists", role.name));
    }
    let index = |prefix: &str| {
        e.first_violation()
            .and_then(|v| v.field.strip_prefix(prefix))
            .and_then(|r| r.trim_end_matches(']').parse::<usize>().ok())
    };
    if e.code == tonic::Code::InvalidArgument {
        if let Some(m) = index("role.members[").and_then(|i| role.members.get(i)) {
            let who = if m.login.is_empty() {
                &m.user_id
            } else {
                &m.login
            };
            return ApiError::invalid(format!("member {who} does not exist"));
        }
        if let Some(p) = index("role.policies[").and_then(|i| role.policies.get(i)) {
            let what = if p.name.is_empty() { &p.id } else { &p.name };
            return ApiError::invalid(format!("policy {what} does not exist"));
        }
    }
    ApiError::from_core(e)
}

/// `POST /<account>/roles`.
async fn create_role(req: Signed<Json>) -> Result<Response, ApiError> {
    let Allowed { ctx, p, .. } = req.allow("createrole").await?;
    let Some(name) = p.required("name") else {
        return Err(ApiError::missing_params(&["name"]));
    };
    let role = pb::Role {
        name,
        members: members(&p).unwrap_or_default(),
        policies: policies(&p).unwrap_or_default(),
        ..Default::default()
    };
    named::create(&ctx, role, write_error).await
}

/// What an update changes besides the name.
fn changes(p: &Params, change: &mut pb::Role, paths: &mut Vec<String>) {
    if let Some(m) = members(p) {
        change.members = m;
        paths.push("members".to_owned());
    }
    if let Some(pols) = policies(p) {
        change.policies = pols;
        paths.push("policies".to_owned());
    }
}

operations! {
    /// Lists the roles.
    list(req: Any) => named::list::<pb::Role>(req),
        get "/{account}/roles" as "cloudapi_ListRoles", 200 "The roles." => [Role];
    /// Reads a role by name or id.
    get(req: Any) => named::read::<pb::Role>(req),
        get "/{account}/roles/{role}" as "cloudapi_GetRole", 200 "The role." => Role;
    /// Creates a role with members, default members and policies.
    create(req: Json) => create_role(req),
        post "/{account}/roles" as "cloudapi_CreateRole", request_body = doc::WriteRole,
        201 "Created." => Role;
    /// Updates a role.
    update(req: Any) => named::update(req, changes, write_error),
        post "/{account}/roles/{role}" as "cloudapi_UpdateRole", request_body = doc::WriteRole,
        200 "The role as updated." => Role;
    /// Deletes a role.
    delete(req: Any) => named::delete::<pb::Role>(req),
        delete "/{account}/roles/{role}" as "cloudapi_DeleteRole", 204 "Deleted.";
}
