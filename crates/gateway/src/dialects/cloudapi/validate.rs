//! CloudAPI's input rules, with its messages: the email regex of `lib/users.js`, UFDS's login
//! rule (`schema/sdcperson.js`) and password policy (`data/bootstrap.ldif`, `lib/salt.js`).

use super::error::ApiError;

/// The characters of the email local part. CloudAPI's source writes `&amp;` inside the
/// character class, so `;` is allowed too (and `a`, `m`, `p`, which are letters anyway).
const LOCAL_SPECIALS: &str = ".!#$%&'*+-/=?^_`{|}~;";

pub(crate) fn check_email(email: &str) -> Result<(), ApiError> {
    let invalid = || ApiError::invalid(format!("email: {email} is invalid"));
    let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c));
    let domain_ok = domain
        .split('.')
        .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    if local_ok && domain_ok {
        Ok(())
    } else {
        Err(invalid())
    }
}

/// `^[a-zA-Z][a-zA-Z0-9_\.@]+$`, 3-32 characters, and not `local`.
pub(crate) fn check_login(login: &str) -> Result<(), ApiError> {
    let mut chars = login.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || "_.@".contains(c));
    let len_ok = (3..=32).contains(&login.len());
    if first_ok && rest_ok && len_ok && login != "local" {
        Ok(())
    } else {
        Err(ApiError::invalid("login is invalid"))
    }
}

/// At least 7 characters with a letter and a digit.
pub(crate) fn check_password(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < 7 {
        return Err(ApiError::invalid("passwordTooShort"));
    }
    let letter = password.chars().any(char::is_alphabetic);
    let digit = password.chars().any(|c| c.is_ascii_digit());
    if letter && digit {
        Ok(())
    } else {
        Err(ApiError::invalid("insufficientPasswordQuality"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_follow_cloudapis_regex() {
        for ok in [
            "bob@example.com",
            "o'neil@x",
            "a+b@sub.example.co",
            "semi;colon@x.io",
        ] {
            assert!(check_email(ok).is_ok(), "{ok}");
        }
        for bad in ["nope", "@x.io", "a@", "a b@x.io", "a@x..io", "a@x_y.io"] {
            let e = check_email(bad).unwrap_err();
            assert_eq!(
                (e.status.as_u16(), e.code),
                (409, "InvalidArgument"),
                "{bad}"
            );
            assert_eq!(e.message, format!("email: {bad} is invalid"));
        }
    }

    #[test]
    fn logins_follow_the_ufds_rule() {
        for ok in ["bob", "Bob.Smith", "j_doe@acme", &"a".repeat(32)] {
            assert!(check_login(ok).is_ok(), "{ok}");
        }
        for bad in ["ab", "1bob", "bo b", "bob-x", "local", &"a".repeat(33)] {
            assert_eq!(
                check_login(bad).unwrap_err().message,
                "login is invalid",
                "{bad}"
            );
        }
    }

    #[test]
    fn passwords_need_length_a_letter_and_a_digit() {
        assert_eq!(
            check_password("abc12").unwrap_err().message,
            "passwordTooShort"
        );
        assert_eq!(
            check_password("abcdefgh").unwrap_err().message,
            "insufficientPasswordQuality"
        );
        assert_eq!(
            check_password("12345678").unwrap_err().message,
            "insufficientPasswordQuality"
        );
        assert!(check_password("s3cret-Passw0rd").is_ok());
    }
}
