//! A SCIM User ⇄ Roster's user. Every attribute Roster has a column for is that column
//! (`userName` ⇄ login, the primary email ⇄ email, `name.givenName` ⇄ first name, …); the
//! rest of the core schema and of the enterprise extension is kept as the user's metadata
//! under `scim:<attribute>` (text as it is, multi-valued attributes as JSON), so that what an
//! identity provider wrote is what it reads back. The full mapping is in docs/dialects/scim.md.

use super::error::ScimError;
use super::time::rfc3339;
use super::urn;
use roster_proto::v1 as pb;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The prefix of the metadata keys SCIM keeps its attributes under.
pub(crate) const META_PREFIX: &str = "scim:";

/// The domain of the address a user gets when SCIM gives it none: Roster's users need an
/// email, and SCIM's do not. `.invalid` is reserved (RFC 2606): no real address has it, so
/// such an address is never shown as one of the user's `emails`, and nothing can be sent
/// to it.
const NO_EMAIL_DOMAIN: &str = "@no-email.invalid";

/// A fresh stand-in address for a user without one (unique, as emails must be).
fn no_email() -> String {
    format!("{}{NO_EMAIL_DOMAIN}", uuid::Uuid::new_v4().simple())
}

/// Whether `email` is such a stand-in.
pub(crate) fn is_no_email(email: &str) -> bool {
    email.to_ascii_lowercase().ends_with(NO_EMAIL_DOMAIN)
}

/// Core attributes kept as metadata text, by their path.
pub(crate) const TEXT_META: &[&str] = &[
    "nickName",
    "userType",
    "locale",
    "preferredLanguage",
    "profileUrl",
    "name.formatted",
    "name.middleName",
    "name.honorificPrefix",
    "name.honorificSuffix",
];

/// Multi-valued attributes kept as metadata JSON. `emails`, `phoneNumbers` and `addresses`
/// are kept only when they say more than their column (see [`trivial`]).
const LIST_META: &[&str] = &[
    "emails",
    "phoneNumbers",
    "addresses",
    "ims",
    "photos",
    "entitlements",
    "roles",
    "x509Certificates",
];

/// Enterprise extension attributes kept as metadata text (`organization` is the company
/// column; `manager` keeps its `value`).
pub(crate) const ENTERPRISE_META: &[&str] = &[
    "employeeNumber",
    "costCenter",
    "division",
    "department",
    "manager",
];

/// The sub-attributes of an address that are columns.
const ADDRESS_COLUMNS: [&str; 5] = [
    "streetAddress",
    "locality",
    "region",
    "postalCode",
    "country",
];

/// Every attribute name of a User and of its complex attributes, as the RFC spells it:
/// names are matched without case (RFC 7643 §2.1) and written this way.
const NAMES: &[&str] = &[
    "schemas",
    "id",
    "externalId",
    "meta",
    "userName",
    "name",
    "formatted",
    "familyName",
    "givenName",
    "middleName",
    "honorificPrefix",
    "honorificSuffix",
    "displayName",
    "nickName",
    "profileUrl",
    "title",
    "userType",
    "preferredLanguage",
    "locale",
    "timezone",
    "active",
    "password",
    "emails",
    "phoneNumbers",
    "ims",
    "photos",
    "addresses",
    "groups",
    "entitlements",
    "roles",
    "x509Certificates",
    "value",
    "display",
    "type",
    "primary",
    "$ref",
    "streetAddress",
    "locality",
    "region",
    "postalCode",
    "country",
    "employeeNumber",
    "costCenter",
    "organization",
    "division",
    "department",
    "manager",
    "members",
    "resourceType",
    "created",
    "lastModified",
    "location",
    "version",
];

/// `name` as the RFC spells it, if it is an attribute name (without case).
pub(crate) fn canonical_name(name: &str) -> Option<&'static str> {
    NAMES.iter().copied().find(|n| n.eq_ignore_ascii_case(name))
}

