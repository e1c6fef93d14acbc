//! The gRPC server: the roster.v1 services, health (per service and overall) and
//! reflection v1 and v1alpha (grpcurl 1.8 speaks only v1alpha).

use crate::api::{
    AuthApi, EventsApi, FoldersApi, GroupsApi, IdempotencyApi, KeysApi, ProvisioningTokensApi,
    RolesApi, SecretKeysApi, TenantsApi, UsersApi, WebhooksApi,
};
use crate::core::{Core, Store};
use crate::in_process::InProcessService;
use roster_proto::v1::auth_service_server::AuthServiceServer;
use roster_proto::v1::event_service_server::EventServiceServer;
use roster_proto::v1::folder_service_server::FolderServiceServer;
use roster_proto::v1::group_service_server::GroupServiceServer;
use roster_proto::v1::idempotency_service_server::IdempotencyServiceServer;
use roster_proto::v1::key_service_server::KeyServiceServer;
use roster_proto::v1::provisioning_token_service_server::ProvisioningTokenServiceServer;
use roster_proto::v1::role_service_server::RoleServiceServer;
use roster_proto::v1::secret_key_service_server::SecretKeyServiceServer;
use roster_proto::v1::tenant_service_server::TenantServiceServer;
use roster_proto::v1::user_service_server::UserServiceServer;
use roster_proto::v1::webhook_service_server::WebhookServiceServer;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tonic::server::NamedService;
use tonic::service::Routes;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;
use tonic_health::pb::health_server::HealthServer;
use tonic_health::server::{HealthReporter, HealthService};

/// Largest request or response: a 10 000-user batch fits with room to spare.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot build reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error(transparent)]
    Transport(#[from] tonic::transport::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Every service the user service answers, on one set of routes: the gRPC listener and the
/// in-process door serve the same.
fn routes<R: Store>(core: Arc<Core<R>>, health: &HealthReporter) -> Result<Routes, ServeError> {
    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(roster_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(roster_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        // google.rpc error details, so that grpcurl can show them.
        .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;
    let users = UserServiceServer::new(UsersApi::new(Arc::clone(&core)))
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    let groups = GroupServiceServer::new(GroupsApi::new(Arc::clone(&core)));
    let tenants = TenantServiceServer::new(TenantsApi::new(Arc::clone(&core)));
    let keys = KeyServiceServer::new(KeysApi::new(Arc::clone(&core)));
    let roles = RoleServiceServer::new(RolesApi::new(Arc::clone(&core)));
    let folders = FolderServiceServer::new(FoldersApi::new(Arc::clone(&core)));
    let secret_keys = SecretKeyServiceServer::new(SecretKeysApi::new(Arc::clone(&core)));
    let provisioning =
        ProvisioningTokenServiceServer::new(ProvisioningTokensApi::new(Arc::clone(&core)));
    // Complete carries a whole HTTP answer, as large as a 10 000-user batch's.
    let idempotency = IdempotencyServiceServer::new(IdempotencyApi::new(Arc::clone(&core)))
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    let events = EventServiceServer::new(EventsApi::new(Arc::clone(&core)));
    let webhooks = WebhookServiceServer::new(WebhooksApi::new(Arc::clone(&core)));
    let auth = AuthServiceServer::new(AuthApi::new(core));
    Ok(
        Routes::new(HealthServer::new(HealthService::from_health_reporter(
            health.clone(),
        )))
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(users)
        .add_service(groups)
        .add_service(tenants)
        .add_service(auth)
        .add_service(keys)
        .add_service(roles)
        .add_service(folders)
        .add_service(secret_keys)
        .add_service(provisioning)
        .add_service(idempotency)
        .add_service(events)
        .add_service(webhooks),
    )
}

/// A bound, not yet serving, gRPC server.
#[derive(Debug)]
pub struct GrpcServer<R> {
    listener: TcpListener,
    addr: SocketAddr,
    core: Arc<Core<R>>,
    health: HealthReporter,
}

/// Turns the health service NOT_SERVING while the server goes on serving, so that load
/// balancers and Kubernetes stop sending before the listener closes (see
/// [`GrpcServer::readiness`]).
#[derive(Debug, Clone)]
pub struct Readiness(HealthReporter);

impl Readiness {
    /// Every service, and the server as a whole (`""`), reports NOT_SERVING from now on.
    pub async fn set_not_serving(&self) {
        set_all(&self.0, ServingStatus::NotServing).await;
    }
}

const SERVICES: [&str; 12] = [
    <UserServiceServer<UsersApi<()>> as NamedService>::NAME,
    <GroupServiceServer<GroupsApi<()>> as NamedService>::NAME,
    <TenantServiceServer<TenantsApi<()>> as NamedService>::NAME,
    <AuthServiceServer<AuthApi<()>> as NamedService>::NAME,
    <KeyServiceServer<KeysApi<()>> as NamedService>::NAME,
    <RoleServiceServer<RolesApi<()>> as NamedService>::NAME,
    <FolderServiceServer<FoldersApi<()>> as NamedService>::NAME,
    <SecretKeyServiceServer<SecretKeysApi<()>> as NamedService>::NAME,
    <ProvisioningTokenServiceServer<ProvisioningTokensApi<()>> as NamedService>::NAME,
    <IdempotencyServiceServer<IdempotencyApi<()>> as NamedService>::NAME,
    <EventServiceServer<EventsApi<()>> as NamedService>::NAME,
    <WebhookServiceServer<WebhooksApi<()>> as NamedService>::NAME,
];

async fn set_all(health: &HealthReporter, status: ServingStatus) {
    health.set_service_status("", status).await;
    for s in SERVICES {
        health.set_service_status(s, status).await;
    }
}

impl<R: Store> GrpcServer<R> {
    /// Binds first, so that the address is known (port 0 in tests) before anyone connects.
    pub async fn bind(addr: SocketAddr, core: Arc<Core<R>>) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        // SERVING from the moment the port is bound, so that a shutdown that begins before
        // `run_until` is first polled cannot be overwritten by a late SERVING.
        let health = HealthReporter::new();
        set_all(&health, ServingStatus::Serving).await;
        Ok(Self {
            listener,
            addr,
            core,
            health,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The same services for callers in this process, without the socket (see
    /// [`crate::in_process`]); they stay up after the listener stops.
    pub fn in_process(&self) -> Result<InProcessService, ServeError> {
        Ok(crate::in_process::service(routes(
            Arc::clone(&self.core),
            &self.health,
        )?))
    }

    /// A handle that reports not-ready ahead of the stop, for a drained shutdown.
    pub fn readiness(&self) -> Readiness {
        Readiness(self.health.clone())
    }

    /// Serves until `stop` completes; health turns NOT_SERVING first, then in-flight calls
    /// finish.
    pub async fn run_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let health = self.health;
        let routes = routes(self.core, &health)?;
        let shutdown = async move {
            stop.await;
            set_all(&health, ServingStatus::NotServing).await;
        };
        Server::builder()
            .layer(crate::telemetry::TelemetryLayer)
            // Inside telemetry, so that a call answered DEADLINE_EXCEEDED is counted as such.
            .layer(crate::deadline::DeadlineLayer)
            .add_routes(routes)
            // Without TCP_NODELAY small HTTP/2 frames wait on delayed ACKs (~40 ms a call).
            .serve_with_incoming_shutdown(
                TcpIncoming::from(self.listener).with_nodelay(Some(true)),
                shutdown,
            )
            .await?;
        Ok(())
    }
}
