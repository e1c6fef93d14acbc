//! The OpenAPI 3.1 description of every dialect, at `/openapi.json`, and Swagger UI at
//! `/docs`, served from the binary (the UI's assets are compiled in: it works offline).
//!
//! The description cannot drift from the routes: each dialect registers its routes through
//! `utoipa_axum`'s `routes!`, which takes the method and path from the handler's
//! `#[utoipa::path]` annotation, so a route exists exactly when its operation is described.

use axum::Router;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder};
use utoipa_swagger_ui::SwaggerUi;

/// Security scheme names, referenced by the dialects' operations.
pub(crate) mod schemes {
    pub(crate) const CLOUDAPI: &str = "cloudapi_signature";
    pub(crate) const SURECLOUD: &str = "surecloud_bearer";
    pub(crate) const ELEMENTS: &str = "elements_user_organization";
    pub(crate) const FORMSONFIRE_COMPANY: &str = "formsonfire_company_id";
    pub(crate) const FORMSONFIRE_KEY: &str = "formsonfire_integration_key";
}

/// The document every dialect's operations are merged into: what Roster is, one tag per
/// dialect, and each dialect's way of authenticating.
pub(crate) fn base() -> OpenApi {
    let mut api = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Roster")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "A user directory speaking four vendor user-management APIs. Each dialect \
                     keeps its vendor's paths, bodies, errors and authentication, so that \
                     existing clients only change their base URL.",
                ))
                .build(),
        )
        .tags(Some([
            tag(
                "CloudAPI",
                "Joyent/Triton CloudAPI users, keys, roles and policies.",
            ),
            tag("SureCloud", "SureCloud User API: bulk create and update."),
            tag(
                "Cloud Elements",
                "Cloud Elements platform users, with CEQL queries.",
            ),
            tag(
                "Forms On Fire",
                "Forms On Fire Users API v2, in JSON and XML.",
            ),
        ]))
        .build();
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        schemes::CLOUDAPI,
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "Authorization",
            "HTTP Signature over `(request-target) date` with a registered SSH key: \
             `Signature keyId=\"/:account/keys/:md5\",algorithm=\"rsa-sha256\",\
             headers=\"(request-target) date\",signature=\"...\"` (the `date` header must be \
             within 300 s of the server's clock).",
        ))),
    );
    components.add_security_scheme(
        schemes::SURECLOUD,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some("A token from `POST /restful/v1/token`."))
                .build(),
        ),
    );
    components.add_security_scheme(
        schemes::ELEMENTS,
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "Authorization",
            "`User <user secret>, Organization <organization secret>` of an organization \
             administrator.",
        ))),
    );
    components.add_security_scheme(
        schemes::FORMSONFIRE_COMPANY,
        SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
            "CompanyId",
            "The company id; in the query for GET and DELETE, in the body for POST and PUT.",
        ))),
    );
    components.add_security_scheme(
        schemes::FORMSONFIRE_KEY,
        SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
            "IntegrationKey",
            "The integration key; in the query for GET and DELETE, in the body for POST and PUT.",
        ))),
    );
    api
}

fn tag(name: &str, description: &str) -> utoipa::openapi::tag::Tag {
    TagBuilder::new()
        .name(name)
        .description(Some(description))
        .build()
}

/// `/openapi.json` and Swagger UI at `/docs`.
pub(crate) fn docs(api: OpenApi) -> Router {
    SwaggerUi::new("/docs").url("/openapi.json", api).into()
}

#[cfg(test)]
mod tests {
    use crate::{AppState, TokenCache, Upstream, router};
    use axum::body::Body;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    use std::time::Duration;
    use tower::ServiceExt as _;

    async fn get(path: &str) -> (u16, String, Vec<u8>) {
        let state = AppState {
            upstream: Upstream::connect_lazy("http://127.0.0.1:9", Duration::from_secs(1)).unwrap(),
            tokens: Arc::new(TokenCache::new(10, Duration::from_secs(1))),
            draining: Arc::new(AtomicBool::new(false)),
            metrics: None,
            formsonfire: crate::FormsOnFireLimits::default(),
            surecloud: crate::SureCloudLimits::default(),
        };
        let res = router(&state, 1024)
            .oneshot(http::Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status().as_u16();
        let ct = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        (status, ct, body)
    }

    #[tokio::test]
    async fn the_spec_is_openapi_3_1_with_every_dialects_security_scheme() {
        let (status, ct, body) = get("/openapi.json").await;
        assert_eq!((status, ct.as_str()), (200, "application/json"));
        let spec: serde_json::Value = serde_json::from_slice(&body).unwrap();
        std::fs::write(
            "/tmp/openapi.json",
            serde_json::to_string_pretty(&spec).unwrap(),
        )
        .ok();
        assert_eq!(spec["openapi"], "3.1.0");
        let security = spec["components"]["securitySchemes"].as_object().unwrap();
        for s in [
            super::schemes::CLOUDAPI,
            super::schemes::SURECLOUD,
            super::schemes::ELEMENTS,
            super::schemes::FORMSONFIRE_COMPANY,
            super::schemes::FORMSONFIRE_KEY,
        ] {
            assert!(security.contains_key(s), "{s}");
        }
        let users = &spec["paths"]["/{account}/users"];
        assert_eq!(users["get"]["operationId"], "cloudapi_ListUsers");
        assert_eq!(users["post"]["operationId"], "cloudapi_CreateUser");
        let patch = &spec["paths"]["/restful/v1/user"]["patch"];
        assert_eq!(patch["operationId"], "surecloud_PatchUsers");
        assert_eq!(
            patch["security"][0]["surecloud_bearer"],
            serde_json::json!([])
        );
        for status in [
            "200", "400", "401", "403", "406", "413", "415", "500", "503",
        ] {
            assert!(patch["responses"][status].is_object(), "PATCH {status}");
        }
        assert_eq!(
            spec["paths"]["/restful/v1/token"]["post"]["operationId"],
            "surecloud_CreateToken"
        );
        // Every `$ref` names a schema that is there.
        let text = serde_json::to_string(&spec).unwrap();
        let schemas = spec["components"]["schemas"].as_object().unwrap();
        for r in text.split("\"#/components/schemas/").skip(1) {
            let name = r.split('"').next().unwrap();
            assert!(schemas.contains_key(name), "dangling $ref {name}");
        }
    }

    #[tokio::test]
    async fn swagger_ui_is_served_from_the_binary() {
        let (status, ct, body) = get("/docs/").await;
        assert_eq!(status, 200);
        assert!(ct.starts_with("text/html"), "{ct}");
        let html = String::from_utf8(body).unwrap();
        assert!(html.contains("swagger-ui"), "{html}");
        let (status, ct, body) = get("/docs/swagger-ui-bundle.js").await;
        assert_eq!(status, 200);
        assert!(ct.contains("javascript"), "{ct}");
        assert!(body.len() > 100_000, "the bundle itself, not a CDN link");
        let (status, _, body) = get("/docs/swagger-initializer.js").await;
        assert_eq!(status, 200);
        assert!(String::from_utf8(body).unwrap().contains("/openapi.json"));
    }
}
