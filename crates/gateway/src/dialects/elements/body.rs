//! Request bodies: JSON only (415 otherwise), refused with Cloud Elements' error body, and the
//! fields create and PATCH accept.

use super::error::ElementsError;
use crate::session::body::{self, BodyError, BodyRules, Media};
use axum::extract::{FromRequest, Request};
use http::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

/// A JSON body of type `T`. A body without a Content-Type is read as JSON.
#[derive(Debug)]
pub(crate) struct Body<T>(pub(crate) T);

/// What the dialect reads: JSON, up to 1 MiB.
const RULES: BodyRules = BodyRules {
    untyped: Some(Media::Json),
    ..BodyRules::json(1024 * 1024)
};

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ElementsError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        body::media_type(&parts.headers, &RULES).map_err(|_| {
            ElementsError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "The request body must be application/json",
            )
        })?;
        let bytes = body::read(body, &RULES).await.map_err(|e| match e {
            BodyError::TooLarge(_) => ElementsError::bad_request("The request body is too large"),
            BodyError::Unreadable | BodyError::MediaType(_) => {
                ElementsError::bad_request("The request body could not be read")
            }
        })?;
        serde_json::from_slice(&bytes)
            .map(Self)
            .map_err(|e| ElementsError::bad_request(format!("Invalid JSON body: {e}")))
    }
}

/// `{"key": "admin"}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(as = elements::RoleRef)]
pub(crate) struct RoleRef {
    /// `org-admin`, `admin` or `org`.
    pub(crate) key: String,
}

/// `roles` in the shapes the vendor's pages show: an array of `{"key": ...}` (the field table),
/// or one such object (its PATCH description, "an object containing role assignment"). Any
/// other shape is refused, never read as no roles.
#[derive(Debug, Clone, Default)]
pub(crate) struct RoleRefs(pub(crate) Vec<RoleRef>);

/// The schema of [`RoleRefs`].
#[derive(Debug, ToSchema)]
#[serde(untagged)]
#[schema(as = elements::RoleRefs)]
#[allow(dead_code)] // described, never built
pub(crate) enum RoleRefsShape {
    Many(Vec<RoleRef>),
    One(RoleRef),
}

impl<'de> Deserialize<'de> for RoleRefs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde_json::Value as V;
        let one = |v: serde_json::Value| serde_json::from_value::<RoleRef>(v).ok();
        let refs = match V::deserialize(d)? {
            V::Array(items) => items.into_iter().map(one).collect(),
            v @ V::Object(_) => one(v).map(|r| vec![r]),
            V::Null | V::Bool(_) | V::Number(_) | V::String(_) => None,
        };
        refs.map(Self).ok_or_else(|| {
            serde::de::Error::custom(
                r#"roles must be an array of {"key": "<role>"} objects, or one such object"#,
            )
        })
    }
}

/// The writable fields of a user (create and PATCH). PATCH changes the fields it names, `""`
/// removing one; create needs `email`, `firstName` and `lastName` (`elements.NewUser`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = elements::UserBody)]
pub(crate) struct UserBody {
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    #[schema(format = Email)]
    pub(crate) email: Option<String>,
    /// 7 to 1024 characters; never echoed.
    #[schema(min_length = 7, max_length = 1024)]
    pub(crate) password: Option<String>,
    #[schema(value_type = Option<RoleRefsShape>)]
    pub(crate) roles: Option<RoleRefs>,
    /// One role key, as in the vendor's PATCH example (`"key": "admin"`); added to `roles`.
    pub(crate) key: Option<String>,
    pub(crate) active: Option<bool>,
    pub(crate) city: Option<String>,
    pub(crate) country: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) postal_code: Option<String>,
    pub(crate) state_province: Option<String>,
    pub(crate) street1: Option<String>,
    /// Must be empty: the whole street goes in `street1`.
    #[schema(pattern = r"^\s*$")]
    pub(crate) street2: Option<String>,
    pub(crate) external_id: Option<String>,
}

/// The core's password rule, checked here too so that a bad password is refused with the
/// dialect's own message before the request reaches the core (a PATCH sends the profile and
/// the password in one UpdateUser, which the core refuses whole).
pub(crate) fn check_password(p: &str) -> Result<(), ElementsError> {
    let n = p.chars().count();
    if (7..=1024).contains(&n) {
        Ok(())
    } else {
        Err(ElementsError::bad_request(
            "password must be 7 to 1024 characters long",
        ))
    }
}

impl UserBody {
    /// The role keys the body asks for (`roles`, then `key`), checked; `None` when it names
    /// none. `sys-admin` is 403 (only Cloud Elements itself grants it), any other unknown key
    /// 400.
    pub(crate) fn role_keys(&self) -> Result<Option<Vec<String>>, ElementsError> {
        if self.roles.is_none() && self.key.is_none() {
            return Ok(None);
        }
        let listed = self.roles.iter().flat_map(|r| &r.0).map(|r| r.key.as_str());
        let mut keys = Vec::new();
        for key in listed.chain(self.key.as_deref()) {
            let key = role_key(key)?;
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        Ok(Some(keys))
    }
}

pub(crate) fn role_key(key: &str) -> Result<String, ElementsError> {
    if key == "sys-admin" {
        return Err(ElementsError::forbidden(
            "The role sys-admin cannot be granted by an organization administrator",
        ));
    }
    if super::model::Role::of(key).is_none() {
        return Err(ElementsError::bad_request(format!(
            "No role with key '{key}': use org-admin, admin or org"
        )));
    }
    Ok(key.to_owned())
}
