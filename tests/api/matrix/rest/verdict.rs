//! What an answer to B must never hold: a server error, or one of A's secrets that B did not
//! send itself. A chosen value (an email, a name) that B wrote into its own tenant with a
//! successful write is B's own from then on.

use super::attacker::Call;
use super::victim::Victim;
use crate::support::Answer;
use serde_json::Value;
use std::collections::HashSet;

pub(crate) struct Judge<'v> {
    victim: &'v Victim,
    tainted: HashSet<String>,
    pub(crate) findings: Vec<String>,
}

/// Every (member name, scalar) of a document, at any depth.
fn scalars<'a>(v: &'a Value, key: &'a str, out: &mut Vec<(&'a str, String)>) {
    match v {
        Value::Object(o) => o.iter().for_each(|(k, x)| scalars(x, k, out)),
        Value::Array(a) => a.iter().for_each(|x| scalars(x, key, out)),
        Value::String(s) => out.push((key, s.clone())),
        Value::Number(n) => out.push((key, n.to_string())),
        Value::Bool(_) | Value::Null => {}
    }
}

impl<'v> Judge<'v> {
    pub(crate) fn new(victim: &'v Victim) -> Self {
        Self {
            victim,
            tainted: HashSet::new(),
            findings: Vec::new(),
        }
    }

    /// Judges B's answer to `call` of the operation `op` (`open`: one that takes no
    /// credential).
    pub(crate) fn judge(&mut self, (op, open): (&str, bool), call: &Call, a: &Answer) {
        let sent = call.sent();
        let mut fail = |why: String| {
            self.findings.push(format!(
                "{op} [{}] {}: {why}\n    answer {} {}",
                call.aim,
                call.describe(),
                a.status,
                a.text().chars().take(300).collect::<String>()
            ));
        };
        if a.status >= 500 {
            fail(format!("server error {}", a.status));
        }
        // B's credential is valid everywhere: a refusal would mean that the call tested
        // nothing.
        if a.status == 401 && !open {
            fail("B's credential was refused".into());
        }
        // Not modified: the ETag B sent matched, so B learnt that A's resource is there and
        // unchanged.
        if a.status == 304 {
            fail("not modified".into());
        }
        let mut seen = String::new();
        for (k, v) in &a.headers {
            seen.push_str(k.as_str());
            seen.push_str(": ");
            seen.push_str(&String::from_utf8_lossy(v.as_bytes()));
            seen.push('\n');
        }
        seen.push_str(&a.text());
        let seen = seen.to_lowercase();
        for s in &self.victim.secrets {
            let x = s.value.to_lowercase();
            if seen.contains(&x) && !sent.contains(&x) && !(s.chosen && self.tainted.contains(&x)) {
                fail(format!("A's {:?} is in the answer", s.value));
            }
        }
        // A's numbers are small integers: a leak is one as the value of an id or number.
        let words: HashSet<&str> = sent.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        let mut members = Vec::new();
        scalars(a.doc(), "", &mut members);
        for (key, value) in members {
            let key = key.to_ascii_lowercase();
            let user = (key.ends_with("id") || key.contains("number"))
                && self.victim.numbers.contains(&value);
            let company = key.contains("company") && value == self.victim.company;
            if (user || company) && !words.contains(value.as_str()) {
                fail(format!("A's number {value} is the answer's {key:?}"));
            }
        }
        if call.method != reqwest::Method::GET && (200..300).contains(&a.status) {
            for s in self.victim.secrets.iter().filter(|s| s.chosen) {
                let x = s.value.to_lowercase();
                if sent.contains(&x) {
                    self.tainted.insert(x);
                }
            }
        }
    }
}
