//! `roster.v1.AuthService`.

use crate::convert::rbac::grant_to_pb;
use crate::convert::time::to_pb;
use crate::core::{Core, Store};
use crate::status::{IntoStatus, status};
use crate::tokens::{Binding, TokenError, scopes};
use roster_domain::FieldViolations;
use roster_domain::auth::{Authenticated, Credential, PrincipalKind, SignedRequest};
use roster_domain::authz::{Action, Actor, CredentialKind, Principal, authorize};
use roster_proto::v1 as pb;
use roster_proto::v1::ErrorReason;
use std::collections::BTreeSet;
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

impl<R: Store> AuthApi<R> {
    /// A user's credential exchanged for a token is a sign-in: its `last_activity` (Cloud
    /// Elements `lastLoginDate`, Forms On Fire `LastActivity`) moves to now. At most once a
    /// day per user, so that signing in is not a write on every token, and never failing the
    /// sign-in: the credential was right, the record is secondary.
    async fn record_sign_in(
        &self,
        tenant: roster_domain::TenantId,
        u: &roster_domain::users::User,
    ) {
        const DAY: i64 = 86_400;
        let now = self.core.now();
        if u.last_activity
            .is_some_and(|t| t.seconds().div_euclid(DAY) == now.seconds().div_euclid(DAY))
        {
            return;
        }
        let key = roster_domain::users::UserKey::Id(u.id);
        if let Err(e) = self
            .core
            .users
            .record_activity(&Principal::operator_in(tenant, None), &key, Some(now), None)
            .await
        {
            tracing::warn!(error = %e, "Could not record a sign-in.");
        }
    }
}

/// The credential of an `Authenticate` call from `client` (the client's address, for a
/// secret key's restrictions).
fn credential(
    r: pb::AuthenticateRequest,
    client: Option<std::net::IpAddr>,
) -> Result<Credential, FieldViolations> {
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
        Some(C::SshKey(k)) => Ok(Credential::SshKey(SignedRequest {
            account: k.account,
            user: Some(k.user).filter(|u| !u.is_empty()),
            key: k.key,
            algorithm: k.algorithm,
            message: k.signing_string.into_bytes(),
            signature: k.signature,
            method: k.method,
        })),
        Some(C::SecretKey(k)) => Ok(Credential::SecretKey {
            email: k.email,
            secret: k.secret_key,
            client,
        }),
        // Provisioning tokens are another change's (branch `tokens`); until it lands the
        // contract's new credential is refused as unknown, so that this one builds.
        Some(C::ProvisioningToken(_)) => Err(FieldViolations::single(
            "credential",
            "provisioning tokens are not accepted by this server",
        )),
        None => Err(FieldViolations::single("credential", "is required")),
    }
}

