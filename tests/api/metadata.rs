//! `metadata.<key>` update-mask paths: one metadata entry set or removed, the others kept,
//! and an entry past the metadata limits refused with nothing written.

use crate::support::{TestApp, create, expect_code, mask, user, violated_fields};
use roster_proto::v1 as pb;
use tonic::Code;

fn update(id: &str, pairs: &[(&str, &str)], paths: &[&str]) -> pb::UpdateUserRequest {
    pb::UpdateUserRequest {
        user: Some(pb::User {
            id: id.to_owned(),
            metadata: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ..Default::default()
        }),
        update_mask: mask(paths),
        password: None,
        ..Default::default()
    }
}

fn keys(u: &pb::User) -> Vec<&str> {
    let mut k: Vec<&str> = u.metadata.keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

#[tokio::test]
async fn a_metadata_path_sets_or_removes_one_entry_and_keeps_the_others() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let mut u = user("ann@acme.test");
    u.metadata.insert("dept".into(), "7".into());
    u.metadata.insert("site".into(), "Oslo".into());
    let u = users.create_user(create(u)).await.unwrap().into_inner();

    let set = users
        .update_user(update(&u.id, &[("cost", "42")], &["metadata.cost"]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(keys(&set), ["cost", "dept", "site"]);

    let removed = users
        .update_user(update(&u.id, &[], &["metadata.site"]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(keys(&removed), ["cost", "dept"]);

    let long = "x".repeat(1025);
    let st = expect_code(
        users
            .update_user(update(
                &u.id,
                &[("big", long.as_str()), ("dept", "8")],
                &["metadata.big", "metadata.dept"],
            ))
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&st), ["user.metadata.big"]);
    let after = users
        .get_user(pb::GetUserRequest {
            key: crate::support::key_id(&u.id),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(after.etag, removed.etag, "nothing written");
    assert_eq!(after.metadata["dept"], "7");
}
