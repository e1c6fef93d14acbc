use super::*;
use crate::TenantId;
use crate::authz::{CredentialKind, MemberAuthority};
use crate::rbac::{RbacName, RoleGrant};

fn grant(name: &str, actions: &[&str]) -> RoleGrant {
    RoleGrant {
        name: RbacName::parse(name).unwrap(),
        default: true,
        actions: actions.iter().map(|a| (*a).to_owned()).collect(),
    }
}

struct World {
    owner: UserId,
}

impl World {
    fn new() -> Self {
        Self {
            owner: UserId::generate(),
        }
    }

    fn principal(&self, actor: Actor, credential: CredentialKind) -> Principal {
        Principal {
            tenant: Some(TenantId::generate()),
            owner: Some(self.owner),
            actor,
            credential,
            credential_id: None,
            scopes: scopes::TENANT_ADMIN
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        }
    }

    fn member(
        &self,
        id: UserId,
        level: AccessLevel,
        org_admin: bool,
        roles: &[RoleGrant],
    ) -> Principal {
        self.principal(
            Actor::Member(MemberAuthority {
                user: id,
                owner: id == self.owner,
                access_level: level,
                org_admin,
                secret_key_admin: false,
                active: roles.to_vec(),
            }),
            CredentialKind::SshKey,
        )
    }

    fn owner(&self) -> Principal {
        self.member(self.owner, AccessLevel::Admin, true, &[])
    }

    fn owner_subject(&self) -> Subject {
        subject(
            self.owner,
            AccessLevel::Admin,
            &[BuiltInRole::OrgAdmin],
            &[],
        )
    }
}

fn subject(id: UserId, level: AccessLevel, built_in: &[BuiltInRole], roles: &[&str]) -> Subject {
    Subject {
        id,
        access_level: level,
        status: UserStatus::Active,
        built_in: built_in.iter().copied().collect(),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
    }
}

#[test]
fn the_operator_may_do_anything_even_to_the_owner() {
    let w = World::new();
    let op = Principal::operator();
    for action in [
        Action::DeleteUser,
        Action::CreateUserKey,
        Action::AdministerTenants,
    ] {
        assert_eq!(authorize(&op, action, Some(&w.owner_subject())), Ok(()));
    }
    let demote = [UserChange::AccessLevel(AccessLevel::ReadOnly)];
    assert_eq!(
        check_user_changes(&op, Some(&w.owner_subject()), &demote),
        Ok(())
    );
}

#[test]
fn nobody_but_the_owner_writes_the_owner() {
    let w = World::new();
    let admin = w.member(UserId::generate(), AccessLevel::Admin, true, &[]);
    let integration = w.principal(Actor::Integration, CredentialKind::IntegrationKey);
    let service = w.principal(Actor::Service, CredentialKind::ServiceToken);
    let owner = w.owner_subject();
    for p in [&admin, &integration, &service] {
        for action in [
            Action::UpdateUser,
            Action::DeleteUser,
            Action::ChangePassword,
            Action::CreateUserKey,
            Action::DeleteUserKey,
            Action::WriteSecretKeys,
        ] {
            let got = authorize(p, action, Some(&owner));
            assert!(
                matches!(got, Err(Denied::OwnerProtected | Denied::Credential)),
                "{action:?} by {:?}: {got:?}",
                p.actor
            );
        }
        let disable = [UserChange::Status(UserStatus::Disabled)];
        assert_eq!(
            check_user_changes(p, Some(&owner), &disable),
            Err(Denied::OwnerProtected)
        );
        assert!(authorize(p, Action::CreateAccountKey, None).is_err());
        // Reading the owner is not writing it.
        assert_eq!(authorize(p, Action::GetUser, Some(&owner)), Ok(()));
    }
    assert_eq!(
        authorize(&w.owner(), Action::ChangePassword, Some(&owner)),
        Ok(())
    );
    assert_eq!(
        authorize(&w.owner(), Action::CreateAccountKey, None),
        Ok(())
    );
}

