//! The cross-tenant matrix: every route of every dialect and every RPC, called with tenant
//! B's valid credentials naming tenant A's records, never answers with A's data and never
//! changes it.

mod grpc;
mod rest;
