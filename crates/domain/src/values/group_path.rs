use std::fmt;

/// A group's place in its tenant's tree: `//Parent Group/Child Group`.
///
/// Case-sensitive (SureCloud). Segments are 1-255 characters, with no `/` and no control
/// characters, and no leading or trailing spaces; at most 32 levels.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupPath {
    text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupPathError {
    #[error("group path must start with '//'")]
    Prefix,
    #[error("group path has no group name")]
    Empty,
    #[error("group path segment {index} is empty")]
    EmptySegment { index: usize },
    #[error("group path segment {index} is longer than 255 characters")]
    LongSegment { index: usize },
    #[error("group path segment {index} has leading or trailing spaces or a control character")]
    BadSegment { index: usize },
    #[error("group path is deeper than 32 levels")]
    TooDeep,
}

impl GroupPath {
    pub const MAX_DEPTH: usize = 32;

    pub fn parse(raw: &str) -> Result<Self, GroupPathError> {
        let rest = raw.strip_prefix("//").ok_or(GroupPathError::Prefix)?;
        if rest.is_empty() {
            return Err(GroupPathError::Empty);
        }
        let mut depth = 0;
        for (index, seg) in rest.split('/').enumerate() {
            depth += 1;
            if depth > Self::MAX_DEPTH {
                return Err(GroupPathError::TooDeep);
            }
            if seg.is_empty() {
                return Err(GroupPathError::EmptySegment { index });
            }
            if seg.chars().count() > 255 {
                return Err(GroupPathError::LongSegment { index });
            }
            if seg.trim() != seg || seg.chars().any(super::is_forbidden_char) {
                return Err(GroupPathError::BadSegment { index });
            }
        }
        Ok(Self {
            text: raw.to_owned(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The segments, top first.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.text[2..].split('/')
    }

    /// The last segment.
    pub fn name(&self) -> &str {
        self.segments().last().unwrap_or_default()
    }

    pub fn depth(&self) -> usize {
        self.segments().count()
    }

    /// The parent's path, `None` for a top-level group.
    pub fn parent(&self) -> Option<GroupPath> {
        let cut = self.text.rfind('/').filter(|&i| i > 1)?;
        Some(Self {
            text: self.text[..cut].to_owned(),
        })
    }

    /// This path and every ancestor, top first.
    pub fn lineage(&self) -> Vec<GroupPath> {
        let mut out = vec![self.clone()];
        while let Some(p) = out.last().and_then(GroupPath::parent) {
            out.push(p);
        }
        out.reverse();
        out
    }

    /// The child path `self/name`. `name` must be a valid segment.
    pub fn child(&self, name: &str) -> Result<GroupPath, GroupPathError> {
        Self::parse(&format!("{}/{name}", self.text))
    }
}

/// One segment of a group path: a group's own name (`Risk Analysts`), by the segment rules of
/// [`GroupPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupNameError {
    #[error("group name is empty")]
    Empty,
    #[error("group name is longer than 255 characters")]
    Long,
    #[error("group name must not contain '/'")]
    Slash,
    #[error("group name has leading or trailing spaces or a control character")]
    Bad,
}

impl GroupName {
    pub fn parse(raw: &str) -> Result<Self, GroupNameError> {
        if raw.is_empty() {
            return Err(GroupNameError::Empty);
        }
        if raw.chars().count() > 255 {
            return Err(GroupNameError::Long);
        }
        if raw.contains('/') {
            return Err(GroupNameError::Slash);
        }
        if raw.trim() != raw || raw.chars().any(super::is_forbidden_char) {
            return Err(GroupNameError::Bad);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GroupName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl GroupPath {
    /// The same place in the tree under another name: the last segment replaced.
    #[must_use]
    pub fn renamed(&self, name: &GroupName) -> GroupPath {
        let cut = self.text.rfind('/').unwrap_or(1);
        Self {
            text: format!("{}{}", &self.text[..=cut], name.as_str()),
        }
    }

    /// Whether `self` is `ancestor` or lies below it.
    pub fn is_within(&self, ancestor: &GroupPath) -> bool {
        self.text
            .strip_prefix(ancestor.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }
}

impl fmt::Display for GroupPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked() {
        let cases: &[(&str, Result<(), GroupPathError>)] = &[
            ("//Risk Department/Risk Analysts", Ok(())),
            ("//A", Ok(())),
            ("//Ünïcode & co/x", Ok(())),
            ("/A", Err(GroupPathError::Prefix)),
            ("A/B", Err(GroupPathError::Prefix)),
            ("//", Err(GroupPathError::Empty)),
            ("//A//B", Err(GroupPathError::EmptySegment { index: 1 })),
            ("//A/", Err(GroupPathError::EmptySegment { index: 1 })),
            ("///A", Err(GroupPathError::EmptySegment { index: 0 })),
            ("// A", Err(GroupPathError::BadSegment { index: 0 })),
            ("//A/b\n", Err(GroupPathError::BadSegment { index: 1 })),
        ];
        for (raw, want) in cases {
            assert_eq!(GroupPath::parse(raw).map(|_| ()), *want, "{raw:?}");
        }
        let deep = format!("/{}", "/x".repeat(33));
        assert_eq!(GroupPath::parse(&deep), Err(GroupPathError::TooDeep));
        let long = format!("//{}", "x".repeat(256));
        assert_eq!(
            GroupPath::parse(&long),
            Err(GroupPathError::LongSegment { index: 0 })
        );
    }

    #[test]
    fn lineage_parent_and_name() {
        let p = GroupPath::parse("//A/B c/D").unwrap();
        assert_eq!(p.name(), "D");
        assert_eq!(p.depth(), 3);
        let names: Vec<_> = p.lineage().iter().map(|g| g.as_str().to_owned()).collect();
        assert_eq!(names, ["//A", "//A/B c", "//A/B c/D"]);
        assert_eq!(GroupPath::parse("//A").unwrap().parent(), None);
        assert_eq!(p.parent().unwrap().child("D").unwrap(), p);
    }

    #[test]
    fn names_follow_the_segment_rules_and_rename_the_last_segment() {
        for (raw, ok) in [
            ("Risk Analysts", true),
            ("Ünïcode & co", true),
            ("", false),
            (" A", false),
            ("A ", false),
            ("A/B", false),
            ("a\u{7}", false),
        ] {
            assert_eq!(GroupName::parse(raw).is_ok(), ok, "{raw:?}");
        }
        assert_eq!(
            GroupName::parse(&"x".repeat(256)),
            Err(GroupNameError::Long)
        );
        let leaf = GroupPath::parse("//A/B c/D").unwrap();
        let top = GroupPath::parse("//A").unwrap();
        let name = GroupName::parse("E f").unwrap();
        assert_eq!(leaf.renamed(&name).as_str(), "//A/B c/E f");
        assert_eq!(top.renamed(&name).as_str(), "//E f");
        // Every segment of a renamed path is valid: it parses again.
        assert!(GroupPath::parse(leaf.renamed(&name).as_str()).is_ok());
        assert!(leaf.is_within(&top) && top.is_within(&top));
        assert!(!GroupPath::parse("//AB").unwrap().is_within(&top));
    }

    #[test]
    fn paths_are_case_sensitive() {
        assert_ne!(
            GroupPath::parse("//Risk").unwrap(),
            GroupPath::parse("//risk").unwrap()
        );
    }
}