#[test]
fn a_sub_user_may_only_what_its_active_roles_allow() {
    let w = World::new();
    let me = UserId::generate();
    let keys_only = w.member(
        me,
        AccessLevel::User,
        false,
        &[grant("keys", &["createuserkey"])],
    );
    let plain = subject(UserId::generate(), AccessLevel::User, &[], &[]);
    assert_eq!(
        authorize(&keys_only, Action::CreateUserKey, Some(&plain)),
        Ok(())
    );
    assert_eq!(
        authorize(&keys_only, Action::ListUsers, None),
        Err(Denied::NotAllowed)
    );
    assert_eq!(
        authorize(&keys_only, Action::CreateAccountKey, None),
        Err(Denied::NotAllowed)
    );
    // Groups, folders, secret keys and tokens have no RBAC action: administrators only.
    for action in [
        Action::WriteGroups,
        Action::WriteSecretKeys,
        Action::IssueToken,
    ] {
        assert_eq!(authorize(&keys_only, action, None), Err(Denied::NotAllowed));
    }
    let star = w.member(me, AccessLevel::User, false, &[grant("all", &["*"])]);
    assert_eq!(authorize(&star, Action::DeleteUser, Some(&plain)), Ok(()));
}

/// Users a member who is not an administrator and holds only `ops` may not write: an
/// administrator, an `org-admin`, and a holder of a role it lacks.
fn more_rights_than_a_member() -> [Subject; 3] {
    [
        subject(UserId::generate(), AccessLevel::Admin, &[], &[]),
        subject(
            UserId::generate(),
            AccessLevel::User,
            &[BuiltInRole::OrgAdmin],
            &[],
        ),
        subject(UserId::generate(), AccessLevel::User, &[], &["auditors"]),
    ]
}

#[test]
fn a_sub_user_cannot_write_users_with_more_rights() {
    let w = World::new();
    let me = UserId::generate();
    let p = w.member(me, AccessLevel::User, false, &[grant("ops", &["*"])]);
    let admin = subject(UserId::generate(), AccessLevel::Admin, &[], &[]);
    let same_role = subject(UserId::generate(), AccessLevel::User, &[], &["ops"]);
    for t in more_rights_than_a_member() {
        assert_eq!(
            authorize(&p, Action::CreateUserKey, Some(&t)),
            Err(Denied::Outranked)
        );
    }
    assert_eq!(
        authorize(&p, Action::CreateUserKey, Some(&same_role)),
        Ok(())
    );
    // Reads are not writes.
    assert_eq!(authorize(&p, Action::GetUser, Some(&admin)), Ok(()));
}

#[test]
fn a_secret_key_administrator_manages_the_keys_of_users_who_are_not_administrators() {
    let w = World::new();
    let me = UserId::generate();
    let mut p = w.member(me, AccessLevel::User, false, &[]);
    let plain = subject(UserId::generate(), AccessLevel::ReadOnly, &[], &[]);
    assert_eq!(
        authorize(&p, Action::WriteSecretKeys, Some(&plain)),
        Err(Denied::NotAllowed),
        "not without the role"
    );
    if let Actor::Member(m) = &mut p.actor {
        m.secret_key_admin = true;
    }
    assert_eq!(authorize(&p, Action::WriteSecretKeys, Some(&plain)), Ok(()));
    for t in more_rights_than_a_member() {
        assert_eq!(
            authorize(&p, Action::WriteSecretKeys, Some(&t)),
            Err(Denied::Outranked)
        );
    }
    assert_eq!(
        authorize(&p, Action::WriteSecretKeys, Some(&w.owner_subject())),
        Err(Denied::OwnerProtected)
    );
    // The role is about secret keys only.
    assert_eq!(
        authorize(&p, Action::UpdateUser, Some(&plain)),
        Err(Denied::NotAllowed)
    );
}

