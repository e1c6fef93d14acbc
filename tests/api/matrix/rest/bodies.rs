//! The bodies B sends to each dialect's writes: a `change` sent where the path names A's
//! resource (it would alter it, if the call reached it), and `naming` templates whose `{v}`
//! takes each of A's identifiers in turn (`{n}` makes B's own names unique).

use super::routes::Op;
use crate::support::scim::{BULK, GROUP, PATCH_OP, SEARCH, USER};
use serde_json::{Value, json};

#[derive(Debug, Default)]
pub(crate) struct Bodies {
    pub(crate) change: Option<Value>,
    pub(crate) naming: Vec<Value>,
    pub(crate) content_type: &'static str,
}

fn scim_patch(ops: &Value) -> Value {
    json!({"schemas": [PATCH_OP], "Operations": ops})
}

fn search(filters: &[&str]) -> Vec<Value> {
    let mut all: Vec<Value> = filters
        .iter()
        .map(|attr| json!({"schemas": [SEARCH], "filter": format!("{attr} eq \"{{v}}\"")}))
        .collect();
    all.push(json!({"schemas": [SEARCH], "cursor": "{v}", "count": 1}));
    all
}

/// What B sends to `op`; a write this table does not know gets a generic body naming A.
pub(crate) fn of(op: &Op, key_line: &str, own: &str) -> Bodies {
    let method = op.method.as_str();
    let t = op.template.as_str();
    let (change, naming) = match (op.tag.as_str(), method, t) {
        ("CloudAPI", "POST", "/{account}/users") => (
            json!({"login": "pwned{n}", "email": "pwned{n}@attacker.test", "password": "Pwned-Passw0rd1"}),
            vec![
                json!({"login": "{v}", "email": "b{n}@attacker.test", "password": "Pwned-Passw0rd1"}),
                json!({"login": "b{n}", "email": "{v}", "password": "Pwned-Passw0rd1"}),
            ],
        ),
        ("CloudAPI", "POST", "/{account}/users/{user}") => (
            json!({"firstName": "Pwned", "companyName": "Pwned"}),
            vec![json!({"email": "{v}"}), json!({"login": "{v}"})],
        ),
        ("CloudAPI", "POST", "/{account}/users/{user}/change_password") => (
            json!({"password": "Pwned-Passw0rd1", "password_confirmation": "Pwned-Passw0rd1"}),
            vec![json!({"password": "{v}", "password_confirmation": "{v}"})],
        ),
        ("CloudAPI", "POST", "/{account}/keys" | "/{account}/users/{user}/keys") => (
            json!({"name": "pwned{n}", "key": key_line}),
            vec![json!({"name": "{v}", "key": key_line})],
        ),
        ("CloudAPI", "POST", "/{account}/roles" | "/{account}/roles/{role}") => (
            json!({"name": "pwned{n}", "members": [], "policies": []}),
            vec![
                json!({"name": "b{n}", "members": [{"login": "{v}"}]}),
                json!({"name": "b{n}", "members": [{"id": "{v}"}]}),
                json!({"name": "b{n}", "policies": [{"name": "{v}"}]}),
                json!({"name": "b{n}", "policies": [{"id": "{v}"}]}),
                json!({"name": "{v}"}),
            ],
        ),
        ("CloudAPI", "POST", "/{account}/policies" | "/{account}/policies/{policy}") => (
            json!({"name": "pwned{n}", "rules": ["CAN *"]}),
            vec![json!({"name": "{v}", "rules": ["CAN getuser"]})],
        ),
        ("SureCloud", "PATCH", _) => (
            json!({"users": [{"email": "b{n}@attacker.test", "role": "CONTRIBUTOR"}]}),
            vec![
                json!({"users": [{"userID": "{v}", "name": "Pwned"}]}),
                json!({"users": [{"userID": "{v}", "email": "b{n}@attacker.test"}]}),
                json!({"users": [{"email": "{v}", "role": "CONTRIBUTOR"}]}),
                json!({"users": [{"email": "b{n}@attacker.test", "role": "CONTRIBUTOR", "groups": ["{v}"]}]}),
            ],
        ),
        ("SureCloud", "POST", _) => (
            json!({"email": "b{n}@attacker.test", "secretKey": "x"}),
            vec![
                json!({"email": "{v}", "secretKey": "{v}"}),
                json!({"email": "{v}", "secretKey": "x"}),
            ],
        ),
        ("Cloud Elements", "POST", _) => (
            json!({"email": "b{n}@attacker.test", "firstName": "B", "lastName": "N"}),
            vec![
                json!({"email": "{v}", "firstName": "B", "lastName": "N"}),
                json!({"email": "b{n}@attacker.test", "firstName": "B", "lastName": "N", "id": "{v}"}),
            ],
        ),
        ("Cloud Elements", "PATCH", _) => (
            json!({"firstName": "Pwned", "active": false}),
            vec![json!({"email": "{v}"}), json!({"id": "{v}"})],
        ),
        ("Forms On Fire", "POST", _) => {
            let new = |k: &str| json!({"FirstName": "B", "LastName": "N", "Email": "b{n}@attacker.test", k: "{v}"});
            // Groups and folders by id, or by name or external id when the body says so.
            let in_list = |k: &str, flag: &str| json!({"FirstName": "B", "LastName": "N", "Email": "b{n}@attacker.test", k: ["{v}"], flag: true});
            (
                new("Comment"),
                vec![
                    json!({"FirstName": "B", "LastName": "N", "Email": "{v}"}),
                    new("Id"),
                    new("ExternalId"),
                    in_list("Groups", "UseNames"),
                    in_list("Groups", "UseExternalIds"),
                    in_list("Folders", "UseNames"),
                    in_list("Folders", "UseExternalIds"),
                ],
            )
        }
        ("Forms On Fire", "PUT", _) => (
            json!({"Id": "{v}", "FirstName": "Pwned"}),
            vec![
                json!({"Id": "{v}", "FirstName": "Pwned", "Status": "Disabled", "Groups": []}),
                json!({"Id": own, "Email": "{v}"}),
                json!({"Id": own, "ExternalId": "{v}"}),
                json!({"Id": own, "Groups": ["{v}"], "UseNames": true}),
                json!({"Id": own, "Folders": ["{v}"], "UseExternalIds": true}),
            ],
        ),
        ("Forms On Fire", "DELETE", _) => (json!({}), vec![json!({"Id": "{v}"})]),
        ("SCIM", "POST", t) if t.ends_with("/Users") => (
            json!({"schemas": [USER], "userName": "b{n}@attacker.test"}),
            vec![
                json!({"schemas": [USER], "userName": "{v}"}),
                json!({"schemas": [USER], "userName": "b{n}@attacker.test", "externalId": "{v}"}),
                json!({"schemas": [USER], "userName": "b{n}@attacker.test", "id": "{v}", "groups": [{"value": "{v}"}]}),
            ],
        ),
        ("SCIM", "POST", t) if t.ends_with("/Groups") => (
            json!({"schemas": [GROUP], "displayName": "b{n}"}),
            vec![
                json!({"schemas": [GROUP], "displayName": "b{n}", "members": [{"value": "{v}"}]}),
                json!({"schemas": [GROUP], "displayName": "{v}"}),
                json!({"schemas": [GROUP], "displayName": "b{n}", "externalId": "{v}"}),
            ],
        ),
        ("SCIM", "PUT", t) if t.contains("/Users/") => (
            json!({"schemas": [USER], "userName": "pwned{n}@attacker.test", "displayName": "Pwned", "active": false}),
            vec![
                json!({"schemas": [USER], "userName": "{v}"}),
                json!({"schemas": [USER], "userName": "own@attacker.test", "externalId": "{v}"}),
            ],
        ),
        ("SCIM", "PATCH", t) if t.contains("/Users/") => (
            scim_patch(
                &json!([{"op": "replace", "path": "displayName", "value": "Pwned"},
                              {"op": "replace", "path": "active", "value": false}]),
            ),
            vec![
                scim_patch(&json!([{"op": "replace", "path": "userName", "value": "{v}"}])),
                scim_patch(&json!([{"op": "replace", "path": "externalId", "value": "{v}"}])),
            ],
        ),
        ("SCIM", "PUT", t) if t.contains("/Groups/") => (
            json!({"schemas": [GROUP], "displayName": "Pwned", "members": []}),
            vec![json!({"schemas": [GROUP], "displayName": "Own", "members": [{"value": "{v}"}]})],
        ),
        ("SCIM", "PATCH", t) if t.contains("/Groups/") => (
            scim_patch(&json!([{"op": "remove", "path": "members"},
                              {"op": "replace", "path": "displayName", "value": "Pwned"}])),
            vec![
                scim_patch(&json!([{"op": "add", "path": "members", "value": [{"value": "{v}"}]}])),
                scim_patch(&json!([{"op": "remove", "path": "members[value eq \"{v}\"]"}])),
            ],
        ),
        ("SCIM", "POST", t) if t.ends_with("/Groups/.search") => (
            json!({"schemas": [SEARCH]}),
            search(&["displayName", "id", "externalId", "members.value"]),
        ),
        ("SCIM", "POST", t) if t.ends_with(".search") => (
            json!({"schemas": [SEARCH]}),
            search(&[
                "userName",
                "id",
                "externalId",
                "emails.value",
                "displayName",
            ]),
        ),
        ("SCIM", "POST", t) if t.ends_with("/Bulk") => (
            json!({"schemas": [BULK], "Operations": []}),
            vec![json!({"schemas": [BULK], "Operations": [
                {"method": "DELETE", "path": "/Users/{v}"},
                {"method": "PATCH", "path": "/Groups/{v}",
                 "data": scim_patch(&json!([{"op": "remove", "path": "members"}]))},
                {"method": "PUT", "path": "/Users/{v}",
                 "data": {"schemas": [USER], "userName": "pwned{n}@attacker.test"}},
                {"method": "POST", "path": "/Groups", "bulkId": "g{n}",
                 "data": {"schemas": [GROUP], "displayName": "b{n}", "members": [{"value": "{v}"}]}},
            ]})],
        ),
        // A write nobody described here yet: still sent, with a body that names A.
        (_, "GET" | "DELETE", _) => return Bodies::default(),
        _ => (
            json!({"name": "Pwned"}),
            vec![json!({"id": "{v}", "name": "{v}"})],
        ),
    };
    Bodies {
        change: Some(change),
        naming,
        content_type: if op.tag == "SCIM" {
            "application/scim+json"
        } else {
            "application/json"
        },
    }
}

/// `template` with `{v}` and `{n}` in its strings replaced.
pub(crate) fn fill(template: &Value, v: &str, n: usize) -> Value {
    match template {
        Value::String(s) => Value::String(s.replace("{v}", v).replace("{n}", &n.to_string())),
        Value::Array(a) => Value::Array(a.iter().map(|x| fill(x, v, n)).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, x)| (k.clone(), fill(x, v, n))).collect())
        }
        other @ (Value::Null | Value::Bool(_) | Value::Number(_)) => other.clone(),
    }
}
