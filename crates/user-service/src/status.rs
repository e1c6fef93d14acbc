//! Every domain error as a `tonic::Status`, in one exhaustive mapping per error type (no
//! catch-all arms: a new variant does not compile until it is mapped). Details carry a stable
//! `google.rpc.ErrorInfo` reason and, for bad input, `google.rpc.BadRequest` field
//! violations. Internal failures are logged here and answered opaquely.

use crate::tokens::TokenError;
use roster_domain::auth::AuthenticateError;
use roster_domain::authz::Denied;
use roster_domain::folders::{
    CreateFolderError, DeleteFolderError, GetFolderError, GrantFolderError, ListFoldersError,
};
use roster_domain::groups::{CreateGroupError, DeleteGroupError, GetGroupError, ListGroupsError};
use roster_domain::keys::KeyError;
use roster_domain::rbac::{PolicyError, RoleError};
use roster_domain::secret_keys::SecretKeyError;
use roster_domain::signatures::SignatureError;
use roster_domain::tenants::{CreateTenantError, DeleteTenantError, GetTenantError};
use roster_domain::users::{
    BatchTooLarge, ChangePasswordError, CreateUserError, DeleteUserError, GetUserError,
    ListUsersError, RecordActivityError, Taken, UnknownFolder, UnknownGroup, UpdateUserError,
    UpsertError, VerifyPasswordError,
};
use roster_domain::{FieldViolations, StorageError, TryLater};
use roster_proto::v1::ErrorReason;
use std::collections::HashMap;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// The ErrorInfo domain of every Roster error.
pub const ERROR_DOMAIN: &str = "roster.v1";

/// The most field violations a status carries, and the longest description. A status
/// travels in HTTP/2 trailers (`grpc-message`, `grpc-status-details-bin`), whose size every
/// peer limits: a request with thousands of bad items must still be refused with a status
/// that arrives, not break the connection (the client saw an h2 COMPRESSION_ERROR, or
/// RESOURCE_EXHAUSTED, instead of INVALID_ARGUMENT). The first violations are the ones a
/// caller fixes first.
const MAX_VIOLATIONS: usize = 20;
const MAX_DESCRIPTION_CHARS: usize = 256;