#[test]
fn an_administrator_cannot_write_a_higher_access_level() {
    let w = World::new();
    let admin = w.member(UserId::generate(), AccessLevel::Admin, false, &[]);
    let org_admin = w.member(UserId::generate(), AccessLevel::User, true, &[]);
    let higher = subject(UserId::generate(), AccessLevel::SuperAdmin, &[], &[]);
    let peer = subject(UserId::generate(), AccessLevel::Admin, &[], &[]);
    for p in [&admin, &org_admin] {
        for action in [
            Action::UpdateUser,
            Action::DeleteUser,
            Action::ChangePassword,
            Action::CreateUserKey,
            Action::DeleteUserKey,
            Action::WriteSecretKeys,
        ] {
            assert_eq!(
                authorize(p, action, Some(&higher)),
                Err(Denied::Outranked),
                "{action:?}"
            );
            assert_eq!(authorize(p, action, Some(&peer)), Ok(()), "{action:?}");
        }
        assert_eq!(
            check_user_changes(p, Some(&higher), &[]),
            Err(Denied::Outranked)
        );
        // Reads are not writes.
        assert_eq!(authorize(p, Action::GetUser, Some(&higher)), Ok(()));
    }
    // The owner and service accounts give any level, so write any user but the owner.
    let service = w.principal(Actor::Service, CredentialKind::ServiceToken);
    for p in [&w.owner(), &service] {
        assert_eq!(authorize(p, Action::WriteSecretKeys, Some(&higher)), Ok(()));
    }
}

#[test]
fn nobody_changes_its_own_access_level_status_or_roles() {
    let w = World::new();
    let me = UserId::generate();
    let admin = w.member(me, AccessLevel::Admin, false, &[]);
    let myself = subject(me, AccessLevel::Admin, &[], &[]);
    for change in [
        UserChange::AccessLevel(AccessLevel::SuperAdmin),
        UserChange::AccessLevel(AccessLevel::ReadOnly),
        UserChange::Status(UserStatus::Disabled),
        UserChange::RoleKeys(vec![BuiltInRole::OrgAdmin]),
    ] {
        assert_eq!(
            check_user_changes(&admin, Some(&myself), std::slice::from_ref(&change)),
            Err(Denied::SelfChange),
            "{change:?}"
        );
    }
    // Sending the value it already has is no change.
    let same = [UserChange::AccessLevel(AccessLevel::Admin)];
    assert_eq!(check_user_changes(&admin, Some(&myself), &same), Ok(()));
    assert_eq!(
        authorize(&admin, Action::DeleteUser, Some(&myself)),
        Err(Denied::SelfChange)
    );
    // The owner may change itself.
    let owner = w.owner();
    let promote = [UserChange::AccessLevel(AccessLevel::SuperAdmin)];
    assert_eq!(
        check_user_changes(&owner, Some(&w.owner_subject()), &promote),
        Ok(())
    );
}

#[test]
fn nobody_gives_an_access_level_or_role_it_does_not_hold() {
    let w = World::new();
    let writer = w.member(
        UserId::generate(),
        AccessLevel::User,
        false,
        &[grant("writers", &["createuser", "updateuser"])],
    );
    let plain = subject(UserId::generate(), AccessLevel::ReadOnly, &[], &[]);
    let to_admin = [UserChange::AccessLevel(AccessLevel::Admin)];
    assert_eq!(
        check_user_changes(&writer, Some(&plain), &to_admin),
        Err(Denied::Escalation)
    );
    assert_eq!(
        check_user_changes(&writer, None, &to_admin),
        Err(Denied::Escalation)
    );
    let to_user = [UserChange::AccessLevel(AccessLevel::User)];
    assert_eq!(check_user_changes(&writer, Some(&plain), &to_user), Ok(()));
    let org_admin = [UserChange::RoleKeys(vec![BuiltInRole::OrgAdmin])];
    assert_eq!(
        check_user_changes(&writer, Some(&plain), &org_admin),
        Err(Denied::Escalation)
    );
    // An administrator gives up to its own level; org-admin counts as ADMIN.
    let admin = w.member(UserId::generate(), AccessLevel::Admin, false, &[]);
    let to_super = [UserChange::AccessLevel(AccessLevel::SuperAdmin)];
    assert_eq!(
        check_user_changes(&admin, Some(&plain), &to_super),
        Err(Denied::Escalation)
    );
    assert_eq!(check_user_changes(&admin, Some(&plain), &to_admin), Ok(()));
    assert_eq!(check_user_changes(&admin, Some(&plain), &org_admin), Ok(()));
    // RBAC: a role or policy gives only actions the writer holds; memberships of the owner
    // and of the writer itself are not the writer's to change.
    let me = writer.user().unwrap();
    assert_eq!(check_rbac_actions(&writer, ["createuser"], []), Ok(()));
    assert_eq!(
        check_rbac_actions(&writer, ["deleteuser"], []),
        Err(Denied::Escalation)
    );
    assert_eq!(
        check_rbac_actions(&writer, ["*"], []),
        Err(Denied::Escalation)
    );
    assert_eq!(
        check_rbac_actions(&writer, ["createuser"], [me]),
        Err(Denied::SelfChange)
    );
    assert_eq!(
        check_rbac_actions(&admin, ["*"], [w.owner]),
        Err(Denied::OwnerProtected)
    );
}