/// `v` with every known attribute name spelled as the RFC does, and the enterprise
/// extension's key as its URN, at every level.
pub(crate) fn canonical(v: Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v)| {
                    let k = if k.eq_ignore_ascii_case(urn::ENTERPRISE) {
                        urn::ENTERPRISE.to_owned()
                    } else {
                        canonical_name(&k).map_or(k, str::to_owned)
                    };
                    (k, canonical(v))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(canonical).collect()),
        other @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)) => other,
    }
}

/// A boolean as identity providers send it: `true`, or `"True"` (Microsoft Entra ID).
pub(crate) use super::filter::as_bool as boolean;

/// What a SCIM User document asks Roster's user to be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Desired {
    pub(crate) login: String,
    /// `None` when the document gives no email (nor a userName that is one).
    pub(crate) email: Option<String>,
    pub(crate) external_id: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) display_name: Option<String>,
    pub(crate) job_title: Option<String>,
    pub(crate) time_zone: Option<String>,
    pub(crate) company_name: Option<String>,
    pub(crate) address: Option<String>,
    pub(crate) city: Option<String>,
    pub(crate) state: Option<String>,
    pub(crate) postal_code: Option<String>,
    pub(crate) country: Option<String>,
    pub(crate) phone: Option<String>,
    /// `None`: unassigned; a new user is then active, an existing one invited.
    pub(crate) active: Option<bool>,
    pub(crate) password: Option<String>,
    /// The `scim:*` metadata entries, by key.
    pub(crate) meta: BTreeMap<String, String>,
}

fn text(o: &Map<String, Value>, key: &str, path: &str) -> Result<Option<String>, ScimError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ScimError::invalid_value(format!("{path} must be a string"))),
    }
}

fn object<'a>(
    o: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a Map<String, Value>>, ScimError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(ScimError::invalid_value(format!("{key} must be an object"))),
    }
}

/// A multi-valued complex attribute: its values (with `primary` as a boolean), and which one
/// is primary (the one flagged, else the first).
fn values(o: &Map<String, Value>, key: &str) -> Result<(Vec<Value>, Option<usize>), ScimError> {
    let items = match o.get(key) {
        None | Some(Value::Null) => return Ok((Vec::new(), None)),
        Some(Value::Array(a)) => a.clone(),
        // A single value where a list belongs is read as a list of one.
        Some(Value::Object(m)) => vec![Value::Object(m.clone())],
        Some(_) => return Err(ScimError::invalid_value(format!("{key} must be a list"))),
    };
    let mut out = Vec::with_capacity(items.len());
    let mut primary = None;
    for (i, item) in items.into_iter().enumerate() {
        let Value::Object(mut m) = item else {
            return Err(ScimError::invalid_value(format!(
                "{key}[{i}] must be an object"
            )));
        };
        if let Some(p) = m.get("primary") {
            let p = boolean(p).ok_or_else(|| {
                ScimError::invalid_value(format!("{key}[{i}].primary must be a boolean"))
            })?;
            m.insert("primary".to_owned(), Value::Bool(p));
            if p {
                if primary.is_some() {
                    return Err(ScimError::invalid_value(format!(
                        "{key}: at most one value may be primary"
                    )));
                }
                primary = Some(i);
            }
        }
        out.push(Value::Object(m));
    }
    let primary = primary.or((!out.is_empty()).then_some(0));
    Ok((out, primary))
}

/// Whether a multi-valued attribute says nothing beyond its primary value's columns: one
/// value, flagged primary, with only column sub-attributes. Such a list is not kept (it is
/// rendered back from the columns), so reading a user back and writing it is not a change.
fn trivial(items: &[Value], columns: &[&str]) -> bool {
    match items {
        [Value::Object(m)] => {
            m.get("primary") == Some(&Value::Bool(true))
                && m.keys()
                    .all(|k| k == "primary" || columns.contains(&k.as_str()))
        }
        _ => false,
    }
}

