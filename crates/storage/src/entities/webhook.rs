use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub url: String,
    /// JSON array of type names; empty: every type.
    pub event_types: String,
    /// The HMAC key deliveries are signed with (`whsec_…`).
    pub secret: String,
    pub state: String,
    pub after_sequence: i64,
    pub attempts: i32,
    pub failing_since: Option<i64>,
    pub next_attempt_at: Option<i64>,
    pub last_error: Option<String>,
    pub parked_in_a_row: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ActiveModelBehavior for ActiveModel {}
