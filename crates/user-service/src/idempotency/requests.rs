//! Which requests are idempotent: every write of the contract, each with its full method
//! name, which is part of its fingerprint (the same id sent to two methods is two requests).
//! Reads, VerifyPassword, RevealApiSecret and the AuthService take no `request_id`.

use roster_proto::v1 as pb;

/// A write's request message.
pub(crate) trait Idempotent: prost::Message + Send + Sync + 'static {
    /// `package.Service/Method`.
    const METHOD: &'static str;

    /// The client's id for the request; empty for none.
    fn request_id(&self) -> &str;
}

macro_rules! idempotent {
    ($($method:literal => $request:ty,)*) => {
        /// Every idempotent method.
        #[cfg(test)]
        pub(crate) const METHODS: &[&str] = &[$($method),*];

        $(
            impl Idempotent for $request {
                const METHOD: &'static str = $method;

                fn request_id(&self) -> &str {
                    &self.request_id
                }
            }
        )*
    };
}

idempotent! {
    "roster.v1.UserService/CreateUser" => pb::CreateUserRequest,
    "roster.v1.UserService/UpdateUser" => pb::UpdateUserRequest,
    "roster.v1.UserService/DeleteUser" => pb::DeleteUserRequest,
    "roster.v1.UserService/BatchUpsertUsers" => pb::BatchUpsertUsersRequest,
    "roster.v1.UserService/ChangePassword" => pb::ChangePasswordRequest,
    "roster.v1.UserService/RecordActivity" => pb::RecordActivityRequest,
    "roster.v1.GroupService/CreateGroup" => pb::CreateGroupRequest,
    "roster.v1.GroupService/DeleteGroup" => pb::DeleteGroupRequest,
    "roster.v1.GroupService/UpdateGroup" => pb::UpdateGroupRequest,
    "roster.v1.GroupService/ChangeGroupMembers" => pb::ChangeGroupMembersRequest,
    "roster.v1.FolderService/CreateFolder" => pb::CreateFolderRequest,
    "roster.v1.FolderService/DeleteFolder" => pb::DeleteFolderRequest,
    "roster.v1.FolderService/GrantFolder" => pb::GrantFolderRequest,
    "roster.v1.FolderService/RevokeFolder" => pb::RevokeFolderRequest,
    "roster.v1.KeyService/CreateKey" => pb::CreateKeyRequest,
    "roster.v1.KeyService/DeleteKey" => pb::DeleteKeyRequest,
    "roster.v1.RoleService/CreateRole" => pb::CreateRoleRequest,
    "roster.v1.RoleService/UpdateRole" => pb::UpdateRoleRequest,
    "roster.v1.RoleService/DeleteRole" => pb::DeleteRoleRequest,
    "roster.v1.RoleService/CreatePolicy" => pb::CreatePolicyRequest,
    "roster.v1.RoleService/UpdatePolicy" => pb::UpdatePolicyRequest,
    "roster.v1.RoleService/DeletePolicy" => pb::DeletePolicyRequest,
    "roster.v1.SecretKeyService/IssueSecretKey" => pb::IssueSecretKeyRequest,
    "roster.v1.SecretKeyService/RevokeSecretKey" => pb::RevokeSecretKeyRequest,
    "roster.v1.SecretKeyService/SetSecretKeyRestrictions" => pb::SetSecretKeyRestrictionsRequest,
    "roster.v1.ProvisioningTokenService/CreateProvisioningToken" => pb::CreateProvisioningTokenRequest,
    "roster.v1.ProvisioningTokenService/RevokeProvisioningToken" => pb::RevokeProvisioningTokenRequest,
    "roster.v1.TenantService/CreateTenant" => pb::CreateTenantRequest,
    "roster.v1.TenantService/DeleteTenant" => pb::DeleteTenantRequest,
    "roster.v1.WebhookService/CreateWebhook" => pb::CreateWebhookRequest,
    "roster.v1.WebhookService/UpdateWebhook" => pb::UpdateWebhookRequest,
    "roster.v1.WebhookService/DeleteWebhook" => pb::DeleteWebhookRequest,
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message as _;

    /// Every method of the contract whose request has a `request_id` is listed, and no other.
    #[test]
    fn every_write_with_a_request_id_is_idempotent() {
        let fds = prost_types::FileDescriptorSet::decode(roster_proto::FILE_DESCRIPTOR_SET)
            .expect("the descriptor set decodes");
        let files: Vec<_> = fds
            .file
            .iter()
            .filter(|f| f.package() == "roster.v1")
            .collect();
        let with_id: Vec<String> = files
            .iter()
            .flat_map(|f| f.message_type.iter())
            .filter(|m| m.field.iter().any(|f| f.name() == "request_id"))
            .map(|m| format!(".roster.v1.{}", m.name()))
            .collect();
        let mut methods: Vec<String> = files
            .iter()
            .flat_map(|f| f.service.iter())
            .flat_map(|s| {
                s.method
                    .iter()
                    .filter(|m| with_id.iter().any(|t| t == m.input_type()))
                    .map(move |m| format!("roster.v1.{}/{}", s.name(), m.name()))
            })
            .collect();
        methods.sort();
        let mut listed: Vec<String> = METHODS.iter().map(|m| (*m).to_owned()).collect();
        listed.sort();
        assert_eq!(methods, listed);
        assert_eq!(listed.len(), 32);
    }
}
