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

/// At most this many entries.
const MAX_ENTRIES: usize = 64;

/// Why `k` = `v` cannot be an entry, whatever the others are.
fn check_entry(k: &str, v: &str) -> Result<(), MetadataError> {
    let key_ok = (1..=128).contains(&k.chars().count()) && !k.chars().any(super::is_forbidden_char);
    if !key_ok {
        return Err(MetadataError::Key(k.chars().take(32).collect()));
    }
    if v.chars().count() > 1024 || v.chars().any(super::is_forbidden_char) {
        return Err(MetadataError::Value(k.to_owned()));
    }
    Ok(())
}

impl Metadata {
    /// A key an entry could have (1-128 characters, no control characters), e.g. to look
    /// entries up by.
    pub fn parse_key(raw: &str) -> Result<String, MetadataError> {
        check_entry(raw, "")?;
        Ok(raw.to_owned())
    }

    pub fn parse(pairs: impl IntoIterator<Item = (String, String)>) -> Result<Self, MetadataError> {
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            check_entry(&k, &v)?;
            map.insert(k, v);
            if map.len() > MAX_ENTRIES {
                return Err(MetadataError::TooMany);
            }
        }
        Ok(Self(map))
    }

    /// Sets (`Some`) or removes (`None`) single entries, the others staying. An entry that
    /// breaks a limit (its key, its value, or one entry too many) is left out and returned
    /// with why, the rest applies: the same limits as [`Metadata::parse`].
    pub fn merge(
        &mut self,
        entries: impl IntoIterator<Item = (String, Option<String>)>,
    ) -> Vec<(String, MetadataError)> {
        let mut refused = Vec::new();
        for (k, v) in entries {
            let Some(v) = v else {
                self.0.remove(&k);
                continue;
            };
            if let Err(e) = check_entry(&k, &v) {
                refused.push((k, e));
            } else if self.0.len() >= MAX_ENTRIES && !self.0.contains_key(&k) {
                refused.push((k, MetadataError::TooMany));
            } else {
                self.0.insert(k, v);
            }
        }
        refused
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

    #[test]
    fn merging_keeps_the_rest_and_refuses_only_what_breaks_a_limit() {
        let mut m = Metadata::parse((0..63).map(|i| (format!("k{i}"), "v".to_owned()))).unwrap();
        let refused = m.merge([
            ("k0".to_owned(), None),
            ("k1".to_owned(), Some("w".to_owned())),
            ("big".to_owned(), Some("x".repeat(1025))),
            ("a".to_owned(), Some("1".to_owned())),
            ("b".to_owned(), Some("2".to_owned())),
            ("c".to_owned(), Some("3".to_owned())),
        ]);
        let why: Vec<(&str, &MetadataError)> =
            refused.iter().map(|(k, e)| (k.as_str(), e)).collect();
        assert_eq!(
            why,
            [
                ("big", &MetadataError::Value("big".into())),
                ("c", &MetadataError::TooMany)
            ]
        );
        assert_eq!(m.iter().count(), 64);
        assert_eq!(m.0.get("k1").map(String::as_str), Some("w"));
        assert!(!m.0.contains_key("k0"));
    }
}
