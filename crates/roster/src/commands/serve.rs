//! `serve`, `user-service` and `gateway`: run until SIGTERM or Ctrl-C, then drain (see
//! [`crate::shutdown`]).

use crate::app::{Role, start};
use crate::settings::Settings;
use anyhow::Result;
use std::time::Duration;

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

pub async fn run(s: &Settings, role: Role) -> Result<()> {
    let server = start(s, role).await?;
    shutdown_signal().await;
    tracing::info!("Shutting down.");
    server
        .drain(
            Duration::from_secs(s.shutdown_delay_secs),
            Duration::from_secs(s.shutdown_grace_secs),
        )
        .await
}
