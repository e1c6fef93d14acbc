//! Policy rules: `CAN action [AND action]...` (also `,` between actions; `*` for every
//! action), the subset of aperture's grammar CloudAPI evaluates for its own routes. Anything
//! this server cannot enforce (principals, resources, `WHEN` conditions, unknown actions) is
//! refused when the rule is written, so that a stored rule always means what it says.

use std::collections::BTreeSet;
use std::fmt;

/// The actions (CloudAPI route names, lower case) this server enforces.
pub const KNOWN_ACTIONS: &[&str] = &[
    "listusers",
    "getuser",
    "createuser",
    "updateuser",
    "deleteuser",
    "changeuserpassword",
    "listkeys",
    "getkey",
    "createkey",
    "deletekey",
    "listuserkeys",
    "getuserkey",
    "createuserkey",
    "deleteuserkey",
    "listroles",
    "getrole",
    "createrole",
    "updaterole",
    "deleterole",
    "listpolicies",
    "getpolicy",
    "createpolicy",
    "updatepolicy",
    "deletepolicy",
    "getaccount",
];

/// A parsed rule: the text as written and the actions it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    text: String,
    actions: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("rule must be 1-1024 characters long")]
    Length,
    #[error("rule must start with CAN followed by actions, e.g. `CAN listusers AND getuser`")]
    Shape,
    #[error("unknown action `{0}`; known actions: {list}", list = KNOWN_ACTIONS.join(", "))]
    UnknownAction(String),
    #[error("rule part `{0}` cannot be enforced here: only `CAN <actions>` rules are supported")]
    Unsupported(String),
}

impl Rule {
    pub fn parse(raw: &str) -> Result<Self, RuleError> {
        let text = raw.trim();
        if text.is_empty() || text.chars().count() > 1024 {
            return Err(RuleError::Length);
        }
        let mut words = text.split_whitespace();
        if !words.next().is_some_and(|w| w.eq_ignore_ascii_case("can")) {
            return Err(RuleError::Shape);
        }
        // Commas may be glued to words: "listusers,getuser" or "listusers, getuser".
        let rest: Vec<String> = words
            .flat_map(|w| w.split(',').map(str::to_owned).collect::<Vec<_>>())
            .filter(|w| !w.is_empty())
            .collect();
        let mut actions = BTreeSet::new();
        let mut expect_action = true;
        for w in &rest {
            let lower = w.to_ascii_lowercase();
            if expect_action {
                if lower == "*" || KNOWN_ACTIONS.contains(&lower.as_str()) {
                    actions.insert(lower);
                    expect_action = false;
                } else if lower.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(RuleError::UnknownAction(w.clone()));
                } else {
                    return Err(RuleError::Unsupported(w.clone()));
                }
            } else if lower == "and" {
                expect_action = true;
            } else if KNOWN_ACTIONS.contains(&lower.as_str()) || lower == "*" {
                // "CAN a, b": the comma already separated them.
                actions.insert(lower);
            } else {
                return Err(RuleError::Unsupported(w.clone()));
            }
        }
        if actions.is_empty() || expect_action {
            return Err(RuleError::Shape);
        }
        Ok(Self {
            text: text.to_owned(),
            actions,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The actions allowed, lower case; `*` means all.
    pub fn actions(&self) -> &BTreeSet<String> {
        &self.actions
    }

    pub fn allows(&self, action: &str) -> bool {
        self.actions.contains("*") || self.actions.contains(&action.to_ascii_lowercase())
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforceable_rules_parse() {
        let cases: &[(&str, &[&str])] = &[
            ("CAN listusers", &["listusers"]),
            ("can listusers AND getuser", &["getuser", "listusers"]),
            (
                "CAN listusers, getuser and CreateUser",
                &["createuser", "getuser", "listusers"],
            ),
            ("CAN listusers,getuser", &["getuser", "listusers"]),
            ("CAN *", &["*"]),
        ];
        for (text, want) in cases {
            let r = Rule::parse(text).unwrap();
            let got: Vec<&str> = r.actions().iter().map(String::as_str).collect();
            assert_eq!(got, *want, "{text}");
        }
        assert!(Rule::parse("CAN *").unwrap().allows("deleteuser"));
        assert!(!Rule::parse("CAN getuser").unwrap().allows("deleteuser"));
    }

    #[test]
    fn rules_that_cannot_be_enforced_are_refused() {
        for (text, want) in [
            ("", RuleError::Length),
            ("listusers", RuleError::Shape),
            ("CAN", RuleError::Shape),
            ("CAN listusers AND", RuleError::Shape),
            (
                "CAN listmachines",
                RuleError::UnknownAction("listmachines".into()),
            ),
            (
                "CAN getuser WHEN sourceip = 10.0.0.1",
                RuleError::Unsupported("WHEN".into()),
            ),
            ("Fred CAN read *.js", RuleError::Shape),
            ("CAN read *.js", RuleError::UnknownAction("read".into())),
            ("CAN getuser bob", RuleError::Unsupported("bob".into())),
        ] {
            assert_eq!(Rule::parse(text), Err(want), "{text:?}");
        }
    }
}
