//! Cross-tenant matrices: every route of every interface, called with tenant B's valid
//! credentials naming tenant A's resources, never gives B A's data or a change to it.

mod grpc;
mod rest;
