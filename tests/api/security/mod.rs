//! The security suite: one matrix of attacks across every door (gRPC, CloudAPI, Cloud
//! Elements, Forms On Fire, SureCloud). Each test records the data an attack aims at, makes
//! the attack with credentials that are valid but must not reach that far, asserts the
//! door's own refusal (status and body shape), and reads the data back to compare: a refusal
//! that still wrote something is a failure.

mod cloudapi;
mod credentials;
mod escalation;
pub(crate) mod owner;
mod replay;
mod revocation;
mod tenants;