fn sub_text(item: Option<&Value>, key: &str) -> Result<Option<String>, ScimError> {
    match item {
        Some(Value::Object(m)) => text(m, key, key),
        _ => Ok(None),
    }
}

impl Desired {
    /// What the User document `doc` (already [`canonical`]) asks for: every attribute it
    /// leaves out is to be unset, as a PUT means.
    pub(crate) fn from_doc(doc: &Value) -> Result<Self, ScimError> {
        let o = doc
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("A User must be a JSON object"))?;
        let mut d = Self {
            login: text(o, "userName", "userName")?
                .ok_or_else(|| ScimError::invalid_value("userName is required"))?,
            external_id: text(o, "externalId", "externalId")?,
            display_name: text(o, "displayName", "displayName")?,
            job_title: text(o, "title", "title")?,
            time_zone: text(o, "timezone", "timezone")?,
            password: text(o, "password", "password")?,
            ..Self::default()
        };
        if let Some(v) = o.get("active").filter(|v| !v.is_null()) {
            d.active = Some(
                boolean(v).ok_or_else(|| ScimError::invalid_value("active must be a boolean"))?,
            );
        }
        let name = object(o, "name")?;
        if let Some(name) = name {
            d.first_name = text(name, "givenName", "name.givenName")?;
            d.last_name = text(name, "familyName", "name.familyName")?;
        }
        for path in TEXT_META {
            let value = match path.split_once('.') {
                Some((_, sub)) => match name {
                    Some(n) => text(n, sub, path)?,
                    None => None,
                },
                None => text(o, path, path)?,
            };
            if let Some(v) = value {
                d.meta.insert(format!("{META_PREFIX}{path}"), v);
            }
        }
        d.lists(o)?;
        if let Some(ext) = object(o, urn::ENTERPRISE)? {
            d.enterprise(ext)?;
        }
        if d.email.is_none() && d.login.contains('@') {
            d.email = Some(d.login.clone());
        }
        Ok(d)
    }

    fn lists(&mut self, o: &Map<String, Value>) -> Result<(), ScimError> {
        for key in LIST_META {
            let (items, primary) = values(o, key)?;
            let first = primary.and_then(|i| items.get(i));
            let columns: &[&str] = match *key {
                "emails" => {
                    self.email = sub_text(first, "value")?;
                    &["value"]
                }
                "phoneNumbers" => {
                    self.phone = sub_text(first, "value")?;
                    &["value"]
                }
                "addresses" => {
                    self.address = sub_text(first, "streetAddress")?;
                    self.city = sub_text(first, "locality")?;
                    self.state = sub_text(first, "region")?;
                    self.postal_code = sub_text(first, "postalCode")?;
                    self.country = sub_text(first, "country")?;
                    &ADDRESS_COLUMNS
                }
                _ => &[],
            };
            if items.is_empty() || (!columns.is_empty() && trivial(&items, columns)) {
                continue;
            }
            self.meta.insert(
                format!("{META_PREFIX}{key}"),
                Value::Array(items).to_string(),
            );
        }
        Ok(())
    }

    fn enterprise(&mut self, ext: &Map<String, Value>) -> Result<(), ScimError> {
        self.company_name = text(ext, "organization", "organization")?;
        for key in ENTERPRISE_META {
            let value = match (*key, ext.get(*key)) {
                // Microsoft Entra ID sends the manager as a bare id.
                ("manager", Some(Value::Object(m))) => text(m, "value", "manager.value")?,
                _ => text(ext, key, key)?,
            };
            if let Some(v) = value {
                self.meta
                    .insert(format!("{META_PREFIX}enterprise:{key}"), v);
            }
        }
        Ok(())
    }

    /// The user to create.
    pub(crate) fn to_new_user(&self) -> pb::User {
        let mut u = pb::User::default();
        self.fill(&mut u);
        u.status = if self.active.unwrap_or(true) {
            pb::UserStatus::Active
        } else {
            pb::UserStatus::Disabled
        }
        .into();
        u.metadata = self.meta.clone().into_iter().collect();
        u
    }

    fn fill(&self, u: &mut pb::User) {
        u.login.clone_from(&self.login);
        u.email = self.email.clone().unwrap_or_else(no_email);
        for (to, from) in self.columns_mut(u) {
            *to = from;
        }
    }

    /// Each optional column of `u` beside the value asked for.
    fn columns_mut<'u>(
        &self,
        u: &'u mut pb::User,
    ) -> [(&'u mut Option<String>, Option<String>); 13] {
        [
            (&mut u.external_id, self.external_id.clone()),
            (&mut u.first_name, self.first_name.clone()),
            (&mut u.last_name, self.last_name.clone()),
            (&mut u.display_name, self.display_name.clone()),
            (&mut u.job_title, self.job_title.clone()),
            (&mut u.time_zone, self.time_zone.clone()),
            (&mut u.company_name, self.company_name.clone()),
            (&mut u.address, self.address.clone()),
            (&mut u.city, self.city.clone()),
            (&mut u.state, self.state.clone()),
            (&mut u.postal_code, self.postal_code.clone()),
            (&mut u.country, self.country.clone()),
            (&mut u.phone, self.phone.clone()),
        ]
    }

    /// The update that makes `current` what is asked: the user with the new values and the
    /// mask of what differs (empty when nothing does).
    pub(crate) fn changes_to(&self, current: &pb::User) -> (pb::User, Vec<String>) {
        const COLUMN_PATHS: [&str; 13] = [
            "external_id",
            "first_name",
            "last_name",
            "display_name",
            "job_title",
            "time_zone",
            "company_name",
            "address",
            "city",
            "state",
            "postal_code",
            "country",
            "phone",
        ];
        let mut next = pb::User {
            id: current.id.clone(),
            ..pb::User::default()
        };
        let mut paths = Vec::new();
        let before = Self::columns_of(current);
        for ((to, from), (path, was)) in self
            .columns_mut(&mut next)
            .into_iter()
            .zip(COLUMN_PATHS.into_iter().zip(before))
        {
            if from != was {
                paths.push(path.to_owned());
            }
            *to = from;
        }
        // Without an email asked for, a stand-in stays as it is; a real one is replaced.
        let email = match &self.email {
            Some(e) => Some(e.clone()),
            None if is_no_email(&current.email) => None,
            None => Some(no_email()),
        };
        let email_changes = email
            .as_ref()
            .is_some_and(|e| !e.eq_ignore_ascii_case(&current.email));
        if let Some(e) = email.filter(|_| email_changes) {
            next.email = e;
            paths.push("email".to_owned());
        }
        // A login that is the email follows it unless the login is named: name it whenever
        // the email changes, so that userName stays what was asked.
        if self.login != current.login || email_changes {
            next.login.clone_from(&self.login);
            paths.push("login".to_owned());
        }
        // `active` unassigned (left out, or removed) is Roster's INVITED: neither active nor
        // deactivated.
        let status = match self.active {
            Some(true) => pb::UserStatus::Active,
            Some(false) => pb::UserStatus::Disabled,
            None => pb::UserStatus::Invited,
        };
        if current.status != status as i32 {
            next.status = status.into();
            paths.push("status".to_owned());
        }
        let old = current
            .metadata
            .iter()
            .filter(|(k, _)| k.starts_with(META_PREFIX));
        for (k, v) in old {
            if self.meta.get(k) != Some(v) {
                paths.push(format!("metadata.{k}"));
            }
        }
        for (k, v) in &self.meta {
            if current.metadata.get(k) != Some(v) {
                paths.push(format!("metadata.{k}"));
                next.metadata.insert(k.clone(), v.clone());
            }
        }
        paths.dedup();
        (next, paths)
    }

    fn columns_of(u: &pb::User) -> [Option<String>; 13] {
        [
            u.external_id.clone(),
            u.first_name.clone(),
            u.last_name.clone(),
            u.display_name.clone(),
            u.job_title.clone(),
            u.time_zone.clone(),
            u.company_name.clone(),
            u.address.clone(),
            u.city.clone(),
            u.state.clone(),
            u.postal_code.clone(),
            u.country.clone(),
            u.phone.clone(),
        ]
    }
}

