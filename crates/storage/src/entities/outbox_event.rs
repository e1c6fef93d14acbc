use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub global_seq: i64,
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub tenant_seq: i64,
    pub event_type: String,
    pub subject: String,
    pub occurred_at: i64,
    /// JSON.
    pub data: String,
    pub published_at: Option<i64>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
