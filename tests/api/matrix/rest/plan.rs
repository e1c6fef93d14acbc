//! The calls B makes to one operation: each path parameter, query parameter and header the
//! description lists, and each body template, in turn given A's identifiers of the kinds
//! that parameter takes (every kind, for a parameter this table does not know).

use super::attacker::{Attacker, Call};
use super::bodies::{self, fill};
use super::routes::Op;
use super::victim::{Kind, Victim};

/// Query parameters that name nothing of A's: the answer's format, and which attributes or
/// order a listing has.
pub(crate) const NAMING_NOTHING: &[&str] = &[
    "format",
    "attributes",
    "excludedAttributes",
    "sortBy",
    "sortOrder",
    "includeInactive",
    "IncludeDeletedUserAudits",
    "UseNames",
    "UseExternalIds",
];

const USER: &[Kind] = &[
    Kind::UserId,
    Kind::OwnerId,
    Kind::Number,
    Kind::Login,
    Kind::Email,
    Kind::ExternalId,
];

/// Which of A's identifiers a body template is given: a role's or a group's members take
/// A's users (and its group), a role's policies A's policies and roles; others every kind.
fn template_kinds(template: &serde_json::Value) -> Option<&'static [Kind]> {
    let names = |key: &str| {
        template
            .get(key)
            .is_some_and(|m| m.to_string().contains("{v}"))
    };
    if names("members") {
        Some(&[
            Kind::UserId,
            Kind::OwnerId,
            Kind::Number,
            Kind::Login,
            Kind::Email,
            Kind::ExternalId,
            Kind::GroupId,
        ])
    } else if names("policies") {
        Some(&[
            Kind::PolicyId,
            Kind::PolicyName,
            Kind::RoleId,
            Kind::RoleName,
        ])
    } else {
        None
    }
}

/// Which of A's identifiers a path parameter is given.
fn path_kinds(name: &str) -> Option<&'static [Kind]> {
    Some(match name {
        "account" => &[Kind::Tenant, Kind::Company],
        "user" => USER,
        "key" => &[
            Kind::Fingerprint,
            Kind::KeyName,
            Kind::RoleName,
            Kind::RoleId,
        ],
        "role" | "policy" => &[
            Kind::RoleId,
            Kind::RoleName,
            Kind::PolicyId,
            Kind::PolicyName,
        ],
        "id" => &[
            Kind::UserId,
            Kind::OwnerId,
            Kind::GroupId,
            Kind::GroupPath,
            Kind::ExternalId,
            Kind::Login,
            Kind::Email,
            Kind::FolderId,
        ],
        _ => return None,
    })
}

/// What a query parameter is given: filters written in the dialect's language, tokens,
/// identifiers, and words that only A's data holds (a search by substring must find none).
fn query_values(name: &str, v: &Victim) -> Vec<String> {
    let lower = name.to_ascii_lowercase();
    let ids = || {
        v.named(&[
            Kind::Email,
            Kind::Login,
            Kind::ExternalId,
            Kind::UserId,
            Kind::GroupId,
            Kind::GroupPath,
        ])
    };
    match lower.as_str() {
        _ if NAMING_NOTHING.iter().any(|n| n.eq_ignore_ascii_case(name)) => vec![],
        "filter" => [
            "userName",
            "emails.value",
            "externalId",
            "id",
            "displayName",
            "members.value",
        ]
        .iter()
        .flat_map(|attr| ids().into_iter().map(move |x| format!("{attr} eq \"{x}\"")))
        .chain([
            "userName co \"victim\"".to_owned(),
            "displayName sw \"Canary\"".to_owned(),
        ])
        .collect(),
        "where" => v
            .named(&[Kind::Email, Kind::Login, Kind::ExternalId])
            .iter()
            .map(|x| format!("email = '{x}'"))
            .chain(v.named(&[Kind::Number]).iter().map(|n| format!("id = {n}")))
            .chain([
                "email like '%victim%'".to_owned(),
                "firstName like 'Canary%'".to_owned(),
            ])
            .collect(),
        // CloudAPI's roles to act in: B naming A's roles as its own.
        "as-role" => v
            .named(&[Kind::RoleName, Kind::RoleId, Kind::PolicyName])
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        "cursor" | "nextpage" => v
            .named(&[Kind::Cursor, Kind::PageToken])
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        "count" | "startindex" | "pagesize" | "pageno" => v
            .named(&[Kind::Number])
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        _ => v
            .named(USER)
            .into_iter()
            .chain(v.named(&[
                Kind::GroupId,
                Kind::GroupPath,
                Kind::FolderId,
                Kind::FolderName,
            ]))
            .map(str::to_owned)
            .chain(["victim".to_owned(), "Canary".to_owned()])
            .collect(),
    }
}