#[tonic::async_trait]
impl<R: Store> pb::auth_service_server::AuthService for AuthApi<R> {
    async fn authenticate(
        &self,
        req: Request<pb::AuthenticateRequest>,
    ) -> Result<Response<pb::AuthenticateResponse>, Status> {
        let client = self.core.client_address(&req);
        let cred = credential(req.into_inner(), client).map_err(IntoStatus::into_status)?;
        let principal = self
            .core
            .auth
            .authenticate(&cred)
            .await
            .map_err(IntoStatus::into_status)?;
        if let PrincipalKind::User(u) = &principal.kind {
            self.record_sign_in(principal.tenant.id, u).await;
        }
        let mut granted = scopes_of(&principal);
        if !principal.credential.may_mint() {
            granted.retain(|s| !scopes::CREDENTIAL_ADMIN.contains(s));
        }
        let (subject, user_id, login, role_keys) = match &principal.kind {
            PrincipalKind::Integration => (
                format!("integration:{}", principal.tenant.company_id),
                String::new(),
                String::new(),
                Vec::new(),
            ),
            PrincipalKind::User(u) => (
                u.id.to_string(),
                u.id.to_string(),
                u.login.as_str().to_owned(),
                u.role_keys().iter().map(|k| k.key().to_owned()).collect(),
            ),
        };
        let ttl = if principal.secret_key.is_some() {
            self.core.secret_key_ttl
        } else {
            self.core.authenticate_ttl
        };
        let issued = self
            .core
            .tokens
            .issue_bound(
                Some(principal.tenant.id),
                &subject,
                &granted,
                Some(ttl),
                self.core.now(),
                Binding {
                    kind: Some(match principal.kind {
                        PrincipalKind::Integration => "integration",
                        PrincipalKind::User(_) => "user",
                    }),
                    credential: Some(principal.credential.as_str()),
                    credential_id: match principal.credential {
                        CredentialKind::SshKey => {
                            principal.key.as_ref().map(|k| k.fingerprint().to_owned())
                        }
                        CredentialKind::SecretKey => principal.secret_key.map(|k| k.to_string()),
                        CredentialKind::IntegrationKey => {
                            Some(principal.tenant.company_id.to_string())
                        }
                        CredentialKind::OrganizationSecret
                        | CredentialKind::Password
                        | CredentialKind::ServiceToken
                        | CredentialKind::Operator => None,
                    },
                    epoch: Some(principal.epoch),
                    secret_key: principal.secret_key.map(|k| k.to_string()),
                },
            )
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(pb::AuthenticateResponse {
            token: issued.token,
            expire_time: Some(to_pb(issued.expires)),
            tenant_id: principal.tenant.id.to_string(),
            user_id,
            scopes: granted.iter().map(|s| (*s).to_owned()).collect(),
            login,
            owner: principal.is_owner(),
            public_key: principal
                .key
                .as_ref()
                .map(|k| k.line().to_owned())
                .unwrap_or_default(),
            roles: principal.grants.iter().map(grant_to_pb).collect(),
            tenant_login: principal.tenant.login.as_str().to_owned(),
            owner_user_id: principal
                .tenant
                .owner
                .map(|o| o.to_string())
                .unwrap_or_default(),
            role_keys,
        }))
    }

    async fn issue_token(
        &self,
        req: Request<pb::IssueTokenRequest>,
    ) -> Result<Response<pb::IssueTokenResponse>, Status> {
        let who = self.core.principal_for(&req, scopes::TOKENS_ISSUE).await?;
        authorize(&who, Action::IssueToken, None).map_err(IntoStatus::into_status)?;
        let caller = self.core.caller(&req).await?;
        let tenant = who
            .tenant
            .ok_or_else(|| TokenError::Invalid.into_status())?;
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
        // A token never outlives the one that asked for it.
        let left = Duration::from_secs(
            u64::try_from(caller.expires - self.core.now().seconds()).unwrap_or(0),
        );
        let ttl = Some(
            ttl.unwrap_or(self.core.tokens.config().default_ttl)
                .min(left),
        );
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

    async fn introspect_token(
        &self,
        req: Request<pb::IntrospectTokenRequest>,
    ) -> Result<Response<pb::IntrospectTokenResponse>, Status> {
        let caller = self.core.caller(&req).await?;
        // The same checks as any call: a token whose user is gone, disabled or whose epoch
        // moved is refused here too, not only on the call it was asked about.
        let who = self.core.principal_of(&req, caller.clone()).await?;
        Ok(Response::new(pb::IntrospectTokenResponse {
            principal: match &who.actor {
                Actor::Operator => "operator",
                Actor::Member(m) if m.owner => "owner",
                Actor::Member(_) => "member",
                Actor::Integration => "integration",
                Actor::Service => "service",
            }
            .to_owned(),
            credential: who.credential.as_str().to_owned(),
            credential_id: who.credential_id.clone().unwrap_or_default(),
            tenant_id: caller.tenant.map(|t| t.to_string()).unwrap_or_default(),
            subject: caller.subject,
            scopes: caller.scopes.into_iter().collect(),
            expire_time: Some(prost_types::Timestamp {
                seconds: caller.expires,
                nanos: 0,
            }),
            secret_key_id: caller.secret_key.unwrap_or_default(),
        }))
    }
}

/// What a principal may do: everything for administrators (the owner, admin users and
/// integration credentials), otherwise what the actions of all its roles need. Which of its
/// roles are active is decided per request by the dialect, within these scopes.
fn scopes_of(p: &Authenticated) -> Vec<&'static str> {
    if p.is_admin() {
        return scopes::TENANT_ADMIN.to_vec();
    }
    let mut out = BTreeSet::new();
    // SureCloud's Secret Key Administrator: the policy decides whose keys.
    if let PrincipalKind::User(u) = &p.kind
        && u.holds(roster_domain::rbac::BuiltInRole::SecretKeyAdmin)
    {
        out.insert(scopes::SECRET_KEYS_WRITE);
    }
    for action in p.grants.iter().flat_map(|g| g.actions.iter()) {
        if action == "*" {
            out.extend(
                roster_domain::rbac::KNOWN_ACTIONS
                    .iter()
                    .filter_map(|a| scopes::for_action(a)),
            );
        } else if let Some(s) = scopes::for_action(action) {
            out.insert(s);
        }
    }
    out.into_iter().collect()
}
