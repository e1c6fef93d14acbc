use std::collections::BTreeMap;

/// Free key/value pairs on a user (Forms On Fire `Metadata`): at most 64 pairs, keys of
/// 1-128 characters, values of at most 1024, no control characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata(BTreeMap<String, String>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("at most 64 metadata entries are allowed")]
    TooMany,
    #[error("metadata key {0:?} must be 1-128 characters without control characters")]
    Key(String),
    #[error("metadata value of {0:?} must be at most 1024 characters without control characters")]
    Value(String),
}

impl Metadata {
    pub fn parse(pairs: impl IntoIterator<Item = (String, String)>) -> Result<Self, MetadataError> {
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            let key_ok =
                (1..=128).contains(&k.chars().count()) && !k.chars().any(super::is_forbidden_char);
            if !key_ok {
                return Err(MetadataError::Key(k.chars().take(32).collect()));
            }
            if v.chars().count() > 1024 || v.chars().any(super::is_forbidden_char) {
                return Err(MetadataError::Value(k));
            }
            map.insert(k, v);
            if map.len() > 64 {
                return Err(MetadataError::TooMany);
            }
        }
        Ok(Self(map))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_inner(self) -> BTreeMap<String, String> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_is_checked() {
        let ok = Metadata::parse([("dept".to_owned(), "7".to_owned())]).unwrap();
        assert_eq!(ok.iter().count(), 1);
        assert!(matches!(
            Metadata::parse([(String::new(), "x".to_owned())]),
            Err(MetadataError::Key(_))
        ));
        let many = (0..65).map(|i| (format!("k{i}"), String::new()));
        assert_eq!(Metadata::parse(many), Err(MetadataError::TooMany));
    }
}