/// What a header parameter is given (none, for headers that name nothing of A's).
fn header_values(name: &str, v: &Victim) -> Vec<String> {
    match name.to_ascii_lowercase().as_str() {
        "if-match" | "if-none-match" => v
            .named(&[Kind::ETag])
            .into_iter()
            .map(str::to_owned)
            .chain(["*".to_owned()])
            .collect(),
        "elements-user-password" => v
            .named(&[Kind::Password])
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        _ => vec![],
    }
}

/// A path segment as sent: everything but unreserved characters percent-encoded.
fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~@:".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The template with `given` path parameters and B's own for the rest: (sent, written).
fn path(op: &Op, b: &Attacker<'_>, given: &[(&str, &str)]) -> (String, String) {
    let (mut sent, mut shown) = (op.template.clone(), op.template.clone());
    for name in op.path_params() {
        let value = given
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| b.own(op, &name), |(_, v)| (*v).to_owned());
        let hole = format!("{{{name}}}");
        sent = sent.replace(&hole, &segment(&value));
        shown = shown.replace(&hole, &value);
    }
    (sent, shown)
}

/// Every call B makes to `op`.
pub(crate) fn calls(op: &Op, v: &Victim, b: &Attacker<'_>, key_line: &str) -> Vec<Call> {
    let bodies = bodies::of(op, key_line, &b.user.id);
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    let call = |aim: String,
                (path, shown): (String, String),
                query: Vec<(String, String)>,
                headers: Vec<(String, String)>,
                body: Option<String>| Call {
        aim,
        method: op.method.clone(),
        path,
        shown,
        query,
        headers,
        body,
        content_type: bodies.content_type,
    };
    let change = |n: usize, x: &str| bodies.change.as_ref().map(|c| fill(c, x, n).to_string());
    let mut calls = Vec::new();
    // B's own call, unaimed: a listing must show none of A's.
    if op.method == reqwest::Method::GET {
        calls.push(call("own".into(), path(op, b, &[]), vec![], vec![], None));
    }
    for p in op.path_params() {
        let values = path_kinds(&p).map_or_else(|| v.all_names(), |k| v.named(k));
        for x in values {
            calls.push(call(
                format!("path:{p}"),
                path(op, b, &[(p.as_str(), x)]),
                vec![],
                vec![],
                change(next(), x),
            ));
        }
    }
    for q in op.params_in("query") {
        for x in query_values(q, v) {
            calls.push(call(
                format!("query:{q}"),
                path(op, b, &[]),
                vec![(q.to_owned(), x)],
                vec![],
                None,
            ));
        }
    }
    for h in op.params_in("header") {
        let headers = header_values(h, v);
        // The header aimed at A's user or group, through each path parameter that names one.
        for p in op
            .path_params()
            .iter()
            .filter(|p| matches!(p.as_str(), "user" | "id"))
        {
            for x in v.named(&[Kind::UserId, Kind::Number, Kind::Email, Kind::GroupId]) {
                for value in &headers {
                    let hv = vec![(h.to_owned(), value.clone())];
                    calls.push(call(
                        format!("header:{h}"),
                        path(op, b, &[(p.as_str(), x)]),
                        vec![],
                        hv,
                        change(next(), x),
                    ));
                }
            }
        }
    }
    for template in &bodies.naming {
        let values = template_kinds(template).map_or_else(|| v.all_names(), |k| v.named(k));
        for x in values {
            let body = fill(template, x, next()).to_string();
            calls.push(call(
                "body".into(),
                path(op, b, &[]),
                vec![],
                vec![],
                Some(body),
            ));
        }
    }
    if calls.is_empty() {
        calls.push(call(
            "own".into(),
            path(op, b, &[]),
            vec![],
            vec![],
            change(next(), "x"),
        ));
    }
    calls
}
