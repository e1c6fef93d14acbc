//! gRPC clients of a test server, each call carrying a bearer token, and readers of the
//! statuses they fail with.

use super::app::TestApp;
use roster_proto::v1::auth_service_client::AuthServiceClient;
use roster_proto::v1::event_service_client::EventServiceClient;
use roster_proto::v1::folder_service_client::FolderServiceClient;
use roster_proto::v1::group_service_client::GroupServiceClient;
use roster_proto::v1::idempotency_service_client::IdempotencyServiceClient;
use roster_proto::v1::key_service_client::KeyServiceClient;
use roster_proto::v1::provisioning_token_service_client::ProvisioningTokenServiceClient;
use roster_proto::v1::role_service_client::RoleServiceClient;
use roster_proto::v1::secret_key_service_client::SecretKeyServiceClient;
use roster_proto::v1::tenant_service_client::TenantServiceClient;
use roster_proto::v1::user_service_client::UserServiceClient;
use roster_proto::v1::webhook_service_client::WebhookServiceClient;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt as _;

/// Adds `authorization: Bearer <token>` to every call.
#[derive(Debug, Clone)]
pub(crate) struct Bearer(Option<MetadataValue<Ascii>>);

impl Bearer {
    pub(crate) fn token(token: &str) -> Self {
        Self(Some(
            format!("Bearer {token}").parse().expect("ASCII token"),
        ))
    }
}

impl Interceptor for Bearer {
    fn call(&mut self, mut req: tonic::Request<()>) -> Result<tonic::Request<()>, Status> {
        if let Some(v) = &self.0 {
            req.metadata_mut().insert("authorization", v.clone());
        }
        Ok(req)
    }
}

type Authorized = InterceptedService<Channel, Bearer>;
pub(crate) type Users = UserServiceClient<Authorized>;
pub(crate) type Groups = GroupServiceClient<Authorized>;
pub(crate) type Tenants = TenantServiceClient<Authorized>;
pub(crate) type Auth = AuthServiceClient<Authorized>;
pub(crate) type Roles = RoleServiceClient<Authorized>;
pub(crate) type Keys = KeyServiceClient<Authorized>;
pub(crate) type SecretKeys = SecretKeyServiceClient<Authorized>;
pub(crate) type Folders = FolderServiceClient<Authorized>;
pub(crate) type ProvisioningTokens = ProvisioningTokenServiceClient<Authorized>;
pub(crate) type Idempotency = IdempotencyServiceClient<Authorized>;
pub(crate) type Events = EventServiceClient<Authorized>;
pub(crate) type Webhooks = WebhookServiceClient<Authorized>;

impl TestApp {
    pub(crate) fn users(&self, token: &str) -> Users {
        UserServiceClient::with_interceptor(self.channel.clone(), Bearer::token(token))
    }

    pub(crate) fn groups(&self, token: &str) -> Groups {
        GroupServiceClient::with_interceptor(self.channel.clone(), Bearer::token(token))
    }

    pub(crate) fn tenants(&self, token: &str) -> Tenants {
        TenantServiceClient::with_interceptor(self.channel.clone(), Bearer::token(token))
    }

    pub(crate) fn roster_roles(&self, token: &str) -> Roles {
        RoleServiceClient::with_interceptor(self.channel.clone(), Bearer::token(token))
    }

    pub(crate) fn roster_keys(&self, token: &str) -> Keys {
        KeyServiceClient::with_interceptor(self.channel.clone(), Bearer::token(token))
    }

    pub(crate) fn secret_keys(&self, token: &str) -> SecretKeys {
        SecretKeyServiceClient::with_interceptor(self.channel.clone(), Bearer::token(token))
    }

    pub(crate) fn folders(&self, token: &str) -> Folders {
        FolderServiceClient::with_interceptor(self.channel.clone(), Bearer::token(token))
    }

    pub(crate) fn events(&self, token: &str) -> Events {
        EventServiceClient::with_interceptor(self.channel.clone(), Bearer::token(token))
    }

    pub(crate) fn webhooks(&self, token: &str) -> Webhooks {
        WebhookServiceClient::with_interceptor(self.channel.clone(), Bearer::token(token))
    }

    pub(crate) fn provisioning_tokens(&self, token: &str) -> ProvisioningTokens {
        ProvisioningTokenServiceClient::with_interceptor(self.channel.clone(), Bearer::token(token))
    }

    /// The idempotency service, with a token or anonymously.
    pub(crate) fn idempotency(&self, token: Option<&str>) -> Idempotency {
        let b = token.map_or(Bearer(None), Bearer::token);
        IdempotencyServiceClient::with_interceptor(self.channel.clone(), b)
    }

    /// The authentication service, with a token or anonymously.
    pub(crate) fn auth(&self, token: Option<&str>) -> Auth {
        let b = token.map_or(Bearer(None), Bearer::token);
        AuthServiceClient::with_interceptor(self.channel.clone(), b)
    }
}

/// The status of a call that must fail with `code`.
#[track_caller]
pub(crate) fn expect_code<T: std::fmt::Debug>(r: Result<T, Status>, code: Code) -> Status {
    match r {
        Ok(v) => panic!("expected {code:?}, got a success: {v:?}"),
        Err(s) => {
            assert_eq!(s.code(), code, "unexpected status: {s:?}");
            s
        }
    }
}

/// The ErrorInfo reason of a status.
pub(crate) fn reason(s: &Status) -> String {
    s.get_details_error_info()
        .map(|i| i.reason)
        .unwrap_or_default()
}

/// The ErrorInfo metadata `key` of a status.
pub(crate) fn info(s: &Status, key: &str) -> String {
    s.get_details_error_info()
        .and_then(|i| i.metadata.get(key).cloned())
        .unwrap_or_default()
}

/// The fields named by a status's BadRequest violations.
pub(crate) fn violated_fields(s: &Status) -> Vec<String> {
    s.get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}
