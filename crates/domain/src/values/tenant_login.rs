use std::fmt;

/// Logins that would shadow a gateway mount point or a CloudAPI alias.
pub const RESERVED_TENANT_LOGINS: &[&str] = &[
    "my",
    "api",
    "elements",
    "restful",
    "docs",
    "metrics",
    "healthz",
    "readyz",
    "livez",
    "openapi.json",
    "swagger",
    "admin",
    "root",
    "static",
    "assets",
    "local",
    "scim",
];

/// A tenant's login: the CloudAPI account name in every `/:account/...` path.
///
/// 3-32 characters of letters, digits, `_`, `.`, `@` and `-`, starting with a letter (the
/// UFDS rule, plus `-`); unique without case; not reserved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantLogin(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenantLoginError {
    #[error("tenant login must be 3-32 characters long (got {0})")]
    Length(usize),
    #[error(
        "tenant login must start with a letter and contain only letters, digits, '_', '.', '@' and '-'"
    )]
    Charset,
    #[error("tenant login {0:?} is reserved")]
    Reserved(String),
}

impl TenantLogin {
    pub fn parse(raw: &str) -> Result<Self, TenantLoginError> {
        let s = raw.trim();
        let n = s.chars().count();
        if !(3..=32).contains(&n) {
            return Err(TenantLoginError::Length(n));
        }
        let starts_ok = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        let chars_ok = s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.@-".contains(c));
        if !starts_ok || !chars_ok {
            return Err(TenantLoginError::Charset);
        }
        if RESERVED_TENANT_LOGINS.contains(&s.to_ascii_lowercase().as_str()) {
            return Err(TenantLoginError::Reserved(s.to_owned()));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for TenantLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_logins_are_checked() {
        assert_eq!(TenantLogin::parse("acme").unwrap().as_str(), "acme");
        assert_eq!(
            TenantLogin::parse("Acme-Corp_1").unwrap().key(),
            "acme-corp_1"
        );
        assert_eq!(TenantLogin::parse("ab"), Err(TenantLoginError::Length(2)));
        assert_eq!(TenantLogin::parse("1acme"), Err(TenantLoginError::Charset));
        assert_eq!(TenantLogin::parse("ac me"), Err(TenantLoginError::Charset));
        assert_eq!(
            TenantLogin::parse("API"),
            Err(TenantLoginError::Reserved("API".into()))
        );
        assert!(TenantLogin::parse("my1").is_ok());
    }
}
