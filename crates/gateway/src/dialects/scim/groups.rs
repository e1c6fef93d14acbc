//! `/Groups`: create, read, replace, modify, delete and the queries. Member changes go to the
//! core as one `ChangeGroupMembers` (adds and removes, never the whole list), so Microsoft
//! Entra ID's one member per operation costs one statement per kind, whatever the group's
//! size; a PATCH answers 204 unless it asks for attributes, so it never renders thousands of
//! members back.

use super::auth::Ctx;
use super::doc;
use super::error::ScimError;
use super::filter;
use super::group_map::{self, Desired, member_ids, render};
use super::list::{self, Query};
use super::patch::{self, Kind, Op, Operation};
use super::precondition::Conditions;
use super::reply::{self, Base};
use super::schema;
use super::user_map::canonical;
use crate::core_error::CoreError;
use axum::body::Body;
use axum::extract::{Path, RawQuery};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use prost_types::FieldMask;
use roster_proto::v1 as pb;
use serde_json::Value;

fn missing(id: &str) -> String {
    format!("Group {id} not found")
}

pub(crate) async fn find(ctx: &Ctx, id: &str) -> Result<pb::Group, ScimError> {
    let req = pb::GetGroupRequest {
        key: Some(pb::get_group_request::Key::Id(id.to_owned())),
    };
    match ctx.core.groups().get_group(req).await {
        Ok(g) => Ok(g.into_inner()),
        Err(s) if CoreError::from(&s).is_malformed_key() => Err(ScimError::not_found(missing(id))),
        Err(s) => Err(ctx.refused(s, &missing(id))),
    }
}

/// The changes to a group's members that one request asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MemberChange {
    add: Vec<String>,
    remove: Vec<String>,
    /// The members become exactly `add`.
    replace: bool,
}

impl MemberChange {
    fn is_empty(&self) -> bool {
        !self.replace && self.add.is_empty() && self.remove.is_empty()
    }

    fn add(&mut self, ids: Vec<String>) {
        self.remove.retain(|r| !ids.contains(r));
        self.add.extend(ids);
    }

    fn remove(&mut self, ids: Vec<String>) {
        self.add.retain(|a| !ids.contains(a));
        if !self.replace {
            self.remove.extend(ids);
        }
    }

    fn replace(&mut self, ids: Vec<String>) {
        *self = Self {
            add: ids,
            remove: Vec::new(),
            replace: true,
        };
    }
}

/// Sends a member change; returns the group after it.
async fn change_members(
    ctx: &Ctx,
    id: &str,
    etag: String,
    change: MemberChange,
) -> Result<pb::Group, ScimError> {
    let req = pb::ChangeGroupMembersRequest {
        group_id: id.to_owned(),
        add_user_ids: change.add,
        remove_user_ids: change.remove,
        replace: change.replace,
        etag,
        request_id: String::new(),
    };
    ctx.core
        .groups()
        .change_group_members(req)
        .await
        .map(tonic::Response::into_inner)
        .map_err(|s| member_refused(ctx, s, &missing(id)))
}

/// A refused member change: an unknown member is the client's mistake (400), not a missing
/// group.
fn member_refused(ctx: &Ctx, s: tonic::Status, missing: &str) -> ScimError {
    let e = CoreError::from(&s);
    if e.is(pb::ErrorReason::UserNotFound) {
        let who = e.meta("user_id").unwrap_or("a member").to_owned();
        return ScimError::invalid_value(format!("No user {who}: members must be user ids"));
    }
    ctx.refused(s, missing)
}

/// Renames the group or sets its external id where `d` differs from `g`.
async fn update(
    ctx: &Ctx,
    g: &pb::Group,
    d: &Desired,
    etag: String,
) -> Result<pb::Group, ScimError> {
    let mut paths = Vec::new();
    if d.display_name != g.name {
        paths.push("name".to_owned());
    }
    if d.external_id.as_deref().unwrap_or("") != g.external_id.as_deref().unwrap_or("") {
        paths.push("external_id".to_owned());
    }
    if paths.is_empty() {
        return Ok(g.clone());
    }
    let req = pb::UpdateGroupRequest {
        group: Some(pb::Group {
            id: g.id.clone(),
            name: d.display_name.clone(),
            external_id: d.external_id.clone(),
            ..pb::Group::default()
        }),
        update_mask: Some(FieldMask { paths }),
        etag,
        request_id: String::new(),
    };
    ctx.core
        .groups()
        .update_group(req)
        .await
        .map(tonic::Response::into_inner)
        .map_err(|s| ctx.refused(s, &missing(&g.id)))
}

