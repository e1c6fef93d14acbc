//! Schema migrations, one file each, applied in order by `roster migrate` and at start.

use sea_orm_migration::prelude::*;

mod m20261125_000001_initial;
mod m20261125_000002_rbac;
mod m20261201_000020_builtin_roles;
mod m20261201_000021_password_guesses;
mod m20261201_000030_folders;
mod m20261201_000040_secret_keys;
mod m20261204_000050_used_signatures;
mod m20261204_000060_auth_epoch;
mod m20261204_000070_address_restrictions;
mod m20261205_000070_secret_key_admin_role;
mod m20261205_000080_membership_order;
mod m20261206_000090_provisioning_tokens;
mod m20261206_000110_group_versions;
mod m20261206_000120_user_orders;
mod m20261207_000130_idempotency_keys;
pub(crate) mod m20261208_000140_search_trigrams;
mod m20261209_000150_sqlite_search_trigrams;
mod m20261210_000160_outbox;
mod m20261210_000170_relay_lease;
mod m20261212_000180_event_retention;
mod m20261212_000190_webhooks;

/// Every migration of the schema.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_initial::Migration),
            Box::new(m20261125_000002_rbac::Migration),
            Box::new(m20261201_000020_builtin_roles::Migration),
            Box::new(m20261201_000021_password_guesses::Migration),
            Box::new(m20261201_000030_folders::Migration),
            Box::new(m20261201_000040_secret_keys::Migration),
            Box::new(m20261204_000050_used_signatures::Migration),
            Box::new(m20261204_000060_auth_epoch::Migration),
            Box::new(m20261204_000070_address_restrictions::Migration),
            Box::new(m20261205_000070_secret_key_admin_role::Migration),
            Box::new(m20261205_000080_membership_order::Migration),
            Box::new(m20261206_000090_provisioning_tokens::Migration),
            Box::new(m20261206_000110_group_versions::Migration),
            Box::new(m20261206_000120_user_orders::Migration),
            Box::new(m20261207_000130_idempotency_keys::Migration),
            Box::new(m20261208_000140_search_trigrams::Migration),
            Box::new(m20261209_000150_sqlite_search_trigrams::Migration),
            Box::new(m20261210_000160_outbox::Migration),
            Box::new(m20261210_000170_relay_lease::Migration),
            Box::new(m20261212_000180_event_retention::Migration),
            Box::new(m20261212_000190_webhooks::Migration),
        ]
    }
}

/// A foreign key whose rows go when the referenced row goes.
pub(super) fn cascade(
    name: &str,
    from: (&'static str, &'static str),
    to: (&'static str, &'static str),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

/// A named index; unique names matter, the adapter classifies violations by them.
pub(super) fn index(
    name: &str,
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    if unique {
        i.unique();
    }
    i.take()
}