#[test]
fn credentials_that_cannot_mint_do_not() {
    let w = World::new();
    let plain = subject(UserId::generate(), AccessLevel::User, &[], &[]);
    for credential in [
        CredentialKind::SecretKey,
        CredentialKind::OrganizationSecret,
        CredentialKind::IntegrationKey,
        CredentialKind::ProvisioningToken,
    ] {
        let mut p = w.member(UserId::generate(), AccessLevel::Admin, true, &[]);
        p.credential = credential;
        for action in [
            Action::CreateUserKey,
            Action::DeleteUserKey,
            Action::WriteSecretKeys,
            Action::IssueToken,
            Action::ManageProvisioningTokens,
        ] {
            assert_eq!(
                authorize(&p, action, Some(&plain)),
                Err(Denied::Credential),
                "{credential:?} {action:?}"
            );
        }
        assert_eq!(authorize(&p, Action::UpdateUser, Some(&plain)), Ok(()));
    }
}

#[test]
fn scopes_are_a_ceiling_and_tenants_are_the_operators() {
    let w = World::new();
    let mut p = w.principal(Actor::Service, CredentialKind::ServiceToken);
    p.scopes = [scopes::USERS_READ.to_owned()].into();
    assert_eq!(authorize(&p, Action::ListUsers, None), Ok(()));
    assert_eq!(
        authorize(&p, Action::CreateUser, None),
        Err(Denied::MissingScope(scopes::USERS_WRITE))
    );
    let owner = w.owner();
    let mut with_admin = owner.clone();
    with_admin.scopes.insert(scopes::ADMIN.to_owned());
    assert_eq!(
        authorize(&with_admin, Action::AdministerTenants, None),
        Err(Denied::NotAllowed)
    );
}

#[test]
fn only_the_owner_manages_provisioning_tokens() {
    let w = World::new();
    let action = Action::ManageProvisioningTokens;
    assert_eq!(authorize(&w.owner(), action, None), Ok(()));
    assert_eq!(authorize(&Principal::operator(), action, None), Ok(()));
    let mut owner_by_secret = w.owner();
    owner_by_secret.credential = CredentialKind::OrganizationSecret;
    assert_eq!(
        authorize(&owner_by_secret, action, None),
        Err(Denied::Credential)
    );
    let refused = [
        w.member(UserId::generate(), AccessLevel::SuperAdmin, true, &[]),
        w.member(
            UserId::generate(),
            AccessLevel::User,
            false,
            &[grant("all", &["*"])],
        ),
        w.principal(Actor::Service, CredentialKind::ServiceToken),
        w.principal(Actor::Integration, CredentialKind::IntegrationKey),
        w.principal(Actor::Integration, CredentialKind::ProvisioningToken),
    ];
    for p in &refused {
        let got = authorize(p, action, None);
        assert!(
            matches!(got, Err(Denied::NotAllowed | Denied::Credential)),
            "{:?} {:?}: {got:?}",
            p.actor,
            p.credential
        );
    }
}

