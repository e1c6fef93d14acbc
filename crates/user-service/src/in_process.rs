//! The user service called from its own process, without a socket. `roster serve` runs the
//! gateway next to the user service; over loopback gRPC about a quarter of the server's time
//! went to HTTP/2 framing, socket calls and wake-ups on both ends of that hop (measured with
//! `perf` under the SCIM benchmark). In-process calls go through the same routes and the same
//! layers as the listener's (telemetry, deadlines) as the same encoded messages; only the
//! transport is left out.

use crate::deadline::DeadlineLayer;
use crate::telemetry::TelemetryLayer;
use std::convert::Infallible;
use tonic::body::Body;
use tonic::service::Routes;
use tower::ServiceExt as _;
use tower::util::BoxCloneSyncService;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The user service as a tower service over HTTP requests, as a gRPC client sends them.
pub type InProcessService =
    BoxCloneSyncService<http::Request<Body>, http::Response<Body>, BoxError>;

/// Marks a call that came in-process: it comes from this process's gateway, whose word for
/// the client's address is believed as a trusted gateway's is (see
/// [`crate::client_address`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct InProcess;

pub(crate) fn service(routes: Routes) -> InProcessService {
    let served = tower::ServiceBuilder::new()
        .map_request(|mut req: http::Request<Body>| {
            req.extensions_mut().insert(InProcess);
            req
        })
        .layer(TelemetryLayer)
        // Inside telemetry, as on the listener.
        .layer(DeadlineLayer)
        .service(routes)
        .map_err(|never: Infallible| -> BoxError { match never {} });
    BoxCloneSyncService::new(served)
}
