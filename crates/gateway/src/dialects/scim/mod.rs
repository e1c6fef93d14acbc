//! SCIM 2.0 (RFC 7643 / RFC 7644) at `/scim/v2`: the schema table and the filter and path
//! language. (The handlers come with the lead's merge, which replaces this file.)

pub(crate) mod filter;
pub(crate) mod schema;
