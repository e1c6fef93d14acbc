use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub path: String,
    pub external_id: Option<String>,
    pub created_at: i64,
    /// Moves on every change of the group: rename, external id, members.
    pub version: i64,
    pub updated_at: i64,
}

impl ActiveModelBehavior for ActiveModel {}
