//! The OpenAPI 3.1 description of every dialect, at `/openapi.json`, and Swagger UI at
//! `/docs`, served from the binary (the UI's assets are compiled in: it works offline).
//!
//! The description cannot drift from the routes: each dialect registers its routes through
//! `utoipa_axum`'s `routes!`, which takes the method and path from the handler's
//! `#[utoipa::path]` annotation, so a route exists exactly when its operation is described.

use axum::Router;
use std::collections::BTreeMap;
use utoipa::openapi::header::Header;
use utoipa::openapi::path::{Operation, Parameter, PathItem};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder};
use utoipa::openapi::{RefOr, Response};
use utoipa_swagger_ui::SwaggerUi;

/// Security scheme names, referenced by the dialects' operations.
pub(crate) mod schemes {
    pub(crate) const CLOUDAPI: &str = "cloudapi_signature";
    pub(crate) const SURECLOUD: &str = "surecloud_bearer";
    pub(crate) const ELEMENTS: &str = "elements_user_organization";
    pub(crate) const FORMSONFIRE_COMPANY: &str = "formsonfire_company_id";
    pub(crate) const FORMSONFIRE_KEY: &str = "formsonfire_integration_key";
    pub(crate) const SCIM: &str = "scim_bearer";
}

/// `doc` with `T`'s schema (and those it names) among its components: for the error bodies,
/// which appear only in hand-written responses that the routes do not collect.
pub(crate) fn with_schema<T: utoipa::ToSchema>(mut doc: OpenApi) -> OpenApi {
    let mut schemas = vec![(T::name().into_owned(), T::schema())];
    T::schemas(&mut schemas);
    let components = doc.components.get_or_insert_with(Default::default);
    components.schemas.extend(schemas);
    doc
}

/// `If-Match` on the writes that honour it (see `session::preconditions`).
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // described, never built
pub(crate) struct IfMatch {
    /// Write only if the user's `ETag` (from a read) is one of these, or `*`; otherwise 412
    /// and nothing changes.
    #[param(rename = "If-Match")]
    if_match: Option<String>,
}

/// What every operation of a dialect shares in the description, said once on its router
/// rather than on every handler.
#[derive(Default)]
#[allow(missing_debug_implementations)] // utoipa's parts are not Debug
pub(crate) struct Common {
    pub(crate) tag: &'static str,
    /// The security schemes every operation requires, all of them together.
    pub(crate) security: &'static [&'static str],
    /// Paths whose operations take no credential: they get the tag and nothing else.
    pub(crate) open: &'static [&'static str],
    /// Path parameters, put first on every operation whose path has them.
    pub(crate) path: Vec<Parameter>,
    /// Parameters after the operation's own.
    pub(crate) trailing: Vec<Parameter>,
    /// The error responses any operation may give.
    pub(crate) errors: BTreeMap<String, RefOr<Response>>,
    /// A header every response carries.
    pub(crate) header: Option<(&'static str, Header)>,
}

/// Adds what the operations of a dialect's `doc` share (see [`Common`]).
pub(crate) fn describe_dialect(doc: &mut OpenApi, common: &Common) {
    let requirement = common.security.iter().fold(None, |req, scheme| {
        Some(match req {
            None => SecurityRequirement::new(*scheme, Vec::<String>::new()),
            Some(r) => SecurityRequirement::add(r, *scheme, Vec::<String>::new()),
        })
    });
    for (path, item) in &mut doc.paths.paths {
        let open = common.open.contains(&path.as_str());
        let leading: Vec<Parameter> = common
            .path
            .iter()
            .filter(|p| path.contains(&format!("{{{}}}", p.name)))
            .cloned()
            .collect();
        for op in operations(item) {
            op.tags = Some(vec![common.tag.to_owned()]);
            if open {
                continue;
            }
            op.security = requirement.clone().map(|r| vec![r]);
            let own = op.parameters.take().unwrap_or_default();
            let all: Vec<RefOr<Parameter>> = leading
                .iter()
                .cloned()
                .map(RefOr::T)
                .chain(own)
                .chain(common.trailing.iter().cloned().map(RefOr::T))
                .collect();
            op.parameters = (!all.is_empty()).then_some(all);
            for (status, response) in &common.errors {
                op.responses
                    .responses
                    .entry(status.clone())
                    .or_insert_with(|| response.clone());
            }
            if let Some((name, header)) = &common.header {
                for response in op.responses.responses.values_mut() {
                    if let RefOr::T(r) = response {
                        r.headers
                            .entry((*name).to_owned())
                            .or_insert_with(|| RefOr::T(header.clone()));
                    }
                }
            }
        }
    }
}

