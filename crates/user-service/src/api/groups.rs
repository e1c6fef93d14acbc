//! `roster.v1.GroupService`.

use super::expected_version;
use crate::convert::groups::{group_changes, group_to_pb, member_changes_from_pb};
use crate::core::{Core, Store};
use crate::page_token::Side;
use crate::status::{IntoStatus, invalid_page_token, status};
use crate::tokens::scopes;
use roster_domain::groups::{
    ChangeMembersError, CreateGroupError, Group, GroupKey, GroupQuery, MAX_MEMBER_CHANGES,
};
use roster_domain::values::{ExternalId, GroupPath};
use roster_domain::{FieldViolations, GroupId, UserId};
use roster_proto::v1 as pb;
use roster_proto::v1::ErrorReason;
use std::sync::Arc;
use tonic::Code;
use tonic::{Request, Response, Status};

#[derive(Debug)]
pub struct GroupsApi<R> {
    core: Arc<Core<R>>,
}

impl<R> GroupsApi<R> {
    pub fn new(core: Arc<Core<R>>) -> Self {
        Self { core }
    }
}

/// The most paths one `CheckGroupPaths` takes.
const MAX_CHECKED_PATHS: usize = 10_000;

fn path(raw: &str, field: &str) -> Result<GroupPath, Status> {
    GroupPath::parse(raw).map_err(|e| FieldViolations::single(field, e).into_status())
}

fn group_id(raw: &str, field: &str) -> Result<GroupId, Status> {
    GroupId::parse(raw).map_err(|e| FieldViolations::single(field, e).into_status())
}

