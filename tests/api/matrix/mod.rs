//! The cross-tenant matrix: every route and every RPC, called with one tenant's credentials
//! naming another tenant's records, never answers with the other tenant's data and never
//! changes it.

mod grpc;
