//! Page tokens: opaque, tamper-evident and bound to their query.
//!
//! A token is `base64url(json) "." base64url(mac)`, the MAC an HMAC over the kind of list,
//! the query it belongs to (filter and order) and the JSON. An altered token, or one used
//! with another filter or order, does not verify.

use crate::secrets::ServerSecrets;
use crate::status::invalid_page_token;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use roster_domain::page::{SortKey, UserCursor};
use roster_domain::{Timestamp, UserId};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;
use tonic::Status;

/// Which side of a position a token's page lies on: a next page comes after the position,
/// a previous page before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    After,
    Before,
}

#[derive(Debug, Clone)]
pub(crate) struct PageTokens {
    secrets: ServerSecrets,
}

impl PageTokens {
    pub(crate) fn new(secrets: ServerSecrets) -> Self {
        Self { secrets }
    }

    fn mac(&self, kind: &str, binding: &[u8], body: &[u8]) -> Vec<u8> {
        self.secrets
            .mac("page-token/v1", &[kind.as_bytes(), binding, body])[..16]
            .to_vec()
    }

    fn seal(&self, kind: &str, binding: &[u8], payload: &Value) -> String {
        let body = payload.to_string();
        let mac = self.mac(kind, binding, body.as_bytes());
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&body),
            URL_SAFE_NO_PAD.encode(mac)
        )
    }

    fn open(&self, kind: &str, binding: &[u8], token: &str) -> Option<Value> {
        let (body, mac) = token.split_once('.')?;
        let body = URL_SAFE_NO_PAD.decode(body).ok()?;
        let mac = URL_SAFE_NO_PAD.decode(mac).ok()?;
        let want = self.mac(kind, binding, &body);
        if !bool::from(want.ct_eq(&mac)) {
            return None;
        }
        serde_json::from_slice(&body).ok()
    }

    /// A token for a page that ends at `key` (groups by path, tenants by login).
    pub(crate) fn seal_key(&self, kind: &str, binding: &[u8], key: &str) -> String {
        self.seal_key_on(kind, binding, key, Side::After)
    }

    /// A token for the page on `side` of `key`.
    pub(crate) fn seal_key_on(&self, kind: &str, binding: &[u8], key: &str, side: Side) -> String {
        let payload = match side {
            Side::After => json!({ "a": key }),
            Side::Before => json!({ "b": key }),
        };
        self.seal(kind, binding, &payload)
    }

    /// The key a token names and the side its page lies on: `None` for no token, an error
    /// for a bad one.
    pub(crate) fn open_key_on(
        &self,
        kind: &str,
        binding: &[u8],
        token: &str,
    ) -> Result<Option<(String, Side)>, Status> {
        if token.is_empty() {
            return Ok(None);
        }
        let v = self
            .open(kind, binding, token)
            .ok_or_else(invalid_page_token)?;
        let (key, side) = match (v.get("a"), v.get("b")) {
            (Some(a), None) => (a, Side::After),
            (None, Some(b)) => (b, Side::Before),
            _ => return Err(invalid_page_token()),
        };
        let key = key.as_str().ok_or_else(invalid_page_token)?;
        Ok(Some((key.to_owned(), side)))
    }

    /// The key a token names: `None` for no token, an error for a bad one.
    pub(crate) fn open_key(
        &self,
        kind: &str,
        binding: &[u8],
        token: &str,
    ) -> Result<Option<String>, Status> {
        if token.is_empty() {
            return Ok(None);
        }
        let v = self
            .open(kind, binding, token)
            .ok_or_else(invalid_page_token)?;
        let key = v
            .get("a")
            .and_then(Value::as_str)
            .ok_or_else(invalid_page_token)?;
        Ok(Some(key.to_owned()))
    }

    /// The cursor a users page token names and the side its page lies on: `None` for no
    /// token, an error for a bad one.
    pub(crate) fn open_cursor(
        &self,
        binding: &[u8],
        token: &str,
    ) -> Result<Option<(UserCursor, Side)>, Status> {
        if token.is_empty() {
            return Ok(None);
        }
        self.open_user_cursor(binding, token)
            .map(Some)
            .ok_or_else(invalid_page_token)
    }

    pub(crate) fn seal_user_cursor(&self, binding: &[u8], c: &UserCursor, side: Side) -> String {
        let key = match &c.key {
            SortKey::None => Value::Null,
            SortKey::Text(s) => json!({ "t": s }),
            SortKey::Time(t) => json!({ "m": t.as_micros() }),
            // `null` for a row without the value.
            SortKey::Optional(s) => json!({ "o": s }),
            SortKey::Id(id) => json!({ "i": id.to_string() }),
        };
        let payload = match side {
            Side::After => json!({ "k": key, "n": c.number }),
            Side::Before => json!({ "k": key, "n": c.number, "b": true }),
        };
        self.seal("users", binding, &payload)
    }

    fn open_user_cursor(&self, binding: &[u8], token: &str) -> Option<(UserCursor, Side)> {
        let v = self.open("users", binding, token)?;
        let side = match v.get("b") {
            None => Side::After,
            Some(Value::Bool(true)) => Side::Before,
            Some(_) => return None,
        };
        let number = v.get("n")?.as_i64()?;
        let k = v.get("k")?;
        let key = if k.is_null() {
            SortKey::None
        } else {
            let o = k.as_object()?;
            if o.len() != 1 {
                return None;
            }
            let (name, v) = o.iter().next()?;
            match name.as_str() {
                "t" => SortKey::Text(v.as_str()?.to_owned()),
                "m" => SortKey::Time(Timestamp::from_micros(v.as_i64()?)),
                "o" if v.is_null() => SortKey::Optional(None),
                "o" => SortKey::Optional(Some(v.as_str()?.to_owned())),
                "i" => SortKey::Id(UserId::parse(v.as_str()?).ok()?),
                _ => return None,
            }
        };
        Some((UserCursor { key, number }, side))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_refuse_tampering_and_other_queries() {
        let p = PageTokens::new(ServerSecrets::new(vec![7; 32]));
        let c = UserCursor {
            key: SortKey::Text("bob@x.com".into()),
            number: 42,
        };
        let t = p.seal_user_cursor(b"q1", &c, Side::After);
        assert_eq!(
            p.open_user_cursor(b"q1", &t),
            Some((c.clone(), Side::After))
        );
        let back = p.seal_user_cursor(b"q1", &c, Side::Before);
        assert_eq!(p.open_user_cursor(b"q1", &back), Some((c, Side::Before)));
        assert_eq!(p.open_user_cursor(b"q2", &t), None, "another query");
        let mut bytes = t.into_bytes();
        bytes[3] ^= 1;
        let tampered = String::from_utf8(bytes).unwrap();
        assert_eq!(p.open_user_cursor(b"q1", &tampered), None);
        assert_eq!(p.open_user_cursor(b"q1", "garbage"), None);
    }

    #[test]
    fn every_kind_of_sort_key_round_trips() {
        let p = PageTokens::new(ServerSecrets::new(vec![7; 32]));
        for key in [
            SortKey::None,
            SortKey::Text("bob".into()),
            SortKey::Time(Timestamp::from_micros(12)),
            SortKey::Optional(Some("O'Hara".into())),
            SortKey::Optional(None),
            SortKey::Id(UserId::generate()),
        ] {
            let c = UserCursor { key, number: 3 };
            let t = p.seal_user_cursor(b"q", &c, Side::After);
            assert_eq!(p.open_user_cursor(b"q", &t), Some((c, Side::After)));
        }
    }

    #[test]
    fn key_tokens_carry_their_side_and_plain_key_readers_refuse_a_previous_page() {
        let p = PageTokens::new(ServerSecrets::new(vec![7; 32]));
        let next = p.seal_key("groups", b"t", "//A");
        let prev = p.seal_key_on("groups", b"t", "//A", Side::Before);
        assert_eq!(
            p.open_key_on("groups", b"t", &next).unwrap(),
            Some(("//A".to_owned(), Side::After))
        );
        assert_eq!(
            p.open_key_on("groups", b"t", &prev).unwrap(),
            Some(("//A".to_owned(), Side::Before))
        );
        assert!(p.open_key("groups", b"t", &prev).is_err());
        assert!(
            p.open_key_on("groups", b"u", &prev).is_err(),
            "another tenant"
        );
    }
}
