//! Identifiers. UUID v7, so that new rows land at the end of their indexes.

use std::fmt;
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh identifier.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            /// Accepts the hyphenated and the 32-hex-digit forms (Forms On Fire sends both).
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                Uuid::try_parse(raw.trim()).map(Self).map_err(|_| IdError)
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

uuid_id!(
    /// A user's stable identifier.
    UserId
);
uuid_id!(
    /// A tenant's stable identifier.
    TenantId
);
uuid_id!(
    /// A group's stable identifier.
    GroupId
);
uuid_id!(
    /// A role's stable identifier.
    RoleId
);
uuid_id!(
    /// A policy's stable identifier.
    PolicyId
);
uuid_id!(
    /// A folder's stable identifier.
    FolderId
);
uuid_id!(
    /// A provisioning token's stable identifier (see [`crate::provisioning`]).
    ProvisioningTokenId
);
uuid_id!(
    /// A webhook subscription's stable identifier (see [`crate::webhooks`]).
    WebhookId
);

/// The text is not a UUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a UUID")]
pub struct IdError;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_with_and_without_dashes() {
        let a = UserId::parse("0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6").unwrap();
        let b = UserId::parse("0192f3a45b6c7d8e9fa0b1c2d3e4f5a6").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6");
        assert_eq!(UserId::parse("nope"), Err(IdError));
    }
}
