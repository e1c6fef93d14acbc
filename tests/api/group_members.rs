//! ChangeGroupMembers: adds, removes and replaces direct members in one transaction, moves
//! the etags of the group and of the users it changes (and only theirs), refuses unknown
//! users with nothing changed, survives concurrent writers, and is no way around the rules
//! of changing a user's groups.

use super::group_edits::nanos;
use crate::security::owner::{rule, user_with_level};
use crate::support::records::{all_users, group};
use crate::support::{
    TestApp, TestTenant, create, expect_code, get_by, info, mask, reason, user, violated_fields,
};
use futures::future::join_all;
use roster_proto::v1 as pb;
use roster_proto::v1::get_group_request::Key as GKey;
use roster_proto::v1::user_key::Key;
use roster_user_service::scopes;
use std::collections::HashMap;
use tonic::Code;

fn change(group: &pb::Group, add: &[&str], remove: &[&str]) -> pb::ChangeGroupMembersRequest {
    pb::ChangeGroupMembersRequest {
        group_id: group.id.clone(),
        add_user_ids: add.iter().map(|s| (*s).to_owned()).collect(),
        remove_user_ids: remove.iter().map(|s| (*s).to_owned()).collect(),
        replace: false,
        etag: String::new(),
        ..Default::default()
    }
}

fn replace(group: &pb::Group, members: &[&str]) -> pb::ChangeGroupMembersRequest {
    pb::ChangeGroupMembersRequest {
        replace: true,
        ..change(group, members, &[])
    }
}

fn in_group(id: &str) -> pb::GroupRef {
    pb::GroupRef {
        id: id.to_owned(),
        ..Default::default()
    }
}

async fn get_group(app: &TestApp, t: &TestTenant, id: &str) -> pb::Group {
    app.groups(&t.token)
        .get_group(pb::GetGroupRequest {
            key: Some(GKey::Id(id.to_owned())),
        })
        .await
        .unwrap()
        .into_inner()
}

async fn get_user(app: &TestApp, t: &TestTenant, id: &str) -> pb::User {
    app.users(&t.token)
        .get_user(get_by(Key::Id(id.to_owned())))
        .await
        .unwrap()
        .into_inner()
}

/// The emails of the users directly in `group`, read from the users themselves (not through
/// a filter), sorted.
async fn member_emails(app: &TestApp, t: &TestTenant, group: &str) -> Vec<String> {
    let mut out: Vec<String> = all_users(app, t)
        .await
        .into_iter()
        .filter(|u| u.groups.iter().any(|g| g.id == group))
        .map(|u| u.email)
        .collect();
    out.sort();
    out
}

/// Every user of the tenant by id, as the store has them now.
async fn users_by_id(app: &TestApp, t: &TestTenant) -> HashMap<String, pb::User> {
    all_users(app, t)
        .await
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect()
}

async fn make(app: &TestApp, t: &TestTenant, email: &str, groups: &[&pb::Group]) -> pb::User {
    let mut u = user(email);
    u.groups = groups.iter().map(|g| in_group(&g.id)).collect();
    app.users(&t.token)
        .create_user(create(u))
        .await
        .unwrap()
        .into_inner()
}

