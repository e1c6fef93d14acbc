//! A SCIM Group ⇄ Roster's group. `displayName` is the group's name, the last segment of its
//! `//A/B` path (a group created over SCIM is a top-level group, `//<displayName>`);
//! `externalId` is its external id; `members` are the users directly in it (Roster's groups
//! hold users; a group is never a member of another, the tree says that).

use super::auth::Ctx;
use super::error::{ScimError, ScimType};
use super::time::rfc3339;
use super::urn;
use roster_proto::v1 as pb;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Most ids in one `USER_FIELD_GROUP_ID IN (…)`.
const IDS_PER_QUERY: usize = 500;

/// What a Group document asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Desired {
    pub(crate) display_name: String,
    pub(crate) external_id: Option<String>,
    /// The member user ids; `None` when the document has no `members`.
    pub(crate) members: Option<Vec<String>>,
}

/// The user ids of a `members` value (a list, or one member), refusing groups as members.
pub(crate) fn member_ids(v: &Value) -> Result<Vec<String>, ScimError> {
    let items = match v {
        Value::Null => return Ok(Vec::new()),
        Value::Array(a) => a.clone(),
        other @ (Value::Bool(_) | Value::Number(_) | Value::String(_) | Value::Object(_)) => {
            vec![other.clone()]
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let kind = m.get("type").and_then(Value::as_str);
            if kind.is_some_and(|k| k.eq_ignore_ascii_case("group")) {
                return Err(ScimError::invalid_value(format!(
                    "members[{i}]: a group cannot be a member of a group in Roster (its groups are a tree)"
                )));
            }
            match m.get("value").or(Some(m)) {
                Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
                _ => Err(ScimError::invalid_value(format!(
                    "members[{i}].value must be a user id"
                ))),
            }
        })
        .collect()
}

impl Desired {
    pub(crate) fn from_doc(doc: &Value) -> Result<Self, ScimError> {
        let o = doc
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("A Group must be a JSON object"))?;
        let text = |k: &str| match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone()).filter(|s| !s.is_empty())),
            Some(_) => Err(ScimError::invalid_value(format!("{k} must be a string"))),
        };
        Ok(Self {
            display_name: text("displayName")?
                .ok_or_else(|| ScimError::invalid_value("displayName is required"))?,
            external_id: text("externalId")?,
            members: o.get("members").map(member_ids).transpose()?,
        })
    }
}

/// One member as a Group shows it.
///
/// Without `display`: a member is what the client wrote (`value`, `$ref`, `type`), so that a
/// group read back after a PATCH holds exactly the members it was given.
fn member(u: &pb::User, base: &str) -> Value {
    json!({
        "value": u.id,
        "$ref": format!("{base}/Users/{}", u.id),
        "type": "User",
    })
}

/// The SCIM Group of `g`, with `members` when they were fetched.
pub(crate) fn render(g: &pb::Group, base: &str, members: Option<Vec<Value>>) -> Value {
    let mut o = Map::new();
    o.insert("schemas".to_owned(), json!([urn::GROUP]));
    o.insert("id".to_owned(), json!(g.id));
    if let Some(x) = g.external_id.as_ref().filter(|x| !x.is_empty()) {
        o.insert("externalId".to_owned(), json!(x));
    }
    o.insert("displayName".to_owned(), json!(g.name));
    if let Some(m) = members {
        o.insert("members".to_owned(), Value::Array(m));
    }
    o.insert(
        "meta".to_owned(),
        json!({
            "resourceType": "Group",
            "created": g.create_time.as_ref().map(rfc3339),
            "lastModified": g.update_time.as_ref().or(g.create_time.as_ref()).map(rfc3339),
            "location": format!("{base}/Groups/{}", g.id),
            "version": g.etag,
        }),
    );
    Value::Object(o)
}

/// The members of each group of `ids`, by group id: a few queries whatever the number of
/// groups, each paging through the users in them.
pub(crate) async fn members_of(
    ctx: &Ctx,
    base: &str,
    ids: &[String],
) -> Result<HashMap<String, Vec<Value>>, ScimError> {
    let mut out: HashMap<String, Vec<Value>> =
        ids.iter().map(|i| (i.clone(), Vec::new())).collect();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let filter = pb::UserFilter {
            kind: Some(pb::user_filter::Kind::Compare(pb::UserComparison {
                field: pb::UserField::GroupId.into(),
                operator: pb::ComparisonOperator::In.into(),
                values: chunk
                    .iter()
                    .map(|id| pb::FilterValue {
                        kind: Some(pb::filter_value::Kind::StringValue(id.clone())),
                    })
                    .collect(),
                metadata_key: String::new(),
            })),
        };
        let mut token = String::new();
        loop {
            let req = pb::ListUsersRequest {
                page_size: 1000,
                page_token: token,
                filter: Some(filter.clone()),
                ..pb::ListUsersRequest::default()
            };
            let r = ctx
                .core
                .users()
                .list_users(req)
                .await
                .map_err(|s| ctx.refused(s, "Not found"))?
                .into_inner();
            for u in &r.users {
                for g in &u.groups {
                    if let Some(list) = out.get_mut(&g.id) {
                        list.push(member(u, base));
                    }
                }
            }
            if r.next_page_token.is_empty() {
                break;
            }
            token = r.next_page_token;
        }
    }
    Ok(out)
}

