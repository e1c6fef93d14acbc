use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_number: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub group_id: Uuid,
    /// The membership's place in the list the write that set the user's groups gave.
    pub position: i64,
}

impl ActiveModelBehavior for ActiveModel {}
