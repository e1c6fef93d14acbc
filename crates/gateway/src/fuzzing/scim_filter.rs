//! A SCIM `filter` parameter or PATCH `path`.

use crate::dialects::scim::filter::{self, AttrPath};
use crate::dialects::scim::schema::{self, ENTERPRISE_USER_URN, GROUP_URN, Resource, USER_URN};
use serde_json::{Value, json};
use std::sync::LazyLock;

/// A user and a group for filters to be evaluated against (RFC 7643's examples).
static RESOURCES: LazyLock<(Value, Value)> = LazyLock::new(|| {
    let user = json!({
        "schemas": [USER_URN, ENTERPRISE_USER_URN],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "bjensen",
        "userName": "BJensen@Example.com",
        "name": {"formatted": "Ms. Barbara J Jensen III", "familyName": "Jensen",
                 "givenName": "Barbara"},
        "displayName": "",
        "title": "Tour Guide",
        "active": true,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
        ],
        "groups": [{"value": "e9e30dba-f08f-4109-8486-d5c6a331660a", "display": "Tour Guides"}],
        "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z",
                 "lastModified": "2011-05-13T04:42:34.5Z"},
        ENTERPRISE_USER_URN: {"department": "Tour Operations", "employeeNumber": "701984",
                              "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}},
    });
    let group = json!({
        "schemas": [GROUP_URN],
        "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
        "displayName": "Tour Guides",
        "members": [
            {"value": "2819c223-7f76-453a-919d-413861904646", "type": "User",
             "display": "Babs Jensen"},
            {"value": "902c246b-6245-4190-8e05-00816be7344a", "type": "Group"}
        ],
        "meta": {"resourceType": "Group", "created": "2010-01-23T04:56:22Z"},
    });
    (user, group)
});

/// The text as a filter and as a PATCH path, through everything a request does with either:
/// checked against both resource types, evaluated on a user and a group, translated into
/// the contract's user filter, and (for a path) its value filter checked and evaluated on
/// the elements of the attribute it names. An error must point inside the text.
pub fn scim_filter(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let end = text.chars().count().min(filter::MAX_LENGTH);
    let (user, group) = &*RESOURCES;
    match filter::parse_filter(&text) {
        Ok(f) => {
            if filter::check(&f, Resource::User).is_ok() {
                let _ = filter::matches(&f, user, Resource::User);
            }
            if filter::check(&f, Resource::Group).is_ok() {
                let _ = filter::matches(&f, group, Resource::Group);
            }
            // Evaluation never depends on the check having passed.
            let _ = filter::matches(&f, user, Resource::Group);
            let _ = filter::matches(&f, group, Resource::User);
            let _ = filter::to_user_filter(&f);
            for (resource, attr, doc) in [
                (Resource::User, "emails", &user["emails"][0]),
                (Resource::Group, "members", &group["members"][0]),
            ] {
                if let Some(parent) = schema::attribute(resource, &AttrPath::new(attr)) {
                    let _ = filter::check_value_filter(&f, parent);
                    let _ = filter::matches_value(&f, doc, parent);
                }
            }
        }
        Err(e) => assert!(e.at <= end, "{text:?}: {e} (the text ends at {end})"),
    }
    match filter::parse_path(&text) {
        Ok(p) => {
            let _ = schema::resolve(Resource::User, &p.path);
            let _ = schema::resolve(Resource::Group, &p.path);
            let Some(f) = p.filter else { return };
            for (resource, doc) in [(Resource::User, user), (Resource::Group, group)] {
                let Some(parent) = schema::attribute(resource, &AttrPath::new(&p.path.name)) else {
                    continue;
                };
                if filter::check_value_filter(&f, parent).is_err() {
                    continue;
                }
                let items = doc
                    .as_object()
                    .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case(&p.path.name)))
                    .and_then(|(_, v)| v.as_array());
                for item in items.into_iter().flatten() {
                    let _ = filter::matches_value(&f, item, parent);
                }
            }
        }
        Err(e) => assert!(e.at <= end, "{text:?}: {e} (the text ends at {end})"),
    }
}
