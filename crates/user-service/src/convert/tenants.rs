use super::time::to_pb;
use roster_domain::tenants::Tenant;
use roster_proto::v1 as pb;

pub(crate) fn tenant_to_pb(t: &Tenant) -> pb::Tenant {
    pb::Tenant {
        id: t.id.to_string(),
        login: t.login.as_str().to_owned(),
        name: t.name.clone(),
        company_id: t.company_id.get(),
        owner_user_id: t.owner.map(|o| o.to_string()).unwrap_or_default(),
        create_time: Some(to_pb(t.created)),
    }
}
