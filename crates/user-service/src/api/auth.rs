//! `roster.v1.AuthService`.

use crate::convert::time::to_pb;
use crate::core::{Core, Store};
use crate::status::{IntoStatus, status};
use crate::tokens::scopes;
use roster_domain::FieldViolations;
use roster_domain::auth::{Credential, PrincipalKind};
use roster_proto::v1 as pb;
use roster_proto::v1::ErrorReason;
use std::sync::Arc;
use std::time::Duration;
use tonic::{Code, Request, Response, Status};

#[derive(Debug)]
pub struct AuthApi<R> {
    core: Arc<Core<R>>,
}

impl<R> AuthApi<R> {
    pub fn new(core: Arc<Core<R>>) -> Self {
        Self { core }
    }
}

fn credential(r: pb::AuthenticateRequest) -> Result<Credential, FieldViolations> {
    use pb::authenticate_request::Credential as C;
    match r.credential {
        Some(C::Organization(o)) => Ok(Credential::Organization {
            user_secret: o.user_secret,
            organization_secret: o.organization_secret,
        }),
        Some(C::IntegrationKey(k)) => Ok(Credential::IntegrationKey {
            company_id: k.company_id,
            key: k.integration_key,
        }),
        None => Err(FieldViolations::single("credential", "is required")),
    }
}

#[tonic::async_trait]
impl<R: Store> pb::auth_service_server::AuthService for AuthApi<R> {
    async fn authenticate(
        &self,
        req: Request<pb::AuthenticateRequest>,
    ) -> Result<Response<pb::AuthenticateResponse>, Status> {
        let cred = credential(req.into_inner()).map_err(IntoStatus::into_status)?;
        let principal = self
            .core
            .auth
            .authenticate(&cred)
            .await
            .map_err(IntoStatus::into_status)?;
        let granted: &[&str] = if principal.is_admin() {
            scopes::TENANT_ADMIN
        } else {
            &[]
        };
        let (subject, user_id) = match &principal.kind {
            PrincipalKind::Integration => (
                format!("integration:{}", principal.tenant.company_id),
                String::new(),
            ),
            PrincipalKind::User(u) => (u.id.to_string(), u.id.to_string()),
        };
        let issued = self
            .core
            .tokens
            .issue(
                Some(principal.tenant.id),
                &subject,
                granted,
                Some(self.core.authenticate_ttl),
                self.core.now(),
            )
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(pb::AuthenticateResponse {
            token: issued.token,
            expire_time: Some(to_pb(issued.expires)),
            tenant_id: principal.tenant.id.to_string(),
            user_id,
            scopes: granted.iter().map(|s| (*s).to_owned()).collect(),
        }))
    }

    async fn issue_token(
        &self,
        req: Request<pb::IssueTokenRequest>,
    ) -> Result<Response<pb::IssueTokenResponse>, Status> {
        let (tenant, caller) = self.core.tenant_caller(&req, scopes::TOKENS_ISSUE)?;
        let r = req.into_inner();
        let wanted: Vec<String> = if r.scopes.is_empty() {
            caller.scopes.iter().cloned().collect()
        } else {
            r.scopes
        };
        if let Some(extra) = wanted.iter().find(|s| !caller.has(s)) {
            return Err(status(
                Code::PermissionDenied,
                format!("cannot grant `{extra}`: the caller does not hold it"),
                ErrorReason::MissingScope,
                &[("scope", extra.clone())],
                None,
            ));
        }
        let ttl = match r.ttl {
            Some(d) if d.seconds > 0 && d.nanos >= 0 => {
                Some(Duration::from_secs(d.seconds.unsigned_abs()))
            }
            Some(_) => return Err(FieldViolations::single("ttl", "must be positive").into_status()),
            None => None,
        };
        let subject = if r.subject.trim().is_empty() {
            caller.subject.clone()
        } else {
            r.subject.trim().to_owned()
        };
        let wanted_refs: Vec<&str> = wanted.iter().map(String::as_str).collect();
        let issued = self
            .core
            .tokens
            .issue(Some(tenant), &subject, &wanted_refs, ttl, self.core.now())
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(pb::IssueTokenResponse {
            token: issued.token,
            expire_time: Some(to_pb(issued.expires)),
        }))
    }
}
