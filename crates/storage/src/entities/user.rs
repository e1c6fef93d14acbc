use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub number: i64,
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub login: String,
    pub login_key: String,
    pub email: String,
    pub email_key: String,
    pub external_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    pub job_title: Option<String>,
    pub company_name: Option<String>,
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub phone: Option<String>,
    pub time_zone: Option<String>,
    pub status: String,
    pub person_type: String,
    pub access_level: String,
    /// JSON object text.
    pub metadata: String,
    pub password_change_required: bool,
    pub password_hash: Option<String>,
    pub secret_digest: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_activity_at: Option<i64>,
    pub version: i64,
    pub license_type: String,
    pub do_not_email: bool,
    /// Moves on every change that must end the user's tokens.
    pub auth_epoch: i64,
}

impl ActiveModelBehavior for ActiveModel {}
