//! Attacks on Roster's credentials, each tried the way an attacker would: over gRPC directly
//! and through the gateway.

mod replay;
