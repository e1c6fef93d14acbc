//! Policies (`lib/policies.js`): name, rules and description.

use super::context::{Allowed, Json, Signed};
use super::doc;
use super::error::ApiError;
use super::model::Policy;
use super::named;
use super::params::Params;
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
fn write_error(s: &tonic::Status, policy: &pb::Policy) -> ApiError {
    match CoreError::from(s) {
        e if e.kind == Kind::Taken => {
            ApiError::invalid(format!("policy {} already exists", policy.name))
        }
        e => ApiError::from_core(e),
    }
}

/// `POST /<account>/policies`.
async fn create_policy(req: Signed<Json>) -> Result<Response, ApiError> {
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
    let policy = pb::Policy {
        name: p.text("name").unwrap_or_default(),
        rules: rules.unwrap_or_default(),
        description: p.text("description").filter(|d| !d.is_empty()),
        ..Default::default()
    };
    named::create(&ctx, policy, write_error).await
}

/// What an update changes besides the name.
fn changes(p: &Params, change: &mut pb::Policy, paths: &mut Vec<String>) {
    if let Some(r) = rules(p) {
        change.rules = r;
        paths.push("rules".to_owned());
    }
    if p.has("description") {
        change.description = p.text("description").filter(|d| !d.is_empty());
        paths.push("description".to_owned());
    }
}

operations! {
    /// Lists the policies.
    list(req: Any) => named::list::<pb::Policy>(req),
        get "/{account}/policies" as "cloudapi_ListPolicies", 200 "The policies." => [Policy];
    /// Reads a policy by name or id.
    get(req: Any) => named::read::<pb::Policy>(req),
        get "/{account}/policies/{policy}" as "cloudapi_GetPolicy", 200 "The policy." => Policy;
    /// Creates a policy; a rule the server cannot enforce is refused.
    create(req: Json) => create_policy(req),
        post "/{account}/policies" as "cloudapi_CreatePolicy",
        request_body = doc::WritePolicy, 201 "Created." => Policy;
    /// Updates a policy.
    update(req: Any) => named::update(req, changes, write_error),
        post "/{account}/policies/{policy}" as "cloudapi_UpdatePolicy",
        request_body = doc::WritePolicy, 200 "The policy as updated." => Policy;
    /// Deletes a policy.
    delete(req: Any) => named::delete::<pb::Policy>(req),
        delete "/{account}/policies/{policy}" as "cloudapi_DeletePolicy", 204 "Deleted.";
}
