//! The gRPC cross-tenant matrix (placeholder: it is written on another branch).