/// `n` users `<prefix><i>@acme.test` made in one batch; their ids in order.
async fn many_users(app: &TestApp, t: &TestTenant, prefix: &str, n: usize) -> Vec<String> {
    let items = (0..n)
        .map(|i| pb::UpsertUserItem {
            key: Some(pb::UserKey {
                key: Some(Key::Email(format!("{prefix}{i}@acme.test"))),
            }),
            user: Some(user(&format!("{prefix}{i}@acme.test"))),
            create_if_missing: true,
            ..Default::default()
        })
        .collect();
    let r = app
        .users(&t.token)
        .batch_upsert_users(pb::BatchUpsertUsersRequest {
            items,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    r.results
        .into_iter()
        .map(|res| res.user.expect("created").id)
        .collect()
}

#[tokio::test]
async fn members_are_added_removed_and_replaced_and_only_changed_users_move() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let groups = app.groups(&t.token);
    let gx = group(&groups, "//X", None).await;
    let gy = group(&groups, "//Y", None).await;
    let team = group(&groups, "//Team", None).await;
    let ann = make(&app, &t, "a@acme.test", &[&gy, &gx]).await;
    let bob = make(&app, &t, "b@acme.test", &[]).await;
    let cat = make(&app, &t, "c@acme.test", &[]).await;
    let dan = make(&app, &t, "d@acme.test", &[]).await;
    let start = users_by_id(&app, &t).await;
    let mut c_groups = app.groups(&t.token);

    let added = c_groups
        .change_group_members(change(&team, &[&ann.id, &bob.id], &[]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(added.member_count, 2);
    assert_ne!(added.etag, team.etag);
    assert!(nanos(added.update_time.as_ref()) > nanos(team.update_time.as_ref()));
    assert_eq!(
        member_emails(&app, &t, &team.id).await,
        ["a@acme.test", "b@acme.test"]
    );
    let now = users_by_id(&app, &t).await;
    let a1 = &now[&ann.id];
    let paths: Vec<&str> = a1.groups.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        ["//Y", "//X", "//Team"],
        "a new membership goes last"
    );
    assert_ne!(a1.etag, ann.etag);
    assert!(nanos(a1.update_time.as_ref()) > nanos(ann.update_time.as_ref()));
    assert_ne!(now[&bob.id].etag, bob.etag);
    assert_eq!(now[&cat.id], start[&cat.id], "c was not named: untouched");

    // Adding ann member and removing ann non-member change nothing, the etags included.
    let same = c_groups
        .change_group_members(change(&team, &[&ann.id, &ann.id], &[&cat.id]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(same.etag, added.etag);
    let again = users_by_id(&app, &t).await;
    assert_eq!(again[&ann.id], *a1);
    assert_eq!(again[&cat.id], start[&cat.id]);

    let moved = c_groups
        .change_group_members(change(&team, &[&cat.id], &[&ann.id]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(moved.member_count, 2);
    assert_eq!(
        member_emails(&app, &t, &team.id).await,
        ["b@acme.test", "c@acme.test"]
    );
    let a2 = get_user(&app, &t, &ann.id).await;
    let paths: Vec<&str> = a2.groups.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["//Y", "//X"], "the other groups keep their order");
    assert_ne!(a2.etag, a1.etag);

    // Replace: exactly dan and bob; cat leaves, bob stays untouched, dan joins.
    let before = users_by_id(&app, &t).await;
    let replaced = c_groups
        .change_group_members(replace(&team, &[&dan.id, &bob.id]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(replaced.member_count, 2);
    assert_eq!(
        member_emails(&app, &t, &team.id).await,
        ["b@acme.test", "d@acme.test"]
    );
    let after = users_by_id(&app, &t).await;
    assert_eq!(after[&bob.id], before[&bob.id]);
    assert_ne!(after[&cat.id].etag, before[&cat.id].etag);
    assert_ne!(after[&dan.id].etag, before[&dan.id].etag);
    assert_eq!(after[&ann.id], before[&ann.id]);
    assert_eq!(after[&t.admin.id], before[&t.admin.id], "the owner too");

    let emptied = c_groups
        .change_group_members(replace(&team, &[]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(emptied.member_count, 0);
    assert!(member_emails(&app, &t, &team.id).await.is_empty());
    assert_eq!(
        get_group(&app, &t, &gx.id).await.member_count,
        1,
        "a is still in X"
    );
}

#[tokio::test]
async fn an_unknown_user_refuses_the_whole_change_with_nothing_changed() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let other = app.tenant("other").await;
    let team = group(&app.groups(&t.token), "//Team", None).await;
    let ann = make(&app, &t, "a@acme.test", &[]).await;
    let bob = make(&app, &t, "b@acme.test", &[]).await;
    app.groups(&t.token)
        .change_group_members(change(&team, &[&bob.id], &[]))
        .await
        .unwrap();
    let stranger = make(&app, &other, "s@other.test", &[]).await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let group_before = get_group(&app, &t, &team.id).await;
    let users_before = users_by_id(&app, &t).await;

    for (req, user_id, field) in [
        (
            change(&team, &[&ann.id, &unknown], &[]),
            unknown.as_str(),
            "add_user_ids[1]",
        ),
        (
            change(&team, &[&ann.id], &[&bob.id, &unknown]),
            unknown.as_str(),
            "remove_user_ids[1]",
        ),
        (
            replace(&team, &[&ann.id, &stranger.id]),
            stranger.id.as_str(),
            "add_user_ids[1]",
        ),
        (
            change(&team, &[&stranger.id, &unknown], &[]),
            stranger.id.as_str(),
            "add_user_ids[0]",
        ),
    ] {
        let st = expect_code(
            app.groups(&t.token).change_group_members(req).await,
            Code::NotFound,
        );
        assert_eq!(reason(&st), "USER_NOT_FOUND");
        assert_eq!(info(&st, "user_id"), user_id);
        assert_eq!(info(&st, "field"), field);
    }
    assert_eq!(get_group(&app, &t, &team.id).await, group_before);
    assert_eq!(users_by_id(&app, &t).await, users_before);
    assert_eq!(
        get_user(&app, &other, &stranger.id).await.etag,
        stranger.etag,
        "another tenant's user is untouched"
    );

    let missing = pb::Group {
        id: uuid::Uuid::new_v4().to_string(),
        ..Default::default()
    };
    let st = expect_code(
        app.groups(&t.token)
            .change_group_members(change(&missing, &[&ann.id], &[]))
            .await,
        Code::NotFound,
    );
    assert_eq!(reason(&st), "GROUP_NOT_FOUND");
    // Another tenant's group is not this tenant's.
    let theirs = group(&app.groups(&other.token), "//Theirs", None).await;
    let st = expect_code(
        app.groups(&t.token)
            .change_group_members(change(&theirs, &[&ann.id], &[]))
            .await,
        Code::NotFound,
    );
    assert_eq!(reason(&st), "GROUP_NOT_FOUND");
    assert_eq!(users_by_id(&app, &t).await, users_before);
}

#[tokio::test]
async fn bad_ids_too_many_ids_and_stale_etags_are_refused_with_nothing_changed() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let team = group(&app.groups(&t.token), "//Team", None).await;
    let ann = make(&app, &t, "a@acme.test", &[]).await;
    let mut groups = app.groups(&t.token);

    let st = expect_code(
        groups
            .change_group_members(change(&team, &[&ann.id, "nope"], &["", &ann.id]))
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(
        violated_fields(&st),
        [
            "add_user_ids[1]",
            "remove_user_ids[0]",
            "remove_user_ids[1]"
        ]
    );
    let st = expect_code(
        groups
            .change_group_members(change(&pb::Group::default(), &[&ann.id], &[]))
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&st), ["group_id"]);
    let many: Vec<String> = (0..10_001)
        .map(|_| uuid::Uuid::new_v4().to_string())
        .collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let st = expect_code(
        groups
            .change_group_members(change(&team, &refs[..6000], &refs[6000..]))
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(reason(&st), "TOO_LARGE");
    assert_eq!(info(&st, "max"), "10000");

    let first = groups
        .change_group_members(pb::ChangeGroupMembersRequest {
            etag: team.etag.clone(),
            ..change(&team, &[&ann.id], &[])
        })
        .await
        .unwrap()
        .into_inner();
    let a_now = get_user(&app, &t, &ann.id).await;
    for stale in [team.etag.as_str(), "W/\"0\"", "x"] {
        let st = expect_code(
            groups
                .change_group_members(pb::ChangeGroupMembersRequest {
                    etag: stale.to_owned(),
                    ..change(&team, &[], &[&ann.id])
                })
                .await,
            Code::FailedPrecondition,
        );
        assert_eq!(reason(&st), "ETAG_MISMATCH", "{stale}");
    }
    assert_eq!(get_group(&app, &t, &team.id).await, first);
    assert_eq!(get_user(&app, &t, &ann.id).await, a_now);
    let removed = groups
        .change_group_members(pb::ChangeGroupMembersRequest {
            etag: first.etag.clone(),
            ..change(&team, &[], &[&ann.id])
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(removed.member_count, 0);
}

/// Many writers add different users to one group at once, some of them the same users twice,
/// while users are also put into it through UpdateUser: every user ends up in it exactly
/// once, and no call fails (on PostgreSQL the writes lock rows and must not deadlock).
#[tokio::test]
async fn concurrent_member_changes_of_one_group_lose_no_member_and_add_none_twice() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let team = group(&app.groups(&t.token), "//Team", None).await;
    let gx = group(&app.groups(&t.token), "//X", None).await;
    let ids = many_users(&app, &t, "u", 120).await;

    let (by_group, by_user) = ids.split_at(100);
    let adds = by_group.chunks(5).enumerate().map(|(i, chunk)| {
        let mut groups = app.groups(&t.token);
        // Every other call also names the users of the next chunk: the same users twice.
        let mut add: Vec<&str> = chunk.iter().map(String::as_str).collect();
        if i % 2 == 0
            && let Some(next) = by_group.chunks(5).nth(i + 1)
        {
            add.extend(next.iter().map(String::as_str));
        }
        let req = change(&team, &add, &[]);
        async move { groups.change_group_members(req).await.map(|_| ()) }
    });
    let updates = by_user.iter().map(|id| {
        let mut users = app.users(&t.token);
        let req = pb::UpdateUserRequest {
            user: Some(pb::User {
                id: id.clone(),
                groups: vec![in_group(&gx.id), in_group(&team.id)],
                ..Default::default()
            }),
            update_mask: mask(&["groups"]),
            password: None,
            ..Default::default()
        };
        async move { users.update_user(req).await.map(|_| ()) }
    });
    let (add_results, update_results) = tokio::join!(join_all(adds), join_all(updates));
    for r in add_results.iter().chain(&update_results) {
        assert!(r.is_ok(), "{r:?}");
    }

    let team = get_group(&app, &t, &team.id).await;
    assert_eq!(team.member_count, 120);
    let all = all_users(&app, &t).await;
    for u in all.iter().filter(|u| u.id != t.admin.id) {
        let times = u.groups.iter().filter(|r| r.id == team.id).count();
        assert_eq!(times, 1, "{} is in the group once", u.email);
    }
}

#[tokio::test]
async fn thousands_of_members_change_in_one_request() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let team = group(&app.groups(&t.token), "//Everyone", None).await;
    let ids = many_users(&app, &t, "m", 2500).await;
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut groups = app.groups(&t.token);
    let all = groups
        .change_group_members(change(&team, &refs, &[]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(all.member_count, 2500);
    let half = groups
        .change_group_members(replace(&team, &refs[..1250]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(half.member_count, 1250);
    for (i, member) in [(0, true), (1249, true), (1250, false), (2499, false)] {
        let u = get_user(&app, &t, &ids[i]).await;
        assert_eq!(u.groups.iter().any(|r| r.id == team.id), member, "user {i}");
    }
}

/// Whoever may not write groups is refused; whoever may is still held to the rules of
/// changing a user's groups (the owner's by the owner alone, nobody's of a higher rank).
/// Every refusal leaves the group and its users as they were.
#[tokio::test]
async fn refused_principals_change_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let team = group(&app.groups(&t.token), "//Team", None).await;
    let plain = user_with_level(&app, &t, "plain@acme.test", pb::AccessLevel::User).await;
    let admin = user_with_level(&app, &t, "admin@acme.test", pb::AccessLevel::Admin).await;
    let boss = user_with_level(&app, &t, "boss@acme.test", pb::AccessLevel::SuperAdmin).await;
    let peer = user_with_level(&app, &t, "peer@acme.test", pb::AccessLevel::User).await;
    // The owner puts itself in the group: only it may take itself out.
    app.groups(&t.owner_token)
        .change_group_members(change(&team, &[&t.admin.id], &[]))
        .await
        .unwrap();
    let plain_token = app.user_token(&t.id, &plain.id, scopes::TENANT_ADMIN, 0);
    let admin_token = app.user_token(&t.id, &admin.id, scopes::TENANT_ADMIN, 0);
    let no_write = app.token(
        Some(&t.id),
        &[scopes::USERS_READ, scopes::USERS_WRITE, scopes::GROUPS_READ],
    );
    let owner = t.admin.id.as_str();
    let group_before = get_group(&app, &t, &team.id).await;
    let users_before = users_by_id(&app, &t).await;

    let cases: Vec<(&str, &str, pb::ChangeGroupMembersRequest, Code, &str)> = vec![
        (
            "a user who is not an administrator",
            &plain_token,
            change(&team, &[&peer.id], &[]),
            Code::PermissionDenied,
            "not_allowed",
        ),
        (
            "a token without groups.write",
            &no_write,
            change(&team, &[&peer.id], &[]),
            Code::PermissionDenied,
            "",
        ),
        (
            "an administrator adding a higher rank",
            &admin_token,
            change(&team, &[&peer.id, &boss.id], &[]),
            Code::PermissionDenied,
            "outranked",
        ),
        (
            "an administrator removing the owner",
            &admin_token,
            change(&team, &[&peer.id], &[owner]),
            Code::PermissionDenied,
            "owner_protected",
        ),
        (
            "an administrator replacing the members, the owner among them",
            &admin_token,
            replace(&team, &[&peer.id]),
            Code::PermissionDenied,
            "owner_protected",
        ),
        (
            "a service account removing the owner",
            &t.token,
            change(&team, &[], &[owner]),
            Code::PermissionDenied,
            "owner_protected",
        ),
        (
            "a service account replacing the members, the owner among them",
            &t.token,
            replace(&team, &[&peer.id, &boss.id]),
            Code::PermissionDenied,
            "owner_protected",
        ),
    ];
    for (who, token, req, code, want_rule) in cases {
        let st = expect_code(app.groups(token).change_group_members(req).await, code);
        assert_eq!(rule(&st), want_rule, "{who}: {st:?}");
        if want_rule.is_empty() {
            assert_eq!(reason(&st), "MISSING_SCOPE", "{who}");
        }
        assert_eq!(get_group(&app, &t, &team.id).await, group_before, "{who}");
        assert_eq!(users_by_id(&app, &t).await, users_before, "{who}");
    }

    // Renames and external ids are group writes too.
    let rename = pb::UpdateGroupRequest {
        group: Some(pb::Group {
            id: team.id.clone(),
            name: "Taken Over".into(),
            ..Default::default()
        }),
        update_mask: mask(&["name"]),
        etag: String::new(),
        ..Default::default()
    };
    for token in [&plain_token, &no_write] {
        let st = expect_code(
            app.groups(token).update_group(rename.clone()).await,
            Code::PermissionDenied,
        );
        assert!(!st.message().is_empty());
    }
    assert_eq!(get_group(&app, &t, &team.id).await, group_before);

    // The same principals may do what the rules allow.
    app.groups(&admin_token)
        .change_group_members(change(&team, &[&peer.id, &admin.id], &[]))
        .await
        .unwrap();
    app.groups(&t.token)
        .change_group_members(change(&team, &[&boss.id], &[]))
        .await
        .unwrap();
    app.groups(&admin_token).update_group(rename).await.unwrap();
    assert_eq!(
        member_emails(&app, &t, &team.id).await,
        [
            "admin@acme.test",
            "boss@acme.test",
            "owner@acme.test",
            "peer@acme.test"
        ]
    );
}

/// The group at `path`, as GetGroup answers it.
async fn find_path(app: &TestApp, t: &TestTenant, path: &str) -> Result<pb::Group, tonic::Status> {
    app.groups(&t.token)
        .get_group(pb::GetGroupRequest {
            key: Some(GKey::Path(path.to_owned())),
        })
        .await
        .map(tonic::Response::into_inner)
}

fn create_with(path: &str, members: &[&str]) -> pb::CreateGroupRequest {
    pb::CreateGroupRequest {
        path: path.to_owned(),
        member_user_ids: members.iter().map(|s| (*s).to_owned()).collect(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_group_is_created_with_its_first_members_in_one_write() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ada = make(&app, &t, "ada@acme.test", &[]).await;
    let bob = make(&app, &t, "bob@acme.test", &[]).await;
    let g = app
        .groups(&t.token)
        .create_group(create_with("//Team/Core", &[&ada.id, &bob.id, &ada.id]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(g.member_count, 2);
    assert_eq!(
        member_emails(&app, &t, &g.id).await,
        ["ada@acme.test", "bob@acme.test"]
    );
    assert!(get_user(&app, &t, &ada.id).await.etag != ada.etag);
}

#[tokio::test]
async fn a_group_create_with_a_refused_member_creates_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ada = make(&app, &t, "ada@acme.test", &[]).await;
    let boss = user_with_level(&app, &t, "boss@acme.test", pb::AccessLevel::SuperAdmin).await;
    let admin = user_with_level(&app, &t, "admin@acme.test", pb::AccessLevel::Admin).await;
    let admin_token = app.user_token(&t.id, &admin.id, scopes::TENANT_ADMIN, 0);
    let nobody = uuid::Uuid::now_v7().to_string();
    let users_before = users_by_id(&app, &t).await;

    // A member that is no user of the tenant: NOT_FOUND, naming where the request has it.
    let st = expect_code(
        app.groups(&t.token)
            .create_group(create_with("//Team/Core", &[&ada.id, &nobody]))
            .await,
        Code::NotFound,
    );
    assert_eq!(reason(&st), "USER_NOT_FOUND");
    assert_eq!(info(&st, "field"), "member_user_ids[1]");
    // An id that is no id at all.
    let st = expect_code(
        app.groups(&t.token)
            .create_group(create_with("//Team/Core", &["not-an-id"]))
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&st), ["member_user_ids[0]"]);
    // A member the caller may not change: an administrator adding a higher rank.
    let st = expect_code(
        app.groups(&admin_token)
            .create_group(create_with("//Team/Core", &[&ada.id, &boss.id]))
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(rule(&st), "outranked");
    // Neither the group nor the parent it would have made exists; no user changed.
    for path in ["//Team/Core", "//Team"] {
        expect_code(find_path(&app, &t, path).await, Code::NotFound);
    }
    assert_eq!(users_by_id(&app, &t).await, users_before);
}