#[tonic::async_trait]
impl<R: Store> pb::group_service_server::GroupService for GroupsApi<R> {
    async fn create_group(
        &self,
        req: Request<pb::CreateGroupRequest>,
    ) -> Result<Response<pb::Group>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::GROUPS_WRITE).await?;
                let r = req.into_inner();
                let mut v = FieldViolations::new();
                let p = v.check("path", GroupPath::parse(&r.path));
                let ext = match r.external_id.as_deref() {
                    Some(x) => v.check("external_id", ExternalId::parse(x)),
                    None => None,
                };
                // Refused before thousands of ids are read one by one.
                if r.member_user_ids.len() > MAX_MEMBER_CHANGES {
                    return Err(CreateGroupError::Members(ChangeMembersError::TooLarge {
                        max: MAX_MEMBER_CHANGES,
                        got: r.member_user_ids.len(),
                    })
                    .into_status());
                }
                let mut seen = std::collections::HashSet::new();
                let members: Vec<UserId> = r
                    .member_user_ids
                    .iter()
                    .enumerate()
                    .filter_map(|(i, raw)| {
                        v.check(&format!("member_user_ids[{i}]"), UserId::parse(raw))
                    })
                    .filter(|id| seen.insert(*id))
                    .collect();
                let Some(p) = p.filter(|_| v.is_empty()) else {
                    return Err(v.into_status());
                };
                let g = self
                    .core
                    .groups
                    .create(&who, &p, ext, &members)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(group_to_pb(&g)))
            })
            .await
    }

    async fn get_group(
        &self,
        req: Request<pb::GetGroupRequest>,
    ) -> Result<Response<pb::Group>, Status> {
        use pb::get_group_request::Key;
        let who = self.core.principal_for(&req, scopes::GROUPS_READ).await?;
        let key = match req.into_inner().key {
            Some(Key::Id(id)) => GroupKey::Id(group_id(&id, "id")?),
            Some(Key::Path(p)) => GroupKey::Path(path(&p, "path")?),
            Some(Key::ExternalId(x)) => GroupKey::ExternalId(
                ExternalId::parse(&x)
                    .map_err(|e| FieldViolations::single("external_id", e).into_status())?,
            ),
            None => {
                return Err(FieldViolations::single(
                    "key",
                    "name the group by id, path or external_id",
                )
                .into_status());
            }
        };
        let g = self
            .core
            .groups
            .get(&who, &key)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(group_to_pb(&g)))
    }

    async fn resolve_group_path(
        &self,
        req: Request<pb::ResolveGroupPathRequest>,
    ) -> Result<Response<pb::Group>, Status> {
        let who = self.core.principal_for(&req, scopes::GROUPS_READ).await?;
        let p = path(&req.get_ref().path, "path")?;
        let g = self
            .core
            .groups
            .get(&who, &GroupKey::Path(p))
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(group_to_pb(&g)))
    }

    async fn list_groups(
        &self,
        req: Request<pb::ListGroupsRequest>,
    ) -> Result<Response<pb::ListGroupsResponse>, Status> {
        let who = self.core.principal_for(&req, scopes::GROUPS_READ).await?;
        let r = req.into_inner();
        let limit = super::page_size(r.page_size).map_err(IntoStatus::into_status)?;
        let parent = r
            .parent_id
            .as_deref()
            .map(|p| group_id(p, "parent_id"))
            .transpose()?;
        let binding = [
            super::tenant_binding(&who),
            r.parent_id.clone().unwrap_or_default().into_bytes(),
        ]
        .concat();
        let (after, before) =
            match self
                .core
                .pages
                .open_key_on("groups", &binding, &r.page_token)?
            {
                Some((p, side)) => {
                    let p = GroupPath::parse(&p).map_err(|_| invalid_page_token())?;
                    match side {
                        Side::After => (Some(p), None),
                        Side::Before => (None, Some(p)),
                    }
                }
                None => (None, None),
            };
        let backward = before.is_some();
        let came_from_before = after.is_some();
        let (groups, more) = self
            .core
            .groups
            .list(
                &who,
                &GroupQuery {
                    parent,
                    after,
                    before,
                    limit,
                },
            )
            .await
            .map_err(IntoStatus::into_status)?;
        // `more` is in the direction read: after the page going forward, before it going back
        // (and then the groups after it are those the client came from).
        let (has_next, has_previous) = if backward {
            (true, more)
        } else {
            (more, came_from_before)
        };
        let token = |g: Option<&Group>, wanted: bool, side: Side| match g {
            Some(g) if wanted => {
                self.core
                    .pages
                    .seal_key_on("groups", &binding, g.path.as_str(), side)
            }
            _ => String::new(),
        };
        Ok(Response::new(pb::ListGroupsResponse {
            next_page_token: token(groups.last(), has_next, Side::After),
            previous_page_token: token(groups.first(), has_previous, Side::Before),
            groups: groups.iter().map(group_to_pb).collect(),
        }))
    }

    async fn delete_group(
        &self,
        req: Request<pb::DeleteGroupRequest>,
    ) -> Result<Response<()>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::GROUPS_WRITE).await?;
                let r = req.into_inner();
                let id = group_id(&r.id, "id")?;
                self.core
                    .groups
                    .delete(&who, id, r.recursive)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(()))
            })
            .await
    }

    async fn update_group(
        &self,
        req: Request<pb::UpdateGroupRequest>,
    ) -> Result<Response<pb::Group>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::GROUPS_WRITE).await?;
                let r = req.into_inner();
                let g = r
                    .group
                    .ok_or_else(|| FieldViolations::single("group", "is required").into_status())?;
                let id = group_id(&g.id, "group.id")?;
                let changes =
                    group_changes(r.update_mask.as_ref(), &g).map_err(IntoStatus::into_status)?;
                let updated = self
                    .core
                    .groups
                    .update(&who, id, &changes, expected_version(&r.etag))
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(group_to_pb(&updated)))
            })
            .await
    }

    async fn change_group_members(
        &self,
        req: Request<pb::ChangeGroupMembersRequest>,
    ) -> Result<Response<pb::Group>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::GROUPS_WRITE).await?;
                let r = req.into_inner();
                // Refused before thousands of ids are read one by one.
                let count = r.add_user_ids.len() + r.remove_user_ids.len();
                if count > MAX_MEMBER_CHANGES {
                    return Err(ChangeMembersError::TooLarge {
                        max: MAX_MEMBER_CHANGES,
                        got: count,
                    }
                    .into_status());
                }
                let id = group_id(&r.group_id, "group_id")?;
                let changes = member_changes_from_pb(&r).map_err(IntoStatus::into_status)?;
                let group = self
                    .core
                    .groups
                    .change_members(&who, id, &changes, expected_version(&r.etag))
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(group_to_pb(&group)))
            })
            .await
    }

    async fn check_group_paths(
        &self,
        req: Request<pb::CheckGroupPathsRequest>,
    ) -> Result<Response<pb::CheckGroupPathsResponse>, Status> {
        // A check of syntax alone reveals nothing: any authenticated caller may ask.
        self.core.caller(&req).await?;
        let paths = req.into_inner().paths;
        if paths.len() > MAX_CHECKED_PATHS {
            return Err(status(
                Code::InvalidArgument,
                format!("at most {MAX_CHECKED_PATHS} paths can be checked at once"),
                ErrorReason::TooLarge,
                &[("max", MAX_CHECKED_PATHS.to_string())],
                None,
            ));
        }
        let problems = paths
            .iter()
            .map(|p| {
                GroupPath::parse(p)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default()
            })
            .collect();
        Ok(Response::new(pb::CheckGroupPathsResponse { problems }))
    }
}
