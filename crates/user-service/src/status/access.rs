//! Errors of who the caller is and what it may do: credentials, request signatures, tokens
//! and authorisation.

use super::IntoStatus;
use super::builders::{missing_scope, opaque_internal, status, storage_failure};
use crate::tokens::TokenError;
use roster_domain::auth::AuthenticateError;
use roster_domain::authz::Denied;
use roster_domain::signatures::SignatureError;
use roster_proto::v1::ErrorReason;
use tonic::{Code, Status};

fn unauthenticated(message: impl Into<String>, reason: ErrorReason) -> Status {
    status(Code::Unauthenticated, message, reason, &[], None)
}

impl IntoStatus for AuthenticateError {
    fn into_status(self) -> Status {
        match self {
            Self::InvalidCredentials => {
                unauthenticated("invalid credentials", ErrorReason::InvalidCredentials)
            }
            Self::UserDisabled => status(
                Code::PermissionDenied,
                "the user is disabled",
                ErrorReason::UserDisabled,
                &[],
                None,
            ),
            Self::AddressNotAllowed => status(
                Code::PermissionDenied,
                "the secret key may not be used from this address",
                ErrorReason::AddressNotAllowed,
                &[],
                None,
            ),
            Self::Signature(e) => e.into_status(),
            Self::Storage(e) => storage_failure("authenticate", &e),
        }
    }
}

impl IntoStatus for SignatureError {
    fn into_status(self) -> Status {
        let message = self.to_string();
        match self {
            Self::Expired {
                skew_secs,
                max_secs,
            } => status(
                Code::Unauthenticated,
                message,
                ErrorReason::SignatureExpired,
                &[
                    ("skew_seconds", skew_secs.to_string()),
                    ("max_skew_seconds", max_secs.to_string()),
                ],
                None,
            ),
            Self::Replayed => unauthenticated(message, ErrorReason::SignatureReplayed),
            Self::Incomplete(header) => status(
                Code::Unauthenticated,
                message,
                ErrorReason::SignatureIncomplete,
                &[("header", header.to_owned())],
                None,
            ),
            // The use case answers this as invalid credentials; mapped the same here.
            Self::MethodMismatch => {
                unauthenticated("invalid credentials", ErrorReason::InvalidCredentials)
            }
        }
    }
}

impl IntoStatus for TokenError {
    fn into_status(self) -> Status {
        match self {
            Self::Invalid | Self::Expired => {
                unauthenticated(self.to_string(), ErrorReason::TokenInvalid)
            }
            Self::Revoked => unauthenticated(self.to_string(), ErrorReason::TokenRevoked),
            Self::Sign(reason) => {
                tracing::error!(reason, "Cannot sign a token.");
                opaque_internal()
            }
        }
    }
}

impl IntoStatus for Denied {
    fn into_status(self) -> Status {
        let rule = match self {
            Denied::MissingScope(scope) => return missing_scope(scope),
            Denied::Credential => "credential",
            Denied::NotAllowed => "not_allowed",
            Denied::OwnerProtected => "owner_protected",
            Denied::SelfChange => "self_change",
            Denied::Escalation => "escalation",
            Denied::Outranked => "outranked",
        };
        status(
            Code::PermissionDenied,
            self.to_string(),
            ErrorReason::PermissionDenied,
            &[("rule", rule.to_owned())],
            None,
        )
    }
}
