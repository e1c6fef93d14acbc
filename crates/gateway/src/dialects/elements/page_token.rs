//! Cloud Elements page tokens: base64url of `{"next": <core token>}`, the vendor's opaque
//! base64-JSON form. The core token inside is signed and bound to the query, and the wrapper
//! holds nothing else, so any alteration (of the wrapper's bytes or the token inside) is
//! refused: the base64 decoder rejects non-canonical text, the JSON must be exactly one
//! string, and the core checks its MAC.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// Users per page when the client names no `pageSize`, and the most it may ask for.
pub(crate) const DEFAULT_PAGE_SIZE: i32 = 200;
pub(crate) const MAX_PAGE_SIZE: i32 = 500;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wrapper {
    next: String,
}

pub(crate) fn wrap(core: &str) -> String {
    let json = serde_json::to_vec(&Wrapper {
        next: core.to_owned(),
    })
    .unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// The core token inside; `None` for a token this dialect did not make.
pub(crate) fn unwrap(token: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
    let w: Wrapper = serde_json::from_slice(&bytes).ok()?;
    // Re-encoding must give the same bytes: no second spelling of one token is accepted.
    (wrap(&w.next) == token.trim()).then_some(w.next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_every_single_change_is_refused() {
        let t = wrap("eyJrIjpudWxsLCJuIjo0Mn0.c2lnbmF0dXJl");
        assert_eq!(
            unwrap(&t).as_deref(),
            Some("eyJrIjpudWxsLCJuIjo0Mn0.c2lnbmF0dXJl")
        );
        assert_eq!(unwrap(&wrap("")).as_deref(), Some(""));
        // Changing any one character gives either garbage or another core token, which the
        // core refuses.
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for i in 0..t.len() {
            for c in alphabet.chars().filter(|c| *c != t.as_bytes()[i] as char) {
                let mut changed = t.clone();
                changed.replace_range(i..=i, &c.to_string());
                if let Some(inner) = unwrap(&changed) {
                    assert_ne!(inner, "eyJrIjpudWxsLCJuIjo0Mn0.c2lnbmF0dXJl", "{changed}");
                }
            }
        }
        assert_eq!(unwrap("not a token"), None);
        assert_eq!(
            unwrap(&URL_SAFE_NO_PAD.encode(r#"{"next":"x","page":2}"#)),
            None
        );
    }
}
