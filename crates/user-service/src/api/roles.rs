//! `roster.v1.RoleService`: roles and policies.

use crate::convert::rbac::{
    new_policy_from_pb, new_role_from_pb, policy_changes_from_pb, policy_to_pb,
    role_changes_from_pb, role_to_pb,
};
use crate::core::{Core, Store};
use crate::status::IntoStatus;
use crate::tokens::scopes;
use roster_domain::{FieldViolations, PolicyId, RoleId};
use roster_proto::v1 as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status};

#[derive(Debug)]
pub struct RolesApi<R> {
    core: Arc<Core<R>>,
}

impl<R> RolesApi<R> {
    pub fn new(core: Arc<Core<R>>) -> Self {
        Self { core }
    }
}

fn role_id(raw: &str, field: &str) -> Result<RoleId, Status> {
    RoleId::parse(raw).map_err(|e| FieldViolations::single(field, e).into_status())
}

fn policy_id(raw: &str, field: &str) -> Result<PolicyId, Status> {
    PolicyId::parse(raw).map_err(|e| FieldViolations::single(field, e).into_status())
}

#[tonic::async_trait]
impl<R: Store> pb::role_service_server::RoleService for RolesApi<R> {
    async fn list_roles(
        &self,
        req: Request<pb::ListRolesRequest>,
    ) -> Result<Response<pb::ListRolesResponse>, Status> {
        let who = self.core.principal_for(&req, scopes::ROLES_READ).await?;
        let roles = self
            .core
            .rbac
            .list_roles(&who)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(pb::ListRolesResponse {
            roles: roles.iter().map(role_to_pb).collect(),
        }))
    }

    async fn get_role(
        &self,
        req: Request<pb::GetRoleRequest>,
    ) -> Result<Response<pb::Role>, Status> {
        let who = self.core.principal_for(&req, scopes::ROLES_READ).await?;
        let role = self
            .core
            .rbac
            .get_role(&who, req.get_ref().id_or_name.trim())
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(role_to_pb(&role)))
    }

    async fn create_role(
        &self,
        req: Request<pb::CreateRoleRequest>,
    ) -> Result<Response<pb::Role>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::ROLES_WRITE).await?;
                let new = new_role_from_pb(req.get_ref().role.as_ref())
                    .map_err(IntoStatus::into_status)?;
                let role = self
                    .core
                    .rbac
                    .create_role(&who, new)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(role_to_pb(&role)))
            })
            .await
    }

    async fn update_role(
        &self,
        req: Request<pb::UpdateRoleRequest>,
    ) -> Result<Response<pb::Role>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::ROLES_WRITE).await?;
                let r = req.get_ref();
                let role = r
                    .role
                    .as_ref()
                    .ok_or_else(|| FieldViolations::single("role", "is required").into_status())?;
                let id = role_id(&role.id, "role.id")?;
                let changes = role_changes_from_pb(role, r.update_mask.as_ref())
                    .map_err(IntoStatus::into_status)?;
                let role = self
                    .core
                    .rbac
                    .update_role(&who, id, &changes)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(role_to_pb(&role)))
            })
            .await
    }

    async fn delete_role(
        &self,
        req: Request<pb::DeleteRoleRequest>,
    ) -> Result<Response<()>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::ROLES_WRITE).await?;
                let id = role_id(&req.get_ref().id, "id")?;
                self.core
                    .rbac
                    .delete_role(&who, id)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(()))
            })
            .await
    }

    async fn list_policies(
        &self,
        req: Request<pb::ListPoliciesRequest>,
    ) -> Result<Response<pb::ListPoliciesResponse>, Status> {
        let who = self.core.principal_for(&req, scopes::ROLES_READ).await?;
        let policies = self
            .core
            .rbac
            .list_policies(&who)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(pb::ListPoliciesResponse {
            policies: policies.iter().map(policy_to_pb).collect(),
        }))
    }

    async fn get_policy(
        &self,
        req: Request<pb::GetPolicyRequest>,
    ) -> Result<Response<pb::Policy>, Status> {
        let who = self.core.principal_for(&req, scopes::ROLES_READ).await?;
        let p = self
            .core
            .rbac
            .get_policy(&who, req.get_ref().id_or_name.trim())
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(policy_to_pb(&p)))
    }

    async fn create_policy(
        &self,
        req: Request<pb::CreatePolicyRequest>,
    ) -> Result<Response<pb::Policy>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::ROLES_WRITE).await?;
                let new = new_policy_from_pb(req.get_ref().policy.as_ref())
                    .map_err(IntoStatus::into_status)?;
                let p = self
                    .core
                    .rbac
                    .create_policy(&who, new)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(policy_to_pb(&p)))
            })
            .await
    }

    async fn update_policy(
        &self,
        req: Request<pb::UpdatePolicyRequest>,
    ) -> Result<Response<pb::Policy>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::ROLES_WRITE).await?;
                let r = req.get_ref();
                let p = r.policy.as_ref().ok_or_else(|| {
                    FieldViolations::single("policy", "is required").into_status()
                })?;
                let id = policy_id(&p.id, "policy.id")?;
                let changes = policy_changes_from_pb(p, r.update_mask.as_ref())
                    .map_err(IntoStatus::into_status)?;
                let p = self
                    .core
                    .rbac
                    .update_policy(&who, id, &changes)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(policy_to_pb(&p)))
            })
            .await
    }

    async fn delete_policy(
        &self,
        req: Request<pb::DeletePolicyRequest>,
    ) -> Result<Response<()>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::ROLES_WRITE).await?;
                let id = policy_id(&req.get_ref().id, "id")?;
                self.core
                    .rbac
                    .delete_policy(&who, id)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(()))
            })
            .await
    }
}