/// A sub-attribute that is a column, and the column's value.
type Column<'a> = (&'a str, Option<&'a String>);

/// A stored multi-valued attribute with its primary value's columns put back: the columns
/// are the truth (another dialect may have changed them since).
fn merged(stored: Option<&String>, columns: &[Column<'_>]) -> Vec<Value> {
    let mut items: Vec<Value> = stored
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    let any_column = columns.iter().any(|(_, v)| v.is_some());
    let primary = items
        .iter()
        .position(|i| i.get("primary") == Some(&Value::Bool(true)))
        .or((!items.is_empty()).then_some(0));
    match primary {
        Some(i) if any_column => {
            if let Some(Value::Object(m)) = items.get_mut(i) {
                for (k, v) in columns {
                    match v {
                        Some(v) => m.insert((*k).to_owned(), Value::String((*v).clone())),
                        None => m.remove(*k),
                    };
                }
            }
        }
        Some(i) => {
            items.remove(i);
        }
        None if any_column => {
            let mut m = Map::new();
            for (k, v) in columns {
                if let Some(v) = v {
                    m.insert((*k).to_owned(), Value::String((*v).clone()));
                }
            }
            m.insert("primary".to_owned(), Value::Bool(true));
            items.push(Value::Object(m));
        }
        None => {}
    }
    items
}

fn put_text(o: &mut Map<String, Value>, key: &str, v: Option<&String>) {
    if let Some(v) = v.filter(|v| !v.is_empty()) {
        o.insert(key.to_owned(), Value::String(v.clone()));
    }
}

/// The enterprise extension's attributes of `u` (empty when it has none).
fn enterprise_of(u: &pb::User, base: &str) -> Map<String, Value> {
    let meta = |k: &str| u.metadata.get(&format!("{META_PREFIX}{k}"));
    let mut ext = Map::new();
    put_text(&mut ext, "organization", u.company_name.as_ref());
    for key in ENTERPRISE_META {
        let Some(v) = meta(&format!("enterprise:{key}")) else {
            continue;
        };
        if *key == "manager" {
            ext.insert(
                "manager".to_owned(),
                json!({ "value": v, "$ref": format!("{base}/Users/{v}") }),
            );
        } else {
            ext.insert((*key).to_owned(), Value::String(v.clone()));
        }
    }
    ext
}

/// The SCIM User of `u`, whole (projection comes after); `base` is the SCIM base URL.
pub(crate) fn render(u: &pb::User, base: &str) -> Value {
    let meta = |k: &str| u.metadata.get(&format!("{META_PREFIX}{k}"));
    let mut o = Map::new();
    o.insert("id".to_owned(), json!(u.id));
    put_text(&mut o, "externalId", u.external_id.as_ref());
    o.insert("userName".to_owned(), json!(u.login));
    let mut name = Map::new();
    put_text(&mut name, "givenName", u.first_name.as_ref());
    put_text(&mut name, "familyName", u.last_name.as_ref());
    for path in TEXT_META {
        match path.split_once('.') {
            Some((_, sub)) => put_text(&mut name, sub, meta(path)),
            None => put_text(&mut o, path, meta(path)),
        }
    }
    if !name.is_empty() {
        o.insert("name".to_owned(), Value::Object(name));
    }
    put_text(&mut o, "displayName", u.display_name.as_ref());
    put_text(&mut o, "title", u.job_title.as_ref());
    put_text(&mut o, "timezone", u.time_zone.as_ref());
    // An invited user (not yet active, nor deactivated) has `active` unassigned.
    match pb::UserStatus::try_from(u.status) {
        Ok(pb::UserStatus::Active) => {
            o.insert("active".to_owned(), Value::Bool(true));
        }
        Ok(pb::UserStatus::Disabled) => {
            o.insert("active".to_owned(), Value::Bool(false));
        }
        Ok(pb::UserStatus::Invited | pb::UserStatus::Unspecified) | Err(_) => {}
    }
    let email = Some(&u.email).filter(|e| !e.is_empty() && !is_no_email(e));
    let lists: [(&str, Vec<Column<'_>>); 3] = [
        ("emails", vec![("value", email)]),
        ("phoneNumbers", vec![("value", u.phone.as_ref())]),
        (
            "addresses",
            vec![
                ("streetAddress", u.address.as_ref()),
                ("locality", u.city.as_ref()),
                ("region", u.state.as_ref()),
                ("postalCode", u.postal_code.as_ref()),
                ("country", u.country.as_ref()),
            ],
        ),
    ];
    for (key, columns) in lists {
        let items = merged(meta(key), &columns);
        if !items.is_empty() {
            o.insert(key.to_owned(), Value::Array(items));
        }
    }
    for key in &LIST_META[3..] {
        if let Some(items) = meta(key).and_then(|s| serde_json::from_str::<Value>(s).ok()) {
            o.insert((*key).to_owned(), items);
        }
    }
    if !u.groups.is_empty() {
        let groups = u
            .groups
            .iter()
            .map(|g| {
                json!({
                    "value": g.id,
                    "$ref": format!("{base}/Groups/{}", g.id),
                    "display": g.name,
                    "type": "direct",
                })
            })
            .collect();
        o.insert("groups".to_owned(), Value::Array(groups));
    }
    let ext = enterprise_of(u, base);
    let mut schemas = vec![json!(urn::USER)];
    if !ext.is_empty() {
        schemas.push(json!(urn::ENTERPRISE));
        o.insert(urn::ENTERPRISE.to_owned(), Value::Object(ext));
    }
    o.insert("schemas".to_owned(), Value::Array(schemas));
    o.insert(
        "meta".to_owned(),
        json!({
            "resourceType": "User",
            "created": u.create_time.as_ref().map(rfc3339),
            "lastModified": u.update_time.as_ref().or(u.create_time.as_ref()).map(rfc3339),
            "location": format!("{base}/Users/{}", u.id),
            "version": u.etag,
        }),
    );
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(v: Value) -> Desired {
        Desired::from_doc(&canonical(v)).unwrap()
    }

    #[test]
    fn names_are_matched_without_case_and_booleans_may_be_strings() {
        let d = doc(json!({
            "UserName": "bjensen@example.com",
            "ACTIVE": "False",
            "Name": { "GivenName": "Barbara", "familyname": "Jensen" },
        }));
        assert_eq!(d.login, "bjensen@example.com");
        // A userName that is an email is the email when no emails are given.
        assert_eq!(d.email.as_deref(), Some("bjensen@example.com"));
        assert_eq!(d.active, Some(false));
        assert_eq!(d.first_name.as_deref(), Some("Barbara"));
        assert_eq!(d.last_name.as_deref(), Some("Jensen"));
    }

    #[test]
    fn a_user_without_any_email_gets_a_stand_in_that_is_never_shown() {
        let d = Desired::from_doc(&json!({ "userName": "bjensen" })).unwrap();
        assert_eq!(d.email, None);
        let mut u = d.to_new_user();
        assert!(is_no_email(&u.email), "{}", u.email);
        u.id = "6f0c2c42-24c4-4a8e-9a41-1d2c8f7c8a11".into();
        let rendered = render(&u, "http://h/scim/v2");
        assert!(rendered.get("emails").is_none(), "{rendered}");
        // Read back and written, nothing changes; an email given replaces the stand-in.
        let (_, paths) = Desired::from_doc(&rendered).unwrap().changes_to(&u);
        assert!(paths.is_empty(), "{paths:?}");
        let d = Desired::from_doc(
            &json!({ "userName": "bjensen", "emails": [{ "value": "b@x.test" }] }),
        );
        let (next, paths) = d.unwrap().changes_to(&u);
        assert_eq!(
            (next.email.as_str(), paths.contains(&"email".to_owned())),
            ("b@x.test", true)
        );
    }

    #[test]
    fn the_primary_email_is_the_column_and_the_list_is_kept_when_it_says_more() {
        let d = doc(json!({
            "userName": "bj",
            "emails": [
                { "value": "home@example.com", "type": "home" },
                { "value": "work@example.com", "type": "work", "primary": "True" },
            ],
        }));
        assert_eq!(d.email.as_deref(), Some("work@example.com"));
        let kept: Value = serde_json::from_str(&d.meta["scim:emails"]).unwrap();
        assert_eq!(kept[1]["primary"], true);
        // One primary value with only its column says nothing more: not kept.
        let d = doc(json!({
            "userName": "bj",
            "emails": [{ "value": "a@example.com", "primary": true }],
        }));
        assert!(!d.meta.contains_key("scim:emails"));
    }

    #[test]
    fn two_primary_values_are_refused() {
        let e = Desired::from_doc(&json!({
            "userName": "bj",
            "emails": [
                { "value": "a@example.com", "primary": true },
                { "value": "b@example.com", "primary": true },
            ],
        }))
        .unwrap_err();
        assert_eq!(e.status, 400);
    }

    fn user() -> pb::User {
        pb::User {
            id: "6f0c2c42-24c4-4a8e-9a41-1d2c8f7c8a11".into(),
            login: "bj".into(),
            email: "bj@example.com".into(),
            first_name: Some("Barbara".into()),
            phone: Some("555-1234".into()),
            city: Some("Hollywood".into()),
            status: pb::UserStatus::Active.into(),
            etag: "W/\"3\"".into(),
            metadata: [
                ("scim:nickName".to_owned(), "Babs".to_owned()),
                ("scim:enterprise:department".to_owned(), "Tour".to_owned()),
                ("scim:enterprise:manager".to_owned(), "m-1".to_owned()),
                ("other".to_owned(), "kept".to_owned()),
            ]
            .into_iter()
            .collect(),
            ..pb::User::default()
        }
    }

    #[test]
    fn rendering_then_reading_back_changes_nothing() {
        let u = user();
        let rendered = render(&u, "http://h/scim/v2");
        assert_eq!(
            rendered["emails"],
            json!([{ "value": "bj@example.com", "primary": true }])
        );
        assert_eq!(rendered["addresses"][0]["locality"], "Hollywood");
        assert_eq!(rendered[urn::ENTERPRISE]["department"], "Tour");
        assert_eq!(rendered[urn::ENTERPRISE]["manager"]["value"], "m-1");
        assert_eq!(rendered["meta"]["version"], "W/\"3\"");
        assert!(rendered.get("other").is_none());
        let (_, paths) = Desired::from_doc(&rendered).unwrap().changes_to(&u);
        assert!(paths.is_empty(), "{paths:?}");
    }

    #[test]
    fn a_replacement_names_what_differs_and_removes_what_is_gone() {
        let u = user();
        let (next, paths) = doc(json!({
            "userName": "bj",
            "emails": [{ "value": "new@example.com" }],
            "name": { "givenName": "Barbara" },
            "nickName": "B",
        }))
        .changes_to(&u);
        for p in [
            "email",
            "login",
            "phone",
            "city",
            "metadata.scim:nickName",
            "metadata.scim:enterprise:department",
            "metadata.scim:emails",
        ] {
            assert!(paths.contains(&p.to_owned()), "{p} in {paths:?}");
        }
        assert!(
            !paths
                .iter()
                .any(|p| p == "metadata.other" || p == "first_name")
        );
        assert_eq!(
            next.metadata.get("scim:nickName").map(String::as_str),
            Some("B")
        );
        assert!(!next.metadata.contains_key("scim:enterprise:department"));
    }
}
