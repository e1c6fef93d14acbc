//! The HTTP client deliveries go through: hyper over rustls on ring with Mozilla's roots, no
//! redirects followed (a receiver's 3xx is a failed attempt, never a way to another host), a
//! deadline per attempt, and, unless the installation allows private targets, a resolver
//! that drops every address inside Roster's network, so a name that resolves (or is made to
//! resolve) to 127.0.0.1 or 169.254.169.254 reaches nothing.

use anyhow::{Context as _, Result};
use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::rt::TokioExecutor;
use roster_domain::webhooks::is_public;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// Resolves with the system resolver; keeps only public addresses unless told otherwise.
#[derive(Debug, Clone)]
struct Resolver {
    allow_private: bool,
}

type Resolving =
    Pin<Box<dyn Future<Output = std::io::Result<std::vec::IntoIter<SocketAddr>>> + Send>>;

impl tower_service::Service<Name> for Resolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = Resolving;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(std::io::Error::other(format!(
                    "{host} has no address webhooks may reach"
                )));
            }
            Ok(found.into_iter())
        })
    }
}

type Connector = hyper_rustls::HttpsConnector<HttpConnector<Resolver>>;

/// Sends webhook requests.
#[derive(Debug, Clone)]
pub(super) struct Client {
    inner: HyperClient<Connector, Full<Bytes>>,
    timeout: Duration,
}

impl Client {
    pub(super) fn new(timeout: Duration, allow_private: bool) -> Result<Self> {
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .context("TLS versions")?
        .with_root_certificates(rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        })
        .with_no_client_auth();
        let mut http = HttpConnector::new_with_resolver(Resolver { allow_private });
        http.enforce_http(false);
        http.set_connect_timeout(Some(timeout));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(Self {
            inner: HyperClient::builder(TokioExecutor::new()).build(https),
            timeout,
        })
    }

    /// POSTs `body` with `headers`; the answer's status, or why there was none.
    pub(super) async fn post(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: String,
    ) -> Result<http::StatusCode, String> {
        let mut req = http::Request::post(url);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let req = req
            .header(
                http::header::USER_AGENT,
                concat!("Roster-Webhooks/", env!("CARGO_PKG_VERSION")),
            )
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("cannot make the request: {e}"))?;
        match tokio::time::timeout(self.timeout, self.inner.request(req)).await {
            Ok(Ok(answer)) => Ok(answer.status()),
            Ok(Err(e)) => Err(format!("no answer: {}", root_cause(&e))),
            Err(_) => Err(format!("no answer within {} s", self.timeout.as_secs())),
        }
    }
}

/// The innermost error: hyper's outer ones only say "client error (Connect)".
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}
