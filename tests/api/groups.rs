//! GroupService and group memberships.

use crate::support::{TestApp, create, expect_code, get_by, mask, reason, user, violated_fields};
use roster_proto::v1 as pb;
use roster_proto::v1::get_group_request::Key as GKey;
use roster_proto::v1::user_key::Key;
use tonic::Code;

fn by_path(p: &str) -> pb::GroupRef {
    pb::GroupRef {
        path: p.to_owned(),
        ..Default::default()
    }
}

#[tokio::test]
async fn creating_a_path_creates_its_missing_parents() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut groups = app.groups(&t.token);
    let leaf = groups
        .create_group(pb::CreateGroupRequest {
            path: "//Risk Department/Risk Analysts".into(),
            external_id: Some("G-7".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(leaf.name, "Risk Analysts");
    let parent = groups
        .resolve_group_path(pb::ResolveGroupPathRequest {
            path: "//Risk Department".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(leaf.parent_id.as_deref(), Some(parent.id.as_str()));
    assert_eq!(parent.parent_id, None);

    for key in [
        GKey::Id(leaf.id.clone()),
        GKey::Path(leaf.path.clone()),
        GKey::ExternalId("G-7".into()),
    ] {
        let g = groups
            .get_group(pb::GetGroupRequest { key: Some(key) })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(g.id, leaf.id);
    }
    // A sibling reuses the existing parent.
    let sibling = groups
        .create_group(pb::CreateGroupRequest {
            path: "//Risk Department/Auditors".into(),
            external_id: None,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(sibling.parent_id.as_deref(), Some(parent.id.as_str()));
}

#[tokio::test]
async fn paths_are_case_sensitive_and_duplicates_refused() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut groups = app.groups(&t.token);
    groups
        .create_group(pb::CreateGroupRequest {
            path: "//Risk".into(),
            external_id: None,
            ..Default::default()
        })
        .await
        .unwrap();
    groups
        .create_group(pb::CreateGroupRequest {
            path: "//risk".into(),
            external_id: None,
            ..Default::default()
        })
        .await
        .unwrap();
    let st = expect_code(
        groups
            .create_group(pb::CreateGroupRequest {
                path: "//Risk".into(),
                external_id: None,
                ..Default::default()
            })
            .await,
        Code::AlreadyExists,
    );
    assert_eq!(reason(&st), "GROUP_EXISTS");
    let st = expect_code(
        groups
            .resolve_group_path(pb::ResolveGroupPathRequest {
                path: "//RISK".into(),
            })
            .await,
        Code::NotFound,
    );
    assert_eq!(reason(&st), "GROUP_NOT_FOUND");
}

#[tokio::test]
async fn malformed_paths_are_invalid_arguments() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut groups = app.groups(&t.token);
    for bad in ["Risk", "/Risk", "//", "//A//B", "//A/ B"] {
        let st = expect_code(
            groups
                .create_group(pb::CreateGroupRequest {
                    path: bad.into(),
                    external_id: None,
                    ..Default::default()
                })
                .await,
            Code::InvalidArgument,
        );
        assert_eq!(violated_fields(&st), ["path"], "{bad:?}");
    }
    let listed = groups
        .list_groups(pb::ListGroupsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(listed.groups.is_empty(), "nothing was written");
}

#[tokio::test]
async fn groups_list_in_path_order_by_page_and_by_parent() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut groups = app.groups(&t.token);
    for p in ["//B/x", "//A/z", "//A/y", "//C"] {
        groups
            .create_group(pb::CreateGroupRequest {
                path: p.into(),
                external_id: None,
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let mut paths = Vec::new();
    let mut token = String::new();
    let mut previous = Vec::new();
    loop {
        let r = groups
            .list_groups(pb::ListGroupsRequest {
                page_size: 2,
                page_token: token.clone(),
                parent_id: None,
            })
            .await
            .unwrap()
            .into_inner();
        paths.extend(r.groups.into_iter().map(|g| g.path));
        previous.push(r.previous_page_token);
        if r.next_page_token.is_empty() {
            break;
        }
        token = r.next_page_token;
    }
    assert_eq!(paths, ["//A", "//A/y", "//A/z", "//B", "//B/x", "//C"]);
    assert!(previous[0].is_empty(), "nothing before the first page");
    // Back from the last page by previous_page_token: the same pages, in path order.
    let mut back = Vec::new();
    let mut token = previous.pop().unwrap_or_default();
    while !token.is_empty() {
        let r = groups
            .list_groups(pb::ListGroupsRequest {
                page_size: 2,
                page_token: token,
                parent_id: None,
            })
            .await
            .unwrap()
            .into_inner();
        assert!(!r.next_page_token.is_empty());
        back.insert(0, r.groups.into_iter().map(|g| g.path).collect::<Vec<_>>());
        token = r.previous_page_token;
    }
    assert_eq!(back, [["//A", "//A/y"], ["//A/z", "//B"]]);
    let a = groups
        .resolve_group_path(pb::ResolveGroupPathRequest { path: "//A".into() })
        .await
        .unwrap()
        .into_inner();
    let children = groups
        .list_groups(pb::ListGroupsRequest {
            parent_id: Some(a.id),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        children
            .groups
            .iter()
            .map(|g| g.path.as_str())
            .collect::<Vec<_>>(),
        ["//A/y", "//A/z"]
    );
}

#[tokio::test]
async fn users_join_groups_by_path_id_or_external_id_and_leave_on_delete() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut groups = app.groups(&t.token);
    let mut users = app.users(&t.token);
    let g1 = groups
        .create_group(pb::CreateGroupRequest {
            path: "//Eng/Backend".into(),
            external_id: Some("BE".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let g2 = groups
        .create_group(pb::CreateGroupRequest {
            path: "//Ops".into(),
            external_id: None,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();

    let mut u = user("mia@example.com");
    u.groups = vec![
        by_path("//Ops"),
        pb::GroupRef {
            external_id: Some("BE".into()),
            ..Default::default()
        },
    ];
    let created = users.create_user(create(u)).await.unwrap().into_inner();
    let paths: Vec<_> = created.groups.iter().map(|g| g.path.as_str()).collect();
    assert_eq!(paths, ["//Ops", "//Eng/Backend"], "in the order given");
    assert_eq!(created.groups[1].id, g1.id);
    assert_eq!(created.groups[1].external_id.as_deref(), Some("BE"));
    let g1_now = groups
        .get_group(pb::GetGroupRequest {
            key: Some(GKey::Id(g1.id.clone())),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(g1_now.member_count, 1);

    // Replace the set by id.
    let patch = pb::User {
        id: created.id.clone(),
        groups: vec![pb::GroupRef {
            id: g2.id.clone(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let updated = users
        .update_user(pb::UpdateUserRequest {
            user: Some(patch),
            update_mask: mask(&["groups"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.groups.len(), 1);
    assert_eq!(updated.groups[0].path, "//Ops");

    // An unknown group fails the whole update.
    let patch = pb::User {
        id: created.id.clone(),
        groups: vec![by_path("//Nope")],
        ..Default::default()
    };
    let st = expect_code(
        users
            .update_user(pb::UpdateUserRequest {
                user: Some(patch),
                update_mask: mask(&["groups"]),
                password: None,
                ..Default::default()
            })
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(reason(&st), "GROUP_NOT_FOUND");
    assert_eq!(violated_fields(&st), ["user.groups[0]"]);

    // Deleting the group removes the membership.
    groups
        .delete_group(pb::DeleteGroupRequest {
            id: g2.id,
            recursive: false,
            ..Default::default()
        })
        .await
        .unwrap();
    let after = users
        .get_user(get_by(Key::Id(created.id)))
        .await
        .unwrap()
        .into_inner();
    assert!(after.groups.is_empty());
}

#[tokio::test]
async fn a_group_with_children_is_deleted_only_recursively() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut groups = app.groups(&t.token);
    groups
        .create_group(pb::CreateGroupRequest {
            path: "//A/B/C".into(),
            external_id: None,
            ..Default::default()
        })
        .await
        .unwrap();
    let a = groups
        .resolve_group_path(pb::ResolveGroupPathRequest { path: "//A".into() })
        .await
        .unwrap()
        .into_inner();
    let st = expect_code(
        groups
            .delete_group(pb::DeleteGroupRequest {
                id: a.id.clone(),
                recursive: false,
                ..Default::default()
            })
            .await,
        Code::FailedPrecondition,
    );
    assert_eq!(reason(&st), "GROUP_HAS_CHILDREN");
    groups
        .delete_group(pb::DeleteGroupRequest {
            id: a.id.clone(),
            recursive: true,
            ..Default::default()
        })
        .await
        .unwrap();
    let left = groups
        .list_groups(pb::ListGroupsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(left.groups.is_empty(), "{:?}", left.groups);
    expect_code(
        groups
            .delete_group(pb::DeleteGroupRequest {
                id: a.id,
                recursive: true,
                ..Default::default()
            })
            .await,
        Code::NotFound,
    );
}

/// `CheckGroupPaths` answers the rules alone, to any authenticated caller, and only to one.
#[tokio::test]
async fn paths_are_checked_without_a_lookup_for_any_authenticated_caller() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let paths = vec![
        "//A/B".to_owned(),
        "A".to_owned(),
        "//A /B".to_owned(),
        "//x".to_owned(),
    ];
    for token in [&t.token, &t.owner_token] {
        let problems = app
            .groups(token)
            .check_group_paths(pb::CheckGroupPathsRequest {
                paths: paths.clone(),
            })
            .await
            .unwrap()
            .into_inner()
            .problems;
        assert_eq!(problems.len(), 4);
        assert_eq!(problems[0], "");
        assert!(problems[1].contains("//"), "{problems:?}");
        assert!(problems[2].contains("spaces"), "{problems:?}");
        assert_eq!(problems[3], "");
    }
    let s = expect_code(
        app.groups("not-a-token")
            .check_group_paths(pb::CheckGroupPathsRequest { paths })
            .await,
        Code::Unauthenticated,
    );
    assert!(!s.message().is_empty());
    let many = vec!["//A".to_owned(); 10_001];
    let s = expect_code(
        app.groups(&t.token)
            .check_group_paths(pb::CheckGroupPathsRequest { paths: many })
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(reason(&s), "TOO_LARGE");
}
