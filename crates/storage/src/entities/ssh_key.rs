use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ssh_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// `None` for the tenant owner's (account) keys.
    pub user_number: Option<i64>,
    pub name: String,
    pub fingerprint: String,
    pub public_key: String,
    pub created_at: i64,
}

impl ActiveModelBehavior for ActiveModel {}
