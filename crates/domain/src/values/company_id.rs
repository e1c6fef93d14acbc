use std::fmt;

/// A tenant's Forms On Fire CompanyId: a positive 32-bit integer, unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CompanyId(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("company id must be between 1 and 2147483647")]
pub struct CompanyIdError;

impl CompanyId {
    pub fn parse(raw: i64) -> Result<Self, CompanyIdError> {
        if (1..=i64::from(i32::MAX)).contains(&raw) {
            Ok(Self(raw))
        } else {
            Err(CompanyIdError)
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for CompanyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_ids_are_positive_32_bit() {
        assert_eq!(CompanyId::parse(1).unwrap().get(), 1);
        assert_eq!(CompanyId::parse(0), Err(CompanyIdError));
        assert_eq!(CompanyId::parse(1 << 31), Err(CompanyIdError));
    }
}
