//! Groups between the contract and the domain: the group message, an update's mask and a
//! member change's user ids.

use super::time::to_pb;
use roster_domain::groups::{Group, GroupChange, GroupRef, MemberChanges};
use roster_domain::values::{ExternalId, GroupName};
use roster_domain::{FieldViolations, UserId};
use roster_proto::v1 as pb;
use std::collections::HashSet;

pub(crate) fn group_to_pb(g: &Group) -> pb::Group {
    pb::Group {
        id: g.id.to_string(),
        parent_id: g.parent.map(|p| p.to_string()),
        name: g.path.name().to_owned(),
        path: g.path.as_str().to_owned(),
        external_id: g.external_id.as_ref().map(|x| x.as_str().to_owned()),
        create_time: Some(to_pb(g.created)),
        member_count: g.member_count,
        etag: g.etag(),
        update_time: Some(to_pb(g.updated)),
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

/// The changes an UpdateGroup asks for: the fields its mask names (`name`, `external_id`),
/// or without a mask those the group message sets (AIP-134). An unset external id in the
/// mask clears it.
pub(crate) fn group_changes(
    mask: Option<&prost_types::FieldMask>,
    g: &pb::Group,
) -> Result<Vec<GroupChange>, FieldViolations> {
    let given: Vec<&str> = mask
        .map(|m| m.paths.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let paths: Vec<&str> = if given.is_empty() {
        [
            ("name", !g.name.is_empty()),
            ("external_id", g.external_id.is_some()),
        ]
        .into_iter()
        .filter_map(|(p, set)| set.then_some(p))
        .collect()
    } else {
        given
    };
    let mut v = FieldViolations::new();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in paths {
        if !seen.insert(p) {
            continue;
        }
        match p {
            "name" => {
                if let Some(n) = v.check("group.name", GroupName::parse(&g.name)) {
                    out.push(GroupChange::Name(n));
                }
            }
            "external_id" => match g.external_id.as_deref() {
                Some(x) => {
                    if let Some(x) = v.check("group.external_id", ExternalId::parse(x)) {
                        out.push(GroupChange::ExternalId(Some(x)));
                    }
                }
                None => out.push(GroupChange::ExternalId(None)),
            },
            other => v.add(
                "update_mask",
                format_args!("unknown or read-only field path `{other}`"),
            ),
        }
    }
    v.into_result().map(|()| out)
}

/// The user ids of a ChangeGroupMembers, parsed and without repeats. Every id that is not a
/// UUID is a violation at its place (`add_user_ids[3]`), as is an id both added and removed.
pub(crate) fn member_changes_from_pb(
    r: &pb::ChangeGroupMembersRequest,
) -> Result<MemberChanges, FieldViolations> {
    let mut v = FieldViolations::new();
    let mut ids = |list: &[String], name: &str| -> Vec<UserId> {
        let mut seen = HashSet::new();
        list.iter()
            .enumerate()
            .filter_map(|(i, raw)| v.check(&format!("{name}[{i}]"), UserId::parse(raw)))
            .filter(|id| seen.insert(*id))
            .collect()
    };
    let add = ids(&r.add_user_ids, "add_user_ids");
    let remove = ids(&r.remove_user_ids, "remove_user_ids");
    let added: HashSet<UserId> = add.iter().copied().collect();
    for (i, raw) in r.remove_user_ids.iter().enumerate() {
        if UserId::parse(raw).is_ok_and(|id| added.contains(&id)) {
            v.add(
                format!("remove_user_ids[{i}]"),
                "is also in add_user_ids: a user is either added or removed",
            );
        }
    }
    v.into_result().map(|()| MemberChanges {
        add,
        remove,
        replace: r.replace,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(paths: &[&str]) -> prost_types::FieldMask {
        prost_types::FieldMask {
            paths: paths.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn masks_name_the_fields_that_change() {
        let g = pb::Group {
            name: "New".into(),
            external_id: None,
            ..Default::default()
        };
        let changes = group_changes(Some(&mask(&["name", "external_id"])), &g).unwrap();
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[1], GroupChange::ExternalId(None), "cleared");
        let implied = group_changes(None, &g).unwrap();
        assert!(matches!(implied.as_slice(), [GroupChange::Name(_)]));
        let bad = pb::Group {
            name: "A/B".into(),
            external_id: Some(String::new()),
            ..Default::default()
        };
        let err = group_changes(Some(&mask(&["name", "external_id", "path"])), &bad).unwrap_err();
        let fields: Vec<&str> = err.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["group.name", "group.external_id", "update_mask"]);
    }

    #[test]
    fn member_ids_are_checked_in_place_and_deduplicated() {
        let a = UserId::generate().to_string();
        let b = UserId::generate().to_string();
        let ok = member_changes_from_pb(&pb::ChangeGroupMembersRequest {
            add_user_ids: vec![a.clone(), a.clone(), b.clone()],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ok.add.len(), 2);
        let err = member_changes_from_pb(&pb::ChangeGroupMembersRequest {
            add_user_ids: vec![a.clone(), "nope".into()],
            remove_user_ids: vec![b, "x".into(), a],
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = err.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "add_user_ids[1]",
                "remove_user_ids[1]",
                "remove_user_ids[2]"
            ]
        );
    }
}
