use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_folders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_number: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub folder_id: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
