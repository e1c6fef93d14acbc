//! Schema migrations, one file each, applied in order by `roster migrate` and at start.

use sea_orm_migration::prelude::*;

mod m20261125_000001_initial;

/// Every migration of the schema.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20261125_000001_initial::Migration)]
    }
}