/// The operations of a path.
fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .flatten()
}

/// Describes the operations at `from` again at `to`, a second path the same handlers serve:
/// each with the id `rename` makes of its own, and a summary that says which path it repeats.
pub(crate) fn alias(doc: &mut OpenApi, from: &str, to: &str, rename: impl Fn(&str) -> String) {
    let Some(mut item) = doc.paths.paths.get(from).cloned() else {
        return;
    };
    for (method, op) in ["GET", "PUT", "POST", "DELETE", "PATCH"]
        .into_iter()
        .zip([
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ])
        .filter_map(|(m, op)| Some((m, op.as_mut()?)))
    {
        op.operation_id = op.operation_id.as_deref().map(&rename);
        let summary = op.summary.take().unwrap_or_default();
        let summary = summary.trim_end_matches('.');
        op.summary = Some(format!("{summary} (as `{method} {from}`)."));
    }
    doc.paths.paths.insert(to.to_owned(), item);
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
            tag(
                "SCIM",
                "SCIM 2.0 (RFC 7643, 7644, 9865) for identity providers: users, groups, bulk.",
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
    components.add_security_scheme(
        schemes::SCIM,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "A tenant's provisioning token, from `roster scim-token issue`.",
                ))
                .build(),
        ),
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
        };
        let res = router(&state, &crate::GatewayConfig::new("http://127.0.0.1:9"))
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
            super::schemes::SCIM,
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

    /// `path` `method` is described under `tag`, with one security requirement naming
    /// exactly `schemes`, and with every status in `statuses`.
    #[track_caller]
    fn described(
        spec: &serde_json::Value,
        (method, path, tag): (&str, &str, &str),
        schemes: &[&str],
        statuses: &[&str],
    ) {
        let op = &spec["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not described");
        assert_eq!(op["tags"], serde_json::json!([tag]), "{method} {path}");
        let security = op["security"].as_array().expect("a security requirement");
        assert_eq!(security.len(), 1, "{method} {path}: {security:?}");
        let mut named: Vec<&str> = security[0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        named.sort_unstable();
        let mut want = schemes.to_vec();
        want.sort_unstable();
        assert_eq!(named, want, "{method} {path}");
        for s in statuses {
            assert!(
                op["responses"][s].is_object(),
                "{method} {path} does not describe {s}"
            );
        }
    }

    /// How many operations the spec describes under `prefix`.
    fn operations_under(spec: &serde_json::Value, prefix: &str) -> usize {
        spec["paths"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(p, _)| p.starts_with(prefix))
            .map(|(_, item)| item.as_object().unwrap().len())
            .sum()
    }

    async fn spec() -> serde_json::Value {
        let (_, _, body) = get("/openapi.json").await;
        serde_json::from_slice(&body).unwrap()
    }

    #[tokio::test]
    async fn every_cloud_elements_route_is_described_with_its_security_and_errors() {
        let spec = spec().await;
        let ce = "/elements/api-v2";
        let elements = [
            ("get", format!("{ce}/users")),
            ("post", format!("{ce}/users")),
            ("get", format!("{ce}/users/{{user}}")),
            ("patch", format!("{ce}/users/{{user}}")),
            ("delete", format!("{ce}/users/{{user}}")),
            ("get", format!("{ce}/users/{{user}}/roles")),
            ("put", format!("{ce}/users/{{user}}/roles/{{key}}")),
            ("delete", format!("{ce}/users/{{user}}/roles/{{key}}")),
            ("get", format!("{ce}/organizations/users")),
            ("post", format!("{ce}/organizations/users")),
            ("get", format!("{ce}/organizations/users/{{user}}")),
            ("patch", format!("{ce}/organizations/users/{{user}}")),
            ("delete", format!("{ce}/organizations/users/{{user}}")),
        ];
        for (method, path) in &elements {
            described(
                &spec,
                (method, path, "Cloud Elements"),
                &[super::schemes::ELEMENTS],
                &[
                    "200", "400", "401", "403", "404", "405", "409", "415", "429", "500", "503",
                ],
            );
            let error = &spec["paths"][path][method]["responses"]["404"];
            assert_eq!(
                error["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/elements.Error"
            );
            for status in ["200", "404"] {
                let headers = &spec["paths"][path][method]["responses"][status]["headers"];
                assert!(
                    headers["elements-request-id"].is_object(),
                    "{method} {path}"
                );
            }
        }
        for path in [format!("{ce}/users"), format!("{ce}/organizations/users")] {
            let ok = &spec["paths"][&path]["get"]["responses"]["200"];
            for h in ["elements-next-page-token", "elements-returned-count"] {
                assert!(ok["headers"][h].is_object(), "{path} {h}");
            }
            let params: Vec<&str> = spec["paths"][&path]["get"]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            assert_eq!(params, ["where", "nextPage", "pageSize", "includeInactive"]);
        }
        let get_user = &spec["paths"][format!("{ce}/users/{{user}}")]["get"]["parameters"];
        assert!(
            get_user
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "Elements-User-Password" && p["in"] == "header"),
            "{get_user}"
        );
        // Every described operation of the dialect is one listed above.
        assert_eq!(operations_under(&spec, ce), elements.len());
    }

    #[tokio::test]
    async fn every_forms_on_fire_route_is_described_with_its_security_and_both_formats() {
        let spec = spec().await;
        let fof = [
            ("get", "/api/v2/user"),
            ("post", "/api/v2/user"),
            ("put", "/api/v2/user"),
            ("delete", "/api/v2/user"),
            ("get", "/api/v2/user/search"),
        ];
        for (method, path) in fof {
            described(
                &spec,
                (method, path, "Forms On Fire"),
                &[
                    super::schemes::FORMSONFIRE_COMPANY,
                    super::schemes::FORMSONFIRE_KEY,
                ],
                &["200", "400", "401", "405", "429", "500", "503"],
            );
            let op = &spec["paths"][path][method];
            for status in ["200", "400", "405"] {
                for ct in ["application/json", "application/xml"] {
                    assert!(
                        op["responses"][status]["content"][ct].is_object(),
                        "{method} {path} {status} {ct}"
                    );
                }
            }
            assert_eq!(
                op["responses"]["405"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/formsonfire.ErrorResponse"
            );
            assert!(
                op["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["name"] == "format" && p["in"] == "query"),
                "{method} {path}"
            );
        }
        for (method, schema) in [("post", "NewUser"), ("put", "UserChange")] {
            let body = &spec["paths"]["/api/v2/user"][method]["requestBody"];
            assert_eq!(body["required"], true);
            for ct in ["application/json", "application/xml"] {
                assert_eq!(
                    body["content"][ct]["schema"]["$ref"],
                    format!("#/components/schemas/formsonfire.{schema}")
                );
            }
        }
        assert_eq!(
            spec["paths"]["/api/v2/user"]["delete"]["requestBody"]["required"],
            false
        );
        // Every described operation of the dialect is one listed above.
        assert_eq!(operations_under(&spec, "/api/v2/"), fof.len());
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
