//! A Cloud Elements `where` condition.

use crate::dialects::elements::ceql;

/// A CEQL condition: parsed into the contract's filter; an error must point inside the input
/// or just past it.
pub fn ceql(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = ceql::parse(&text) {
        let end = text.chars().count().min(ceql::MAX_LENGTH) + 1;
        assert!(
            (1..=end).contains(&e.position),
            "{text:?}: {e} (positions run from 1 to {end})"
        );
    }
}
