use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "address_restrictions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_number: i64,
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    /// The entries, one a line, in their canonical form.
    pub entries: String,
}

impl ActiveModelBehavior for ActiveModel {}