fn bounded(text: &str) -> String {
    match text.char_indices().nth(MAX_DESCRIPTION_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

/// `field: description; ...` of the first violations, and how many more there are.
fn summary(v: &FieldViolations) -> String {
    let shown: Vec<String> = v
        .iter()
        .take(MAX_VIOLATIONS)
        .map(|fv| format!("{}: {}", fv.field, bounded(&fv.description)))
        .collect();
    let more = v.iter().count().saturating_sub(MAX_VIOLATIONS);
    if more == 0 {
        shown.join("; ")
    } else {
        format!("{}; and {more} more", shown.join("; "))
    }
}

/// A status with an ErrorInfo reason, optional metadata and optional field violations (the
/// first [`MAX_VIOLATIONS`] of them).
pub(crate) fn status(
    code: Code,
    message: impl Into<String>,
    reason: ErrorReason,
    metadata: &[(&str, String)],
    violations: Option<&FieldViolations>,
) -> Status {
    let meta: HashMap<String, String> = metadata
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    let mut d = ErrorDetails::with_error_info(reason.as_str_name(), ERROR_DOMAIN, meta);
    if let Some(v) = violations {
        for fv in v.iter().take(MAX_VIOLATIONS) {
            d.add_bad_request_violation(fv.field.clone(), bounded(&fv.description));
        }
    }
    Status::with_error_details(code, message, d)
}

pub(crate) fn invalid(v: &FieldViolations) -> Status {
    status(
        Code::InvalidArgument,
        format!("invalid request: {}", summary(v)),
        ErrorReason::InvalidField,
        &[],
        Some(v),
    )
}

/// The token names a tenant that has since been deleted.
fn tenant_gone() -> Status {
    status(
        Code::NotFound,
        "tenant not found",
        ErrorReason::TenantNotFound,
        &[],
        None,
    )
}

fn user_not_found() -> Status {
    status(
        Code::NotFound,
        "user not found",
        ErrorReason::UserNotFound,
        &[],
        None,
    )
}

fn etag_mismatch() -> Status {
    status(
        Code::FailedPrecondition,
        "the user was changed since the etag was read",
        ErrorReason::EtagMismatch,
        &[],
        None,
    )
}

/// Too much work waiting (password hashing): RESOURCE_EXHAUSTED, reason TRY_LATER, and a
/// RetryInfo delay; nothing was changed.
fn try_later(t: TryLater) -> Status {
    let retry_after = t.retry_after.max(std::time::Duration::from_secs(1));
    let meta = HashMap::from([(
        "retry_after_secs".to_owned(),
        retry_after.as_secs().to_string(),
    )]);
    let mut d =
        ErrorDetails::with_error_info(ErrorReason::TryLater.as_str_name(), ERROR_DOMAIN, meta);
    d.set_retry_info(Some(retry_after));
    Status::with_error_details(Code::ResourceExhausted, t.to_string(), d)
}

pub(crate) fn internal(context: &str, err: &StorageError) -> Status {
    tracing::error!(error = ?err, context, "Storage failure.");
    status(
        Code::Internal,
        "internal error",
        ErrorReason::Internal,
        &[],
        None,
    )
}

/// Conversion of an operation's error into the status the client sees.
pub(crate) trait IntoStatus {
    fn into_status(self) -> Status;
}

impl IntoStatus for FieldViolations {
    fn into_status(self) -> Status {
        invalid(&self)
    }
}

impl IntoStatus for Taken {
    fn into_status(self) -> Status {
        let (reason, field) = match &self {
            Taken::Login(_) => (ErrorReason::LoginTaken, "user.login"),
            Taken::Email(_) => (ErrorReason::EmailTaken, "user.email"),
            Taken::ExternalId(_) => (ErrorReason::ExternalIdTaken, "user.external_id"),
        };
        let message = self.to_string();
        let v = FieldViolations::single(field, &message);
        status(
            Code::AlreadyExists,
            message,
            reason,
            &[("field", field.to_owned())],
            Some(&v),
        )
    }
}

impl IntoStatus for UnknownGroup {
    fn into_status(self) -> Status {
        let field = format!("user.groups[{}]", self.index);
        let message = self.to_string();
        let v = FieldViolations::single(field.clone(), &message);
        status(
            Code::InvalidArgument,
            message,
            ErrorReason::GroupNotFound,
            &[("field", field)],
            Some(&v),
        )
    }
}

impl IntoStatus for UnknownFolder {
    fn into_status(self) -> Status {
        let field = format!("user.folders[{}]", self.index);
        let message = self.to_string();
        let v = FieldViolations::single(field.clone(), &message);
        status(
            Code::InvalidArgument,
            message,
            ErrorReason::FolderNotFound,
            &[("field", field)],
            Some(&v),
        )
    }
}

impl IntoStatus for CreateUserError {
    fn into_status(self) -> Status {
        match self {
            Self::TenantNotFound => tenant_gone(),
            Self::Invalid(v) => invalid(&v),
            Self::Taken(t) => t.into_status(),
            Self::UnknownGroup(g) => g.into_status(),
            Self::UnknownFolder(f) => f.into_status(),
            Self::Denied(d) => d.into_status(),
            Self::TryLater(t) => try_later(t),
            Self::Storage(e) => internal("create user", &e),
        }
    }
}

impl IntoStatus for GetUserError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => user_not_found(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("get user", &e),
        }
    }
}

impl IntoStatus for ListUsersError {
    fn into_status(self) -> Status {
        match self {
            Self::Invalid(v) => invalid(&v),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("list users", &e),
        }
    }
}

impl IntoStatus for UpdateUserError {
    fn into_status(self) -> Status {
        match self {
            Self::Invalid(v) => invalid(&v),
            Self::NotFound => user_not_found(),
            Self::EtagMismatch => etag_mismatch(),
            Self::Taken(t) => t.into_status(),
            Self::UnknownGroup(g) => g.into_status(),
            Self::UnknownFolder(f) => f.into_status(),
            Self::Denied(d) => d.into_status(),
            Self::TryLater(t) => try_later(t),
            Self::Storage(e) => internal("update user", &e),
        }
    }
}

impl IntoStatus for DeleteUserError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => user_not_found(),
            Self::EtagMismatch => etag_mismatch(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("delete user", &e),
        }
    }
}

