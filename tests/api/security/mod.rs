//! The security suite: each attack on the tenant's authority, tried at every door (the four
//! dialects and gRPC), answered with that door's own refusal, and the data read back and
//! compared afterwards so that a refusal that still wrote something fails.

mod cloudapi;
mod escalation;
mod owner;
