use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "secret_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_number: i64,
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub key_id: Uuid,
    /// Hex SHA-256 of the key.
    pub digest: String,
    pub created_at: i64,
}

impl ActiveModelBehavior for ActiveModel {}
