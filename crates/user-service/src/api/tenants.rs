//! `roster.v1.TenantService`.

use crate::convert::tenants::tenant_to_pb;
use crate::convert::users::user_to_pb;
use crate::core::{Core, Store};
use crate::ssh::parse_public_key;
use crate::status::{IntoStatus, missing_scope};
use crate::tokens::scopes;
use roster_domain::tenants::{NewTenant, TenantKey};
use roster_domain::values::{CompanyId, Email, ProfileText, TenantLogin};
use roster_domain::{FieldViolations, TenantId};
use roster_proto::v1 as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status};

#[derive(Debug)]
pub struct TenantsApi<R> {
    core: Arc<Core<R>>,
}

impl<R> TenantsApi<R> {
    pub fn new(core: Arc<Core<R>>) -> Self {
        Self { core }
    }
}

/// A tenant as an operator describes it, validated.
pub fn new_tenant_from_pb(r: &pb::CreateTenantRequest) -> Result<NewTenant, FieldViolations> {
    let mut v = FieldViolations::new();
    let login = v.check("login", TenantLogin::parse(&r.login));
    let name = v.check("name", ProfileText::parse(&r.name)).flatten();
    let company_id = r
        .company_id
        .and_then(|c| v.check("company_id", CompanyId::parse(c)));
    let admin_email = v.check("admin_email", Email::parse(&r.admin_email));
    let owner_keys: Vec<_> = r
        .owner_ssh_keys
        .iter()
        .enumerate()
        .filter_map(|(i, k)| v.check(&format!("owner_ssh_keys[{i}]"), parse_public_key(k, None)))
        .collect();
    match (login, admin_email) {
        (Some(login), Some(admin_email)) if v.is_empty() => Ok(NewTenant {
            login,
            name,
            company_id,
            admin_email,
            owner_keys,
        }),
        _ => Err(v),
    }
}

#[tonic::async_trait]
impl<R: Store> pb::tenant_service_server::TenantService for TenantsApi<R> {
    async fn create_tenant(
        &self,
        req: Request<pb::CreateTenantRequest>,
    ) -> Result<Response<pb::CreateTenantResponse>, Status> {
        self.core
            .once(req, |req| async move {
                let caller = self.core.caller(&req).await?;
                if !caller.has(scopes::ADMIN) {
                    return Err(missing_scope(scopes::ADMIN));
                }
                let who = self.core.principal_of(&req, caller).await?;
                let new = new_tenant_from_pb(req.get_ref()).map_err(IntoStatus::into_status)?;
                let c = self
                    .core
                    .tenants
                    .create(&who, new)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(pb::CreateTenantResponse {
                    tenant: Some(tenant_to_pb(&c.tenant)),
                    admin: Some(user_to_pb(&c.admin)),
                    admin_secret: c.admin_secret,
                    integration_key: c.integration_key,
                    organization_secret: c.organization_secret,
                }))
            })
            .await
    }

    async fn get_tenant(
        &self,
        req: Request<pb::GetTenantRequest>,
    ) -> Result<Response<pb::Tenant>, Status> {
        use pb::get_tenant_request::Key;
        let caller = self.core.caller(&req).await?;
        let bad = |f: &str, e: String| FieldViolations::single(f, e).into_status();
        let key = match req.get_ref().key.clone() {
            None => {
                if !caller.has(scopes::TENANT_READ) {
                    return Err(missing_scope(scopes::TENANT_READ));
                }
                let own = caller
                    .tenant
                    .ok_or_else(|| missing_scope(scopes::TENANT_READ))?;
                TenantKey::Id(own)
            }
            Some(Key::Id(id)) => {
                TenantKey::Id(TenantId::parse(&id).map_err(|e| bad("id", e.to_string()))?)
            }
            Some(Key::Login(l)) => {
                TenantKey::Login(TenantLogin::parse(&l).map_err(|e| bad("login", e.to_string()))?)
            }
            Some(Key::CompanyId(c)) => TenantKey::CompanyId(
                CompanyId::parse(c).map_err(|e| bad("company_id", e.to_string()))?,
            ),
        };
        // Anyone may learn that a tenant exists (CloudAPI answers 403, not 404, for another
        // existing account); only its own readers and installation administrators see it.
        let who = self.core.principal_of(&req, caller).await?;
        let t = self
            .core
            .tenants
            .get(&who, &key)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(tenant_to_pb(&t)))
    }

    async fn list_tenants(
        &self,
        req: Request<pb::ListTenantsRequest>,
    ) -> Result<Response<pb::ListTenantsResponse>, Status> {
        let caller = self.core.caller(&req).await?;
        if !caller.has(scopes::ADMIN) {
            return Err(missing_scope(scopes::ADMIN));
        }
        let who = self.core.principal_of(&req, caller).await?;
        let r = req.into_inner();
        let limit = super::page_size(r.page_size).map_err(IntoStatus::into_status)?;
        let after = self.core.pages.open_key("tenants", b"", &r.page_token)?;
        let (tenants, more) = self
            .core
            .tenants
            .list(&who, after, limit)
            .await
            .map_err(IntoStatus::into_status)?;
        let next_page_token = match tenants.last() {
            Some(t) if more => self.core.pages.seal_key("tenants", b"", &t.login.key()),
            _ => String::new(),
        };
        Ok(Response::new(pb::ListTenantsResponse {
            tenants: tenants.iter().map(tenant_to_pb).collect(),
            next_page_token,
        }))
    }

    async fn delete_tenant(
        &self,
        req: Request<pb::DeleteTenantRequest>,
    ) -> Result<Response<()>, Status> {
        self.core
            .once(req, |req| async move {
                let caller = self.core.caller(&req).await?;
                if !caller.has(scopes::ADMIN) {
                    return Err(missing_scope(scopes::ADMIN));
                }
                let who = self.core.principal_of(&req, caller).await?;
                let id = TenantId::parse(&req.get_ref().id)
                    .map_err(|e| FieldViolations::single("id", e).into_status())?;
                self.core
                    .tenants
                    .delete(&who, id)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(()))
            })
            .await
    }
}