impl IntoStatus for UpsertError {
    fn into_status(self) -> Status {
        match self {
            Self::TooLarge(t) => t.into_status(),
            Self::TenantNotFound => tenant_gone(),
            Self::Invalid(v) => invalid(&v),
            Self::NotFound => user_not_found(),
            Self::Taken(t) => t.into_status(),
            Self::UnknownGroup(g) => g.into_status(),
            Self::UnknownFolder(f) => f.into_status(),
            Self::Denied(d) => d.into_status(),
            Self::TryLater(t) => try_later(t),
            Self::Storage(e) => internal("batch upsert item", &e),
        }
    }
}

impl IntoStatus for BatchTooLarge {
    fn into_status(self) -> Status {
        let v = FieldViolations::single("items", self);
        status(
            Code::InvalidArgument,
            self.to_string(),
            ErrorReason::TooLarge,
            &[("max", self.max.to_string())],
            Some(&v),
        )
    }
}

impl IntoStatus for ChangePasswordError {
    fn into_status(self) -> Status {
        match self {
            Self::Invalid(v) => invalid(&v),
            Self::NotFound => user_not_found(),
            Self::Denied(d) => d.into_status(),
            Self::TryLater(t) => try_later(t),
            Self::Storage(e) => internal("change password", &e),
        }
    }
}

impl IntoStatus for VerifyPasswordError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => user_not_found(),
            Self::TooManyGuesses { retry_after_secs } => {
                let meta = [("retry_after_secs", retry_after_secs.to_string())];
                let mut d = ErrorDetails::with_error_info(
                    ErrorReason::PasswordGuessesExceeded.as_str_name(),
                    ERROR_DOMAIN,
                    meta.iter()
                        .map(|(k, v)| ((*k).to_owned(), v.clone()))
                        .collect::<HashMap<_, _>>(),
                );
                d.set_retry_info(Some(std::time::Duration::from_secs(retry_after_secs)));
                Status::with_error_details(Code::ResourceExhausted, self.to_string(), d)
            }
            Self::Denied(d) => d.into_status(),
            Self::TryLater(t) => try_later(t),
            Self::Storage(e) => internal("verify password", &e),
        }
    }
}

impl IntoStatus for RecordActivityError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => user_not_found(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("record activity", &e),
        }
    }
}

fn group_missing() -> Status {
    status(
        Code::NotFound,
        "group not found",
        ErrorReason::GroupNotFound,
        &[],
        None,
    )
}

impl IntoStatus for CreateGroupError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::TenantNotFound => tenant_gone(),
            Self::Exists(_) => status(
                Code::AlreadyExists,
                msg,
                ErrorReason::GroupExists,
                &[("field", "path".into())],
                None,
            ),
            Self::ExternalIdTaken(_) => status(
                Code::AlreadyExists,
                msg,
                ErrorReason::ExternalIdTaken,
                &[("field", "external_id".into())],
                None,
            ),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("create group", &e),
        }
    }
}

impl IntoStatus for GetGroupError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => group_missing(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("get group", &e),
        }
    }
}

impl IntoStatus for ListGroupsError {
    fn into_status(self) -> Status {
        match self {
            Self::ParentNotFound => group_missing(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("list groups", &e),
        }
    }
}

impl IntoStatus for DeleteGroupError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::NotFound => group_missing(),
            Self::HasChildren => status(
                Code::FailedPrecondition,
                msg,
                ErrorReason::GroupHasChildren,
                &[],
                None,
            ),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("delete group", &e),
        }
    }
}

fn tenant_missing() -> Status {
    status(
        Code::NotFound,
        "tenant not found",
        ErrorReason::TenantNotFound,
        &[],
        None,
    )
}

impl IntoStatus for CreateTenantError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::LoginTaken(_) => status(
                Code::AlreadyExists,
                msg,
                ErrorReason::TenantLoginTaken,
                &[("field", "login".into())],
                None,
            ),
            Self::CompanyIdTaken(_) => status(
                Code::AlreadyExists,
                msg,
                ErrorReason::CompanyIdTaken,
                &[("field", "company_id".into())],
                None,
            ),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("create tenant", &e),
        }
    }
}

impl IntoStatus for GetTenantError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => tenant_missing(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("get tenant", &e),
        }
    }
}

