//! Group writes: creating a path (with its missing parents), renaming (the subtree's paths
//! follow), member changes, deleting a subtree.

use super::{contiguous, data, events_after, high_water, kinds};
use crate::support::{TestApp, create, user};
use roster_proto::v1 as pb;

#[tokio::test]
async fn each_group_write_has_exactly_its_events() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut groups = app.groups(&t.token);
    let mut users = app.users(&t.token);
    let ada = users
        .create_user(create(user("ada@example.com")))
        .await
        .unwrap()
        .into_inner();
    let bob = users
        .create_user(create(user("bob@example.com")))
        .await
        .unwrap()
        .into_inner();
    let start = high_water(&app, &t).await;

    // //Risk is made on the way to //Risk/Analysts.
    let leaf = groups
        .create_group(pb::CreateGroupRequest {
            path: "//Risk/Analysts".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let parent = leaf.parent_id.clone().unwrap();
    // An existing parent is not made again.
    let sibling = groups
        .create_group(pb::CreateGroupRequest {
            path: "//Risk/Auditors".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    groups
        .change_group_members(pb::ChangeGroupMembersRequest {
            group_id: leaf.id.clone(),
            add_user_ids: vec![ada.id.clone(), bob.id.clone()],
            ..Default::default()
        })
        .await
        .unwrap();
    // Adding a member again changes nothing and tells nothing.
    groups
        .change_group_members(pb::ChangeGroupMembersRequest {
            group_id: leaf.id.clone(),
            add_user_ids: vec![ada.id.clone()],
            remove_user_ids: vec![bob.id.clone()],
            ..Default::default()
        })
        .await
        .unwrap();
    groups
        .update_group(pb::UpdateGroupRequest {
            group: Some(pb::Group {
                id: parent.clone(),
                name: "Audit".into(),
                ..Default::default()
            }),
            update_mask: crate::support::mask(&["name"]),
            ..Default::default()
        })
        .await
        .unwrap();
    groups
        .delete_group(pb::DeleteGroupRequest {
            id: parent.clone(),
            recursive: true,
            ..Default::default()
        })
        .await
        .unwrap();

    let events = events_after(&app, &t, start).await;
    contiguous(&events, start + 1);
    let g = |s: &str| s.to_owned();
    assert_eq!(
        kinds(&events),
        [
            (g("roster.group.created"), parent.clone()),
            (g("roster.group.created"), leaf.id.clone()),
            (g("roster.group.created"), sibling.id.clone()),
            (g("roster.group.member_added"), leaf.id.clone()),
            (g("roster.group.member_added"), leaf.id.clone()),
            (g("roster.group.member_removed"), leaf.id.clone()),
            (g("roster.group.updated"), parent.clone()),
            (g("roster.group.updated"), leaf.id.clone()),
            (g("roster.group.updated"), sibling.id.clone()),
            (g("roster.group.deleted"), sibling.id.clone()),
            (g("roster.group.deleted"), leaf.id.clone()),
            (g("roster.group.deleted"), parent.clone()),
        ]
    );
    assert_eq!(data(&events[1])["path"], "//Risk/Analysts");
    assert_eq!(data(&events[1])["parent_id"], parent.as_str());
    let added: Vec<String> = events[3..5]
        .iter()
        .map(|e| data(e)["user"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(added, [ada.id.clone(), bob.id.clone()]);
    assert_eq!(data(&events[5])["user"]["login"], bob.login.as_str());
    for (e, path) in events[6..9]
        .iter()
        .zip(["//Audit", "//Audit/Analysts", "//Audit/Auditors"])
    {
        assert_eq!(data(e)["group"]["path"], path);
        assert_eq!(data(e)["changed_fields"], serde_json::json!(["path"]));
    }
    assert_eq!(
        data(&events[10])["member_count"],
        1,
        "as it was before it went"
    );
}
