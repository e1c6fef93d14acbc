use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_parked")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub webhook_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_seq: i64,
    pub event_id: Uuid,
    pub event_type: String,
    pub attempts: i32,
    pub last_error: String,
    pub parked_at: i64,
}

impl ActiveModelBehavior for ActiveModel {}