impl IntoStatus for DeleteTenantError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => tenant_missing(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("delete tenant", &e),
        }
    }
}

impl IntoStatus for StorageError {
    fn into_status(self) -> Status {
        internal("storage", &self)
    }
}

impl IntoStatus for AuthenticateError {
    fn into_status(self) -> Status {
        match self {
            Self::InvalidCredentials => status(
                Code::Unauthenticated,
                "invalid credentials",
                ErrorReason::InvalidCredentials,
                &[],
                None,
            ),
            Self::UserDisabled => status(
                Code::PermissionDenied,
                "the user is disabled",
                ErrorReason::UserDisabled,
                &[],
                None,
            ),
            Self::Signature(e) => e.into_status(),
            Self::Storage(e) => internal("authenticate", &e),
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
            Self::Replayed => status(
                Code::Unauthenticated,
                message,
                ErrorReason::SignatureReplayed,
                &[],
                None,
            ),
            Self::Incomplete(header) => status(
                Code::Unauthenticated,
                message,
                ErrorReason::SignatureIncomplete,
                &[("header", header.to_owned())],
                None,
            ),
            // The use case answers this as invalid credentials; mapped the same here.
            Self::MethodMismatch => status(
                Code::Unauthenticated,
                "invalid credentials",
                ErrorReason::InvalidCredentials,
                &[],
                None,
            ),
        }
    }
}

impl IntoStatus for TokenError {
    fn into_status(self) -> Status {
        match self {
            Self::Invalid | Self::Expired => status(
                Code::Unauthenticated,
                self.to_string(),
                ErrorReason::TokenInvalid,
                &[],
                None,
            ),
            Self::Revoked => status(
                Code::Unauthenticated,
                self.to_string(),
                ErrorReason::TokenRevoked,
                &[],
                None,
            ),
            Self::Sign(reason) => {
                tracing::error!(reason, "Cannot sign a token.");
                status(
                    Code::Internal,
                    "internal error",
                    ErrorReason::Internal,
                    &[],
                    None,
                )
            }
        }
    }
}

impl IntoStatus for KeyError {
    fn into_status(self) -> Status {
        match self {
            Self::UserNotFound => user_not_found(),
            Self::KeyNotFound => status(
                Code::NotFound,
                "key not found",
                ErrorReason::KeyNotFound,
                &[],
                None,
            ),
            Self::Exists => status(
                Code::AlreadyExists,
                "a key with that name or fingerprint already exists",
                ErrorReason::KeyExists,
                &[],
                None,
            ),
            Self::TenantNotFound => tenant_gone(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("keys", &e),
        }
    }
}

impl IntoStatus for SecretKeyError {
    fn into_status(self) -> Status {
        match self {
            Self::UserNotFound => user_not_found(),
            Self::NotFound => status(
                Code::NotFound,
                "the user holds no secret key",
                ErrorReason::SecretKeyNotFound,
                &[],
                None,
            ),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("secret keys", &e),
        }
    }
}

impl IntoStatus for RoleError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::NotFound => status(Code::NotFound, msg, ErrorReason::RoleNotFound, &[], None),
            Self::Exists(_) => status(
                Code::AlreadyExists,
                msg,
                ErrorReason::RoleExists,
                &[("field", "role.name".into())],
                None,
            ),
            Self::UnknownMember { index, .. } => {
                let v = FieldViolations::single(
                    format!("role.members[{index}]"),
                    "names no user of the tenant",
                );
                status(
                    Code::InvalidArgument,
                    msg,
                    ErrorReason::UserNotFound,
                    &[],
                    Some(&v),
                )
            }
            Self::UnknownPolicy { index, .. } => {
                let v = FieldViolations::single(format!("role.policies[{index}]"), &msg);
                status(
                    Code::InvalidArgument,
                    msg,
                    ErrorReason::PolicyNotFound,
                    &[],
                    Some(&v),
                )
            }
            Self::TenantNotFound => tenant_gone(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("roles", &e),
        }
    }
}

impl IntoStatus for PolicyError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::NotFound => status(Code::NotFound, msg, ErrorReason::PolicyNotFound, &[], None),
            Self::Exists(_) => status(
                Code::AlreadyExists,
                msg,
                ErrorReason::PolicyExists,
                &[("field", "policy.name".into())],
                None,
            ),
            Self::TenantNotFound => tenant_gone(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("policies", &e),
        }
    }
}

