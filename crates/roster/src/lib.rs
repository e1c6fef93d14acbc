//! The `roster` binary's library: settings, keys, the composition root and the operator
//! commands, so that black-box tests can start the same servers the binary does.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config_reference;
pub mod keys;
pub mod relay;
pub mod settings;
pub mod shutdown;
pub mod telemetry;
pub mod webhooks;

pub use app::{Role, Server, start};
pub use settings::Settings;
