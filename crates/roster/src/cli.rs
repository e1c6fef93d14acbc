//! The command line.

use clap::{Args, Parser, Subcommand};
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "roster",
    version,
    about = "A user directory speaking four vendor dialects and gRPC."
)]
pub struct Cli {
    /// A TOML settings file (also ROSTER_CONFIG).
    #[arg(long, global = true, env = "ROSTER_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data directory: the embedded database and generated keys [default: ./roster-data].
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL, sqlite://... or postgres://... [default: SQLite in the data directory].
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the user service and the gateway in one process.
    Serve,
    /// Run only the gRPC user service.
    UserService,
    /// Run only the REST gateway (ROSTER_USER_SERVICE_URL names the user service).
    Gateway,
    /// Apply pending database migrations.
    Migrate,
    /// Manage tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Issue tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage users' credentials.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage a tenant's groups.
    #[command(subcommand)]
    Group(GroupCommand),
    /// Manage a tenant's SCIM provisioning tokens (`Authorization: Bearer` at `/scim/v2`).
    #[command(subcommand)]
    ScimToken(ScimTokenCommand),
    /// Manage a tenant's webhook subscriptions (its change events POSTed to a URL).
    #[command(subcommand)]
    Webhook(WebhookCommand),
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Subscribe a URL to the tenant's change events; prints the signing secret once.
    Create {
        /// The tenant login.
        #[arg(long)]
        tenant: String,
        /// Where events are POSTed (http or https).
        #[arg(long)]
        url: String,
        /// An event type to deliver (`roster.user.created`, ...); repeat for more; every
        /// type when none is named.
        #[arg(long = "type")]
        types: Vec<String>,
        /// Print one JSON object: `{"id": "...", "secret": "whsec_..."}`.
        #[arg(long)]
        json: bool,
    },
    /// List the tenant's webhooks, oldest first, with where their delivery stands.
    List {
        /// The tenant login.
        #[arg(long)]
        tenant: String,
        /// One JSON object a line.
        #[arg(long)]
        json: bool,
    },
    /// Make a paused webhook active again; delivery goes on where it stopped.
    Resume {
        /// The tenant login.
        #[arg(long)]
        tenant: String,
        /// The webhook's id (as `list` shows it).
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a webhook; nothing more is sent to it.
    Delete {
        /// The tenant login.
        #[arg(long)]
        tenant: String,
        /// The webhook's id (as `list` shows it).
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScimTokenCommand {
    /// Make a provisioning token for an identity provider; prints it once.
    Issue {
        /// The tenant login.
        #[arg(long)]
        tenant: String,
        /// What the token is for, e.g. the identity provider's name (1-100 characters).
        #[arg(long)]
        name: String,
        /// Print one JSON object: `{"id": "...", "token": "..."}`.
        #[arg(long)]
        json: bool,
    },
    /// List the tenant's provisioning tokens, oldest first (never their secrets).
    List {
        /// The tenant login.
        #[arg(long)]
        tenant: String,
        /// One JSON object a line.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a provisioning token: the tokens exchanged for it stop working at once.
    Revoke {
        /// The tenant login.
        #[arg(long)]
        tenant: String,
        /// The token's id (as `list` shows it).
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// A user's secret key, which it exchanges for a token (SureCloud `POST /restful/v1/token`).
    #[command(subcommand)]
    SecretKey(SecretKeyCommand),
    /// Where a user's secret key (and the tokens of it) may be used from: shows the list,
    /// replaces it with `--allow` entries, or removes it with `--clear`.
    Restrict(RestrictArgs),
}

#[derive(Debug, Args)]
pub struct RestrictArgs {
    /// The tenant login.
    pub tenant: String,
    /// The user's email, login or id.
    pub user: String,
    /// An IP address, CIDR range (`10.0.0.0/8`, `::1/128`) or hostname the key may be used
    /// from; repeat for more. Replaces the whole list.
    #[arg(long, conflicts_with = "clear")]
    pub allow: Vec<String>,
    /// Remove every restriction: the key may be used from anywhere.
    #[arg(long)]
    pub clear: bool,
    /// Print one JSON object: `{"userId": "...", "allow": [...]}`.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum SecretKeyCommand {
    /// Issue the user a new secret key (rotating the old one); prints it once.
    Issue(SecretKeyArgs),
    /// Revoke the user's secret key: tokens issued from it stop working at once.
    Revoke(SecretKeyArgs),
}

#[derive(Debug, Args)]
pub struct SecretKeyArgs {
    /// The tenant login.
    #[arg(long)]
    pub tenant: String,
    /// The user's email.
    #[arg(long)]
    pub email: String,
    /// Print one JSON object (`{"secretKey": "..."}` for issue).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create a group by its path `//Parent/Child`, and every missing parent.
    Create {
        /// The tenant login.
        #[arg(long)]
        tenant: String,
        /// `//Parent Group/Child Group` (case-sensitive).
        path: String,
        #[arg(long)]
        json: bool,
    },
    /// List the tenant's groups by path.
    List {
        /// The tenant login.
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a tenant and its owner; prints the credentials once.
    Create(TenantCreate),
    /// List tenants.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct TenantCreate {
    /// The tenant login (the CloudAPI account name).
    pub login: String,
    /// The owner's email.
    #[arg(long)]
    pub admin_email: String,
    #[arg(long)]
    pub name: Option<String>,
    /// The Forms On Fire CompanyId [default: the next free one].
    #[arg(long)]
    pub company_id: Option<i64>,
    /// An OpenSSH public key file of the owner (repeatable).
    #[arg(long = "ssh-key")]
    pub ssh_keys: Vec<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Print a JWT for the gRPC API.
    Issue(TokenIssue),
}

#[derive(Debug, Args)]
pub struct TokenIssue {
    /// The tenant the token acts in; without it, only `--scope admin` makes sense.
    #[arg(long)]
    pub tenant: Option<String>,
    /// A scope (repeatable) [default: the tenant administrator's scopes, or `admin`].
    #[arg(long = "scope")]
    pub scopes: Vec<String>,
    /// Lifetime such as 90s, 15m, 1h or 1d [default: token_ttl_secs].
    #[arg(long, value_parser = parse_duration)]
    pub ttl: Option<Duration>,
    /// The subject recorded in the token.
    #[arg(long, default_value = "roster-cli")]
    pub subject: String,
}

/// Why a `--ttl` is not a duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    /// The text does not start with a whole number of units.
    NotANumber(String),
    /// The unit after the number is none of s, m, h or d.
    UnknownUnit(String),
    Zero,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotANumber(text) => {
                write!(f, "`{text}` is not a duration like 90s, 15m, 1h or 1d")
            }
            Self::UnknownUnit(text) => write!(f, "`{text}`: the unit must be s, m, h or d"),
            Self::Zero => f.write_str("the duration must be positive"),
        }
    }
}

impl std::error::Error for DurationError {}

/// `90`, `90s`, `15m`, `1h`, `1d`.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let t = text.trim();
    let (num, unit) = t
        .find(|c: char| !c.is_ascii_digit())
        .map_or((t, ""), |i| t.split_at(i));
    let n: u64 = num
        .parse()
        .map_err(|_| DurationError::NotANumber(text.to_owned()))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(DurationError::UnknownUnit(text.to_owned())),
    };
    if secs == 0 {
        return Err(DurationError::Zero);
    }
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("90").unwrap().as_secs(), 90);
        assert_eq!(parse_duration("15m").unwrap().as_secs(), 900);
        assert_eq!(parse_duration("1h").unwrap().as_secs(), 3600);
        assert_eq!(parse_duration("2d").unwrap().as_secs(), 172_800);
        assert_eq!(
            parse_duration("1w").unwrap_err().to_string(),
            "`1w`: the unit must be s, m, h or d"
        );
        assert_eq!(parse_duration("0"), Err(DurationError::Zero));
        assert_eq!(
            parse_duration("h").unwrap_err().to_string(),
            "`h` is not a duration like 90s, 15m, 1h or 1d"
        );
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory as _;
        Cli::command().debug_assert();
    }
}
