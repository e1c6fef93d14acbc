//! The roster.v1 contract, generated at build time from `proto/roster/v1`.
//!
//! Everything outside this crate talks to Roster through these types: the user service
//! implements the servers, the gateway and internal callers use the clients.

/// Generated messages, clients and servers of package `roster.v1`.
pub mod v1 {
    #![allow(
        missing_docs,
        missing_debug_implementations,
        unreachable_pub,
        clippy::all,
        clippy::pedantic
    )]
    tonic::include_proto!("roster.v1");
}

/// The encoded `FileDescriptorSet` of the contract (and the google types it imports), for
/// gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("roster_descriptor");

/// gRPC request metadata naming the roles a call acts with (CloudAPI `as-role`): a
/// comma-separated list of the caller's role names. Without it the caller's default roles
/// are in force.
pub const AS_ROLE_METADATA: &str = "roster-as-role";

/// gRPC request metadata carrying the address of the client a gateway serves (an IPv4 or
/// IPv6 address), for secret-key address restrictions. The user service believes it only
/// from a peer in its `trusted_gateways`; from anyone else the peer's own address counts.
pub const CLIENT_ADDRESS_METADATA: &str = "roster-client-address";

#[cfg(test)]
mod tests {
    use prost::Message as _;

    #[test]
    fn the_descriptor_set_decodes_and_names_every_service() {
        let fds = prost_types::FileDescriptorSet::decode(super::FILE_DESCRIPTOR_SET)
            .expect("descriptor set decodes");
        let services: Vec<String> = fds
            .file
            .iter()
            .filter(|f| f.package() == "roster.v1")
            .flat_map(|f| f.service.iter().map(|s| s.name().to_owned()))
            .collect();
        for name in [
            "UserService",
            "GroupService",
            "TenantService",
            "AuthService",
            "KeyService",
            "RoleService",
            "FolderService",
        ] {
            assert!(
                services.iter().any(|s| s == name),
                "{name} missing from {services:?}"
            );
        }
    }
}
