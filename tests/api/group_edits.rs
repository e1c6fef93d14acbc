//! UpdateGroup (a rename moves the whole subtree; external ids stay unique) and group etags:
//! they move on every change of the group and a stale one is refused with nothing changed.

use crate::support::records::group;
use crate::support::{
    TestApp, TestTenant, create, expect_code, get_by, info, mask, reason, user, violated_fields,
};
use roster_proto::v1 as pb;
use roster_proto::v1::get_group_request::Key as GKey;
use roster_proto::v1::user_key::Key;
use tonic::Code;

/// Every group of the tenant as (path, external id), in path order.
async fn tree(app: &TestApp, t: &TestTenant) -> Vec<(String, Option<String>)> {
    app.groups(&t.token)
        .list_groups(pb::ListGroupsRequest {
            page_size: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .groups
        .into_iter()
        .map(|g| (g.path, g.external_id))
        .collect()
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

fn rename(id: &str, name: &str, etag: &str) -> pb::UpdateGroupRequest {
    pb::UpdateGroupRequest {
        group: Some(pb::Group {
            id: id.to_owned(),
            name: name.to_owned(),
            ..Default::default()
        }),
        update_mask: mask(&["name"]),
        etag: etag.to_owned(),
        ..Default::default()
    }
}

fn set_external_id(id: &str, external_id: Option<&str>) -> pb::UpdateGroupRequest {
    pb::UpdateGroupRequest {
        group: Some(pb::Group {
            id: id.to_owned(),
            external_id: external_id.map(str::to_owned),
            ..Default::default()
        }),
        update_mask: mask(&["external_id"]),
        etag: String::new(),
        ..Default::default()
    }
}

/// A time as nanoseconds, to compare.
pub(crate) fn nanos(t: Option<&prost_types::Timestamp>) -> i128 {
    let t = t.expect("a time");
    i128::from(t.seconds) * 1_000_000_000 + i128::from(t.nanos)
}

fn paths(list: &[(String, Option<String>)]) -> Vec<&str> {
    list.iter().map(|(p, _)| p.as_str()).collect()
}

#[tokio::test]
async fn a_rename_moves_the_paths_of_every_descendant_and_nothing_else() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let groups = app.groups(&t.token);
    let group_b = group(&groups, "//A/B", None).await;
    let group_c = group(&groups, "//A/B/C", None).await;
    for p in [
        "//A/B/C/D",
        "//A/B/E",
        "//A/Bx",
        "//A/B x/F",
        "//B/C",
        "//Other",
    ] {
        group(&groups, p, None).await;
    }
    assert_eq!(group_b.etag, "W/\"1\"", "a new group is at version 1");
    assert_eq!(
        group_b.update_time, group_b.create_time,
        "last changed when created"
    );
    let mut new_user = user("mia@acme.test");
    new_user.groups = vec![pb::GroupRef {
        id: group_c.id.clone(),
        ..Default::default()
    }];
    let mia = app
        .users(&t.token)
        .create_user(create(new_user))
        .await
        .unwrap()
        .into_inner();

    // A name with LIKE wildcards is only text: the subtree is matched by its prefix.
    let renamed = app
        .groups(&t.token)
        .update_group(rename(&group_b.id, "50%_off", &group_b.etag))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (renamed.name.as_str(), renamed.path.as_str()),
        ("50%_off", "//A/50%_off")
    );
    assert_eq!(renamed.parent_id, group_b.parent_id);
    assert_ne!(renamed.etag, group_b.etag);
    assert!(
        nanos(renamed.update_time.as_ref()) > nanos(group_b.update_time.as_ref()),
        "{renamed:?}"
    );
    assert_eq!(
        paths(&tree(&app, &t).await),
        [
            "//A",
            "//A/50%_off",
            "//A/50%_off/C",
            "//A/50%_off/C/D",
            "//A/50%_off/E",
            "//A/B x",
            "//A/B x/F",
            "//A/Bx",
            "//B",
            "//B/C",
            "//Other",
        ]
    );
    let c_now = get_group(&app, &t, &group_c.id).await;
    assert_eq!(c_now.path, "//A/50%_off/C");
    assert_eq!(c_now.name, "C");
    assert_eq!(c_now.parent_id.as_deref(), Some(group_b.id.as_str()));
    // The member reads its group under the new path.
    let mia = app
        .users(&t.token)
        .get_user(get_by(Key::Id(mia.id)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(mia.groups[0].path, "//A/50%_off/C");
    // The old path names nothing; the new one resolves.
    let st = expect_code(
        app.groups(&t.token)
            .resolve_group_path(pb::ResolveGroupPathRequest {
                path: "//A/B/C".into(),
            })
            .await,
        Code::NotFound,
    );
    assert_eq!(reason(&st), "GROUP_NOT_FOUND");
    let deep = app
        .groups(&t.token)
        .resolve_group_path(pb::ResolveGroupPathRequest {
            path: "//A/50%_off/C/D".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(deep.name, "D");

    // A top-level group renames too.
    let top = app
        .groups(&t.token)
        .resolve_group_path(pb::ResolveGroupPathRequest { path: "//A".into() })
        .await
        .unwrap()
        .into_inner();
    app.groups(&t.token)
        .update_group(rename(&top.id, "Z", ""))
        .await
        .unwrap();
    assert_eq!(
        paths(&tree(&app, &t).await),
        [
            "//B",
            "//B/C",
            "//Other",
            "//Z",
            "//Z/50%_off",
            "//Z/50%_off/C",
            "//Z/50%_off/C/D",
            "//Z/50%_off/E",
            "//Z/B x",
            "//Z/B x/F",
            "//Z/Bx",
        ]
    );
}

#[tokio::test]
async fn a_rename_onto_a_sibling_or_a_bad_name_is_refused_with_nothing_changed() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let groups = app.groups(&t.token);
    group(&groups, "//A/B/C", None).await;
    group(&groups, "//A/Taken", None).await;
    let group_b = app
        .groups(&t.token)
        .resolve_group_path(pb::ResolveGroupPathRequest {
            path: "//A/B".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let before = tree(&app, &t).await;

    let st = expect_code(
        app.groups(&t.token)
            .update_group(rename(&group_b.id, "Taken", ""))
            .await,
        Code::AlreadyExists,
    );
    assert_eq!(reason(&st), "GROUP_EXISTS");
    assert_eq!(info(&st, "field"), "group.name");
    // Paths are case-sensitive: another case is another name.
    app.groups(&t.token)
        .update_group(rename(&group_b.id, "taken", ""))
        .await
        .unwrap();
    app.groups(&t.token)
        .update_group(rename(&group_b.id, "B", ""))
        .await
        .unwrap();
    assert_eq!(tree(&app, &t).await, before);

    let long = "x".repeat(256);
    for bad in ["", " B", "B ", "B/C", "a\u{0}b", long.as_str()] {
        let st = expect_code(
            app.groups(&t.token)
                .update_group(rename(&group_b.id, bad, ""))
                .await,
            Code::InvalidArgument,
        );
        assert_eq!(violated_fields(&st), ["group.name"], "{bad:?}");
    }
    let st = expect_code(
        app.groups(&t.token)
            .update_group(pb::UpdateGroupRequest {
                group: Some(pb::Group {
                    id: group_b.id.clone(),
                    path: "//Elsewhere".into(),
                    ..Default::default()
                }),
                update_mask: mask(&["path"]),
                etag: String::new(),
                ..Default::default()
            })
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&st), ["update_mask"]);
    let st = expect_code(
        app.groups(&t.token)
            .update_group(rename("not-a-uuid", "X", ""))
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&st), ["group.id"]);
    let st = expect_code(
        app.groups(&t.token)
            .update_group(rename(&uuid::Uuid::new_v4().to_string(), "X", ""))
            .await,
        Code::NotFound,
    );
    assert_eq!(reason(&st), "GROUP_NOT_FOUND");
    assert_eq!(tree(&app, &t).await, before);
    let b_now = get_group(&app, &t, &group_b.id).await;
    assert_eq!(b_now.etag, "W/\"3\"", "two renames, none of the refusals");
}

#[tokio::test]
async fn external_ids_are_set_unique_in_the_tenant_and_cleared() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let other = app.tenant("other").await;
    let groups = app.groups(&t.token);
    let group_a = group(&groups, "//A", Some("EXT-A")).await;
    let group_b = group(&groups, "//B", None).await;
    // Another tenant's external ids are its own.
    let foreign = group(&app.groups(&other.token), "//X", None).await;
    app.groups(&other.token)
        .update_group(set_external_id(&foreign.id, Some("EXT-B")))
        .await
        .unwrap();

    let set = app
        .groups(&t.token)
        .update_group(set_external_id(&group_b.id, Some("EXT-B")))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(set.external_id.as_deref(), Some("EXT-B"));
    assert_eq!(set.path, "//B", "the mask names the external id only");
    let found = app
        .groups(&t.token)
        .get_group(pb::GetGroupRequest {
            key: Some(GKey::ExternalId("EXT-B".into())),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(found.id, group_b.id);

    let st = expect_code(
        app.groups(&t.token)
            .update_group(set_external_id(&group_b.id, Some("EXT-A")))
            .await,
        Code::AlreadyExists,
    );
    assert_eq!(reason(&st), "EXTERNAL_ID_TAKEN");
    assert_eq!(
        get_group(&app, &t, &group_b.id).await,
        set,
        "nothing changed"
    );

    let st = expect_code(
        app.groups(&t.token)
            .update_group(set_external_id(&group_b.id, Some("")))
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&st), ["group.external_id"]);

    // Cleared, it is free for another group.
    let cleared = app
        .groups(&t.token)
        .update_group(set_external_id(&group_a.id, None))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(cleared.external_id, None);
    assert_ne!(cleared.etag, group_a.etag);
    app.groups(&t.token)
        .update_group(set_external_id(&group_b.id, Some("EXT-A")))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_stale_etag_is_refused_and_the_current_one_accepted() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let team = group(&app.groups(&t.token), "//Team", None).await;
    let first = app
        .groups(&t.token)
        .update_group(rename(&team.id, "Crew", &team.etag))
        .await
        .unwrap()
        .into_inner();
    for stale in [team.etag.as_str(), "W/\"99\"", "garbage"] {
        let st = expect_code(
            app.groups(&t.token)
                .update_group(rename(&team.id, "Gang", stale))
                .await,
            Code::FailedPrecondition,
        );
        assert_eq!(reason(&st), "ETAG_MISMATCH", "{stale}");
    }
    assert_eq!(
        get_group(&app, &t, &team.id).await,
        first,
        "nothing changed"
    );
    // A change that changes nothing keeps the etag.
    let same = app
        .groups(&t.token)
        .update_group(rename(&team.id, "Crew", &first.etag))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(same.etag, first.etag);
    assert_eq!(same.update_time, first.update_time);
}

/// Members change through users as well: a group's etag moves whenever its members do,
/// whichever write changed them, and stays when they do not.
#[tokio::test]
async fn the_etag_moves_when_members_join_or_leave_through_their_users() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let groups = app.groups(&t.token);
    let team = group(&groups, "//Team", None).await;
    let other = group(&groups, "//Other", None).await;
    let in_team = |id: &str| pb::GroupRef {
        id: id.to_owned(),
        ..Default::default()
    };
    let mut new_user = user("ann@acme.test");
    new_user.groups = vec![in_team(&team.id)];
    let ann = app
        .users(&t.token)
        .create_user(create(new_user))
        .await
        .unwrap()
        .into_inner();
    let joined = get_group(&app, &t, &team.id).await;
    assert_ne!(joined.etag, team.etag, "created into the group");
    assert_eq!(joined.member_count, 1);

    // Another group only: this one is untouched.
    let change = |groups: Vec<pb::GroupRef>| pb::UpdateUserRequest {
        user: Some(pb::User {
            id: ann.id.clone(),
            groups,
            ..Default::default()
        }),
        update_mask: mask(&["groups"]),
        password: None,
        ..Default::default()
    };
    app.users(&t.token)
        .update_user(change(vec![in_team(&team.id), in_team(&other.id)]))
        .await
        .unwrap();
    assert_eq!(get_group(&app, &t, &team.id).await.etag, joined.etag);
    assert_ne!(get_group(&app, &t, &other.id).await.etag, other.etag);

    app.users(&t.token)
        .update_user(change(vec![in_team(&other.id)]))
        .await
        .unwrap();
    let left = get_group(&app, &t, &team.id).await;
    assert_ne!(left.etag, joined.etag, "left the group");
    assert_eq!(left.member_count, 0);

    // Batch upserts move it too, and deleting a member does.
    let item = pb::UpsertUserItem {
        key: Some(pb::UserKey {
            key: Some(Key::Id(ann.id.clone())),
        }),
        user: Some(pb::User {
            groups: vec![in_team(&team.id)],
            ..Default::default()
        }),
        update_mask: mask(&["groups"]),
        ..Default::default()
    };
    let r = app
        .users(&t.token)
        .batch_upsert_users(pb::BatchUpsertUsersRequest {
            items: vec![item],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.results[0].status.as_ref().map(|s| s.code), Some(0));
    let rejoined = get_group(&app, &t, &team.id).await;
    assert_ne!(rejoined.etag, left.etag);
    app.users(&t.token)
        .delete_user(pb::DeleteUserRequest {
            id: ann.id.clone(),
            etag: String::new(),
            ..Default::default()
        })
        .await
        .unwrap();
    let gone = get_group(&app, &t, &team.id).await;
    assert_ne!(gone.etag, rejoined.etag);
    assert_eq!(gone.member_count, 0);
    assert!(nanos(gone.update_time.as_ref()) >= nanos(rejoined.update_time.as_ref()));
}

/// A member's `groups` show each group's path and external id: a rename (of the group or an
/// ancestor), a new external id and a delete change what the member reads, so its ETag and
/// update time move; a user in no touched group keeps both.
#[tokio::test]
async fn members_etags_move_when_their_groups_are_renamed_or_deleted() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let groups = app.groups(&t.token);
    let top = group(&groups, "//Top", None).await;
    let sub = group(&groups, "//Top/Sub", None).await;
    let aside = group(&groups, "//Aside", None).await;
    let mut users = app.users(&t.token);
    let mut make = async |email: &str, g: &pb::Group| {
        let mut u = user(email);
        u.groups = vec![pb::GroupRef {
            id: g.id.clone(),
            ..Default::default()
        }];
        users.create_user(create(u)).await.unwrap().into_inner()
    };
    let in_sub = make("sub@acme.test", &sub).await;
    let in_top = make("top@acme.test", &top).await;
    let bystander = make("aside@acme.test", &aside).await;
    let read = |u: &pb::User| {
        let (app, t, id) = (&app, &t, u.id.clone());
        async move {
            app.users(&t.token)
                .get_user(get_by(Key::Id(id)))
                .await
                .unwrap()
                .into_inner()
        }
    };

    // Renaming the parent moves the child's path, so the child's member changes too.
    app.groups(&t.token)
        .update_group(rename(&top.id, "Summit", ""))
        .await
        .unwrap();
    let (sub_now, top_now) = (read(&in_sub).await, read(&in_top).await);
    assert_eq!(sub_now.groups[0].path, "//Summit/Sub");
    for (before, now) in [(&in_sub, &sub_now), (&in_top, &top_now)] {
        assert_ne!(now.etag, before.etag, "{}", before.email);
        assert!(nanos(now.update_time.as_ref()) > nanos(before.update_time.as_ref()));
    }
    assert_eq!(
        read(&bystander).await,
        bystander,
        "not a member of a renamed group"
    );

    // A new external id shows in the direct members' groups only.
    app.groups(&t.token)
        .update_group(set_external_id(&sub.id, Some("hr-sub")))
        .await
        .unwrap();
    let sub_ext = read(&in_sub).await;
    assert_eq!(sub_ext.groups[0].external_id.as_deref(), Some("hr-sub"));
    assert_ne!(sub_ext.etag, sub_now.etag);
    assert_eq!(read(&in_top).await, top_now, "a member of the parent only");

    // Deleting the whole tree takes the group from both members.
    app.groups(&t.token)
        .delete_group(pb::DeleteGroupRequest {
            id: top.id.clone(),
            recursive: true,
            ..Default::default()
        })
        .await
        .unwrap();
    for (before, email) in [(&sub_ext, "sub@acme.test"), (&top_now, "top@acme.test")] {
        let now = read(before).await;
        assert!(now.groups.is_empty(), "{email}");
        assert_ne!(now.etag, before.etag, "{email}");
    }
    assert_eq!(read(&bystander).await, bystander);
}
