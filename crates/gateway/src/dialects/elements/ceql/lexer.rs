//! CEQL tokens, each with its 1-based character position. Keywords are recognised without
//! case; a backtick-quoted identifier is never a keyword.

use super::CeqlError;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A bare word: a field name or a keyword.
    Word(String),
    /// `` `any text` ``: always a field name.
    Quoted(String),
    /// `'text'` with `''` for a quote.
    Str(String),
    /// A bare literal starting with a digit or `-digit`: a number, a date or a timestamp.
    Bare(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

impl Tok {
    /// Whether this is the keyword `kw` (given in upper case).
    pub(crate) fn is_kw(&self, kw: &str) -> bool {
        matches!(self, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("'{w}'"),
            Tok::Quoted(q) => format!("`{q}`"),
            Tok::Str(s) => format!("the string '{s}'"),
            Tok::Bare(b) => format!("'{b}'"),
            Tok::Op(o) => format!("'{o}'"),
            Tok::LParen => "'('".to_owned(),
            Tok::RParen => "')'".to_owned(),
            Tok::Comma => "','".to_owned(),
        }
    }
}

/// The tokens of `input` with their positions.
pub(crate) fn tokens(input: &str) -> Result<Vec<(Tok, usize)>, CeqlError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let (tok, len) = match c {
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            ',' => (Tok::Comma, 1),
            '=' => (Tok::Op("="), 1),
            '!' if next == Some('=') => (Tok::Op("!="), 2),
            '<' if next == Some('>') => (Tok::Op("!="), 2),
            '<' if next == Some('=') => (Tok::Op("<="), 2),
            '>' if next == Some('=') => (Tok::Op(">="), 2),
            '<' => (Tok::Op("<"), 1),
            '>' => (Tok::Op(">"), 1),
            '\'' => quoted(&chars, i, '\'', true)
                .map(|(s, n)| (Tok::Str(s), n))
                .ok_or_else(|| CeqlError::new("unterminated string", pos))?,
            '`' => {
                let (s, n) = quoted(&chars, i, '`', false)
                    .ok_or_else(|| CeqlError::new("unterminated quoted field name", pos))?;
                if s.is_empty() {
                    return Err(CeqlError::new("empty quoted field name", pos));
                }
                (Tok::Quoted(s), n)
            }
            c if c.is_ascii_digit() || (c == '-' && next.is_some_and(|d| d.is_ascii_digit())) => {
                let n = 1 + chars[i + 1..]
                    .iter()
                    .take_while(|d| d.is_ascii_alphanumeric() || ":.+-".contains(**d))
                    .count();
                (Tok::Bare(chars[i..i + n].iter().collect()), n)
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let n = chars[i..]
                    .iter()
                    .take_while(|d| d.is_ascii_alphanumeric() || **d == '_' || **d == '.')
                    .count();
                (Tok::Word(chars[i..i + n].iter().collect()), n)
            }
            other => {
                return Err(CeqlError::new(
                    format!("unexpected character '{other}'"),
                    pos,
                ));
            }
        };
        out.push((tok, pos));
        i += len;
    }
    Ok(out)
}

/// The text between `quote`s starting at `start`, and the characters consumed. With
/// `doubled`, two quotes in a row stand for one.
fn quoted(chars: &[char], start: usize, quote: char, doubled: bool) -> Option<(String, usize)> {
    let mut s = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        if chars[i] == quote {
            if doubled && chars.get(i + 1) == Some(&quote) {
                s.push(quote);
                i += 2;
                continue;
            }
            return Some((s, i + 1 - start));
        }
        s.push(chars[i]);
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_their_positions() {
        let t = tokens("email = 'o''neil@x.io' AND id>=-5").unwrap();
        assert_eq!(
            t,
            vec![
                (Tok::Word("email".into()), 1),
                (Tok::Op("="), 7),
                (Tok::Str("o'neil@x.io".into()), 9),
                (Tok::Word("AND".into()), 24),
                (Tok::Word("id".into()), 28),
                (Tok::Op(">="), 30),
                (Tok::Bare("-5".into()), 32),
            ]
        );
        assert_eq!(
            tokens("`createdDate`<>2014-01-15T10:00:00-07:00").unwrap()[2].0,
            Tok::Bare("2014-01-15T10:00:00-07:00".into())
        );
    }

    #[test]
    fn bad_characters_and_unterminated_quotes_say_where() {
        assert_eq!(tokens("id = 1 ; drop").unwrap_err().position, 8);
        assert_eq!(tokens("email = 'abc").unwrap_err().position, 9);
        assert_eq!(tokens("`email = 1").unwrap_err().position, 1);
    }
}