fn pinned_etag(cond: &Conditions, g: &pb::Group) -> String {
    if cond.pinned() {
        g.etag.clone()
    } else {
        String::new()
    }
}

/// Creates the group `doc` describes, with its members, in one write of the core: a refused
/// member leaves no group behind (and no event of one).
pub(crate) async fn create_group(ctx: &Ctx, doc: &Value) -> Result<pb::Group, ScimError> {
    let d = Desired::from_doc(doc)?;
    if d.display_name.contains('/') {
        return Err(ScimError::invalid_value(
            "displayName must not contain '/': it is a group's name, not a path",
        ));
    }
    let req = pb::CreateGroupRequest {
        path: format!("//{}", d.display_name),
        external_id: d.external_id.clone(),
        member_user_ids: d.members.unwrap_or_default(),
        request_id: String::new(),
    };
    ctx.core
        .groups()
        .create_group(req)
        .await
        .map(tonic::Response::into_inner)
        .map_err(|s| member_refused(ctx, s, "Not found"))
}

/// Replaces the group with `doc` (PUT): its name, external id and members.
pub(crate) async fn replace_group(
    ctx: &Ctx,
    id: &str,
    doc: &Value,
    cond: &Conditions,
) -> Result<pb::Group, ScimError> {
    let d = Desired::from_doc(doc)?;
    let g = find(ctx, id).await?;
    cond.check_write(&g.etag)?;
    let g = update(ctx, &g, &d, pinned_etag(cond, &g)).await?;
    let mut change = MemberChange::default();
    change.replace(d.members.unwrap_or_default());
    let etag = pinned_etag(cond, &g);
    change_members(ctx, id, etag, change).await
}

/// Splits a PatchOp's operations: those on `members` become one member change, the rest
/// apply to the group's other attributes.
/// Member removals by a filter other than `value eq "…"` are returned as filters, to apply
/// once the members are fetched.
fn split(
    ops: Vec<Operation>,
) -> Result<(Vec<Operation>, MemberChange, Vec<filter::Filter>), ScimError> {
    let mut change = MemberChange::default();
    let mut rest = Vec::new();
    let mut filtered_removes = Vec::new();
    for op in ops {
        let t = op.path.as_deref().map(patch::target).transpose()?;
        match (op.op, t) {
            (_, None) => {
                // Without a path: `members` in the value object is a member change.
                let Some(Value::Object(mut attrs)) = op.value.clone() else {
                    rest.push(op);
                    continue;
                };
                if let Some(m) = attrs.remove("members") {
                    let ids = member_ids(&m)?;
                    match op.op {
                        Op::Replace => change.replace(ids),
                        Op::Add => change.add(ids),
                        Op::Remove => change.remove(ids),
                    }
                }
                if !attrs.is_empty() {
                    rest.push(Operation {
                        value: Some(Value::Object(attrs)),
                        ..op
                    });
                }
            }
            (kind, Some(t)) if t.attr == "members" => match (kind, t.filter, t.sub, op.value) {
                (Op::Add, None, None, Some(v)) => change.add(member_ids(&v)?),
                (Op::Replace, None, None, Some(v)) => change.replace(member_ids(&v)?),
                (Op::Remove, None, None, None) => change.replace(Vec::new()),
                // Entra ID removes members by listing them as the value.
                (Op::Remove, None, None, Some(v)) => change.remove(member_ids(&v)?),
                (Op::Remove, Some(f), None, _) => match patch::equalities(&f) {
                    Some(eqs) if eqs.len() == 1 && eqs[0].0.eq_ignore_ascii_case("value") => {
                        let id = eqs[0].1.as_str().unwrap_or_default().to_owned();
                        change.remove(vec![id]);
                    }
                    _ => filtered_removes.push(f),
                },
                _ => {
                    return Err(ScimError::bad(
                        super::error::ScimType::InvalidPath,
                        "members takes add, replace and remove of whole members, and remove by a filter",
                    ));
                }
            },
            _ => rest.push(op),
        }
    }
    Ok((rest, change, filtered_removes))
}