/// Renders `groups`, with their members when `with_members`.
pub(crate) async fn render_all(
    ctx: &Ctx,
    base: &str,
    groups: &[pb::Group],
    with_members: bool,
) -> Result<Vec<Value>, ScimError> {
    let mut members = if with_members {
        let ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
        Some(members_of(ctx, base, &ids).await?)
    } else {
        None
    };
    Ok(groups
        .iter()
        .map(|g| {
            let m = members
                .as_mut()
                .map(|m| m.remove(&g.id).unwrap_or_default());
            render(g, base, m)
        })
        .collect())
}

/// Adds `members` to rendered groups.
pub(crate) async fn add_members(
    ctx: &Ctx,
    base: &str,
    page: &mut [Value],
) -> Result<(), ScimError> {
    let ids: Vec<String> = page
        .iter()
        .filter_map(|g| g["id"].as_str().map(str::to_owned))
        .collect();
    let mut members = members_of(ctx, base, &ids).await?;
    for g in page.iter_mut() {
        let id = g["id"].as_str().unwrap_or_default().to_owned();
        if let Some(o) = g.as_object_mut() {
            o.insert(
                "members".to_owned(),
                Value::Array(members.remove(&id).unwrap_or_default()),
            );
        }
    }
    Ok(())
}

/// One page of the tenant's groups in path order, from a page token (a SCIM cursor).
pub(crate) async fn groups_page(
    ctx: &Ctx,
    token: &str,
    size: u32,
) -> Result<pb::ListGroupsResponse, ScimError> {
    let req = pb::ListGroupsRequest {
        page_size: i32::try_from(size.clamp(1, 1000)).unwrap_or(1000),
        page_token: token.to_owned(),
        parent_id: None,
    };
    ctx.core
        .groups()
        .list_groups(req)
        .await
        .map(tonic::Response::into_inner)
        .map_err(|s| {
            if crate::core_error::CoreError::from(&s).is(pb::ErrorReason::InvalidPageToken) {
                ScimError::bad(
                    ScimType::InvalidCursor,
                    "The cursor is not valid: altered, or from another query",
                )
            } else {
                ctx.refused(s, "Not found")
            }
        })
}

/// Every group of the tenant, in path order.
pub(crate) async fn list_all(ctx: &Ctx) -> Result<Vec<pb::Group>, ScimError> {
    let mut out = Vec::new();
    let mut token = String::new();
    loop {
        let r = groups_page(ctx, &token, 1000).await?;
        out.extend(r.groups);
        if r.next_page_token.is_empty() {
            return Ok(out);
        }
        token = r.next_page_token;
    }
}

/// Sorts rendered groups by `by` (`displayName`, `externalId`, `id`, `meta.created`,
/// `meta.lastModified`): text without case, groups without the value last.
pub(crate) fn sort(groups: &mut [Value], by: &str, descending: bool) -> Result<(), ScimError> {
    let bare = super::list::strip_urn(by);
    let path: &[&str] = match bare.to_ascii_lowercase().as_str() {
        "displayname" => &["displayName"],
        "externalid" => &["externalId"],
        "id" => &["id"],
        "meta.created" => &["meta", "created"],
        "meta.lastmodified" => &["meta", "lastModified"],
        _ => {
            return Err(ScimError::invalid_value(format!(
                "Sorting groups by {by:?} is not supported"
            )));
        }
    };
    let key = |g: &Value| {
        let mut v = g;
        for p in path {
            v = &v[*p];
        }
        v.as_str().map(str::to_lowercase)
    };
    groups.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        let o = match (&ka, &kb) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        if descending { o.reverse() } else { o }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_user_ids_and_groups_are_refused_as_members() {
        assert_eq!(
            member_ids(&json!([{ "value": "a" }, { "value": "b", "type": "User" }])).unwrap(),
            ["a", "b"]
        );
        assert_eq!(member_ids(&json!({ "value": "a" })).unwrap(), ["a"]);
        assert!(member_ids(&json!([{ "value": "g", "type": "Group" }])).is_err());
        assert!(member_ids(&json!([{ "display": "x" }])).is_err());
    }

    #[test]
    fn a_group_document_needs_a_display_name() {
        assert!(Desired::from_doc(&json!({ "members": [] })).is_err());
        let d = Desired::from_doc(&json!({ "displayName": "Sales", "externalId": "e1" })).unwrap();
        assert_eq!((d.display_name.as_str(), d.members), ("Sales", None));
    }

    #[test]
    fn groups_sort_without_case_and_unset_last() {
        let mut v = vec![
            json!({ "id": "1", "displayName": "beta" }),
            json!({ "id": "2" }),
            json!({ "id": "3", "displayName": "Alpha" }),
        ];
        sort(&mut v, "displayName", false).unwrap();
        let ids: Vec<&str> = v.iter().map(|g| g["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["3", "1", "2"]);
        assert!(sort(&mut v, "members", false).is_err());
    }
}
