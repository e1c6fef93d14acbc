//! Roles (`lib/roles.js`) in API v9's shape; v8's string arrays are read too.

use super::context::{Allowed, Any, Ctx, Json, Signed};
use super::doc;
use super::error::{ApiError, or_not_found};
use super::model::Role;
use super::params::Params;
use super::response::{created, encode_segment, no_content, ok};
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

#[utoipa::path(
    get,
    path = "/{account}/roles",
    operation_id = "cloudapi_ListRoles",
    summary = "Lists the roles.",
    responses((status = 200, description = "The roles.", body = [Role])),
)]
pub(crate) async fn list(req: Signed<Any>) -> Result<Response, ApiError> {
    let Allowed { ctx, .. } = req.allow("listroles").await?;
    let roles = ctx
        .core
        .roles()
        .list_roles(pb::ListRolesRequest {})
        .await?
        .into_inner()
        .roles;
    Ok(ok(&roles.iter().map(Role::from).collect::<Vec<_>>()))
}

async fn find(ctx: &Ctx, role: &str) -> Result<pb::Role, ApiError> {
    let req = pb::GetRoleRequest {
        id_or_name: role.to_owned(),
    };
    Ok(ctx
        .core
        .roles()
        .get_role(req)
        .await
        .map_err(|s| or_not_found(&s, || format!("{role} does not exist")))?
        .into_inner())
}

#[utoipa::path(
    get,
    path = "/{account}/roles/{role}",
    operation_id = "cloudapi_GetRole",
    summary = "Reads a role by name or id.",
    params(doc::RolePath),
    responses((status = 200, description = "The role.", body = Role)),
)]
pub(crate) async fn get(req: Signed<Any>) -> Result<Response, ApiError> {
    let Allowed {
        ctx, target: role, ..
    } = req.allow("getrole").await?;
    Ok(ok(&Role::from(&find(&ctx, &role).await?)))
}

#[utoipa::path(
    post,
    path = "/{account}/roles",
    operation_id = "cloudapi_CreateRole",
    summary = "Creates a role with members, default members and policies.",
    request_body = doc::WriteRole,
    responses((status = 201, description = "Created.", body = Role)),
)]
pub(crate) async fn create(req: Signed<Json>) -> Result<Response, ApiError> {
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
    let made = ctx
        .core
        .roles()
        .create_role(pb::CreateRoleRequest {
            role: Some(role.clone()),
        })
        .await
        .map_err(|s| write_error(&s, &role))?
        .into_inner();
    let location = format!(
        "/{}/roles/{}",
        ctx.caller.account,
        encode_segment(&made.name)
    );
    Ok(created(&Role::from(&made), &location))
}

#[utoipa::path(
    post,
    path = "/{account}/roles/{role}",
    operation_id = "cloudapi_UpdateRole",
    summary = "Updates a role.",
    params(doc::RolePath),
    request_body = doc::WriteRole,
    responses((status = 200, description = "The role as updated.", body = Role)),
)]
pub(crate) async fn update(req: Signed<Any>) -> Result<Response, ApiError> {
    let Allowed {
        ctx,
        p,
        target: role,
        ..
    } = req.allow("updaterole").await?;
    let current = find(&ctx, &role).await?;
    let mut change = pb::Role {
        id: current.id,
        ..Default::default()
    };
    let mut paths = Vec::new();
    if let Some(name) = p.required("name") {
        change.name = name;
        paths.push("name".to_owned());
    }
    if let Some(m) = members(&p) {
        change.members = m;
        paths.push("members".to_owned());
    }
    if let Some(pols) = policies(&p) {
        change.policies = pols;
        paths.push("policies".to_owned());
    }
    if paths.is_empty() {
        return Ok(ok(&Role::from(&find(&ctx, &role).await?)));
    }
    let req = pb::UpdateRoleRequest {
        role: Some(change.clone()),
        update_mask: Some(prost_types::FieldMask { paths }),
    };
    let updated = ctx
        .core
        .roles()
        .update_role(req)
        .await
        .map_err(|s| write_error(&s, &change))?
        .into_inner();
    Ok(ok(&Role::from(&updated)))
}

#[utoipa::path(
    delete,
    path = "/{account}/roles/{role}",
    operation_id = "cloudapi_DeleteRole",
    summary = "Deletes a role.",
    params(doc::RolePath),
    responses((status = 204, description = "Deleted.")),
)]
pub(crate) async fn delete(req: Signed<Any>) -> Result<Response, ApiError> {
    let Allowed {
        ctx, target: role, ..
    } = req.allow("deleterole").await?;
    // CloudAPI deletes roles by id only.
    if uuid::Uuid::try_parse(&role).is_err() {
        return Err(ApiError::not_found(format!("{role} does not exist")));
    }
    let req = pb::DeleteRoleRequest { id: role.clone() };
    ctx.core
        .roles()
        .delete_role(req)
        .await
        .map_err(|s| or_not_found(&s, || format!("{role} does not exist")))?;
    Ok(no_content())
}
