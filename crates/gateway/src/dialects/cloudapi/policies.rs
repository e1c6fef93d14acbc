//! Policies (`lib/policies.js`): name, rules and description.

use super::context::{Allowed, Any, Ctx, Json, Signed};
use super::doc;
use super::error::{ApiError, or_not_found};
use super::model::Policy;
use super::params::Params;
use super::response::{created, encode_segment, no_content, ok};
use super::roles::list_param;
use crate::core_error::{CoreError, Kind};
use axum::response::Response;
use roster_proto::v1 as pb;

/// `rules` as an array of strings, or a JSON-encoded one (CloudAPI accepts both).
fn rules(p: &Params) -> Option<Vec<String>> {
    Some(
        list_param(p, "rules")?
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
    )
}

/// A core refusal of a policy write, in CloudAPI's words.
fn write_error(s: &tonic::Status, name: &str) -> ApiError {
    match CoreError::from(s) {
        e if e.kind == Kind::Taken => ApiError::invalid(format!("policy {name} already exists")),
        e => ApiError::from_core(e),
    }
}

#[utoipa::path(
    get,
    path = "/{account}/policies",
    operation_id = "cloudapi_ListPolicies",
    summary = "Lists the policies.",
    responses((status = 200, description = "The policies.", body = [Policy])),
)]
pub(crate) async fn list(req: Signed<Any>) -> Result<Response, ApiError> {
    let Allowed { ctx, .. } = req.allow("listpolicies").await?;
    let policies = ctx
        .core
        .roles()
        .list_policies(pb::ListPoliciesRequest {})
        .await?
        .into_inner()
        .policies;
    Ok(ok(&policies.iter().map(Policy::from).collect::<Vec<_>>()))
}

async fn find(ctx: &Ctx, policy: &str) -> Result<pb::Policy, ApiError> {
    let req = pb::GetPolicyRequest {
        id_or_name: policy.to_owned(),
    };
    Ok(ctx
        .core
        .roles()
        .get_policy(req)
        .await
        .map_err(|s| or_not_found(&s, || format!("{policy} does not exist")))?
        .into_inner())
}

#[utoipa::path(
    get,
    path = "/{account}/policies/{policy}",
    operation_id = "cloudapi_GetPolicy",
    summary = "Reads a policy by name or id.",
    params(doc::PolicyPath),
    responses((status = 200, description = "The policy.", body = Policy)),
)]
pub(crate) async fn get(req: Signed<Any>) -> Result<Response, ApiError> {
    let Allowed {
        ctx,
        target: policy,
        ..
    } = req.allow("getpolicy").await?;
    Ok(ok(&Policy::from(&find(&ctx, &policy).await?)))
}

#[utoipa::path(
    post,
    path = "/{account}/policies",
    operation_id = "cloudapi_CreatePolicy",
    summary = "Creates a policy; a rule the server cannot enforce is refused.",
    request_body = doc::WritePolicy,
    responses((status = 201, description = "Created.", body = Policy)),
)]
pub(crate) async fn create(req: Signed<Json>) -> Result<Response, ApiError> {
    let Allowed { ctx, p, .. } = req.allow("createpolicy").await?;
    let rules = rules(&p).filter(|r| !r.is_empty());
    let mut missing = Vec::new();
    if p.required("name").is_none() {
        missing.push("name");
    }
    if rules.is_none() {
        missing.push("rules");
    }
    if !missing.is_empty() {
        return Err(ApiError::missing_params(&missing));
    }
    let name = p.text("name").unwrap_or_default();
    let policy = pb::Policy {
        name: name.clone(),
        rules: rules.unwrap_or_default(),
        description: p.text("description").filter(|d| !d.is_empty()),
        ..Default::default()
    };
    let made = ctx
        .core
        .roles()
        .create_policy(pb::CreatePolicyRequest {
            policy: Some(policy),
        })
        .await
        .map_err(|s| write_error(&s, &name))?
        .into_inner();
    let location = format!(
        "/{}/policies/{}",
        ctx.caller.account,
        encode_segment(&made.name)
    );
    Ok(created(&Policy::from(&made), &location))
}

#[utoipa::path(
    post,
    path = "/{account}/policies/{policy}",
    operation_id = "cloudapi_UpdatePolicy",
    summary = "Updates a policy.",
    params(doc::PolicyPath),
    request_body = doc::WritePolicy,
    responses((status = 200, description = "The policy as updated.", body = Policy)),
)]
pub(crate) async fn update(req: Signed<Any>) -> Result<Response, ApiError> {
    let Allowed {
        ctx,
        p,
        target: policy,
        ..
    } = req.allow("updatepolicy").await?;
    let current = find(&ctx, &policy).await?;
    let mut change = pb::Policy {
        id: current.id,
        ..Default::default()
    };
    let mut paths = Vec::new();
    if let Some(name) = p.required("name") {
        change.name = name;
        paths.push("name".to_owned());
    }
    if let Some(r) = rules(&p) {
        change.rules = r;
        paths.push("rules".to_owned());
    }
    if p.has("description") {
        change.description = p.text("description").filter(|d| !d.is_empty());
        paths.push("description".to_owned());
    }
    if paths.is_empty() {
        return Ok(ok(&Policy::from(&find(&ctx, &policy).await?)));
    }
    let name = change.name.clone();
    let req = pb::UpdatePolicyRequest {
        policy: Some(change),
        update_mask: Some(prost_types::FieldMask { paths }),
    };
    let updated = ctx
        .core
        .roles()
        .update_policy(req)
        .await
        .map_err(|s| write_error(&s, &name))?
        .into_inner();
    Ok(ok(&Policy::from(&updated)))
}

#[utoipa::path(
    delete,
    path = "/{account}/policies/{policy}",
    operation_id = "cloudapi_DeletePolicy",
    summary = "Deletes a policy.",
    params(doc::PolicyPath),
    responses((status = 204, description = "Deleted.")),
)]
pub(crate) async fn delete(req: Signed<Any>) -> Result<Response, ApiError> {
    let Allowed {
        ctx,
        target: policy,
        ..
    } = req.allow("deletepolicy").await?;
    if uuid::Uuid::try_parse(&policy).is_err() {
        return Err(ApiError::not_found(format!("{policy} does not exist")));
    }
    let req = pb::DeletePolicyRequest { id: policy.clone() };
    ctx.core
        .roles()
        .delete_policy(req)
        .await
        .map_err(|s| or_not_found(&s, || format!("{policy} does not exist")))?;
    Ok(no_content())
}
