//! Validated values. Each is built only through its `parse`, so holding one proves it valid.

mod company_id;
mod email;
mod external_id;
mod folder_name;
mod group_path;
mod login;
mod metadata;
mod password;
mod ssh_key;
mod tenant_login;
mod text;

pub use company_id::{CompanyId, CompanyIdError};
pub use email::{Email, EmailError};
pub use external_id::{ExternalId, ExternalIdError};
pub use folder_name::{FolderName, FolderNameError};
pub use group_path::{GroupName, GroupNameError, GroupPath, GroupPathError};
pub use login::{Login, LoginError};
pub use metadata::{Metadata, MetadataError};
pub use password::{Password, PasswordError, PasswordHash};
pub use ssh_key::{SshKeyError, SshPublicKey};
pub use tenant_login::{RESERVED_TENANT_LOGINS, TenantLogin, TenantLoginError};
pub use text::{ProfileText, TextError};

/// True for characters that never belong in an identifier or a name.
pub(crate) fn is_forbidden_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{FEFF}')
}
