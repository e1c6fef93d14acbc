//! Keyset pages over users: a sort order, the position after the last row, and the query
//! a page belongs to.

use crate::filter::Filter;
use crate::users::User;
use crate::values::ExternalId;
use crate::{Timestamp, UserId};

/// The sort orders users can be listed in. Every order ends with `number`, which is unique,
/// so a position in the order is always exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UserOrderField {
    /// Creation order.
    #[default]
    Number,
    Login,
    Email,
    Created,
    /// The orders from here on are those SCIM clients ask for. Text orders compare without case;
    /// users without the value come last ascending and first descending.
    ExternalId,
    DisplayName,
    FirstName,
    LastName,
    JobTitle,
    Updated,
    Id,
}

impl UserOrderField {
    /// The text of `user` this order sorts by, for the orders of optional text.
    pub fn optional_text(self, user: &User) -> Option<Option<&str>> {
        let p = &user.profile;
        Some(match self {
            Self::ExternalId => user.external_id.as_ref().map(ExternalId::as_str),
            Self::DisplayName => p.display_name.as_deref(),
            Self::FirstName => p.first_name.as_deref(),
            Self::LastName => p.last_name.as_deref(),
            Self::JobTitle => p.job_title.as_deref(),
            Self::Number | Self::Login | Self::Email | Self::Created | Self::Updated | Self::Id => {
                return None;
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct UserOrder {
    pub field: UserOrderField,
    pub descending: bool,
}

/// The sort-key value of a row, for the order it was read in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// Ordered by number alone.
    None,
    /// Login or email key (lower case).
    Text(String),
    Time(Timestamp),
    /// An optional text as stored (the order compares it without case); `None` when the row
    /// has none.
    Optional(Option<String>),
    Id(UserId),
}

/// Where the next page starts: strictly after this row in the query's order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserCursor {
    pub key: SortKey,
    pub number: i64,
}

impl UserCursor {
    /// The position of `user` in `order`.
    pub fn after(user: &User, order: UserOrder) -> Self {
        let key = match order.field {
            UserOrderField::Number => SortKey::None,
            UserOrderField::Login => SortKey::Text(user.login.key()),
            UserOrderField::Email => SortKey::Text(user.email.key()),
            UserOrderField::Created => SortKey::Time(user.created),
            UserOrderField::Updated => SortKey::Time(user.updated),
            UserOrderField::Id => SortKey::Id(user.id),
            f @ (UserOrderField::ExternalId
            | UserOrderField::DisplayName
            | UserOrderField::FirstName
            | UserOrderField::LastName
            | UserOrderField::JobTitle) => {
                SortKey::Optional(f.optional_text(user).flatten().map(str::to_owned))
            }
        };
        Self {
            key,
            number: user.number,
        }
    }
}

/// What to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserQuery {
    pub filter: Option<Filter>,
    pub order: UserOrder,
    /// 1..=MAX_PAGE_SIZE
    pub page_size: u32,
    pub after: Option<UserCursor>,
    /// Rows strictly before this position instead: the page before a page, read backward and
    /// returned in the query's order. Used without `after` and `skip`.
    pub before: Option<UserCursor>,
    /// Rows to skip before the page (page-number clients); used without `after`.
    pub skip: u64,
    pub count_total: bool,
}

pub const DEFAULT_PAGE_SIZE: u32 = 100;
pub const MAX_PAGE_SIZE: u32 = 1000;

/// One page of users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPage {
    pub users: Vec<User>,
    /// Set when more users follow.
    pub next: Option<UserCursor>,
    /// Set when users come before this page: where the page before it ends.
    pub previous: Option<UserCursor>,
    /// Every user matching the filter, when asked for.
    pub total: Option<u64>,
}