/// Applies a PatchOp body to the group.
pub(crate) async fn patch_group(
    ctx: &Ctx,
    id: &str,
    body: &Value,
    base: &str,
    cond: &Conditions,
) -> Result<pb::Group, ScimError> {
    let (rest, mut change, by_filter) = split(patch::operations(body)?)?;
    let g = find(ctx, id).await?;
    cond.check_write(&g.etag)?;
    if !by_filter.is_empty() {
        // Which members a filter selects needs the members themselves.
        let members = group_map::members_of(ctx, base, std::slice::from_ref(&g.id))
            .await?
            .remove(&g.id)
            .unwrap_or_default();
        let parent = schema::Resource::Group
            .core()
            .attribute("members")
            .ok_or_else(ScimError::internal)?;
        let gone = members
            .iter()
            .filter(|m| {
                by_filter
                    .iter()
                    .any(|f| filter::matches_value(f, m, parent))
            })
            .filter_map(|m| m["value"].as_str().map(str::to_owned))
            .collect();
        change.remove(gone);
    }
    let mut g = g;
    if !rest.is_empty() {
        let mut doc = render(&g, base, None);
        patch::apply(&mut doc, &rest, Kind::Group)?;
        let d = Desired::from_doc(&doc)?;
        g = update(ctx, &g, &d, pinned_etag(cond, &g)).await?;
    }
    if !change.is_empty() {
        let etag = pinned_etag(cond, &g);
        g = change_members(ctx, id, etag, change).await?;
    }
    Ok(g)
}

pub(crate) async fn delete_group(ctx: &Ctx, id: &str, cond: &Conditions) -> Result<(), ScimError> {
    let g = find(ctx, id).await?;
    cond.check_write(&g.etag)?;
    let req = pb::DeleteGroupRequest {
        id: g.id,
        recursive: false,
        request_id: String::new(),
    };
    ctx.core
        .groups()
        .delete_group(req)
        .await
        .map(|_| ())
        .map_err(|s| {
            let e = CoreError::from(&s);
            if e.is(pb::ErrorReason::GroupHasChildren) {
                ScimError::new(
                    StatusCode::CONFLICT,
                    "The group has child groups: delete them first",
                )
            } else {
                ctx.refused(s, &missing(id))
            }
        })
}

/// The group as a response shows it: with members unless the query drops them.
async fn answer(
    ctx: &Ctx,
    base: &str,
    g: &pb::Group,
    q: Option<&str>,
    status: StatusCode,
) -> Result<Response, ScimError> {
    let p = list::projection(q);
    let members = if p.drops("members") {
        None
    } else {
        Some(
            group_map::members_of(ctx, base, std::slice::from_ref(&g.id))
                .await?
                .remove(&g.id)
                .unwrap_or_default(),
        )
    };
    let full = render(g, base, members);
    Ok(reply::resource(status, &full, &p.apply(full.clone())))
}

