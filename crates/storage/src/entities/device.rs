use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_devices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_number: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub device_id: String,
    pub os: Option<String>,
    pub os_version: Option<String>,
    pub app_version: Option<String>,
    pub name: Option<String>,
    pub last_sync_at: i64,
}

impl ActiveModelBehavior for ActiveModel {}
