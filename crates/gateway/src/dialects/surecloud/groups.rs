//! Group paths as SureCloud writes them, `//Parent Group/Child Group` (case-sensitive), checked
//! one by one before the core sees them, so that a malformed path is reported on its own and
//! the item's other groups and attributes still apply. The rules are the contract's
//! (`CreateGroupRequest.path`): 1-255 characters a segment, no control characters, at most 32
//! deep.

const MAX_DEPTH: usize = 32;
const MAX_SEGMENT: usize = 255;

/// Why `path` is not a group path, or `None` when it is one.
pub(crate) fn malformed(path: &str) -> Option<&'static str> {
    let Some(rest) = path.strip_prefix("//") else {
        return Some("a group path starts with //");
    };
    let segments: Vec<&str> = rest.split('/').collect();
    if segments.len() > MAX_DEPTH {
        return Some("a group path is at most 32 groups deep");
    }
    for s in segments {
        let n = s.chars().count();
        if n == 0 {
            return Some("a group path has no empty names");
        }
        if n > MAX_SEGMENT {
            return Some("a group name is at most 255 characters long");
        }
        if s.chars().any(char::is_control) {
            return Some("a group name has no control characters");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked_segment_by_segment() {
        for ok in [
            "//Risk Department",
            "//Risk Department/Risk Analysts",
            "//a/b/c",
        ] {
            assert_eq!(malformed(ok), None, "{ok}");
        }
        for bad in ["", "/", "//", "Risk", "/Risk", "//A//B", "//A/", "//A/\tB"] {
            assert!(malformed(bad).is_some(), "{bad:?}");
        }
        let deep = format!("/{}", "/x".repeat(33));
        assert!(malformed(&deep).is_some());
        let long = format!("//{}", "x".repeat(256));
        assert!(malformed(&long).is_some());
    }
}
