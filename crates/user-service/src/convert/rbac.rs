//! Roles, policies and keys between protobuf and the domain.

use super::time::to_pb;
use roster_domain::keys::Key;
use roster_domain::rbac::{
    MemberSelector, NewPolicy, NewRole, Policy, PolicyChange, PolicySelector, RbacName, Role,
    RoleChange, RoleGrant, Rule, UserRole,
};
use roster_domain::users::UserKey;
use roster_domain::values::{Login, ProfileText};
use roster_domain::{FieldViolations, PolicyId, UserId};
use roster_proto::v1 as pb;

pub(crate) fn role_to_pb(r: &Role) -> pb::Role {
    pb::Role {
        id: r.id.to_string(),
        name: r.name.as_str().to_owned(),
        members: r
            .members
            .iter()
            .map(|m| pb::RoleMember {
                user_id: m.user.to_string(),
                login: m.login.as_str().to_owned(),
                default: m.default,
            })
            .collect(),
        policies: r
            .policies
            .iter()
            .map(|p| pb::PolicyRef {
                id: p.id.to_string(),
                name: p.name.as_str().to_owned(),
            })
            .collect(),
        create_time: Some(to_pb(r.created)),
    }
}

pub(crate) fn policy_to_pb(p: &Policy) -> pb::Policy {
    pb::Policy {
        id: p.id.to_string(),
        name: p.name.as_str().to_owned(),
        rules: p.rules.iter().map(|r| r.as_str().to_owned()).collect(),
        description: p.description.clone(),
        create_time: Some(to_pb(p.created)),
    }
}

pub(crate) fn user_role_to_pb(r: &UserRole) -> pb::UserRole {
    pb::UserRole {
        id: r.id.to_string(),
        name: r.name.as_str().to_owned(),
        default: r.default,
    }
}

pub(crate) fn grant_to_pb(g: &RoleGrant) -> pb::RoleGrant {
    pb::RoleGrant {
        name: g.name.as_str().to_owned(),
        default: g.default,
        actions: g.actions.iter().cloned().collect(),
    }
}

pub(crate) fn key_to_pb(k: &Key) -> pb::Key {
    pb::Key {
        name: k.key.name().to_owned(),
        fingerprint: k.key.fingerprint().to_owned(),
        public_key: k.key.line().to_owned(),
        create_time: Some(to_pb(k.created)),
    }
}

fn members(
    v: &mut FieldViolations,
    members: &[pb::RoleMember],
    prefix: &str,
) -> Vec<MemberSelector> {
    members
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let field = format!("{prefix}members[{i}]");
            let user = if !m.user_id.is_empty() {
                v.check(&field, UserId::parse(&m.user_id).map(UserKey::Id))
            } else if !m.login.is_empty() {
                v.check(&field, Login::parse(&m.login).map(UserKey::Login))
            } else {
                v.add(field, "name the member by user_id or login");
                None
            };
            user.map(|user| MemberSelector {
                user,
                default: m.default,
            })
        })
        .collect()
}

fn policies(v: &mut FieldViolations, refs: &[pb::PolicyRef], prefix: &str) -> Vec<PolicySelector> {
    refs.iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let field = format!("{prefix}policies[{i}]");
            if !p.id.is_empty() {
                v.check(&field, PolicyId::parse(&p.id).map(PolicySelector::Id))
            } else if !p.name.is_empty() {
                v.check(&field, RbacName::parse(&p.name).map(PolicySelector::Name))
            } else {
                v.add(field, "name the policy by id or name");
                None
            }
        })
        .collect()
}

fn rules(v: &mut FieldViolations, texts: &[String], prefix: &str) -> Vec<Rule> {
    texts
        .iter()
        .enumerate()
        .filter_map(|(i, t)| v.check(&format!("{prefix}rules[{i}]"), Rule::parse(t)))
        .collect()
}

pub(crate) fn new_role_from_pb(r: Option<&pb::Role>) -> Result<NewRole, FieldViolations> {
    let r = r.ok_or_else(|| FieldViolations::single("role", "is required"))?;
    let mut v = FieldViolations::new();
    let name = v.check("role.name", RbacName::parse(&r.name));
    let members = members(&mut v, &r.members, "role.");
    let policies = policies(&mut v, &r.policies, "role.");
    match name {
        Some(name) if v.is_empty() => Ok(NewRole {
            name,
            members,
            policies,
        }),
        _ => Err(v),
    }
}

