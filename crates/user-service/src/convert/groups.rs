use super::time::to_pb;
use roster_domain::groups::{Group, GroupRef};
use roster_proto::v1 as pb;

pub(crate) fn group_to_pb(g: &Group) -> pb::Group {
    pb::Group {
        id: g.id.to_string(),
        parent_id: g.parent.map(|p| p.to_string()),
        name: g.path.name().to_owned(),
        path: g.path.as_str().to_owned(),
        external_id: g.external_id.as_ref().map(|x| x.as_str().to_owned()),
        create_time: Some(to_pb(g.created)),
        member_count: g.member_count,
    }
}

pub(crate) fn group_ref_to_pb(g: &GroupRef) -> pb::GroupRef {
    pb::GroupRef {
        id: g.id.to_string(),
        path: g.path.as_str().to_owned(),
        name: g.path.name().to_owned(),
        external_id: g.external_id.as_ref().map(|x| x.as_str().to_owned()),
    }
}
