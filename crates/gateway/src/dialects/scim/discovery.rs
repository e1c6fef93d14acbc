//! Discovery (RFC 7644 §4): `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas`, which
//! tell the truth about what this server does: every advertised limit is the one enforced.
//! They need the provisioning token like every other endpoint. A filter on them is 403, as
//! §4 says.

use super::auth::Ctx;
use super::doc;
use super::error::ScimError;
use super::reply::{self, Base};
use super::{ScimLimits, schema, urn};
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};

fn no_filter(q: Option<&str>) -> Result<(), ScimError> {
    let filtered = q
        .and_then(|r| serde_urlencoded::from_str::<Vec<(String, String)>>(r).ok())
        .is_some_and(|p| p.iter().any(|(k, _)| k.eq_ignore_ascii_case("filter")));
    if filtered {
        Err(ScimError::new(
            StatusCode::FORBIDDEN,
            "Discovery endpoints take no filter",
        ))
    } else {
        Ok(())
    }
}

/// What `/ServiceProviderConfig` says for these limits.
pub(crate) fn service_provider(limits: ScimLimits, base: &str) -> Value {
    json!({
        "schemas": [urn::SERVICE_PROVIDER_CONFIG],
        "patch": { "supported": true },
        "bulk": {
            "supported": true,
            "maxOperations": limits.bulk_max_operations,
            "maxPayloadSize": limits.bulk_max_payload_bytes,
        },
        "filter": { "supported": true, "maxResults": limits.max_page_size },
        "changePassword": { "supported": true },
        "sort": { "supported": true },
        "etag": { "supported": true },
        "pagination": {
            "cursor": true,
            "index": true,
            "defaultPaginationMethod": "index",
            "defaultPageSize": limits.default_page_size,
            "maxPageSize": limits.max_page_size,
        },
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "Provisioning token",
            "description": "A tenant's provisioning token (roster scim-token issue), sent as Authorization: Bearer <token>",
            "specUri": "https://www.rfc-editor.org/info/rfc6750",
            "primary": true,
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{base}/ServiceProviderConfig"),
        },
    })
}

fn resource_type(id: &str, base: &str) -> Option<Value> {
    let (endpoint, schema, extensions, description) = match id {
        "User" => (
            "/Users",
            urn::USER,
            json!([{ "schema": urn::ENTERPRISE, "required": false }]),
            "Roster's users",
        ),
        "Group" => ("/Groups", urn::GROUP, json!([]), "Roster's groups"),
        _ => return None,
    };
    Some(json!({
        "schemas": [urn::RESOURCE_TYPE],
        "id": id,
        "name": id,
        "description": description,
        "endpoint": endpoint,
        "schema": schema,
        "schemaExtensions": extensions,
        "meta": {
            "resourceType": "ResourceType",
            "location": format!("{base}/ResourceTypes/{id}"),
        },
    }))
}

fn list(resources: &[Value]) -> Value {
    json!({
        "schemas": [urn::LIST],
        "totalResults": resources.len(),
        "itemsPerPage": resources.len(),
        "startIndex": 1,
        "Resources": resources,
    })
}

/// What this server supports, and its limits.
#[utoipa::path(
    get,
    path = "/ServiceProviderConfig",
    operation_id = "scim_GetServiceProviderConfig",
    responses((status = 200, description = "What this server supports.", body = doc::Message, content_type = "application/scim+json")),
)]
pub(crate) async fn service_provider_config(
    ctx: Ctx,
    Base(base): Base,
    RawQuery(q): RawQuery,
) -> Result<Response, ScimError> {
    no_filter(q.as_deref())?;
    Ok(reply::json(
        StatusCode::OK,
        &service_provider(ctx.api().limits, &base),
    ))
}

/// The resource types: User and Group.
#[utoipa::path(
    get,
    path = "/ResourceTypes",
    operation_id = "scim_ListResourceTypes",
    responses((status = 200, description = "User and Group.", body = doc::ListResponse, content_type = "application/scim+json")),
)]
pub(crate) async fn resource_types(
    _: Ctx,
    Base(base): Base,
    RawQuery(q): RawQuery,
) -> Result<Response, ScimError> {
    no_filter(q.as_deref())?;
    let all: Vec<Value> = ["User", "Group"]
        .into_iter()
        .filter_map(|id| resource_type(id, &base))
        .collect();
    Ok(reply::json(StatusCode::OK, &list(&all)))
}

/// One resource type.
#[utoipa::path(
    get,
    path = "/ResourceTypes/{id}",
    operation_id = "scim_GetResourceType",
    responses((status = 200, description = "One resource type.", body = doc::Message, content_type = "application/scim+json")),
)]
pub(crate) async fn resource_type_one(
    _: Ctx,
    Base(base): Base,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    resource_type(&id, &base)
        .map(|v| reply::json(StatusCode::OK, &v))
        .ok_or_else(|| ScimError::not_found(format!("No resource type {id}")))
}

/// The schemas, with every attribute's characteristics.
#[utoipa::path(
    get,
    path = "/Schemas",
    operation_id = "scim_ListSchemas",
    responses((status = 200, description = "User, the enterprise extension and Group, every attribute described.", body = doc::ListResponse, content_type = "application/scim+json")),
)]
pub(crate) async fn schemas(
    _: Ctx,
    Base(base): Base,
    RawQuery(q): RawQuery,
) -> Result<Response, ScimError> {
    no_filter(q.as_deref())?;
    let all: Vec<Value> = schema::SCHEMA_URNS
        .iter()
        .filter_map(|u| schema::schema_json(u, &base))
        .collect();
    Ok(reply::json(StatusCode::OK, &list(&all)))
}

/// One schema, by its URN.
#[utoipa::path(
    get,
    path = "/Schemas/{id}",
    operation_id = "scim_GetSchema",
    responses((status = 200, description = "One schema.", body = doc::Message, content_type = "application/scim+json")),
)]
pub(crate) async fn schema_one(
    _: Ctx,
    Base(base): Base,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    schema::schema_json(&id, &base)
        .map(|v| reply::json(StatusCode::OK, &v))
        .ok_or_else(|| ScimError::not_found(format!("No schema {id}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_advertises_the_limits_that_are_enforced() {
        let limits = ScimLimits {
            bulk_max_operations: 7,
            ..ScimLimits::default()
        };
        let v = service_provider(limits, "http://h/scim/v2");
        assert_eq!(v["bulk"]["maxOperations"], 7);
        assert_eq!(v["bulk"]["maxPayloadSize"], limits.bulk_max_payload_bytes);
        assert_eq!(v["filter"]["maxResults"], limits.max_page_size);
        assert_eq!(v["etag"]["supported"], true);
    }

    #[test]
    fn resource_types_name_their_schemas() {
        let u = resource_type("User", "b").unwrap();
        assert_eq!(u["schemaExtensions"][0]["schema"], urn::ENTERPRISE);
        assert!(resource_type("Nope", "b").is_none());
        assert!(no_filter(Some("filter=x")).is_err());
        assert!(no_filter(Some("count=1")).is_ok());
    }
}