/// A provisioning token is an integration: it writes every user but the owner, and gives
/// what an integration key gives (no credential, see above).
#[test]
fn a_provisioning_token_writes_users_as_the_integration_key_does() {
    let w = World::new();
    let mut p = w.principal(Actor::Integration, CredentialKind::ProvisioningToken);
    p.scopes = scopes::PROVISIONING
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let admin = subject(UserId::generate(), AccessLevel::SuperAdmin, &[], &[]);
    for action in [
        Action::ListUsers,
        Action::CreateUser,
        Action::UpdateUser,
        Action::DeleteUser,
        Action::ChangePassword,
        Action::ReadGroups,
        Action::WriteGroups,
    ] {
        assert_eq!(authorize(&p, action, Some(&admin)), Ok(()), "{action:?}");
    }
    assert_eq!(
        authorize(&p, Action::UpdateUser, Some(&w.owner_subject())),
        Err(Denied::OwnerProtected)
    );
    for action in [
        Action::ReadFolders,
        Action::ListRoles,
        Action::VerifyPassword,
        Action::ReadTenant,
        Action::WriteSecretKeys,
        Action::IssueToken,
        Action::ManageProvisioningTokens,
    ] {
        assert!(
            matches!(authorize(&p, action, None), Err(Denied::MissingScope(_))),
            "{action:?}"
        );
    }
}

/// Member changes are judged per user as an update of that user's groups would be: writing
/// groups is for administrators, and no administrator reaches the owner's or a higher
/// rank's memberships through a group.
#[test]
fn member_changes_follow_the_rules_of_updating_a_users_groups() {
    let w = World::new();
    let me = UserId::generate();
    let admin = w.member(me, AccessLevel::Admin, false, &[]);
    let service = w.principal(Actor::Service, CredentialKind::ServiceToken);
    let integration = w.principal(Actor::Integration, CredentialKind::IntegrationKey);
    let plain = subject(UserId::generate(), AccessLevel::User, &[], &[]);
    let myself = subject(me, AccessLevel::Admin, &[], &[]);
    let higher = subject(UserId::generate(), AccessLevel::SuperAdmin, &[], &[]);
    let owner = w.owner_subject();

    for p in [&admin, &service, &integration, &w.owner()] {
        assert_eq!(authorize(p, Action::WriteGroups, None), Ok(()));
        assert_eq!(
            check_member_changes(p, &[plain.clone(), myself.clone()]),
            Ok(())
        );
    }
    for p in [&admin, &service, &integration] {
        // The owner anywhere in the list refuses the whole change.
        assert_eq!(
            check_member_changes(p, &[plain.clone(), owner.clone()]),
            Err(Denied::OwnerProtected),
            "{:?}",
            p.actor
        );
        assert_eq!(
            check_user_changes(p, Some(&owner), &[UserChange::Groups(vec![])]),
            Err(Denied::OwnerProtected),
            "the same answer as UpdateUser"
        );
    }
    assert_eq!(
        check_member_changes(&admin, std::slice::from_ref(&higher)),
        Err(Denied::Outranked)
    );
    assert_eq!(
        check_user_changes(&admin, Some(&higher), &[UserChange::Groups(vec![])]),
        Err(Denied::Outranked),
        "the same answer as UpdateUser"
    );
    assert_eq!(
        check_member_changes(&service, std::slice::from_ref(&higher)),
        Ok(())
    );
    assert_eq!(
        check_member_changes(&w.owner(), std::slice::from_ref(&owner)),
        Ok(())
    );
    let op = Principal::operator_in(TenantId::generate(), Some(w.owner));
    assert_eq!(check_member_changes(&op, &[owner, higher]), Ok(()));
    // A member who is not an administrator never gets as far: groups are administrators'.
    let writer = w.member(
        UserId::generate(),
        AccessLevel::User,
        false,
        &[grant("all", &["*"])],
    );
    assert_eq!(
        authorize(&writer, Action::WriteGroups, None),
        Err(Denied::NotAllowed)
    );
}
