//! The REST routes, read from the gateway's own description (`/openapi.json`): every dialect
//! registers its routes through the description, so a route added later is listed here
//! without anyone touching the matrix.

use crate::support::{Answer, TestApp};
use reqwest::Method;
use serde_json::Value;

/// The dialects' tags in the description: one matrix test each.
pub(crate) const TAGS: [&str; 5] = [
    "CloudAPI",
    "SureCloud",
    "Cloud Elements",
    "Forms On Fire",
    "SCIM",
];

/// A parameter of an operation: its name and where it goes (`path`, `query`, `header`).
#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) place: String,
}

/// One described operation.
#[derive(Debug, Clone)]
pub(crate) struct Op {
    pub(crate) method: Method,
    pub(crate) template: String,
    pub(crate) tag: String,
    pub(crate) params: Vec<Param>,
    pub(crate) body: bool,
    /// Takes no credential (SureCloud's token route).
    pub(crate) open: bool,
}

impl Op {
    /// `METHOD /template`, as the matrix reports it.
    pub(crate) fn name(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    pub(crate) fn params_in<'a>(&'a self, place: &'a str) -> impl Iterator<Item = &'a str> {
        self.params
            .iter()
            .filter(move |p| p.place == place)
            .map(|p| p.name.as_str())
    }

    /// The path parameters, in the order the template names them.
    pub(crate) fn path_params(&self) -> Vec<String> {
        self.template
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_owned()))
            .collect()
    }
}

/// Every operation the served description lists.
pub(crate) async fn described(app: &TestApp) -> Vec<Op> {
    let a = Answer::of(app.http.get(app.url("/openapi.json"))).await;
    assert_eq!(a.status, 200, "{a:?}");
    let paths = a.json()["paths"].as_object().expect("paths").clone();
    let mut ops = Vec::new();
    for (template, item) in paths {
        for (method, op) in item.as_object().expect("a path item") {
            let Ok(method) = method.to_ascii_uppercase().parse::<Method>() else {
                continue;
            };
            if !op.is_object() {
                continue;
            }
            let tag = op["tags"][0].as_str().unwrap_or_default().to_owned();
            let params = op["parameters"]
                .as_array()
                .map(|ps| ps.iter().filter_map(param).collect())
                .unwrap_or_default();
            ops.push(Op {
                method,
                template: template.clone(),
                tag,
                params,
                body: op.get("requestBody").is_some(),
                open: op["security"].as_array().is_none_or(Vec::is_empty),
            });
        }
    }
    ops
}

fn param(p: &Value) -> Option<Param> {
    Some(Param {
        name: p["name"].as_str()?.to_owned(),
        place: p["in"].as_str()?.to_owned(),
    })
}
