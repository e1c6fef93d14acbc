//! Forms On Fire over real HTTP, every rule in JSON and in XML.

mod auth;
mod fields;
mod formats;
mod hostile;
mod interop;
mod search;
mod users;

use roster_e2e::formsonfire::FofClient;
use roster_e2e::{TestApp, TestTenant};

/// A tenant `acme` and a Forms On Fire client holding its CompanyId and IntegrationKey.
pub(crate) struct Fof {
    pub(crate) app: TestApp,
    pub(crate) tenant: TestTenant,
    pub(crate) c: FofClient,
}

impl Fof {
    pub(crate) async fn new() -> Self {
        Self::with(TestApp::spawn().await).await
    }

    pub(crate) async fn with(app: TestApp) -> Self {
        let tenant = app.tenant("acme").await;
        let c = FofClient::new(&app, &tenant);
        Self { app, tenant, c }
    }

    /// A gRPC user client with the tenant's token.
    pub(crate) fn users(&self) -> roster_e2e::Users {
        self.app.users(&self.tenant.token)
    }
}
