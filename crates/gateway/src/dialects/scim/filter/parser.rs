//! The filter and path parser: recursive descent over characters, `or` < `and` < `not` <
//! atoms. Every recursion goes through [`Parser::enter`], which refuses nesting deeper than
//! [`MAX_DEPTH`].

use super::{
    AttrPath, CompValue, CompareOp, Filter, FilterError, MAX_DEPTH, MAX_LENGTH, PatchPath,
};
use crate::dialects::scim::schema::SCHEMA_URNS;

/// The filter `text` spells (a `filter` query parameter or `.search` member).
pub(crate) fn parse_filter(text: &str) -> Result<Filter, FilterError> {
    let mut p = Parser::new(text)?;
    p.ws();
    if p.at_end() {
        return Err(FilterError::new(p.i, "the filter is empty"));
    }
    let f = p.or()?;
    p.ws();
    if !p.at_end() {
        return Err(p.error(format!(
            "expected \"and\", \"or\" or the end of the filter, found {}",
            p.found()
        )));
    }
    Ok(f)
}

/// The PATCH path `text` spells: `members`, `name.familyName`,
/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`,
/// `members[value eq "2819c223"]`, `emails[type eq "work"].value`.
pub(crate) fn parse_path(text: &str) -> Result<PatchPath, FilterError> {
    let mut p = Parser::new(text)?;
    p.ws();
    if p.at_end() {
        return Err(FilterError::new(p.i, "the path is empty"));
    }
    let (mut path, _) = p.attr_path()?;
    let mut filter = None;
    if p.peek() == Some('[') {
        filter = Some(p.value_filter(&path)?);
        if p.peek() == Some('.') {
            p.i += 1;
            path.sub = Some(p.sub_name()?);
        }
    }
    p.ws();
    if !p.at_end() {
        return Err(p.error(format!("unexpected {} after the path", p.found())));
    }
    Ok(PatchPath { path, filter })
}

struct Parser {
    chars: Vec<char>,
    i: usize,
    depth: usize,
    /// Inside `[...]`: paths are sub-attribute names, and value paths may not nest.
    in_value_filter: bool,
}

/// Characters of an attribute path (names, `.`, and the `:`s of a URN).
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '$' | '.' | ':')
}

impl Parser {
    fn new(text: &str) -> Result<Self, FilterError> {
        let chars: Vec<char> = text.chars().take(MAX_LENGTH + 1).collect();
        if chars.len() > MAX_LENGTH {
            return Err(FilterError::new(
                MAX_LENGTH,
                format!("the text is longer than {MAX_LENGTH} characters"),
            ));
        }
        Ok(Self {
            chars,
            i: 0,
            depth: 0,
            in_value_filter: false,
        })
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn at_end(&self) -> bool {
        self.i >= self.chars.len()
    }

    fn error(&self, message: String) -> FilterError {
        FilterError::new(self.i, message)
    }

    /// Skips whitespace; whether there was any.
    fn ws(&mut self) -> bool {
        let start = self.i;
        while self.peek().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
        self.i > start
    }

    /// The word (path characters) at the cursor, not consumed.
    fn word(&self) -> String {
        self.chars[self.i.min(self.chars.len())..]
            .iter()
            .take_while(|c| is_path_char(**c))
            .collect()
    }

    /// Consumes the keyword `kw` (without case) if the next word is exactly it.
    fn eat_keyword(&mut self, kw: &str) -> bool {
        let w = self.word();
        if w.eq_ignore_ascii_case(kw) {
            self.i += w.chars().count();
            true
        } else {
            false
        }
    }

    /// What is at the cursor, for error messages.
    fn found(&self) -> String {
        let w = self.word();
        match self.peek() {
            None => "the end".to_owned(),
            Some('"') => "a string".to_owned(),
            Some(_) if !w.is_empty() => format!("\"{w}\""),
            Some(c) => format!("\"{c}\""),
        }
    }

    /// One more level of nesting, or an error past [`MAX_DEPTH`].
    fn enter(&mut self) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("the filter nests more than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Filter, FilterError> {
        let mut parts = vec![self.and()?];
        loop {
            let back = self.i;
            self.ws();
            if self.eat_keyword("or") {
                parts.push(self.and()?);
            } else {
                self.i = back;
                break;
            }
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Filter::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Filter, FilterError> {
        let mut parts = vec![self.unary()?];
        loop {
            let back = self.i;
            self.ws();
            if self.eat_keyword("and") {
                parts.push(self.unary()?);
            } else {
                self.i = back;
                break;
            }
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Filter::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Filter, FilterError> {
        self.ws();
        if self.eat_keyword("not") {
            self.ws();
            if self.peek() != Some('(') {
                return Err(self.error(format!(
                    "expected \"(\" after \"not\", found {}",
                    self.found()
                )));
            }
            return Ok(Filter::Not(Box::new(self.group()?)));
        }
        if self.peek() == Some('(') {
            return self.group();
        }
        self.attr_exp()
    }

    /// `( filter )`, the cursor on `(`.
    fn group(&mut self) -> Result<Filter, FilterError> {
        self.enter()?;
        self.i += 1;
        let f = self.or()?;
        self.ws();
        if self.peek() != Some(')') {
            return Err(self.error(format!(
                "expected \")\" or a logical operator, found {}",
                self.found()
            )));
        }
        self.i += 1;
        self.depth -= 1;
        Ok(f)
    }

    /// `path pr`, `path op value` or `path[filter]`.
    fn attr_exp(&mut self) -> Result<Filter, FilterError> {
        let (path, at) = self.attr_path()?;
        let back = self.i;
        self.ws();
        if self.peek() == Some('[') {
            if self.in_value_filter {
                return Err(self.error("value filters cannot be nested".to_owned()));
            }
            let filter = self.value_filter(&path)?;
            if self.peek() != Some('.') {
                return Ok(Filter::ValuePath {
                    path,
                    filter: Box::new(filter),
                    at,
                });
            }
            // `emails[type eq "work"].value eq "x"`: the sub-attribute's condition joins the
            // value filter, so both hold for the same value.
            self.i += 1;
            let sub_at = self.i;
            let sub = AttrPath::new(self.sub_name()?);
            let last = self.operation(sub, sub_at)?;
            let filter = match filter {
                Filter::And(mut parts) => {
                    parts.push(last);
                    Filter::And(parts)
                }
                other @ (Filter::Or(_)
                | Filter::Not(_)
                | Filter::Compare { .. }
                | Filter::Present { .. }
                | Filter::ValuePath { .. }) => Filter::And(vec![other, last]),
            };
            return Ok(Filter::ValuePath {
                path,
                filter: Box::new(filter),
                at,
            });
        }
        self.i = back;
        self.operation(path, at)
    }

    /// The operator and value after `path`.
    fn operation(&mut self, path: AttrPath, at: usize) -> Result<Filter, FilterError> {
        let spaced = self.ws();
        let op_at = self.i;
        let word = self.word();
        if !spaced || word.is_empty() {
            return Err(self.error(format!(
                "expected an operator after \"{path}\", found {}",
                self.found()
            )));
        }
        if word.eq_ignore_ascii_case("pr") {
            self.i += 2;
            return Ok(Filter::Present { path, at });
        }
        let Some(op) = CompareOp::from_name(&word) else {
            return Err(FilterError::new(
                op_at,
                format!(
                    "unknown operator \"{word}\" after \"{path}\" (expected eq, ne, co, sw, ew, \
                     gt, ge, lt, le or pr)"
                ),
            ));
        };
        self.i += word.chars().count();
        if !self.ws() {
            return Err(self.error(format!(
                "expected a space and a value after \"{}\", found {}",
                op.as_str(),
                self.found()
            )));
        }
        let value = self.value(op)?;
        Ok(Filter::Compare {
            path,
            op,
            value,
            at,
        })
    }

    /// `[filter]` after `path`, the cursor on `[`; the cursor ends after `]`.
    fn value_filter(&mut self, path: &AttrPath) -> Result<Filter, FilterError> {
        if path.sub.is_some() {
            return Err(self.error(format!(
                "a value filter applies to an attribute, not to the sub-attribute \"{path}\""
            )));
        }
        self.enter()?;
        self.i += 1;
        self.in_value_filter = true;
        let f = self.or()?;
        self.in_value_filter = false;
        self.ws();
        if self.peek() != Some(']') {
            return Err(self.error(format!(
                "expected \"]\" or a logical operator, found {}",
                self.found()
            )));
        }
        self.i += 1;
        self.depth -= 1;
        Ok(f)
    }

    /// A sub-attribute name after `].`.
    fn sub_name(&mut self) -> Result<String, FilterError> {
        let at = self.i;
        let word = self.word();
        if !valid_name(&word) {
            return Err(FilterError::new(
                at,
                format!(
                    "expected a sub-attribute name after \".\", found {}",
                    self.found()
                ),
            ));
        }
        self.i += word.chars().count();
        Ok(word)
    }

    /// An attribute path and where it starts.
    fn attr_path(&mut self) -> Result<(AttrPath, usize), FilterError> {
        let at = self.i;
        let word = self.word();
        if word.is_empty() {
            return Err(self.error(format!(
                "expected an attribute name, found {}",
                self.found()
            )));
        }
        if ["and", "or", "not"]
            .iter()
            .any(|k| word.eq_ignore_ascii_case(k))
        {
            return Err(self.error(format!(
                "expected an attribute name, found the keyword \"{word}\""
            )));
        }
        let path = split_path(&word).map_err(|m| FilterError::new(at, m))?;
        if self.in_value_filter && (path.urn.is_some() || path.sub.is_some()) {
            return Err(FilterError::new(
                at,
                format!("expected a sub-attribute name inside \"[...]\", found \"{word}\""),
            ));
        }
        self.i += word.chars().count();
        Ok((path, at))
    }

    /// A comparison value after `op`.
    fn value(&mut self, op: CompareOp) -> Result<CompValue, FilterError> {
        let at = self.i;
        match self.peek() {
            Some('"') => self.string(),
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let text: String = self.chars[at..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
                    .collect();
                let n = serde_json::from_str::<serde_json::Number>(&text)
                    .map_err(|_| FilterError::new(at, format!("invalid number \"{text}\"")))?;
                self.i += text.chars().count();
                Ok(CompValue::Number(n))
            }
            _ => {
                let word = self.word();
                let value = if word.eq_ignore_ascii_case("true") {
                    CompValue::Bool(true)
                } else if word.eq_ignore_ascii_case("false") {
                    CompValue::Bool(false)
                } else if word.eq_ignore_ascii_case("null") {
                    CompValue::Null
                } else {
                    return Err(self.error(format!(
                        "expected a value (a quoted string, a number, true, false or null) after \
                         \"{}\", found {}",
                        op.as_str(),
                        self.found()
                    )));
                };
                self.i += word.chars().count();
                Ok(value)
            }
        }
    }

    /// A JSON string, the cursor on its opening quote.
    fn string(&mut self) -> Result<CompValue, FilterError> {
        let at = self.i;
        let mut j = at + 1;
        loop {
            match self.chars.get(j) {
                None => return Err(FilterError::new(at, "unterminated string")),
                Some('\\') => j += 2,
                Some('"') => break,
                Some(_) => j += 1,
            }
        }
        let text: String = self.chars[at..=j].iter().collect();
        let s = serde_json::from_str::<String>(&text).map_err(|e| {
            FilterError::new(
                at,
                format!("invalid string (strings are JSON strings: {e})"),
            )
        })?;
        self.i = j + 1;
        Ok(CompValue::String(s))
    }
}

/// `ALPHA *(ALPHA / DIGIT / "-" / "_")`, or `$ref`.
fn valid_name(name: &str) -> bool {
    if name.eq_ignore_ascii_case("$ref") {
        return true;
    }
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A word as `[urn ":"] name ["." sub]`. The attribute is what follows a known schema URN
/// (whose `2.0` has a dot and whose parts are separated by colons); after an unknown URN, what
/// follows its last colon.
fn split_path(word: &str) -> Result<AttrPath, String> {
    let (urn, rest) = if let Some(urn) = SCHEMA_URNS.iter().find(|u| {
        word.get(..u.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(u))
            && word[u.len()..].starts_with(':')
    }) {
        (Some((*urn).to_owned()), &word[urn.len() + 1..])
    } else if SCHEMA_URNS.iter().any(|u| u.eq_ignore_ascii_case(word)) {
        return Err(format!(
            "expected \":\" and an attribute name after the schema URN \"{word}\""
        ));
    } else if let Some((urn, rest)) = word.rsplit_once(':') {
        if urn.is_empty() {
            return Err(format!("expected a schema URN before \":\" in \"{word}\""));
        }
        (Some(urn.to_owned()), rest)
    } else {
        (None, word)
    };
    let (name, sub) = match rest.split_once('.') {
        Some((name, sub)) => (name, Some(sub)),
        None => (rest, None),
    };
    if !valid_name(name) {
        return Err(format!("invalid attribute name \"{name}\" in \"{word}\""));
    }
    if let Some(sub) = sub {
        if sub.contains('.') {
            return Err(format!(
                "an attribute path has at most one sub-attribute: \"{word}\""
            ));
        }
        if !valid_name(sub) {
            return Err(format!(
                "invalid sub-attribute name \"{sub}\" in \"{word}\""
            ));
        }
    }
    Ok(AttrPath {
        urn,
        name: name.to_owned(),
        sub: sub.map(str::to_owned),
    })
}