fn mask_paths<'a>(
    mask: Option<&'a prost_types::FieldMask>,
    allowed: &[&str],
) -> Result<Vec<&'a str>, FieldViolations> {
    let paths: Vec<&str> = mask
        .map(|m| m.paths.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut v = FieldViolations::new();
    for p in &paths {
        if !allowed.contains(p) {
            v.add(
                "update_mask",
                format_args!("unknown or read-only field path `{p}`"),
            );
        }
    }
    v.into_result().map(|()| paths)
}

pub(crate) fn role_changes_from_pb(
    r: &pb::Role,
    mask: Option<&prost_types::FieldMask>,
) -> Result<Vec<RoleChange>, FieldViolations> {
    let mut paths = mask_paths(mask, &["name", "members", "policies"])?;
    if paths.is_empty() {
        // AIP-134: an empty mask means the fields that are set.
        if !r.name.is_empty() {
            paths.push("name");
        }
        if !r.members.is_empty() {
            paths.push("members");
        }
        if !r.policies.is_empty() {
            paths.push("policies");
        }
    }
    let mut v = FieldViolations::new();
    let mut out = Vec::new();
    for p in paths {
        match p {
            "name" => {
                if let Some(n) = v.check("role.name", RbacName::parse(&r.name)) {
                    out.push(RoleChange::Name(n));
                }
            }
            "members" => out.push(RoleChange::Members(members(&mut v, &r.members, "role."))),
            _ => out.push(RoleChange::Policies(policies(&mut v, &r.policies, "role."))),
        }
    }
    v.into_result().map(|()| out)
}

fn description(v: &mut FieldViolations, d: Option<&str>) -> Option<String> {
    d.and_then(|d| {
        v.check("policy.description", ProfileText::parse(d))
            .flatten()
    })
}

pub(crate) fn new_policy_from_pb(p: Option<&pb::Policy>) -> Result<NewPolicy, FieldViolations> {
    let p = p.ok_or_else(|| FieldViolations::single("policy", "is required"))?;
    let mut v = FieldViolations::new();
    let name = v.check("policy.name", RbacName::parse(&p.name));
    let rules = rules(&mut v, &p.rules, "policy.");
    if p.rules.is_empty() {
        v.add("policy.rules", "at least one rule is required");
    }
    let description = description(&mut v, p.description.as_deref());
    match name {
        Some(name) if v.is_empty() => Ok(NewPolicy {
            name,
            rules,
            description,
        }),
        _ => Err(v),
    }
}

pub(crate) fn policy_changes_from_pb(
    p: &pb::Policy,
    mask: Option<&prost_types::FieldMask>,
) -> Result<Vec<PolicyChange>, FieldViolations> {
    let mut paths = mask_paths(mask, &["name", "rules", "description"])?;
    if paths.is_empty() {
        if !p.name.is_empty() {
            paths.push("name");
        }
        if !p.rules.is_empty() {
            paths.push("rules");
        }
        if p.description.is_some() {
            paths.push("description");
        }
    }
    let mut v = FieldViolations::new();
    let mut out = Vec::new();
    for path in paths {
        match path {
            "name" => {
                if let Some(n) = v.check("policy.name", RbacName::parse(&p.name)) {
                    out.push(PolicyChange::Name(n));
                }
            }
            "rules" => {
                if p.rules.is_empty() {
                    v.add("policy.rules", "at least one rule is required");
                }
                out.push(PolicyChange::Rules(rules(&mut v, &p.rules, "policy.")));
            }
            _ => out.push(PolicyChange::Description(description(
                &mut v,
                p.description.as_deref(),
            ))),
        }
    }
    v.into_result().map(|()| out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unenforceable_rules_and_bad_members_are_field_violations() {
        let p = pb::Policy {
            name: "readers".into(),
            rules: vec!["CAN listusers".into(), "CAN fly".into()],
            ..Default::default()
        };
        let err = new_policy_from_pb(Some(&p)).unwrap_err();
        assert_eq!(
            err.iter().map(|v| v.field.as_str()).collect::<Vec<_>>(),
            ["policy.rules[1]"]
        );
        let r = pb::Role {
            name: "ops".into(),
            members: vec![pb::RoleMember::default()],
            ..Default::default()
        };
        let err = new_role_from_pb(Some(&r)).unwrap_err();
        assert_eq!(
            err.iter().map(|v| v.field.as_str()).collect::<Vec<_>>(),
            ["role.members[0]"]
        );
    }
}