/// Creates a group, with its members.
#[utoipa::path(
    post,
    path = "/Groups",
    operation_id = "scim_CreateGroup",
    params(doc::ProjectionQuery),
    request_body(content = doc::Group, content_type = "application/scim+json"),
    responses((status = 201, description = "The group made.", body = doc::Resource, content_type = "application/scim+json", headers(("ETag" = String, description = "The version, as `meta.version`."), ("Location" = String, description = "The resource, as `meta.location`.")))),
)]
pub(crate) async fn create(
    ctx: Ctx,
    Base(base): Base,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ScimError> {
    let doc = canonical(reply::read_json(ctx.api(), &headers, body).await?);
    let g = create_group(&ctx, &doc).await?;
    answer(&ctx, &base, &g, q.as_deref(), StatusCode::CREATED).await
}

/// Reads a group and its members.
#[utoipa::path(
    get,
    path = "/Groups/{id}",
    operation_id = "scim_GetGroup",
    params(doc::ProjectionQuery, doc::ReadConditions),
    responses((status = 200, description = "The group.", body = doc::Resource, content_type = "application/scim+json", headers(("ETag" = String, description = "The version, as `meta.version`."))), (status = 304, description = "Not modified: `If-None-Match` names its version.")),
)]
pub(crate) async fn get(
    ctx: Ctx,
    Base(base): Base,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ScimError> {
    let g = find(&ctx, &id).await?;
    let cond = Conditions::of(&headers);
    cond.check_read(&g.etag)?;
    if cond.not_modified(&g.etag) {
        return Ok(reply::not_modified(&g.etag));
    }
    answer(&ctx, &base, &g, q.as_deref(), StatusCode::OK).await
}

/// Replaces a group's name, external id and members.
#[utoipa::path(
    put,
    path = "/Groups/{id}",
    operation_id = "scim_ReplaceGroup",
    params(doc::ProjectionQuery, doc::WriteConditions),
    request_body(content = doc::Group, content_type = "application/scim+json"),
    responses((status = 200, description = "The group as replaced.", body = doc::Resource, content_type = "application/scim+json", headers(("ETag" = String, description = "The version, as `meta.version`.")))),
)]
pub(crate) async fn replace(
    ctx: Ctx,
    Base(base): Base,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ScimError> {
    let doc = canonical(reply::read_json(ctx.api(), &headers, body).await?);
    let g = replace_group(&ctx, &id, &doc, &Conditions::of(&headers)).await?;
    answer(&ctx, &base, &g, q.as_deref(), StatusCode::OK).await
}

/// Modifies a group: members added and removed without the whole list.
///
/// 204, or 200 with the group when the request names `attributes` or `excludedAttributes`.
#[utoipa::path(
    patch,
    path = "/Groups/{id}",
    operation_id = "scim_PatchGroup",
    params(doc::ProjectionQuery, doc::WriteConditions),
    request_body(content = doc::Message, content_type = "application/scim+json"),
    responses((status = 200, description = "The group as modified.", body = doc::Resource, content_type = "application/scim+json", headers(("ETag" = String, description = "The version, as `meta.version`."))), (status = 204, description = "Modified (groups, unless the request names attributes).")),
)]
pub(crate) async fn patch(
    ctx: Ctx,
    Base(base): Base,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ScimError> {
    let body = reply::read_json(ctx.api(), &headers, body).await?;
    let g = patch_group(&ctx, &id, &body, &base, &Conditions::of(&headers)).await?;
    if list::projection(q.as_deref()) == super::projection::Projection::default() {
        let mut res = StatusCode::NO_CONTENT.into_response();
        if let Ok(v) = http::HeaderValue::from_str(&g.etag) {
            res.headers_mut().insert(http::header::ETAG, v);
        }
        return Ok(res);
    }
    answer(&ctx, &base, &g, q.as_deref(), StatusCode::OK).await
}

/// Deletes a group.
#[utoipa::path(
    delete,
    path = "/Groups/{id}",
    operation_id = "scim_DeleteGroup",
    params(doc::WriteConditions),
    responses((status = 204, description = "Deleted.")),
)]
pub(crate) async fn delete(
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ScimError> {
    delete_group(&ctx, &id, &Conditions::of(&headers)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Queries groups: filter, sort, and pages by index or cursor.
#[utoipa::path(
    get,
    path = "/Groups",
    operation_id = "scim_ListGroups",
    params(doc::ListQuery),
    responses((status = 200, description = "One page of the query.", body = doc::ListResponse, content_type = "application/scim+json")),
)]
pub(crate) async fn list(
    ctx: Ctx,
    Base(base): Base,
    RawQuery(q): RawQuery,
) -> Result<Response, ScimError> {
    let query = Query::from_params(q.as_deref(), ctx.api().limits)?;
    list::groups(&ctx, &base, &query).await
}

/// Queries groups with a SearchRequest body.
#[utoipa::path(
    post,
    path = "/Groups/.search",
    operation_id = "scim_SearchGroups",
    request_body(content = doc::Message, content_type = "application/scim+json"),
    responses((status = 200, description = "One page of the query.", body = doc::ListResponse, content_type = "application/scim+json")),
)]
pub(crate) async fn search(
    ctx: Ctx,
    Base(base): Base,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ScimError> {
    let body = reply::read_json(ctx.api(), &headers, body).await?;
    let query = Query::from_search(&body, ctx.api().limits)?;
    list::groups(&ctx, &base, &query).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ops(v: &Value) -> Vec<Operation> {
        patch::operations(&json!({ "schemas": [super::super::urn::PATCH], "Operations": v }))
            .unwrap()
    }

    #[test]
    fn member_operations_become_one_change_whatever_their_style() {
        let (rest, change, by_filter) = split(ops(&json!([
            { "op": "Add", "path": "members", "value": [{ "value": "a" }, { "value": "b" }] },
            { "op": "Remove", "path": "members", "value": [{ "value": "b" }] },
            { "op": "remove", "path": "members[value eq \"c\"]" },
            { "op": "replace", "value": { "displayName": "New" } },
        ])))
        .unwrap();
        assert_eq!(change.add, ["a"]);
        assert_eq!(change.remove, ["b", "c"]);
        assert!(!change.replace);
        assert_eq!(rest.len(), 1);
        assert!(by_filter.is_empty());
        let (_, change, _) = split(ops(&json!([{ "op": "remove", "path": "members" }]))).unwrap();
        assert!(change.replace && change.add.is_empty());
    }
}