fn folder_missing() -> Status {
    status(
        Code::NotFound,
        "folder not found",
        ErrorReason::FolderNotFound,
        &[],
        None,
    )
}

impl IntoStatus for CreateFolderError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::TenantNotFound => tenant_gone(),
            Self::Exists(_) => status(
                Code::AlreadyExists,
                msg,
                ErrorReason::FolderExists,
                &[("field", "name".into())],
                None,
            ),
            Self::ExternalIdTaken(_) => status(
                Code::AlreadyExists,
                msg,
                ErrorReason::ExternalIdTaken,
                &[("field", "external_id".into())],
                None,
            ),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("create folder", &e),
        }
    }
}

impl IntoStatus for GetFolderError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => folder_missing(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("get folder", &e),
        }
    }
}

impl IntoStatus for DeleteFolderError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => folder_missing(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("delete folder", &e),
        }
    }
}

impl IntoStatus for GrantFolderError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::Invalid(v) => invalid(&v),
            Self::FolderNotFound => folder_missing(),
            Self::UnknownUser { index, .. } => {
                let v = FieldViolations::single(
                    format!("user_ids[{index}]"),
                    "names no user of the tenant",
                );
                status(
                    Code::InvalidArgument,
                    msg,
                    ErrorReason::UserNotFound,
                    &[],
                    Some(&v),
                )
            }
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("folder grants", &e),
        }
    }
}

/// A page token that is malformed, altered, or made for another query.
pub(crate) fn invalid_page_token() -> Status {
    let v = FieldViolations::single("page_token", "is invalid or belongs to another query");
    status(
        Code::InvalidArgument,
        "invalid page token",
        ErrorReason::InvalidPageToken,
        &[],
        Some(&v),
    )
}

/// The caller's token lacks `scope`, or names no tenant where one is needed.
pub(crate) fn missing_scope(scope: &str) -> Status {
    status(
        Code::PermissionDenied,
        format!("the token lacks the `{scope}` scope"),
        ErrorReason::MissingScope,
        &[("scope", scope.to_owned())],
        None,
    )
}

impl IntoStatus for ListFoldersError {
    fn into_status(self) -> Status {
        match self {
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("list folders", &e),
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

/// The google.rpc.Status message of a status, for per-item results.
pub(crate) fn to_rpc_status(s: &Status) -> tonic_types::Status {
    use prost::Message as _;
    tonic_types::Status::decode(s.details()).unwrap_or_else(|_| tonic_types::Status {
        code: s.code() as i32,
        message: s.message().to_owned(),
        details: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_carries_a_bounded_number_of_bounded_violations() {
        let mut v = FieldViolations::new();
        for i in 0..1000 {
            v.add(format!("user.folders[{i}]"), "x".repeat(10_000));
        }
        let s = invalid(&v);
        let details = s.get_details_bad_request().unwrap().field_violations;
        assert_eq!(details.len(), MAX_VIOLATIONS);
        assert_eq!(details[0].field, "user.folders[0]");
        assert!(details[0].description.chars().count() <= MAX_DESCRIPTION_CHARS + 3);
        assert!(s.message().ends_with("; and 980 more"), "{}", s.message());
        assert!(s.message().len() < 8 * 1024);
        let one = invalid(&FieldViolations::single("user.email", "is invalid"));
        assert_eq!(one.message(), "invalid request: user.email: is invalid");
    }

    #[test]
    fn a_busy_hasher_is_resource_exhausted_try_later_with_a_retry_delay() {
        let busy = TryLater {
            retry_after: std::time::Duration::from_secs(1),
        };
        for s in [
            CreateUserError::TryLater(busy).into_status(),
            ChangePasswordError::TryLater(busy).into_status(),
            VerifyPasswordError::TryLater(busy).into_status(),
            UpdateUserError::TryLater(busy).into_status(),
        ] {
            assert_eq!(s.code(), Code::ResourceExhausted);
            assert_eq!(s.get_details_error_info().unwrap().reason, "TRY_LATER");
            let delay = s.get_details_retry_info().unwrap().retry_delay;
            assert_eq!(delay, Some(std::time::Duration::from_secs(1)));
        }
    }
}
